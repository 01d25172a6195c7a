//! Helpers shared by the CLI test files (each test file uses some of them).
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;

/// The embedded snapshot's date (data/network.json `as_of`).
pub const SNAPSHOT_DATE: &str = "2026-06-26";

/// A data directory no test writes to, so a run never reads the machine's stored snapshot
/// (`minecalc network update`): every run starts from the embedded one.
pub fn empty_data_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-minecalc-data-dir")
}

/// The minecalc binary under test, on the embedded snapshot (and without the caller's
/// COLUMNS: tables at full width).
pub fn minecalc() -> Command {
    let mut c = Command::cargo_bin("minecalc").unwrap();
    c.env("MINECALC_DATA_DIR", empty_data_dir());
    c.env_remove("COLUMNS");
    c
}

/// The commands that take `--start` and run on the network state.
const TAKES_START: [&str; 8] = [
    "project",
    "sweep",
    "breakeven",
    "pivot",
    "hashprice",
    "machines",
    "halvings",
    "network",
];

/// `args` with `--start SNAPSHOT_DATE` after the command when it takes one and no `--start`
/// is given (it overrides a scenario file's `start`; no test scenario sets one) and no
/// `--network` document dates the state: the default start is today, so an unpinned run
/// would depend on the clock. Tests of the default start call [`minecalc`] directly.
pub fn pinned<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut v = args.to_vec();
    let subcommand = args.get(1).is_some_and(|a| !a.starts_with('-'));
    let takes = args.first().is_some_and(|c| TAKES_START.contains(c))
        && !(args[0] == "network" && subcommand)
        && !args.iter().any(|a| {
            a.starts_with("--start")
                || *a == "--network"
                || a.starts_with("--network=")
                || *a == "--help"
        });
    if takes {
        v.splice(1..1, ["--start", SNAPSHOT_DATE]);
    }
    v
}

/// Runs minecalc and returns stdout, asserting success and a quiet stderr. The start is
/// pinned to the snapshot's date unless given ([`pinned`]).
pub fn run_ok(args: &[&str]) -> String {
    let out = minecalc().args(pinned(args)).output().unwrap();
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

/// Runs minecalc expecting exit status `code` (1: runtime failure, 2: bad input), one
/// `minecalc: ` line on stderr and nothing on stdout; returns the line.
pub fn run_err_code(args: &[&str], code: i32) -> String {
    let out = minecalc().args(pinned(args)).output().unwrap();
    let e = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(code), "{args:?}: {e}");
    assert!(out.stdout.is_empty(), "{args:?} wrote to stdout");
    assert_eq!(e.lines().count(), 1, "{args:?}: {e}");
    assert!(e.starts_with("minecalc: "), "{args:?}: {e}");
    e
}

/// As [`run_err_code`] for bad input (exit status 2).
pub fn run_err(args: &[&str]) -> String {
    run_err_code(args, 2)
}

/// Each command fails as bad input with a message that contains its text.
pub fn assert_errors(cases: &[(&[&str], &str)]) {
    for (args, want) in cases {
        let e = run_err(args);
        assert!(e.contains(want), "{args:?}: {e}");
    }
}

/// `a` is within `rel` of `b`, relative to |b| or 1, whichever is larger (so values near zero
/// compare absolutely).
pub fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1.0)
}

/// `a` is within `rel` of `b`, relative to the larger of the two magnitudes (down to 1e-9).
pub fn close_rel(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-9)
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
