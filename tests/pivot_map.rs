//! CLI tests of the pivot decision map (`minecalc pivot --vary`): its rows and their order,
//! each row against a single `pivot` run with the same values, the decision column, and the
//! bad-input paths.

mod common;
use common::{assert_errors, close, f, json, minecalc, run_ok};

use serde_json::Value;

/// The README's map: 9 lease rates x 7 growth rates.
const README_MAP: &[&str] = &[
    "pivot",
    "--vary",
    "lease-usd-per-kw-month=100:180:10",
    "--vary",
    "price-growth=0:60:10",
];

fn with(base: &[&str], more: &[&str]) -> Vec<String> {
    base.iter().chain(more).map(|s| s.to_string()).collect()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The last (whole-horizon) row of a single `pivot` run.
fn single(args: &[String]) -> Value {
    let mut a = strs(args);
    a.extend(["-f", "json"]);
    json(&a).pop().unwrap()
}

/// Asserts that a map row equals the single run's whole-horizon figures.
fn assert_same(row: &Value, one: &Value) {
    for k in ["npv_mining_usd", "npv_convert_usd", "npv_difference_usd"] {
        assert!(close(f(row, k), f(one, k), 1e-9), "{k}: {row} vs {one}");
    }
    assert!(close(
        f(row, "breakeven_lease_usd_per_kw_month"),
        f(one, "breakeven_lease_usd_per_kw_month"),
        1e-9
    ));
    assert_eq!(
        row["breakeven_price_growth_status"],
        one["breakeven_price_growth_status"]
    );
    match (
        row["breakeven_price_growth_pct"].as_f64(),
        one["breakeven_price_growth_pct"].as_f64(),
    ) {
        (Some(a), Some(b)) => assert!(close(a, b, 1e-9), "{a} vs {b}"),
        (a, b) => assert_eq!(a, b),
    }
}

#[test]
fn readme_map_has_a_row_per_combination_in_order() {
    let text = run_ok(&strs(&with(README_MAP, &["-f", "csv"])));
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        headers,
        [
            "lease_usd_per_kw_month",
            "price_growth_pct",
            "npv_mining_usd",
            "npv_convert_usd",
            "npv_difference_usd",
            "breakeven_lease_usd_per_kw_month",
            "breakeven_price_growth_pct",
            "breakeven_price_growth_status",
            "decision",
        ]
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 63);
    // The last axis varies fastest; values come from an integer index.
    for (i, r) in rows.iter().enumerate() {
        let lease: f64 = r[0].parse().unwrap();
        let growth: f64 = r[1].parse().unwrap();
        assert_eq!(lease, 100.0 + (i / 7) as f64 * 10.0, "row {i}");
        assert_eq!(growth, (i % 7) as f64 * 10.0, "row {i}");
    }
    // JSON and NDJSON carry the same rows.
    let j = json(&strs(&with(README_MAP, &["-f", "json"])));
    assert_eq!(j.len(), 63);
    assert_eq!(j[8]["lease_usd_per_kw_month"], 110.0);
    assert_eq!(j[8]["price_growth_pct"], 10.0);
    let nd = run_ok(&strs(&with(README_MAP, &["-f", "ndjson"])));
    let lines: Vec<Value> = nd
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, j);
    // --no-header drops the header row only.
    let bare = run_ok(&strs(&with(README_MAP, &["-f", "csv", "--no-header"])));
    assert_eq!(bare.lines().count(), 63);
}

#[test]
fn each_row_equals_a_single_pivot_run() {
    let rows = json(&strs(&with(README_MAP, &["-f", "json"])));
    for r in rows.iter().filter(|r| f(r, "price_growth_pct") <= 20.0) {
        let lease = f(r, "lease_usd_per_kw_month").to_string();
        let growth = f(r, "price_growth_pct").to_string();
        let one = single(&with(
            &["pivot"],
            &[
                "--lease-usd-per-kw-month",
                &lease,
                "--price-growth",
                &growth,
            ],
        ));
        assert_same(r, &one);
    }
}

#[test]
fn site_lease_and_scenario_parameters_vary_like_their_flags() {
    // A pivot flag on a percent scale, a site flag, and two scenario flags (one of them the
    // discount rate, which `pivot` takes from the fleet's finance flags).
    let base = [
        "pivot",
        "--curtail",
        "--lease-years",
        "5",
        "--conversion-months",
        "6",
    ];
    let map = json(&strs(&with(
        &base,
        &[
            "--vary",
            "noi-margin=70,90",
            "--vary",
            "pue=1.2,1.5",
            "--vary",
            "discount-rate=8,12",
            "--vary",
            "hashrate-growth=0,20",
            "-f",
            "json",
        ],
    )));
    assert_eq!(map.len(), 16);
    for r in &map {
        let flags = [
            ("--noi-margin", "noi_margin_pct"),
            ("--pue", "pue"),
            ("--discount-rate", "discount_rate_pct"),
            ("--hashrate-growth", "hashrate_growth_pct"),
        ];
        let mut args = with(&base, &[]);
        for (flag, col) in flags {
            args.push(flag.to_string());
            args.push(f(r, col).to_string());
        }
        assert_same(r, &single(&args));
    }
}

#[test]
fn decision_flips_where_the_difference_changes_sign() {
    let rows = json(&strs(&with(README_MAP, &["-f", "json"])));
    let (mut mine, mut convert) = (0, 0);
    for r in &rows {
        let d = f(r, "npv_difference_usd");
        let want = if d > 0.0 { "mine" } else { "convert" };
        assert_eq!(r["decision"], want, "{r}");
        if d > 0.0 {
            mine += 1;
        } else {
            convert += 1;
        }
    }
    assert!(mine > 0 && convert > 0, "{mine} {convert}");
    // Along the lease axis at one growth, mining wins below the breakeven lease and converting
    // above it: the flip lies between the two rows on either side of the breakeven.
    for g in 0..7 {
        let col: Vec<&Value> = rows.iter().skip(g).step_by(7).collect();
        for r in &col {
            let be = f(r, "breakeven_lease_usd_per_kw_month");
            let lease = f(r, "lease_usd_per_kw_month");
            assert_eq!(r["decision"] == "mine", lease < be, "{r}");
        }
        let flips = col
            .windows(2)
            .filter(|w| w[0]["decision"] != w[1]["decision"])
            .count();
        assert!(flips <= 1, "growth column {g}");
    }
    // Along the growth axis at one lease, mining's advantage grows with the growth: mining
    // wins at high growth, and once it wins it keeps winning. The mining case switches off on
    // losing days, so at low leases it wins even at no growth; at the highest lease converting
    // wins at low growth.
    for l in 0..9 {
        let row: Vec<&Value> = rows[l * 7..l * 7 + 7].iter().collect();
        assert!(row
            .windows(2)
            .all(|w| f(w[0], "npv_difference_usd") < f(w[1], "npv_difference_usd")));
        assert_eq!(row[6]["decision"], "mine");
        let first_mine = row.iter().position(|r| r["decision"] == "mine").unwrap();
        assert!(row[first_mine..].iter().all(|r| r["decision"] == "mine"));
    }
    assert_eq!(rows[8 * 7]["decision"], "convert");
}

#[test]
fn table_says_what_a_row_is_and_the_base_case() {
    let out = run_ok(README_MAP);
    assert!(
        out.starts_with(
            "minecalc pivot --vary: 63 combinations of lease-usd-per-kw-month x price-growth"
        ),
        "{out}"
    );
    assert!(
        out.contains("lease $154.90/kW-month (the deals' median)"),
        "{out}"
    );
    assert!(out.contains("decision `mine` where"), "{out}");
    let header = out
        .lines()
        .find(|l| l.contains("lease_usd_per_kw_month"))
        .unwrap();
    assert!(header.contains("decision"), "{header}");
    // 63 rows between the header and the bottom border.
    let body = out.lines().filter(|l| l.starts_with("│ 1")).count();
    assert_eq!(body, 63, "{out}");
}

#[test]
fn output_file_is_written_only_on_success() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("map.csv");
    let p = path.to_str().unwrap();
    let out = run_ok(&[
        "pivot",
        "--vary",
        "lease-usd-per-kw-month=120,160",
        "-f",
        "csv",
        "-o",
        p,
    ]);
    assert!(out.is_empty());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("lease_usd_per_kw_month,npv_mining_usd,"));
    assert_eq!(text.lines().count(), 3);
    // A combination the model rejects leaves no file.
    let bad = dir.path().join("bad.csv");
    let out = minecalc()
        .args([
            "pivot",
            "--vary",
            "site-mw=300,100",
            "--vary",
            "it-mw=200",
            "-f",
            "csv",
            "-o",
            bad.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!bad.exists());
}

#[test]
fn bad_vary_exits_2_with_one_line() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["pivot", "--vary", "warp=1,2"],
            "unknown parameter; parameters: ",
        ),
        (&["pivot", "--vary", "noi-margin"], "expected NAME=VALUES"),
        (
            &["pivot", "--vary", "price-growth=1:0:1"],
            "STOP is below START",
        ),
        (
            &["pivot", "--vary", "price-growth=0:10:0"],
            "the step must be positive",
        ),
        (
            &["pivot", "--vary", "lease-years=a,b"],
            "\"a\" is not a number",
        ),
        (
            &["pivot", "--vary", "lease-years=1:2"],
            "a range is START:STOP:STEP",
        ),
        (
            &["pivot", "--vary", "days=100,200"],
            "vary conversion-months or lease-years",
        ),
        (
            &["pivot", "--vary", "lease-years=10:60:10"],
            "--vary lease-years=60: --lease-years must be more than 0 and at most 50, got 60",
        ),
        (
            &["pivot", "--vary", "pue=0.9,1.2"],
            "--vary pue=0.9: --pue must be 1 or more",
        ),
        (
            &["pivot", "--vary", "noi-margin=50,120"],
            "--vary noi-margin=120: --noi-margin must be between 0 and 100, got 120",
        ),
        (
            &["pivot", "--vary", "pue=1.2,1.4", "--it-mw", "100"],
            "--vary pue cannot be used with --it-mw",
        ),
        (
            &["pivot", "--vary", "it-mw=100", "--vary", "pue=1.3"],
            "--vary pue cannot be used with --vary it-mw",
        ),
        (
            &[
                "pivot",
                "--vary",
                "lease-years=5",
                "--vary",
                "lease-years=6",
            ],
            "--vary lease-years is given twice",
        ),
        (
            &["pivot", "--vary", "units=1,2"],
            "--vary units=1: --vary units needs a fleet of exactly one machine group",
        ),
        (
            &["pivot", "--vary", "site-mw=100,300", "--vary", "it-mw=200"],
            "--vary site-mw=100 it-mw=200: --it-mw 200 is above --site-mw 100",
        ),
        (&["pivot", "--deals", "--vary", "pue=1.2"], "--deals"),
        (
            &["sweep", "--vary", "lease-usd-per-kw-month=100:180:10"],
            "use `minecalc pivot --vary lease-usd-per-kw-month=100:180:10`",
        ),
        (
            &[
                "sweep",
                "--vary",
                "pue=1.2,1.4",
                "--vary",
                "price-growth=0,10",
            ],
            "pue is a parameter of `minecalc pivot`",
        ),
    ];
    assert_errors(cases);
}

#[test]
fn without_vary_pivot_is_the_yearly_table() {
    let rows = json(&["pivot", "-f", "json"]);
    assert_eq!(rows.len(), 17);
    assert!(rows[0].get("year").is_some());
    assert!(rows[0].get("decision").is_none());
}
