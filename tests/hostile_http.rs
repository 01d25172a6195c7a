//! `network snapshot` against a misbehaving HTTP server on 127.0.0.1: redirects to other
//! schemes and in loops, credentials in `--api-url`, figures that make no valid state, error
//! statuses and garbage. Each case asserts the exit status, one stderr line, and that `-o` is
//! written only with a valid snapshot.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::Duration;

use common::minecalc;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// Serves on 127.0.0.1 until the test process ends: `answer(path)` gives the status line's code,
/// extra headers and body. Returns the base URL.
fn serve(answer: impl Fn(&str) -> (u16, String, String) + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        // Bounded: no case makes more than a few dozen requests.
        for stream in listener.incoming().take(200) {
            let Ok(mut s) = stream else { continue };
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let mut reader = BufReader::new(s.try_clone().unwrap());
            let mut first = String::new();
            let _ = reader.read_line(&mut first);
            loop {
                let mut l = String::new();
                if reader.read_line(&mut l).unwrap_or(0) == 0 || l == "\r\n" {
                    break;
                }
            }
            let path = first.split_whitespace().nth(1).unwrap_or("/").to_string();
            let (code, headers, body) = answer(&path);
            let _ = write!(
                s,
                "HTTP/1.1 {code} X\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://127.0.0.1:{port}")
}

/// The real mempool.space samples for the endpoints `network snapshot` reads.
fn good(path: &str) -> (u16, String, String) {
    let body = match path {
        "/api/v1/blocks" => fixture("mempool_v1_blocks.json"),
        "/api/v1/mining/hashrate/3d" => fixture("mempool_mining_hashrate_3d.json"),
        "/api/v1/prices" => fixture("mempool_prices.json"),
        "/api/v1/difficulty-adjustment" => fixture("mempool_difficulty_adjustment.json"),
        _ => return (404, String::new(), "not found".into()),
    };
    (200, "Content-Type: application/json\r\n".into(), body)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn snapshot(url: &str, out: Option<&std::path::Path>) -> Run {
    let mut cmd = minecalc();
    cmd.args(["network", "snapshot", "--api-url", url])
        .timeout(Duration::from_secs(60));
    if let Some(o) = out {
        cmd.arg("-o").arg(o);
    }
    let o = cmd.output().unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn assert_fails(r: &Run, want: &str) {
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.starts_with("minecalc: "), "{}", r.stderr);
    assert!(r.stderr.contains(want), "wanted {want}: {}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn a_good_server_gives_a_snapshot() {
    let base = serve(good);
    let r = snapshot(&base, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["height"]["value"], 730_000);
}

#[test]
fn redirects_to_other_schemes_are_refused_and_loops_end() {
    for location in [
        "file:///etc/passwd",
        "FILE:/etc/passwd",
        "ftp://127.0.0.1/x",
        "gopher://x",
    ] {
        let loc = location.to_string();
        let base = serve(move |_| (302, format!("Location: {loc}\r\n"), String::new()));
        let r = snapshot(&base, None);
        assert_fails(&r, "follows redirects to http:// and https:// URLs only");
    }
    let base = serve(|p| (301, format!("Location: {p}x\r\n"), String::new()));
    assert_fails(&snapshot(&base, None), "more than 5 redirects");
    // A redirect within http is followed.
    let base = serve(|p| match p.strip_prefix("/moved") {
        Some(rest) => good(rest),
        None => (307, format!("Location: /moved{p}\r\n"), String::new()),
    });
    let r = snapshot(&base, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn credentials_are_never_printed_or_stored() {
    let base = serve(good);
    let with = base.replace("http://", "http://alice:s3cret@");
    let r = snapshot(&with, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("s3cret") && !r.stdout.contains("alice"));
    assert!(!r.stderr.contains("s3cret") && !r.stderr.contains("alice"));
    let dead = "http://alice:s3cret@127.0.0.1:1";
    let r = snapshot(dead, None);
    assert_eq!(r.code, 1);
    assert!(!r.stderr.contains("s3cret"), "{}", r.stderr);
}

#[test]
fn figures_that_make_no_valid_state_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap.json");
    std::fs::write(&out, "before\n").unwrap();
    let blocks = fixture("mempool_v1_blocks.json");
    let first_difficulty = blocks
        .lines()
        .find(|l| l.contains("\"difficulty\""))
        .unwrap()
        .to_string();
    for bad in ["1e-320", "0.5", "1e308"] {
        let tiny = blocks.replacen(&first_difficulty, &format!("    \"difficulty\": {bad},"), 1);
        let base = serve(move |p| match p {
            "/api/v1/blocks" => (200, String::new(), tiny.clone()),
            _ => good(p),
        });
        let r = snapshot(&base, Some(&out));
        assert!(r.code == 1 || r.code == 2, "{bad}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(
            !r.stderr.contains("inf") && !r.stderr.contains("NaN"),
            "{}",
            r.stderr
        );
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "before\n");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn error_statuses_and_garbage_exit_1_with_one_line() {
    let cases: Vec<(u16, &str, &str)> = vec![
        (500, "", "HTTP 500"),
        (200, "not json at all", "bad JSON"),
        (200, "{\"a\": 1}", ""),
        (200, "[]", ""),
        (200, "\u{1b}[31m", ""),
        (301, "", "without a Location"),
    ];
    for (code, body, want) in cases {
        let body = body.to_string();
        let base = serve(move |_| (code, String::new(), body.clone()));
        let r = snapshot(&base, None);
        assert_fails(&r, want);
        assert!(!r.stderr.contains('\u{1b}'), "{}", r.stderr);
    }
}
