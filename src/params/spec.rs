//! A scenario as given: the parameters set by flags, a scenario file or a `--vary`, each with
//! where it came from. One merge rule (flags over the file) and one set of checks serve them all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{get, lookup, param, suggest, Kind, Level, Param, Plausible, PARAMS};
use crate::error::{Error, Origin};

/// A value as given, before it is checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A number.
    Num(f64),
    /// Text: a number with a suffix, a date, a word, a name.
    Text(String),
    /// A switch.
    Bool(bool),
    /// A file path (from a flag, possibly not UTF-8).
    Path(PathBuf),
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Given {
    /// The value.
    pub value: Value,
    /// Its origin.
    pub origin: Origin,
}

impl Given {
    /// A flag's value.
    pub fn flag(value: Value) -> Given {
        Given {
            value,
            origin: Origin::Flag,
        }
    }
}

/// Parameters by name.
pub type Values = BTreeMap<&'static str, Given>;

/// A scenario as given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spec {
    /// Scenario-wide and fleet-wide values.
    pub values: Values,
    /// Machine groups, in order.
    pub groups: Vec<Values>,
    /// The scenario file the spec was read from (paths in it are relative to it).
    pub file: Option<String>,
}

/// Parameters that exclude one another in the horizon: giving one clears the others.
const HORIZON_CHOICE: &[&str] = &["days", "until", "halving"];

/// Parameters that each set the network hashrate's growth: one at most may be given; giving
/// one (a flag over a file, a `--vary` value) clears the others.
pub const GROWTH_CHOICE: &[&str] = &[
    "hashrate-growth",
    "difficulty-change",
    "difficulty-change-monthly",
];

impl Spec {
    /// The value of `name`, if given.
    pub fn get(&self, name: &str) -> Option<&Given> {
        self.values.get(name)
    }

    /// True when `name` is given for the scenario or the fleet.
    pub fn has(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// Sets a value.
    pub fn put(&mut self, name: &str, given: Given) {
        let p = param(name);
        self.values.insert(p.name, given);
    }

    /// `self` with every value `over` sets replaced by it. Groups in `over` replace the
    /// groups of `self`; otherwise a fleet-wide value in `over` replaces the groups' own.
    /// Giving one of `days`, `until`, `halving` clears the others.
    pub fn merge(mut self, over: Spec) -> Spec {
        let bare_hashrate = over.has("hashrate");
        let new_horizon = HORIZON_CHOICE.iter().any(|n| over.has(n));
        let new_growth = GROWTH_CHOICE.iter().any(|n| over.has(n));
        if !over.groups.is_empty() {
            self.groups = over.groups;
        } else {
            for (name, _) in over.values.iter() {
                for g in &mut self.groups {
                    g.remove(name);
                    if *name == "unit-price" {
                        g.remove("capex");
                    }
                }
            }
        }
        if bare_hashrate && self.groups.iter().all(|g| !g.contains_key("machine")) {
            self.groups.clear();
        }
        if new_horizon {
            for n in HORIZON_CHOICE {
                self.values.remove(n);
            }
        }
        if new_growth {
            for n in GROWTH_CHOICE {
                self.values.remove(n);
            }
        }
        self.values.extend(over.values);
        if over.file.is_some() {
            self.file = over.file;
        }
        self
    }

    /// Sets one numeric parameter by name (a sweep's or a solver's value), as a flag would.
    pub fn set(&mut self, name: &str, v: f64) -> Result<(), Error> {
        let p = varied(name)?;
        let given = Given {
            value: Value::Num(v),
            origin: Origin::Vary,
        };
        match p.name {
            "hashrate" => {
                if self.groups.iter().any(|g| g.contains_key("machine")) {
                    return Err(Error::input("--vary hashrate needs a bare fleet (--hashrate), not machine groups; vary units instead"));
                }
                self.groups.clear();
            }
            "units" => {
                return match self.groups.as_mut_slice() {
                    [g] => {
                        g.insert("units", given);
                        Ok(())
                    }
                    _ => Err(Error::input(
                        "--vary units needs a fleet of exactly one machine group (--machine)",
                    )),
                }
            }
            n if HORIZON_CHOICE.contains(&n) => {
                for n in HORIZON_CHOICE {
                    self.values.remove(n);
                }
            }
            n if GROWTH_CHOICE.contains(&n) => {
                for n in GROWTH_CHOICE {
                    self.values.remove(n);
                }
            }
            n => {
                for g in &mut self.groups {
                    g.remove(n);
                }
            }
        }
        self.values.insert(p.name, given);
        Ok(())
    }

    /// A checked number of `name` from `values` (the spec's or a group's), in the parameter's
    /// unit.
    pub fn num_in(values: &Values, name: &str) -> Result<Option<f64>, Error> {
        let p = param(name);
        let Some(g) = values.get(p.name) else {
            return Ok(None);
        };
        let v = match &g.value {
            Value::Num(x) => *x,
            Value::Text(t) => p
                .parse_number(t)
                .map_err(|e| p.error(g.origin.clone(), format!("\"{t}\""), e))
                .map_err(reword_parse)?,
            Value::Bool(_) | Value::Path(_) => {
                return Err(p.error(g.origin.clone(), "a non-number", "must be a number"))
            }
        };
        if p.kind == Kind::Integer && v.fract() != 0.0 {
            return Err(p.error(g.origin.clone(), super::show(v), "must be a whole number"));
        }
        p.check(v, &g.origin).map(Some)
    }

    /// A checked number of `name`.
    pub fn num(&self, name: &str) -> Result<Option<f64>, Error> {
        Spec::num_in(&self.values, name)
    }

    /// Text of `name` (a name, a word, a date), and where it came from.
    pub fn text_in(values: &Values, name: &str) -> Option<(String, Origin)> {
        let g = values.get(name)?;
        let t = match &g.value {
            Value::Text(t) => t.clone(),
            Value::Num(x) => super::show(*x),
            Value::Bool(b) => b.to_string(),
            Value::Path(p) => p.display().to_string(),
        };
        Some((t, g.origin.clone()))
    }

    /// Text of `name`.
    pub fn text(&self, name: &str) -> Option<(String, Origin)> {
        Spec::text_in(&self.values, name)
    }

    /// A switch.
    pub fn switch(&self, name: &str) -> bool {
        matches!(
            self.values.get(name).map(|g| &g.value),
            Some(Value::Bool(true))
        )
    }

    /// A choice among the parameter's words, checked.
    pub fn choice(&self, name: &str) -> Result<Option<&'static str>, Error> {
        let p = param(name);
        let Some((t, origin)) = self.text(name) else {
            return Ok(None);
        };
        let Kind::Choice(words) = p.kind else {
            return Ok(None);
        };
        words
            .iter()
            .find(|w| w.eq_ignore_ascii_case(t.trim()))
            .copied()
            .map(Some)
            .ok_or_else(|| {
                p.error(
                    origin,
                    format!("\"{t}\""),
                    format!("must be {}", one_of(words)),
                )
            })
    }

    /// A date; `today` gives `today` (read by the caller, never by the model).
    pub fn date(&self, name: &str, today: Option<NaiveDate>) -> Result<Option<NaiveDate>, Error> {
        let p = param(name);
        let Some((t, origin)) = self.text(name) else {
            return Ok(None);
        };
        if t.trim().eq_ignore_ascii_case("today") && name == "start" {
            return Ok(today);
        }
        parse_date(t.trim()).map(Some).ok_or_else(|| {
            p.error(
                origin,
                format!("\"{t}\""),
                format!("must be {}", super::DATE_RULE),
            )
        })
    }

    /// A file named by `name`: relative to the scenario file when it came from one.
    pub fn path(&self, name: &str) -> Option<PathBuf> {
        let g = self.values.get(name)?;
        let raw = match &g.value {
            Value::Path(p) => p.clone(),
            Value::Text(t) => PathBuf::from(t),
            _ => return None,
        };
        match (&g.origin, &self.file) {
            (Origin::File { .. }, Some(f)) => {
                Some(Path::new(f).parent().map_or(raw.clone(), |d| d.join(&raw)))
            }
            _ => Some(raw),
        }
    }

    /// Warnings for values that are valid but look like slips (`--uptime 0.95`), one line
    /// each; they never change the result. Values that do not parse are left to the checks.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut scan = |values: &Values| {
            for (name, g) in values {
                let Some(p) = get(name) else { continue };
                if g.origin == Origin::Vary || !p.is_numeric() {
                    continue;
                }
                if let Ok(Some(v)) = Spec::num_in(values, name) {
                    out.extend(p.warning(v, &g.origin));
                }
            }
        };
        scan(&self.values);
        for g in &self.groups {
            scan(g);
        }
        out
    }

    /// Warnings for a difficulty or network hashrate far from the network the run starts on
    /// (`--difficulty 133.87` where 133.87T was meant).
    pub fn network_warnings(&self, difficulty: f64, hashrate_eh_s: f64) -> Vec<String> {
        let mut out = Vec::new();
        for (name, reference, shown) in [
            (
                "difficulty",
                difficulty,
                format!("{}T", super::show((difficulty / 1e10).round() / 100.0)),
            ),
            (
                "network-hashrate",
                hashrate_eh_s,
                format!(
                    "{} EH/s",
                    super::show((hashrate_eh_s * 10.0).round() / 10.0)
                ),
            ),
        ] {
            let p = param(name);
            if p.plausible != Plausible::NearNetwork {
                continue;
            }
            let Some(g) = self.values.get(name) else {
                continue;
            };
            if g.origin == Origin::Vary {
                continue;
            }
            if let Ok(Some(v)) = self.num(name) {
                let ratio = v / reference;
                if reference > 0.0 && !(0.01..=100.0).contains(&ratio) {
                    out.push(format!(
                        "{} {} is {} times the network's {shown} at the start; is a unit missing (133.87T, 984EH)?",
                        g.origin.describe_key(p.name, p.key),
                        super::show(v),
                        super::show(ratio),
                    ));
                }
            }
        }
        out
    }
}

/// `"a", "b" or "c"`.
fn one_of(words: &[&str]) -> String {
    let q: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    match q.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => q.join(""),
    }
}

/// A parse error's message without the duplicated "got": `--price expected a number …, got "x"`.
fn reword_parse(e: Error) -> Error {
    match e {
        Error::Param {
            name,
            key,
            origin,
            value,
            rule,
        } => Error::Param {
            name,
            key,
            origin,
            value,
            rule: if rule.starts_with("must") {
                rule
            } else {
                format!("must be {}", rule.trim_start_matches("expected "))
            },
        },
        other => other,
    }
}

/// Parses `YYYY-MM-DD` exactly (no trailing characters), within [`super::DATE_RULE`]'s range.
pub fn parse_date(t: &str) -> Option<NaiveDate> {
    if t.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .filter(|d| super::date_in_range(*d))
}

/// The parameter `--vary` or `--for` names: its flag, key or column, and one that can vary.
pub fn varied(name: &str) -> Result<&'static Param, Error> {
    match lookup(name) {
        Some(p) if p.varies => Ok(p),
        Some(p) => Err(Error::input(format!(
            "--vary {}: this parameter is not a number that can vary",
            p.name
        ))),
        None => {
            let hint = suggest(name, PARAMS.iter().filter(|p| p.varies).map(|p| p.name))
                .map(|s| format!("; did you mean {s}?"))
                .unwrap_or_default();
            Err(Error::input(format!(
                "unknown parameter \"{name}\"{hint} (`minecalc params` lists them)"
            )))
        }
    }
}

/// True when `p` may be given for one group.
pub fn per_group(p: &Param) -> bool {
    matches!(p.level, Level::Group | Level::FleetOrGroup)
}
