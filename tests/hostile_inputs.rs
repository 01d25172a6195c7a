//! Mutated inputs: the real API samples, a scenario file, a series CSV and a history CSV with
//! their numbers replaced by hostile ones, bytes flipped, lines cut and control characters
//! added. Each case asserts an exit status of 0, 1 or 2, one `minecalc: ` line on stderr when
//! it fails (with no raw control character), and no NaN or inf in the CSV it prints.

mod common;

use std::path::Path;
use std::time::Duration;

use common::minecalc;

/// Numbers that replace the inputs' own.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1e-320",
    "5e-324",
    "1e308",
    "-1e308",
    "1e999",
    "0.5",
    "18446744073709551616",
];

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// A small deterministic generator (no seed to record: the cases are the same every run).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Spans of the numbers in `text` (digits with their sign, point and exponent).
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let start = if i > 0 && b[i - 1] == b'-' { i - 1 } else { i };
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_digit() || matches!(b[j], b'.' | b'e' | b'E')) {
                j += 1;
            }
            out.push((start, j));
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// The `k`th mutation of `text`.
fn mutate(text: &str, rng: &mut Lcg) -> Vec<u8> {
    let nums = numbers(text);
    match rng.below(5) {
        // One number, or every number, replaced by a hostile one.
        0 | 1 if !nums.is_empty() => {
            let pick = NUMBERS[rng.below(NUMBERS.len())];
            let all = rng.below(2) == 0;
            let target = rng.below(nums.len());
            let mut out = String::new();
            let mut last = 0;
            for (i, (a, b)) in nums.iter().enumerate() {
                if all || i == target {
                    out.push_str(&text[last..*a]);
                    out.push_str(pick);
                    last = *b;
                }
            }
            out.push_str(&text[last..]);
            out.into_bytes()
        }
        // A byte flipped.
        2 => {
            let mut b = text.as_bytes().to_vec();
            let i = rng.below(b.len());
            b[i] = (rng.next() & 0xff) as u8;
            b
        }
        // Cut short.
        3 => text.as_bytes()[..rng.below(text.len())].to_vec(),
        // A control character and an escape sequence inserted.
        _ => {
            let mut b = text.as_bytes().to_vec();
            let i = rng.below(b.len());
            let at = (0..=i)
                .rev()
                .find(|&k| text.is_char_boundary(k))
                .unwrap_or(0);
            b.splice(at..at, b"\x1b[31m\x07".iter().copied());
            b
        }
    }
}

fn check(args: &[&str], file: &Path) {
    // -q: no warnings (a stale snapshot's), so a failure is one line.
    let out = minecalc()
        .arg("-q")
        .args(args)
        .arg(file)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let shown = || String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
    assert!(
        matches!(code, 0..=2),
        "{args:?} exit {code}: {stderr}\n{}",
        shown()
    );
    if code != 0 {
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("minecalc: "), "{stderr}");
    }
    assert!(
        !out.stderr.contains(&0x1b),
        "{args:?}: raw escape: {stderr}"
    );
    for cell in stdout.split([',', '\n']) {
        if let Ok(v) = cell.trim().parse::<f64>() {
            assert!(v.is_finite(), "{args:?}: {cell} in the output\n{}", shown());
        }
    }
}

/// Mutations of each input.
const PER_INPUT: usize = 40;

#[test]
fn mutated_documents_scenarios_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = "[network]\ndifficulty = 133.87e12\nprice = 59000\nfees = 0.04\n\
        [fleet]\nmachine = \"S21\"\nunits = 100\npower_cost = 0.05\nuptime = 95\n\
        [horizon]\ndays = 30\n";
    let series = "date,value\n2026-06-26,59000\n2026-07-26,61000\n2026-08-26,64000\n";
    let history = "date,difficulty,price_usd,fees_btc_per_block\n\
        2024-04-19,86e12,64000,0.8\n2024-04-20,86e12,64500,1.2\n2024-04-21,86.1e12,65000,0.3\n";
    let inputs: Vec<(String, Vec<&str>)> = vec![
        (
            fixture("mempool_v1_blocks.json"),
            vec!["hashprice", "-f", "csv", "--network"],
        ),
        (
            fixture("bitcoin_core_getmininginfo_h933586.json"),
            vec!["hashprice", "-f", "csv", "--network"],
        ),
        (
            fixture("bitcoin_core_getblockchaininfo_h933586.json"),
            vec!["hashprice", "-f", "csv", "--network"],
        ),
        (
            fixture("mempool_mining_hashrate_3d.json"),
            vec!["hashprice", "-f", "csv", "--network"],
        ),
        (
            fixture("mempool_prices.json"),
            vec!["hashprice", "-f", "csv", "--network"],
        ),
        (
            scenario.to_string(),
            vec!["project", "-f", "csv", "--scenario"],
        ),
        (
            series.to_string(),
            vec!["project", "--days", "30", "-f", "csv", "--price-path"],
        ),
        (
            history.to_string(),
            vec!["backtest", "-f", "csv", "--history"],
        ),
    ];
    let mut rng = Lcg(11);
    let mut n = 0;
    for (k, (text, args)) in inputs.iter().enumerate() {
        let file = dir.path().join(format!("input-{k}"));
        for _ in 0..PER_INPUT {
            std::fs::write(&file, mutate(text, &mut rng)).unwrap();
            check(args, &file);
            n += 1;
        }
    }
    eprintln!("{n} mutated-input cases");
    // Nothing but the inputs in the folder.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), inputs.len());
}
