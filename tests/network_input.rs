//! `--network FILE|-` on the real API samples in tests/fixtures/, and `network snapshot`
//! against a real HTTP server on 127.0.0.1 serving those samples.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;
use common::{close, minecalc, pinned, SNAPSHOT_DATE};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap()
}

const MININGINFO: &str = "bitcoin_core_getmininginfo_h933586.json";
const BLOCKCHAININFO: &str = "bitcoin_core_getblockchaininfo_h933586.json";
const BLOCKS: &str = "mempool_v1_blocks.json";
const HASHRATE: &str = "mempool_mining_hashrate_3d.json";
const PRICES: &str = "mempool_prices.json";
const DIFF_ADJ: &str = "mempool_difficulty_adjustment.json";

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], stdin: Option<&str>) -> Out {
    let mut c = minecalc();
    c.args(pinned(args));
    if let Some(s) = stdin {
        c.write_stdin(s.to_string());
    }
    let o = c.output().unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8(o.stdout).unwrap(),
        stderr: String::from_utf8(o.stderr).unwrap(),
    }
}

/// `hashprice -f json` with `args`; asserts success and returns the one row.
fn hashprice(args: &[&str], stdin: Option<&str>) -> (Value, String) {
    let mut all = vec!["hashprice", "-f", "json"];
    all.extend_from_slice(args);
    let o = run(&all, stdin);
    assert_eq!(o.code, 0, "{all:?}: {}", o.stderr);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    (v[0].clone(), o.stderr)
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

// --- --network ---------------------------------------------------------------------------------

#[test]
fn hashprice_reads_getmininginfo() {
    let f = fixture(MININGINFO);
    let (row, stderr) = hashprice(&["--network", p(&f)], None);
    assert_eq!(row["height"], 933_586);
    assert_eq!(row["difficulty"].as_f64().unwrap(), 141_668_107_417_558.2);
    // No block time in getmininginfo: the state is dated today (or --start).
    assert_eq!(row["date"], today());
    assert!(stderr.is_empty(), "{stderr}");
    let (row, _) = hashprice(&["--network", p(&f), "--start", "2026-01-24"], None);
    assert_eq!(row["date"], "2026-01-24");
    assert_eq!(row["height"], 933_586);
}

#[test]
fn getblockchaininfo_is_dated_by_its_block_time() {
    let f = fixture(BLOCKCHAININFO);
    let (row, _) = hashprice(&["--network", p(&f), "--start", "2026-01-24"], None);
    assert_eq!(row["height"], 933_586);
    assert_eq!(row["difficulty"].as_f64().unwrap(), 141_668_107_417_558.2);
    assert_eq!(row["date"], "2026-01-24");
    // By default the run starts today: the document's state is rolled forward, and one line
    // says from which date.
    let (row, stderr) = hashprice(&["--network", p(&f)], None);
    assert_eq!(row["date"], today());
    let age = (chrono::Utc::now().date_naive()
        - chrono::NaiveDate::from_ymd_opt(2026, 1, 24).unwrap())
    .num_days();
    assert!(
        stderr.contains(&format!("{age} days older than the start {}", today())),
        "{stderr}"
    );
}

#[test]
fn bare_and_enveloped_core_json_agree() {
    let dir = tempfile::tempdir().unwrap();
    for name in [MININGINFO, BLOCKCHAININFO] {
        let env: Value = serde_json::from_str(&fixture_text(name)).unwrap();
        let bare = dir.path().join(name);
        std::fs::write(&bare, serde_json::to_string_pretty(&env["result"]).unwrap()).unwrap();
        let args = ["--start", "2026-01-24"];
        let (a, _) = hashprice(
            &[&["--network", p(&fixture(name))][..], &args].concat(),
            None,
        );
        let (b, _) = hashprice(&[&["--network", p(&bare)][..], &args].concat(), None);
        assert_eq!(a, b, "{name}");
    }
}

#[test]
fn core_warnings_as_string_or_array_are_shown() {
    let dir = tempfile::tempdir().unwrap();
    let mut v: Value = serde_json::from_str(&fixture_text(MININGINFO)).unwrap();
    for (i, w) in [
        serde_json::json!("This is a pre-release test build"),
        serde_json::json!(["This is a pre-release test build"]),
    ]
    .into_iter()
    .enumerate()
    {
        v["result"]["warnings"] = w;
        let f = dir.path().join(format!("w{i}.json"));
        std::fs::write(&f, v.to_string()).unwrap();
        let (row, stderr) = hashprice(&["--network", p(&f)], None);
        assert_eq!(row["height"], 933_586);
        assert_eq!(
            stderr.trim_end(),
            format!(
                "minecalc: warning: --network {}: the node warns: This is a pre-release test build",
                f.display()
            )
        );
    }
    v["result"]["warnings"] = serde_json::json!([]);
    let f = dir.path().join("none.json");
    std::fs::write(&f, v.to_string()).unwrap();
    let (_, stderr) = hashprice(&["--network", p(&f)], None);
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn mempool_blocks_give_tip_and_mean_fees() {
    let (row, _) = hashprice(
        &["--network", p(&fixture(BLOCKS)), "--start", "2022-04-01"],
        None,
    );
    assert_eq!(row["height"], 730_000);
    assert_eq!(row["difficulty"].as_f64().unwrap(), 28_587_155_782_195.1);
    assert_eq!(row["date"], "2022-04-01");
    assert!(close(
        row["fees_btc_per_block"].as_f64().unwrap(),
        0.16321983,
        1e-12
    ));
    assert_eq!(row["subsidy_btc"].as_f64().unwrap(), 6.25);
}

#[test]
fn price_and_fee_documents_fill_the_embedded_chain() {
    let (base, _) = hashprice(&[], None);
    let (row, stderr) = hashprice(
        &["--network", p(&fixture(PRICES)), "--start", SNAPSHOT_DATE],
        None,
    );
    assert_eq!(row["btc_price_usd"].as_f64().unwrap(), 43_753.0);
    assert_eq!(row["height"], base["height"]);
    assert_eq!(row["date"], base["date"]);
    assert!(stderr.is_empty(), "{stderr}");
    let (row, _) = hashprice(
        &["--network", p(&fixture("mempool_historical_price.json"))],
        None,
    );
    assert_eq!(row["btc_price_usd"].as_f64().unwrap(), 2254.9);
    let (row, _) = hashprice(
        &[
            "--network",
            p(&fixture("mempool_mining_blocks_fees_1w.json")),
        ],
        None,
    );
    let mean =
        (24212890.0 + 21655996.0 + 20678859.0 + 21020140.0 + 23064200.0 + 17620723.0) / 6.0 / 1e8;
    assert!(close(
        row["fees_btc_per_block"].as_f64().unwrap(),
        mean,
        1e-12
    ));
}

#[test]
fn hashrate_and_reward_stats_together_make_a_chain_state() {
    let (row, _) = hashprice(
        &[
            "--network",
            p(&fixture(HASHRATE)),
            "--network",
            p(&fixture("mempool_mining_reward_stats_100.json")),
        ],
        None,
    );
    assert_eq!(row["height"], 736_655);
    assert_eq!(row["difficulty"].as_f64().unwrap(), 31_251_101_365_711.12);
    assert!(close(
        row["fees_btc_per_block"].as_f64().unwrap(),
        1_311_748_254.0 / 100.0 / 1e8,
        1e-12
    ));
    // No document dates the state at that height: it is dated today.
    assert_eq!(row["date"], today());
}

#[test]
fn partial_chain_documents_ask_for_what_is_missing() {
    for (name, needle) in [
        (HASHRATE, "not the chain height"),
        (DIFF_ADJ, "not the difficulty or hashrate"),
        (
            "mempool_mining_reward_stats_100.json",
            "not the difficulty or hashrate",
        ),
    ] {
        let f = fixture(name);
        let o = run(&["hashprice", "--network", p(&f)], None);
        assert_eq!(o.code, 2, "{name}: {}", o.stderr);
        assert!(o.stderr.contains(needle), "{name}: {}", o.stderr);
        assert!(
            o.stderr
                .starts_with(&format!("minecalc: --network {}: ", f.display())),
            "{}",
            o.stderr
        );
        assert_eq!(o.stderr.lines().count(), 1);
    }
    // A flag fills the gap.
    let (row, _) = hashprice(
        &[
            "--network",
            p(&fixture(HASHRATE)),
            "--height",
            "736700",
            "--start",
            "2022-05-16",
        ],
        None,
    );
    assert_eq!(row["height"], 736_700);
    assert_eq!(row["difficulty"].as_f64().unwrap(), 31_251_101_365_711.12);
    assert_eq!(row["date"], "2022-05-16");
}

#[test]
fn unknown_documents_list_the_known_formats() {
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("odd.json");
    std::fs::write(&odd, r#"{"foo": 1, "bar": [2]}"#).unwrap();
    for f in [
        fixture("mempool_mining_blocks_rewards_1d.json"),
        fixture("mempool_mining_difficulty_adjustments_1m.json"),
        odd,
    ] {
        let o = run(&["hashprice", "--network", p(&f)], None);
        assert_eq!(o.code, 2, "{}", o.stderr);
        assert!(
            o.stderr.starts_with(&format!(
                "minecalc: --network {}: not a network document minecalc recognises (",
                f.display()
            )),
            "{}",
            o.stderr
        );
        for known in [
            "getmininginfo",
            "getblockchaininfo",
            "JSON-RPC envelope",
            "/api/v1/mining/hashrate/{period}",
            "/api/v1/difficulty-adjustment",
            "/api/v1/prices",
            "/api/v1/blocks",
            "snapshot",
        ] {
            assert!(o.stderr.contains(known), "{known}: {}", o.stderr);
        }
        assert_eq!(o.stderr.lines().count(), 1);
    }
}

#[test]
fn bad_json_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("broken.json");
    std::fs::write(
        &f,
        "{\n  \"blocks\": 933586,\n  \"difficulty\": 1.4e14,,\n}\n",
    )
    .unwrap();
    let o = run(&["hashprice", "--network", p(&f)], None);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.starts_with(&format!(
            "minecalc: --network {}: bad JSON at line 3, column 24: ",
            f.display()
        )),
        "{}",
        o.stderr
    );
    assert_eq!(o.stderr.lines().count(), 1);
    let o = run(&["hashprice", "--network", "-"], Some("[1, 2"));
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .starts_with("minecalc: --network -: bad JSON at line 1, column 5: "),
        "{}",
        o.stderr
    );
}

#[test]
fn missing_files_are_bad_input() {
    let o = run(
        &["hashprice", "--network", "/nonexistent/minecalc/x.json"],
        None,
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        "minecalc: --network /nonexistent/minecalc/x.json: no such file\n"
    );
}

#[test]
fn stdin_dash_reads_a_document_once() {
    let (row, _) = hashprice(&["--network", "-"], Some(&fixture_text(MININGINFO)));
    assert_eq!(row["height"], 933_586);
    let o = run(
        &["hashprice", "--network", "-", "--network", "-"],
        Some(&fixture_text(MININGINFO)),
    );
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("stdin can be read only once"),
        "{}",
        o.stderr
    );
}

#[test]
fn merge_precedence_first_document_then_later_fill_and_flags_win() {
    let (a, _) = hashprice(
        &[
            "--network",
            p(&fixture(BLOCKS)),
            "--network",
            p(&fixture(MININGINFO)),
            "--start",
            "2022-04-01",
        ],
        None,
    );
    assert_eq!(a["height"], 730_000);
    let (b, _) = hashprice(
        &[
            "--network",
            p(&fixture(MININGINFO)),
            "--network",
            p(&fixture(BLOCKS)),
            "--network",
            p(&fixture(PRICES)),
            "--start",
            "2026-01-24",
        ],
        None,
    );
    assert_eq!(b["height"], 933_586);
    // Fees come from the blocks document, the price from the prices document.
    assert!(close(
        b["fees_btc_per_block"].as_f64().unwrap(),
        0.16321983,
        1e-12
    ));
    assert_eq!(b["btc_price_usd"].as_f64().unwrap(), 43_753.0);
    let (c, _) = hashprice(
        &[
            "--network",
            p(&fixture(MININGINFO)),
            "--network",
            p(&fixture(PRICES)),
            "--difficulty",
            "1e14",
            "--price",
            "70000",
        ],
        None,
    );
    assert_eq!(c["height"], 933_586);
    assert_eq!(c["difficulty"].as_f64().unwrap(), 1e14);
    assert_eq!(c["btc_price_usd"].as_f64().unwrap(), 70_000.0);
}

#[test]
fn the_table_says_where_each_figure_came_from() {
    let o = run(
        &[
            "hashprice",
            "--network",
            p(&fixture(MININGINFO)),
            "--network",
            p(&fixture(PRICES)),
        ],
        None,
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let first = o.stdout.lines().next().unwrap();
    assert!(
        first.contains(&format!(
            "--network {} (height, difficulty, hashrate), --network {} (price), embedded snapshot of ",
            fixture(MININGINFO).display(),
            fixture(PRICES).display()
        )),
        "{first}"
    );
    assert!(first.contains("(fees)"), "{first}");
}

#[test]
fn documents_roll_forward_and_say_so() {
    let o = run(
        &[
            "project",
            "--network",
            p(&fixture(BLOCKS)),
            "--start",
            "2022-08-01",
            "--days",
            "2",
            "-f",
            "csv",
        ],
        None,
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    // One line says the documents' figures are older than the start.
    assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("122 days older than the start 2022-08-01")
            && o.stderr.contains("mempool_v1_blocks.json"),
        "{}",
        o.stderr
    );
    let mut r = csv::Reader::from_reader(o.stdout.as_bytes());
    let h = r.headers().unwrap().clone();
    let row = r.records().next().unwrap().unwrap();
    let date = h.iter().position(|x| x == "date").unwrap();
    let height = h.iter().position(|x| x == "height").unwrap();
    assert_eq!(&row[date], "2022-08-01");
    // 122 days of model blocks past 730,000.
    let hgt: u64 = row[height].parse().unwrap();
    assert!(hgt > 740_000 && hgt < 750_000, "{hgt}");
    // Before the document's date it is an error, as for the snapshot.
    let o = run(
        &[
            "hashprice",
            "--network",
            p(&fixture(BLOCKS)),
            "--start",
            "2022-01-01",
        ],
        None,
    );
    assert_eq!(o.code, 2);
    assert!(o
        .stderr
        .contains("is before the network state's date 2022-04-01"));
}

// --- network snapshot against a real HTTP server ------------------------------------------------

/// A route: path, status, body.
type Route = (String, u16, String);

/// An HTTP/1.1 server on 127.0.0.1 that answers at most `max_requests` requests (one per
/// connection) within 30 s, then stops. Returns the base URL and the number of requests served.
fn serve(routes: Vec<Route>, max_requests: usize) -> (String, JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    listener.set_nonblocking(true).unwrap();
    let handle = thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        while seen.len() < max_requests && Instant::now() < deadline {
            match listener.accept() {
                Ok((stream, _)) => {
                    if let Some(path) = answer(stream, &routes) {
                        seen.push(path);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    thread::sleep(Duration::from_millis(5));
                }
                Err(_) => break,
            }
        }
        seen
    });
    (url, handle)
}

fn answer(mut s: TcpStream, routes: &[Route]) -> Option<String> {
    s.set_nonblocking(false).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 64 * 1024 {
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf);
    let path = head.split_whitespace().nth(1)?.to_string();
    let (status, body) = routes
        .iter()
        .find(|(p, _, _)| *p == path)
        .map(|(_, st, b)| (*st, b.clone()))
        .unwrap_or((404, "Not Found".to_string()));
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Other",
    };
    let resp = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(resp.as_bytes()).ok()?;
    Some(path)
}

fn sample_routes() -> Vec<Route> {
    vec![
        ("/api/v1/blocks".into(), 200, fixture_text(BLOCKS)),
        (
            "/api/v1/mining/hashrate/3d".into(),
            200,
            fixture_text(HASHRATE),
        ),
        ("/api/v1/prices".into(), 200, fixture_text(PRICES)),
        (
            "/api/v1/difficulty-adjustment".into(),
            200,
            fixture_text(DIFF_ADJ),
        ),
    ]
}

#[test]
fn snapshot_from_a_local_server_is_read_back_by_network() {
    let (url, server) = serve(sample_routes(), 4);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap.json");
    let o = run(
        &["network", "snapshot", "--api-url", &url, "-o", p(&out)],
        None,
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.is_empty());
    let mut served = server.join().unwrap();
    served.sort();
    assert_eq!(
        served,
        vec![
            "/api/v1/blocks",
            "/api/v1/difficulty-adjustment",
            "/api/v1/mining/hashrate/3d",
            "/api/v1/prices"
        ]
    );
    assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
    assert!(
        o.stderr.starts_with(&format!(
            "minecalc: network snapshot from {url} at {}T",
            today()
        )),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains(&format!("written to {}", out.display())),
        "{}",
        o.stderr
    );

    let snap: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(snap["as_of"], today());
    assert_eq!(snap["api_url"], url.as_str());
    assert_eq!(snap["height"]["value"], 730_000);
    assert_eq!(snap["height"]["source"], format!("{url}/api/v1/blocks"));
    assert_eq!(snap["height"]["as_of"], today());
    assert_eq!(snap["difficulty"]["value"], 28_587_155_782_195.1);
    assert!(close(
        snap["network_hashrate_eh_s"]["value"].as_f64().unwrap(),
        252.033_247_355_212_3,
        1e-12
    ));
    assert_eq!(
        snap["network_hashrate_eh_s"]["source"],
        format!("{url}/api/v1/mining/hashrate/3d")
    );
    assert_eq!(snap["btc_price_usd"]["value"], 43_753.0);
    assert_eq!(
        snap["btc_price_usd"]["source"],
        format!("{url}/api/v1/prices")
    );
    assert!(close(
        snap["fees_btc_per_block"]["value"].as_f64().unwrap(),
        0.16321983,
        1e-12
    ));
    // The recorded difficulty-adjustment sample is the old shape (no previousTime).
    assert!(snap.get("epoch_elapsed_s").is_none());

    // --network reads it back; the state is dated the fetch day.
    let (row, stderr) = hashprice(&["--network", p(&out)], None);
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(row["height"], 730_000);
    assert_eq!(row["difficulty"].as_f64().unwrap(), 28_587_155_782_195.1);
    assert_eq!(row["btc_price_usd"].as_f64().unwrap(), 43_753.0);
    assert_eq!(row["date"], today());
}

#[test]
fn snapshot_to_stdout_keeps_epoch_progress_from_the_current_api_shape() {
    // The current API: previousTime in s, estimatedRetargetDate and remainingTime in ms.
    // Block 730,000 is the 208th past the retarget at 729,792.
    let now_s: i64 = 1_648_830_000;
    let prev_s = now_s - 208 * 600;
    let remaining_ms: i64 = 1808 * 600_000;
    let adj = format!(
        r#"{{"progressPercent": 10.3, "difficultyChange": 0.5, "estimatedRetargetDate": {},
            "remainingBlocks": 1808, "remainingTime": {remaining_ms}, "previousRetarget": 1.2,
            "previousTime": {prev_s}, "nextRetargetHeight": 731808, "timeAvg": 600000,
            "adjustedTimeAvg": 600000, "timeOffset": 0, "expectedBlocks": 208}}"#,
        now_s * 1000 + remaining_ms
    );
    let mut routes = sample_routes();
    routes[3].2 = adj;
    let (url, server) = serve(routes, 4);
    let o = run(
        &["network", "snapshot", "--api-url", &format!("{url}/")],
        None,
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    server.join().unwrap();
    assert!(o.stderr.contains("written to stdout"), "{}", o.stderr);
    let snap: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(snap["epoch_elapsed_s"]["value"], 124_800.0);
    assert_eq!(
        snap["epoch_elapsed_s"]["source"],
        format!("{url}/api/v1/difficulty-adjustment")
    );
    let (row, _) = hashprice(&["--network", "-"], Some(&o.stdout));
    assert_eq!(row["height"], 730_000);
}

#[test]
fn snapshot_without_difficulty_adjustment_still_works() {
    let mut routes = sample_routes();
    routes.pop();
    let (url, server) = serve(routes, 4);
    let o = run(&["network", "snapshot", "--api-url", &url], None);
    assert_eq!(o.code, 0, "{}", o.stderr);
    server.join().unwrap();
    assert!(o.stderr.contains("no epoch progress"), "{}", o.stderr);
    assert!(o.stderr.contains("HTTP 404"), "{}", o.stderr);
}

#[test]
fn snapshot_http_500_is_a_runtime_error_naming_the_url() {
    let mut routes = sample_routes();
    routes[0] = ("/api/v1/blocks".into(), 500, "database exploded".into());
    let (url, server) = serve(routes, 1);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap.json");
    let o = run(
        &["network", "snapshot", "--api-url", &url, "-o", p(&out)],
        None,
    );
    server.join().unwrap();
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr.trim_end(),
        format!("minecalc: GET {url}/api/v1/blocks: HTTP 500 Internal Server Error")
    );
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn snapshot_from_a_server_giving_the_wrong_document_is_a_runtime_error() {
    let mut routes = sample_routes();
    routes[2].2 = fixture_text(BLOCKS);
    let (url, server) = serve(routes, 3);
    let o = run(&["network", "snapshot", "--api-url", &url], None);
    server.join().unwrap();
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains(&format!(
            "{url}/api/v1/prices: expected mempool.space /api/v1/prices, got mempool.space /api/v1/blocks"
        )),
        "{}",
        o.stderr
    );
}

#[test]
fn snapshot_from_a_closed_port_is_a_runtime_error() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let o = run(&["network", "snapshot", "--api-url", &url], None);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr
            .starts_with(&format!("minecalc: GET {url}/api/v1/blocks: ")),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("Connection Failed"), "{}", o.stderr);
    assert_eq!(o.stderr.lines().count(), 1);
    assert!(o.stdout.is_empty());
}

#[test]
fn network_usage_errors() {
    // `minecalc network` alone is the network view (src/cli/netview.rs); a word that is no
    // subcommand is a usage error.
    let o = run(&["network", "nonsense"], None);
    assert_eq!(o.code, 2);
    assert_eq!(
        o.stderr.trim_end(),
        "minecalc: unrecognized subcommand 'nonsense' (see --help)"
    );
    let o = run(
        &["network", "snapshot", "--api-url", "ftp://example.com"],
        None,
    );
    assert_eq!(o.code, 2);
    assert!(o
        .stderr
        .contains("--api-url must be an http:// or https:// URL, got \"ftp://example.com\""));
}

// --- network update / status: the stored snapshot in a temporary data directory ---------------

/// Runs minecalc with `data` as its data directory.
fn run_in(data: &Path, args: &[&str]) -> Out {
    let o = minecalc()
        .env("MINECALC_DATA_DIR", data)
        .args(args)
        .output()
        .unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8(o.stdout).unwrap(),
        stderr: String::from_utf8(o.stderr).unwrap(),
    }
}

#[test]
fn update_stores_the_snapshot_and_every_run_then_starts_from_it() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // Before: the embedded snapshot, and status says how to update.
    let o = run_in(&data, &["network", "status"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .contains("in force: embedded snapshot of 2026-06-26"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("minecalc network update"), "{}", o.stdout);

    let (url, server) = serve(sample_routes(), 4);
    let o = run_in(&data, &["network", "update", "--api-url", &url]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(server.join().unwrap().len(), 4);
    let stored = data.join("network.json");
    assert!(
        o.stderr
            .contains(&format!("stored in {}", stored.display())),
        "{}",
        o.stderr
    );
    assert!(o.stdout.is_empty());
    let snap: Value = serde_json::from_str(&std::fs::read_to_string(&stored).unwrap()).unwrap();
    assert_eq!(snap["as_of"], today());
    assert_eq!(snap["height"]["value"], 730_000);
    // Nothing but the snapshot is left in the data directory.
    assert_eq!(std::fs::read_dir(&data).unwrap().count(), 1);

    // The next run starts today on the stored figures, quietly, and its header says so.
    let o = run_in(&data, &["hashprice", "-f", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.is_empty(), "{}", o.stderr);
    let row: Value = serde_json::from_str::<Value>(&o.stdout).unwrap()[0].clone();
    assert_eq!(row["height"], 730_000);
    assert_eq!(row["date"], today());
    assert_eq!(row["btc_price_usd"].as_f64().unwrap(), 43_753.0);
    let o = run_in(&data, &["project", "--days", "1"]);
    assert!(
        o.stdout
            .contains(&format!("stored snapshot of {}", today())),
        "{}",
        o.stdout
    );
    // --network overrides it.
    let o = run_in(
        &data,
        &[
            "hashprice",
            "-f",
            "json",
            "--network",
            p(&fixture(MININGINFO)),
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let row: Value = serde_json::from_str::<Value>(&o.stdout).unwrap()[0].clone();
    assert_eq!(row["height"], 933_586);

    let o = run_in(&data, &["network", "status"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    for want in [
        format!("in force: stored snapshot of {}", today()),
        format!("file: {}", stored.display()),
        format!("api: {url}"),
        "height: 730000".to_string(),
    ] {
        assert!(o.stdout.contains(&want), "{want}: {}", o.stdout);
    }
}

#[test]
fn impossible_fetched_figures_are_refused_before_anything_is_written() {
    let mut blocks: Value = serde_json::from_str(&fixture_text(BLOCKS)).unwrap();
    blocks[0]["difficulty"] = serde_json::json!(0.5);
    let mut hashrate: Value = serde_json::from_str(&fixture_text(HASHRATE)).unwrap();
    hashrate["currentHashrate"] = serde_json::json!(1e-320);
    let mut fees: Value = serde_json::from_str(&fixture_text(BLOCKS)).unwrap();
    fees[0]["extras"]["totalFees"] = serde_json::json!(1e300);
    for (what, routes) in [
        ("difficulty", {
            let mut r = sample_routes();
            r[0].2 = blocks.to_string();
            r
        }),
        ("hashrate", {
            let mut r = sample_routes();
            r[1].2 = hashrate.to_string();
            r
        }),
        ("fees", {
            let mut r = sample_routes();
            r[0].2 = fees.to_string();
            r
        }),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let (url, server) = serve(routes, 4);
        let o = run_in(&data, &["network", "update", "--api-url", &url]);
        drop(server);
        assert_eq!(o.code, 1, "{what}: {}", o.stderr);
        assert_eq!(o.stderr.lines().count(), 1, "{what}: {}", o.stderr);
        assert!(o.stderr.contains(what), "{what}: {}", o.stderr);
        assert!(!data.exists(), "{what}: something was written");
    }
}

#[test]
fn an_unreadable_stored_snapshot_is_reported_with_its_path_and_the_fallback() {
    let tmp = tempfile::tempdir().unwrap();
    let stored = tmp.path().join("network.json");
    std::fs::write(&stored, "{ not a snapshot").unwrap();
    let o = run_in(
        tmp.path(),
        &["hashprice", "-f", "json", "--start", "2026-06-26"],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
    assert!(
        o.stderr.contains(&stored.display().to_string())
            && o.stderr
                .contains("using the embedded snapshot of 2026-06-26"),
        "{}",
        o.stderr
    );
    let row: Value = serde_json::from_str::<Value>(&o.stdout).unwrap()[0].clone();
    assert_eq!(row["height"], 955_584);
    let o = run_in(tmp.path(), &["network", "status"]);
    assert!(
        o.stdout.contains(&stored.display().to_string())
            && o.stdout
                .contains("in force: embedded snapshot of 2026-06-26"),
        "{}",
        o.stdout
    );
}
