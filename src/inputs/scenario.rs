//! Scenario specs: everything the flags can say, as a TOML file or built from flags, merged
//! (flags over file), checked with the file's line and column, and turned into a model
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

use std::ops::Range;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use toml::Spanned;

use crate::error::Error;
use crate::inputs::machines::{self, Machine};
use crate::model::chain;
use crate::model::fleet::{Curtail, Fleet, FleetGroup};
use crate::model::network::{NetworkInputs, NetworkState, ResolvedNetwork};
use crate::model::projection::{estimate_halvings, Horizon, Scenario};

/// A value and where it came from: a span in the scenario file, or `0..0` for a flag.
pub type Field<T> = Option<Spanned<T>>;

/// A number, or a string with a unit or percent sign (`"250PH"`, `"50%"`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum NumOrText {
    /// A plain number.
    Num(f64),
    /// Text to parse.
    Text(String),
}

/// A date as a TOML date (`2026-06-26`) or a string (`"2026-06-26"`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum DateValue {
    /// A TOML date.
    Toml(toml::value::Datetime),
    /// A string.
    Text(String),
}

/// `halving = 2028` or `halving = "next"`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum HalvingValue {
    /// A calendar year.
    Year(i64),
    /// `"next"` (or a year as text).
    Text(String),
}

/// The `[network]` table.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    /// First day.
    pub start: Field<DateValue>,
    /// Chain tip height.
    pub height: Field<u64>,
    /// Difficulty.
    pub difficulty: Field<f64>,
    /// Network hashrate, EH/s (or text with a unit).
    pub network_hashrate: Field<NumOrText>,
    /// Hashrate growth, % a year.
    pub hashrate_growth: Field<NumOrText>,
    /// Fees per block, BTC.
    pub fees: Field<f64>,
    /// Fee growth, % a year.
    pub fee_growth: Field<NumOrText>,
    /// BTC price, USD.
    pub price: Field<f64>,
    /// Price growth, % a year.
    pub price_growth: Field<NumOrText>,
    /// CSV of dated prices (`date,value` or Yahoo's `Date,…,Close`).
    pub price_path: Field<String>,
    /// CSV of dated network hashrates, EH/s.
    pub hashrate_path: Field<String>,
    /// How the network's hashrate moves: "fixed" or "response".
    pub model: Field<String>,
    /// Cohort table CSV for the response model.
    pub cohorts: Field<String>,
}

/// One `[[fleet.group]]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// A name for the group (default: the machine and units).
    pub label: Field<String>,
    /// A model from the catalog (`minecalc machines`).
    pub machine: Field<String>,
    /// Number of machines.
    pub units: Field<f64>,
    /// Hashrate, TH/s (or text with a unit), instead of machine × units.
    pub hashrate: Field<NumOrText>,
    /// Efficiency, J/TH (default: the machine's).
    pub efficiency: Field<f64>,
    /// Electricity price, USD/kWh.
    pub power_cost: Field<f64>,
    /// Uptime, %.
    pub uptime: Field<NumOrText>,
    /// Pool fee, %.
    pub pool_fee: Field<NumOrText>,
    /// Other opex, USD/day.
    pub opex: Field<f64>,
    /// Price of one machine, USD (capex = units × unit price).
    pub unit_price: Field<f64>,
    /// The group's capex, USD.
    pub capex: Field<f64>,
}

/// The `[fleet]` table: defaults for every group, the operating rule and finances.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetSpec {
    /// Hashrate of a bare fleet, TH/s (or text with a unit).
    pub hashrate: Field<NumOrText>,
    /// Efficiency, J/TH.
    pub efficiency: Field<f64>,
    /// Electricity price, USD/kWh.
    pub power_cost: Field<f64>,
    /// Uptime, %.
    pub uptime: Field<NumOrText>,
    /// Pool fee, %.
    pub pool_fee: Field<NumOrText>,
    /// Other opex, USD/day (the whole fleet's).
    pub opex: Field<f64>,
    /// Capex of the whole fleet, USD (replaces the groups' capex).
    pub capex: Field<f64>,
    /// Price of one machine, USD, for groups without their own.
    pub unit_price: Field<f64>,
    /// Discount rate, % a year.
    pub discount_rate: Field<NumOrText>,
    /// Switch off on days the hashprice does not cover the hashcost.
    pub curtail: Field<bool>,
    /// Peak hours a day (time-of-use tariff).
    pub curtail_hours: Field<f64>,
    /// Electricity price in the peak hours, USD/kWh.
    pub peak_power_cost: Field<f64>,
    /// Machine groups.
    #[serde(default, rename = "group")]
    pub groups: Vec<GroupSpec>,
}

/// The `[horizon]` table.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HorizonSpec {
    /// Days to project.
    pub days: Field<i64>,
    /// Last day.
    pub until: Field<DateValue>,
    /// Through this halving (a year or "next").
    pub halving: Field<HalvingValue>,
    /// Days after the halving day.
    pub after: Field<i64>,
}

/// A whole scenario.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Network state and paths.
    #[serde(default)]
    pub network: NetworkSpec,
    /// Fleet.
    #[serde(default)]
    pub fleet: FleetSpec,
    /// Horizon.
    #[serde(default)]
    pub horizon: HorizonSpec,
    /// The file the spec was read from, and its text (for line and column in errors).
    #[serde(skip)]
    pub file: Option<(String, String)>,
}

/// A flag's value as a spec field.
pub fn flag<T>(v: T) -> Field<T> {
    Some(Spanned::new(0..0, v))
}

/// Where a field's value came from, for error messages.
struct Origin<'a> {
    file: Option<&'a (String, String)>,
}

impl Origin<'_> {
    /// `FILE:LINE:COL: key` for a file value, `--flag` for a flag.
    fn name(&self, span: &Range<usize>, key: &str) -> String {
        match self.file {
            Some((name, text)) if span.end > 0 => {
                let (line, col) = line_col(text, span.start);
                format!("{name}:{line}:{col}: {key}")
            }
            _ => format!("--{}", key.replace('_', "-")),
        }
    }

    fn err(&self, span: &Range<usize>, key: &str, msg: impl std::fmt::Display) -> Error {
        Error::input(format!("{} {msg}", self.name(span, key)))
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

impl Spec {
    /// Parses a scenario file; unknown keys and wrong types name the file, line and column.
    pub fn parse(name: &str, text: &str) -> Result<Spec, Error> {
        let mut spec: Spec = toml::from_str(text).map_err(|e| {
            let pos = e
                .span()
                .map(|s| {
                    let (l, c) = line_col(text, s.start);
                    format!(":{l}:{c}")
                })
                .unwrap_or_default();
            Error::input(format!("{name}{pos}: {}", e.message().trim()))
        })?;
        spec.file = Some((name.to_string(), text.to_string()));
        Ok(spec)
    }

    /// `self` with every field that `over` sets replaced by it. Fleet-wide values in `over`
    /// also replace the groups' own values; groups in `over` replace the groups of `self`.
    pub fn merge(mut self, over: Spec) -> Spec {
        macro_rules! take {
            ($dst:expr, $src:expr, [$($f:ident),*]) => { $( if $src.$f.is_some() { $dst.$f = $src.$f; } )* };
        }
        let n = over.network;
        take!(
            self.network,
            n,
            [
                start,
                height,
                difficulty,
                network_hashrate,
                hashrate_growth,
                fees,
                fee_growth,
                price,
                price_growth,
                price_path,
                hashrate_path
            ]
        );
        let f = over.fleet;
        if !f.groups.is_empty() {
            self.fleet.groups = f.groups;
        } else {
            for g in &mut self.fleet.groups {
                if f.efficiency.is_some() {
                    g.efficiency = None;
                }
                if f.power_cost.is_some() {
                    g.power_cost = None;
                }
                if f.uptime.is_some() {
                    g.uptime = None;
                }
                if f.pool_fee.is_some() {
                    g.pool_fee = None;
                }
                if f.unit_price.is_some() {
                    g.unit_price = None;
                    g.capex = None;
                }
            }
        }
        if f.hashrate.is_some() && self.fleet.groups.iter().all(|g| g.machine.is_none()) {
            self.fleet.groups.clear();
        }
        take!(
            self.fleet,
            f,
            [
                hashrate,
                efficiency,
                power_cost,
                uptime,
                pool_fee,
                opex,
                capex,
                unit_price,
                discount_rate,
                curtail,
                curtail_hours,
                peak_power_cost
            ]
        );
        let h = over.horizon;
        if h.days.is_some() || h.until.is_some() || h.halving.is_some() {
            self.horizon.days = None;
            self.horizon.until = None;
            self.horizon.halving = None;
        }
        take!(self.horizon, h, [days, until, halving, after]);
        if over.file.is_some() {
            self.file = over.file;
        }
        self
    }

    /// Sets one numeric parameter by its flag name (for sweeps and solvers), as a flag would.
    pub fn set(&mut self, name: &str, v: f64) -> Result<(), Error> {
        let num = |v: f64| flag(NumOrText::Num(v));
        match name {
            "power-cost" => self.fleet.power_cost = flag(v),
            "efficiency" => self.fleet.efficiency = flag(v),
            "uptime" => self.fleet.uptime = num(v),
            "pool-fee" => self.fleet.pool_fee = num(v),
            "opex" => self.fleet.opex = flag(v),
            "capex" => self.fleet.capex = flag(v),
            "unit-price" => self.fleet.unit_price = flag(v),
            "discount-rate" => self.fleet.discount_rate = num(v),
            "curtail-hours" => self.fleet.curtail_hours = flag(v),
            "peak-power-cost" => self.fleet.peak_power_cost = flag(v),
            "hashrate" => {
                if self.fleet.groups.iter().any(|g| g.machine.is_some()) {
                    return Err(Error::input("--vary hashrate needs a bare fleet (--hashrate), not machine groups; vary units instead"));
                }
                self.fleet.groups.clear();
                self.fleet.hashrate = num(v);
            }
            "units" => match self.fleet.groups.as_mut_slice() {
                [g] => g.units = flag(v),
                _ => {
                    return Err(Error::input(
                        "--vary units needs a fleet of exactly one machine group (--machine)",
                    ))
                }
            },
            "price" => self.network.price = flag(v),
            "price-growth" => self.network.price_growth = num(v),
            "hashrate-growth" => self.network.hashrate_growth = num(v),
            "fees" => self.network.fees = flag(v),
            "fee-growth" => self.network.fee_growth = num(v),
            "difficulty" => self.network.difficulty = flag(v),
            "network-hashrate" => self.network.network_hashrate = num(v),
            "days" => {
                self.horizon = HorizonSpec {
                    days: flag(v.round() as i64),
                    ..HorizonSpec::default()
                }
            }
            "after" => self.horizon.after = flag(v.round() as i64),
            _ => {
                return Err(Error::input(format!(
                    "unknown parameter \"{name}\"; parameters: {}",
                    PARAMETERS.join(", ")
                )))
            }
        }
        Ok(())
    }
}

/// Parameters [`Spec::set`] knows, by flag name.
pub const PARAMETERS: &[&str] = &[
    "power-cost",
    "efficiency",
    "uptime",
    "pool-fee",
    "opex",
    "capex",
    "unit-price",
    "discount-rate",
    "curtail-hours",
    "peak-power-cost",
    "hashrate",
    "units",
    "price",
    "price-growth",
    "hashrate-growth",
    "fees",
    "fee-growth",
    "difficulty",
    "network-hashrate",
    "days",
    "after",
];

/// Dated series for the paths, already read from their files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PathSeries {
    /// BTC price points, USD.
    pub price: Vec<(NaiveDate, f64)>,
    /// Network hashrate points, EH/s.
    pub hashrate_eh_s: Vec<(NaiveDate, f64)>,
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
}

/// Default fleet: 1 PH/s.
pub const DEFAULT_HASHRATE_THS: f64 = 1000.0;
/// Default efficiency: an Antminer S21 Pro-class machine, J/TH.
pub const DEFAULT_EFFICIENCY_J_PER_TH: f64 = 15.0;
/// Default power cost, USD/kWh.
pub const DEFAULT_POWER_COST_USD_PER_KWH: f64 = 0.05;
/// Default days after a halving.
pub const DEFAULT_AFTER_DAYS: i64 = 365;

fn value<T: Clone>(f: &Field<T>) -> Option<(T, Range<usize>)> {
    f.as_ref().map(|s| (s.get_ref().clone(), s.span()))
}

impl Spec {
    fn origin(&self) -> Origin<'_> {
        Origin {
            file: self.file.as_ref(),
        }
    }

    /// A number field (plain, or text with an optional `%`).
    fn number(&self, f: &Field<NumOrText>, key: &str) -> Result<Option<f64>, Error> {
        let Some((v, span)) = value(f) else {
            return Ok(None);
        };
        let x = match v {
            NumOrText::Num(x) => x,
            NumOrText::Text(t) => {
                let t = t.trim();
                t.strip_suffix('%')
                    .unwrap_or(t)
                    .trim()
                    .parse::<f64>()
                    .map_err(|_| {
                        self.origin()
                            .err(&span, key, format!("must be a number, got \"{t}\""))
                    })?
            }
        };
        if !x.is_finite() {
            return Err(self
                .origin()
                .err(&span, key, format!("must be a finite number, got {x}")));
        }
        Ok(Some(x))
    }

    /// A hashrate field in units of `scale` H/s (text may carry GH/TH/PH/EH/ZH).
    fn hashrate(&self, f: &Field<NumOrText>, key: &str, scale: f64) -> Result<Option<f64>, Error> {
        let Some((v, span)) = value(f) else {
            return Ok(None);
        };
        let x = match v {
            NumOrText::Num(x) => x,
            NumOrText::Text(t) => {
                parse_hashrate(&t, scale).map_err(|e| self.origin().err(&span, key, e))?
            }
        };
        self.check(&span, key, x, Rule::Positive)?;
        Ok(Some(x))
    }

    fn check(&self, span: &Range<usize>, key: &str, x: f64, rule: Rule) -> Result<f64, Error> {
        let ok = x.is_finite()
            && match rule {
                Rule::Positive => x > 0.0,
                Rule::NonNegative => x >= 0.0,
                Rule::Percent => (0.0..=100.0).contains(&x),
                Rule::Growth => x > -100.0,
            };
        if ok {
            return Ok(x);
        }
        let what = match rule {
            Rule::Positive => "must be a positive number".to_string(),
            Rule::NonNegative => "must be zero or more".to_string(),
            Rule::Percent => "must be between 0 and 100".to_string(),
            Rule::Growth => "must be a number above -100 (percent a year)".to_string(),
        };
        Err(self.origin().err(span, key, format!("{what}, got {x}")))
    }

    fn num_checked(
        &self,
        f: &Field<NumOrText>,
        key: &str,
        rule: Rule,
    ) -> Result<Option<f64>, Error> {
        match (self.number(f, key)?, f) {
            (Some(x), Some(s)) => Ok(Some(self.check(&s.span(), key, x, rule)?)),
            _ => Ok(None),
        }
    }

    fn f64_checked(&self, f: &Field<f64>, key: &str, rule: Rule) -> Result<Option<f64>, Error> {
        match value(f) {
            Some((x, span)) => Ok(Some(self.check(&span, key, x, rule)?)),
            None => Ok(None),
        }
    }

    fn date(&self, f: &Field<DateValue>, key: &str) -> Result<Option<NaiveDate>, Error> {
        let Some((v, span)) = value(f) else {
            return Ok(None);
        };
        let text = match v {
            DateValue::Toml(d) => d.to_string(),
            DateValue::Text(t) => t,
        };
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                self.origin().err(
                    &span,
                    key,
                    format!("must be a date YYYY-MM-DD, got \"{text}\""),
                )
            })
    }

    /// `[network] model`: `Some(true)` for "response", `Some(false)` for "fixed".
    pub fn network_model(&self) -> Result<Option<bool>, Error> {
        match value(&self.network.model) {
            None => Ok(None),
            Some((m, _)) if m.eq_ignore_ascii_case("response") => Ok(Some(true)),
            Some((m, _)) if m.eq_ignore_ascii_case("fixed") => Ok(Some(false)),
            Some((m, span)) => Err(self.origin().err(
                &span,
                "model",
                format!("must be \"fixed\" or \"response\", got \"{m}\""),
            )),
        }
    }

    /// A file named in the spec: relative to the scenario file when it came from one.
    pub fn network_file(&self, f: &Field<String>) -> Option<std::path::PathBuf> {
        let s = f.as_ref()?;
        let raw = std::path::PathBuf::from(s.get_ref());
        match (&self.file, s.span().end > 0) {
            (Some((name, _)), true) => Some(
                std::path::Path::new(name)
                    .parent()
                    .map_or(raw.clone(), |d| d.join(&raw)),
            ),
            _ => Some(raw),
        }
    }

    /// The network inputs, checked.
    pub fn network_inputs(&self, today: Option<NaiveDate>) -> Result<NetworkInputs, Error> {
        let n = &self.network;
        let start = match value(&n.start) {
            Some((DateValue::Text(t), _)) if t.eq_ignore_ascii_case("today") => today,
            _ => self.date(&n.start, "start")?,
        };
        if let Some((h, span)) = value(&n.height) {
            if h > chain::FIRST_ZERO_SUBSIDY_HEIGHT {
                return Err(self.origin().err(
                    &span,
                    "height",
                    format!(
                        "must be at most {}, got {h}",
                        chain::FIRST_ZERO_SUBSIDY_HEIGHT
                    ),
                ));
            }
        }
        Ok(NetworkInputs {
            start,
            height: value(&n.height).map(|v| v.0),
            difficulty: self.f64_checked(&n.difficulty, "difficulty", Rule::Positive)?,
            hashrate_hs: self
                .hashrate(&n.network_hashrate, "network_hashrate", 1e18)?
                .map(|eh| eh * 1e18),
            fees_btc_per_block: self.f64_checked(&n.fees, "fees", Rule::NonNegative)?,
            price_usd: self.f64_checked(&n.price, "price", Rule::Positive)?,
            hashrate_growth: self
                .num_checked(&n.hashrate_growth, "hashrate_growth", Rule::Growth)?
                .unwrap_or(0.0)
                / 100.0,
            fee_growth: self
                .num_checked(&n.fee_growth, "fee_growth", Rule::Growth)?
                .unwrap_or(0.0)
                / 100.0,
            price_growth: self
                .num_checked(&n.price_growth, "price_growth", Rule::Growth)?
                .unwrap_or(0.0)
                / 100.0,
        })
    }

    /// True when the spec gives no fleet figure at all.
    pub fn is_default_fleet(&self) -> bool {
        let f = &self.fleet;
        f.groups.is_empty()
            && f.hashrate.is_none()
            && f.efficiency.is_none()
            && f.power_cost.is_none()
    }

    /// The fleet, checked; machines come from `catalog`.
    pub fn fleet(&self, catalog: &[Machine]) -> Result<Fleet, Error> {
        let f = &self.fleet;
        let o = self.origin();
        let power_cost = self.f64_checked(&f.power_cost, "power_cost", Rule::NonNegative)?;
        let efficiency = self.f64_checked(&f.efficiency, "efficiency", Rule::Positive)?;
        let uptime = self.num_checked(&f.uptime, "uptime", Rule::Percent)?;
        let pool_fee = self.num_checked(&f.pool_fee, "pool_fee", Rule::Percent)?;
        let unit_price = self.f64_checked(&f.unit_price, "unit_price", Rule::NonNegative)?;
        let mut groups = Vec::new();
        let mut capex = 0.0;
        if f.groups.is_empty() {
            let hashrate_ths = self
                .hashrate(&f.hashrate, "hashrate", 1e12)?
                .unwrap_or(DEFAULT_HASHRATE_THS);
            let eff = efficiency.unwrap_or(DEFAULT_EFFICIENCY_J_PER_TH);
            groups.push(FleetGroup {
                label: format!("{hashrate_ths} TH/s at {eff} J/TH"),
                hashrate_ths,
                efficiency_j_per_th: eff,
                power_cost_usd_per_kwh: power_cost.unwrap_or(DEFAULT_POWER_COST_USD_PER_KWH),
                uptime: uptime.unwrap_or(100.0) / 100.0,
                pool_fee: pool_fee.unwrap_or(0.0) / 100.0,
                opex_usd_per_day: 0.0,
            });
        } else if let Some(s) = &f.hashrate {
            return Err(o.err(
                &s.span(),
                "hashrate",
                "cannot be used with machine groups (give units instead)",
            ));
        }
        for g in &f.groups {
            let machine = match value(&g.machine) {
                Some((name, span)) => {
                    Some(machines::find(catalog, &name).map_err(|e| o.err(&span, "machine", e))?)
                }
                None => None,
            };
            let units = self.f64_checked(&g.units, "units", Rule::Positive)?;
            let hashrate = self.hashrate(&g.hashrate, "hashrate", 1e12)?;
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
                    let span = g.hashrate.as_ref().map(|s| s.span()).unwrap_or(0..0);
                    return Err(o.err(
                        &span,
                        "hashrate",
                        "cannot be given with a machine (give units instead)",
                    ));
                }
                (None, Some(_), _) => {
                    let span = g.units.as_ref().map(|s| s.span()).unwrap_or(0..0);
                    return Err(o.err(&span, "units", "needs a machine (--machine NAME)"));
                }
                (None, None, None) => {
                    return Err(Error::input(format!(
                        "{}a fleet group needs a machine (with units) or a hashrate",
                        self.file
                            .as_ref()
                            .map(|(n, _)| format!("{n}: "))
                            .unwrap_or_default()
                    )))
                }
            };
            let eff = match self.f64_checked(&g.efficiency, "efficiency", Rule::Positive)? {
                Some(e) => e,
                None => efficiency.or(eff_default).ok_or_else(|| {
                    Error::input(format!("group \"{label}\" needs an efficiency (J/TH)"))
                })?,
            };
            let group_units = units.unwrap_or(if machine.is_some() { 1.0 } else { 0.0 });
            let group_capex = match (
                self.f64_checked(&g.capex, "capex", Rule::NonNegative)?,
                self.f64_checked(&g.unit_price, "unit_price", Rule::NonNegative)?
                    .or(unit_price),
            ) {
                (Some(c), _) => c,
                (None, Some(p)) => p * group_units,
                (None, None) => 0.0,
            };
            capex += group_capex;
            groups.push(FleetGroup {
                label: value(&g.label).map(|v| v.0).unwrap_or(label),
                hashrate_ths,
                efficiency_j_per_th: eff,
                power_cost_usd_per_kwh: self
                    .f64_checked(&g.power_cost, "power_cost", Rule::NonNegative)?
                    .or(power_cost)
                    .unwrap_or(DEFAULT_POWER_COST_USD_PER_KWH),
                uptime: self
                    .num_checked(&g.uptime, "uptime", Rule::Percent)?
                    .or(uptime)
                    .unwrap_or(100.0)
                    / 100.0,
                pool_fee: self
                    .num_checked(&g.pool_fee, "pool_fee", Rule::Percent)?
                    .or(pool_fee)
                    .unwrap_or(0.0)
                    / 100.0,
                opex_usd_per_day: self
                    .f64_checked(&g.opex, "opex", Rule::NonNegative)?
                    .unwrap_or(0.0),
            });
        }
        let fleet_opex = self
            .f64_checked(&f.opex, "opex", Rule::NonNegative)?
            .unwrap_or(0.0);
        if let Some(c) = self.f64_checked(&f.capex, "capex", Rule::NonNegative)? {
            capex = c;
        }
        let curtail_hours =
            self.f64_checked(&f.curtail_hours, "curtail_hours", Rule::NonNegative)?;
        if let (Some(h), Some(s)) = (curtail_hours, &f.curtail_hours) {
            if h > 24.0 {
                return Err(o.err(
                    &s.span(),
                    "curtail_hours",
                    format!("must be between 0 and 24, got {h}"),
                ));
            }
        }
        let peak = self.f64_checked(&f.peak_power_cost, "peak_power_cost", Rule::NonNegative)?;
        if curtail_hours.unwrap_or(0.0) > 0.0 && peak.is_none() {
            return Err(Error::input(
                "--curtail-hours needs --peak-power-cost (the peak-hour price, USD/kWh)",
            ));
        }
        let discount = self
            .num_checked(&f.discount_rate, "discount_rate", Rule::Growth)?
            .unwrap_or(0.0);
        let fleet = Fleet {
            groups,
            curtail: Curtail {
                shutdown: value(&f.curtail).map(|v| v.0).unwrap_or(false),
                peak_hours: curtail_hours.unwrap_or(0.0),
                peak_power_cost_usd_per_kwh: peak,
                idle_peak: curtail_hours.unwrap_or(0.0) > 0.0,
            },
            capex_usd: capex,
            opex_usd_per_day: fleet_opex,
            discount_rate: discount / 100.0,
        };
        fleet.validate()?;
        Ok(fleet)
    }

    /// Turns the spec into a scenario on `base` (the network the spec's figures override).
    pub fn plan(
        &self,
        base: &NetworkState,
        series: &PathSeries,
        today: Option<NaiveDate>,
    ) -> Result<Plan, Error> {
        let inputs = self.network_inputs(today)?;
        let mut network = inputs.resolve(base)?;
        if !series.price.is_empty() {
            network.drivers.price_usd =
                network.drivers.price_usd.clone().with_points(&series.price);
        }
        if !series.hashrate_eh_s.is_empty() {
            let pts: Vec<(NaiveDate, f64)> = series
                .hashrate_eh_s
                .iter()
                .map(|(d, v)| (*d, v * 1e18))
                .collect();
            network.drivers.hashrate_hs = network.drivers.hashrate_hs.clone().with_points(&pts);
        }
        // The state on the start date follows the paths where they cover it.
        network.state.price_usd = network.drivers.price_usd.on(network.state.date);
        network.state.hashrate_hs = network.drivers.hashrate_hs.on(network.state.date);
        let fleet = self.fleet(machines::catalog())?;
        let h = &self.horizon;
        let after = match value(&h.after) {
            Some((a, span)) if a < 0 => {
                return Err(self.origin().err(
                    &span,
                    "after",
                    format!("must be 0 or more days, got {a}"),
                ))
            }
            Some((a, _)) => a,
            None => DEFAULT_AFTER_DAYS,
        };
        let mut halving_height = None;
        let horizon = if let Some((d, span)) = value(&h.days) {
            if !(1..=crate::model::projection::MAX_DAYS).contains(&d) {
                return Err(self.origin().err(
                    &span,
                    "days",
                    format!(
                        "must be between 1 and {}, got {d}",
                        crate::model::projection::MAX_DAYS
                    ),
                ));
            }
            Horizon::Days(d)
        } else if let Some(u) = self.date(&h.until, "until")? {
            Horizon::Until(u)
        } else {
            let height = self.halving_height(&network, &h.halving)?;
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
        Ok(Plan {
            scenario,
            network,
            default_fleet: self.is_default_fleet(),
            halving_height,
        })
    }

    fn halving_height(&self, net: &ResolvedNetwork, f: &Field<HalvingValue>) -> Result<u64, Error> {
        let state = &net.state;
        let next = chain::next_halving_height(state.height);
        let Some((v, span)) = value(f) else {
            return Ok(next);
        };
        let year = match v {
            HalvingValue::Year(y) => y,
            HalvingValue::Text(t) if t.eq_ignore_ascii_case("next") => return Ok(next),
            HalvingValue::Text(t) => t.trim().parse::<i64>().map_err(|_| {
                self.origin().err(
                    &span,
                    "halving",
                    format!("must be a year (e.g. 2028) or \"next\", got \"{t}\""),
                )
            })?,
        };
        let key = |y: i64| {
            self.origin()
                .name(&span, "halving")
                .replace("halving", &format!("halving {y}"))
        };
        if let Some(&(h, _)) = chain::PAST_HALVINGS.iter().find(|(_, t)| {
            chrono::DateTime::from_timestamp(*t, 0).map(|d| d.year() as i64) == Some(year)
        }) {
            return Err(Error::input(format!(
                "{}: the halving at height {h} is already mined (the network starts at height {} on {})",
                key(year), state.height, state.date
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
            "{}: no halving is expected in {year} on these paths (next: {})",
            key(year),
            listed.join(", ")
        )))
    }
}

#[derive(Debug, Clone, Copy)]
enum Rule {
    Positive,
    NonNegative,
    Percent,
    Growth,
}

/// Parses `number[unit]` into units of `scale` H/s (GH, TH, PH, EH, ZH; optional `/s`).
pub fn parse_hashrate(s: &str, scale: f64) -> Result<f64, String> {
    let lower = s.trim().to_ascii_lowercase();
    let body = lower.strip_suffix("/s").unwrap_or(&lower);
    let units = [
        ("gh", 1e9),
        ("th", 1e12),
        ("ph", 1e15),
        ("eh", 1e18),
        ("zh", 1e21),
    ];
    let (num, unit) = units
        .iter()
        .find_map(|(u, k)| body.strip_suffix(u).map(|n| (n.trim(), *k)))
        .unwrap_or((body, scale));
    let v: f64 = num.parse().map_err(|_| {
        format!("expected a number with an optional unit TH, PH, EH (e.g. 250PH), got \"{s}\"")
    })?;
    if !v.is_finite() {
        return Err(format!("must be a finite number, got \"{s}\""));
    }
    Ok(v * (unit / scale))
}

/// Parses a dated series: `date,value` (any header names; the first column a YYYY-MM-DD date,
/// the value the second column) or a Yahoo-style history with `Date` and `Close` columns.
/// Errors name the file, line and column; dates must increase.
pub fn parse_series(name: &str, text: &str) -> Result<Vec<(NaiveDate, f64)>, Error> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = r
        .headers()
        .map_err(|e| Error::input(format!("{name}: {e}")))?
        .clone();
    let find = |want: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(want))
    };
    let date_col = find("date").or_else(|| find("time")).unwrap_or(0);
    let value_col = find("close")
        .or_else(|| find("value"))
        .or_else(|| find("price_usd"))
        .unwrap_or(1);
    if headers.len() < 2 {
        return Err(Error::input(format!(
            "{name}:1: expected at least two columns (date,value)"
        )));
    }
    let mut out: Vec<(NaiveDate, f64)> = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            Error::input(format!("{name}:{line}: {e}"))
        })?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let cell = |i: usize| rec.get(i).unwrap_or("").trim();
        let d = cell(date_col);
        let date =
            NaiveDate::parse_from_str(d.get(..10).unwrap_or(d), "%Y-%m-%d").map_err(|_| {
                Error::input(format!(
                    "{name}:{line}:{}: expected a date YYYY-MM-DD, got \"{d}\"",
                    date_col + 1
                ))
            })?;
        let v = cell(value_col);
        if v.is_empty() || v.eq_ignore_ascii_case("null") {
            continue; // Yahoo marks missing days with null
        }
        let x: f64 = v.parse().map_err(|_| {
            Error::input(format!(
                "{name}:{line}:{}: expected a number, got \"{v}\"",
                value_col + 1
            ))
        })?;
        if !(x.is_finite() && x > 0.0) {
            return Err(Error::input(format!(
                "{name}:{line}:{}: expected a positive number, got {v}",
                value_col + 1
            )));
        }
        if let Some(&(prev, _)) = out.last() {
            if date <= prev {
                return Err(Error::input(format!(
                    "{name}:{line}:{}: dates must increase, {date} follows {prev}",
                    date_col + 1
                )));
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
        let spec = Spec::parse("s.toml", FILE).unwrap();
        let plan = spec
            .plan(&Snapshot::embedded().state(), &PathSeries::default(), None)
            .unwrap();
        let f = &plan.scenario.fleet;
        assert_eq!(f.groups.len(), 2);
        assert_eq!(f.groups[0].hashrate_ths, 270_000.0);
        assert_eq!(f.groups[0].power_cost_usd_per_kwh, 0.05);
        assert_eq!(f.groups[1].power_cost_usd_per_kwh, 0.03);
        assert_eq!(f.groups[1].uptime, 0.9);
        assert_eq!(f.groups[0].pool_fee, 0.02);
        assert_eq!(f.capex_usd, 3_500_000.0);
        assert_eq!(plan.halving_height, Some(1_050_000));
        assert_eq!(plan.scenario.network.price_usd, 60000.0);
    }

    #[test]
    fn flags_override_the_file() {
        let file = Spec::parse("s.toml", FILE).unwrap();
        let mut flags = Spec::default();
        flags.fleet.power_cost = flag(0.07);
        let plan = file
            .merge(flags)
            .plan(&Snapshot::embedded().state(), &PathSeries::default(), None)
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
        let e = Spec::parse("s.toml", "[fleet]\npower_cost = 0.05\nbogus = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("s.toml:3:1:"), "{e}");
        let e = Spec::parse("s.toml", "[fleet]\nuptime = 140\n")
            .unwrap()
            .plan(&Snapshot::embedded().state(), &PathSeries::default(), None)
            .unwrap_err()
            .to_string();
        assert_eq!(e, "s.toml:2:10: uptime must be between 0 and 100, got 140");
        let e = Spec::parse(
            "s.toml",
            "[[fleet.group]]\nmachine = \"Antminer S21 XPP\"\n",
        )
        .unwrap()
        .plan(&Snapshot::embedded().state(), &PathSeries::default(), None)
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("s.toml:2:11: machine \"Antminer S21 XPP\" is not in the catalog"),
            "{e}"
        );
        let e = Spec::parse("s.toml", "[network]\nprice = \"lots\"\n")
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
        let e = parse_series("p.csv", "date,value\nJan 1,5\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("p.csv:2:1:"), "{e}");
    }

    #[test]
    fn set_by_flag_name() {
        let mut s = Spec::default();
        s.set("power-cost", 0.08).unwrap();
        s.set("price-growth", 25.0).unwrap();
        let plan = s
            .plan(&Snapshot::embedded().state(), &PathSeries::default(), None)
            .unwrap();
        assert_eq!(plan.scenario.fleet.groups[0].power_cost_usd_per_kwh, 0.08);
        assert_eq!(plan.network.drivers.price_usd.annual_growth, 0.25);
        assert!(s
            .set("warp-factor", 9.0)
            .unwrap_err()
            .to_string()
            .contains("power-cost"));
    }
}
