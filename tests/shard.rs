//! `--shard K/N`: the shards of a sweep or a decision map, joined in order, are the whole run.

mod common;

use common::{run_err, run_ok};

fn joined(args: &[&str], n: usize) -> String {
    (1..=n)
        .map(|k| {
            let shard = format!("{k}/{n}");
            let mut a: Vec<&str> = args.to_vec();
            a.extend(["--shard", &shard]);
            run_ok(&a)
        })
        .collect()
}

#[test]
fn sweep_shards_join_into_the_whole_run() {
    let args = [
        "sweep",
        "--vary",
        "power-cost=0.03:0.08:0.01",
        "--vary",
        "price-growth=0,25,50",
        "--days",
        "20",
        "-f",
        "csv",
    ];
    let whole = run_ok(&args);
    assert_eq!(whole.lines().count(), 19);
    // More shards than combinations, an uneven split, one shard, two.
    for n in [1, 2, 4, 7, 18, 25] {
        assert_eq!(joined(&args, n), whole, "{n} shards");
    }
    // Only the first shard carries the header.
    let second = run_ok(&[&args[..], &["--shard", "2/3"]].concat());
    assert!(!second.starts_with("power_cost"), "{second}");
    let nd = [
        "sweep",
        "--vary",
        "uptime=80:100:5",
        "--days",
        "10",
        "-f",
        "ndjson",
    ];
    assert_eq!(joined(&nd, 3), run_ok(&nd));
}

#[test]
fn decision_map_shards_join_into_the_whole_map() {
    let args = [
        "pivot",
        "--vary",
        "lease-years=10:15:1",
        "--vary",
        "pue=1.2,1.4",
        "-f",
        "csv",
    ];
    assert_eq!(joined(&args, 5), run_ok(&args));
}

#[test]
fn bad_shards_exit_2() {
    for bad in ["0/4", "5/4", "1/0", "a/b", "3"] {
        let e = run_err(&[
            "sweep",
            "--vary",
            "uptime=90,95",
            "--shard",
            bad,
            "-f",
            "csv",
        ]);
        assert!(e.contains("--shard"), "{bad}: {e}");
    }
    let e = run_err(&["sweep", "--vary", "uptime=90,95", "--shard", "1/2"]);
    assert!(e.contains("-f csv or -f ndjson"), "{e}");
    let e = run_err(&[
        "sweep",
        "--vary",
        "uptime=90,95",
        "--shard",
        "1/2",
        "-f",
        "json",
    ]);
    assert!(e.contains("-f csv or -f ndjson"), "{e}");
    // pivot's shards split a decision map; one case (with or without --paths) runs whole.
    for args in [
        &["pivot", "--shard", "1/2", "-f", "csv"][..],
        &[
            "pivot",
            "--paths",
            "10",
            "--price-vol",
            "50",
            "--shard",
            "1/2",
        ][..],
    ] {
        let e = run_err(args);
        assert!(
            e.contains("--shard splits the combinations of --vary"),
            "{e}"
        );
        assert_eq!(e.trim_end().lines().count(), 1, "{e}");
    }
}
