//! Inputs in the incumbents' terms (issue 12, item 7): a difficulty change per retarget epoch or
//! per month instead of a hashrate growth, and a hashprice path (a forward curve) that sets
//! revenue; and the pivot's rational mining case (item 9).

mod common;

use common::{assert_errors, close, close_rel, f, json, run_err, run_ok};
use serde_json::Value;

/// The hashrate growth, % a year, that a difficulty change of `x` % an epoch converts to
/// (model/network.rs): k = ln(r) r / 1,209,600 s, r = 1 + x, over a model year of 365 days.
fn growth_of_epoch_change(x_pct: f64) -> f64 {
    let r = 1.0 + x_pct / 100.0;
    ((r.ln() * r / 1_209_600.0) * 365.0 * 86_400.0).exp_m1() * 100.0
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

/// Every field of two rows lists, compared with a relative tolerance (numbers) or exactly.
fn same_rows(a: &[Value], b: &[Value], rel: f64) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        for (k, v) in x.as_object().unwrap() {
            match (v.as_f64(), y[k].as_f64()) {
                (Some(p), Some(q)) => assert!(close_rel(p, q, rel), "{k}: {p} vs {q}"),
                _ => assert_eq!(v, &y[k], "{k}"),
            }
        }
    }
}

#[test]
fn a_difficulty_change_runs_as_its_hashrate_growth() {
    // +2% an epoch is a hashrate growth of 69.3% a year: the same rows as that growth.
    let g = growth_of_epoch_change(2.0);
    assert!((g - 69.318).abs() < 1e-3, "{g}");
    let by_change = json(&[
        "project",
        "--difficulty-change",
        "2",
        "--days",
        "200",
        "-f",
        "json",
    ]);
    let gs = format!("{g}");
    let by_growth = json(&[
        "project",
        "--hashrate-growth",
        &gs,
        "--days",
        "200",
        "-f",
        "json",
    ]);
    same_rows(&by_change, &by_growth, 1e-9);
    // Once the network settles (a few epochs), each retarget is +2.00%.
    let events: Vec<&str> = by_change
        .iter()
        .filter_map(|r| r["events"].as_str())
        .filter(|e| e.contains("retarget"))
        .collect();
    assert!(events.len() >= 13, "{events:?}");
    for e in &events[4..] {
        assert!(e.ends_with("+2.00%"), "{e}");
    }
    let table = run_ok(&["project", "--difficulty-change", "2", "--days", "30"]);
    assert!(
        table.contains("hashrate +69.3%/yr (a difficulty change of +2% an epoch)"),
        "{table}"
    );
}

#[test]
fn a_monthly_difficulty_change_compounds_twelve_times() {
    // +3% a month is (1.03)^12 - 1 = 42.576% a year.
    let by_month = json(&[
        "project",
        "--difficulty-change-monthly",
        "3",
        "--days",
        "500",
        "-f",
        "json",
    ]);
    let g = (1.03f64.powi(12) - 1.0) * 100.0;
    let gs = format!("{g}");
    let by_growth = json(&[
        "project",
        "--hashrate-growth",
        &gs,
        "--days",
        "500",
        "-f",
        "json",
    ]);
    same_rows(&by_month, &by_growth, 1e-9);
    // A year on, difficulty is 1.03^12 times (30-day means, past the start's lag).
    let mean = |from: usize| {
        by_month[from..from + 30]
            .iter()
            .map(|r| f(r, "difficulty"))
            .sum::<f64>()
            / 30.0
    };
    let ratio = mean(465) / mean(100);
    assert!(close(ratio, 1.03f64.powi(12), 2e-3), "{ratio}");
    let table = run_ok(&[
        "project",
        "--difficulty-change-monthly",
        "-1.5",
        "--days",
        "30",
    ]);
    assert!(
        table.contains("(a difficulty change of -1.5% a month)"),
        "{table}"
    );
}

#[test]
fn difficulty_changes_conflict_and_stay_in_bounds() {
    let dir = tmp();
    let both = write(
        &dir,
        "both.toml",
        "[network]\nhashrate_growth = 20\ndifficulty_change = 1\n",
    );
    let growth = write(&dir, "growth.toml", "[network]\nhashrate_growth = 20\n");
    let e = run_err(&[
        "project",
        "--difficulty-change",
        "2",
        "--hashrate-growth",
        "3",
    ]);
    assert!(
        e.contains("'--difficulty-change <PCT>' cannot be used with '--hashrate-growth <PCT>'"),
        "{e}"
    );
    let e = run_err(&[
        "project",
        "--difficulty-change-monthly",
        "2",
        "--difficulty-change",
        "3",
    ]);
    assert!(e.contains("--difficulty-change"), "{e}");
    assert!(e.contains("--difficulty-change-monthly"), "{e}");
    assert_errors(&[
        (
            &["project", "--scenario", &both],
            "both.toml:3:21: give one of hashrate_growth, difficulty_change and difficulty_change_monthly in [network]",
        ),
        (
            &["project", "--difficulty-change", "20"],
            "--difficulty-change must convert to a hashrate growth at most 10000 (% a year, as --hashrate-growth; it gives 29908%), got 20",
        ),
        (
            &["project", "--difficulty-change", "-80"],
            "--difficulty-change must be above -75, got -80",
        ),
        (
            &["project", "--difficulty-change-monthly", "50"],
            "--difficulty-change-monthly must convert to a hashrate growth at most 10000",
        ),
        (
            &["project", "--difficulty-change-monthly", "-100"],
            "--difficulty-change-monthly must be above -100, got -100",
        ),
        (
            &["project", "--difficulty-change", "2", "--network-model", "response"],
            "--difficulty-change cannot be used with --network-model response",
        ),
    ]);
    // A flag replaces the file's growth, whichever parameter gives it.
    let over = json(&[
        "project",
        "--scenario",
        &growth,
        "--difficulty-change",
        "2",
        "--days",
        "60",
        "-f",
        "json",
    ]);
    let flag = json(&[
        "project",
        "--difficulty-change",
        "2",
        "--days",
        "60",
        "-f",
        "json",
    ]);
    same_rows(&over, &flag, 0.0);
}

#[test]
fn difficulty_changes_vary_and_solve() {
    // A sweep over the change: each row is the project run with that change.
    let rows = json(&[
        "sweep",
        "--vary",
        "difficulty-change=0,1,2",
        "--days",
        "120",
        "-f",
        "json",
    ]);
    assert_eq!(rows.len(), 3);
    for r in &rows {
        let x = f(r, "difficulty_change_pct");
        let one = json(&[
            "project",
            "--summary",
            "--difficulty-change",
            &x.to_string(),
            "--days",
            "120",
            "-f",
            "json",
        ]);
        assert!(close_rel(
            f(r, "margin_usd"),
            f(&one[0], "margin_usd"),
            1e-9
        ));
    }
    assert!(f(&rows[0], "margin_usd") > f(&rows[2], "margin_usd"));
    // A varied change replaces a given --hashrate-growth.
    let over = json(&[
        "sweep",
        "--hashrate-growth",
        "50",
        "--vary",
        "difficulty-change=1",
        "--days",
        "120",
        "-f",
        "json",
    ]);
    assert!(close_rel(
        f(&over[0], "margin_usd"),
        f(&rows[1], "margin_usd"),
        1e-12
    ));
    // breakeven: the change whose growth zeroes the margin is the growth's breakeven.
    let args = ["--efficiency", "20", "--days", "365", "-f", "json"];
    let solve = |name: &str| {
        let mut a = vec!["breakeven", "--for", name];
        a.extend(args);
        let v = json(&a);
        v[0]["value"].as_f64().unwrap()
    };
    let x = solve("difficulty-change");
    let g = solve("hashrate-growth");
    let m = solve("difficulty-change-monthly");
    assert!(close(growth_of_epoch_change(x), g, 1e-6), "{x} {g}");
    let gm = ((1.0 + m / 100.0).powi(12) - 1.0) * 100.0;
    assert!(close(gm, g, 1e-6), "{m} {g}");
}

#[test]
fn a_constant_hashprice_path_pays_its_value() {
    // 50 USD/PH/day on 250 PH/s for 30 days at a 2% pool fee: 50 x 250 x 30 x 0.98.
    let dir = tmp();
    let hp = write(&dir, "hp.csv", "date,value\n2026-06-26,50\n2026-12-31,50\n");
    let rows = json(&[
        "project",
        "--hashprice-path",
        &hp,
        "--hashrate",
        "250PH",
        "--pool-fee",
        "2",
        "--days",
        "30",
        "-f",
        "json",
    ]);
    assert_eq!(rows.len(), 30);
    let revenue: f64 = rows.iter().map(|r| f(r, "revenue_usd")).sum();
    assert!(
        close_rel(revenue, 50.0 * 250.0 * 30.0 * 0.98, 1e-12),
        "{revenue}"
    );
    for r in &rows {
        assert_eq!(f(r, "hashprice_usd_per_ph_day"), 50.0);
        // The hashvalue is the hashprice / the price; the network's columns are the engine's.
        let sats = 50.0 / f(r, "btc_price_usd") * 1e8;
        assert!(close_rel(f(r, "hashvalue_sats_per_ph_day"), sats, 1e-11));
    }
    let plain = json(&[
        "project",
        "--hashrate",
        "250PH",
        "--days",
        "30",
        "-f",
        "json",
    ]);
    for (a, b) in rows.iter().zip(&plain) {
        for k in ["difficulty", "blocks", "subsidy_btc", "height", "events"] {
            assert_eq!(a[k], b[k], "{k}");
        }
    }
    let table = run_ok(&["project", "--hashprice-path", &hp, "--days", "30"]);
    assert!(
        table.contains(&format!(
            "revenue  follows the hashprice path {hp} (2 points, 2026-06-26 to 2026-12-31"
        )),
        "{table}"
    );
}

#[test]
fn a_hashprice_path_interpolates_and_holds_its_ends() {
    // 40 on 07-01, 60 on 07-11: 40 before, 2 more a day between, 60 after.
    let dir = tmp();
    let hp = write(
        &dir,
        "hp.csv",
        "date,hashprice\n2026-07-01,40\n2026-07-11,60\n",
    );
    let rows = json(&[
        "project",
        "--hashprice-path",
        &hp,
        "--price-growth",
        "50",
        "--days",
        "40",
        "-f",
        "json",
    ]);
    let hp_on = |i: usize| f(&rows[i], "hashprice_usd_per_ph_day");
    assert_eq!(rows[0]["date"], "2026-06-26");
    assert_eq!(hp_on(0), 40.0);
    assert_eq!(hp_on(5), 40.0); // 07-01
    assert!((hp_on(10) - 50.0).abs() < 1e-9); // 07-06
    assert_eq!(hp_on(15), 60.0); // 07-11
    assert_eq!(hp_on(39), 60.0); // past the last date: the last value holds
                                 // Revenue follows the path whatever the price does: 1 PH/s earns the day's hashprice.
    for r in &rows {
        assert!(close_rel(
            f(r, "revenue_usd"),
            f(r, "hashprice_usd_per_ph_day"),
            1e-12
        ));
    }
}

#[test]
fn bad_hashprice_files_name_the_line_and_column() {
    let dir = tmp();
    let cases = [
        (
            "gap.csv",
            "date,value\n2026-07-01,50\n2026-07-02,\n",
            "gap.csv:3:2: a gap",
        ),
        (
            "null.csv",
            "date,value\n2026-07-01,null\n",
            "null.csv:2:2: a gap",
        ),
        (
            "zero.csv",
            "date,value\n2026-07-01,50\n2026-07-02,0\n",
            "zero.csv:3:2: expected a positive number, got 0",
        ),
        (
            "neg.csv",
            "date,value\n2026-07-01,-5\n",
            "neg.csv:2:2: expected a positive number, got -5",
        ),
        (
            "order.csv",
            "date,value\n2026-07-02,50\n2026-07-01,50\n",
            "order.csv:3:1: dates must increase, 2026-07-01 follows 2026-07-02",
        ),
        (
            "dup.csv",
            "date,value\n2026-07-01,50\n2026-07-01,51\n",
            "dup.csv:3:1: dates must increase",
        ),
        (
            "date.csv",
            "date,value\n2026-13-01,50\n",
            "date.csv:2:1: expected a date",
        ),
        (
            "huge.csv",
            "date,value\n2026-07-01,1e10\n",
            "huge.csv:2:2: the value (as --hashprice-path) must be at most 1e9, got 1e10",
        ),
        (
            "word.csv",
            "date,value\n2026-07-01,lots\n",
            "word.csv:2:2: expected a number, got \"lots\"",
        ),
    ];
    for (name, text, want) in cases {
        let p = write(&dir, name, text);
        let e = run_err(&["project", "--hashprice-path", &p]);
        assert!(e.contains(want), "{name}: {e}");
    }
    let ok = write(&dir, "ok.csv", "date,value\n2026-07-01,50\n");
    assert_errors(&[
        (
            &[
                "project",
                "--hashprice-path",
                &ok,
                "--network-model",
                "response",
            ],
            "--hashprice-path cannot be used with --network-model response",
        ),
        (
            &["sweep", "--vary", "hashprice-path=1,2"],
            "this command cannot vary it",
        ),
    ]);
}

#[test]
fn sweeps_and_breakevens_run_on_the_hashprice_path() {
    let dir = tmp();
    let hp = write(&dir, "hp.csv", "date,value\n2026-06-26,50\n2027-06-26,30\n");
    // Fleet parameters share the chain: each row is the project run on the path.
    let rows = json(&[
        "sweep",
        "--hashprice-path",
        &hp,
        "--vary",
        "power-cost=0.03,0.06",
        "--days",
        "90",
        "-f",
        "json",
    ]);
    for r in &rows {
        let pc = f(r, "power_cost_usd_per_kwh").to_string();
        let one = json(&[
            "project",
            "--summary",
            "--hashprice-path",
            &hp,
            "--power-cost",
            &pc,
            "--days",
            "90",
            "-f",
            "json",
        ]);
        assert!(close_rel(
            f(r, "revenue_usd"),
            f(&one[0], "revenue_usd"),
            1e-12
        ));
        assert!(close_rel(
            f(r, "margin_usd"),
            f(&one[0], "margin_usd"),
            1e-12
        ));
    }
    // The price no longer moves revenue: varying it leaves revenue alone.
    let by_price = json(&[
        "sweep",
        "--hashprice-path",
        &hp,
        "--vary",
        "price=40k,80k",
        "--days",
        "90",
        "-f",
        "json",
    ]);
    assert!(close_rel(
        f(&by_price[0], "revenue_usd"),
        f(&by_price[1], "revenue_usd"),
        1e-12
    ));
    // The breakeven power cost on a flat 48 USD/PH/day at 20 J/TH: 48 / (20 x 24) = 0.1.
    let flat = write(&dir, "flat.csv", "date,value\n2026-06-26,48\n");
    let be = json(&[
        "breakeven",
        "--for",
        "power-cost",
        "--hashprice-path",
        &flat,
        "--efficiency",
        "20",
        "--days",
        "30",
        "-f",
        "json",
    ]);
    assert!(close(be[0]["value"].as_f64().unwrap(), 0.1, 1e-9), "{be:?}");
}

#[test]
fn pivot_switches_the_mining_case_off_on_losing_days() {
    // The 100 MW example: 17.5 J/TH at $0.045/kWh, price +15%/yr, hashrate +25%/yr.
    let case = [
        "pivot",
        "--site-mw",
        "100",
        "--efficiency",
        "17.5",
        "--power-cost",
        "0.045",
        "--price-growth",
        "15",
        "--hashrate-growth",
        "25",
        "-f",
        "json",
    ];
    let rational = json(&case);
    let mut always = case.to_vec();
    always.push("--always-on");
    let always = json(&always);
    assert_eq!(rational.len(), always.len());
    // Always on, the fleet loses money every year from year 3; switched off, it never does,
    // and the converting path is the same.
    for (r, a) in rational.iter().zip(&always).skip(2) {
        assert!(f(a, "mining_cash_usd") < -1e6, "{a}");
        assert!(f(r, "mining_cash_usd") >= 0.0, "{r}");
        assert_eq!(r["npv_convert_usd"], a["npv_convert_usd"]);
    }
    let last = |v: &[Value]| f(v.last().unwrap(), "npv_mining_usd");
    assert!(last(&rational) > last(&always) + 1e8);
    // --curtail is the default's rule: the same rows.
    let mut curtail = case.to_vec();
    curtail.push("--curtail");
    assert_eq!(json(&curtail), rational);
    let table = run_ok(&case[..case.len() - 2]);
    assert!(table.contains("switches off on days the hashprice does not cover its power cost, and back on when it does (--always-on keeps it running)"), "{table}");
    let mut t = case[..case.len() - 2].to_vec();
    t.push("--always-on");
    assert!(run_ok(&t).contains("runs every day, at a loss too (--always-on)"));
    assert_errors(&[(
        &["pivot", "--always-on", "--curtail"],
        "--always-on cannot be used with --curtail",
    )]);
}
