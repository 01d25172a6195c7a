//! Machine prices in the catalog: sourced and dated, `machines`' price columns checked by hand,
//! and the catalog's price as `project`'s default unit price.

mod common;
use common::*;

/// The embedded snapshot's figures (data/network.json), for the hand computations.
const DIFFICULTY: f64 = 133.87e12;
const PRICE_USD: f64 = 59_000.0;
const SUBSIDY_BTC: f64 = 3.125;
const FEES_BTC: f64 = 0.017;

/// Today's hashprice at the snapshot, by hand: 86,400 s x 1 PH/s / (D x 2^32) blocks a day,
/// each paying subsidy + fees, at the snapshot's BTC price.
fn hashprice_by_hand() -> f64 {
    86_400.0 * 1e15 / (DIFFICULTY * 2f64.powi(32)) * (SUBSIDY_BTC + FEES_BTC) * PRICE_USD
}

fn row<'a>(rows: &'a [serde_json::Value], model: &str) -> &'a serde_json::Value {
    rows.iter()
        .find(|r| r["model"] == model)
        .unwrap_or_else(|| panic!("no {model}"))
}

#[test]
fn the_catalog_prices_carry_a_source_and_a_date() {
    let rows = json(&["machines", "-f", "json"]);
    let priced: Vec<&serde_json::Value> =
        rows.iter().filter(|r| !r["price_usd"].is_null()).collect();
    assert!(priced.len() >= 15, "{} priced", priced.len());
    for r in &priced {
        let src = r["price_source"].as_str().unwrap();
        let date = r["price_as_of"].as_str().unwrap();
        assert!(!src.is_empty(), "{r}");
        assert!(
            chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(),
            "{date}"
        );
        assert!(f(r, "price_usd") > 0.0);
        // A J/TH band's USD/TH applied to a model says so, and its arithmetic holds.
        if src.starts_with("tier price") {
            assert!(src.contains("J/TH band") && src.contains("/TH"), "{src}");
        }
    }
    // Where no price could be sourced the cells stay empty.
    let s21 = row(&rows, "Antminer S21");
    assert!(s21["price_usd"].is_null() && s21["payback_days"].is_null());
    assert_eq!(s21["price_source"], "");
    // The newer models are in, each sourced and dated.
    for m in [
        "Antminer S21 XP+ Hyd",
        "Antminer S23 XP Hyd",
        "WhatsMiner M70S",
    ] {
        let r = row(&rows, m);
        assert!(!r["source"].as_str().unwrap().is_empty(), "{m}");
    }
    assert_eq!(f(row(&rows, "Antminer S21 XP+ Hyd"), "hashrate_ths"), 500.0);
    assert_eq!(
        f(row(&rows, "Antminer S21 XP+ Hyd"), "efficiency_j_per_th"),
        11.0
    );
}

#[test]
fn machines_csv_has_the_price_columns_with_hand_checked_arithmetic() {
    let out = run_ok(&["machines", "-f", "csv", "--digits", "full"]);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    // Appended after the released columns, units in the names.
    let n = head.len();
    assert_eq!(
        &head[n - 6..],
        [
            "price_usd",
            "usd_per_th",
            "payback_days",
            "roi_1y_pct",
            "price_source",
            "price_as_of"
        ]
    );
    assert_eq!(head[n - 7], "source");
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let recs: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let get = |model: &str| {
        recs.iter()
            .find(|x| &x[col("model")] == model)
            .unwrap()
            .clone()
    };
    let num = |x: &csv::StringRecord, c: &str| x[col(c)].parse::<f64>().unwrap();

    // The Antminer S21 XP by hand: 270 TH/s at 13.5 J/TH, $0.05/kWh (the default), priced at
    // the under-14 J/TH band's $18.38/TH.
    let xp = get("Antminer S21 XP");
    let price = 18.38 * 270.0;
    let revenue = hashprice_by_hand() * 270.0 / 1000.0;
    let power = 13.5 * 270.0 / 1000.0 * 24.0 * 0.05;
    let margin = revenue - power;
    assert!(margin > 0.0);
    assert!(close_rel(num(&xp, "price_usd"), price, 1e-12));
    assert!(close_rel(num(&xp, "usd_per_th"), 18.38, 1e-12));
    assert!(close_rel(num(&xp, "revenue_usd_per_day"), revenue, 1e-9));
    assert!(close_rel(num(&xp, "power_cost_usd_per_day"), power, 1e-12));
    assert!(close_rel(num(&xp, "margin_usd_per_day"), margin, 1e-9));
    assert!(close_rel(num(&xp, "payback_days"), price / margin, 1e-9));
    assert!(close_rel(
        num(&xp, "roi_1y_pct"),
        (365.0 * margin - price) / price * 100.0,
        1e-9
    ));
    assert!(xp[col("price_source")].starts_with("tier price"));
    assert_eq!(&xp[col("price_as_of")], "2026-09-27");

    // A loss-making model at $0.05/kWh: no payback, and a year loses more than the price.
    let s19 = get("Antminer S19");
    assert!(num(&s19, "margin_usd_per_day") < 0.0);
    assert_eq!(&s19[col("payback_days")], "");
    assert!(num(&s19, "roi_1y_pct") < -100.0);

    // --power-cost moves payback; the header says which power cost it used.
    let cheap = json(&["machines", "--power-cost", "0.03", "-f", "json"]);
    let xp3 = row(&cheap, "Antminer S21 XP");
    let margin3 = revenue - 13.5 * 270.0 / 1000.0 * 24.0 * 0.03;
    assert!(close_rel(f(xp3, "payback_days"), price / margin3, 1e-9));
    let table = run_ok(&["machines"]);
    assert!(
        table.contains("power at $0.05/kWh (the default; --power-cost sets it)"),
        "{table}"
    );
    assert!(table.contains("ROI over 365 days"), "{table}");
}

#[test]
fn project_takes_the_catalog_price_as_capex_and_says_so() {
    let args = [
        "project",
        "--machine",
        "Antminer S21 XP",
        "--units",
        "10",
        "--days",
        "30",
    ];
    let s = &json(&[&args[..], &["--summary", "-f", "json"]].concat())[0];
    assert!(close_rel(f(s, "capex_usd"), 10.0 * 18.38 * 270.0, 1e-12));
    let t = run_ok(&args);
    assert!(t.contains("finance  capex $49,626 on day 0"), "{t}");
    assert!(
        t.contains(
            "capex of 10 x Antminer S21 XP: the catalog's price, $4,963 a unit as of 2026-09-27"
        ),
        "{t}"
    );

    // An explicit --unit-price wins, and the header no longer names the catalog.
    let given = [&args[..], &["--unit-price", "3000"]].concat();
    let s = &json(&[&given[..], &["--summary", "-f", "json"]].concat())[0];
    assert_eq!(f(s, "capex_usd"), 30_000.0);
    let t = run_ok(&given);
    assert!(!t.contains("catalog's price"), "{t}");
    // So does a fleet --capex, and --unit-price 0 for machines already owned.
    for extra in [&["--capex", "1234"][..], &["--unit-price", "0"][..]] {
        let a = [&args[..], extra, &["--summary", "-f", "json"]].concat();
        let want = if extra[0] == "--capex" { 1234.0 } else { 0.0 };
        assert_eq!(f(&json(&a)[0], "capex_usd"), want, "{extra:?}");
    }
    // A model without a catalog price has no capex unless one is given.
    let a = [
        "project",
        "--machine",
        "Antminer S21",
        "--units",
        "10",
        "--days",
        "30",
        "--summary",
        "-f",
        "json",
    ];
    assert_eq!(f(&json(&a)[0], "capex_usd"), 0.0);
}

#[test]
fn a_scenario_group_without_a_unit_price_takes_the_catalog_price() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.toml");
    std::fs::write(
        &p,
        "[[fleet.group]]\nmachine = \"WhatsMiner M70S\"\nunits = 2\n\n\
         [[fleet.group]]\nmachine = \"Antminer S19j Pro\"\nunits = 5\nunit_price = 0\n\n\
         [horizon]\ndays = 10\n",
    )
    .unwrap();
    let ps = p.to_string_lossy().into_owned();
    let s = &json(&["project", "--scenario", &ps, "--summary", "-f", "json"])[0];
    // The M70S's list price, $3,224, twice; the S19j Pro group says it is owned.
    assert_eq!(f(s, "capex_usd"), 6448.0);
}
