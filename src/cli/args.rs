//! Argument groups shared by the commands, and the parsers of their values.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use minecalc::fleet::{Fleet, FleetGroup};
use minecalc::network::{NetworkInputs, ResolvedNetwork, Snapshot};
use minecalc::output::Format;
use minecalc::projection::Period;
use minecalc::Error;

/// Default fleet: 1 PH/s.
pub const DEFAULT_HASHRATE_THS: f64 = 1000.0;
/// Default efficiency: an Antminer S21 Pro-class machine (15 J/TH).
pub const DEFAULT_EFFICIENCY_J_PER_TH: f64 = 15.0;
/// Default power cost, USD/kWh.
pub const DEFAULT_POWER_COST_USD_PER_KWH: f64 = 0.05;

/// The network's state and paths.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Network (default: the embedded snapshot, data/network.json)")]
pub struct NetworkArgs {
    /// Network state from FILE (`-` = stdin): Bitcoin Core getmininginfo or getblockchaininfo,
    /// mempool.space API JSON (/api/v1/blocks, /mining/hashrate/…, /prices,
    /// /difficulty-adjustment, …) or a `minecalc network snapshot` file; the format is
    /// detected. Repeatable: later files fill what earlier ones lack. The flags below override
    /// it. Its date is the newest block time it carries, else --start, else today.
    #[arg(long = "network", value_name = "FILE|-")]
    pub network: Vec<PathBuf>,
    /// First day, YYYY-MM-DD or `today` (UTC) [default: the snapshot's date]. A start after
    /// the snapshot rolls the snapshot forward by the model.
    #[arg(long, value_name = "DATE", value_parser = parse_start)]
    pub start: Option<StartDate>,
    /// Chain tip height at the start.
    #[arg(long, value_name = "BLOCKS")]
    pub height: Option<u64>,
    /// Difficulty at the start (without --network-hashrate, hashrate = D * 2^32 / 600).
    #[arg(long, value_name = "D", value_parser = parse_number)]
    pub difficulty: Option<f64>,
    /// Network hashrate, EH/s (without --difficulty, difficulty = H * 600 / 2^32).
    #[arg(long, value_name = "EH/S", value_parser = parse_network_hashrate)]
    pub network_hashrate: Option<f64>,
    /// Network hashrate growth, % a year.
    #[arg(long, value_name = "PCT", value_parser = parse_percent, default_value = "0")]
    pub hashrate_growth: f64,
    /// Average transaction fees per block, BTC.
    #[arg(long, value_name = "BTC", value_parser = parse_number)]
    pub fees: Option<f64>,
    /// Fees-per-block growth, % a year.
    #[arg(long, value_name = "PCT", value_parser = parse_percent, default_value = "0")]
    pub fee_growth: f64,
    /// BTC price, USD.
    #[arg(long, value_name = "USD", value_parser = parse_number)]
    pub price: Option<f64>,
    /// BTC price growth, % a year (50 or 50% = +50% a year).
    #[arg(long, value_name = "PCT", value_parser = parse_percent, default_value = "0")]
    pub price_growth: f64,
}

/// A start date: a day, or today (read from the clock by the command, never by the model).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StartDate {
    /// A given day.
    Day(NaiveDate),
    /// Today, UTC.
    Today,
}

/// The network a command runs on, and where it came from.
#[derive(Debug, Clone)]
pub struct NetworkSetup {
    /// The resolved network.
    pub resolved: ResolvedNetwork,
    /// One line saying where the figures came from.
    pub source: String,
}

impl NetworkArgs {
    /// The user's inputs as the model takes them.
    pub fn inputs(&self) -> NetworkInputs {
        NetworkInputs {
            start: self.start.map(|s| match s {
                StartDate::Day(d) => d,
                StartDate::Today => chrono::Utc::now().date_naive(),
            }),
            height: self.height,
            difficulty: self.difficulty,
            hashrate_hs: self.network_hashrate.map(|eh| eh * 1e18),
            fees_btc_per_block: self.fees,
            price_usd: self.price,
            hashrate_growth: self.hashrate_growth / 100.0,
            fee_growth: self.fee_growth / 100.0,
            price_growth: self.price_growth / 100.0,
        }
    }

    /// Resolves the network against the embedded snapshot, and warns on stderr when the start
    /// is more than 30 days past the snapshot and the user did not give the chain's state.
    pub fn setup(&self) -> Result<NetworkSetup, Error> {
        let snap = Snapshot::embedded();
        let inputs = self.inputs();
        let docs = super::network::base_from_documents(&self.network, &snap, &inputs)?;
        let base = docs
            .as_ref()
            .map_or_else(|| snap.state(), |d| d.state.clone());
        let resolved = inputs.resolve(&base)?;
        let uses_snapshot_chain =
            !inputs.gives_chain_state() && !docs.as_ref().is_some_and(|d| d.gives_chain_state);
        if uses_snapshot_chain && resolved.rolled_days > 30 {
            crate::warn(&format!(
                "the embedded network snapshot is from {}, {} days before --start {}; the model rolled it forward. Pass --height and --difficulty (and --price, --fees) for current figures",
                snap.as_of, resolved.rolled_days, resolved.state.date
            ));
        }
        let source = if let Some(d) = &docs {
            super::network::describe(d, &inputs, resolved.rolled_days)
        } else if uses_snapshot_chain {
            if resolved.rolled_days > 0 {
                format!(
                    "embedded snapshot of {} rolled forward {} days",
                    snap.as_of, resolved.rolled_days
                )
            } else {
                format!("embedded snapshot of {}", snap.as_of)
            }
        } else {
            "flags".to_string()
        };
        Ok(NetworkSetup { resolved, source })
    }
}

/// The fleet, as one group of bare hashrate.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Fleet (default: 1 PH/s at 15 J/TH, $0.05/kWh)")]
pub struct FleetArgs {
    /// Fleet hashrate, TH/s; a unit suffix is accepted: 250PH, 1.5EH, 500TH.
    #[arg(long, value_name = "TH/S", value_parser = parse_hashrate_ths)]
    pub hashrate: Option<f64>,
    /// Efficiency, J/TH.
    #[arg(long, value_name = "J/TH", value_parser = parse_number)]
    pub efficiency: Option<f64>,
    /// Electricity price, USD/kWh.
    #[arg(long, value_name = "USD/KWH", value_parser = parse_number)]
    pub power_cost: Option<f64>,
    /// Uptime, % of each day the machines run.
    #[arg(long, value_name = "PCT", value_parser = parse_percent, default_value = "100")]
    pub uptime: f64,
    /// Pool fee, % of the BTC mined.
    #[arg(long, value_name = "PCT", value_parser = parse_percent, default_value = "0")]
    pub pool_fee: f64,
    /// Other operating costs, USD per day.
    #[arg(long, value_name = "USD/DAY", value_parser = parse_number, default_value = "0")]
    pub opex: f64,
}

impl FleetArgs {
    /// True when no fleet figure was given.
    pub fn is_default(&self) -> bool {
        self.hashrate.is_none() && self.efficiency.is_none() && self.power_cost.is_none()
    }

    /// The fleet.
    pub fn fleet(&self) -> Result<Fleet, Error> {
        let hashrate_ths = self.hashrate.unwrap_or(DEFAULT_HASHRATE_THS);
        let efficiency = self.efficiency.unwrap_or(DEFAULT_EFFICIENCY_J_PER_TH);
        let fleet = Fleet::single(FleetGroup {
            label: format!("{} TH/s at {} J/TH", hashrate_ths, efficiency),
            hashrate_ths,
            efficiency_j_per_th: efficiency,
            power_cost_usd_per_kwh: self.power_cost.unwrap_or(DEFAULT_POWER_COST_USD_PER_KWH),
            uptime: self.uptime / 100.0,
            pool_fee: self.pool_fee / 100.0,
            opex_usd_per_day: self.opex,
        });
        fleet.validate()?;
        Ok(fleet)
    }
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// A table for reading, with a header of assumptions.
    Table,
    /// CSV, full precision.
    Csv,
    /// One JSON array of objects.
    Json,
    /// One JSON object a line.
    Ndjson,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Csv => Format::Csv,
            FormatArg::Json => Format::Json,
            FormatArg::Ndjson => Format::Ndjson,
        }
    }
}

/// How rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PeriodArg {
    /// One row a day.
    Day,
    /// ISO weeks, Monday first.
    Week,
    /// Calendar months.
    Month,
    /// Difficulty epochs of 2016 blocks.
    Epoch,
    /// Calendar years.
    Year,
}

impl From<PeriodArg> for Period {
    fn from(p: PeriodArg) -> Period {
        match p {
            PeriodArg::Day => Period::Day,
            PeriodArg::Week => Period::Week,
            PeriodArg::Month => Period::Month,
            PeriodArg::Epoch => Period::Epoch,
            PeriodArg::Year => Period::Year,
        }
    }
}

/// Output options.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value = "table")]
    pub format: FormatArg,
    /// Leave out the header row (CSV and table).
    #[arg(long)]
    pub no_header: bool,
    /// Write to FILE (atomically: a failure never leaves half a file) instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Parses a finite number.
pub fn parse_number(s: &str) -> Result<f64, String> {
    let v: f64 = s.trim().parse().map_err(|_| "not a number".to_string())?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err("not a finite number".into())
    }
}

/// Parses a percent number: `50` or `50%`.
pub fn parse_percent(s: &str) -> Result<f64, String> {
    parse_number(s.trim().strip_suffix('%').unwrap_or(s))
}

/// Parses a hashrate in TH/s, with an optional unit suffix (GH, TH, PH, EH, ZH, optionally /s).
pub fn parse_hashrate_ths(s: &str) -> Result<f64, String> {
    parse_with_unit(s, 1e12)
}

/// Parses a network hashrate in EH/s, with an optional unit suffix.
pub fn parse_network_hashrate(s: &str) -> Result<f64, String> {
    parse_with_unit(s, 1e18)
}

/// Parses `number[unit]` into units of `default_scale` H/s (a bare number is in those units).
fn parse_with_unit(s: &str, default_scale: f64) -> Result<f64, String> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let body = lower.strip_suffix("/s").unwrap_or(&lower);
    let units = [
        ("gh", 1e9),
        ("th", 1e12),
        ("ph", 1e15),
        ("eh", 1e18),
        ("zh", 1e21),
    ];
    let (num, scale) = units
        .iter()
        .find_map(|(u, k)| body.strip_suffix(u).map(|n| (n.trim(), *k)))
        .unwrap_or((body, default_scale));
    let v = parse_number(num).map_err(|_| {
        "expected a number with an optional unit: TH, PH, EH (e.g. 250PH)".to_string()
    })?;
    Ok(v * (scale / default_scale))
}

/// Parses a start date.
pub fn parse_start(s: &str) -> Result<StartDate, String> {
    if s.eq_ignore_ascii_case("today") {
        return Ok(StartDate::Today);
    }
    parse_date(s).map(StartDate::Day)
}

/// Parses YYYY-MM-DD.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| "expected a date YYYY-MM-DD".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashrate_units() {
        assert_eq!(parse_hashrate_ths("250PH").unwrap(), 250_000.0);
        assert_eq!(parse_hashrate_ths("1.5EH").unwrap(), 1_500_000.0);
        assert_eq!(parse_hashrate_ths("500").unwrap(), 500.0);
        assert_eq!(parse_hashrate_ths("500 th/s").unwrap(), 500.0);
        assert!(parse_hashrate_ths("fast").is_err());
        assert_eq!(parse_network_hashrate("984").unwrap(), 984.0);
        assert_eq!(parse_network_hashrate("1.1ZH").unwrap(), 1100.0);
    }

    #[test]
    fn percents() {
        assert_eq!(parse_percent("50").unwrap(), 50.0);
        assert_eq!(parse_percent("50%").unwrap(), 50.0);
        assert_eq!(parse_percent("-20%").unwrap(), -20.0);
        assert!(parse_percent("NaN").is_err());
        assert!(parse_percent("inf").is_err());
    }
}
