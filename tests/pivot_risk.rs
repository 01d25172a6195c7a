//! CLI tests of `minecalc pivot --plot` (both paths' cumulative cash as SVG) and
//! `minecalc pivot --paths N --price-vol PCT [--seed S]` (the probability that mining beats
//! the lease).

mod common;
use common::{f, json, minecalc, pinned, run_err, run_ok};

use serde_json::Value;

/// Checks that `svg` is one well-formed SVG document: every tag closed in order, attributes
/// quoted. (plotters writes no comments, CDATA or doctype.)
fn well_formed(svg: &str) {
    assert!(svg.starts_with("<svg"), "{}", &svg[..100.min(svg.len())]);
    assert!(svg.trim_end().ends_with("</svg>"));
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("a tag that never ends");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        assert_eq!(
            tag.matches('"').count() % 2,
            0,
            "unbalanced quotes in <{tag}>"
        );
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop(),
                Some(name.trim()),
                "</{name}> closes the wrong tag"
            );
        } else if tag.starts_with('?') || tag.ends_with('/') {
            continue;
        } else {
            let name = tag.split_whitespace().next().unwrap_or("");
            assert!(!name.is_empty(), "an empty tag");
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed tags: {stack:?}");
}

/// The files in a folder (a failed run must leave neither the chart nor a temporary file).
fn files_in(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

// ---- --plot ----

#[test]
fn plot_draws_both_paths_with_titled_axes_the_halving_and_the_lease_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pivot.svg");
    let ps = path.to_string_lossy().into_owned();
    let with = run_ok(&["pivot", "--curtail", "--plot", &ps, "-f", "csv"]);
    // The rows are the same with or without the chart.
    assert_eq!(with, run_ok(&["pivot", "--curtail", "-f", "csv"]));
    let svg = std::fs::read_to_string(&path).unwrap();
    well_formed(&svg);
    for want in [
        // the title, the axes and their units
        "minecalc pivot: keep mining or convert a 245 MW site (169 MW of IT)",
        "date (UTC)",
        "cumulative cash since the start, USD",
        // dates on the time axis (ticks on 1 January)
        ">\n2030\n</text>",
        ">\n2040\n</text>",
        // the legend: each path with its NPV, the lease start, the halving
        "keep mining: the fleet&apos;s margin (NPV $89.9M)",
        "convert: capex $1,605.2M over 18 months, then lease NOI (NPV $389.0M)",
        "conversion ends, lease starts 2027-12-26 (154.90 USD/kW-month, 15.0 years)",
        "halving (estimated block time)",
        // the marks' labels
        "lease starts 2027-12-26",
        "halving 1,050,000 2028-04-11",
        // the answer
        "converting is ahead by $299.0M",
    ] {
        assert!(svg.contains(want), "no {want:?} in the chart");
    }
    assert_eq!(files_in(dir.path()), vec!["pivot.svg".to_string()]);
}

#[test]
fn plot_with_paths_draws_the_bands() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risk.svg");
    let ps = path.to_string_lossy().into_owned();
    let rows = json(&[
        "pivot",
        "--curtail",
        "--paths",
        "60",
        "--price-vol",
        "60",
        "--plot",
        &ps,
        "-f",
        "json",
    ]);
    assert_eq!(rows.len(), 1);
    let svg = std::fs::read_to_string(&path).unwrap();
    well_formed(&svg);
    for want in [
        "mining: P5 - P95 of the paths",
        "mining: P25 - P75",
        "converting: P5 - P95 of the paths",
        "mining: median of the paths (P50)",
        "at the price path (NPV $89.9M)",
        "60 price paths at 60%/yr volatility; mining wins on",
        "cumulative cash since the start, USD",
        "date (UTC)",
        "halving 1,050,000 2028-04-11",
    ] {
        assert!(svg.contains(want), "no {want:?} in the chart");
    }
    let p = f(&rows[0], "prob_mining_beats_lease_pct");
    assert!(
        svg.contains(&format!("mining wins on {p:.1}% of them")),
        "{p}"
    );
}

#[test]
fn a_failed_run_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("never.svg");
    let ps = path.to_string_lossy().into_owned();
    // Bad input found by the model, after the chart's temporary file is open.
    let e = run_err(&["pivot", "--lease-years", "60", "--plot", &ps]);
    assert!(e.contains("--lease-years"), "{e}");
    // Bad input found by the flags, and by the Monte Carlo settings.
    let e = run_err(&["pivot", "--pue", "0.9", "--plot", &ps]);
    assert!(e.contains("--pue"), "{e}");
    let e = run_err(&["pivot", "--paths", "0", "--price-vol", "60", "--plot", &ps]);
    assert!(e.contains("--paths"), "{e}");
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
    // Not an SVG name; a folder that does not exist (a runtime failure, exit 1).
    let png = dir.path().join("chart.png");
    let e = run_err(&["pivot", "--plot", &png.to_string_lossy()]);
    assert!(e.contains("charts are SVG"), "{e}");
    let out = minecalc()
        .args(pinned(&["pivot", "--plot", "/no/such/dir/chart.svg"]))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let e = String::from_utf8(out.stderr).unwrap();
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(
        e.starts_with("minecalc: --plot /no/such/dir/chart.svg"),
        "{e}"
    );
    assert!(files_in(dir.path()).is_empty());
}

// ---- Monte Carlo ----

/// The deterministic pivot's whole-horizon figures (its last yearly row).
fn deterministic(extra: &[&str]) -> Value {
    let mut args = vec!["pivot", "--curtail", "-f", "json"];
    args.extend_from_slice(extra);
    json(&args).pop().unwrap()
}

fn risk(extra: &[&str]) -> Value {
    let mut args = vec!["pivot", "--curtail", "-f", "json"];
    args.extend_from_slice(extra);
    let mut rows = json(&args);
    assert_eq!(rows.len(), 1, "one summary row");
    rows.pop().unwrap()
}

const PERCENTILES: [&str; 5] = ["p5", "p25", "p50", "p75", "p95"];

#[test]
fn zero_volatility_gives_the_deterministic_pivot_on_every_path() {
    // At the deals' median converting wins; at $101.9/kW-month mining does (README).
    for (lease, prob, decision) in [(None, 0.0, "convert"), (Some("101.9"), 100.0, "mine")] {
        let mut extra = vec![];
        if let Some(l) = lease {
            extra.extend(["--lease-usd-per-kw-month", l]);
        }
        let d = deterministic(&extra);
        extra.extend(["--paths", "7", "--price-vol", "0"]);
        let r = risk(&extra);
        assert_eq!(f(&r, "prob_mining_beats_lease_pct"), prob);
        assert_eq!(r["central_decision"], decision);
        for p in PERCENTILES {
            assert_eq!(
                f(&r, &format!("npv_mining_usd_{p}")),
                f(&d, "npv_mining_usd"),
                "{p}"
            );
            assert_eq!(
                f(&r, &format!("npv_difference_usd_{p}")),
                f(&d, "npv_difference_usd"),
                "{p}"
            );
        }
        assert_eq!(
            f(&r, "central_npv_difference_usd"),
            f(&d, "npv_difference_usd")
        );
        assert_eq!(f(&r, "paths"), 7.0);
        assert_eq!(f(&r, "price_vol_pct"), 0.0);
        assert_eq!(f(&r, "days"), 6023.0);
        assert_eq!(r["end_date"], "2042-12-21");
    }
}

#[test]
fn seeded_runs_are_reproducible_and_independent_of_the_thread_count() {
    let args = [
        "pivot",
        "--curtail",
        "--paths",
        "150",
        "--price-vol",
        "60",
        "--seed",
        "42",
        "-f",
        "csv",
    ];
    let on = |threads: &str| {
        let out = minecalc()
            .env("RAYON_NUM_THREADS", threads)
            .args(pinned(&args))
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let one = on("1");
    assert_eq!(one, on("2"));
    assert_eq!(one, on("3"));
    assert_eq!(one, run_ok(&args));
    // Another seed, other paths; the default seed is 1.
    let mut other = args.to_vec();
    other[7] = "43";
    assert_ne!(one, run_ok(&other));
    let mut no_seed = args.to_vec();
    no_seed.drain(6..8);
    let mut seed_1 = args.to_vec();
    seed_1[7] = "1";
    assert_eq!(run_ok(&no_seed), run_ok(&seed_1));
}

#[test]
fn the_probability_rises_with_the_price_growth() {
    // The same seed gives every growth the same random paths, each scaled by the growth: with
    // --curtail each path's NPV difference rises with the price, so the share cannot fall.
    let at = |growth: &str| {
        risk(&[
            "--paths",
            "200",
            "--price-vol",
            "60",
            "--price-growth",
            growth,
        ])
    };
    let rows: Vec<Value> = ["0", "17.4", "30"].into_iter().map(at).collect();
    let probs: Vec<f64> = rows
        .iter()
        .map(|r| f(r, "prob_mining_beats_lease_pct"))
        .collect();
    assert!(probs[0] < probs[1] && probs[1] < probs[2], "{probs:?}");
    assert!(probs[0] > 0.0 && probs[2] < 100.0, "{probs:?}");
    for r in &rows {
        let m: Vec<f64> = PERCENTILES
            .iter()
            .map(|p| f(r, &format!("npv_mining_usd_{p}")))
            .collect();
        let d: Vec<f64> = PERCENTILES
            .iter()
            .map(|p| f(r, &format!("npv_difference_usd_{p}")))
            .collect();
        assert!(m.windows(2).all(|w| w[0] <= w[1]), "{m:?}");
        assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
        // The share above zero agrees with the percentiles.
        let p = f(r, "prob_mining_beats_lease_pct");
        if p < 5.0 {
            assert!(d[0] <= 0.0);
        }
        if p > 50.0 {
            assert!(d[2] >= 0.0);
        }
    }
}

#[test]
fn every_format_and_the_table_header() {
    let base = ["pivot", "--paths", "40", "--price-vol", "50"];
    let csv_text = run_ok(&[&base[..], &["-f", "csv"]].concat());
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    for col in [
        "prob_mining_beats_lease_pct",
        "npv_mining_usd_p5",
        "npv_mining_usd_p95",
        "npv_difference_usd_p5",
        "npv_difference_usd_p25",
        "npv_difference_usd_p50",
        "npv_difference_usd_p75",
        "npv_difference_usd_p95",
    ] {
        assert!(headers.iter().any(|h| h == col), "no {col}");
    }
    assert_eq!(r.records().count(), 1);
    let no_header = run_ok(&[&base[..], &["-f", "csv", "--no-header"]].concat());
    assert_eq!(no_header.lines().count(), 1);
    assert_eq!(no_header.lines().next(), csv_text.lines().nth(1));
    let nd = run_ok(&[&base[..], &["-f", "ndjson"]].concat());
    assert_eq!(nd.lines().count(), 1);
    let obj: Value = serde_json::from_str(nd.trim()).unwrap();
    let js = json(&[&base[..], &["-f", "json"]].concat());
    assert_eq!(js[0], obj);
    let table = run_ok(&base);
    let risk_line = table
        .lines()
        .find(|l| l.starts_with("risk "))
        .expect("a risk line in the header");
    assert!(
        risk_line.contains(
            "40 paths, price volatility 50.0% a year (seed 1): mining beats the lease on"
        ),
        "{risk_line}"
    );
    assert!(table.contains("decision over 16.5 years"), "{table}");
    assert!(table.contains("P(mining wins)"), "{table}");
    // -o writes the same row to a file.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("risk.csv");
    let empty = run_ok(&[&base[..], &["-f", "csv", "-o", &out.to_string_lossy()]].concat());
    assert!(empty.is_empty());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), csv_text);
}

#[test]
fn bad_monte_carlo_input_exits_2_with_one_line() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--paths", "10", "--price-vol", "-10"],
            "--price-vol must be between 0 and 500",
        ),
        (
            &["--paths", "10", "--price-vol=-10"],
            "--price-vol must be between 0 and 500",
        ),
        (
            &["--paths", "0", "--price-vol", "60"],
            "--paths must be between 1 and",
        ),
        (&["--paths", "-3", "--price-vol", "60"], "--paths"),
        (
            &["--paths", "10", "--price-vol", "60", "--seed", "abc"],
            "--seed",
        ),
        (
            &["--paths", "10", "--price-vol", "60", "--seed", "-1"],
            "--seed",
        ),
        (&["--paths", "10", "--price-vol", "sixty"], "--price-vol"),
        (&["--paths", "10"], "--paths needs --price-vol"),
        (&["--price-vol", "60"], "--price-vol needs --paths"),
        (&["--seed", "3"], "--seed needs --paths"),
        (
            &[
                "--paths",
                "10",
                "--price-vol",
                "60",
                "--vary",
                "price-growth=0,10",
            ],
            "--paths does not combine with --vary",
        ),
        (
            &["--plot", "x.svg", "--vary", "price-growth=0,10"],
            "--plot does not combine with --vary",
        ),
        (
            &["--paths", "10", "--price-vol", "60", "--deals"],
            "--deals",
        ),
    ];
    for (extra, want) in cases {
        let mut args = vec!["pivot"];
        args.extend_from_slice(extra);
        let e = run_err(&args);
        assert!(e.contains(want), "{args:?}: {e}");
    }
}
