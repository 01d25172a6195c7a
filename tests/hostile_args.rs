//! Generated argument matrices: every parameter flag of every command that takes it, with
//! hostile values (edges, overflows, subnormals, NaN, inf, huge and non-UTF-8 text). Each case
//! asserts an exit status of 0, 1 or 2, one `minecalc: ` line on stderr when it fails, and no
//! NaN or inf in the CSV it prints.

mod common;

use std::ffi::OsString;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::minecalc;
use serde_json::Value;

/// Values every numeric flag is given.
const VALUES: &[&str] = &[
    "0",
    "-1",
    "5e-324",
    "1e-320",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "1e999",
    "NaN",
    "inf",
    "-inf",
    "18446744073709551616",
    "1ZH",
    "0x10",
    "",
];

/// Arguments that keep each command quick (a month, a small sweep).
fn base(cmd: &str) -> Vec<&'static str> {
    match cmd {
        "project" => vec!["project", "--days", "30"],
        "sweep" => vec!["sweep", "--vary", "uptime=90,95", "--days", "30"],
        "breakeven" => vec!["breakeven", "--days", "30"],
        "pivot" => vec!["pivot"],
        "hashprice" => vec!["hashprice"],
        "machines" => vec!["machines"],
        "halvings" => vec!["halvings"],
        "network" => vec!["network"],
        _ => vec![],
    }
}

/// What every case must hold: an exit status of 0, 1 or 2, one short `minecalc: ` line on
/// stderr when it fails, finite numbers in the output. Returns the broken rule, if any.
pub fn check(args: &[OsString]) -> Option<String> {
    let out = minecalc()
        .args(args)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !matches!(code, 0..=2) {
        return Some(format!("{args:?}: exit {code}: {stderr}"));
    }
    if code != 0
        && (stderr.lines().count() != 1
            || !stderr.starts_with("minecalc: ")
            || stderr.chars().count() > 800)
    {
        return Some(format!("{args:?}: stderr {stderr}"));
    }
    if out.stderr.contains(&0x1b) {
        return Some(format!("{args:?}: a raw escape on stderr"));
    }
    for cell in stdout.split([',', '\n']) {
        let c = cell.trim();
        if c.parse::<f64>().is_ok_and(|v| !v.is_finite()) {
            return Some(format!("{args:?}: {c} in the output"));
        }
    }
    None
}

#[test]
fn every_numeric_flag_of_every_command() {
    let out = minecalc().args(["params", "-f", "json"]).output().unwrap();
    let params: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut cases: Vec<Vec<OsString>> = Vec::new();
    let mut pivot_turn = 0;
    for p in &params {
        let flag = p["flag"].as_str().unwrap_or("");
        let valid = p["valid"].as_str().unwrap_or("");
        if flag.is_empty() || valid.is_empty() {
            continue;
        }
        let max = valid.rsplit("<= ").next().unwrap_or("1").to_string();
        let commands = p["commands"].as_str().unwrap_or("");
        for cmd in commands.split_whitespace() {
            let b = base(cmd);
            if b.is_empty() {
                continue;
            }
            let mut values: Vec<String> = VALUES.iter().map(|v| v.to_string()).collect();
            values.push(max.clone());
            values.push(format!("{max}1"));
            // The pivot runs longest: one value in turn for each of its flags.
            if cmd == "pivot" {
                pivot_turn += 1;
                values = vec![values[pivot_turn % values.len()].clone()];
            }
            for v in values {
                let mut args: Vec<OsString> = b.iter().map(OsString::from).collect();
                // -q: no warnings (a stale snapshot's), so a failure is one line.
                args.extend(["-q", "-f", "csv"].map(OsString::from));
                args.push(OsString::from(format!("{flag}={v}")));
                cases.push(args);
            }
        }
    }
    let n = run_all(&cases);
    eprintln!("{n} argument cases");
    assert!(n > 500, "{n}");
}

#[test]
fn non_utf8_huge_and_control_character_values() {
    use std::os::unix::ffi::OsStringExt;
    let huge = "9".repeat(100_000);
    let mut cases: Vec<Vec<OsString>> = Vec::new();
    for flag in [
        "--price",
        "--price-path",
        "--scenario",
        "--start",
        "--network",
        "--machine",
    ] {
        for v in [
            OsString::from_vec(vec![0xff, 0xfe]),
            OsString::from(huge.as_str()),
            OsString::from("\u{1b}[31mred\u{7}"),
        ] {
            let mut a: Vec<OsString> = ["project", "-q", "--days", "30", flag]
                .map(OsString::from)
                .to_vec();
            a.push(v);
            cases.push(a);
        }
    }
    let n = run_all(&cases);
    eprintln!("{n} odd-value cases");
}

/// Runs the cases on two threads (the machine is shared); asserts that none broke a rule and
/// returns how many ran.
fn run_all(cases: &[Vec<OsString>]) -> usize {
    let next = AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(c) = cases.get(i) else { break };
                if let Some(f) = check(c) {
                    failures.lock().unwrap().push(f);
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    cases.len()
}

#[test]
fn runs_past_the_memory_bounds_are_refused_up_front() {
    let mut machines: Vec<&str> = vec!["project", "--by-machine", "--days", "36500", "-f", "csv"];
    for _ in 0..30 {
        machines.extend(["--machine", "S21"]);
    }
    let cases: [(&[&str], &str); 3] = [
        (
            &[
                "sweep",
                "--vary",
                "power-cost=0.001:1:0.001",
                "--vary",
                "efficiency=10:209:1",
            ],
            "use --format csv",
        ),
        (
            &["sweep", "--vary", "power-cost=1:1e308:1e-308"],
            "more than 10000000 values",
        ),
        (
            &machines,
            "30 machine groups × 36500 days is more than 1,000,000 rows",
        ),
    ];
    for (args, want) in cases {
        let out = minecalc()
            .args(args)
            .timeout(Duration::from_secs(30))
            .output()
            .unwrap();
        let e = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {e}");
        assert!(e.contains(want), "{args:?}: {e}");
        assert!(out.stdout.is_empty());
    }
}

/// A subnormal figure has lost its precision: refused with the flag named, as in a file.
#[test]
fn subnormal_figures_are_refused() {
    for (flag, v) in [
        ("--price", "1e-320"),
        ("--power-cost", "5e-324"),
        ("--hashrate", "1e-310"),
    ] {
        let e = common::run_err(&["project", "--days", "2", flag, v]);
        assert!(
            e.contains(&format!("{flag} is too small to compute with")),
            "{e}"
        );
    }
}
