//! CI runs every example: each scenario file through `project` (and `sweep`), each script.

use std::path::{Path, PathBuf};
use std::process::Command;

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

/// A data directory nothing writes to: the examples run on the embedded snapshot, never on
/// the machine's stored one.
fn no_data_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-minecalc-data-dir")
}

/// Stderr without the one line that says the network figures were rolled forward to today
/// (the examples start today, as a user's run does).
fn besides_staleness(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter(|l| {
            !(l.starts_with("minecalc: warning: the network figures (")
                && l.contains("rolled them forward"))
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

fn bin_dir() -> PathBuf {
    assert_cmd::cargo::cargo_bin("minecalc")
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn every_scenario_file_runs() {
    let tomls: Vec<PathBuf> = examples()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    assert!(tomls.len() >= 3, "{tomls:?}");
    for t in tomls {
        let text = std::fs::read_to_string(&t).unwrap();
        assert!(
            text.trim_start().starts_with('#'),
            "{} should open with a comment saying what it shows",
            t.display()
        );
        for format in ["table", "csv", "json"] {
            let out = assert_cmd::Command::cargo_bin("minecalc")
                .unwrap()
                .env("MINECALC_DATA_DIR", no_data_dir())
                .args([
                    "project",
                    "--scenario",
                    t.to_str().unwrap(),
                    "-f",
                    format,
                    "--by-machine",
                ])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{} {format}: {}",
                t.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            let err = besides_staleness(&out.stderr);
            assert!(err.is_empty(), "{}: {err}", t.display());
            assert!(!out.stdout.is_empty());
        }
        let out = assert_cmd::Command::cargo_bin("minecalc")
            .unwrap()
            .env("MINECALC_DATA_DIR", no_data_dir())
            .args([
                "sweep",
                "--scenario",
                t.to_str().unwrap(),
                "--vary",
                "price-growth=-20,0,20",
                "-f",
                "csv",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            t.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 4);
    }
}

#[test]
fn every_script_runs() {
    let scripts: Vec<PathBuf> = examples()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "sh"))
        .collect();
    assert!(!scripts.is_empty());
    let path = format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for s in scripts {
        let out = Command::new("bash")
            .arg(&s)
            .env("PATH", &path)
            .env("MINECALC_DATA_DIR", no_data_dir())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            s.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let err = besides_staleness(&out.stderr);
        assert!(err.is_empty(), "{}: {err}", s.display());
        // Each script's CSV output parses as CSV with a consistent column count per block.
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.lines().count() > 2, "{}", s.display());
    }
}

#[test]
fn power_cost_loop_is_one_clean_csv() {
    let path = format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let s = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/power-cost-loop.sh");
    let out = Command::new("bash")
        .arg(&s)
        .env("PATH", &path)
        .output()
        .unwrap();
    let mut r = csv::Reader::from_reader(out.stdout.as_slice());
    let h = r.headers().unwrap().clone();
    assert_eq!(&h[0], "power_cost");
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert!(rows.len() >= 9);
    let tags: Vec<&str> = rows.iter().map(|r| r.get(0).unwrap()).collect();
    assert_eq!(tags.first(), Some(&"0.03"));
    assert_eq!(tags.last(), Some(&"0.07"));
}
