//! The parameter flags, made from the registry (`minecalc::params`): each command accepts
//! whole sections of it, and clap parses the command line once. Per-machine flags are placed
//! by clap's argument indices: a `--power-cost` after a `--machine` is that group's.

use std::io::Read;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Utc};
use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, ArgMatches, Command};

use minecalc::inputs::documents::{self, Document, DocumentBase};
use minecalc::inputs::scenario::{self, PathSeries, Plan};
use minecalc::model::network::{NetworkInputs, NetworkState, ResolvedNetwork};
use minecalc::params::spec::{Given, Spec, Value, Values};
use minecalc::params::{Kind, Level, Param, Section, PARAMS};
use minecalc::Error;

use super::network::BaseSnapshot;

/// The parameters a command accepts.
pub trait Accepts {
    /// Whole sections.
    const SECTIONS: &'static [Section];
    /// Single parameters beyond the sections.
    const EXTRA: &'static [&'static str] = &[];
    /// True when the command reads `--scenario FILE`.
    const SCENARIO_FILE: bool = true;

    /// True when the command accepts `p`.
    fn accepts(p: &Param) -> bool {
        Self::SECTIONS.contains(&p.section) || Self::EXTRA.contains(&p.name)
    }
}

macro_rules! accepts {
    ($(#[$m:meta])* $name:ident, [$($s:ident),*] $(, extra = [$($e:literal),*])? $(, file = $f:expr)?) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;
        impl Accepts for $name {
            const SECTIONS: &'static [Section] = &[$(Section::$s),*];
            $(const EXTRA: &'static [&'static str] = &[$($e),*];)?
            $(const SCENARIO_FILE: bool = $f;)?
        }
    };
}

accepts!(
    /// `project` and `sweep`: everything but the pivot's site and lease.
    Projection,
    [State, Market, Growth, Paths, Response, Fleet, Finance, Curtail, Horizon]
);
accepts!(
    /// `breakeven`: the fixed network model's scenario.
    Solver,
    [State, Market, Growth, Paths, Fleet, Finance, Curtail, Horizon]
);
accepts!(
    /// `pivot`: the mining case (its horizon is the lease's) and the site and lease.
    PivotSet,
    [State, Market, Growth, Paths, Fleet, Finance, Curtail, Site, Lease]
);
accepts!(
    /// `backtest`: the fleet; the network comes from the history.
    FleetOnly,
    [Fleet, Finance, Curtail]
);
accepts!(
    /// `hashprice`: one network state, and a machine's costs.
    HashpriceSet,
    [State, Market, Growth],
    extra = ["efficiency", "power-cost"],
    file = false
);
accepts!(
    /// `machines`: the network state and a power cost.
    MachinesSet,
    [State, Market, Growth],
    extra = ["power-cost"],
    file = false
);
accepts!(
    /// `halvings`: the chain's state and the hashrate's growth.
    HalvingsSet,
    [State],
    extra = ["hashrate-growth", "difficulty-change", "difficulty-change-monthly"],
    file = false
);
accepts!(
    /// `network` (the view): the network state.
    NetworkView,
    [State, Market, Growth],
    file = false
);

/// The parameter flags of a command, parsed into a [`Spec`] (flags only), with the
/// `--scenario` and `--network` files.
#[derive(Debug, Clone, Default)]
pub struct ParamArgs<A> {
    /// The values the flags gave.
    pub flags: Spec,
    /// `--scenario FILE`.
    pub scenario: Option<PathBuf>,
    /// `--network FILE|-`, in order.
    pub network: Vec<PathBuf>,
    _accepts: PhantomData<A>,
}

fn accepted<A: Accepts>() -> impl Iterator<Item = &'static Param> {
    PARAMS.iter().filter(|p| A::accepts(p))
}

fn has_machines<A: Accepts>() -> bool {
    A::accepts(minecalc::params::param("machine"))
}

impl<A: Accepts> clap::Args for ParamArgs<A> {
    fn augment_args(mut cmd: Command) -> Command {
        if A::SCENARIO_FILE {
            cmd = cmd.arg(
                Arg::new("scenario")
                    .long("scenario")
                    .value_name("FILE")
                    .value_parser(clap::value_parser!(PathBuf))
                    .help("Read the scenario from a TOML file (see examples/, `minecalc params` for its keys); flags override it"),
            );
        }
        if A::SECTIONS.contains(&Section::State) {
            cmd = cmd.arg(
                Arg::new("network")
                    .long("network")
                    .value_name("FILE|-")
                    .action(ArgAction::Append)
                    .value_parser(clap::value_parser!(PathBuf))
                    .help_heading(Section::State.heading())
                    .help("Network state from FILE (`-` = stdin): Bitcoin Core getmininginfo or getblockchaininfo, mempool.space API JSON (/api/v1/blocks, /mining/hashrate/…, /prices, /difficulty-adjustment, …) or a `minecalc network snapshot` file; the format is detected. Repeatable: later files fill what earlier ones lack. The flags below override it"),
            );
        }
        let machines = has_machines::<A>();
        for p in accepted::<A>() {
            if p.name == "label" {
                continue; // scenario files only
            }
            let mut arg = Arg::new(p.name)
                .long(p.name)
                .help(p.help_text())
                .help_heading(p.section.heading());
            arg = match p.kind {
                Kind::Switch => arg.action(ArgAction::SetTrue),
                Kind::File => arg
                    .value_name(p.value_name)
                    .value_parser(clap::value_parser!(PathBuf)),
                Kind::Choice(words) => arg
                    .value_name(p.value_name)
                    .value_parser(PossibleValuesParser::new(words.iter().copied())),
                _ => arg.value_name(p.value_name),
            };
            if machines && (p.per_machine || p.name == "machine") {
                arg = arg.action(ArgAction::Append);
            }
            for choice in [&["days", "until", "halving"][..], scenario::GROWTH_CHOICE] {
                if choice.contains(&p.name) {
                    let others: Vec<&str> = choice
                        .iter()
                        .copied()
                        .filter(|n| *n != p.name && accepted::<A>().any(|q| q.name == *n))
                        .collect();
                    arg = arg.conflicts_with_all(others);
                }
            }
            cmd = cmd.arg(arg);
        }
        cmd
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

fn usage(msg: impl Into<String>) -> clap::Error {
    clap::Error::raw(clap::error::ErrorKind::ArgumentConflict, msg.into())
}

/// The values of one flag, with their positions on the command line.
fn with_indices(m: &ArgMatches, p: &Param) -> Vec<(usize, Value)> {
    let idx: Vec<usize> = m
        .indices_of(p.name)
        .map(|i| i.collect())
        .unwrap_or_default();
    let values: Vec<Value> = match p.kind {
        Kind::Switch => {
            if m.get_flag(p.name) {
                vec![Value::Bool(true)]
            } else {
                Vec::new()
            }
        }
        Kind::File => m
            .get_many::<PathBuf>(p.name)
            .map(|v| v.cloned().map(Value::Path).collect())
            .unwrap_or_default(),
        _ => m
            .get_many::<String>(p.name)
            .map(|v| v.cloned().map(Value::Text).collect())
            .unwrap_or_default(),
    };
    let mut out: Vec<(usize, Value)> = idx.into_iter().zip(values.iter().cloned()).collect();
    if out.len() < values.len() {
        // A switch has no value index; its position does not matter.
        out = values.into_iter().map(|v| (0, v)).collect();
    }
    out
}

impl<A: Accepts> clap::FromArgMatches for ParamArgs<A> {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let mut flags = Spec::default();
        let machines: Vec<(usize, Value)> = if has_machines::<A>() {
            with_indices(m, minecalc::params::param("machine"))
        } else {
            Vec::new()
        };
        flags.groups = machines
            .iter()
            .map(|(_, v)| {
                let mut g = Values::new();
                g.insert("machine", Given::flag(v.clone()));
                g
            })
            .collect();
        let machine_name = |g: usize| match machines.get(g).map(|m| &m.1) {
            Some(Value::Text(t)) => t.clone(),
            _ => String::new(),
        };
        for p in accepted::<A>() {
            if p.name == "machine" || p.name == "label" {
                continue;
            }
            let given = with_indices(m, p);
            if given.is_empty() {
                continue;
            }
            if !(has_machines::<A>() && p.per_machine) {
                if let Some((_, v)) = given.into_iter().last() {
                    flags.values.insert(p.name, Given::flag(v));
                }
                continue;
            }
            let mut fleet_wide = false;
            let mut seen = vec![false; machines.len()];
            for (i, v) in given {
                // The group is the last --machine before the flag.
                let group = machines.iter().rposition(|(mi, _)| *mi < i);
                match group {
                    None if p.name == "units" => {
                        return Err(usage("--units must follow the --machine it counts (--machine \"Antminer S21 XP\" --units 1000)"));
                    }
                    None if p.level == Level::Group => {
                        return Err(usage(format!(
                            "--{} must follow the --machine it applies to (--machine \"Antminer S21 XP\" --{} {}), got {}",
                            p.name,
                            p.name,
                            p.value_name,
                            match &v {
                                Value::Text(t) => format!("{t:?}"),
                                Value::Num(x) => x.to_string(),
                                other => format!("{other:?}"),
                            }
                        )));
                    }
                    None => {
                        if fleet_wide {
                            return Err(usage(format!(
                                "--{} is given twice for the fleet",
                                p.name
                            )));
                        }
                        fleet_wide = true;
                        flags.values.insert(p.name, Given::flag(v));
                    }
                    Some(g) => {
                        if seen[g] {
                            return Err(usage(format!(
                                "--{} is given twice for --machine \"{}\"",
                                p.name,
                                machine_name(g)
                            )));
                        }
                        seen[g] = true;
                        flags.groups[g].insert(p.name, Given::flag(v));
                    }
                }
            }
        }
        if flags.has("hashrate") && !flags.groups.is_empty() {
            return Err(usage(
                "--hashrate cannot be used with --machine (give --units instead)",
            ));
        }
        let scenario = if A::SCENARIO_FILE {
            m.get_one::<PathBuf>("scenario").cloned()
        } else {
            None
        };
        let network = if A::SECTIONS.contains(&Section::State) {
            m.get_many::<PathBuf>("network")
                .map(|v| v.cloned().collect())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        Ok(ParamArgs {
            flags,
            scenario,
            network,
            _accepts: PhantomData,
        })
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
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

/// The network a command runs on, and where it came from.
#[derive(Debug, Clone)]
pub struct NetworkSetup {
    /// The resolved network.
    pub resolved: ResolvedNetwork,
    /// One line saying where the figures came from.
    pub source: String,
    /// The spec (flags and file).
    pub spec: Spec,
}

impl<A: Accepts> ParamArgs<A> {
    /// The scenario file (if any) merged under the flags. A file may hold more than the
    /// command uses (one file serves `project`, `backtest` and `pivot`); the rest is unused.
    pub fn spec(&self) -> Result<Spec, Error> {
        match &self.scenario {
            None => Ok(self.flags.clone()),
            Some(p) => {
                let name = p.display().to_string();
                let text = read_text(p, "--scenario", &name)?;
                let file = scenario::parse(&name, &text)?;
                Ok(file.merge(self.flags.clone()))
            }
        }
    }

    /// Reads the spec, its path files and the base network, and plans the scenario; prints
    /// the plan's warnings.
    pub fn plan(&self) -> Result<PlanSetup, Error> {
        let spec = self.spec()?;
        let today = Utc::now().date_naive();
        let inputs = scenario::network_inputs(&spec, Some(today))?;
        let base = self.base(&inputs)?;
        let series = read_series(&spec)?;
        let plan = scenario::plan(&spec, &base.state, &series, Some(today))?;
        for w in &plan.warnings {
            crate::warn(w);
        }
        let source = base.describe(&inputs, plan.network.rolled_days, plan.network.state.date);
        Ok(PlanSetup {
            plan,
            source,
            base: base.state,
            spec,
            series,
        })
    }

    /// The network alone (commands without a fleet or horizon); prints warnings.
    pub fn network_setup(&self) -> Result<NetworkSetup, Error> {
        let spec = self.spec()?;
        let today = Utc::now().date_naive();
        let inputs = scenario::network_inputs(&spec, Some(today))?;
        let base = self.base(&inputs)?;
        let resolved = inputs.resolve(&base.state)?;
        let mut warnings = spec.warnings();
        warnings.extend(spec.network_warnings(base.state.difficulty, base.state.hashrate_eh_s()));
        for w in &warnings {
            crate::warn(w);
        }
        let source = base.describe(&inputs, resolved.rolled_days, resolved.state.date);
        Ok(NetworkSetup {
            resolved,
            source,
            spec,
        })
    }

    /// The state the user's figures override: `--network` documents over the stored snapshot
    /// (`minecalc network update`), else over the embedded one. A stored snapshot that cannot
    /// be used is reported on stderr with its path and the fallback.
    pub fn base(&self, inputs: &NetworkInputs) -> Result<Base, Error> {
        let snap = super::network::base_snapshot();
        if let Some(why) = &snap.refused {
            crate::warn(&format!(
                "stored network snapshot {why}; using the embedded snapshot of {} (`minecalc network update` replaces the file)",
                snap.snap.as_of
            ));
        }
        let docs = base_from_documents(&self.network, &snap, inputs)?;
        let state = docs
            .as_ref()
            .map_or_else(|| snap.snap.state(), |d| d.state.clone());
        Ok(Base { snap, docs, state })
    }
}

/// The state a run's figures override, and where it came from.
pub struct Base {
    /// The stored or embedded snapshot.
    pub snap: BaseSnapshot,
    /// The `--network` documents, if any.
    pub docs: Option<DocumentBase>,
    /// The base state.
    pub state: NetworkState,
}

impl Base {
    /// One line saying where the figures came from. When the base state is older than the
    /// start and the user did not give the chain's state (height and difficulty or hashrate),
    /// one stderr line says how old the figures are, that the model rolled them forward, and
    /// how to refresh them.
    pub fn describe(&self, inputs: &NetworkInputs, rolled_days: i64, start: NaiveDate) -> String {
        let uses_snapshot_chain =
            !inputs.gives_chain_state() && !self.docs.as_ref().is_some_and(|d| d.gives_chain_state);
        let from = match &self.docs {
            Some(d) => d.source.clone(),
            None => self.snap.label(),
        };
        let gives_chain = inputs.height.is_some()
            && (inputs.difficulty.is_some() || inputs.hashrate_hs.is_some());
        if rolled_days > 0 && !gives_chain {
            let refresh = if self.docs.is_some() {
                "give current --network documents"
            } else {
                "run `minecalc network update`"
            };
            crate::warn(&format!(
                "the network figures ({from}) are {} older than the start {start}; the model rolled them forward. For current figures {refresh}, or give --height, --difficulty, --price and --fees",
                days(rolled_days)
            ));
        }
        if let Some(d) = &self.docs {
            describe_documents(d, inputs, rolled_days)
        } else if uses_snapshot_chain {
            if rolled_days > 0 {
                format!("{from} rolled forward {}", days(rolled_days))
            } else {
                from
            }
        } else {
            "flags".to_string()
        }
    }
}

/// `1 day`, `159 days`.
fn days(n: i64) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}

/// The largest input file or stream minecalc reads (scenario, series, history, documents): far
/// past any real one, and a bound on memory for `/dev/zero` or a runaway download.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a text file named by a flag. Every failure is bad input (exit 2): a missing, unreadable
/// or oversized file, a folder, non-UTF-8 text.
pub fn read_text(p: &Path, flag: &str, name: &str) -> Result<String, Error> {
    let file = std::fs::File::open(p).map_err(|e| read_error(flag, name, e))?;
    read_limited(file, &format!("{flag} {name}"))
}

/// Reads at most [`MAX_INPUT_BYTES`] of UTF-8 text from `r`; `what` names it in errors.
pub fn read_limited(r: impl Read, what: &str) -> Result<String, Error> {
    let mut bytes = Vec::new();
    r.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| read_error_named(what, e))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Error::input(format!(
            "{what}: larger than {} MB, the most minecalc reads",
            MAX_INPUT_BYTES / (1024 * 1024)
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Error::input(format!("{what}: not UTF-8 text (byte {})", at + 1))
    })
}

fn read_error(flag: &str, name: &str, e: std::io::Error) -> Error {
    read_error_named(&format!("{flag} {name}"), e)
}

fn read_error_named(what: &str, e: std::io::Error) -> Error {
    match e.kind() {
        std::io::ErrorKind::NotFound => Error::input(format!("{what}: no such file")),
        std::io::ErrorKind::InvalidData => Error::input(format!("{what}: not UTF-8 text")),
        std::io::ErrorKind::IsADirectory => Error::input(format!("{what}: is a folder")),
        _ => Error::input(format!("{what}: cannot read: {e}")),
    }
}

/// Reads the price and hashrate path files a spec names (relative to its scenario file).
pub fn read_series(spec: &Spec) -> Result<PathSeries, Error> {
    let read = |name: &str| -> Result<Vec<(NaiveDate, f64)>, Error> {
        let Some(path) = spec.path(name) else {
            return Ok(Vec::new());
        };
        let shown = path.display().to_string();
        let text = read_text(&path, &format!("--{name}"), &shown)?;
        // Each value within the bounds of the figure it gives.
        let figure = match name {
            "price-path" => "price",
            "hashprice-path" => return scenario::parse_hashprice_series(&shown, &text),
            _ => "network-hashrate",
        };
        minecalc::inputs::scenario::parse_series_of(&shown, &text, Some(figure))
    };
    Ok(PathSeries {
        price: read("price-path")?,
        hashrate_eh_s: read("hashrate-path")?,
        hashprice_usd_per_ph_day: read("hashprice-path")?,
    })
}

/// Reads the `--network` documents, in order; `-` is stdin (once).
pub fn read_documents(paths: &[PathBuf]) -> Result<Vec<Document>, Error> {
    let mut docs = Vec::with_capacity(paths.len());
    let mut stdin_read = false;
    for p in paths {
        let is_stdin = p.as_os_str() == "-";
        let name = format!("--network {}", p.display());
        let text = if is_stdin {
            if stdin_read {
                return Err(Error::input(
                    "--network -: stdin can be read only once; give it once",
                ));
            }
            stdin_read = true;
            read_limited(std::io::stdin().lock(), &name)?
        } else {
            let file = std::fs::File::open(p).map_err(|e| read_error_named(&name, e))?;
            read_limited(file, &name)?
        };
        docs.push(documents::parse_document(&name, &text)?);
    }
    Ok(docs)
}

/// The base state from the `--network` documents over the embedded snapshot, or `None`
/// without documents. Warnings the documents carry (a node's `warnings`) go to stderr.
pub fn base_from_documents(
    paths: &[PathBuf],
    snap: &BaseSnapshot,
    inputs: &NetworkInputs,
) -> Result<Option<DocumentBase>, Error> {
    if paths.is_empty() {
        return Ok(None);
    }
    let docs = read_documents(paths)?;
    for d in &docs {
        for w in &d.warnings {
            crate::warn(&format!("{}: the node warns: {w}", d.name));
        }
    }
    let merged = documents::merge(&docs);
    let today = Utc::now().date_naive();
    let fallback = snap.label();
    merged
        .base_state(&snap.snap.state(), &fallback, inputs, today)
        .map(Some)
}

/// One line saying where a run's network came from, when `--network` documents were given.
pub fn describe_documents(base: &DocumentBase, inputs: &NetworkInputs, rolled_days: i64) -> String {
    let flags = inputs.gives_chain_state()
        || inputs.price_usd.is_some()
        || inputs.fees_btc_per_block.is_some();
    let mut s = if flags {
        format!("flags over {}", base.source)
    } else {
        base.source.clone()
    };
    if rolled_days > 0 {
        s.push_str(&format!("; rolled forward {}", days(rolled_days)));
    }
    s
}

/// The commands that take the parameter flag `flag` (`--price`), for the hint when a command
/// that does not use it is given it.
pub fn commands_taking(flag: &str) -> Vec<&'static str> {
    let Some(p) = minecalc::params::get(
        flag.trim_start_matches("--")
            .split('=')
            .next()
            .unwrap_or(""),
    ) else {
        return Vec::new();
    };
    type Takes = fn(&Param) -> bool;
    let table: [(&str, Takes); 9] = [
        ("project", Projection::accepts),
        ("sweep", Projection::accepts),
        ("breakeven", Solver::accepts),
        ("pivot", PivotSet::accepts),
        ("backtest", FleetOnly::accepts),
        ("hashprice", HashpriceSet::accepts),
        ("machines", MachinesSet::accepts),
        ("halvings", HalvingsSet::accepts),
        ("network", NetworkView::accepts),
    ];
    table
        .iter()
        .filter(|(_, f)| f(p) && p.name != "label")
        .map(|(n, _)| *n)
        .collect()
}
