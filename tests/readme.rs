//! Runs every command in the README's `sh` blocks (except the `cargo` lines), so the examples
//! cannot rot: each must exit 0 and print something, with nothing on stderr but warnings.

use std::path::{Path, PathBuf};
use std::process::Command;

fn sh_blocks(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("```") {
            inside = !inside && t == "```sh";
            continue;
        }
        if !inside || t.is_empty() || t.starts_with('#') {
            continue;
        }
        // A line ending in a backslash continues on the next.
        match out.last_mut() {
            Some(prev) if prev.ends_with('\\') => {
                prev.pop();
                prev.push(' ');
                prev.push_str(t);
            }
            _ => out.push(t.to_string()),
        }
    }
    out.retain(|c| !c.starts_with("cargo "));
    out
}

fn bin_dir() -> PathBuf {
    let bin = assert_cmd::cargo::cargo_bin("minecalc");
    bin.parent().unwrap().to_path_buf()
}

/// Runs the `sh` examples of a markdown file from a scratch folder that can see the repo's
/// examples/ and tests/fixtures/.
pub fn run_examples(md: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(md).unwrap();
    let cmds = sh_blocks(&text);
    assert!(!cmds.is_empty(), "no sh examples in {}", md.display());
    let dir = tempfile::tempdir().unwrap();
    for sub in ["examples", "tests", "data"] {
        std::os::unix::fs::symlink(root.join(sub), dir.path().join(sub)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for cmd in cmds {
        let out = Command::new("bash")
            .args(["-o", "pipefail", "-c", &cmd])
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("MINECALC_DATA_DIR", dir.path().join("minecalc-data"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "README example failed: {cmd}\n{err}");
        // Only announced warnings may reach stderr (e.g. a start past the snapshot).
        assert!(
            err.lines().all(|l| l.starts_with("minecalc: warning: ")),
            "README example wrote to stderr: {cmd}\n{err}"
        );
        let wrote_file = cmd.contains(" -o ") || cmd.contains(" > ");
        assert!(
            wrote_file || !out.stdout.is_empty(),
            "README example printed nothing: {cmd}"
        );
    }
}

#[test]
fn readme_examples_run() {
    run_examples(&Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"));
}

#[test]
fn library_example_runs() {
    // `cargo test` builds the examples; run the library example's binary.
    let exe = bin_dir().join("examples").join("library");
    let out = Command::new(&exe)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", exe.display()));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.contains("halving 2028-"), "{text}");
}
