//! CLI tests of the `minecalc network` view: hand-computed totals and a removal, the formats,
//! and the bad inputs.

mod common;
use common::{assert_errors, close, f, json, run_ok};

/// 1,000 EH/s at its equilibrium difficulty, at the first block of an epoch, $100,000, no fees:
/// hashprice = 1e15 x 86,400 / (1e21 x 600) x 3.125 x 100,000 = $45.00 /PH/day.
const FLAT: &[&str] = &[
    "network",
    "--height",
    "967679",
    "--network-hashrate",
    "1000",
    "--price",
    "100000",
    "--fees",
    "0",
];

fn flat(extra: &[&'static str]) -> Vec<&'static str> {
    FLAT.iter().chain(extra).copied().collect()
}

#[test]
fn totals_by_hand() {
    // Full digits: the sums are compared to 1e-12, tighter than the default 12 digits.
    let rows = json(&flat(&["-f", "json", "--digits", "full"]));
    assert_eq!(rows.len(), 11);
    let net = rows.last().unwrap();
    assert_eq!(net["scope"], "network");
    assert!(close(f(net, "hashprice_usd_per_ph_day"), 45.0, 1e-12));
    // At $45 only the 29.5 J/TH cohort at $0.065 (hashcost $46.02) is underwater and off: 6% of
    // the installed base. The 1,000 EH/s is the running hashrate, 94% of the installed base.
    let installed = 1000.0 / 0.94;
    assert!(close(f(net, "running_hashrate_eh_s"), 1000.0, 1e-12));
    assert!(close(f(net, "hashrate_eh_s"), installed, 1e-12));
    // The running cohorts average (20.78 - 0.06 x 29.5) / 0.94 J/TH; 1,000 EH/s at that.
    let eff = (20.78 - 0.06 * 29.5) / 0.94;
    assert!(close(f(net, "efficiency_j_per_th"), eff, 1e-12));
    assert!(close(f(net, "power_gw"), eff, 1e-12));
    assert!(close(f(net, "energy_twh_per_year"), eff * 8.76, 1e-12));
    // Revenue: 144 x 3.125 BTC x $100,000 = $45M a day.
    assert!(close(f(net, "revenue_usd_per_day"), 45e6, 1e-12));
    // The first cohort: 12% of the installed base at 14 J/TH; bill at $0.05.
    let c = &rows[0];
    let gw = 0.12 * installed * 14.0 / 1000.0;
    assert!(close(f(c, "power_gw"), gw, 1e-12));
    assert!(close(
        f(c, "electricity_usd_per_day"),
        gw * 1e6 * 24.0 * 0.05,
        1e-12
    ));
    assert!(close(f(c, "hashcost_usd_per_ph_day"), 16.8, 1e-12));
    // The cohort that is off draws nothing.
    let off: Vec<&serde_json::Value> = rows.iter().filter(|r| r["underwater"] == true).collect();
    assert_eq!(off.len(), 1);
    assert_eq!(f(off[0], "power_gw"), 0.0);
    assert_eq!(f(off[0], "running_hashrate_eh_s"), 0.0);
    assert!(net["hashprice_after_usd_per_ph_day"].is_null());
}

#[test]
fn removal_by_hand() {
    // US 35.81% = 358.1 EH/s; 25% of it = 89.525 EH/s leaves: 910.475 EH/s remain. The epoch's
    // 2016 blocks take 1,209,600 / 0.910475 s, so the difficulty falls to 0.910475 D and the
    // hashprice rises to $45 / 0.910475 = $49.42 (+9.83%). US share: 268.575 / 910.475 = 29.50%.
    let rows = json(&flat(&["--remove", "US=25%", "-f", "json"]));
    let net = rows.last().unwrap();
    assert!(close(f(net, "hashrate_after_eh_s"), 910.475, 1e-12));
    assert!(close(
        f(net, "hashprice_after_usd_per_ph_day"),
        45.0 / 0.910475,
        1e-9
    ));
    assert!(close(
        f(net, "hashprice_change_pct"),
        (1.0 / 0.910475 - 1.0) * 100.0,
        1e-9
    ));
    assert!(close(
        f(net, "difficulty_after_first_retarget") / f(net, "difficulty"),
        0.910475,
        1e-9
    ));
    let regions = json(&flat(&[
        "--remove", "US=25%", "--by", "region", "-f", "json",
    ]));
    let us = &regions[0];
    assert_eq!(us["code"], "US");
    assert!(close(f(us, "removed_eh_s"), 89.525, 1e-12));
    assert!(close(
        f(us, "share_after_pct"),
        268.575 / 910.475 * 100.0,
        1e-12
    ));
    // The region's power at the running machines' average J/TH.
    let eff = (20.78 - 0.06 * 29.5) / 0.94;
    assert!(close(f(us, "power_gw"), 358.1 * eff / 1000.0, 1e-12));
    // The same removal in GW: 89.525 EH/s at 20 J/TH = 1.7905 GW.
    let gw = json(&flat(&[
        "--remove",
        "US=1.7905GW",
        "--region-efficiency",
        "20",
        "--by",
        "region",
        "-f",
        "json",
    ]));
    assert!(close(f(&gw[0], "removed_eh_s"), 89.525, 1e-12));
}

#[test]
fn table_and_csv() {
    let t = run_ok(&["network", "--remove", "US=30%"]);
    assert!(
        t.contains("hashrate running 984.0 EH/s") && t.contains("installed 1,230.0 EH/s"),
        "{t}"
    );
    assert!(
        t.contains("US 35.81% = 352.4 EH/s, 6.95 GW at 19.71 J/TH"),
        "{t}"
    );
    assert!(t.contains("1st retarget"), "{t}");
    assert!(t.contains("for every remaining miner"), "{t}");
    let csv_text = run_ok(&["network", "--by", "region", "-f", "csv"]);
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let h = rdr.headers().unwrap().clone();
    assert!(h.iter().any(|c| c == "power_gw"));
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 8);
    let share = h.iter().position(|c| c == "share_pct").unwrap();
    let total: f64 = rows.iter().map(|r| r[share].parse::<f64>().unwrap()).sum();
    assert!((total - 100.0).abs() < 1e-9);
    let nd = run_ok(&["network", "-f", "ndjson"]);
    assert_eq!(nd.lines().count(), 11);
}

#[test]
fn bad_inputs_exit_2_with_one_line() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["network", "--remove", "US=10GW"],
            "--remove US=10GW is more than US's mining: 352.4 EH/s (35.81% of 984.0 EH/s) draws 6.95 GW",
        ),
        (&["network", "--remove", "US=120%"], "at most 100%, got 120%"),
        (&["network", "--remove", "XX=5%"], "no region \"XX\""),
        (&["network", "--remove", "US=5"], "needs a unit"),
        (&["network", "--remove", "US=-1GW"], "must be a positive number"),
        (
            &["network", "--region-efficiency", "0"],
            "--region-efficiency must be a positive number, got 0",
        ),
        (&["network", "--remove", "US=5%", "snapshot"], "snapshot"),
        (&["network", "--by", "planet"], "--by"),
    ];
    assert_errors(cases);
}
