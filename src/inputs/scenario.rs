//! Scenario files and the plan: a TOML file read into a [`Spec`] (every key looked up in the
//! parameter registry, errors with the file's line and column), and a spec turned into a model
//! [`Scenario`](crate::model::projection::Scenario).
//!
//! ```toml
//! [network]
//! price = 59000
//! price_growth = 30          # % a year
//! hashrate_growth = 20
//!
//! [fleet]
//! power_cost = 0.05          # USD/kWh, every group unless it says otherwise
//! pool_fee = 2               # %
//! discount_rate = 10         # % a year
//!
//! [[fleet.group]]
//! machine = "Antminer S21 XP"
//! units = 1000
//! unit_price = 3500          # USD a machine
//!
//! [horizon]
//! halving = 2028             # or "next", or days = 3650, or until = "2030-12-31"
//! after = 365
//! ```
//!
//! `minecalc params` lists every key with its table, unit, default and range.

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::{Datelike, NaiveDate};
use toml::Spanned;

use crate::error::{Error, Origin};
use crate::inputs::machines::{self, Machine};
use crate::model::chain;
use crate::model::fleet::{Curtail, Fleet, FleetGroup, Retire, ShareBasis, Treasury};
use crate::model::network::{self, NetworkInputs, NetworkState, ResolvedNetwork};
use crate::model::projection::{estimate_halvings, Horizon, Scenario};
use crate::params::spec::{Given, Spec, Value, Values};
use crate::params::{suggest, Kind, Level, Table, PARAMS};

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

type SpannedTable = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

#[derive(serde::Deserialize)]
struct GroupsOnly {
    #[serde(default)]
    fleet: Option<FleetGroupsOnly>,
}

#[derive(serde::Deserialize)]
struct FleetGroupsOnly {
    #[serde(default)]
    group: Vec<SpannedTable>,
}

/// Reads a scenario file: every key must be a parameter of its table; unknown keys, wrong
/// types and bad values name the file, line and column.
pub fn parse(name: &str, text: &str) -> Result<Spec, Error> {
    let parse_err = |span: Option<Range<usize>>, message: String| {
        let (line, col) = span.map_or((1, 1), |s| line_col(text, s.start));
        Error::Parse {
            file: name.to_string(),
            line,
            col,
            message,
        }
    };
    // The TOML parser says nothing for some errors (a control character in a comment).
    let toml_err = |e: toml::de::Error| {
        let m = e.message().trim();
        let at = e
            .span()
            .and_then(|s| text.get(s.start..).and_then(|t| t.chars().next()));
        let message = match (m.is_empty(), at) {
            (false, _) => m.to_string(),
            (true, Some(c)) if c.is_control() => {
                format!(
                    "a control character ({}) is not allowed",
                    c.escape_default()
                )
            }
            (true, _) => "invalid TOML here".to_string(),
        };
        parse_err(e.span(), message)
    };
    let doc: BTreeMap<Spanned<String>, SpannedTable> = toml::from_str(text).map_err(toml_err)?;
    let groups: GroupsOnly = toml::from_str(text).map_err(toml_err)?;
    let mut spec = Spec {
        file: Some(name.to_string()),
        ..Spec::default()
    };
    for (table_name, entries) in doc {
        let Some(table) = [Table::Network, Table::Fleet, Table::Horizon, Table::Pivot]
            .into_iter()
            .find(|t| t.name() == table_name.get_ref())
        else {
            return Err(parse_err(
                Some(table_name.span()),
                format!(
                    "unknown table [{}]; tables: [network], [fleet], [[fleet.group]], [horizon], [pivot]",
                    table_name.get_ref()
                ),
            ));
        };
        for (key, value) in entries {
            if table == Table::Fleet && key.get_ref() == "group" {
                continue; // read below, with spans of their own
            }
            read_entry(name, text, table, false, &key, &value, &mut spec.values)?;
        }
    }
    for g in groups.fleet.map(|f| f.group).unwrap_or_default() {
        let mut values = Values::new();
        for (key, value) in g {
            read_entry(name, text, Table::Fleet, true, &key, &value, &mut values)?;
        }
        spec.groups.push(values);
    }
    if let Some(given) = given_twice(&spec, &["days", "until", "halving"], "[horizon]") {
        return Err(given);
    }
    if let Some(given) = given_twice(&spec, GROWTH_CHOICE, "[network]") {
        return Err(given);
    }
    Ok(spec)
}

/// A file may give only one of days, until and halving (as the flags may), and one of the
/// hashrate growth's parameters.
fn given_twice(spec: &Spec, choice: &[&str], table: &str) -> Option<Error> {
    let given: Vec<&Given> = choice.iter().filter_map(|n| spec.get(n)).collect();
    if given.len() > 1 {
        if let Origin::File { file, line, col } = &given[1].origin {
            let keys: Vec<&str> = choice.iter().map(|n| crate::params::param(n).key).collect();
            let list = match keys.as_slice() {
                [a, b, c] => format!("{a}, {b} and {c}"),
                _ => keys.join(", "),
            };
            return Some(Error::Parse {
                file: file.clone(),
                line: *line,
                col: *col,
                message: format!("give one of {list} in {table}"),
            });
        }
    }
    None
}

fn read_entry(
    file: &str,
    text: &str,
    table: Table,
    in_group: bool,
    key: &Spanned<String>,
    value: &Spanned<toml::Value>,
    out: &mut Values,
) -> Result<(), Error> {
    let (line, col) = line_col(text, key.span().start);
    let where_ = if in_group {
        "[[fleet.group]]".to_string()
    } else {
        format!("[{}]", table.name())
    };
    let fits = |p: &&crate::params::Param| {
        p.table == table
            && !matches!(
                (in_group, p.level),
                (true, Level::Scenario) | (false, Level::Group)
            )
    };
    let Some(p) = PARAMS.iter().filter(fits).find(|p| p.key == key.get_ref()) else {
        let hint = suggest(
            &key.get_ref().replace('_', "-"),
            PARAMS.iter().filter(fits).map(|p| p.name),
        )
        .and_then(crate::params::get)
        .map(|p| format!("; did you mean {}?", p.key))
        .unwrap_or_default();
        let elsewhere = PARAMS
            .iter()
            .find(|p| p.key == key.get_ref())
            .map(|p| {
                if p.level == Level::Group {
                    " (it belongs in [[fleet.group]])".to_string()
                } else {
                    format!(" (it belongs in [{}])", p.table.name())
                }
            })
            .unwrap_or_default();
        return Err(Error::Parse {
            file: file.to_string(),
            line,
            col,
            message: format!(
                "unknown key `{}` in {where_}{elsewhere}{hint}",
                key.get_ref()
            ),
        });
    };
    let (vline, vcol) = line_col(text, value.span().start);
    let origin = Origin::File {
        file: file.to_string(),
        line: vline,
        col: vcol,
    };
    let wrong = |want: &str| Error::Parse {
        file: file.to_string(),
        line: vline,
        col: vcol,
        message: format!("{} must be {want}", p.key),
    };
    let v = match (p.kind, value.get_ref()) {
        (Kind::Number | Kind::Integer, toml::Value::Integer(i)) => Value::Num(*i as f64),
        (Kind::Number | Kind::Integer, toml::Value::Float(f)) => Value::Num(*f),
        (Kind::Number | Kind::Integer, toml::Value::String(s)) => Value::Text(s.clone()),
        (Kind::Number | Kind::Integer, _) => return Err(wrong("a number")),
        (Kind::Date, toml::Value::Datetime(d)) => Value::Text(d.to_string()),
        (Kind::Date, toml::Value::String(s)) => Value::Text(s.clone()),
        (Kind::Date, _) => return Err(wrong("a date YYYY-MM-DD")),
        (Kind::Halving, toml::Value::Integer(i)) => Value::Text(i.to_string()),
        (Kind::Halving, toml::Value::String(s)) => Value::Text(s.clone()),
        (Kind::Halving, _) => return Err(wrong("a year (e.g. 2028) or \"next\"")),
        (Kind::Switch, toml::Value::Boolean(b)) => Value::Bool(*b),
        (Kind::Switch, _) => return Err(wrong("true or false")),
        (Kind::File | Kind::Text | Kind::Choice(_), toml::Value::String(s)) => {
            Value::Text(s.clone())
        }
        (Kind::File | Kind::Text | Kind::Choice(_), _) => return Err(wrong("a string")),
    };
    out.insert(p.name, Given { value: v, origin });
    Ok(())
}

/// Dated series for the paths, already read from their files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PathSeries {
    /// BTC price points, USD.
    pub price: Vec<(NaiveDate, f64)>,
    /// Network hashrate points, EH/s.
    pub hashrate_eh_s: Vec<(NaiveDate, f64)>,
    /// Hashprice points, USD per PH/s per day (`--hashprice-path`: they set revenue).
    pub hashprice_usd_per_ph_day: Vec<(NaiveDate, f64)>,
}

/// A spec turned into a model scenario, with what the header needs to say.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The model scenario.
    pub scenario: Scenario,
    /// The network as resolved (state at the start, paths, days rolled forward).
    pub network: ResolvedNetwork,
    /// True when no fleet figure was given (the default fleet).
    pub default_fleet: bool,
    /// The halving the horizon runs through, if any.
    pub halving_height: Option<u64>,
    /// Values that are valid but look like slips, one line each (the caller prints them).
    pub warnings: Vec<String>,
    /// Solo mining (`--solo`): the header gives the odds of a block.
    pub solo: bool,
    /// Where the hashrate growth came from, for headers ([`growth_note`]).
    pub growth_note: String,
    /// The header's line when a hashprice path sets revenue ([`hashprice_note`]).
    pub hashprice_note: Option<String>,
}

/// Default fleet: 1 PH/s.
pub const DEFAULT_HASHRATE_THS: f64 = 1000.0;
/// Default efficiency: an Antminer S21 Pro-class machine, J/TH.
pub const DEFAULT_EFFICIENCY_J_PER_TH: f64 = 15.0;
/// Default power cost, USD/kWh.
pub const DEFAULT_POWER_COST_USD_PER_KWH: f64 = 0.05;
/// Default days after a halving.
pub const DEFAULT_AFTER_DAYS: i64 = 365;

/// The network inputs of a spec, checked.
pub fn network_inputs(spec: &Spec, today: Option<NaiveDate>) -> Result<NetworkInputs, Error> {
    let pct = |name: &str| -> Result<f64, Error> { Ok(spec.num(name)?.unwrap_or(0.0) / 100.0) };
    Ok(NetworkInputs {
        start: spec.date("start", today)?,
        today,
        height: spec.num("height")?.map(|h| h as u64),
        difficulty: spec.num("difficulty")?,
        hashrate_hs: spec.num("network-hashrate")?.map(|eh| eh * 1e18),
        fees_btc_per_block: spec.num("fees")?,
        price_usd: spec.num("price")?,
        hashrate_growth: hashrate_growth(spec)?,
        fee_growth: pct("fee-growth")?,
        price_growth: pct("price-growth")?,
    })
}

pub use crate::params::spec::GROWTH_CHOICE;

/// The network hashrate's annual growth (fraction): `--hashrate-growth`, or the growth a
/// `--difficulty-change` (per retarget epoch) or `--difficulty-change-monthly` converts to
/// (model/network.rs gives the conversions and their derivation). Two of them given, or a
/// difficulty change whose growth is outside `--hashrate-growth`'s bounds, is an error naming
/// them.
pub fn hashrate_growth(spec: &Spec) -> Result<f64, Error> {
    let given: Vec<(&str, &Given)> = GROWTH_CHOICE
        .iter()
        .filter_map(|n| spec.get(n).map(|g| (*n, g)))
        .collect();
    if let [(a, ga), (b, gb), ..] = given.as_slice() {
        let name = |n: &str, g: &Given| {
            let p = crate::params::param(n);
            g.origin.describe_key(p.name, p.key)
        };
        return Err(Error::input(format!(
            "{} cannot be used with {}: give one of --hashrate-growth, --difficulty-change (per retarget epoch) and --difficulty-change-monthly",
            name(a, ga),
            name(b, gb)
        )));
    }
    let Some(&(name, g)) = given.first() else {
        return Ok(0.0);
    };
    let Some(v) = spec.num(name)? else {
        return Ok(0.0);
    };
    let growth = match name {
        "difficulty-change" => network::hashrate_growth_from_difficulty_change(v / 100.0),
        "difficulty-change-monthly" => {
            network::hashrate_growth_from_monthly_difficulty_change(v / 100.0)
        }
        _ => return Ok(v / 100.0),
    };
    let limit = crate::params::param("hashrate-growth");
    if !limit.bounds.contains(growth * 100.0) {
        let p = crate::params::param(name);
        return Err(p.error(
            g.origin.clone(),
            crate::params::show(v),
            format!(
                "must convert to a hashrate growth {} (% a year, as --hashrate-growth; it gives {:.0}%)",
                limit.bounds.rule_for(growth * 100.0).trim_start_matches("must be "),
                growth * 100.0
            ),
        ));
    }
    Ok(growth)
}

/// Where the hashrate growth came from, for headers: ` (a difficulty change of +2% an epoch)`,
/// ` (a difficulty change of +3% a month)`, or nothing for `--hashrate-growth`.
pub fn growth_note(spec: &Spec) -> String {
    let show = |name: &str| {
        spec.num(name).ok().flatten().map(|v| {
            format!(
                "{}{}%",
                if v > 0.0 { "+" } else { "" },
                crate::params::show(v)
            )
        })
    };
    if let Some(v) = show("difficulty-change") {
        format!(" (a difficulty change of {v} an epoch)")
    } else if let Some(v) = show("difficulty-change-monthly") {
        format!(" (a difficulty change of {v} a month)")
    } else {
        String::new()
    }
}

/// The header's line when a hashprice path sets revenue: the file, its dates and what holds
/// past them. `None` without one.
pub fn hashprice_note(spec: &Spec, series: &PathSeries) -> Option<String> {
    let pts = &series.hashprice_usd_per_ph_day;
    let (&(d0, v0), &(dn, vn)) = (pts.first()?, pts.last()?);
    let file = spec
        .path("hashprice-path")
        .map_or(String::new(), |p| format!(" {}", p.display()));
    Some(format!(
        "revenue  follows the hashprice path{file} ({} points, {d0} to {dn}; linear between them, ${} a PH/s a day before, ${} after): hashvalue = hashprice / price; difficulty, blocks and subsidy are the network's",
        pts.len(),
        crate::params::show(v0),
        crate::params::show(vn)
    ))
}

/// True when the spec gives no fleet figure at all.
pub fn is_default_fleet(spec: &Spec) -> bool {
    spec.groups.is_empty()
        && !spec.has("hashrate")
        && !spec.has("efficiency")
        && !spec.has("power-cost")
}

/// True when the spec describes a fleet (a hashrate or machine groups).
pub fn gives_fleet(spec: &Spec) -> bool {
    spec.has("hashrate") || !spec.groups.is_empty()
}

/// The fleet, checked; machines come from `catalog`. Without a start date, groups age from
/// their energization only and `retire = "halving"` is refused (see [`fleet_at`]).
pub fn fleet(spec: &Spec, catalog: &[Machine]) -> Result<Fleet, Error> {
    fleet_at(spec, || catalog, None, None)
}

/// When a fleet runs: its first day (energizations before it are refused; machines age from
/// it) and the height `retire = "halving"` means.
#[derive(Debug, Clone, Copy, Default)]
pub struct FleetClock {
    /// The first day of the run.
    pub start: Option<NaiveDate>,
    /// The next halving block after the start.
    pub next_halving: Option<u64>,
}

/// A group's text value of `name`, or the fleet-wide one.
fn text_or(g: &Values, spec: &Spec, name: &str) -> Option<(String, Origin)> {
    Spec::text_in(g, name).or_else(|| spec.text(name))
}

/// A group's checked number of `name`, or the fleet-wide one.
fn num_or(g: &Values, spec: &Spec, name: &str) -> Result<Option<f64>, Error> {
    Ok(match Spec::num_in(g, name)? {
        Some(v) => Some(v),
        None => spec.num(name)?,
    })
}

/// A date parameter of a group (or the fleet), checked, with its origin.
fn date_or(g: &Values, spec: &Spec, name: &str) -> Result<Option<(NaiveDate, Origin)>, Error> {
    let Some((t, origin)) = text_or(g, spec, name) else {
        return Ok(None);
    };
    match crate::params::spec::parse_date(t.trim()) {
        Some(d) => Ok(Some((d, origin))),
        None => Err(crate::params::param(name).error(
            origin,
            format!("\"{t}\""),
            format!("must be {}", crate::params::DATE_RULE),
        )),
    }
}

/// Sets a group's dates, wear, hosting, resale and depreciation from its values (or the
/// fleet's), checked against the clock.
fn life_of(
    group: &mut FleetGroup,
    g: &Values,
    spec: &Spec,
    unit_price: Option<f64>,
    machines: bool,
    clock: FleetClock,
) -> Result<(), Error> {
    let pct =
        |name: &str| -> Result<f64, Error> { Ok(num_or(g, spec, name)?.unwrap_or(0.0) / 100.0) };
    group.degradation = pct("degradation")?;
    group.failure_rate = pct("failure-rate")?;
    group.profit_share = pct("profit-share")?;
    let basis = text_or(g, spec, "profit-share-on");
    group.profit_share_basis = match basis.as_ref().map(|b| b.0.trim().to_ascii_lowercase()) {
        None => ShareBasis::Revenue,
        Some(b) if b == "revenue" => ShareBasis::Revenue,
        Some(b) if b == "margin" => ShareBasis::Margin,
        Some(b) => {
            let origin = basis.map(|b| b.1).unwrap_or(Origin::Flag);
            return Err(crate::params::param("profit-share-on").error(
                origin,
                format!("\"{b}\""),
                "must be revenue or margin",
            ));
        }
    };
    group.hosting_fee_usd_per_month = num_or(g, spec, "hosting-fee")?.unwrap_or(0.0);
    if group.hosting_fee_usd_per_month > 0.0 && !machines {
        let (v, origin) = text_or(g, spec, "hosting-fee").unwrap_or_default_origin();
        return Err(crate::params::param("hosting-fee").error(
            origin,
            v,
            "is per machine: give the group a --machine (with --units)",
        ));
    }
    group.depreciation_years = num_or(g, spec, "depreciation-years")?.unwrap_or(0.0);
    let resale = num_or(g, spec, "resale")?;
    let resale_pct = num_or(g, spec, "resale-pct")?;
    group.resale_usd_per_unit = match (resale, resale_pct) {
        (Some(_), Some(_)) => {
            let (v, origin) = text_or(g, spec, "resale-pct").unwrap_or_default_origin();
            return Err(crate::params::param("resale-pct").error(
                origin,
                v,
                "cannot be given with --resale (one resale value per group)",
            ));
        }
        (Some(r), None) => r,
        (None, Some(p)) => match unit_price {
            Some(u) => u * p / 100.0,
            None => {
                let (v, origin) = text_or(g, spec, "resale-pct").unwrap_or_default_origin();
                return Err(crate::params::param("resale-pct").error(
                    origin,
                    v,
                    "is a share of the unit price: give --unit-price (or use --resale USD)",
                ));
            }
        },
        (None, None) => 0.0,
    };
    if let Some((d, origin)) = date_or(g, spec, "energize")? {
        if let Some(start) = clock.start.filter(|s| d < *s) {
            return Err(crate::params::param("energize").error(
                origin,
                d.to_string(),
                format!("is before the horizon's first day {start}"),
            ));
        }
        group.energize = Some(d);
    }
    group.installed_on = group.energize.or(clock.start);
    if let Some((t, origin)) = text_or(g, spec, "retire") {
        let rule = format!("must be {} or `halving`", crate::params::DATE_RULE);
        group.retire = Some(if t.trim().eq_ignore_ascii_case("halving") {
            match clock.next_halving {
                Some(h) => Retire::Halving(h),
                None => {
                    return Err(crate::params::param("retire").error(
                        origin,
                        format!("\"{t}\""),
                        "`halving` needs a projection (give a date here)",
                    ))
                }
            }
        } else {
            let d = crate::params::spec::parse_date(t.trim()).ok_or_else(|| {
                crate::params::param("retire").error(origin.clone(), format!("\"{t}\""), rule)
            })?;
            let first = group.energize.or(clock.start);
            if let Some(f) = first.filter(|f| d <= *f) {
                let what = if group.energize.is_some() {
                    "is not after --energize"
                } else {
                    "is not after the horizon's first day"
                };
                return Err(crate::params::param("retire").error(
                    origin,
                    d.to_string(),
                    format!("{what} {f}"),
                ));
            }
            Retire::Date(d)
        });
    }
    Ok(())
}

/// `unwrap_or_default` for a value and its origin (a flag when unknown).
trait OrFlag {
    fn unwrap_or_default_origin(self) -> (String, Origin);
}

impl OrFlag for Option<(String, Origin)> {
    fn unwrap_or_default_origin(self) -> (String, Origin) {
        self.unwrap_or((String::new(), Origin::Flag))
    }
}

/// A schedule `DATE:UNITS,DATE:UNITS`, checked.
fn schedule_of(t: &str, origin: &Origin) -> Result<Vec<(NaiveDate, f64)>, Error> {
    let p = crate::params::param("schedule");
    let mut out: Vec<(NaiveDate, f64)> = Vec::new();
    for part in t.split(',').map(str::trim).filter(|x| !x.is_empty()) {
        let bad = |why: &str| p.error(origin.clone(), format!("\"{part}\""), why.to_string());
        let (d, u) = part
            .split_once(':')
            .ok_or_else(|| bad("must be DATE:UNITS, e.g. 2027-03-01:2000"))?;
        let date = crate::params::spec::parse_date(d.trim())
            .ok_or_else(|| bad(&format!("needs {}", crate::params::DATE_RULE)))?;
        let units: f64 = u
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v > 0.0 && *v <= 1e9 && v.fract() == 0.0)
            .ok_or_else(|| bad("needs a whole number of units from 1 to 1e9"))?;
        if out.last().is_some_and(|l| l.0 >= date) {
            return Err(bad("dates must increase"));
        }
        out.push((date, units));
    }
    if out.is_empty() {
        return Err(p.error(
            origin.clone(),
            format!("\"{t}\""),
            "must list DATE:UNITS batches",
        ));
    }
    Ok(out)
}

/// [`plan`]'s scenario for `spec` when `spec` differs from the spec `base` was planned from in
/// fleet, finance and curtailment parameters only: `base`'s network, paths and horizon with
/// the fleet `spec` describes, without resolving the network again. Like every model entry
/// point, [`crate::model::summary::summarize_on`] validates the scenario before it runs it.
pub fn with_fleet_of(spec: &Spec, base: &Scenario) -> Result<Scenario, Error> {
    let fleet = fleet_at(
        spec,
        machines::catalog,
        Some(base.start()),
        Some(chain::next_halving_height(base.network.height)),
    )?;
    let scenario = Scenario {
        network: base.network.clone(),
        drivers: base.drivers.clone(),
        fleet,
        horizon: base.horizon,
    };
    Ok(scenario)
}

/// The fleet on a clock (see [`fleet`]); the catalog is read only where a group names a
/// machine (the embedded catalog is parsed on first use, which a plain fleet never needs).
pub fn fleet_at<'c>(
    spec: &Spec,
    catalog: impl Fn() -> &'c [Machine],
    start: Option<NaiveDate>,
    next_halving: Option<u64>,
) -> Result<Fleet, Error> {
    let clock = FleetClock {
        start,
        next_halving,
    };
    let power_cost = spec.num("power-cost")?;
    let efficiency = spec.num("efficiency")?;
    let uptime = spec.num("uptime")?;
    let pool_fee = spec.num("pool-fee")?;
    let unit_price = spec.num("unit-price")?;
    let fleet_opex = spec.num("opex")?;
    let mut groups = Vec::new();
    let mut capex = 0.0;
    if spec.groups.is_empty() {
        let hashrate_ths = spec.num("hashrate")?.unwrap_or(DEFAULT_HASHRATE_THS);
        let eff = efficiency.unwrap_or(DEFAULT_EFFICIENCY_J_PER_TH);
        let mut g = FleetGroup {
            label: format!("{hashrate_ths} TH/s at {eff} J/TH"),
            hashrate_ths,
            efficiency_j_per_th: eff,
            power_cost_usd_per_kwh: power_cost.unwrap_or(DEFAULT_POWER_COST_USD_PER_KWH),
            uptime: uptime.unwrap_or(100.0) / 100.0,
            pool_fee: pool_fee.unwrap_or(0.0) / 100.0,
            // A bare hashrate priced with --unit-price is one lot.
            units: if unit_price.is_some() { 1.0 } else { 0.0 },
            capex_usd: unit_price.unwrap_or(0.0),
            ..FleetGroup::default()
        };
        life_of(&mut g, &Values::new(), spec, unit_price, false, clock)?;
        capex = g.capex_usd;
        groups.push(g);
    } else if let Some(g) = spec.get("hashrate") {
        return Err(crate::params::param("hashrate").error(
            g.origin.clone(),
            Spec::text_in(&spec.values, "hashrate")
                .map(|t| t.0)
                .unwrap_or_default(),
            "cannot be used with machine groups (give units instead)",
        ));
    }
    for g in &spec.groups {
        let num = |name: &str| Spec::num_in(g, name);
        let machine = match Spec::text_in(g, "machine") {
            Some((name, origin)) => Some(machines::find(catalog(), &name).map_err(|e| {
                Error::Input(format!(
                    "{}{e}",
                    match &origin {
                        Origin::File { file, line, col } =>
                            format!("{file}:{line}:{col}: machine "),
                        _ => "--machine ".to_string(),
                    }
                ))
            })?),
            None => None,
        };
        let units = num("units")?;
        let hashrate = num("hashrate")?;
        let (hashrate_ths, label, eff_default) = match (machine, units, hashrate) {
            (Some(m), Some(u), None) => (
                m.hashrate_ths * u,
                format!("{} x {}", m.model, u),
                Some(m.efficiency_j_per_th),
            ),
            (Some(m), None, None) => (
                m.hashrate_ths,
                format!("{} x 1", m.model),
                Some(m.efficiency_j_per_th),
            ),
            (None, None, Some(h)) => (h, format!("{h} TH/s"), None),
            (Some(_), _, Some(_)) => {
                return Err(group_error(
                    g,
                    "hashrate",
                    "cannot be given with a machine (give units instead)",
                ))
            }
            (None, Some(_), _) => {
                return Err(group_error(g, "units", "needs a machine (--machine NAME)"))
            }
            (None, None, None) => {
                return Err(Error::input(format!(
                    "{}a fleet group needs a machine (with units) or a hashrate",
                    spec.file
                        .as_ref()
                        .map(|n| format!("{n}: "))
                        .unwrap_or_default()
                )))
            }
        };
        let eff = match num("efficiency")? {
            Some(e) => e,
            None => efficiency.or(eff_default).ok_or_else(|| {
                Error::input(format!("group \"{label}\" needs an efficiency (J/TH)"))
            })?,
        };
        let schedule = match Spec::text_in(g, "schedule") {
            Some((t, origin)) => {
                if machine.is_none() {
                    return Err(group_error(
                        g,
                        "schedule",
                        "needs a machine (--machine NAME)",
                    ));
                }
                schedule_of(&t, &origin)?
            }
            None => Vec::new(),
        };
        let group_units = units.unwrap_or(if machine.is_some() && schedule.is_empty() {
            1.0
        } else {
            0.0
        });
        // No unit price given: the catalog's price for the machine, where it has one.
        let group_price = num("unit-price")?
            .or(unit_price)
            .or(machine.and_then(|m| m.price_usd));
        let group_capex = match (num("capex")?, group_price) {
            (Some(c), _) => c,
            (None, Some(p)) => p * group_units,
            (None, None) => 0.0,
        };
        let mut group = FleetGroup {
            label: Spec::text_in(g, "label").map(|v| v.0).unwrap_or(label),
            hashrate_ths,
            efficiency_j_per_th: eff,
            power_cost_usd_per_kwh: num("power-cost")?
                .or(power_cost)
                .unwrap_or(DEFAULT_POWER_COST_USD_PER_KWH),
            uptime: num("uptime")?.or(uptime).unwrap_or(100.0) / 100.0,
            pool_fee: num("pool-fee")?.or(pool_fee).unwrap_or(0.0) / 100.0,
            opex_usd_per_day: num("opex")?.unwrap_or(0.0),
            units: group_units,
            capex_usd: group_capex,
            ..FleetGroup::default()
        };
        life_of(&mut group, g, spec, group_price, machine.is_some(), clock)?;
        // Each batch of a schedule is a group of its own, energized (and ageing) from its date.
        for (date, n) in &schedule {
            // (A schedule without a machine was refused above.)
            let Some(m) = machine else {
                return Err(group_error(
                    g,
                    "schedule",
                    "needs a machine (--machine NAME)",
                ));
            };
            if let Some(start) = clock.start.filter(|s| date < s) {
                let (t, origin) = Spec::text_in(g, "schedule").unwrap_or_default_origin();
                return Err(crate::params::param("schedule").error(
                    origin,
                    format!("\"{t}\""),
                    format!("has a batch on {date}, before the horizon's first day {start}"),
                ));
            }
            let mut batch = group.clone();
            batch.label = format!("{} x {} from {date}", m.model, n);
            batch.units = *n;
            batch.hashrate_ths = m.hashrate_ths * n;
            batch.capex_usd = group_price.map_or(0.0, |p| p * n);
            batch.energize = Some(*date);
            batch.installed_on = Some(*date);
            if let Some(Retire::Date(r)) = batch.retire {
                if r <= *date {
                    return Err(group_error(
                        g,
                        "schedule",
                        &format!("has a batch on {date}, not before --retire {r}"),
                    ));
                }
            }
            capex += batch.capex_usd;
            groups.push(batch);
        }
        if group.units > 0.0 || schedule.is_empty() {
            capex += group.capex_usd;
            groups.push(group);
        }
    }
    if let Some(c) = spec.num("capex")? {
        // One figure for the whole fleet, spent on the first day.
        capex = c;
        for g in &mut groups {
            g.capex_usd = 0.0;
        }
    }
    let curtail_hours = spec.num("curtail-hours")?;
    let peak = spec.num("peak-power-cost")?;
    if curtail_hours.unwrap_or(0.0) > 0.0 && peak.is_none() {
        return Err(Error::input(
            "--curtail-hours needs --peak-power-cost (the peak-hour price, USD/kWh)",
        ));
    }
    let discount = spec.num("discount-rate")?.unwrap_or(0.0);
    let fleet = Fleet {
        groups,
        curtail: Curtail {
            shutdown: spec.switch("curtail"),
            peak_hours: curtail_hours.unwrap_or(0.0),
            peak_power_cost_usd_per_kwh: peak,
            idle_peak: curtail_hours.unwrap_or(0.0) > 0.0,
        },
        capex_usd: capex,
        opex_usd_per_day: fleet_opex.unwrap_or(0.0),
        discount_rate: discount / 100.0,
        depreciation_years: spec.num("depreciation-years")?.unwrap_or(0.0),
        tax_rate: spec.num("tax-rate")?.unwrap_or(0.0) / 100.0,
        treasury: treasury_of(spec)?,
    };
    fleet.validate()?;
    Ok(fleet)
}

/// The treasury policy: `--treasury`, and `--hold` (which implies `hold`).
fn treasury_of(spec: &Spec) -> Result<Treasury, Error> {
    let hold = spec.num("hold")?.map(|h| h / 100.0);
    Ok(match (spec.choice("treasury")?, hold) {
        (None | Some("sell-all"), None) => Treasury::SellAll,
        (None | Some("hold"), Some(h)) => Treasury::Hold(h),
        (Some("hold"), None) => Treasury::Hold(1.0),
        (Some("sell-to-cover"), None) => Treasury::SellToCover,
        (Some(policy), Some(_)) => {
            let (v, origin) = spec.text("hold").unwrap_or_default_origin();
            return Err(crate::params::param("hold").error(
                origin,
                v,
                format!("goes with --treasury hold, not --treasury {policy}"),
            ));
        }
        (Some(_), None) => Treasury::SellAll,
    })
}

fn group_error(g: &Values, name: &str, rule: &str) -> Error {
    let p = crate::params::param(name);
    let (value, origin) = Spec::text_in(g, name).unwrap_or((String::new(), Origin::Flag));
    p.error(origin, value, rule)
}

/// Turns the spec into a scenario on `base` (the network the spec's figures override).
pub fn plan(
    spec: &Spec,
    base: &NetworkState,
    series: &PathSeries,
    today: Option<NaiveDate>,
) -> Result<Plan, Error> {
    let inputs = network_inputs(spec, today)?;
    let mut network = inputs.resolve(base)?;
    if !series.price.is_empty() {
        network.drivers.price_usd = network.drivers.price_usd.clone().with_points(&series.price);
    }
    if !series.hashrate_eh_s.is_empty() {
        let pts: Vec<(NaiveDate, f64)> = series
            .hashrate_eh_s
            .iter()
            .map(|(d, v)| (*d, v * 1e18))
            .collect();
        network.drivers.hashrate_hs = network.drivers.hashrate_hs.clone().with_points(&pts);
    }
    network.drivers.hashprice_usd_per_ph_day =
        network::hashprice_path(&series.hashprice_usd_per_ph_day);
    // The state on the start date follows the paths where they cover it.
    network.state.price_usd = network.drivers.price_usd.on(network.state.date);
    network.state.hashrate_hs = network.drivers.hashrate_hs.on(network.state.date);
    let start = network.state.date;
    let fleet = fleet_at(
        spec,
        machines::catalog,
        Some(start),
        Some(chain::next_halving_height(network.state.height)),
    )?;
    let after = spec.num("after")?.map_or(DEFAULT_AFTER_DAYS, |a| a as i64);
    let mut halving_height = None;
    let horizon = if let Some(d) = spec.num("days")? {
        Horizon::Days(d as i64)
    } else if let Some(u) = spec.date("until", today)? {
        Horizon::Until(u)
    } else {
        let height = halving_height_of(spec, &network)?;
        halving_height = Some(height);
        Horizon::Halving {
            height,
            after_days: after,
        }
    };
    let scenario = Scenario {
        network: network.state.clone(),
        drivers: network.drivers.clone(),
        fleet,
        horizon,
    };
    scenario.validate()?;
    let mut warnings = spec.warnings();
    warnings.extend(spec.network_warnings(base.difficulty, base.hashrate_eh_s()));
    Ok(Plan {
        scenario,
        network,
        default_fleet: is_default_fleet(spec),
        halving_height,
        warnings,
        solo: spec.switch("solo"),
        growth_note: growth_note(spec),
        hashprice_note: hashprice_note(spec, series),
    })
}

fn halving_height_of(spec: &Spec, net: &ResolvedNetwork) -> Result<u64, Error> {
    let state = &net.state;
    let next = chain::next_halving_height(state.height);
    let Some((v, origin)) = spec.text("halving") else {
        return Ok(next);
    };
    let p = crate::params::param("halving");
    if v.trim().eq_ignore_ascii_case("next") {
        return Ok(next);
    }
    let year: i64 = v.trim().parse().map_err(|_| {
        p.error(
            origin.clone(),
            format!("\"{v}\""),
            "must be a year (e.g. 2028) or \"next\"",
        )
    })?;
    let key = match &origin {
        Origin::File { file, line, col } => format!("{file}:{line}:{col}: halving {year}"),
        _ => format!("--halving {year}"),
    };
    if let Some(&(h, _)) = chain::PAST_HALVINGS.iter().find(|(_, t)| {
        chrono::DateTime::from_timestamp(*t, 0).map(|d| d.year() as i64) == Some(year)
    }) {
        return Err(Error::input(format!(
            "{key}: the halving at height {h} is already mined (the network starts at height {} on {})",
            state.height, state.date
        )));
    }
    // Estimate only as many halvings as the year can need (about one every four years).
    let need = ((year - i64::from(state.date.year())) / 3 + 2).clamp(1, 12) as usize;
    let est = estimate_halvings(state, &net.drivers, need);
    if let Some(&(h, _)) = est.iter().find(|(_, t)| t.year() as i64 == year) {
        return Ok(h);
    }
    let listed: Vec<String> = est
        .iter()
        .take(3)
        .map(|(h, t)| format!("{} at height {}", t.format("%Y-%m-%d"), h))
        .collect();
    Err(Error::input(format!(
        "{key}: no halving is expected in {year} on these paths (next: {})",
        listed.join(", ")
    )))
}

/// Parses a dated series: `date,value` (any header names; the first column a YYYY-MM-DD date,
/// the value the second column) or a Yahoo-style history with `Date` and `Close` columns.
/// Errors name the file, line and column; dates must increase.
pub fn parse_series(name: &str, text: &str) -> Result<Vec<(NaiveDate, f64)>, Error> {
    parse_series_of(name, text, None)
}

/// As [`parse_series`], with each value checked against the bounds of the registry's parameter
/// `param` (`price`, `network-hashrate`): the same bounds as the flag's.
pub fn parse_series_of(
    name: &str,
    text: &str,
    param: Option<&str>,
) -> Result<Vec<(NaiveDate, f64)>, Error> {
    series(name, text, param, true)
}

/// A `--hashprice-path` file: `date,value` in USD per PH/s per day, as [`parse_series`] reads
/// it, with every row's value given (an empty or `null` cell is a gap: an error naming its
/// line and column) and within the parameter's bounds (above 0, at most 1e9).
pub fn parse_hashprice_series(name: &str, text: &str) -> Result<Vec<(NaiveDate, f64)>, Error> {
    series(name, text, Some("hashprice-path"), false)
}

/// [`parse_series_of`]; `gaps` true skips rows without a value (Yahoo's `null`).
fn series(
    name: &str,
    text: &str,
    param: Option<&str>,
    gaps: bool,
) -> Result<Vec<(NaiveDate, f64)>, Error> {
    let at = |line: u64, col: usize, message: String| Error::Parse {
        file: name.to_string(),
        line: line as usize,
        col,
        message,
    };
    let mut r = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = r
        .headers()
        .map_err(|e| at(1, 1, crate::error::csv_message(&e)))?
        .clone();
    let find = |want: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(want))
    };
    let date_col = find("date").or_else(|| find("time")).unwrap_or(0);
    // Without a header its first row would be lost: a header is required.
    let first = headers.get(date_col).unwrap_or("").trim();
    if crate::params::spec::parse_date(first.get(..10).unwrap_or(first)).is_some() {
        return Err(at(
            1,
            date_col + 1,
            format!("expected a header row (date,value), got the date \"{first}\""),
        ));
    }
    let value_col = find("close")
        .or_else(|| find("value"))
        .or_else(|| find("price_usd"))
        .unwrap_or(1);
    if headers.len() < 2 {
        return Err(at(
            1,
            1,
            "expected at least two columns (date,value)".into(),
        ));
    }
    let mut out: Vec<(NaiveDate, f64)> = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            at(line, 1, e.to_string())
        })?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let cell = |i: usize| rec.get(i).unwrap_or("").trim();
        let d = cell(date_col);
        // A day, or a timestamp that starts with one (`2026-07-01T00:00:00Z`).
        let day = match d.get(10..11) {
            None => Some(d),
            Some("T") | Some(" ") => d.get(..10),
            Some(_) => None,
        };
        let date = day
            .and_then(crate::params::spec::parse_date)
            .ok_or_else(|| {
                at(
                    line,
                    date_col + 1,
                    format!("expected {}, got \"{d}\"", crate::params::DATE_RULE),
                )
            })?;
        let v = cell(value_col);
        if v.is_empty() || v.eq_ignore_ascii_case("null") {
            if gaps {
                continue; // Yahoo marks missing days with null
            }
            return Err(at(
                line,
                value_col + 1,
                format!("a gap: expected a number, got \"{v}\" (every date needs its value)"),
            ));
        }
        let x: f64 = v.parse().map_err(|_| {
            at(
                line,
                value_col + 1,
                format!("expected a number, got \"{v}\""),
            )
        })?;
        if !(x.is_finite() && x > 0.0) {
            return Err(at(
                line,
                value_col + 1,
                format!("expected a positive number, got {v}"),
            ));
        }
        if let Some(p) = param.map(crate::params::param) {
            if !p.bounds.contains(x) {
                return Err(at(
                    line,
                    value_col + 1,
                    format!(
                        "the value (as --{}) {}, got {v}",
                        p.name,
                        p.bounds.rule_for(x)
                    ),
                ));
            }
        }
        if let Some(&(prev, _)) = out.last() {
            if date <= prev {
                return Err(at(
                    line,
                    date_col + 1,
                    format!("dates must increase, {date} follows {prev}"),
                ));
            }
        }
        out.push((date, x));
    }
    if out.is_empty() {
        return Err(Error::input(format!("{name}: no data rows")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::network::Snapshot;
    use crate::params::spec::{Given, Value};

    const FILE: &str = r#"
[network]
price = 60000
price_growth = "30%"

[fleet]
power_cost = 0.05
pool_fee = 2

[[fleet.group]]
machine = "Antminer S21 XP"
units = 1000
unit_price = 3500

[[fleet.group]]
machine = "Antminer S19j Pro"
units = 500
power_cost = 0.03
uptime = 90

[horizon]
halving = 2028
after = 30
"#;

    #[test]
    fn file_to_plan() {
        let spec = parse("s.toml", FILE).unwrap();
        let plan = Ok(spec)
            .and_then(|s| {
                plan(
                    &s,
                    &Snapshot::embedded().state(),
                    &PathSeries::default(),
                    None,
                )
            })
            .unwrap();
        let f = &plan.scenario.fleet;
        assert_eq!(f.groups.len(), 2);
        assert_eq!(f.groups[0].hashrate_ths, 270_000.0);
        assert_eq!(f.groups[0].power_cost_usd_per_kwh, 0.05);
        assert_eq!(f.groups[1].power_cost_usd_per_kwh, 0.03);
        assert_eq!(f.groups[1].uptime, 0.9);
        assert_eq!(f.groups[0].pool_fee, 0.02);
        // The S19j Pro group gives no unit_price: the catalog's price counts.
        let s19j = machines::find(machines::catalog(), "Antminer S19j Pro").unwrap();
        assert_eq!(f.capex_usd, 3_500_000.0 + 500.0 * s19j.price_usd.unwrap());
        assert_eq!(plan.halving_height, Some(1_050_000));
        assert_eq!(plan.scenario.network.price_usd, 60000.0);
    }

    #[test]
    fn flags_override_the_file() {
        let file = parse("s.toml", FILE).unwrap();
        let mut flags = Spec::default();
        flags.put("power-cost", Given::flag(Value::Num(0.07)));
        let plan = Ok(file.merge(flags))
            .and_then(|s| {
                plan(
                    &s,
                    &Snapshot::embedded().state(),
                    &PathSeries::default(),
                    None,
                )
            })
            .unwrap();
        assert!(plan
            .scenario
            .fleet
            .groups
            .iter()
            .all(|g| g.power_cost_usd_per_kwh == 0.07));
    }

    #[test]
    fn errors_carry_line_and_column() {
        let e = parse("s.toml", "[fleet]\npower_cost = 0.05\nbogus = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("s.toml:3:1:"), "{e}");
        let e = parse("s.toml", "[fleet]\nuptime = 140\n")
            .and_then(|s| {
                plan(
                    &s,
                    &Snapshot::embedded().state(),
                    &PathSeries::default(),
                    None,
                )
            })
            .unwrap_err()
            .to_string();
        assert_eq!(e, "s.toml:2:10: uptime must be between 0 and 100, got 140");
        let e = parse(
            "s.toml",
            "[[fleet.group]]\nmachine = \"Antminer S21 XPP\"\n",
        )
        .and_then(|s| {
            plan(
                &s,
                &Snapshot::embedded().state(),
                &PathSeries::default(),
                None,
            )
        })
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("s.toml:2:11: machine \"Antminer S21 XPP\" is not in the catalog"),
            "{e}"
        );
        let e = parse("s.toml", "[network]\nprice = \"lots\"\n")
            .and_then(|s| {
                plan(
                    &s,
                    &Snapshot::embedded().state(),
                    &PathSeries::default(),
                    None,
                )
            })
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("s.toml:2:9:"), "{e}");
    }

    #[test]
    fn series_formats_and_errors() {
        let s = parse_series("p.csv", "date,value\n2026-01-01,100\n2026-01-03,110\n").unwrap();
        assert_eq!(s.len(), 2);
        let y = "Date,Open,High,Low,Close,Adj Close,Volume\n2026-01-01,1,2,0.5,90000,90000,1\n2026-01-02,1,2,0.5,null,null,1\n2026-01-03,1,2,0.5,91000,91000,1\n";
        assert_eq!(
            parse_series("y.csv", y).unwrap(),
            vec![
                (NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), 90000.0),
                (NaiveDate::from_ymd_opt(2026, 1, 3).unwrap(), 91000.0),
            ]
        );
        let e = parse_series("p.csv", "date,value\n2026-01-01,100\n2026-01-01,110\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("p.csv:3:1: dates must increase"), "{e}");
        let e = parse_series("p.csv", "date,value\n2026-01-01,abc\n")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "p.csv:2:2: expected a number, got \"abc\"");
        let e = parse_series("p.csv", "date,value\n2026-07-019,5\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("p.csv:2:1: expected a date"), "{e}");
        let e = parse_series_of("p.csv", "date,value\n2026-07-01,1e308\n", Some("price"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "p.csv:2:2: the value (as --price) must be at most 1e12, got 1e308"
        );
        let e = parse("s.toml", "# a \u{1} here\n").unwrap_err().to_string();
        assert_eq!(e, "s.toml:1:5: a control character (\\u{1}) is not allowed");
        let e = parse_series("p.csv", "2026-07-01,1\n2026-07-02,2\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("p.csv:1:1: expected a header row"), "{e}");
        let ok = parse_series("p.csv", "date,value\n2026-07-01T00:00:00Z,5\n").unwrap();
        assert_eq!(ok[0].0, NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        let e = parse_series("p.csv", "date,value\nJan 1,5\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("p.csv:2:1:"), "{e}");
    }

    #[test]
    fn units_and_slips() {
        let s = parse(
            "s.toml",
            "[network]\ndifficulty = \"133.87T\"\nprice = \"59k\"\n[fleet]\nuptime = 0.95\n",
        )
        .unwrap();
        let p = plan(
            &s,
            &Snapshot::embedded().state(),
            &PathSeries::default(),
            None,
        )
        .unwrap();
        assert_eq!(p.scenario.network.difficulty, 133.87e12);
        assert_eq!(p.scenario.network.price_usd, 59_000.0);
        assert_eq!(p.scenario.fleet.groups[0].uptime, 0.0095);
        assert_eq!(
            p.warnings,
            vec!["s.toml:5:10: uptime 0.95 means 0.95%; for 95% write 95".to_string()]
        );
        let e = parse("s.toml", "[fleet]\nunits = 1e308\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                "s.toml:2:1: unknown key `units` in [fleet] (it belongs in [[fleet.group]])"
            ),
            "{e}"
        );
        let e = parse(
            "s.toml",
            "[[fleet.group]]\nmachine = \"Antminer S21 XP\"\nunits = 1e308\n",
        )
        .and_then(|s| {
            plan(
                &s,
                &Snapshot::embedded().state(),
                &PathSeries::default(),
                None,
            )
        })
        .unwrap_err()
        .to_string();
        assert_eq!(e, "s.toml:3:9: units must be at most 1e9, got 1e308");
        let e = parse("s.toml", "[horizon]\ndays = 30\nuntil = 2027-01-01\n").unwrap_err();
        assert!(e.to_string().starts_with("s.toml:3:9: give one of"), "{e}");
        let e = parse("s.toml", "[fleet]\npower_cots = 0.05\n").unwrap_err();
        assert!(e.to_string().contains("did you mean power_cost?"), "{e}");
    }

    #[test]
    fn set_by_flag_name() {
        let mut s = Spec::default();
        s.set("power-cost", 0.08).unwrap();
        s.set("price-growth", 25.0).unwrap();
        let plan = Ok(s.clone())
            .and_then(|s| {
                plan(
                    &s,
                    &Snapshot::embedded().state(),
                    &PathSeries::default(),
                    None,
                )
            })
            .unwrap();
        assert_eq!(plan.scenario.fleet.groups[0].power_cost_usd_per_kwh, 0.08);
        assert_eq!(plan.network.drivers.price_usd.annual_growth, 0.25);
        assert!(s
            .set("warp-factor", 9.0)
            .unwrap_err()
            .to_string()
            .contains("minecalc params"));
    }
}
