//! The parameter registry as users meet it: `minecalc params`, unit suffixes, warnings for
//! likely slips, flags a command does not use, per-machine flags, errors that name their source.

mod common;

use common::{f, json, minecalc, pinned, run_err, run_ok};
use serde_json::Value;

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn params_lists_every_parameter_in_every_format() {
    let rows: Vec<Value> = json(&["params", "-f", "json"]);
    assert!(rows.len() >= 45, "{}", rows.len());
    let pc = rows
        .iter()
        .find(|r| r["flag"] == "--power-cost")
        .expect("--power-cost listed");
    assert_eq!(pc["column"], "power_cost_usd_per_kwh");
    assert_eq!(pc["scenario_key"], "[fleet] or [[fleet.group]] power_cost");
    assert_eq!(pc["default"], "0.05");
    assert_eq!(pc["varies"], true);
    assert!(pc["commands"].as_str().unwrap().contains("sweep"));
    // The pivot's and the response model's settings are parameters too.
    for flag in ["--lease-years", "--off-lag", "--pue", "--network-model"] {
        assert!(rows.iter().any(|r| r["flag"] == flag), "{flag}");
    }
    let csv = run_ok(&["params", "-f", "csv"]);
    assert!(csv.starts_with("flag,scenario_key,column,unit"), "{csv}");
    assert_eq!(csv.lines().count(), rows.len() + 1);
    let table = run_ok(&["params"]);
    assert!(table.contains("--difficulty"));
    // One in full, by flag, key or column.
    for name in ["uptime", "uptime_pct"] {
        let one = json(&["params", name, "-f", "json"]);
        assert_eq!(one[0]["flag"], "--uptime", "{name}");
    }
    assert!(run_err(&["params", "uptim"]).contains("did you mean uptime?"));
}

#[test]
fn every_flag_in_help_is_in_the_dictionary() {
    let rows: Vec<Value> = json(&["params", "-f", "json"]);
    let help = run_ok(&["project", "--help"]);
    for r in &rows {
        let flag = r["flag"].as_str().unwrap();
        let takes = r["commands"]
            .as_str()
            .unwrap()
            .split(' ')
            .any(|c| c == "project");
        if !flag.is_empty() && takes {
            assert!(help.contains(flag), "{flag} missing from project --help");
        }
    }
    // The long network block appears only where it is used.
    let backtest = run_ok(&["backtest", "--help"]);
    assert!(!backtest.contains("--difficulty"));
    assert!(!run_ok(&["halvings", "--help"]).contains("--price "));
}

#[test]
fn suffixes_give_the_same_run_as_plain_numbers() {
    let plain = json(&[
        "hashprice",
        "--difficulty",
        "133870000000000",
        "--price",
        "59000",
        "-f",
        "json",
    ]);
    let suffixed = json(&[
        "hashprice",
        "--difficulty",
        "133.87T",
        "--price",
        "59k",
        "-f",
        "json",
    ]);
    assert_eq!(plain, suffixed);
    let a = json(&[
        "project",
        "--days",
        "3",
        "--hashrate",
        "250PH",
        "-f",
        "json",
    ]);
    let b = json(&[
        "project",
        "--days",
        "3",
        "--hashrate",
        "250000",
        "-f",
        "json",
    ]);
    assert_eq!(a, b);
    let n = json(&["hashprice", "--network-hashrate", "1.2ZH", "-f", "json"]);
    let m = json(&["hashprice", "--network-hashrate", "1200", "-f", "json"]);
    assert_eq!(n, m);
    let e = run_err(&["hashprice", "--difficulty", "133.87Q"]);
    assert!(e.contains("--difficulty") && e.contains("133.87Q"), "{e}");
}

#[test]
fn likely_slips_warn_and_quiet_silences_them() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["project", "--days", "2", "--uptime", "0.95"],
            "--uptime 0.95 means 0.95%; for 95% write 95",
        ),
        (
            &["project", "--days", "2", "--pool-fee", "0.02"],
            "--pool-fee 0.02 means 0.02%",
        ),
        (
            &["project", "--days", "2", "--power-cost", "5"],
            "--power-cost 5",
        ),
        (
            &["project", "--days", "2", "--efficiency", "300"],
            "--efficiency 300",
        ),
        (
            &["project", "--days", "2", "--price-growth", "600"],
            "--price-growth 600",
        ),
        (
            &["hashprice", "--difficulty", "133.87"],
            "is a unit missing",
        ),
    ];
    for (args, want) in cases {
        let loud = minecalc()
            .args(pinned(args))
            .args(["-f", "csv"])
            .output()
            .unwrap();
        assert!(loud.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&loud.stderr);
        assert!(err.starts_with("minecalc: warning: "), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        let quiet = minecalc()
            .args(pinned(args))
            .args(["-f", "csv", "-q"])
            .output()
            .unwrap();
        assert!(quiet.status.success());
        assert!(quiet.stderr.is_empty(), "{args:?}");
        // A warning never changes the result.
        assert_eq!(loud.stdout, quiet.stdout, "{args:?}");
    }
    // Values that are not slips stay quiet.
    run_ok(&[
        "project",
        "--days",
        "2",
        "--uptime",
        "95",
        "--pool-fee",
        "2",
    ]);
}

#[test]
fn flags_a_command_does_not_use_are_refused_with_a_hint() {
    let e = run_err(&["halvings", "--price", "1"]);
    assert!(
        e.contains("`minecalc halvings` does not use --price"),
        "{e}"
    );
    assert!(e.contains("project"), "{e}");
    // Called by another name (a copy, a link), the hint still names the command.
    #[cfg(unix)]
    {
        let dir = tempfile::tempdir().unwrap();
        let renamed = dir.path().join("mc");
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_minecalc"), &renamed).unwrap();
        let out = std::process::Command::new(&renamed)
            .args(["halvings", "--price", "1"])
            .output()
            .unwrap();
        let e = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{e}");
        assert!(
            e.contains("`minecalc halvings` does not use --price"),
            "{e}"
        );
    }
    let e = run_err(&["hashprice", "--price-path", "/nonexistent"]);
    assert!(e.contains("does not use --price-path"), "{e}");
    let e = run_err(&["machines", "--days", "30"]);
    assert!(e.contains("does not use --days"), "{e}");
    let e = run_err(&["backtest", "--price", "1"]);
    assert!(e.contains("does not use --price"), "{e}");
    let e = run_err(&[
        "breakeven",
        "--for",
        "price",
        "--on",
        "2027-01-01",
        "--days",
        "5",
    ]);
    assert!(e.contains("--days has no effect with --on"), "{e}");
    // A flag no command has is clap's own error.
    let e = run_err(&["project", "--warp", "9"]);
    assert!(e.contains("--warp"), "{e}");
}

#[test]
fn scenario_file_values_name_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str)] = &[
        (
            "[fleet]\nuptime = 140\n",
            ":2:10: uptime must be between 0 and 100, got 140",
        ),
        (
            "[[fleet.group]]\nmachine = \"Antminer S21 XP\"\nunits = 1e308\n",
            ":3:9: units must be at most 1e9, got 1e308",
        ),
        (
            "[fleet]\npower_cost = 2000\n",
            ":2:14: power_cost must be at most 1000",
        ),
        (
            "[network]\ndifficulty = \"lots\"\n",
            ":2:14: difficulty must be a number",
        ),
        (
            "[fleet]\nbogus = 1\n",
            ":2:1: unknown key `bogus` in [fleet]",
        ),
        ("[fleet]\npool_fe = 2\n", "did you mean pool_fee?"),
        ("[warp]\nx = 1\n", "unknown table [warp]"),
        (
            "[horizon]\ndays = 30\nhalving = 2028\n",
            "give one of days, until and halving",
        ),
        (
            "[pivot]\nlease_years = 60\n",
            ":2:15: lease_years must be more than 0 and at most 50",
        ),
    ];
    for (i, (text, want)) in cases.iter().enumerate() {
        let name = format!("s{i}.toml");
        let path = write(&dir, &name, text);
        let cmd = if text.contains("[pivot]") {
            "pivot"
        } else {
            "project"
        };
        let e = run_err(&[cmd, "--scenario", &path]);
        assert!(
            e.contains(&format!("{name}{}", want.split(' ').next().unwrap())) || e.contains(want),
            "{text:?}: {e}"
        );
        assert!(e.contains(want), "{text:?}: {e}");
    }
}

#[test]
fn scenario_files_set_response_and_pivot_settings() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "p.toml",
        "[pivot]\nlease_years = 10\nnoi_margin = 80\n",
    );
    let from_file = json(&["pivot", "--scenario", &file, "-f", "json"]);
    let from_flags = json(&[
        "pivot",
        "--lease-years",
        "10",
        "--noi-margin",
        "80",
        "-f",
        "json",
    ]);
    assert_eq!(from_file, from_flags);
    // Flags override the file.
    let over = json(&[
        "pivot",
        "--scenario",
        &file,
        "--lease-years",
        "12",
        "-f",
        "json",
    ]);
    assert_ne!(over, from_file);
    let r = write(
        &dir,
        "r.toml",
        "[network]\nmodel = \"response\"\noff_lag = 10\n[horizon]\ndays = 60\n",
    );
    let a = json(&["project", "--scenario", &r, "-f", "json"]);
    let b = json(&[
        "project",
        "--network-model",
        "response",
        "--off-lag",
        "10",
        "--days",
        "60",
        "-f",
        "json",
    ]);
    assert_eq!(a, b);
}

#[test]
fn per_machine_flags_follow_their_machine() {
    let rows = json(&[
        "project",
        "--machine",
        "Antminer S21 XP",
        "--units",
        "10",
        "--power-cost",
        "0.03",
        "--machine",
        "Antminer S19j Pro",
        "--units",
        "5",
        "--days",
        "1",
        "--by-machine",
        "--period",
        "day",
        "-f",
        "json",
    ]);
    let cost = |g: &str| {
        rows.iter()
            .find(|r| r["group"].as_str().unwrap().starts_with(g))
            .map(|r| f(r, "power_cost_usd") / f(r, "energy_kwh"))
            .unwrap()
    };
    assert!((cost("Antminer S21 XP") - 0.03).abs() < 1e-12);
    // The second group has no power cost of its own: the default.
    assert!((cost("Antminer S19j Pro") - 0.05).abs() < 1e-12);
    let e = run_err(&["project", "--units", "3", "--machine", "Antminer S21 XP"]);
    assert!(e.contains("--units must follow the --machine"), "{e}");
    let e = run_err(&[
        "project",
        "--machine",
        "Antminer S21 XP",
        "--uptime",
        "90",
        "--uptime",
        "80",
    ]);
    assert!(e.contains("--uptime is given twice for --machine"), "{e}");
    let e = run_err(&[
        "project",
        "--hashrate",
        "100",
        "--machine",
        "Antminer S21 XP",
    ]);
    assert!(
        e.contains("--hashrate cannot be used with --machine"),
        "{e}"
    );
}

#[test]
fn vary_takes_flag_key_or_column_and_suggests() {
    let by_flag = run_ok(&[
        "sweep",
        "--vary",
        "power-cost=0.04,0.06",
        "--days",
        "10",
        "-f",
        "csv",
    ]);
    let by_key = run_ok(&[
        "sweep",
        "--vary",
        "power_cost=0.04,0.06",
        "--days",
        "10",
        "-f",
        "csv",
    ]);
    let by_column = run_ok(&[
        "sweep",
        "--vary",
        "power_cost_usd_per_kwh=0.04,0.06",
        "--days",
        "10",
        "-f",
        "csv",
    ]);
    assert_eq!(by_flag, by_key);
    assert_eq!(by_flag, by_column);
    assert!(by_flag.starts_with("power_cost_usd_per_kwh,"), "{by_flag}");
    let e = run_err(&["sweep", "--vary", "power-cots=0.04"]);
    assert!(e.contains("did you mean power-cost?"), "{e}");
    // Values take the unit's suffixes.
    let k = run_ok(&[
        "sweep",
        "--vary",
        "price=50k,60k",
        "--days",
        "5",
        "-f",
        "csv",
    ]);
    let plain = run_ok(&[
        "sweep",
        "--vary",
        "price=50000,60000",
        "--days",
        "5",
        "-f",
        "csv",
    ]);
    assert_eq!(k, plain);
    let e = run_err(&["breakeven", "--for", "power-cots"]);
    assert!(e.contains("did you mean power-cost?"), "{e}");
}

#[cfg(unix)]
#[test]
fn non_utf8_arguments_never_panic() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let bad = OsStr::from_bytes(b"\xff\xfe");
    for flag in [
        "--price-path",
        "--price",
        "--machine",
        "--scenario",
        "--network",
        "--vary",
    ] {
        let mut cmd = minecalc();
        let cmd = if flag == "--vary" {
            cmd.arg("sweep")
        } else {
            cmd.arg("project")
        };
        let out = cmd.arg(flag).arg(bad).output().unwrap();
        let code = out.status.code();
        assert!(code == Some(2) || code == Some(1), "{flag}: {code:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("minecalc: "), "{flag}: {err}");
        assert!(!err.contains("panicked"), "{flag}: {err}");
    }
    // A non-UTF-8 path is a valid path: a file of that name that does not exist.
    let out = minecalc()
        .args(["project", "--price-path"])
        .arg(bad)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no such file"), "{err}");
}
