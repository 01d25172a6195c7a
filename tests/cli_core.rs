//! CLI tests of `project`, `halvings` and `hashprice`: formats, known answers, error paths.

mod common;
use common::{close_rel, minecalc, pinned, run_ok};

use std::io::Read;
use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

fn csv_rows(text: &str) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    r.records().map(|x| x.unwrap()).collect()
}

fn csv_headers(text: &str) -> Vec<String> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    r.headers().unwrap().iter().map(String::from).collect()
}

fn col(headers: &[String], name: &str) -> usize {
    headers
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

const FLAT: &[&str] = &[
    "--height",
    "900000",
    "--difficulty",
    "150e12",
    "--price",
    "100000",
    "--fees",
    "0.02",
    "--start",
    "2026-01-01",
];

#[test]
fn project_csv_has_the_required_columns() {
    let text = run_ok(&["project", "--days", "10", "-f", "csv"]);
    let h = csv_headers(&text);
    for c in [
        "date",
        "height",
        "difficulty",
        "network_hashrate_eh_s",
        "subsidy_btc",
        "fees_btc_per_block",
        "btc_price_usd",
        "hashprice_usd_per_ph_day",
        "btc_mined",
        "revenue_usd",
        "energy_kwh",
        "power_cost_usd",
        "opex_usd",
        "margin_usd",
        "cumulative_margin_usd",
    ] {
        assert!(h.iter().any(|x| x == c), "missing {c}");
    }
    assert_eq!(csv_rows(&text).len(), 10);
}

#[test]
fn flat_scenario_matches_the_closed_form() {
    // Equilibrium network (hashrate implied by difficulty): 144 blocks a day, so 1 PH/s earns
    // 1e15 * 86400 / (D * 2^32) * (3.125 + 0.02) BTC a day, every day.
    let mut args = vec![
        "project",
        "--days",
        "30",
        "-f",
        "csv",
        "--efficiency",
        "20",
        "--power-cost",
        "0.05",
    ];
    args.extend_from_slice(FLAT);
    let text = run_ok(&args);
    let h = csv_headers(&text);
    let rows = csv_rows(&text);
    let btc_day = 1e15 * 86400.0 / (150e12 * 4294967296.0) * 3.145;
    for r in &rows {
        let f = |n: &str| r[col(&h, n)].parse::<f64>().unwrap();
        assert!(
            close_rel(f("btc_mined"), btc_day, 1e-9),
            "{}",
            f("btc_mined")
        );
        assert!(close_rel(f("blocks"), 144.0, 1e-9));
        assert!(close_rel(f("hashprice_usd_per_ph_day"), 42.1777, 1e-4));
        assert!(close_rel(f("energy_kwh"), 480.0, 1e-12));
        assert!(close_rel(f("power_cost_usd"), 24.0, 1e-12));
        assert!(close_rel(f("margin_usd"), btc_day * 100000.0 - 24.0, 1e-9));
    }
    let last = rows.last().unwrap();
    let cum: f64 = last[col(&h, "cumulative_margin_usd")].parse().unwrap();
    assert!(close_rel(cum, 30.0 * (btc_day * 100000.0 - 24.0), 1e-9));
}

#[test]
fn halving_day_is_split_and_later_days_pay_the_new_subsidy() {
    // Tip 1,049,900 at an equilibrium difficulty: the era switch comes 99 blocks into day 0.
    let text = run_ok(&[
        "project",
        "--height",
        "1049900",
        "--difficulty",
        "100e12",
        "--price",
        "100000",
        "--fees",
        "0",
        "--start",
        "2028-04-01",
        "--days",
        "5",
        "-f",
        "csv",
    ]);
    let h = csv_headers(&text);
    let rows = csv_rows(&text);
    let sub = |i: usize| rows[i][col(&h, "subsidy_btc")].parse::<f64>().unwrap();
    assert!(
        close_rel(sub(0), (99.0 * 3.125 + 45.0 * 1.5625) / 144.0, 1e-9),
        "{}",
        sub(0)
    );
    assert!(rows[0][col(&h, "events")].contains("halving 1050000 2028-04-01T16:40:00Z"));
    for i in 1..5 {
        assert_eq!(sub(i), 1.5625);
    }
}

#[test]
fn period_rows_sum_the_daily_rows() {
    let run = |more: &[&str]| {
        let base = [
            "project",
            "--days",
            "400",
            "-f",
            "csv",
            "--hashrate-growth",
            "30",
            "--price-growth",
            "20",
        ];
        run_ok(&[&base[..], more].concat())
    };
    let daily = run(&[]);
    let h = csv_headers(&daily);
    let d = csv_rows(&daily);
    let total = |rows: &[csv::StringRecord], h: &[String], c: &str| -> f64 {
        rows.iter()
            .map(|r| r[col(h, c)].parse::<f64>().unwrap())
            .sum()
    };
    for period in ["week", "month", "epoch", "year"] {
        let text = run(&["--period", period]);
        let ph = csv_headers(&text);
        let p = csv_rows(&text);
        assert!(p.len() < d.len());
        for c in [
            "btc_mined",
            "revenue_usd",
            "energy_kwh",
            "power_cost_usd",
            "margin_usd",
            "blocks",
        ] {
            assert!(
                close_rel(total(&p, &ph, c), total(&d, &h, c), 1e-9),
                "{period} {c}"
            );
        }
        let days: f64 = total(&p, &ph, "days");
        assert_eq!(days, 400.0);
        // The last period's cumulative margin is the run's.
        assert_eq!(
            p.last().unwrap()[col(&ph, "cumulative_margin_usd")],
            d.last().unwrap()[col(&h, "cumulative_margin_usd")]
        );
    }
}

#[test]
fn json_and_ndjson_carry_the_same_rows_as_csv() {
    let csv_text = run_ok(&["project", "--days", "20", "-f", "csv"]);
    let json: Value =
        serde_json::from_str(&run_ok(&["project", "--days", "20", "-f", "json"])).unwrap();
    let nd = run_ok(&["project", "--days", "20", "-f", "ndjson"]);
    let arr = json.as_array().unwrap();
    assert_eq!(arr.len(), 20);
    let lines: Vec<Value> = nd
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 20);
    let h = csv_headers(&csv_text);
    let rows = csv_rows(&csv_text);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(arr[i], lines[i]);
        let obj = arr[i].as_object().unwrap();
        assert_eq!(obj.len(), h.len());
        let m: f64 = r[col(&h, "margin_usd")].parse().unwrap();
        assert!(close_rel(obj["margin_usd"].as_f64().unwrap(), m, 1e-12));
    }
}

#[test]
fn no_header_and_concatenation() {
    let a = run_ok(&["project", "--days", "3", "-f", "csv", "--no-header"]);
    assert_eq!(a.lines().count(), 3);
    assert!(a.starts_with("2026-"));
}

#[test]
fn table_shows_assumptions_and_halving_block() {
    let t = run_ok(&["project", "--halving", "2028"]);
    assert!(t.contains("default fleet: 1,000 TH/s at 15.0 J/TH"), "{t}");
    assert!(t.contains("embedded snapshot of"));
    assert!(t.contains("halving  block 1,050,000 est. 2028-"));
    assert!(t.contains("450 -> 225 BTC/day"));
    assert!(t.contains("total "));
}

#[test]
fn halving_horizon_runs_after_days_past_the_halving() {
    let text = run_ok(&["project", "--halving", "next", "--after", "10", "-f", "csv"]);
    let h = csv_headers(&text);
    let rows = csv_rows(&text);
    let idx = rows
        .iter()
        .position(|r| r[col(&h, "events")].contains("halving"))
        .unwrap();
    assert_eq!(rows.len() - 1 - idx, 10);
}

#[test]
fn output_file_is_written_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    let p = path.to_str().unwrap();
    run_ok(&["project", "--days", "5", "-f", "csv", "-o", p]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(csv_rows(&text).len(), 5);
    // Readable by others like any new file, not private like the temporary one.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);
    // A failing run leaves the earlier file untouched and no temporary files behind.
    minecalc()
        .args(pinned(&["project", "--days", "0", "-f", "csv", "-o", p]))
        .assert()
        .code(2);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    minecalc()
        .args(pinned(&[
            "project",
            "--days",
            "5",
            "-o",
            "/nonexistent-dir/x.csv",
        ]))
        .assert()
        .code(1)
        .stderr(predicates::str::contains("-o /nonexistent-dir/x.csv"));
}

#[test]
fn broken_pipe_exits_zero_quietly() {
    for fmt in ["csv", "table", "json", "ndjson"] {
        let mut child = Command::cargo_bin("minecalc")
            .unwrap()
            .env("MINECALC_DATA_DIR", common::empty_data_dir())
            .args(pinned(&[
                "project", "--days", "36500", "-f", fmt, "--period", "day",
            ]))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut buf = [0u8; 16];
        stdout.read_exact(&mut buf).unwrap();
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{fmt}");
        assert!(
            out.stderr.is_empty(),
            "{fmt}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn bad_inputs_exit_2_with_one_line_naming_the_flag() {
    let cases: &[(&[&str], &str)] = &[
        (&["project", "--hashrate", "0"], "--hashrate"),
        (&["project", "--hashrate", "-3"], "--hashrate"),
        (&["project", "--hashrate", "lots"], "--hashrate"),
        (&["project", "--efficiency", "0"], "--efficiency"),
        (&["project", "--efficiency", "abc"], "--efficiency"),
        (&["project", "--difficulty", "-1"], "--difficulty"),
        (&["project", "--difficulty", "NaN"], "--difficulty"),
        (&["project", "--price", "0"], "--price"),
        (&["project", "--price", "inf"], "--price"),
        (
            &["project", "--price", "1e308"],
            "--price must be at most 1e12, got 1e308",
        ),
        (
            &["project", "--hashrate", "1e308"],
            "--hashrate must be at most",
        ),
        (&["project", "--price-growth", "1e6"], "--price-growth"),
        (
            &["project", "--network-hashrate", "0"],
            "--network-hashrate",
        ),
        (&["project", "--fees", "-0.1"], "--fees"),
        (&["project", "--uptime", "140"], "--uptime"),
        (&["project", "--uptime", "-1"], "--uptime"),
        (&["project", "--pool-fee", "101"], "--pool-fee"),
        (&["project", "--power-cost", "-0.01"], "--power-cost"),
        (&["project", "--opex", "-5"], "--opex"),
        (&["project", "--price-growth", "-100"], "--price-growth"),
        (&["project", "--hashrate-growth", "x%"], "--hashrate-growth"),
        (&["project", "--until", "2020-01-01"], "--until"),
        (&["project", "--until", "2026-02-30"], "--until"),
        (&["project", "--start", "yesterday"], "--start"),
        (&["project", "--days", "0"], "--days"),
        (&["project", "--days", "-4"], "--days"),
        (&["project", "--days", "100000"], "--days"),
        (&["project", "--halving", "2027"], "--halving 2027"),
        (&["project", "--halving", "2024"], "--halving 2024"),
        (&["project", "--halving", "soon"], "--halving"),
        (&["project", "--after", "-1"], "--after"),
        (&["project", "--period", "fortnight"], "--period"),
        (&["project", "-f", "xml"], "--format"),
        (&["project", "--height", "99999999"], "--height"),
        (&["project", "--height", "-1"], "--height"),
        (
            &["project", "--days", "3", "--until", "2030-01-01"],
            "--until",
        ),
        (&["project", "--nonsense"], "--nonsense"),
        (&["hashprice", "--efficiency", "-2"], "--efficiency"),
        (&["hashprice", "--power-cost", "-2"], "--power-cost"),
        (&["halvings", "-f", "yaml"], "--format"),
    ];
    for (args, needle) in cases {
        let out = minecalc().args(pinned(args)).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("minecalc: "), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn halvings_lists_every_era_with_real_and_estimated_dates() {
    let text = run_ok(&["halvings", "-f", "csv"]);
    let h = csv_headers(&text);
    for c in [
        "halving",
        "height",
        "subsidy_sats",
        "subsidy_btc",
        "network_btc_per_day",
        "cumulative_supply_sats",
        "date",
        "estimated",
    ] {
        assert!(h.iter().any(|x| x == c), "missing {c}");
    }
    let rows = csv_rows(&text);
    assert_eq!(rows.len(), 34);
    assert_eq!(&rows[4][col(&h, "date")], "2024-04-20T00:09:27Z");
    assert_eq!(&rows[4][col(&h, "estimated")], "false");
    assert_eq!(&rows[5][col(&h, "estimated")], "true");
    assert!(rows[5][col(&h, "date")].starts_with("2028-"));
    assert_eq!(
        &rows[33][col(&h, "cumulative_supply_sats")],
        "2099999997690000"
    );
    // Estimated dates increase era by era.
    let dates: Vec<String> = rows
        .iter()
        .map(|r| r[col(&h, "date")].to_string())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] < w[1]), "{dates:?}");
}

#[test]
fn hashprice_known_answer() {
    let text = run_ok(&[
        "hashprice",
        "--difficulty",
        "150e12",
        "--price",
        "100000",
        "--fees",
        "0.02",
        "--height",
        "900000",
        "--efficiency",
        "20",
        "--power-cost",
        "0.05",
        "-f",
        "json",
    ]);
    let v: Value = serde_json::from_str(&text).unwrap();
    let r = &v[0];
    assert!((r["hashprice_usd_per_ph_day"].as_f64().unwrap() - 42.18).abs() < 0.005);
    assert!((r["hashcost_usd_per_ph_day"].as_f64().unwrap() - 24.00).abs() < 1e-9);
    assert!((r["breakeven_power_cost_usd_per_kwh"].as_f64().unwrap() - 0.0879).abs() < 0.00005);
    assert!(r["breakeven_efficiency_j_per_th"].as_f64().unwrap() > 35.0);
    let table = run_ok(&["hashprice"]);
    assert!(table.contains("hashprice"));
}

#[test]
fn start_after_the_snapshot_rolls_forward_and_warns_once() {
    let out = minecalc()
        .args([
            "project",
            "--start",
            "2027-01-01",
            "--days",
            "2",
            "-f",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("snapshot") && err.contains("--height"),
        "{err}"
    );
    assert!(
        err.contains("embedded snapshot of 2026-06-26")
            && err.contains("189 days older than the start 2027-01-01")
            && err.contains("minecalc network update"),
        "{err}"
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().nth(1).unwrap().starts_with("2027-01-01,"));
    // Given the chain's state, no warning.
    let quiet = run_ok(&[
        "project",
        "--start",
        "2027-01-01",
        "--height",
        "990000",
        "--difficulty",
        "140e12",
        "--days",
        "2",
        "-f",
        "csv",
    ]);
    assert!(quiet.contains("2027-01-02"));
}

#[test]
fn percent_signs_and_unit_suffixes_are_accepted() {
    let a = run_ok(&[
        "project",
        "--days",
        "5",
        "-f",
        "csv",
        "--price-growth",
        "50%",
        "--hashrate",
        "1PH",
    ]);
    let b = run_ok(&[
        "project",
        "--days",
        "5",
        "-f",
        "csv",
        "--price-growth",
        "50",
        "--hashrate",
        "1000",
    ]);
    assert_eq!(a, b);
}

#[test]
fn completions_and_man_page() {
    assert!(run_ok(&["completions", "bash"]).contains("minecalc"));
    assert!(run_ok(&["man"]).contains(".TH"));
}

#[test]
fn the_default_start_is_today_and_says_how_old_the_figures_are() {
    let today = chrono::Utc::now().date_naive();
    let age = (today - chrono::NaiveDate::from_ymd_opt(2026, 6, 26).unwrap()).num_days();
    let out = minecalc()
        .args(["project", "--days", "2", "-f", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().nth(1).unwrap();
    assert!(first.starts_with(&format!("{today},")), "{first}");
    let err = String::from_utf8(out.stderr).unwrap();
    if age > 0 {
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains(&format!("{age} days older than the start {today}"))
                && err.contains("minecalc network update"),
            "{err}"
        );
        // The table's header says the same.
        let table = minecalc()
            .args(["project", "--days", "2", "-q"])
            .output()
            .unwrap();
        let t = String::from_utf8(table.stdout).unwrap();
        assert!(
            t.contains(&format!(
                "embedded snapshot of 2026-06-26 rolled forward {age} days"
            )),
            "{t}"
        );
    }
    // Pinned to the snapshot's date, the run is the snapshot's own, quietly.
    let pinned_run = run_ok(&[
        "project",
        "--start",
        "2026-06-26",
        "--days",
        "2",
        "-f",
        "csv",
    ]);
    assert!(pinned_run
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("2026-06-26,1,955731,"));
}

#[test]
fn a_rolled_start_agrees_with_one_continuous_run() {
    // The case: a start one day after the snapshot against one run from the snapshot.
    let rows = |args: &[&str]| -> Vec<Value> {
        let text = run_ok(args);
        match serde_json::from_str::<Value>(&text).unwrap() {
            Value::Array(v) => v,
            other => panic!("{other}"),
        }
    };
    let growth = ["--hashrate-growth", "40", "--price-growth", "20", "-q"];
    let mut a = vec![
        "project",
        "--start",
        "2026-06-27",
        "--days",
        "30",
        "--period",
        "day",
        "-f",
        "json",
    ];
    a.extend(growth);
    let mut b = vec![
        "project",
        "--start",
        "2026-06-26",
        "--days",
        "31",
        "--period",
        "day",
        "-f",
        "json",
    ];
    b.extend(growth);
    let rolled = rows(&a);
    let whole = rows(&b);
    assert_eq!(rolled.len(), 30);
    for (r, w) in rolled.iter().zip(&whole[1..]) {
        assert_eq!(r["date"], w["date"]);
        assert_eq!(r["height"], w["height"]);
        for key in [
            "difficulty",
            "blocks",
            "btc_mined",
            "hashprice_usd_per_ph_day",
        ] {
            let (x, y) = (r[key].as_f64().unwrap(), w[key].as_f64().unwrap());
            assert!(close_rel(x, y, 1e-9), "{} {key}: {x} vs {y}", r["date"]);
        }
    }
}
