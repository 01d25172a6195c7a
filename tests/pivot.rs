//! CLI tests of `minecalc pivot`: hand-computed answers, every format, the deals table and
//! each bad-input path.

mod common;
use common::{assert_errors, close, f, json, minecalc, pinned, run_ok};

use serde_json::Value;

/// A flat network at equilibrium (100 T, no fees, $100,000, height 900,000: no halving for
/// ~2.8 years), 5,000 PH/s at 20 J/TH and $0.05/kWh on a 100 MW site = 100 MW of IT; a one-year
/// lease at $150/kW-month, NOI 100%, $10M/MW capex on day 0, no mining during the conversion,
/// 10% a year.
const HAND: &[&str] = &[
    "pivot",
    "--start",
    "2026-01-01",
    "--height",
    "900000",
    "--difficulty",
    "100e12",
    "--price",
    "100000",
    "--fees",
    "0",
    "--hashrate",
    "5000PH",
    "--efficiency",
    "20",
    "--power-cost",
    "0.05",
    "--site-mw",
    "100",
    "--it-mw",
    "100",
    "--lease-usd-per-kw-month",
    "150",
    "--lease-years",
    "1",
    "--noi-margin",
    "100",
    "--conversion-capex-usd-per-mw",
    "10000000",
    "--conversion-months",
    "0",
    "--mine-during-conversion",
    "none",
    "--discount-rate",
    "10",
];

/// The hand case with some flags' values replaced.
fn hand(changes: &[(&str, &'static str)]) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = HAND.to_vec();
    for (flag, value) in changes {
        let i = v.iter().position(|a| a == flag).unwrap();
        v[i + 1] = value;
    }
    v
}

#[test]
fn hand_computed_npvs_and_breakeven_lease() {
    let mut args = hand(&[]);
    args.extend(["-f", "json"]);
    let rows = json(&args);
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    // Hashprice = 1e15 x 86,400 / (100e12 x 2^32) x 3.125 x 100,000 = $62.8643/PH/day;
    // margin m = 5,000 x 62.8643 - 100,000 kW x 24 x 0.05 = $194,321.37 a day.
    // v = 1.1^(-1/365): NPV mining = m (1 - 1/1.1) / (1 - v) = $67,660,959.59.
    assert!(close(f(r, "npv_mining_usd"), 67_660_959.59, 1e-9), "{r}");
    // Rent a day a = 150 x 100,000 x 12 / 365 = $493,150.68; PV = a (1 - 1/1.1)/(1 - v)
    // = $171,710,649.98; NPV converting = -$1,000,000,000 + that = -$828,289,350.02.
    assert!(close(f(r, "npv_convert_usd"), -828_289_350.02, 1e-9), "{r}");
    assert!(close(
        f(r, "npv_difference_usd"),
        67_660_959.59 + 828_289_350.02,
        1e-9
    ));
    // Breakeven: (NPV mining + capex) / (PV of $1/kW-month) = 1,067,660,959.59 /
    // (171,710,649.98 / 150) = $932.67 per kW-month.
    assert!(
        close(f(r, "breakeven_lease_usd_per_kw_month"), 932.6686723, 1e-8),
        "{r}"
    );
    assert!(close(
        f(r, "npv_mining_usd_per_site_mw"),
        676_609.595_9,
        1e-9
    ));
    assert!(close(f(r, "lease_rent_usd"), 1.8e8, 1e-12));
    assert!(close(
        f(r, "mining_cash_usd"),
        194_321.368932724 * 365.0,
        1e-9
    ));
    assert_eq!(r["phase"], "lease");
    assert_eq!(r["breakeven_price_growth_status"], "mining_ahead");
    assert!(r["breakeven_price_growth_pct"].is_null());
}

#[test]
fn the_breakeven_lease_equalises_the_paths() {
    let mut args = hand(&[("--lease-usd-per-kw-month", "932.6686723101681")]);
    args.extend(["-f", "json"]);
    let rows = json(&args);
    let d = f(&rows[0], "npv_difference_usd");
    assert!(d.abs() < 1.0, "{d}");
}

#[test]
fn growing_annuity_through_the_cli() {
    // 5 years at +3% a year: PV of rent = a (1 - 1/1.1)/(1 - v) x sum_{j<5} (1.03/1.1)^j
    // = $756,017,973.95; NPV converting = -$243,982,026.05.
    let mut args = hand(&[("--lease-years", "5")]);
    args.extend(["--lease-escalator", "3", "-f", "json"]);
    let rows = json(&args);
    assert_eq!(rows.len(), 5);
    let last = rows.last().unwrap();
    assert!(
        close(f(last, "npv_convert_usd"), -243_982_026.05, 1e-9),
        "{last}"
    );
    assert!(close(
        f(last, "lease_usd_per_kw_month"),
        150.0 * 1.03f64.powi(4),
        1e-12
    ));
}

#[test]
fn csv_parses_back_with_the_same_columns_as_json() {
    let mut args = hand(&[]);
    args.extend(["-f", "csv"]);
    let text = run_ok(&args);
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    for c in [
        "year",
        "npv_mining_usd",
        "npv_convert_usd",
        "npv_difference_usd",
        "breakeven_lease_usd_per_kw_month",
        "breakeven_price_growth_pct",
        "mining_cash_usd_per_site_mw",
        "convert_cash_usd_per_site_mw",
        "cumulative_mining_cash_usd",
        "cumulative_convert_cash_usd",
    ] {
        assert!(headers.iter().any(|h| h == c), "{c} missing: {headers:?}");
    }
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1);
    let i = headers.iter().position(|h| h == "npv_convert_usd").unwrap();
    let v: f64 = rows[0][i].parse().unwrap();
    assert!(close(v, -828_289_350.02, 1e-9));
    let mut jargs = hand(&[]);
    jargs.extend(["-f", "json"]);
    let j = json(&jargs);
    let keys: Vec<&String> = j[0].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), headers.len());
    // --no-header drops the header row only.
    args.push("--no-header");
    let bare = run_ok(&args);
    assert_eq!(bare.lines().count(), 1);
}

#[test]
fn ndjson_is_one_object_a_line() {
    let mut args = hand(&[("--lease-years", "3")]);
    args.extend(["-f", "ndjson"]);
    let text = run_ok(&args);
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2]["year"], 3);
}

#[test]
fn default_run_says_which_defaults_it_used() {
    let out = run_ok(&["pivot"]);
    assert!(
        out.contains(
            "$154.90/kW-month (default: the median implied rate of the 8 colocation leases"
        ),
        "{out}"
    );
    assert!(out.contains("245.0 MW of power (default"), "{out}");
    assert!(out.contains("PUE 1.45, default"), "{out}");
    assert!(out.contains("discount rate 10.0% a year (default"), "{out}");
    assert!(out.contains("the fleet fills the site"), "{out}");
    assert!(out.contains("decision over 16.5 years"), "{out}");
    assert!(out.contains("halving  block 1,050,000"), "{out}");
    // The default run in JSON: 16.5 years in 17 rows, the fleet filling 245 MW.
    let rows = json(&["pivot", "-f", "json"]);
    assert_eq!(rows.len(), 17);
    let last = rows.last().unwrap();
    // Each column is printed to 12 significant digits: the difference of two rounded NPVs
    // agrees with the rounded difference to about 1e-12 of the larger one.
    assert!(close(
        f(last, "npv_difference_usd"),
        f(last, "npv_mining_usd") - f(last, "npv_convert_usd"),
        1e-11
    ));
    assert!(rows[0]["breakeven_lease_usd_per_kw_month"].is_null());
}

#[test]
fn decision_names_the_start_price_and_the_growth() {
    let out = run_ok(&["pivot", "--curtail", "--price-growth", "20"]);
    let line = out.lines().find(|l| l.starts_with("decision")).unwrap();
    assert!(
        line.contains("if BTC grew 18.0% a year from $59,000"),
        "{line}"
    );
    assert!(out.contains("price +20%/yr"), "{out}");
}

#[test]
fn table_states_the_decision_for_each_mining_mode() {
    for (mode, words) in [
        ("full", "the whole fleet keeps mining"),
        ("none", "the site does not mine"),
        ("partial", "50% of the fleet keeps mining"),
    ] {
        let out = run_ok(&["pivot", "--mine-during-conversion", mode]);
        assert!(out.contains(words), "{mode}: {out}");
    }
    let out = run_ok(&[
        "pivot",
        "--mine-during-conversion",
        "partial",
        "--mine-during-conversion-pct",
        "25",
    ]);
    assert!(out.contains("25% of the fleet keeps mining"));
}

#[test]
fn deals_lists_the_table_and_the_median() {
    let text = run_ok(&["pivot", "--deals", "-f", "csv"]);
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let i = headers
        .iter()
        .position(|h| h == "in_default_median")
        .unwrap();
    let t = headers.iter().position(|h| h == "lease_type").unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 12);
    assert_eq!(rows.iter().filter(|r| &r[i] == "true").count(), 8);
    assert!(rows
        .iter()
        .any(|r| &r[t] == "gpu_cloud" && &r[i] == "false"));
    let table = run_ok(&["pivot", "--deals"]);
    assert!(table.contains("default lease rate: $154.90/kW-month"));
    let j = json(&["pivot", "--deals", "-f", "json"]);
    assert_eq!(j.len(), 12);
    assert!(j
        .iter()
        .all(|d| d["source"].as_str().is_some_and(|s| !s.is_empty())));
}

#[test]
fn output_file_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pivot.csv");
    let p = path.to_str().unwrap();
    let mut args = hand(&[]);
    args.extend(["-f", "csv", "-o", p]);
    let out = run_ok(&args);
    assert!(out.is_empty());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("year,start_date,"));
}

#[test]
fn bad_inputs_exit_2_with_one_line_naming_the_flag() {
    let cases: &[(&[&str], &str)] = &[
        (&["pivot", "--pue", "0.9"], "--pue must be 1 or more"),
        (
            &["pivot", "--site-mw", "245", "--it-mw", "300"],
            "--it-mw 300 is above --site-mw 245",
        ),
        (
            &["pivot", "--lease-years", "60"],
            "--lease-years must be more than 0 and at most 50, got 60",
        ),
        (
            &["pivot", "--lease-years", "0"],
            "--lease-years must be more than 0 and at most 50, got 0",
        ),
        (
            &["pivot", "--site-mw", "-5"],
            "--site-mw must be a positive number, got -5",
        ),
        (
            &["pivot", "--it-mw", "-1"],
            "--it-mw must be a positive number, got -1",
        ),
        (
            &["pivot", "--noi-margin", "120"],
            "--noi-margin must be between 0 and 100, got 120",
        ),
        (
            &["pivot", "--conversion-months", "-1"],
            "--conversion-months must be between 0 and 120, got -1",
        ),
        (
            &["pivot", "--lease-usd-per-kw-month", "-10"],
            "--lease-usd-per-kw-month must be zero or more, got -10",
        ),
        (
            &["pivot", "--conversion-capex-usd-per-mw", "-1"],
            "--conversion-capex-usd-per-mw must be zero or more, got -1",
        ),
        (
            &["pivot", "--lease-escalator", "-150"],
            "--lease-escalator must be above -100",
        ),
        (
            &["pivot", "--discount-rate", "-100"],
            "--discount-rate must be",
        ),
        (
            &["pivot", "--mine-during-conversion-pct", "130"],
            "--mine-during-conversion-pct must be between 0 and 100, got 130",
        ),
        (
            &[
                "pivot",
                "--mine-during-conversion",
                "full",
                "--mine-during-conversion-pct",
                "30",
            ],
            "--mine-during-conversion-pct 30 applies to --mine-during-conversion partial, not full",
        ),
        (
            &["pivot", "--hashrate", "100EH", "--site-mw", "245"],
            "more than --site-mw 245",
        ),
        (&["pivot", "--pue", "1.2", "--it-mw", "100"], "--pue"),
        (&["pivot", "--lease-years", "abc"], "--lease-years"),
        (&["pivot", "--pue", "NaN"], "--pue"),
        (
            &["pivot", "--mine-during-conversion", "some"],
            "--mine-during-conversion",
        ),
    ];
    assert_errors(cases);
}

#[test]
fn broken_pipe_is_a_normal_end() {
    let out = minecalc()
        .args(pinned(&["pivot", "-f", "csv"]))
        .output()
        .unwrap();
    assert!(out.status.success());
    // A reader that closes after the first line: the shell's `| head -1`.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} pivot -f csv | head -1 > /dev/null",
            assert_cmd::cargo::cargo_bin("minecalc").display()
        ))
        .status()
        .unwrap();
    assert!(status.success());
}
