//! Argument groups shared by the commands, and the parsers of their values.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use minecalc::inputs::scenario::{
    flag, parse_series, DateValue, FleetSpec, GroupSpec, HalvingValue, HorizonSpec, NetworkSpec,
    NumOrText, PathSeries, Plan, Spec,
};
use minecalc::model::network::{NetworkInputs, NetworkState, ResolvedNetwork, Snapshot};
use minecalc::model::projection::Period;
use minecalc::report::Format;
use minecalc::Error;
use toml::Spanned;

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
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub hashrate_growth: Option<f64>,
    /// Average transaction fees per block, BTC.
    #[arg(long, value_name = "BTC", value_parser = parse_number)]
    pub fees: Option<f64>,
    /// Fees-per-block growth, % a year.
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub fee_growth: Option<f64>,
    /// BTC price, USD.
    #[arg(long, value_name = "USD", value_parser = parse_number)]
    pub price: Option<f64>,
    /// BTC price growth, % a year (50 or 50% = +50% a year).
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub price_growth: Option<f64>,
    /// BTC price path: CSV `date,value` (or a Yahoo-style `Date,...,Close` history), USD.
    /// Interpolated between its dates; --price-growth continues after the last.
    #[arg(long, value_name = "FILE")]
    pub price_path: Option<PathBuf>,
    /// Network hashrate path: CSV `date,value` in EH/s; --hashrate-growth continues after it.
    #[arg(long, value_name = "FILE")]
    pub hashrate_path: Option<PathBuf>,
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
            hashrate_growth: self.hashrate_growth.unwrap_or(0.0) / 100.0,
            fee_growth: self.fee_growth.unwrap_or(0.0) / 100.0,
            price_growth: self.price_growth.unwrap_or(0.0) / 100.0,
        }
    }

    /// Resolves the network against the embedded snapshot, and warns on stderr when the start
    /// is more than 30 days past the snapshot and the user did not give the chain's state.
    pub fn setup(&self) -> Result<NetworkSetup, Error> {
        let inputs = self.inputs();
        let base = self.base(&inputs)?;
        let resolved = inputs.resolve(&base.state)?;
        let source = base.describe(&inputs, resolved.rolled_days, resolved.state.date);
        Ok(NetworkSetup { resolved, source })
    }

    /// The state the user's figures override: `--network` documents over the embedded snapshot.
    pub fn base(&self, inputs: &NetworkInputs) -> Result<Base, Error> {
        let snap = Snapshot::embedded();
        let docs = super::network::base_from_documents(&self.network, &snap, inputs)?;
        let state = docs
            .as_ref()
            .map_or_else(|| snap.state(), |d| d.state.clone());
        Ok(Base { snap, docs, state })
    }

    /// The network flags as a scenario spec (only what was given).
    pub fn to_spec(&self) -> NetworkSpec {
        NetworkSpec {
            start: self.start.map(|s| {
                Spanned::new(
                    0..0,
                    DateValue::Text(match s {
                        StartDate::Day(d) => d.to_string(),
                        StartDate::Today => "today".into(),
                    }),
                )
            }),
            height: self.height.and_then(flag),
            difficulty: self.difficulty.and_then(flag),
            network_hashrate: self.network_hashrate.map(NumOrText::Num).and_then(flag),
            hashrate_growth: self.hashrate_growth.map(NumOrText::Num).and_then(flag),
            fees: self.fees.and_then(flag),
            fee_growth: self.fee_growth.map(NumOrText::Num).and_then(flag),
            price: self.price.and_then(flag),
            price_growth: self.price_growth.map(NumOrText::Num).and_then(flag),
            price_path: self
                .price_path
                .as_ref()
                .and_then(|p| flag(p.display().to_string())),
            hashrate_path: self
                .hashrate_path
                .as_ref()
                .and_then(|p| flag(p.display().to_string())),
            // The network model's flags live with the risk options (cli/risk.rs).
            model: None,
            cohorts: None,
        }
    }
}

/// The state a run's figures override, and where it came from.
pub struct Base {
    /// The embedded snapshot.
    pub snap: Snapshot,
    /// The `--network` documents, if any.
    pub docs: Option<super::network::DocumentBase>,
    /// The base state.
    pub state: NetworkState,
}

impl Base {
    /// One line saying where the figures came from; warns on stderr when the snapshot was
    /// rolled forward more than 30 days.
    pub fn describe(&self, inputs: &NetworkInputs, rolled_days: i64, start: NaiveDate) -> String {
        let uses_snapshot_chain =
            !inputs.gives_chain_state() && !self.docs.as_ref().is_some_and(|d| d.gives_chain_state);
        if uses_snapshot_chain && rolled_days > 30 {
            crate::warn(&format!(
                "the embedded network snapshot is from {}, {} days before --start {}; the model rolled it forward. Pass --height and --difficulty (and --price, --fees) for current figures",
                self.snap.as_of, rolled_days, start
            ));
        }
        if let Some(d) = &self.docs {
            super::network::describe(d, inputs, rolled_days)
        } else if uses_snapshot_chain {
            if rolled_days > 0 {
                format!(
                    "embedded snapshot of {} rolled forward {} days",
                    self.snap.as_of, rolled_days
                )
            } else {
                format!("embedded snapshot of {}", self.snap.as_of)
            }
        } else {
            "flags".to_string()
        }
    }
}

/// The fleet: a bare hashrate, or groups of catalog machines.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Fleet (default: 1 PH/s at 15 J/TH, $0.05/kWh)")]
pub struct FleetArgs {
    /// Fleet hashrate, TH/s; a unit suffix is accepted: 250PH, 1.5EH, 500TH.
    #[arg(long, value_name = "TH/S", value_parser = parse_hashrate_ths)]
    pub hashrate: Option<f64>,
    /// Efficiency, J/TH (with --machine: replaces the catalog's figure).
    #[arg(long, value_name = "J/TH", value_parser = parse_number)]
    pub efficiency: Option<f64>,
    /// A machine group from the catalog (`minecalc machines`); repeatable. --units, --unit-price,
    /// --power-cost, --uptime and --pool-fee given after a --machine apply to that group only.
    #[arg(long, value_name = "MODEL")]
    pub machine: Vec<String>,
    /// Number of machines in the group before it (default 1).
    #[arg(long, value_name = "N", value_parser = parse_number)]
    pub units: Vec<f64>,
    /// Price of one machine, USD (capex = units x unit price).
    #[arg(long, value_name = "USD", value_parser = parse_number)]
    pub unit_price: Vec<f64>,
    /// Electricity price, USD/kWh (the fleet's, or the group's after a --machine).
    #[arg(long, value_name = "USD/KWH", value_parser = parse_number)]
    pub power_cost: Vec<f64>,
    /// Uptime, % of each day the machines run [default: 100].
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub uptime: Vec<f64>,
    /// Pool fee, % of the BTC mined [default: 0].
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub pool_fee: Vec<f64>,
    /// Other operating costs of the fleet, USD per day [default: 0].
    #[arg(long, value_name = "USD/DAY", value_parser = parse_number)]
    pub opex: Option<f64>,
    /// Capital cost of the fleet, USD (replaces units x unit price).
    #[arg(long, value_name = "USD", value_parser = parse_number, help_heading = "Finance")]
    pub capex: Option<f64>,
    /// Discount rate for NPV, % a year [default: 0].
    #[arg(long, value_name = "PCT", value_parser = parse_percent, help_heading = "Finance")]
    pub discount_rate: Option<f64>,
    /// Switch the fleet off on days when hashprice does not cover its hashcost.
    #[arg(long, help_heading = "Curtailment")]
    pub curtail: bool,
    /// Peak hours a day of a time-of-use tariff; the fleet idles them when they do not pay.
    #[arg(long, value_name = "HOURS", value_parser = parse_number, help_heading = "Curtailment")]
    pub curtail_hours: Option<f64>,
    /// Electricity price in the peak hours, USD/kWh.
    #[arg(long, value_name = "USD/KWH", value_parser = parse_number, help_heading = "Curtailment")]
    pub peak_power_cost: Option<f64>,
}

/// Flags that belong to the --machine group they follow.
const GROUP_FLAGS: &[&str] = &[
    "--units",
    "--unit-price",
    "--power-cost",
    "--uptime",
    "--pool-fee",
];

/// For each occurrence of each group flag in `argv`, the index of the --machine it follows
/// (`None` before the first --machine).
fn group_positions(argv: &[String]) -> Vec<(&'static str, Option<usize>)> {
    let mut out = Vec::new();
    let mut group: Option<usize> = None;
    for a in argv {
        if a == "--" {
            break;
        }
        let flag = a.split('=').next().unwrap_or(a);
        if flag == "--machine" {
            group = Some(group.map_or(0, |g| g + 1));
        } else if let Some(f) = GROUP_FLAGS.iter().find(|f| **f == flag) {
            out.push((*f, group));
        }
    }
    out
}

impl FleetArgs {
    /// The fleet flags as a scenario spec, each group flag given to the --machine it follows
    /// on the command line.
    pub fn to_spec(&self) -> FleetSpec {
        let argv: Vec<String> = std::env::args().collect();
        let positions = group_positions(&argv);
        let mut groups: Vec<GroupSpec> = self
            .machine
            .iter()
            .map(|m| GroupSpec {
                machine: flag(m.clone()),
                ..GroupSpec::default()
            })
            .collect();
        let mut fleet = FleetSpec {
            hashrate: self.hashrate.map(NumOrText::Num).and_then(flag),
            efficiency: self.efficiency.and_then(flag),
            opex: self.opex.and_then(flag),
            capex: self.capex.and_then(flag),
            discount_rate: self.discount_rate.map(NumOrText::Num).and_then(flag),
            curtail: if self.curtail { flag(true) } else { None },
            curtail_hours: self.curtail_hours.and_then(flag),
            peak_power_cost: self.peak_power_cost.and_then(flag),
            ..FleetSpec::default()
        };
        let mut seen = std::collections::HashMap::<&str, usize>::new();
        for (name, group) in positions {
            let k = seen.entry(name).or_insert(0);
            let i = *k;
            *k += 1;
            let target = group.and_then(|g| groups.get_mut(g));
            match (name, target) {
                ("--units", Some(g)) => g.units = self.units.get(i).copied().and_then(flag),
                ("--unit-price", Some(g)) => {
                    g.unit_price = self.unit_price.get(i).copied().and_then(flag)
                }
                ("--power-cost", Some(g)) => {
                    g.power_cost = self.power_cost.get(i).copied().and_then(flag)
                }
                ("--uptime", Some(g)) => {
                    g.uptime = self
                        .uptime
                        .get(i)
                        .copied()
                        .map(NumOrText::Num)
                        .and_then(flag)
                }
                ("--pool-fee", Some(g)) => {
                    g.pool_fee = self
                        .pool_fee
                        .get(i)
                        .copied()
                        .map(NumOrText::Num)
                        .and_then(flag)
                }
                ("--units", None) => fleet.hashrate = None, // reported by `check_units`
                ("--unit-price", None) => {
                    fleet.unit_price = self.unit_price.get(i).copied().and_then(flag)
                }
                ("--power-cost", None) => {
                    fleet.power_cost = self.power_cost.get(i).copied().and_then(flag)
                }
                ("--uptime", None) => {
                    fleet.uptime = self
                        .uptime
                        .get(i)
                        .copied()
                        .map(NumOrText::Num)
                        .and_then(flag)
                }
                ("--pool-fee", None) => {
                    fleet.pool_fee = self
                        .pool_fee
                        .get(i)
                        .copied()
                        .map(NumOrText::Num)
                        .and_then(flag)
                }
                _ => {}
            }
        }
        // Without positions (a library caller), the last value of each flag is the fleet's.
        if seen.is_empty() {
            fleet.power_cost = self.power_cost.last().copied().and_then(flag);
            fleet.uptime = self
                .uptime
                .last()
                .copied()
                .map(NumOrText::Num)
                .and_then(flag);
            fleet.pool_fee = self
                .pool_fee
                .last()
                .copied()
                .map(NumOrText::Num)
                .and_then(flag);
            fleet.unit_price = self.unit_price.last().copied().and_then(flag);
            if let [g] = groups.as_mut_slice() {
                g.units = self.units.last().copied().and_then(flag);
            }
        }
        fleet.groups = groups;
        fleet
    }

    /// Errors for group flags that cannot be placed.
    pub fn check(&self) -> Result<(), Error> {
        let argv: Vec<String> = std::env::args().collect();
        let positions = group_positions(&argv);
        if positions
            .iter()
            .any(|(n, g)| *n == "--units" && g.is_none())
        {
            return Err(Error::input("--units must follow the --machine it counts (--machine \"Antminer S21 XP\" --units 1000)"));
        }
        let mut per_group = std::collections::HashMap::new();
        for (n, g) in &positions {
            if let Some(g) = g {
                let c = per_group.entry((*n, *g)).or_insert(0);
                *c += 1;
                if *c > 1 {
                    return Err(Error::input(format!(
                        "{n} is given twice for --machine \"{}\"",
                        self.machine.get(*g).map(String::as_str).unwrap_or("")
                    )));
                }
            } else if per_group.insert((*n, usize::MAX), 1).is_some() {
                return Err(Error::input(format!("{n} is given twice for the fleet")));
            }
        }
        if self.hashrate.is_some() && !self.machine.is_empty() {
            return Err(Error::input(
                "--hashrate cannot be used with --machine (give --units instead)",
            ));
        }
        Ok(())
    }
}

/// Everything that describes a scenario: network, fleet, horizon, and a scenario file.
#[derive(Debug, Clone, Default, Args)]
pub struct ScenarioArgs {
    /// Read the scenario from a TOML file (see examples/); flags override it.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    #[command(flatten)]
    pub network: NetworkArgs,
    #[command(flatten)]
    pub fleet: FleetArgs,
    #[command(flatten)]
    pub horizon: HorizonArgs,
    /// Days to project after the halving day (with --halving, the default horizon) [default: 365].
    #[arg(
        long,
        value_name = "DAYS",
        help_heading = "Horizon (default: --halving next)"
    )]
    pub after: Option<i64>,
}

/// How far to project (one of --days, --until, --halving; default --halving next).
#[derive(Debug, Clone, Default, Args)]
#[group(multiple = false)]
#[command(next_help_heading = "Horizon (default: --halving next)")]
pub struct HorizonArgs {
    /// Project this many days.
    #[arg(long, value_name = "N")]
    pub days: Option<i64>,
    /// Project through this date (YYYY-MM-DD, inclusive).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub until: Option<NaiveDate>,
    /// Project through the halving of YEAR (or the next one), then --after days.
    #[arg(long, value_name = "YEAR|next")]
    pub halving: Option<String>,
}

/// A scenario ready to run, and one line saying where its network came from.
pub struct PlanSetup {
    /// The plan.
    pub plan: Plan,
    /// Where the network figures came from.
    pub source: String,
    /// The merged spec (for sweeps and solvers to vary).
    pub spec: Spec,
    /// The base state the spec's figures override.
    pub base: NetworkState,
    /// The dated series read from path files.
    pub series: PathSeries,
}

impl ScenarioArgs {
    /// The flags as a spec.
    pub fn flags_spec(&self) -> Spec {
        let h = &self.horizon;
        Spec {
            network: self.network.to_spec(),
            fleet: self.fleet.to_spec(),
            horizon: HorizonSpec {
                days: h.days.and_then(flag),
                until: h.until.and_then(|d| flag(DateValue::Text(d.to_string()))),
                halving: h.halving.clone().and_then(|v| flag(HalvingValue::Text(v))),
                after: self.after.and_then(flag),
            },
            file: None,
        }
    }

    /// The scenario file (if any) merged under the flags.
    pub fn spec(&self) -> Result<Spec, Error> {
        self.fleet.check()?;
        let flags = self.flags_spec();
        match &self.scenario {
            None => Ok(flags),
            Some(p) => {
                let name = p.display().to_string();
                let text =
                    std::fs::read_to_string(p).map_err(|e| read_error("--scenario", &name, e))?;
                Ok(Spec::parse(&name, &text)?.merge(flags))
            }
        }
    }

    /// Reads the spec, its path files and the base network, and plans the scenario.
    pub fn plan(&self) -> Result<PlanSetup, Error> {
        let spec = self.spec()?;
        let today = chrono::Utc::now().date_naive();
        let inputs = spec.network_inputs(Some(today))?;
        let base = self.network.base(&inputs)?;
        let series = read_series(&spec)?;
        let plan = spec.plan(&base.state, &series, Some(today))?;
        let source = base.describe(&inputs, plan.network.rolled_days, plan.network.state.date);
        Ok(PlanSetup {
            plan,
            source,
            base: base.state,
            spec,
            series,
        })
    }
}

fn read_error(flag: &str, name: &str, e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::NotFound {
        Error::input(format!("{flag} {name}: no such file"))
    } else {
        Error::runtime(format!("{flag} {name}: cannot read: {e}"))
    }
}

/// Reads the price and hashrate path files a spec names (relative to its scenario file).
pub fn read_series(spec: &Spec) -> Result<PathSeries, Error> {
    let dir = spec
        .file
        .as_ref()
        .and_then(|(n, _)| std::path::Path::new(n).parent().map(|p| p.to_path_buf()));
    let read = |f: &minecalc::inputs::scenario::Field<String>,
                flag: &str|
     -> Result<Vec<(NaiveDate, f64)>, Error> {
        let Some(s) = f else { return Ok(Vec::new()) };
        let raw = s.get_ref();
        // A path from the scenario file is relative to the file; from a flag, to the cwd.
        let path = match (&dir, s.span().end > 0) {
            (Some(d), true) => d.join(raw),
            _ => PathBuf::from(raw),
        };
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| read_error(flag, &name, e))?;
        parse_series(&name, &text)
    };
    Ok(PathSeries {
        price: read(&spec.network.price_path, "--price-path")?,
        hashrate_eh_s: read(&spec.network.hashrate_path, "--hashrate-path")?,
    })
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

/// The period a command's rows use: the one given, else a month for the table and a day
/// for the other formats.
pub fn period_or_default(p: Option<PeriodArg>, format: Format) -> Period {
    p.map(Into::into).unwrap_or(if format == Format::Table {
        Period::Month
    } else {
        Period::Day
    })
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
    minecalc::inputs::scenario::parse_hashrate(s, 1e12)
}

/// Parses a network hashrate in EH/s, with an optional unit suffix.
pub fn parse_network_hashrate(s: &str) -> Result<f64, String> {
    minecalc::inputs::scenario::parse_hashrate(s, 1e18)
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
