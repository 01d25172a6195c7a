//! CLI tests of the scenario toolkit: machines, fleets, scenario files, paths, capex,
//! curtailment, sweeps, breakevens, tags.

mod common;
use common::{close_rel, run_err, run_ok};

use std::collections::HashMap;

use serde_json::Value;

/// CSV text as rows of column -> cell.
fn table(text: &str) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            h.iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

fn f(row: &HashMap<String, String>, col: &str) -> f64 {
    row.get(col)
        .unwrap_or_else(|| panic!("no {col}"))
        .parse()
        .unwrap_or_else(|_| panic!("{col}: {:?}", row.get(col)))
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn machines_lists_filters_and_sorts() {
    let all = table(&run_ok(&["machines", "-f", "csv", "--power-cost", "0.05"]));
    assert!(all.len() >= 20);
    for m in &all {
        let implied = f(m, "power_w") / f(m, "hashrate_ths");
        assert!(
            close_rel(implied, f(m, "efficiency_j_per_th"), 0.03),
            "{m:?}"
        );
        // margin = revenue - power cost; the breakeven power cost zeroes it.
        assert!(close_rel(
            f(m, "margin_usd_per_day"),
            f(m, "revenue_usd_per_day") - f(m, "power_cost_usd_per_day"),
            1e-9
        ));
        let be = f(m, "breakeven_power_cost_usd_per_kwh");
        let cost_at_be = f(m, "power_cost_usd_per_day") / 0.05 * be;
        assert!(close_rel(cost_at_be, f(m, "revenue_usd_per_day"), 1e-9));
    }
    let s21 = table(&run_ok(&["machines", "-f", "csv", "--filter", "s21"]));
    assert!(!s21.is_empty() && s21.iter().all(|m| m["model"].contains("S21")));
    let sorted = table(&run_ok(&[
        "machines",
        "-f",
        "csv",
        "--sort",
        "efficiency_j_per_th",
    ]));
    let e: Vec<f64> = sorted.iter().map(|m| f(m, "efficiency_j_per_th")).collect();
    assert!(e.windows(2).all(|w| w[0] <= w[1]));
    let rev = table(&run_ok(&[
        "machines",
        "-f",
        "csv",
        "--sort",
        "efficiency_j_per_th",
        "--reverse",
    ]));
    assert_eq!(f(&rev[0], "efficiency_j_per_th"), *e.last().unwrap());
    let err = run_err(&["machines", "--sort", "speed"]);
    assert!(
        err.contains("--sort") && err.contains("efficiency_j_per_th"),
        "{err}"
    );
}

#[test]
fn machine_groups_add_up_to_the_fleet() {
    let common = ["project", "--days", "60", "-f", "csv", "--period", "year"];
    let both = table(&run_ok(
        &[
            &common[..],
            &[
                "--machine",
                "Antminer S21 XP",
                "--units",
                "100",
                "--power-cost",
                "0.04",
                "--machine",
                "Antminer S19j Pro",
                "--units",
                "50",
                "--power-cost",
                "0.06",
                "--uptime",
                "90",
            ],
        ]
        .concat(),
    ));
    let a = table(&run_ok(
        &[
            &common[..],
            &[
                "--machine",
                "Antminer S21 XP",
                "--units",
                "100",
                "--power-cost",
                "0.04",
            ],
        ]
        .concat(),
    ));
    let b = table(&run_ok(
        &[
            &common[..],
            &[
                "--machine",
                "Antminer S19j Pro",
                "--units",
                "50",
                "--power-cost",
                "0.06",
                "--uptime",
                "90",
            ],
        ]
        .concat(),
    ));
    for col in ["btc_mined", "power_cost_usd", "energy_kwh", "margin_usd"] {
        let sum: f64 = a.iter().chain(&b).map(|r| f(r, col)).sum();
        let total: f64 = both.iter().map(|r| f(r, col)).sum();
        assert!(close_rel(sum, total, 1e-9), "{col}: {sum} vs {total}");
    }
    // 100 S21 XP = 27 PH/s; the group's energy uses its own uptime (100%): 270 TH/s... x 13.5 J/TH.
    let kwh: f64 = a.iter().map(|r| f(r, "energy_kwh")).sum();
    assert!(
        close_rel(kwh, 100.0 * 3645.0 / 1000.0 * 24.0 * 60.0, 1e-9),
        "{kwh}"
    );
}

#[test]
fn fleet_flag_errors() {
    let e = run_err(&["project", "--machine", "Antminer S21 XPP"]);
    assert!(
        e.contains("\"Antminer S21 XPP\" is not in the catalog; nearest: \"Antminer S21 XP\""),
        "{e}"
    );
    assert!(
        run_err(&["project", "--units", "5", "--machine", "Antminer S21"])
            .contains("--units must follow")
    );
    assert!(run_err(&["project", "--machine", "Antminer S21", "--units", "0"]).contains("--units"));
    assert!(run_err(&[
        "project",
        "--machine",
        "Antminer S21",
        "--units",
        "2",
        "--units",
        "3"
    ])
    .contains("twice"));
    assert!(
        run_err(&["project", "--machine", "Antminer S21", "--hashrate", "5PH"])
            .contains("--hashrate")
    );
    assert!(run_err(&[
        "project",
        "--curtail-hours",
        "30",
        "--peak-power-cost",
        "0.2"
    ])
    .contains("--curtail-hours"));
    assert!(run_err(&["project", "--curtail-hours", "4"]).contains("--peak-power-cost"));
    assert!(run_err(&["project", "--capex", "-5"]).contains("--capex"));
    assert!(run_err(&["project", "--discount-rate", "-100"]).contains("--discount-rate"));
    assert!(run_err(&["project", "--scenario", "/nonexistent.toml"])
        .contains("--scenario /nonexistent.toml"));
    assert!(run_err(&["project", "--price-path", "/nonexistent.csv"]).contains("--price-path"));
    assert!(run_err(&["project", "--tag", "novalue"]).contains("--tag"));
}

#[test]
fn scenario_files_and_flags_over_them() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "s.toml", "[network]\nprice = 80000\n\n[fleet]\npower_cost = 0.04\n\n[[fleet.group]]\nmachine = \"Antminer S21\"\nunits = 10\n\n[horizon]\ndays = 30\n");
    let rows = table(&run_ok(&["project", "--scenario", &p, "-f", "csv"]));
    assert_eq!(rows.len(), 30);
    assert_eq!(f(&rows[0], "btc_price_usd"), 80000.0);
    assert_eq!(f(&rows[0], "fleet_hashrate_th_s"), 2000.0);
    let over = table(&run_ok(&[
        "project",
        "--scenario",
        &p,
        "-f",
        "csv",
        "--days",
        "5",
        "--price",
        "90000",
    ]));
    assert_eq!(over.len(), 5);
    assert_eq!(f(&over[0], "btc_price_usd"), 90000.0);
    let cost_04 = f(&rows[0], "power_cost_usd");
    let p07 = table(&run_ok(&[
        "project",
        "--scenario",
        &p,
        "-f",
        "csv",
        "--power-cost",
        "0.07",
    ]));
    assert!(close_rel(
        f(&p07[0], "power_cost_usd"),
        cost_04 / 0.04 * 0.07,
        1e-12
    ));

    let bad_key = write(
        &dir,
        "k.toml",
        "[fleet]\npower_cost = 0.04\npowercost = 1\n",
    );
    let e = run_err(&["project", "--scenario", &bad_key]);
    assert!(e.contains("k.toml:3:1:") && e.contains("powercost"), "{e}");
    let bad_val = write(&dir, "v.toml", "[fleet]\nuptime = 140\n");
    assert!(run_err(&["project", "--scenario", &bad_val])
        .contains("v.toml:2:10: uptime must be between 0 and 100, got 140"));
    let bad_type = write(&dir, "t.toml", "[network]\nprice = \"cheap\"\n");
    assert!(run_err(&["project", "--scenario", &bad_type]).contains("t.toml:2:9:"));
    let bad_machine = write(
        &dir,
        "m.toml",
        "[[fleet.group]]\nmachine = \"S99\"\nunits = 3\n",
    );
    assert!(run_err(&["project", "--scenario", &bad_machine])
        .contains("m.toml:2:11: machine \"S99\" is not in the catalog"));
}

#[test]
fn price_paths_interpolate_then_grow() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "p.csv",
        "date,value\n2026-06-26,60000\n2026-07-06,70000\n",
    );
    let rows = table(&run_ok(&[
        "project",
        "--days",
        "20",
        "-f",
        "csv",
        "--price-path",
        &p,
        "--price-growth",
        "100",
    ]));
    assert_eq!(f(&rows[0], "btc_price_usd"), 60000.0);
    assert!(close_rel(f(&rows[5], "btc_price_usd"), 65000.0, 1e-12));
    assert!(close_rel(f(&rows[10], "btc_price_usd"), 70000.0, 1e-12));
    assert!(close_rel(
        f(&rows[15], "btc_price_usd"),
        70000.0 * 2f64.powf(5.0 / 365.0),
        1e-12
    ));
    // Yahoo's BTC-USD history: Date and Close columns, null rows skipped.
    let y = write(&dir, "y.csv", "Date,Open,High,Low,Close,Adj Close,Volume\n2026-06-26,1,1,1,61000,61000,5\n2026-06-27,1,1,1,null,null,null\n2026-06-28,1,1,1,63000,63000,5\n");
    let rows = table(&run_ok(&[
        "project",
        "--days",
        "3",
        "-f",
        "csv",
        "--price-path",
        &y,
    ]));
    assert!(close_rel(f(&rows[1], "btc_price_usd"), 62000.0, 1e-12));
    let bad = write(
        &dir,
        "b.csv",
        "date,value\n2026-06-26,60000\n2026-06-25,1\n",
    );
    assert!(run_err(&["project", "--price-path", &bad]).contains("b.csv:3:1: dates must increase"));
    let h = write(
        &dir,
        "h.csv",
        "date,value\n2026-06-26,900\n2026-07-26,1200\n",
    );
    let rows = table(&run_ok(&[
        "project",
        "--days",
        "31",
        "-f",
        "csv",
        "--hashrate-path",
        &h,
    ]));
    assert!(close_rel(
        f(&rows[30], "network_hashrate_eh_s"),
        1200.0,
        1e-12
    ));
}

#[test]
fn capex_payback_and_npv() {
    let rows = table(&run_ok(&[
        "project",
        "--days",
        "720",
        "-f",
        "csv",
        "--capex",
        "5000",
        "--power-cost",
        "0.03",
    ]));
    let pay = rows
        .iter()
        .position(|r| f(r, "cumulative_net_usd") >= 0.0)
        .expect("pays back");
    assert!(pay > 0);
    for r in &rows {
        assert!(close_rel(
            f(r, "cumulative_net_usd"),
            f(r, "cumulative_margin_usd") - 5000.0,
            1e-9
        ));
        // Without a discount rate the NPV is the net.
        assert!(close_rel(f(r, "npv_usd"), f(r, "cumulative_net_usd"), 1e-9));
    }
    let disc = table(&run_ok(&[
        "project",
        "--days",
        "720",
        "-f",
        "csv",
        "--capex",
        "5000",
        "--power-cost",
        "0.03",
        "--discount-rate",
        "10",
    ]));
    let last = disc.last().unwrap();
    assert!(f(last, "npv_usd") < f(last, "cumulative_net_usd"));
    // Hand check: day d's margin discounted by 1.1^(d/365).
    let npv: f64 = -5000.0
        + disc
            .iter()
            .enumerate()
            .map(|(d, r)| f(r, "margin_usd") / 1.1f64.powf(d as f64 / 365.0))
            .sum::<f64>();
    assert!(close_rel(npv, f(last, "npv_usd"), 1e-9), "{npv}");
    let table_text = run_ok(&[
        "project",
        "--days",
        "720",
        "--capex",
        "5000",
        "--power-cost",
        "0.03",
    ]);
    assert!(
        table_text.contains(&format!("payback {}", rows[pay]["date"])),
        "{table_text}"
    );
}

#[test]
fn curtailment_switches_off_losing_days() {
    // 30 J/TH at $0.05 costs $36/PH/day, above the snapshot's ~$28 hashprice: every day is off.
    let off = table(&run_ok(&[
        "project",
        "--days",
        "20",
        "-f",
        "csv",
        "--efficiency",
        "30",
        "--curtail",
    ]));
    for r in &off {
        assert_eq!(f(r, "running_fraction"), 0.0);
        assert_eq!(f(r, "power_cost_usd"), 0.0);
        assert_eq!(f(r, "margin_usd"), 0.0);
    }
    let on = table(&run_ok(&[
        "project",
        "--days",
        "20",
        "-f",
        "csv",
        "--efficiency",
        "15",
        "--curtail",
    ]));
    assert!(on.iter().all(|r| f(r, "running_fraction") == 1.0));
    // Time of use: 4 peak hours at $0.50 do not pay and are idled; the other 20 run at $0.05.
    let tou = table(&run_ok(&[
        "project",
        "--days",
        "5",
        "-f",
        "csv",
        "--efficiency",
        "15",
        "--curtail-hours",
        "4",
        "--peak-power-cost",
        "0.5",
    ]));
    for r in &tou {
        assert!(close_rel(f(r, "running_fraction"), 20.0 / 24.0, 1e-12));
        assert!(
            close_rel(f(r, "power_cost_usd"), 15.0 * 20.0 * 0.05, 1e-9),
            "{}",
            f(r, "power_cost_usd")
        );
    }
    // Peak hours that pay are kept, at the peak price.
    let pays = table(&run_ok(&[
        "project",
        "--days",
        "5",
        "-f",
        "csv",
        "--efficiency",
        "15",
        "--curtail-hours",
        "4",
        "--peak-power-cost",
        "0.06",
    ]));
    assert!(close_rel(
        f(&pays[0], "power_cost_usd"),
        15.0 * (20.0 * 0.05 + 4.0 * 0.06),
        1e-9
    ));
}

#[test]
fn sweep_rows_match_single_projects() {
    let text = run_ok(&[
        "sweep",
        "--vary",
        "power-cost=0.03:0.07:0.02",
        "--vary",
        "price-growth=0,50%",
        "--days",
        "400",
        "-f",
        "csv",
    ]);
    let rows = table(&text);
    assert_eq!(rows.len(), 6);
    let h: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    assert_eq!(&h[..2], &["power_cost_usd_per_kwh", "price_growth_pct"]);
    for col in [
        "btc_mined",
        "revenue_usd",
        "power_cost_usd",
        "margin_usd",
        "first_negative_margin_date",
        "payback_date",
        "npv_usd",
    ] {
        assert!(h.contains(&col), "{col}");
    }
    let expect = [
        (0.03, 0.0),
        (0.03, 50.0),
        (0.05, 0.0),
        (0.05, 50.0),
        (0.07, 0.0),
        (0.07, 50.0),
    ];
    for (r, (pc, pg)) in rows.iter().zip(expect) {
        assert!(close_rel(f(r, "power_cost_usd_per_kwh"), pc, 1e-12));
        assert_eq!(f(r, "price_growth_pct"), pg);
        let p = table(&run_ok(&[
            "project",
            "--days",
            "400",
            "-f",
            "csv",
            "--power-cost",
            &pc.to_string(),
            "--price-growth",
            &pg.to_string(),
        ]));
        assert!(close_rel(
            f(r, "margin_usd"),
            f(p.last().unwrap(), "cumulative_margin_usd"),
            1e-9
        ));
    }
    // The same sweep as NDJSON and JSON.
    let nd = run_ok(&[
        "sweep",
        "--vary",
        "fees=0,0.1",
        "--days",
        "10",
        "-f",
        "ndjson",
    ]);
    let lines: Vec<Value> = nd
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["fees_btc_per_block"], 0.1);
    let js: Value = serde_json::from_str(&run_ok(&[
        "sweep",
        "--vary",
        "fees=0,0.1",
        "--days",
        "10",
        "-f",
        "json",
    ]))
    .unwrap();
    assert_eq!(js.as_array().unwrap().len(), 2);
    assert!(run_err(&["sweep", "--vary", "warp=1,2"]).contains("warp"));
    assert!(run_err(&["sweep", "--vary", "price=1:0:1"]).contains("--vary"));
    assert!(run_err(&["sweep", "--vary", "fees=1,2", "--vary", "fees=3"]).contains("twice"));
    assert!(
        run_err(&["sweep", "--vary", "power-cost=-1,0.05", "--days", "3"])
            .contains("power-cost=-1")
    );
}

#[test]
fn breakeven_zeroes_the_margin() {
    let out = table(&run_ok(&[
        "breakeven",
        "--for",
        "power-cost",
        "--days",
        "365",
        "-f",
        "csv",
    ]));
    let v = f(&out[0], "power_cost_usd_per_kwh");
    assert_eq!(out[0]["found"], "true");
    let p = table(&run_ok(&[
        "project",
        "--days",
        "365",
        "-f",
        "csv",
        "--power-cost",
        &v.to_string(),
    ]));
    let m = f(p.last().unwrap(), "cumulative_margin_usd");
    assert!(m.abs() < 0.01, "{m}");
    // On a date: the daily margin is zero at that price.
    let on = table(&run_ok(&[
        "breakeven",
        "--for",
        "price",
        "--on",
        "2026-08-01",
        "-f",
        "csv",
    ]));
    let price = f(&on[0], "price_usd");
    let p = table(&run_ok(&[
        "project",
        "--until",
        "2026-08-01",
        "-f",
        "csv",
        "--price",
        &price.to_string(),
    ]));
    assert!(f(p.last().unwrap(), "margin_usd").abs() < 1e-6);
    // No solution in the bracket: said plainly, exit 0.
    let none = run_ok(&[
        "breakeven",
        "--for",
        "efficiency",
        "--low",
        "100",
        "--high",
        "200",
        "--days",
        "30",
    ]);
    assert!(
        none.contains("no solution for efficiency in [100, 200]"),
        "{none}"
    );
    assert!(run_err(&["breakeven", "--for", "speed"]).contains("--for"));
    assert!(
        run_err(&["breakeven", "--for", "price", "--low", "5", "--high", "1"]).contains("--low")
    );
}

#[test]
fn tagged_runs_concatenate_into_one_csv() {
    let mut all = String::new();
    for (i, p) in ["0.03", "0.05", "0.07"].iter().enumerate() {
        let mut args = vec![
            "project",
            "--days",
            "10",
            "--period",
            "week",
            "-f",
            "csv",
            "--power-cost",
            p,
        ];
        let tag = format!("power_cost={p}");
        args.extend(["--tag", &tag]);
        if i > 0 {
            args.push("--no-header");
        }
        all.push_str(&run_ok(&args));
    }
    let rows = table(&all);
    // 2026-06-26 is a Friday: 10 days are two ISO weeks (3 + 7 days), two rows a run.
    assert_eq!(rows.len(), 6);
    assert_eq!(&all[..11], "power_cost,");
    let tags: Vec<f64> = rows.iter().map(|r| f(r, "power_cost")).collect();
    assert_eq!(tags[0], 0.03);
    assert_eq!(tags[5], 0.07);
    // A tag is text in JSON, as given.
    let js: Value = serde_json::from_str(&run_ok(&[
        "project", "--days", "2", "-f", "json", "--tag", "run=7", "--tag", "site=tx",
    ]))
    .unwrap();
    assert_eq!(js[0]["run"], "7");
    assert_eq!(js[0]["site"], "tx");
}

#[test]
fn by_machine_rows() {
    let rows = table(&run_ok(&[
        "project",
        "--days",
        "3",
        "-f",
        "csv",
        "--period",
        "day",
        "--by-machine",
        "--machine",
        "Antminer S21",
        "--units",
        "2",
        "--machine",
        "Avalon A1466",
        "--units",
        "3",
    ]));
    assert_eq!(rows.len(), 9);
    let groups: Vec<&str> = rows.iter().map(|r| r["group"].as_str()).collect();
    assert_eq!(
        &groups[..4],
        &["fleet", "fleet", "fleet", "Antminer S21 x 2"]
    );
    for d in 0..3 {
        let sum = f(&rows[3 + d], "btc_mined") + f(&rows[6 + d], "btc_mined");
        assert!(close_rel(sum, f(&rows[d], "btc_mined"), 1e-12));
    }
}

#[test]
fn sweep_with_monte_carlo_adds_the_loss_probability() {
    let args = [
        "sweep",
        "--vary",
        "power-cost=0.03,0.08",
        "--vary",
        "price-growth=0,50",
        "--days",
        "400",
        "--paths",
        "200",
        "--price-vol",
        "50",
        "--capex",
        "3000",
        "--seed",
        "7",
        "-f",
        "csv",
    ];
    let rows = table(&run_ok(&args));
    assert_eq!(rows.len(), 4);
    let p: Vec<f64> = rows.iter().map(|r| f(r, "loss_probability_pct")).collect();
    // Dearer power loses more often; faster price growth less often.
    assert!(p[2] > p[0] && p[3] > p[1], "{p:?}");
    assert!(p[1] < p[0] && p[3] < p[2], "{p:?}");
    for r in &rows {
        assert!(
            f(r, "net_usd_p5") <= f(r, "net_usd_p50") && f(r, "net_usd_p50") <= f(r, "net_usd_p95")
        );
    }
    // Seeded: the same again, byte for byte; each cell equals project's own Monte Carlo.
    assert_eq!(run_ok(&args), run_ok(&args));
    let one = run_ok(&[
        "project",
        "--power-cost",
        "0.08",
        "--price-growth",
        "50",
        "--days",
        "400",
        "--paths",
        "200",
        "--price-vol",
        "50",
        "--capex",
        "3000",
        "--seed",
        "7",
        "--summary-only",
        "-f",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&one).unwrap();
    assert_eq!(v[0]["loss_probability_pct"].as_f64().unwrap(), p[3]);
    assert!(run_err(&["sweep", "--vary", "fees=0,1", "--paths", "10"]).contains("--price-vol"));
    assert!(run_err(&["sweep", "--vary", "fees=0,1", "--price-vol", "10"]).contains("--paths"));
}

#[test]
fn sweep_on_the_response_model() {
    let fixed = table(&run_ok(&[
        "sweep",
        "--vary",
        "power-cost=0.04,0.06",
        "--halving",
        "2028",
        "--after",
        "120",
        "-f",
        "csv",
    ]));
    let resp = table(&run_ok(&[
        "sweep",
        "--vary",
        "power-cost=0.04,0.06",
        "--halving",
        "2028",
        "--after",
        "120",
        "--network-model",
        "response",
        "-f",
        "csv",
    ]));
    assert_eq!(resp.len(), 2);
    // The response network gives back part of the halving: the margin after it is higher.
    for (a, b) in fixed.iter().zip(&resp) {
        assert!(
            f(b, "margin_after_halving_usd_per_day") > f(a, "margin_after_halving_usd_per_day")
        );
    }
}

#[test]
fn sweep_heat_map() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("map.svg");
    let s = svg.to_str().unwrap();
    run_ok(&[
        "sweep",
        "--vary",
        "power-cost=0.03:0.07:0.01",
        "--vary",
        "price-growth=0,25,50",
        "--days",
        "365",
        "-f",
        "csv",
        "--plot",
        s,
    ]);
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg"));
    for t in [
        "power-cost, USD/kWh",
        "price-growth, % a year",
        "margin_usd",
    ] {
        assert!(text.contains(t), "{t}");
    }
    let npv = dir.path().join("npv.svg");
    run_ok(&[
        "sweep",
        "--vary",
        "power-cost=0.03,0.07",
        "--vary",
        "efficiency=15,20",
        "--days",
        "30",
        "-f",
        "csv",
        "--plot",
        npv.to_str().unwrap(),
        "--plot-value",
        "npv_usd",
    ]);
    assert!(std::fs::read_to_string(&npv).unwrap().contains("npv_usd"));
    assert!(
        run_err(&["sweep", "--vary", "fees=0,1", "--plot", s]).contains("two varied parameters")
    );
    assert!(run_err(&[
        "sweep",
        "--vary",
        "fees=0,1",
        "--vary",
        "price=1,2",
        "--plot",
        "x.png"
    ])
    .contains("--plot"));
    let bad = dir.path().join("bad.svg");
    assert!(run_err(&[
        "sweep",
        "--vary",
        "fees=0,1",
        "--vary",
        "price=1e5,2e5",
        "--days",
        "3",
        "--plot",
        bad.to_str().unwrap(),
        "--plot-value",
        "events"
    ])
    .contains("--plot-value"));
    assert!(!bad.exists());
}

#[test]
fn scenario_file_chooses_the_network_model_and_cohorts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.csv"),
        "cohort,share_pct,efficiency_j_per_th,power_cost_usd_per_kwh\nold,50,30,0.06\nnew,50,15,0.04\n",
    )
    .unwrap();
    let s = write(
        &dir,
        "r.toml",
        "[network]\nmodel = \"response\"\ncohorts = \"c.csv\"\n\n[horizon]\ndays = 40\n",
    );
    let resp = table(&run_ok(&["project", "--scenario", &s, "-f", "csv"]));
    assert!(resp.iter().any(|r| f(r, "network_off_share_pct") > 0.0));
    assert!(!resp[0]["network_efficiency_j_per_th"].is_empty());
    // The flag overrides the file.
    let plain = table(&run_ok(&[
        "project",
        "--scenario",
        &s,
        "-f",
        "csv",
        "--network-model",
        "fixed",
    ]));
    assert!(plain.iter().all(|r| f(r, "network_off_share_pct") == 0.0));
    let bad = write(&dir, "b.toml", "[network]\nmodel = \"magic\"\n");
    assert!(run_err(&["project", "--scenario", &bad])
        .contains("b.toml:2:9: model must be \"fixed\" or \"response\""));
}
