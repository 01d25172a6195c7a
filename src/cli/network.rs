//! `minecalc network snapshot`, `update` and `status`, the stored snapshot in the user's data
//! directory, and the reading of `--network FILE|-` documents for every command that takes
//! the network flags.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};

use minecalc::inputs::documents::{self, DocFormat, Document, FigureSources};
use minecalc::model::network::Snapshot;
use minecalc::report::{self, Dest};
use minecalc::Error;

/// Default API for `network snapshot`.
pub const DEFAULT_API_URL: &str = "https://mempool.space";

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
    /// Fetch the current network state as `snapshot` does and store it in the data directory
    /// (MINECALC_DATA_DIR, else the platform's: ~/.local/share/minecalc on Linux); every
    /// command then starts from it instead of the embedded snapshot.
    Update(UpdateArgs),
    /// Say which network state is in force, where it came from and how old it is.
    Status,
}

/// Arguments of `minecalc network update`.
#[derive(Debug, Clone, Args)]
pub struct UpdateArgs {
    /// Base URL of a mempool.space-compatible API, HTTP or HTTPS.
    #[arg(long, value_name = "URL", default_value = DEFAULT_API_URL)]
    pub api_url: String,
}

/// The environment variable naming the data directory (the stored snapshot is
/// `network.json` in it).
pub const DATA_DIR_ENV: &str = "MINECALC_DATA_DIR";

/// The data directory: `MINECALC_DATA_DIR` when set and not empty, else the platform's data
/// directory + `minecalc` (`$XDG_DATA_HOME/minecalc` or `~/.local/share/minecalc` on Linux,
/// `~/Library/Application Support/minecalc` on macOS, `%APPDATA%\minecalc` on Windows).
pub fn data_dir() -> Option<PathBuf> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(d) if !d.is_empty() => Some(PathBuf::from(d)),
        _ => dirs::data_dir().map(|d| d.join("minecalc")),
    }
}

/// Where `network update` stores the snapshot.
pub fn stored_path() -> Option<PathBuf> {
    data_dir().map(|d| d.join("network.json"))
}

/// The snapshot a run starts from when no `--network` is given.
#[derive(Debug, Clone)]
pub struct BaseSnapshot {
    /// The snapshot.
    pub snap: Snapshot,
    /// The stored file it was read from; `None` for the embedded one.
    pub path: Option<PathBuf>,
    /// Why a stored file present was not used (unreadable or invalid), with its path.
    pub refused: Option<String>,
}

impl BaseSnapshot {
    /// A short name for headers and messages: `embedded snapshot of 2026-06-26` or
    /// `stored snapshot of 2026-12-01`.
    pub fn label(&self) -> String {
        match self.path {
            Some(_) => format!("stored snapshot of {}", self.snap.as_of),
            None => format!("embedded snapshot of {}", self.snap.as_of),
        }
    }
}

/// The stored snapshot when present and valid, else the embedded one. A stored file that
/// cannot be read or is not a valid snapshot is reported in `refused` (never ignored).
pub fn base_snapshot() -> BaseSnapshot {
    let embedded = |refused| BaseSnapshot {
        snap: Snapshot::embedded(),
        path: None,
        refused,
    };
    let Some(path) = stored_path() else {
        return embedded(None);
    };
    match read_stored(&path) {
        Ok(Some(snap)) => BaseSnapshot {
            snap,
            path: Some(path),
            refused: None,
        },
        Ok(None) => embedded(None),
        Err(why) => embedded(Some(format!("{}: {why}", path.display()))),
    }
}

/// Reads a stored snapshot: `None` when there is no file.
fn read_stored(path: &Path) -> Result<Option<Snapshot>, String> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read: {e}")),
    };
    // Capped as every input is; the error names the file once, so drop the reader's name.
    let text = super::params::read_limited(file, "")
        .map_err(|e| e.to_string().trim_start_matches(": ").to_string())?;
    let snap = Snapshot::parse(&text).map_err(|e| e.to_string())?;
    if !minecalc::params::date_in_range(snap.as_of) {
        return Err(format!(
            "not a valid network snapshot: `as_of` must be {}, got {}",
            minecalc::params::DATE_RULE,
            snap.as_of
        ));
    }
    snap.state()
        .validate()
        .map_err(|e| format!("not a valid network snapshot: {e}"))?;
    Ok(Some(snap))
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
        Some(NetworkSub::Update(a)) => update(a),
        Some(NetworkSub::Status) => status(),
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

/// A snapshot fetched from an API, checked.
struct Fetched {
    snap: Snapshot,
    base: String,
    fetched_at: DateTime<Utc>,
    skipped: Option<String>,
}

fn snapshot(a: &SnapshotArgs) -> Result<(), Error> {
    let f = fetch_snapshot(&a.api_url)?;
    let mut dest = Dest::open(a.output.as_deref())?;
    serde_json::to_writer_pretty(&mut dest, &f.snap)?;
    dest.write_all(b"\n")?;
    dest.commit()?;
    let to = match &a.output {
        Some(p) => format!("written to {}", p.display()),
        None => "written to stdout".to_string(),
    };
    say_fetched(&f, &to);
    Ok(())
}

fn update(a: &UpdateArgs) -> Result<(), Error> {
    let path = stored_path().ok_or_else(|| {
        Error::runtime(format!(
            "no data directory on this system: set {DATA_DIR_ENV} to a folder"
        ))
    })?;
    let f = fetch_snapshot(&a.api_url)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::runtime(format!("{}: cannot create: {e}", dir.display())))?;
    }
    let mut dest = Dest::open(Some(&path))?;
    serde_json::to_writer_pretty(&mut dest, &f.snap)?;
    dest.write_all(b"\n")?;
    dest.commit()?;
    say_fetched(
        &f,
        &format!(
            "stored in {}; commands start from it from now on",
            path.display()
        ),
    );
    Ok(())
}

fn status() -> Result<(), Error> {
    let today = Utc::now().date_naive();
    let b = base_snapshot();
    let mut out = String::new();
    if let Some(why) = &b.refused {
        out.push_str(&format!("stored snapshot {why}; not used\n"));
    }
    let age = (today - b.snap.as_of).num_days();
    out.push_str(&format!("in force: {}\n", b.label()));
    out.push_str(&format!(
        "as of: {} ({age} days before today, {today}; a run starting later rolls it forward)\n",
        b.snap.as_of
    ));
    match &b.path {
        Some(p) => out.push_str(&format!("file: {}\n", p.display())),
        None => out.push_str("file: none (embedded in the binary)\n"),
    }
    if let Some(url) = &b.snap.api_url {
        out.push_str(&format!("api: {url}\n"));
    }
    if let Some(at) = &b.snap.fetched_at {
        out.push_str(&format!(
            "fetched at: {}\n",
            at.format("%Y-%m-%dT%H:%M:%SZ")
        ));
    }
    let s = &b.snap;
    out.push_str(&format!(
        "height: {} (as of {})\ndifficulty: {} (as of {})\nnetwork hashrate: {} EH/s (as of {})\nprice: {} (as of {})\nfees: {} BTC/block (as of {})\n",
        s.height.value,
        s.height.as_of,
        report::tera(s.difficulty.value),
        s.difficulty.as_of,
        report::num(s.network_hashrate_eh_s.value, 1),
        s.network_hashrate_eh_s.as_of,
        report::usd(s.btc_price_usd.value, 0),
        s.btc_price_usd.as_of,
        report::num(s.fees_btc_per_block.value, 4),
        s.fees_btc_per_block.as_of,
    ));
    match stored_path() {
        Some(p) if b.path.is_none() => out.push_str(&format!(
            "update: `minecalc network update` stores today's figures in {}\n",
            p.display()
        )),
        Some(_) => out.push_str("update: `minecalc network update` refreshes it\n"),
        None => out.push_str(&format!(
            "update: no data directory on this system; set {DATA_DIR_ENV} to a folder\n"
        )),
    }
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::runtime(format!("stdout: {e}"))),
    }
}

fn say_fetched(f: &Fetched, to: &str) {
    let snap = &f.snap;
    let epoch = match (&snap.epoch_elapsed_s, &f.skipped) {
        (Some(_), _) => String::new(),
        (None, Some(why)) => format!(" (no epoch progress: {why})"),
        (None, None) => " (no epoch progress)".to_string(),
    };
    let _ = writeln!(
        std::io::stderr().lock(),
        "minecalc: network snapshot from {} at {}: height {}, difficulty {}, hashrate {} EH/s, price {}, fees {} BTC/block{epoch}; {to}",
        f.base,
        f.fetched_at.format("%Y-%m-%dT%H:%M:%SZ"),
        snap.height.value,
        report::tera(snap.difficulty.value),
        report::num(snap.network_hashrate_eh_s.value, 1),
        report::usd(snap.btc_price_usd.value, 0),
        report::num(snap.fees_btc_per_block.value, 4),
    );
}

/// Fetches the endpoints and builds a checked snapshot; impossible figures are refused
/// (exit 1, naming the field) before anything is written.
fn fetch_snapshot(api_url: &str) -> Result<Fetched, Error> {
    // The hardened fetch is in cli/http.rs (redirects only to http/https). Credentials in the
    // URL are sent, never shown or stored.
    let secret_base = super::http::check_base(api_url)?;
    let base = super::http::redact(&secret_base);
    let base = base.as_str();
    let fetched_at = now_to_the_second();
    let agent = super::http::agent();
    let mut docs: Vec<Document> = Vec::new();
    let mut skipped: Option<String> = None;
    for (path, format, required) in ENDPOINTS {
        let url = format!("{secret_base}{path}");
        match super::http::fetch_document(&agent, &url, format) {
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
    let refuse = |why: String| {
        Error::runtime(format!(
            "{base}: refused the fetched figures, nothing written: {why}"
        ))
    };
    // Bitcoin's difficulty is never below 1 (powLimit); a subnormal hashrate is no reading.
    if snap.difficulty.value.is_nan() || snap.difficulty.value < 1.0 {
        return Err(refuse(format!(
            "difficulty must be at least 1, got {}",
            snap.difficulty.value
        )));
    }
    if !snap.network_hashrate_eh_s.value.is_normal() {
        return Err(refuse(format!(
            "hashrate must be a positive number of H/s, got {} EH/s",
            snap.network_hashrate_eh_s.value
        )));
    }
    snap.state()
        .validate()
        .map_err(|e| refuse(e.to_string().replace("--", "")))?;
    // And it must read back as `--network FILE` reads it (dates, every bound).
    let text = serde_json::to_string_pretty(&snap)?;
    documents::parse_document("snapshot", &text).map_err(|e| refuse(e.to_string()))?;
    Ok(Fetched {
        snap,
        base: base.to_string(),
        fetched_at,
        skipped,
    })
}

fn now_to_the_second() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::<Utc>::from_timestamp(now.timestamp(), 0).unwrap_or(now)
}
