//! Helpers shared by the CLI test files (each test file uses some of them).
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;

/// The minecalc binary under test.
pub fn minecalc() -> Command {
    Command::cargo_bin("minecalc").unwrap()
}

/// Runs minecalc and returns stdout, asserting success and a quiet stderr.
pub fn run_ok(args: &[&str]) -> String {
    let out = minecalc().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{args:?} stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs minecalc expecting exit status 2 and one `minecalc: ` line on stderr, nothing on
/// stdout; returns the line.
pub fn run_err(args: &[&str]) -> String {
    let out = minecalc().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(out.stdout.is_empty(), "{args:?} wrote to stdout");
    let e = String::from_utf8(out.stderr).unwrap();
    assert_eq!(e.lines().count(), 1, "{args:?}: {e}");
    assert!(e.starts_with("minecalc: "), "{e}");
    e
}

/// Runs minecalc with `-f json` output in `args` and returns the array's objects.
pub fn json(args: &[&str]) -> Vec<Value> {
    match serde_json::from_str::<Value>(&run_ok(args)).unwrap() {
        Value::Array(v) => v,
        other => panic!("not an array: {other}"),
    }
}

/// A numeric field of a JSON object.
pub fn f(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number: {v}"))
}
