//! Monte Carlo across machines: `project --paths N --shard K/N` writes a partial file of its
//! paths, and `project --paths N --merge FILES` prints what the unsharded run prints. Every
//! file lives in the test's own temporary folder.

mod common;

use std::path::{Path, PathBuf};

use common::{json, minecalc, run_err, run_ok};

/// A short run with capex (payback dates) and hashrate noise.
const RUN: [&str; 12] = [
    "project",
    "--days",
    "200",
    "--paths",
    "23",
    "--price-vol",
    "60",
    "--hashrate-vol",
    "20",
    "--capex",
    "8000",
    "-q",
];

fn with<'a>(base: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    [base, more].concat()
}

/// Runs shards `ks` of `n` of `args` into `dir`, returning the files in shard order.
fn shards(dir: &Path, args: &[&str], ks: &[usize], n: usize) -> Vec<PathBuf> {
    ks.iter()
        .map(|k| {
            let f = dir.join(format!("part-{k}-of-{n}.csv"));
            let shard = format!("{k}/{n}");
            let out = run_ok(&with(args, &["--shard", &shard, "-o", f.to_str().unwrap()]));
            assert!(out.is_empty(), "a shard with -o writes nothing to stdout");
            f
        })
        .collect()
}

fn all(n: usize) -> Vec<usize> {
    (1..=n).collect()
}

/// The merge of `files` with `args`, in the format `-f format`.
fn merged(args: &[&str], files: &[PathBuf], format: &str) -> String {
    let mut a = with(args, &["-f", format, "--merge"]);
    a.extend(files.iter().map(|f| f.to_str().unwrap()));
    run_ok(&a)
}

#[test]
fn merged_shards_print_the_whole_run_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let formats = ["table", "csv", "json", "ndjson"];
    let whole: Vec<String> = formats
        .iter()
        .map(|f| run_ok(&with(&RUN, &["-f", f])))
        .collect();
    // One shard, an even and an uneven split, one path a shard, more shards than paths.
    for n in [1, 2, 3, 7, 23, 30] {
        let sub = dir.path().join(format!("n{n}"));
        std::fs::create_dir(&sub).unwrap();
        let files = shards(&sub, &RUN, &all(n), n);
        for (f, want) in formats.iter().zip(&whole) {
            assert_eq!(&merged(&RUN, &files, f), want, "{n} shards, -f {f}");
        }
    }
}

#[test]
fn the_merge_takes_files_in_any_order_and_splits_that_tile_the_paths() {
    let dir = tempfile::tempdir().unwrap();
    let whole = run_ok(&with(&RUN, &["-f", "csv"]));
    let mut files = shards(dir.path(), &RUN, &all(4), 4);
    files.reverse();
    assert_eq!(merged(&RUN, &files, "csv"), whole);
    // Half of a 2-way split and the last two quarters of a 4-way split hold every path once.
    let half = shards(dir.path(), &RUN, &[1], 2);
    let quarters = [files[1].clone(), files[0].clone()];
    assert_eq!(
        merged(&RUN, &[half, quarters.to_vec()].concat(), "csv"),
        whole
    );
}

#[test]
fn summary_only_and_the_response_model_merge_too() {
    let dir = tempfile::tempdir().unwrap();
    let args = with(
        &RUN,
        &[
            "--summary-only",
            "--network-model",
            "response",
            "--seed",
            "9",
        ],
    );
    let whole = run_ok(&with(&args, &["-f", "csv"]));
    let files = shards(dir.path(), &args, &all(3), 3);
    assert_eq!(merged(&args, &files, "csv"), whole);
    // Weekly bands: another period count.
    let weekly = with(&RUN, &["--period", "week"]);
    let whole = run_ok(&with(&weekly, &["-f", "ndjson"]));
    let files = shards(dir.path(), &weekly, &all(5), 5);
    assert_eq!(merged(&weekly, &files, "ndjson"), whole);
}

#[test]
fn the_merge_draws_the_whole_runs_fan_chart() {
    let dir = tempfile::tempdir().unwrap();
    let files = shards(dir.path(), &RUN, &all(2), 2);
    let whole = dir.path().join("whole.svg");
    let merged = dir.path().join("merged.svg");
    run_ok(&with(&RUN, &["--plot", whole.to_str().unwrap()]));
    let mut a = with(&RUN, &["--plot", merged.to_str().unwrap(), "--merge"]);
    a.extend(files.iter().map(|f| f.to_str().unwrap()));
    run_ok(&a);
    let svg = std::fs::read(&whole).unwrap();
    assert!(svg.starts_with(b"<svg") || svg.starts_with(b"<?xml"));
    assert_eq!(std::fs::read(&merged).unwrap(), svg);
}

#[test]
fn a_partial_file_holds_its_paths_and_the_fingerprint_not_the_shard() {
    let dir = tempfile::tempdir().unwrap();
    let files = shards(dir.path(), &RUN, &all(3), 3);
    let text: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let fp = |t: &str| {
        t.split_whitespace()
            .find_map(|w| w.strip_prefix("fingerprint="))
            .unwrap()
            .to_string()
    };
    assert_eq!(fp(&text[0]), fp(&text[1]));
    assert_eq!(fp(&text[0]), fp(&text[2]));
    // Another seed is another run.
    let other = shards(dir.path(), &with(&RUN, &["--seed", "2"]), &[1], 5); // part-1-of-5
    assert_ne!(
        fp(&std::fs::read_to_string(&other[0]).unwrap()),
        fp(&text[0])
    );
    // 23 paths in three shards: 7, 8 and 8 path lines, numbered from 0 in order.
    let mut numbers = Vec::new();
    for t in &text {
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[0].starts_with("#minecalc-mc-partial format=1 "));
        assert!(lines[1].starts_with("path,net_usd,payback_day,btc_price_usd_1,"));
        let rows = &lines[2..lines.len() - 1];
        let end = format!("#end paths={} fnv=", rows.len());
        assert!(lines.last().unwrap().starts_with(&end), "{t}");
        numbers.extend(
            rows.iter()
                .map(|r| r.split(',').next().unwrap().parse::<usize>().unwrap()),
        );
    }
    assert_eq!(numbers, (0..23).collect::<Vec<_>>());
    // A shard can go to stdout too.
    assert_eq!(run_ok(&with(&RUN, &["--shard", "2/3"])), text[1]);
}

#[test]
fn bad_merges_exit_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let files = shards(dir.path(), &RUN, &all(3), 3);
    let name = |f: &PathBuf| f.to_str().unwrap().to_string();
    let merge = |files: &[String]| {
        let mut a = with(&RUN, &["-f", "csv", "--merge"]);
        a.extend(files.iter().map(String::as_str));
        run_err(&a)
    };
    let [a, b, c] = [name(&files[0]), name(&files[1]), name(&files[2])];
    // A missing shard, a repeated one.
    let e = merge(&[a.clone(), c.clone()]);
    assert!(
        e.contains("shard 2/3") && e.contains("none of the files"),
        "{e}"
    );
    let e = merge(&[a.clone(), b.clone(), b.clone(), c.clone()]);
    assert!(e.contains(&b) && e.contains("given twice"), "{e}");
    let copy = dir.path().join("copy.csv");
    std::fs::copy(&files[1], &copy).unwrap();
    let e = merge(&[a.clone(), b.clone(), name(&copy), c.clone()]);
    assert!(e.contains("shard 2/3 again"), "{e}");
    // Overlapping splits.
    let half = name(&shards(dir.path(), &RUN, &[1], 2)[0]);
    let e = merge(&[half.clone(), b.clone(), c.clone()]);
    assert!(e.contains("overlap"), "{e}");
    // A missing file from a mixed split: paths nobody has.
    let e = merge(&[half, c.clone()]);
    assert!(e.contains("none of the files"), "{e}");
    // A shard of another run (another seed): named, with the fingerprints.
    let sub = dir.path().join("seed5");
    std::fs::create_dir(&sub).unwrap();
    let other = name(&shards(&sub, &with(&RUN, &["--seed", "5"]), &[2], 3)[0]);
    let e = merge(&[a.clone(), other.clone(), c.clone()]);
    assert!(e.contains(&other) && e.contains("from another run"), "{e}");
    // The same shards merged with other flags are another run too.
    let mut capex = RUN.to_vec();
    capex[10] = "8001";
    let mut a2 = with(&capex, &["--merge"]);
    a2.extend([a.as_str(), b.as_str(), c.as_str()]);
    let e = run_err(&a2);
    assert!(e.contains(&a) && e.contains("from another run"), "{e}");
    // Cut short: mid-line, at a line's end, before the end line.
    let text = std::fs::read_to_string(&files[1]).unwrap();
    let cut = |bytes: usize, file: &str| {
        let p = dir.path().join(file);
        std::fs::write(&p, &text.as_bytes()[..bytes]).unwrap();
        name(&p)
    };
    let mid = cut(text.len() / 2, "mid.csv");
    let e = merge(&[a.clone(), mid.clone(), c.clone()]);
    assert!(
        e.contains(&format!("{mid}:")) && e.contains("cut short"),
        "{e}"
    );
    let line_end = text[..text.len() / 2].rfind('\n').unwrap() + 1;
    let at_line = cut(line_end, "line.csv");
    let e = merge(&[a.clone(), at_line.clone(), c.clone()]);
    assert!(
        e.contains(&format!("{at_line}:")) && e.contains("cut short"),
        "{e}"
    );
    let no_end = cut(text.trim_end().rfind('\n').unwrap() + 1, "noend.csv");
    let e = merge(&[a.clone(), no_end.clone(), c.clone()]);
    assert!(e.contains(&no_end) && e.contains("#end"), "{e}");
    // Garbage: another file, an empty one, a value that is not a number (file and line).
    let garbage = dir.path().join("garbage.csv");
    std::fs::write(&garbage, "date,price\n2026-01-01,1\n").unwrap();
    let e = merge(&[name(&garbage)]);
    assert!(e.contains(&format!("{}:1", name(&garbage))), "{e}");
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    assert!(merge(&[name(&empty)]).contains("empty"));
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[4] = lines[4].replacen(',', ",x", 2);
    let edited = dir.path().join("edited.csv");
    std::fs::write(&edited, lines.join("\n") + "\n").unwrap();
    let e = merge(&[a.clone(), name(&edited), c.clone()]);
    assert!(e.contains(&format!("{}:5:", name(&edited))), "{e}");
    // A value changed into another number: the checksum on the last line catches it.
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let cells: Vec<&str> = lines[3].split(',').collect();
    let changed = cells
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i == 5 {
                format!("{c}1")
            } else {
                c.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    lines[3] = changed;
    let damaged = dir.path().join("damaged.csv");
    std::fs::write(&damaged, lines.join("\n") + "\n").unwrap();
    let e = merge(&[a.clone(), name(&damaged), c.clone()]);
    assert!(e.contains(&name(&damaged)) && e.contains("checksum"), "{e}");
    // Binary bytes.
    let bin = dir.path().join("bin.csv");
    std::fs::write(&bin, [0xffu8, 0xfe, 0, 1, b'\n']).unwrap();
    assert!(merge(&[name(&bin)]).contains(&name(&bin)));
    // A file that is not there, a folder.
    let gone = name(&dir.path().join("gone.csv"));
    assert!(merge(&[a.clone(), b.clone(), gone.clone()]).contains(&gone));
    assert!(merge(&[name(&dir.path().to_path_buf())]).contains("folder"));
}

#[test]
fn bad_shard_flags_exit_2() {
    for bad in ["0/3", "4/3", "1/0", "x/y", "3"] {
        let e = run_err(&with(&RUN, &["--shard", bad]));
        assert!(e.contains("--shard"), "{bad}: {e}");
    }
    for (args, want) in [
        (vec!["project", "--days", "10", "--shard", "1/2"], "--paths"),
        (
            vec!["project", "--days", "10", "--merge", "x.csv"],
            "--paths",
        ),
        (
            with(&RUN, &["--shard", "1/2", "--merge", "x.csv"]),
            "--merge",
        ),
        (
            with(&RUN, &["--shard", "1/2", "--plot", "fan.svg"]),
            "--plot",
        ),
    ] {
        let e = run_err(&args);
        assert!(e.contains(want), "{args:?}: {e}");
    }
}

/// Issue 12 follow-up: a path pays back only once capex is spent. The 50 MW plan spends its
/// capex on the S21 XPs' energization dates in 2027; its owned groups earn from day 0.
#[test]
fn staged_capex_pays_back_when_the_summary_says() {
    let plan = [
        "project",
        "-q",
        "--scenario",
        "examples/public-miner-50mw-plan.toml",
    ];
    for price in ["100000", "150000"] {
        let scenario = with(&plan, &["--price", price]);
        let one = &json(&with(&scenario, &["--summary", "-f", "json"]))[0];
        let want = one["payback_date"].clone();
        // Without volatility every path is the scenario itself.
        let mc = &json(&with(
            &scenario,
            &[
                "--paths",
                "3",
                "--price-vol",
                "0",
                "--summary-only",
                "-f",
                "json",
            ],
        ))[0];
        for p in ["p5", "p50", "p95"] {
            assert_eq!(mc[format!("payback_date_{p}")], want, "price {price}, {p}");
        }
        let paid = if want.is_null() { 0.0 } else { 100.0 };
        assert_eq!(mc["paid_back_pct"].as_f64(), Some(paid), "price {price}");
    }
}

/// Hostile partial files: bytes flipped, cut anywhere, numbers replaced by hostile ones, lines
/// doubled. Every merge exits 0 or 2 with one line, never panics, never prints inf or NaN.
#[test]
fn mutated_partial_files_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let args = with(&RUN, &["--days", "40", "--summary-only"]);
    let args: Vec<&str> = args
        .iter()
        .enumerate()
        .filter(|(i, _)| !(1..=2).contains(i)) // the second --days wins otherwise: drop the first
        .map(|(_, a)| *a)
        .collect();
    let files = shards(dir.path(), &args, &all(1), 1);
    let text = std::fs::read(&files[0]).unwrap();
    let hostile: [&[u8]; 6] = [
        b"1e999",
        b"-1",
        b"NaN",
        b"18446744073709551616",
        b"",
        b"\x1b[31m",
    ];
    let mut state = 7u64;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n.max(1)
    };
    let file = dir.path().join("hostile.csv");
    let mut exits = [0; 3];
    for k in 0..60 {
        let mut b = text.clone();
        match k % 4 {
            0 => {
                let i = next(b.len());
                b[i] = (next(256)) as u8;
            }
            1 => b.truncate(next(b.len())),
            2 => {
                let i = next(b.len());
                let h = hostile[next(hostile.len())];
                b.splice(i..(i + 3).min(b.len()), h.iter().copied());
            }
            _ => {
                let lines: Vec<&[u8]> = text.split(|c| *c == b'\n').collect();
                let i = next(lines.len());
                let mut v: Vec<&[u8]> = lines.clone();
                v.insert(i, lines[i]);
                b = v.join(&b'\n');
            }
        }
        std::fs::write(&file, &b).unwrap();
        let mut a = with(&args, &["-f", "csv", "--merge"]);
        a.push(file.to_str().unwrap());
        let out = minecalc().args(common::pinned(&a)).output().unwrap();
        let code = out.status.code().unwrap_or(-1);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(matches!(code, 0 | 2), "exit {code}: {err}");
        if code == 2 {
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(!out.stderr.contains(&0x1b), "raw escape: {err}");
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            !stdout.contains("inf") && !stdout.contains("NaN"),
            "{stdout}"
        );
        exits[code as usize] += 1;
    }
    // Nearly every change is caught (a flipped byte can land where it changes nothing).
    assert!(exits[2] >= 50, "{exits:?}");
}
