//! A fleet's life and a miner's books from the command line: dates, schedules, wear, resale,
//! hosting, treasury, depreciation, tax and solo odds (issue 12).

mod common;

use common::{assert_errors, close_rel, f, json, run_ok};

const PLAN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/public-miner-50mw-plan.toml"
);

#[test]
fn bad_life_and_books_inputs_name_the_parameter_and_its_source() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.toml");
    std::fs::write(
        &file,
        "[fleet]\n[[fleet.group]]\nmachine = \"S21 XP\"\nunits = 3\nenergize = \"2027-05-01\"\nretire = \"2027-04-01\"\n",
    )
    .unwrap();
    let share = dir.path().join("share.toml");
    std::fs::write(&share, "[fleet]\nprofit_share = 101\n").unwrap();
    let (file, share) = (file.to_str().unwrap(), share.to_str().unwrap());
    let m = ["--machine", "S21 XP", "--units", "10", "--days", "30"];
    let with = |extra: &'static [&'static str]| -> Vec<&'static str> {
        let mut v = vec!["project"];
        v.extend_from_slice(&m);
        v.extend_from_slice(extra);
        v
    };
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            with(&["--energize", "2026-01-01"]),
            "--energize is before the horizon's first day 2026-06-26, got 2026-01-01",
        ),
        (
            with(&["--energize", "2027-03-01", "--retire", "2027-02-01"]),
            "--retire is not after --energize 2027-03-01, got 2027-02-01",
        ),
        (
            with(&["--retire", "2026-06-26"]),
            "--retire is not after the horizon's first day",
        ),
        (with(&["--retire", "soon"]), "or `halving`, got \"soon\""),
        (
            with(&["--profit-share", "120"]),
            "--profit-share must be between 0 and 100, got 120",
        ),
        (
            with(&["--depreciation-years", "0"]),
            "--depreciation-years must be a positive number, got 0",
        ),
        (
            with(&["--hold", "50", "--treasury", "sell-all"]),
            "--hold goes with --treasury hold",
        ),
        (
            // The S21 has no catalog price (the S21 XP's would count as its unit price).
            vec![
                "project",
                "--machine",
                "S21",
                "--units",
                "10",
                "--days",
                "30",
                "--resale-pct",
                "10",
            ],
            "give --unit-price",
        ),
        (
            with(&[
                "--resale",
                "100",
                "--resale-pct",
                "10",
                "--unit-price",
                "1000",
            ]),
            "--resale-pct cannot be given with --resale",
        ),
        (
            vec!["project", "--hashrate", "100", "--hosting-fee", "10"],
            "--hosting-fee is per machine",
        ),
        (
            vec![
                "project",
                "--machine",
                "S21 XP",
                "--schedule",
                "2027-01-01:10,2026-12-01:5",
            ],
            "--schedule dates must increase, got \"2026-12-01:5\"",
        ),
        (
            vec![
                "project",
                "--machine",
                "S21 XP",
                "--schedule",
                "2020-01-01:10",
            ],
            "has a batch on 2020-01-01, before the horizon's first day",
        ),
        (
            vec![
                "project",
                "--machine",
                "S21 XP",
                "--schedule",
                "2027-01-01:x",
            ],
            "--schedule needs a whole number of units",
        ),
        (
            // A group's own parameter before any --machine is refused, not dropped.
            vec![
                "project",
                "--schedule",
                "2027-01-01:5",
                "--machine",
                "S21 XP",
            ],
            "--schedule must follow the --machine it applies to",
        ),
        (
            vec!["project", "--scenario", file],
            "plan.toml:6:10: retire is not after --energize 2027-05-01, got 2027-04-01",
        ),
        (
            vec!["project", "--scenario", share],
            "share.toml:2:16: profit_share must be between 0 and 100, got 101",
        ),
    ];
    let cases: Vec<(&[&str], &str)> = cases.iter().map(|(a, w)| (a.as_slice(), *w)).collect();
    assert_errors(&cases);
}

/// The 50 MW plan: rows change on the energization dates and on the halving day.
#[test]
fn the_50mw_plan_changes_on_its_dates() {
    let rows = json(&[
        "project",
        "-q",
        "--start",
        "2026-12-01",
        "--scenario",
        PLAN,
        "--by-machine",
        "-f",
        "json",
        "--period",
        "day",
    ]);
    let group = |name: &str, date: &str| {
        rows.iter()
            .find(|r| r["group"].as_str().unwrap().starts_with(name) && r["date"] == date)
            .unwrap_or_else(|| panic!("{name} {date}"))
            .clone()
    };
    let xp = "Antminer S21 XP x 2300 from 2027-03-01";
    assert_eq!(f(&group(xp, "2027-02-28"), "units_online"), 0.0);
    assert_eq!(f(&group(xp, "2027-02-28"), "capex_usd"), 0.0);
    assert!(f(&group(xp, "2027-03-01"), "units_online") > 2299.0);
    assert_eq!(f(&group(xp, "2027-03-01"), "capex_usd"), 2300.0 * 4000.0);
    // The S19j Pros stop on the halving day, and their resale comes in that day.
    let s19 = "Antminer S19j Pro";
    let halving_day = rows
        .iter()
        .find(|r| r["group"] == "fleet" && r["events"].as_str().unwrap().contains("halving"))
        .unwrap()["date"]
        .as_str()
        .unwrap()
        .to_string();
    let on_the_day = group(s19, &halving_day);
    assert!(f(&on_the_day, "units_online") > 0.0 && f(&on_the_day, "units_online") < 5000.0);
    assert!(f(&on_the_day, "salvage_usd") > 0.0);
    let next = chrono::NaiveDate::parse_from_str(&halving_day, "%Y-%m-%d")
        .unwrap()
        .succ_opt()
        .unwrap()
        .to_string();
    assert_eq!(f(&group(s19, &next), "units_online"), 0.0);
    assert_eq!(f(&group(s19, &next), "power_cost_usd"), 0.0);
    // The fleet's rows are the groups' sums.
    for date in ["2027-03-01", &halving_day] {
        let fleet = group("fleet", date);
        let sum: f64 = rows
            .iter()
            .filter(|r| r["group"] != "fleet" && r["date"] == date)
            .map(|r| f(r, "power_cost_usd"))
            .sum();
        assert!(close_rel(f(&fleet, "power_cost_usd"), sum, 1e-9));
    }
}

/// A hosted fleet with a 15% profit share holding half its BTC.
#[test]
fn a_hosted_fleet_shows_its_cash_holdings_and_ebitda() {
    let s = &json(&[
        "project",
        "--machine",
        "S21 XP",
        "--units",
        "100",
        "--power-cost",
        "0.07",
        "--hosting-fee",
        "20",
        "--profit-share",
        "15",
        "--hold",
        "50",
        "--unit-price",
        "0",
        "--days",
        "365",
        "--summary",
        "-f",
        "json",
    ])[0];
    let revenue = f(s, "revenue_usd");
    assert!(close_rel(f(s, "profit_share_usd"), 0.15 * revenue, 1e-9));
    assert!(close_rel(
        f(s, "hosting_fee_usd"),
        20.0 * 12.0 / 365.25 * 100.0 * 365.0,
        1e-9
    ));
    assert!(close_rel(
        f(s, "margin_usd"),
        revenue - f(s, "power_cost_usd") - f(s, "hosting_fee_usd") - f(s, "profit_share_usd"),
        1e-9
    ));
    assert!(close_rel(f(s, "btc_held"), 0.5 * f(s, "btc_mined"), 1e-9));
    assert!(close_rel(f(s, "btc_sold"), 0.5 * f(s, "btc_mined"), 1e-9));
    // At a constant price: cash = half the revenue less every cost; holdings at that price.
    assert!(close_rel(
        f(s, "realized_cash_usd"),
        0.5 * revenue - (revenue - f(s, "margin_usd")),
        1e-9
    ));
    assert!(close_rel(f(s, "treasury_value_usd"), 0.5 * revenue, 1e-9));
    let table = run_ok(&[
        "project",
        "--machine",
        "S21 XP",
        "--units",
        "100",
        "--hosting-fee",
        "20",
        "--profit-share",
        "15",
        "--hold",
        "50",
        "--days",
        "365",
        "--depreciation-years",
        "3",
        "--unit-price",
        "3000",
    ]);
    for want in [
        "hosting $20.00/machine-month, profit share 15% of revenue",
        "treasury holds 50% of each day's BTC",
        "books    EBITDA",
        "treasury sold ",
    ] {
        assert!(table.contains(want), "{want}\n{table}");
    }
}

#[test]
fn a_bitaxe_owner_sees_the_odds() {
    let out = run_ok(&[
        "project",
        "--hashrate",
        "1.2",
        "--efficiency",
        "18",
        "--solo",
        "--days",
        "365",
    ]);
    assert!(
        out.contains("solo     revenue is the expected value"),
        "{out}"
    );
    let line = out.lines().find(|l| l.starts_with("blocks ")).unwrap();
    assert!(line.contains("mined solo: a 0.00"), "{line}");
    let s = &json(&[
        "project",
        "--hashrate",
        "1.2",
        "--days",
        "365",
        "--summary",
        "-f",
        "json",
    ])[0];
    let lambda = f(s, "expected_blocks");
    assert!(lambda > 0.0 && lambda < 1e-3, "{lambda}");
    assert!(close_rel(
        f(s, "block_probability_pct"),
        -(-lambda).exp_m1() * 100.0,
        1e-12
    ));
    assert!(close_rel(
        f(s, "expected_days_to_block"),
        365.0 / lambda,
        1e-12
    ));
}

#[test]
fn new_parameters_sweep_and_sell_to_cover_holds_the_rest() {
    let out = run_ok(&[
        "sweep",
        "--machine",
        "S21 XP",
        "--units",
        "100",
        "--vary",
        "hold=0,100",
        "--vary",
        "degradation=0,10",
        "--days",
        "365",
        "-f",
        "csv",
    ]);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    let v = |row: &csv::StringRecord, name: &str| row[col(name)].parse::<f64>().unwrap();
    for row in &rows {
        let held = v(row, "btc_held");
        let expect = v(row, "hold_pct") / 100.0 * v(row, "btc_mined");
        assert!(close_rel(held, expect, 1e-9), "{row:?}");
    }
    // Wear lowers the BTC mined.
    assert!(v(&rows[1], "btc_mined") < v(&rows[0], "btc_mined"));
    let s = &json(&[
        "project",
        "--machine",
        "S21 XP",
        "--units",
        "100",
        "--treasury",
        "sell-to-cover",
        "--unit-price",
        "0",
        "--days",
        "90",
        "--summary",
        "-f",
        "json",
    ])[0];
    assert!(f(s, "btc_held") > 0.0);
    assert!(f(s, "realized_cash_usd").abs() < 1e-6, "{s}");
}
