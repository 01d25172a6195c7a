//! Hostile `-o` targets: devices, FIFOs, symlinks, folders and signals. Each case asserts the
//! exit status, that the target is intact (written into, never replaced) and that no temporary
//! file is left behind. Every node is made in the test's own temporary folder (CI runs as root:
//! never the machine's /dev/null).
#![cfg(unix)]

mod common;

use std::fs;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::minecalc;

const CSV: &[&str] = &["hashprice", "-q", "--format", "csv", "-o"];

/// Names in `dir` that start with `.minecalc-` (temporary files left behind).
fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".minecalc-"))
        .collect()
}

fn mkfifo(p: &Path) {
    let ok = Command::new("mkfifo").arg(p).status().unwrap().success();
    assert!(ok, "mkfifo {}", p.display());
}

/// Runs `hashprice -f csv -o TARGET` and returns the exit status and stderr.
fn write_to(target: &Path) -> (i32, String) {
    let out = minecalc()
        .args(CSV)
        .arg(target)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_fifo_is_written_into_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("out.fifo");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
    };
    let (code, err) = write_to(&fifo);
    assert_eq!(code, 0, "{err}");
    let got = reader.join().unwrap();
    assert!(got.starts_with("date,height,"), "{got}");
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn a_device_node_is_written_into_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let null = dir.path().join("null");
    // The test's own /dev/null (character device 1,3); needs root, as CI has.
    let made = Command::new("mknod")
        .arg(&null)
        .args(["c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !made {
        eprintln!("skipped: mknod needs root");
        return;
    }
    for target in [null.clone(), {
        let link = dir.path().join("null-link");
        std::os::unix::fs::symlink(&null, &link).unwrap();
        link
    }] {
        let (code, err) = write_to(&target);
        assert_eq!(code, 0, "{err}");
        let t = fs::metadata(&null).unwrap().file_type();
        assert!(t.is_char_device(), "{} replaced", null.display());
    }
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn a_symlink_is_followed_and_its_target_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).unwrap();
    let real = sub.join("real.csv");
    fs::write(&real, "old\n").unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink("sub/real.csv", &link).unwrap();
    let (code, err) = write_to(&link);
    assert_eq!(code, 0, "{err}");
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(fs::read_to_string(&real)
        .unwrap()
        .starts_with("date,height,"));
    // A dangling link: its target is created.
    let dangling = dir.path().join("dangling.csv");
    std::os::unix::fs::symlink("sub/new.csv", &dangling).unwrap();
    let (code, err) = write_to(&dangling);
    assert_eq!(code, 0, "{err}");
    assert!(fs::symlink_metadata(&dangling)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(fs::read_to_string(sub.join("new.csv"))
        .unwrap()
        .starts_with("date,"));
    assert!(leftovers(dir.path()).is_empty() && leftovers(&sub).is_empty());
}

#[test]
fn folders_loops_and_missing_folders_exit_1_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    let cases = [
        (dir.path().to_path_buf(), "folder"),
        (a.clone(), "symbolic links"),
        (dir.path().join("none/x.csv"), "does not exist"),
    ];
    for (target, want) in cases {
        let (code, err) = write_to(&target);
        assert_eq!(code, 1, "{}: {err}", target.display());
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("minecalc: -o ") && err.contains(want),
            "{err}"
        );
    }
    assert!(fs::symlink_metadata(&a).unwrap().file_type().is_symlink());
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn plot_writes_into_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("p.svg");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
    };
    let out = minecalc()
        .args(["pivot", "--format", "csv", "--plot"])
        .arg(&fifo)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(reader.join().unwrap().contains("<svg"));
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(leftovers(dir.path()).is_empty());
}

/// SIGINT, SIGTERM and SIGHUP while a long sweep writes `-o`: the temporary file is removed and
/// an existing target is left as it was.
#[test]
fn signals_remove_the_temporary_file() {
    let bin = assert_cmd::cargo::cargo_bin("minecalc");
    for sig in ["INT", "TERM", "HUP"] {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("sweep.csv");
        fs::write(&target, "before\n").unwrap();
        let mut child = Command::new(&bin)
            .args([
                "sweep",
                "--vary",
                "power-cost=0.01:1:0.01",
                "--vary",
                "efficiency=10:109:1",
                "--days",
                "3650",
                "-f",
                "csv",
                "-o",
            ])
            .arg(&target)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while leftovers(dir.path()).is_empty() && start.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!leftovers(dir.path()).is_empty(), "no temporary file seen");
        let killed = Command::new("kill")
            .args(["-s", sig, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        assert!(!status.success(), "SIG{sig}: finished before the signal");
        assert_eq!(leftovers(dir.path()), Vec::<String>::new(), "SIG{sig}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "before\n", "SIG{sig}");
    }
}
