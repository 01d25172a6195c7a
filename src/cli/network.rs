//! `minecalc network snapshot`, and the reading of `--network FILE|-` documents for every
//! command that takes the network flags.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};

use minecalc::inputs::documents::{self, DocFormat, Document, FigureSources};
use minecalc::report::{self, Dest};
use minecalc::Error;

/// Default API for `network snapshot`.
pub const DEFAULT_API_URL: &str = "https://mempool.space";

/// Time limit of each HTTP request.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// Arguments of `minecalc network`.
#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true, allow_negative_numbers = true)]
pub struct NetworkCmd {
    /// What to do.
    #[command(subcommand)]
    pub sub: Option<NetworkSub>,
    /// Without a subcommand: the network view (power, cohorts, regions, --remove).
    #[command(flatten)]
    pub view: super::netview::NetViewArgs,
}

/// Subcommands of `minecalc network`.
#[derive(Debug, Clone, Subcommand)]
pub enum NetworkSub {
    /// Fetch the current network state (height, difficulty, hashrate, recent fees, price) from a
    /// mempool.space-compatible API and write it as a snapshot file that --network reads.
    Snapshot(SnapshotArgs),
}

/// Arguments of `minecalc network snapshot`.
#[derive(Debug, Clone, Args)]
pub struct SnapshotArgs {
    /// Base URL of a mempool.space-compatible API, HTTP or HTTPS.
    #[arg(long, value_name = "URL", default_value = DEFAULT_API_URL)]
    pub api_url: String,
    /// Write the snapshot to FILE (atomically: a failure never leaves half a file) instead of
    /// stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Runs `minecalc network`.
pub fn run(c: &NetworkCmd) -> Result<(), Error> {
    match &c.sub {
        Some(NetworkSub::Snapshot(a)) => snapshot(a),
        None => super::netview::run(&c.view),
    }
}

/// The endpoints `network snapshot` reads, their formats, and whether they are required.
const ENDPOINTS: [(&str, DocFormat, bool); 4] = [
    ("/api/v1/blocks", DocFormat::MempoolBlocks, true),
    (
        "/api/v1/mining/hashrate/3d",
        DocFormat::MempoolHashrate,
        true,
    ),
    ("/api/v1/prices", DocFormat::MempoolPrices, true),
    (
        "/api/v1/difficulty-adjustment",
        DocFormat::MempoolDifficultyAdjustment,
        false,
    ),
];

fn snapshot(a: &SnapshotArgs) -> Result<(), Error> {
    let base = a.api_url.trim().trim_end_matches('/');
    let lower = base.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) || base.len() < 9 {
        return Err(Error::input(format!(
            "--api-url must be an http:// or https:// URL, got \"{}\"",
            a.api_url
        )));
    }
    let fetched_at = now_to_the_second();
    let agent = ureq::AgentBuilder::new()
        .timeout(HTTP_TIMEOUT)
        .user_agent(concat!("minecalc/", env!("CARGO_PKG_VERSION")))
        .build();
    let mut docs: Vec<Document> = Vec::new();
    let mut skipped: Option<String> = None;
    for (path, format, required) in ENDPOINTS {
        let url = format!("{base}{path}");
        match fetch_document(&agent, &url, format) {
            Ok(d) => docs.push(d),
            Err(e) if required => return Err(e),
            Err(e) => skipped = Some(e.to_string()),
        }
    }
    let merged = documents::merge(&docs);
    let mut sources = FigureSources::default();
    for (url, fields) in &merged.taken {
        for f in fields {
            let slot = match *f {
                "height" => &mut sources.height,
                "difficulty" => &mut sources.difficulty,
                "hashrate" => &mut sources.hashrate,
                "price" => &mut sources.price,
                "fees" => &mut sources.fees,
                _ => &mut sources.epoch_elapsed,
            };
            *slot = url.clone();
        }
    }
    let fallback = |s: &mut String, path: &str| {
        if s.is_empty() {
            *s = format!("{base}{path}");
        }
    };
    fallback(&mut sources.height, "/api/v1/blocks");
    fallback(&mut sources.difficulty, "/api/v1/blocks");
    fallback(&mut sources.fees, "/api/v1/blocks");
    fallback(&mut sources.hashrate, "/api/v1/mining/hashrate/3d");
    fallback(&mut sources.price, "/api/v1/prices");
    let snap = documents::snapshot_from(&merged.figures, &sources, base, fetched_at)?;
    let mut dest = Dest::open(a.output.as_deref())?;
    serde_json::to_writer_pretty(&mut dest, &snap)?;
    dest.write_all(b"\n")?;
    dest.commit()?;
    let to = match &a.output {
        Some(p) => format!("written to {}", p.display()),
        None => "written to stdout".to_string(),
    };
    let epoch = match (&snap.epoch_elapsed_s, &skipped) {
        (Some(_), _) => String::new(),
        (None, Some(why)) => format!(" (no epoch progress: {why})"),
        (None, None) => " (no epoch progress)".to_string(),
    };
    let _ = writeln!(
        std::io::stderr().lock(),
        "minecalc: network snapshot from {base} at {}: height {}, difficulty {}, hashrate {} EH/s, price {}, fees {} BTC/block{epoch}; {to}",
        fetched_at.format("%Y-%m-%dT%H:%M:%SZ"),
        snap.height.value,
        report::tera(snap.difficulty.value),
        report::num(snap.network_hashrate_eh_s.value, 1),
        report::usd(snap.btc_price_usd.value, 0),
        report::num(snap.fees_btc_per_block.value, 4),
    );
    Ok(())
}

fn now_to_the_second() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::<Utc>::from_timestamp(now.timestamp(), 0).unwrap_or(now)
}

/// GETs `url` and parses the body as a document of `format`. Every failure is a runtime error
/// naming the URL: the user's input was fine, the server's answer was not.
fn fetch_document(agent: &ureq::Agent, url: &str, format: DocFormat) -> Result<Document, Error> {
    let body = match agent.get(url).call() {
        Ok(resp) => resp
            .into_string()
            .map_err(|e| Error::runtime(format!("GET {url}: cannot read the response: {e}")))?,
        Err(ureq::Error::Status(code, resp)) => {
            return Err(Error::runtime(format!(
                "GET {url}: HTTP {code} {}",
                resp.status_text()
            )))
        }
        Err(ureq::Error::Transport(t)) => {
            let mut what = t.kind().to_string();
            if let Some(m) = t.message() {
                what.push_str(&format!(": {m}"));
            }
            if let Some(src) = std::error::Error::source(&t) {
                let src = src.to_string();
                let src = src.strip_prefix(&format!("{what}: ")).unwrap_or(&src);
                if !what.ends_with(src) {
                    what.push_str(&format!(": {src}"));
                }
            }
            if what.contains("timed out") || what.contains("WouldBlock") {
                what.push_str(&format!(" (no answer within {} s)", HTTP_TIMEOUT.as_secs()));
            }
            return Err(Error::runtime(format!("GET {url}: {what}")));
        }
    };
    let doc = documents::parse_document(url, &body).map_err(|e| Error::runtime(e.to_string()))?;
    if doc.format != format {
        return Err(Error::runtime(format!(
            "{url}: expected {format}, got {}",
            doc.format
        )));
    }
    Ok(doc)
}
