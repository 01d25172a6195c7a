//! Output that fits spreadsheets, terminals and scripts: digits, tags as text, `--columns`,
//! tables that fit a width, `-o -`.

mod common;

use common::{assert_errors, json, minecalc, pinned, run_ok};

/// CSV text as (header, rows).
fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (h, rows)
}

/// Every numeric cell of a CSV, as written.
fn numeric_cells(text: &str) -> Vec<String> {
    let (_, rows) = csv_rows(text);
    rows.into_iter()
        .flatten()
        .filter(|c| c.parse::<f64>().is_ok())
        .collect()
}

/// A cell with binary noise: digits beyond the 12th significant one (or beyond the tenths of
/// a larger number).
fn noisy(c: &str) -> bool {
    let x: f64 = c.parse().unwrap();
    let whole = if x.abs() >= 1.0 {
        x.abs().log10().floor() as usize + 2
    } else {
        1
    };
    let d = 12.max(whole).min(17) - 1;
    let rounded: f64 = format!("{x:.d$e}").parse().unwrap();
    rounded != x
}

#[test]
fn swept_values_print_as_written() {
    let out = run_ok(&["sweep", "--vary", "power-cost=0.01:0.10:0.01", "-f", "csv"]);
    let (h, rows) = csv_rows(&out);
    assert_eq!(h[0], "power_cost_usd_per_kwh");
    let first: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        first,
        ["0.01", "0.02", "0.03", "0.04", "0.05", "0.06", "0.07", "0.08", "0.09", "0.1"]
    );
    assert!(out.lines().any(|l| l.starts_with("0.07,")));
    let pivot = run_ok(&["pivot", "--vary", "pue=1.1:1.5:0.1", "-f", "csv"]);
    let (_, rows) = csv_rows(&pivot);
    let pue: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(pue, ["1.1", "1.2", "1.3", "1.4", "1.5"]);
}

#[test]
fn computed_numbers_have_no_binary_noise_unless_asked() {
    let args = ["project", "--days", "40", "--period", "month", "-f", "csv"];
    let out = run_ok(&args);
    let noisy_cells: Vec<String> = numeric_cells(&out)
        .into_iter()
        .filter(|c| noisy(c))
        .collect();
    assert!(noisy_cells.is_empty(), "{noisy_cells:?}");
    let (h, rows) = csv_rows(&out);
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    assert_eq!(rows[0][col("fees_btc_per_block")], "0.017");
    // Full precision keeps what the default rounds, and the values agree to 12 digits.
    let full = run_ok(&[&args[..], &["--digits", "full"]].concat());
    let (_, frows) = csv_rows(&full);
    let mut differ = 0;
    for (a, b) in rows.iter().flatten().zip(frows.iter().flatten()) {
        if let (Ok(x), Ok(y)) = (a.parse::<f64>(), b.parse::<f64>()) {
            assert!((x - y).abs() <= 1e-11 * y.abs().max(1e-300), "{a} vs {b}");
            differ += usize::from(a != b);
        }
    }
    assert!(
        differ > 0,
        "--digits full printed the same text as the default"
    );
    // Fewer digits in JSON and NDJSON alike.
    let j = json(&["project", "--days", "3", "-f", "json", "--digits", "3"]);
    let price = j[0]["hashprice_usd_per_ph_day"].as_f64().unwrap();
    assert_eq!(
        price
            .to_string()
            .replace('.', "")
            .trim_start_matches('0')
            .len(),
        3
    );
    let nd = run_ok(&["project", "--days", "3", "-f", "ndjson", "--digits", "3"]);
    let first: serde_json::Value = serde_json::from_str(nd.lines().next().unwrap()).unwrap();
    assert_eq!(first["hashprice_usd_per_ph_day"].as_f64().unwrap(), price);
}

#[test]
fn tags_are_text() {
    let out = run_ok(&[
        "project",
        "--days",
        "2",
        "-f",
        "csv",
        "--tag",
        "id=007",
        "--tag",
        "zip=02139",
        "--tag",
        "big=12345678901234567890",
    ]);
    let (h, rows) = csv_rows(&out);
    assert_eq!(&h[..3], ["id", "zip", "big"]);
    assert_eq!(&rows[0][..3], ["007", "02139", "12345678901234567890"]);
    let j = json(&["project", "--days", "2", "-f", "json", "--tag", "id=007"]);
    assert_eq!(j[0]["id"], "007");
    let table = run_ok(&["project", "--days", "2", "--tag", "id=007"]);
    assert!(table.contains(" 007 "), "{table}");
}

#[test]
fn bad_output_options_exit_2_with_a_suggestion() {
    assert_errors(&[
        (&["project", "--tag", "date=x"], "two columns named date"),
        (
            &["project", "--tag", "a=1", "--tag", "a=2"],
            "two columns named a",
        ),
        (
            &["project", "-f", "csv", "--columns", "dat"],
            "did you mean date?",
        ),
        (
            &["sweep", "--vary", "price=50k,60k", "--columns", "npv"],
            "did you mean npv_usd?",
        ),
        (&["project", "--columns", "date,date"], "twice"),
        (&["project", "--digits", "0"], "1 to 17, or full"),
        (&["project", "--digits", "lots"], "1 to 17, or full"),
    ]);
}

#[test]
fn columns_pick_and_order_in_every_format() {
    let base = ["project", "--days", "3", "--period", "day"];
    let cols = ["--columns", "margin_usd,date,btc_mined"];
    let csv = run_ok(&[&base[..], &cols, &["-f", "csv"]].concat());
    let (h, rows) = csv_rows(&csv);
    assert_eq!(h, ["margin_usd", "date", "btc_mined"]);
    assert_eq!(rows.len(), 3);
    let j = json(&[&base[..], &cols, &["-f", "json"]].concat());
    let keys: Vec<&String> = j[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["margin_usd", "date", "btc_mined"]);
    let nd = run_ok(&[&base[..], &cols, &["-f", "ndjson"]].concat());
    assert_eq!(nd.lines().count(), 3);
    let t = run_ok(&[&base[..], &cols].concat());
    let header = t.lines().find(|l| l.contains("date")).unwrap();
    let (m, d, b) = (
        header.find("margin").unwrap(),
        header.find("date").unwrap(),
        header.find("BTC mined").unwrap(),
    );
    assert!(m < d && d < b, "{header}");
    assert!(!t.contains("hashprice $/PH/d"), "{t}");
    // A column the table does not show by default still shows when picked.
    let t = run_ok(&[&base[..], &["--columns", "date,energy_kwh"]].concat());
    assert!(t.contains("energy_kwh") && t.contains("360"), "{t}");
}

/// The widest line of `text`, in characters.
fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn tables_fit_columns() {
    let commands: &[&[&str]] = &[
        &["project"],
        &[
            "project",
            "--by-machine",
            "--machine",
            "Antminer S21",
            "--machine",
            "Bitaxe Gamma",
        ],
        &["machines"],
        &["sweep", "--vary", "power-cost=0.04,0.05"],
        &["network"],
        &["network", "--by", "region"],
        &["pivot"],
        &["halvings"],
    ];
    for args in commands {
        let full = run_ok(args);
        assert!(widest(&full) > 100, "{args:?} fits without trying");
        for width in [100usize, 80] {
            let out = minecalc()
                .args(pinned(args))
                .env("COLUMNS", width.to_string())
                .output()
                .unwrap();
            assert!(out.status.success(), "{args:?}");
            let text = String::from_utf8(out.stdout).unwrap();
            assert!(widest(&text) <= width, "{args:?} at {width}:\n{text}");
            if text.contains("--wide shows every column") {
                // The note names columns by the names --columns takes.
                assert!(!text.contains("$/PH/d,"), "{text}");
            }
        }
        // --wide and -o FILE ignore the width.
        let wide = minecalc()
            .args(pinned(args))
            .arg("--wide")
            .env("COLUMNS", "80")
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8(wide.stdout).unwrap(),
            full,
            "{args:?} --wide"
        );
    }
    let out = minecalc()
        .args(pinned(&["project"]))
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("difficulty") && text.contains("--wide"),
        "{text}"
    );
}

#[test]
fn dash_output_is_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = minecalc()
        .current_dir(dir.path())
        .args(pinned(&["project", "--days", "2", "-f", "csv", "-o", "-"]))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout).unwrap().starts_with("date,"));
    assert!(!dir.path().join("-").exists());
}

#[test]
fn project_summary_is_a_sweep_row_in_any_format() {
    let args = ["project", "--capex", "5000", "--power-cost", "0.05"];
    let s = json(&[&args[..], &["--summary", "-f", "json"]].concat());
    assert_eq!(s.len(), 1);
    let s = &s[0];
    let sweep = json(&[
        "sweep",
        "--vary",
        "power-cost=0.05",
        "--capex",
        "5000",
        "-f",
        "json",
    ]);
    let row = sweep[0].as_object().unwrap();
    // The same columns after the swept one, and the same figures.
    let keys: Vec<&String> = s.as_object().unwrap().keys().collect();
    let sweep_keys: Vec<&String> = row.keys().skip(1).collect();
    assert_eq!(keys, sweep_keys);
    for k in keys {
        assert_eq!(s[k], row[k.as_str()], "{k}");
    }
    for k in [
        "payback_date",
        "first_negative_margin_date",
        "npv_usd",
        "roi_pct",
        "halving_height",
    ] {
        assert!(!s[k].is_null(), "{k}: {s}");
    }
    // Every instant is RFC 3339 with Z.
    let at = s["halving_at"].as_str().unwrap();
    assert!(at.ends_with('Z'), "{at}");
    chrono::DateTime::parse_from_rfc3339(at).unwrap();
    // CSV: a header and one row; the table: one row under the assumptions.
    let csv = run_ok(&[&args[..], &["--summary", "-f", "csv"]].concat());
    let (h, rows) = csv_rows(&csv);
    assert_eq!(rows.len(), 1);
    assert_eq!(h[0], "start");
    let table = run_ok(&[&args[..], &["--summary"]].concat());
    assert!(
        table.contains("network ") && table.contains("payback"),
        "{table}"
    );
    assert_errors(&[(
        &["project", "--summary", "--paths", "10", "--price-vol", "50"],
        "--summary-only",
    )]);
}

#[test]
fn json_meta_carries_the_assumptions() {
    let text = run_ok(&[
        "project",
        "--summary",
        "-f",
        "json",
        "--meta",
        "--power-cost",
        "0.06",
    ]);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let meta = &v["meta"];
    assert_eq!(meta["minecalc"], env!("CARGO_PKG_VERSION"));
    assert!(meta["network"]["source"]
        .as_str()
        .unwrap()
        .contains("snapshot"));
    assert!(meta["network"]["height"].as_u64().unwrap() > 900_000);
    let defaults = meta["defaults"].as_object().unwrap();
    assert!(defaults.contains_key("uptime"));
    assert!(!defaults.contains_key("power-cost"), "given, not a default");
    assert_eq!(v["rows"].as_array().unwrap().len(), 1);
    let daily: serde_json::Value =
        serde_json::from_str(&run_ok(&["project", "--days", "3", "-f", "json", "--meta"])).unwrap();
    assert_eq!(daily["rows"].as_array().unwrap().len(), 3);
    assert_errors(&[
        (&["project", "--meta"], "-f json"),
        (
            &[
                "project",
                "-f",
                "json",
                "--meta",
                "--paths",
                "10",
                "--price-vol",
                "50",
            ],
            "--paths",
        ),
    ]);
}

#[test]
fn small_fleets_read_in_sats_and_cents() {
    let t = run_ok(&["project", "--machine", "Bitaxe Gamma", "--period", "year"]);
    let header = t.lines().find(|l| l.contains("date ")).unwrap();
    assert!(
        header.contains("sats mined") && !header.contains("BTC mined"),
        "{header}"
    );
    let first = t.lines().find(|l| l.starts_with("│ 2026-06-26")).unwrap();
    let sats: Vec<u64> = first
        .split_whitespace()
        .filter_map(|c| c.replace(',', "").parse().ok())
        .filter(|n| *n > 1000 && *n < 100_000_000)
        .collect();
    assert!(!sats.is_empty(), "{first}");
    // A margin under 50 cents shows its cents, never a bare $0.
    for row in t.lines().filter(|l| l.starts_with('│')) {
        assert!(!row.contains(" $0 "), "{row}");
    }
    assert!(t.contains("-$0.28"), "{t}");
    let big = run_ok(&["project", "--period", "year"]);
    assert!(big.contains("BTC mined"), "a 1 PH/s fleet keeps BTC");
    // --btc-unit sats in CSV renames and scales the BTC amounts, not the BTC price.
    let btc = json(&["project", "--days", "2", "-f", "json"]);
    let sats = json(&["project", "--days", "2", "-f", "json", "--btc-unit", "sats"]);
    let (b, s) = (&btc[1], &sats[1]);
    assert!(s.get("btc_mined").is_none());
    assert!(
        (s["sats_mined"].as_f64().unwrap() - b["btc_mined"].as_f64().unwrap() * 1e8).abs() < 1e-3
    );
    assert_eq!(s["fees_sats_per_block"].as_f64().unwrap(), 1_700_000.0);
    assert_eq!(
        s["cumulative_sats"].as_f64().unwrap().round(),
        (b["cumulative_btc"].as_f64().unwrap() * 1e8).round()
    );
    assert_eq!(s["btc_price_usd"], b["btc_price_usd"]);
    let forced = run_ok(&[
        "project",
        "--period",
        "year",
        "--btc-unit",
        "btc",
        "--machine",
        "Bitaxe Gamma",
    ]);
    assert!(forced.contains("BTC mined"));
    let csv = run_ok(&["halvings", "-f", "csv", "--btc-unit", "sats"]);
    let (h, _) = csv_rows(&csv);
    assert!(
        h.contains(&"subsidy_sats".to_string()) && h.contains(&"network_sats_per_day".to_string())
    );
}

#[test]
fn backtest_takes_start_and_until_and_the_old_names_with_a_note() {
    let h = "examples/history-2024-halving.csv";
    let new = run_ok(&[
        "backtest",
        "--history",
        h,
        "--start",
        "2024-04-20",
        "--until",
        "2024-04-21",
        "-f",
        "csv",
    ]);
    let (_, rows) = csv_rows(&new);
    assert_eq!(rows.first().unwrap()[0], "2024-04-20");
    assert_eq!(rows.last().unwrap()[0], "2024-04-21");
    let out = minecalc()
        .args([
            "backtest",
            "--history",
            h,
            "--from",
            "2024-04-20",
            "--to",
            "2024-04-21",
            "-f",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), new);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("--from is now --start") && err.contains("--to is now --until"),
        "{err}"
    );
    assert!(err.lines().all(|l| l.starts_with("minecalc: ")));
    assert_errors(&[(
        &[
            "backtest",
            "--history",
            h,
            "--start",
            "2024-04-21",
            "--until",
            "2024-04-19",
        ],
        "--until 2024-04-19 is before --start 2024-04-21",
    )]);
}

#[test]
fn man_pages_for_every_subcommand() {
    let page = run_ok(&["man", "project"]);
    assert!(page.contains(".TH minecalc-project 1"), "{}", &page[..200]);
    // Every option of `project --help` is on its page.
    let help = run_ok(&["project", "--help"]);
    let flags: Vec<&str> = help
        .split_whitespace()
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(|w| w.trim_end_matches([',', '.', ')', ';', ':']))
        .filter(|w| {
            w.chars()
                .skip(2)
                .all(|c| c.is_ascii_lowercase() || c == '-')
        })
        .collect();
    assert!(flags.len() > 40, "{flags:?}");
    for f in flags {
        assert!(
            page.contains(&f.replace('-', "\\-")),
            "{f} is not on the page"
        );
    }
    let nested = run_ok(&["man", "network", "snapshot"]);
    assert!(nested.contains("minecalc\\-network\\-snapshot"));
    assert_errors(&[(&["man", "proj"], "did you mean project?")]);
    let dir = tempfile::tempdir().unwrap();
    run_ok(&["man", "--dir", &dir.path().to_string_lossy()]);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for want in [
        "minecalc.1",
        "minecalc-project.1",
        "minecalc-sweep.1",
        "minecalc-network-snapshot.1",
    ] {
        assert!(names.iter().any(|n| n == want), "{names:?}");
    }
    assert!(!names.iter().any(|n| n.contains("help")), "{names:?}");
}

#[test]
fn completions_offer_machines_and_columns() {
    let fish = run_ok(&["completions", "fish"]);
    // One `complete` command (its values may span lines).
    let line = |needle: &str| {
        let at = fish.find(needle).unwrap_or_else(|| panic!("no {needle}"));
        let rest = &fish[at..];
        rest[..rest.find("\ncomplete ").unwrap_or(rest.len())].to_string()
    };
    assert!(line("__fish_minecalc_using_subcommand project\" -l machine").contains("Antminer S21"));
    let sort = line("__fish_minecalc_using_subcommand machines\" -l sort");
    assert!(
        sort.contains("efficiency_j_per_th") && sort.contains(" -f "),
        "{sort}"
    );
    assert!(line("__fish_minecalc_using_subcommand project\" -l columns").contains("margin_usd"));
    assert!(line("__fish_minecalc_using_subcommand sweep\" -l columns").contains("npv_usd"));
    assert!(line("__fish_minecalc_using_subcommand pivot\" -l columns").contains("npv_mining_usd"));
    assert!(line("help\" -l columns").contains("share_pct"));
    // Parsing still takes any name (and suggests on a typo).
    assert_errors(&[(
        &["machines", "--sort", "efficency_j_per_th"],
        "did you mean efficiency_j_per_th?",
    )]);
}

#[test]
fn the_readme_lists_project_columns_in_csv_order() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let at = readme.find("`project`:\n\n| column").unwrap();
    let block = &readme[at..];
    let block = &block[..block[20..].find("\n\n").unwrap() + 20];
    let listed: Vec<&str> = block
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .collect();
    let (header, _) = csv_rows(&run_ok(&["project", "--days", "1", "-f", "csv"]));
    assert_eq!(listed, header);
}

#[test]
fn help_shows_growth_defaults_with_their_unit() {
    let help = run_ok(&["project", "--help"]);
    for flag in ["--price-growth", "--hashrate-growth", "--fee-growth"] {
        let at = help.find(&format!("{flag} <PCT>")).unwrap();
        let entry = &help[at..at + help[at..].find("\n\n").unwrap()];
        assert!(entry.contains("[default: 0%/yr]"), "{entry}");
    }
}
