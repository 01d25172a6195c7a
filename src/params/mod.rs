//! The registry of scenario parameters: each one defined once, with its name (the flag and the
//! `--vary`/`--for` name), its scenario-file key and table, its output column and unit, the
//! suffixes it accepts, its default and where that comes from, its valid and plausible ranges
//! and its help. Flags, scenario keys, sweep names and columns, help defaults, validation and
//! warnings all come from here.
//!
//! Values are in the parameter's own unit, as a user writes them: percent for percentages,
//! EH/s for the network's hashrate, TH/s for a fleet's. The plan turns them into the model's
//! units.

pub mod spec;

use crate::error::{Error, Origin};

/// What a parameter's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A number, with the suffixes its unit allows.
    Number,
    /// A whole number.
    Integer,
    /// A date `YYYY-MM-DD` (`today` where allowed).
    Date,
    /// A file path.
    File,
    /// Free text (a machine name, a label).
    Text,
    /// One of a few words.
    Choice(&'static [&'static str]),
    /// On or off (a flag without a value).
    Switch,
    /// A halving: a year or `next`.
    Halving,
}

/// A parameter's unit: what its number means, the suffixes it accepts, the column suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// No unit (a date, a file, a name, a ratio of powers).
    None,
    /// USD per kWh.
    UsdPerKwh,
    /// Percent.
    Pct,
    /// Percent a year.
    PctPerYear,
    /// Joules per terahash.
    JPerTh,
    /// A fleet's hashrate, TH/s (accepts GH, TH, PH, EH, ZH).
    ThS,
    /// The network's hashrate, EH/s (accepts GH, TH, PH, EH, ZH).
    EhS,
    /// Difficulty (accepts K, M, G, T, P, E).
    Difficulty,
    /// BTC per block.
    BtcPerBlock,
    /// USD per BTC (accepts k, M).
    UsdPerBtc,
    /// USD (accepts k, M, B).
    Usd,
    /// USD a day (accepts k, M).
    UsdPerDay,
    /// Machines.
    Machines,
    /// Blocks (a height).
    Blocks,
    /// Days.
    Days,
    /// Hours a day.
    HoursPerDay,
    /// Megawatts (accepts W, kW, MW, GW).
    Mw,
    /// USD per kW of IT a month.
    UsdPerKwMonth,
    /// USD per MW (accepts k, M).
    UsdPerMw,
    /// Years.
    Years,
    /// Months.
    Months,
    /// USD a month (accepts k, M).
    UsdPerMonth,
}

impl Unit {
    /// The unit as help and tables print it.
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::None => "",
            Unit::UsdPerKwh => "USD/kWh",
            Unit::Pct => "%",
            Unit::PctPerYear => "% a year",
            Unit::JPerTh => "J/TH",
            Unit::ThS => "TH/s",
            Unit::EhS => "EH/s",
            Unit::Difficulty => "",
            Unit::BtcPerBlock => "BTC/block",
            Unit::UsdPerBtc => "USD/BTC",
            Unit::Usd => "USD",
            Unit::UsdPerDay => "USD/day",
            Unit::Machines => "machines",
            Unit::Blocks => "blocks",
            Unit::Days => "days",
            Unit::HoursPerDay => "hours/day",
            Unit::Mw => "MW",
            Unit::UsdPerKwMonth => "USD/kW-month",
            Unit::UsdPerMw => "USD/MW",
            Unit::Years => "years",
            Unit::Months => "months",
            Unit::UsdPerMonth => "USD/month",
        }
    }

    /// The suffixes a number in this unit may carry, and what each multiplies it by.
    pub fn suffixes(self) -> &'static [(&'static str, f64)] {
        const HASH_TH: &[(&str, f64)] = &[
            ("gh", 1e-3),
            ("th", 1.0),
            ("ph", 1e3),
            ("eh", 1e6),
            ("zh", 1e9),
        ];
        const HASH_EH: &[(&str, f64)] = &[
            ("gh", 1e-9),
            ("th", 1e-6),
            ("ph", 1e-3),
            ("eh", 1.0),
            ("zh", 1e3),
        ];
        const SI: &[(&str, f64)] = &[
            ("k", 1e3),
            ("m", 1e6),
            ("g", 1e9),
            ("t", 1e12),
            ("p", 1e15),
            ("e", 1e18),
        ];
        const MONEY: &[(&str, f64)] = &[("k", 1e3), ("m", 1e6), ("b", 1e9)];
        const POWER_MW: &[(&str, f64)] = &[("gw", 1e3), ("mw", 1.0), ("kw", 1e-3), ("w", 1e-6)];
        const PCT: &[(&str, f64)] = &[("%", 1.0)];
        match self {
            Unit::ThS => HASH_TH,
            Unit::EhS => HASH_EH,
            Unit::Difficulty => SI,
            Unit::UsdPerBtc | Unit::Usd | Unit::UsdPerDay | Unit::UsdPerMw | Unit::UsdPerMonth => {
                MONEY
            }
            Unit::Mw => POWER_MW,
            Unit::Pct | Unit::PctPerYear => PCT,
            _ => &[],
        }
    }

    /// The ending an output column of this unit takes (`_usd_per_kwh`).
    pub fn column_suffix(self) -> &'static str {
        match self {
            Unit::None | Unit::Difficulty => "",
            Unit::UsdPerKwh => "_usd_per_kwh",
            Unit::Pct => "_pct",
            Unit::PctPerYear => "_pct",
            Unit::JPerTh => "_j_per_th",
            Unit::ThS => "_th_s",
            Unit::EhS => "_eh_s",
            Unit::BtcPerBlock => "_btc_per_block",
            Unit::UsdPerBtc | Unit::Usd => "_usd",
            Unit::UsdPerDay => "_usd_per_day",
            Unit::Machines => "",
            Unit::Blocks => "",
            Unit::Days => "_days",
            Unit::HoursPerDay => "_per_day",
            Unit::Mw => "_mw",
            Unit::UsdPerKwMonth => "_usd_per_kw_month",
            Unit::UsdPerMw => "_usd_per_mw",
            Unit::Years => "_years",
            Unit::Months => "_months",
            Unit::UsdPerMonth => "_usd_per_month",
        }
    }
}

/// The scenario file's table a parameter lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Table {
    /// `[network]`.
    Network,
    /// `[fleet]` (and, for per-group parameters, `[[fleet.group]]`).
    Fleet,
    /// `[horizon]`.
    Horizon,
    /// `[pivot]`.
    Pivot,
}

impl Table {
    /// The table's name in a scenario file.
    pub fn name(self) -> &'static str {
        match self {
            Table::Network => "network",
            Table::Fleet => "fleet",
            Table::Horizon => "horizon",
            Table::Pivot => "pivot",
        }
    }
}

/// Where a parameter may be given in the fleet: for the whole fleet, for one group, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Only for the whole scenario.
    Scenario,
    /// For the fleet (every group) and for one group.
    FleetOrGroup,
    /// Only for one group.
    Group,
}

/// Sets of parameters, which a command accepts or not as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// The chain's state at the start: start, height, difficulty, network hashrate.
    State,
    /// Price and fees at the start.
    Market,
    /// Growth of the network's hashrate, fees and price.
    Growth,
    /// Dated price and hashrate paths.
    Paths,
    /// The network model and the response model's settings.
    Response,
    /// The fleet: machines, hashrate, efficiency, power cost, uptime, pool fee, opex.
    Fleet,
    /// Capex, unit prices and the discount rate.
    Finance,
    /// Curtailment and time-of-use power.
    Curtail,
    /// How far to project.
    Horizon,
    /// The site to convert.
    Site,
    /// The AI/HPC lease case.
    Lease,
}

impl Section {
    /// The help heading of the section's flags.
    pub fn heading(self) -> &'static str {
        match self {
            Section::State => "Network state (default: the embedded snapshot, data/network.json)",
            Section::Market => "Market (default: the embedded snapshot)",
            Section::Growth => "Network paths",
            Section::Paths => "Network paths",
            Section::Response => "Network response (--network-model response)",
            Section::Fleet => "Fleet (default: 1 PH/s at 15 J/TH, $0.05/kWh)",
            Section::Finance => "Finance",
            Section::Curtail => "Curtailment",
            Section::Horizon => "Horizon (default: --halving next)",
            Section::Site => "Site",
            Section::Lease => "Lease case",
        }
    }
}

/// A parameter's valid range, in its own unit. A value outside it is an error (exit 2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// Lowest value.
    pub min: f64,
    /// True when `min` itself is not allowed.
    pub min_open: bool,
    /// Highest value.
    pub max: f64,
    /// True when the range is a real one (0 to 100 %): errors say "between"; otherwise
    /// `max` is a bound far past any real figure that keeps sums finite.
    pub range: bool,
}

impl Bounds {
    const fn above(min: f64, max: f64) -> Bounds {
        Bounds {
            min,
            min_open: true,
            max,
            range: false,
        }
    }
    const fn from(min: f64, max: f64) -> Bounds {
        Bounds {
            min,
            min_open: false,
            max,
            range: false,
        }
    }
    const fn between(min: f64, max: f64) -> Bounds {
        Bounds {
            min,
            min_open: false,
            max,
            range: true,
        }
    }
    const NONE: Bounds = Bounds::from(f64::NEG_INFINITY, f64::INFINITY);

    /// True when `v` is inside.
    pub fn contains(&self, v: f64) -> bool {
        v.is_finite()
            && (if self.min_open {
                v > self.min
            } else {
                v >= self.min
            })
            && v <= self.max
    }

    /// The rule `v` breaks, worded for an error message.
    pub fn rule_for(&self, v: f64) -> String {
        let low = !v.is_nan()
            && (if self.min_open {
                v <= self.min
            } else {
                v < self.min
            });
        if self.range {
            if self.min_open {
                format!(
                    "must be more than {} and at most {}",
                    show_bound(self.min),
                    show_bound(self.max)
                )
            } else {
                format!(
                    "must be between {} and {}",
                    show_bound(self.min),
                    show_bound(self.max)
                )
            }
        } else if low || v.is_nan() {
            match (self.min, self.min_open) {
                (0.0, true) => "must be a positive number".to_string(),
                (0.0, false) => "must be zero or more".to_string(),
                (m, true) => format!("must be above {}", show_bound(m)),
                (m, false) => format!("must be {} or more", show_bound(m)),
            }
        } else {
            format!("must be at most {}", show_bound(self.max))
        }
    }

    /// The range as the dictionary prints it: `> 0, <= 1e12`.
    pub fn describe(&self) -> String {
        let lo = if self.min == f64::NEG_INFINITY {
            String::new()
        } else {
            format!(
                "{} {}",
                if self.min_open { ">" } else { ">=" },
                show_bound(self.min)
            )
        };
        let hi = if self.max == f64::INFINITY {
            String::new()
        } else {
            format!("<= {}", show_bound(self.max))
        };
        match (lo.is_empty(), hi.is_empty()) {
            (true, true) => String::new(),
            (false, true) => lo,
            (true, false) => hi,
            (false, false) => format!("{lo}, {hi}"),
        }
    }
}

/// A number as messages show it: plain, or in exponent form when it is huge or tiny.
pub fn show(v: f64) -> String {
    crate::error::show(v)
}

/// A bound as messages show it: exponent form from a million up (`1e12`).
fn show_bound(v: f64) -> String {
    if v.is_finite() && v.abs() >= 1e6 {
        format!("{v:e}")
    } else {
        show(v)
    }
}

/// A parameter's plausible range: values outside it are allowed but warned about.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Plausible {
    /// Anything valid is plausible.
    Any,
    /// A percentage given as a fraction: 0 < v <= 1 warns (`0.95` meant 95%).
    PercentNotFraction,
    /// Warn outside `[lo, hi]`, with a hint.
    Within(f64, f64, &'static str),
    /// Compared with the network at the start (difficulty, network hashrate): warn when the
    /// value is more than 100 times off.
    NearNetwork,
}

/// A default value and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Default {
    /// The value as help prints it.
    pub value: &'static str,
    /// Its source or reason, for `minecalc params`.
    pub source: &'static str,
}

/// One parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Param {
    /// The flag without dashes, and the name `--vary` and `--for` take (`power-cost`).
    pub name: &'static str,
    /// The key in the scenario file (`power_cost`).
    pub key: &'static str,
    /// The scenario file's table.
    pub table: Table,
    /// Fleet-wide, per group, or both.
    pub level: Level,
    /// The section (commands accept whole sections).
    pub section: Section,
    /// What the value is.
    pub kind: Kind,
    /// Its unit.
    pub unit: Unit,
    /// The value's name in help (`USD/KWH`).
    pub value_name: &'static str,
    /// The default, if any.
    pub default: Option<Default>,
    /// Valid range, in the parameter's unit.
    pub bounds: Bounds,
    /// Plausible range.
    pub plausible: Plausible,
    /// True when the flag, given after a `--machine`, sets that group's value.
    pub per_machine: bool,
    /// True when `--vary` (and `pivot --vary`) can vary it.
    pub varies: bool,
    /// `breakeven --for` can solve for it in this bracket (its unit).
    pub solve: Option<(f64, f64)>,
    /// One line of help (the unit and default are added).
    pub help: &'static str,
}

impl Param {
    /// True when `text` is [`Param::column`] (compared without building the column).
    pub fn column_is(&self, text: &str) -> bool {
        let suffix = self.unit.column_suffix();
        if self.key.ends_with(suffix.trim_start_matches('_')) {
            self.key == text
        } else {
            text.len() == self.key.len() + suffix.len()
                && text.starts_with(self.key)
                && text.ends_with(suffix)
        }
    }

    /// The output column for the parameter's value (`power_cost_usd_per_kwh`).
    pub fn column(&self) -> String {
        let suffix = self.unit.column_suffix();
        if self.key.ends_with(suffix.trim_start_matches('_')) {
            self.key.to_string()
        } else {
            format!("{}{suffix}", self.key)
        }
    }

    /// The flag (`--power-cost`).
    pub fn flag(&self) -> String {
        format!("--{}", self.name)
    }

    /// True for a number-valued parameter.
    pub fn is_numeric(&self) -> bool {
        matches!(self.kind, Kind::Number | Kind::Integer)
    }

    /// The whole help text: the line, the unit's suffixes and the default.
    pub fn help_text(&self) -> String {
        let mut h = self.help.to_string();
        if let Some(d) = self.default {
            // A plain number says its percent unit: `[default: 0%/yr]`.
            let unit = match self.unit {
                Unit::PctPerYear => "%/yr",
                Unit::Pct => "%",
                _ => "",
            };
            if !unit.is_empty() && d.value.parse::<f64>().is_ok() {
                h.push_str(&format!(" [default: {}{unit}]", d.value));
            } else {
                h.push_str(&format!(" [default: {}]", d.value));
            }
        }
        h
    }

    /// Parses `text` as this parameter's number, with the suffixes its unit accepts
    /// (`133.87T`, `250PH`, `59k`, `50MW`, `95%`). The error says what was expected.
    pub fn parse_number(&self, text: &str) -> Result<f64, String> {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        let body = lower.strip_suffix("/s").unwrap_or(&lower);
        let (num, factor) = self
            .unit
            .suffixes()
            .iter()
            .find_map(|(s, k)| body.strip_suffix(s).map(|n| (n.trim(), *k)))
            .unwrap_or((body, 1.0));
        let v: f64 = num.parse().map_err(|_| self.expected())?;
        if !v.is_finite() {
            return Err(format!("must be a finite number, got \"{t}\""));
        }
        if self.kind == Kind::Integer && v.fract() != 0.0 {
            return Err(format!("must be a whole number, got \"{t}\""));
        }
        Ok(v * factor)
    }

    fn expected(&self) -> String {
        let s = self.unit.suffixes();
        let ex = match self.unit {
            Unit::ThS => " with an optional unit GH, TH, PH, EH, ZH (e.g. 250PH)",
            Unit::EhS => " with an optional unit PH, EH, ZH (e.g. 1.1ZH)",
            Unit::Difficulty => " with an optional suffix K, M, G, T, P, E (e.g. 133.87T)",
            Unit::UsdPerBtc | Unit::Usd | Unit::UsdPerDay | Unit::UsdPerMw => {
                " with an optional suffix k, M, B (e.g. 59k)"
            }
            Unit::Mw => " with an optional unit W, kW, MW, GW (e.g. 50MW)",
            _ if !s.is_empty() => " (a % sign is allowed)",
            _ => "",
        };
        let what = if self.kind == Kind::Integer {
            "a whole number"
        } else {
            "a number"
        };
        format!("expected {what}{ex}")
    }

    /// An error for this parameter: `value` breaks `rule`, given at `origin`.
    pub fn error(
        &self,
        origin: Origin,
        value: impl Into<String>,
        rule: impl Into<String>,
    ) -> Error {
        Error::Param {
            name: self.name,
            key: self.key,
            origin,
            value: value.into(),
            rule: rule.into(),
        }
    }

    /// Checks a value against the valid range: an error naming the parameter and where the
    /// value came from.
    pub fn check(&self, v: f64, origin: &Origin) -> Result<f64, Error> {
        // A subnormal (|v| < 2.2e-308) has lost its precision: no figure is that small.
        if v != 0.0 && v.abs() < f64::MIN_POSITIVE {
            return Err(self.error(
                origin.clone(),
                format!("{v:e}"),
                "is too small to compute with (below 2.2e-308); give 0 or a larger value",
            ));
        }
        if self.bounds.contains(v) {
            Ok(v)
        } else {
            Err(self.error(origin.clone(), show(v), self.bounds.rule_for(v)))
        }
    }

    /// A warning when a valid value looks like a slip (never changes the result).
    pub fn warning(&self, v: f64, origin: &Origin) -> Option<String> {
        let at = origin.describe_key(self.name, self.key);
        match self.plausible {
            Plausible::Any | Plausible::NearNetwork => None,
            Plausible::PercentNotFraction if v > 0.0 && v <= 1.0 => Some(format!(
                "{at} {} means {}%; for {}% write {}",
                show(v),
                show(v),
                show(v * 100.0),
                show(v * 100.0)
            )),
            Plausible::PercentNotFraction => None,
            Plausible::Within(lo, hi, hint) if v < lo || v > hi => Some(format!(
                "{at} {} is outside {}–{}: {hint}",
                show(v),
                show(lo),
                show(hi)
            )),
            Plausible::Within(..) => None,
        }
    }
}

/// Every parameter, in the order `minecalc params` lists them.
pub static PARAMS: &[Param] = &[
    // Network state.
    Param {
        name: "start",
        key: "start",
        table: Table::Network,
        level: Level::Scenario,
        section: Section::State,
        kind: Kind::Date,
        unit: Unit::None,
        value_name: "DATE",
        default: Some(Default {
            value: "today (UTC)",
            source: "the clock; the network state in force (stored by `network update`, else data/network.json) is rolled forward to it",
        }),
        bounds: Bounds::NONE,
        plausible: Plausible::Any,
        per_machine: false,
        varies: false,
        solve: None,
        help: "First day, YYYY-MM-DD or `today` (UTC). A start after the network state's date rolls the state forward by the model (one stderr line says so).",
    },
    Param {
        name: "height",
        key: "height",
        table: Table::Network,
        level: Level::Scenario,
        section: Section::State,
        kind: Kind::Integer,
        unit: Unit::Blocks,
        value_name: "BLOCKS",
        default: Some(Default {
            value: "the snapshot's",
            source: "data/network.json",
        }),
        bounds: Bounds::between(0.0, 6_930_000.0),
        plausible: Plausible::Any,
        per_machine: false,
        varies: false,
        solve: None,
        help: "Chain tip height at the start.",
    },
    Param {
        name: "difficulty",
        key: "difficulty",
        table: Table::Network,
        level: Level::Scenario,
        section: Section::State,
        kind: Kind::Number,
        unit: Unit::Difficulty,
        value_name: "D",
        default: Some(Default {
            value: "the snapshot's",
            source: "data/network.json",
        }),
        // At least 1, Bitcoin's minimum (powLimit): below it hashvalue has no meaning and
        // grows to infinity.
        bounds: Bounds::from(1.0, 1e30),
        plausible: Plausible::NearNetwork,
        per_machine: false,
        varies: true,
        solve: None,
        help: "Difficulty at the start; a suffix is accepted: 133.87T (without --network-hashrate, hashrate = D * 2^32 / 600).",
    },
    Param {
        name: "network-hashrate",
        key: "network_hashrate",
        table: Table::Network,
        level: Level::Scenario,
        section: Section::State,
        kind: Kind::Number,
        unit: Unit::EhS,
        value_name: "EH/S",
        default: Some(Default {
            value: "the snapshot's",
            source: "data/network.json",
        }),
        // At least the hashrate of difficulty 1 (2^32 / 600 H/s, 7.2e-12 EH/s).
        bounds: Bounds::from(1e-11, 1e15),
        plausible: Plausible::NearNetwork,
        per_machine: false,
        varies: true,
        solve: None,
        help: "Network hashrate, EH/s; a unit is accepted: 1.2ZH, 984EH (without --difficulty, difficulty = H * 600 / 2^32).",
    },
    // Market.
    Param {
        name: "fees",
        key: "fees",
        table: Table::Network,
        level: Level::Scenario,
        section: Section::Market,
        kind: Kind::Number,
        unit: Unit::BtcPerBlock,
        value_name: "BTC",
        default: Some(Default {
            value: "the snapshot's",
            source: "data/network.json: 0.017, Hashrate Index Roundup of 2026-01-12 (17 BTC of fees in a week, 0.55% of block rewards)",
        }),
        bounds: Bounds::from(0.0, 1e6),
        plausible: Plausible::Within(0.0, 5.0, "fees are BTC per block (about 0.017–0.04 in 2025–2026)"),
        per_machine: false,
        varies: true,
        solve: Some((0.0, 1000.0)),
        help: "Average transaction fees per block, BTC.",
    },
    Param {
        name: "price",
        key: "price",
        table: Table::Network,
        level: Level::Scenario,
        section: Section::Market,
        kind: Kind::Number,
        unit: Unit::UsdPerBtc,
        value_name: "USD",
        default: Some(Default {
            value: "the snapshot's",
            source: "data/network.json",
        }),
        bounds: Bounds::above(0.0, 1e12),
        plausible: Plausible::Any,
        per_machine: false,
        varies: true,
        solve: Some((100.0, 100_000_000.0)),
        help: "BTC price, USD; a suffix is accepted: 59k.",
    },
    // Growth.
    growth("hashrate-growth", "hashrate_growth", "Network hashrate growth, % a year (or give --difficulty-change or --difficulty-change-monthly).", Section::Growth),
    // The conversions to --hashrate-growth are model/network.rs
    // hashrate_growth_from_difficulty_change and _monthly_: a value whose growth is outside
    // --hashrate-growth's bounds is refused by inputs/scenario.rs network_inputs.
    Param {
        name: "difficulty-change",
        key: "difficulty_change",
        table: Table::Network,
        level: Level::Scenario,
        section: Section::Growth,
        kind: Kind::Number,
        unit: Unit::Pct,
        value_name: "PCT",
        default: None,
        // A retarget multiplies difficulty by at most 4 and divides it by at most 4.
        bounds: Bounds::above(-75.0, 300.0),
        plausible: Plausible::Within(-20.0, 20.0, "the difficulty change is % per retarget epoch (2016 blocks, about two weeks)"),
        per_machine: false,
        varies: true,
        solve: Some((-50.0, 15.0)),
        help: "Difficulty change at every retarget, % (as Braiins Insights takes it), instead of --hashrate-growth: x becomes the hashrate growth exp(ln(1+x) (1+x) 365 d / 14 d) - 1 a year, under which each retarget is x once the network settles (a few epochs); at most about 16.4 (10000% a year).",
    },
    Param {
        name: "difficulty-change-monthly",
        key: "difficulty_change_monthly",
        table: Table::Network,
        level: Level::Scenario,
        section: Section::Growth,
        kind: Kind::Number,
        unit: Unit::Pct,
        value_name: "PCT",
        default: None,
        bounds: Bounds::above(-100.0, 1000.0),
        plausible: Plausible::Within(-30.0, 30.0, "the difficulty change is % a month"),
        per_machine: false,
        varies: true,
        solve: Some((-50.0, 45.0)),
        help: "Difficulty change a month, %, instead of --hashrate-growth: m becomes the hashrate growth (1+m)^12 - 1 a year (difficulty follows the hashrate one retarget behind); at most about 46.9 (10000% a year).",
    },
    growth("fee-growth", "fee_growth", "Fees-per-block growth, % a year.", Section::Market),
    growth("price-growth", "price_growth", "BTC price growth, % a year (50 or 50% = +50% a year).", Section::Market),
    // Paths.
    Param {
        name: "price-path",
        key: "price_path",
        table: Table::Network,
        level: Level::Scenario,
        section: Section::Paths,
        kind: Kind::File,
        unit: Unit::None,
        value_name: "FILE",
        default: None,
        bounds: Bounds::NONE,
        plausible: Plausible::Any,
        per_machine: false,
        varies: false,
        solve: None,
        help: "BTC price path: CSV `date,value` (or a Yahoo-style `Date,...,Close` history), USD. Interpolated between its dates; --price-growth continues after the last.",
    },
    Param {
        name: "hashrate-path",
        key: "hashrate_path",
        table: Table::Network,
        level: Level::Scenario,
        section: Section::Paths,
        kind: Kind::File,
        unit: Unit::None,
        value_name: "FILE",
        default: None,
        bounds: Bounds::NONE,
        plausible: Plausible::Any,
        per_machine: false,
        varies: false,
        solve: None,
        help: "Network hashrate path: CSV `date,value` in EH/s; --hashrate-growth continues after it.",
    },
    Param {
        name: "hashprice-path",
        key: "hashprice_path",
        table: Table::Network,
        level: Level::Scenario,
        section: Section::Paths,
        kind: Kind::File,
        unit: Unit::None,
        value_name: "FILE",
        default: None,
        // Each of the file's values, USD per PH/s per day.
        bounds: Bounds::above(0.0, 1e9),
        plausible: Plausible::Any,
        per_machine: false,
        varies: false,
        solve: None,
        help: "Hashprice path that sets revenue: CSV `date,value` in USD per PH/s per day (a forward curve). Each day a PH/s earns the path's value (linear between its dates; the first value before them, the last after), so the day's hashvalue is value / price; difficulty, blocks and subsidy stay the network's. Not with --network-model response.",
    },
    // Response model.
    Param {
        name: "network-model",
        key: "model",
        table: Table::Network,
        level: Level::Scenario,
        section: Section::Response,
        kind: Kind::Choice(&["fixed", "response"]),
        unit: Unit::None,
        value_name: "MODEL",
        default: Some(Default {
            value: "fixed",
            source: "the network follows --hashrate-growth whatever it earns",
        }),
        bounds: Bounds::NONE,
        plausible: Plausible::Any,
        per_machine: false,
        varies: false,
        solve: None,
        help: "How the network's hashrate moves: `fixed` follows --hashrate-growth; `response` runs the installed base as cohorts (data/network_fleet.csv) that switch off while hashprice is below their power cost, so difficulty falls at the next retarget.",
    },
    Param {
        name: "cohorts",
        key: "cohorts",
        table: Table::Network,
        level: Level::Scenario,
        section: Section::Response,
        kind: Kind::File,
        unit: Unit::None,
        value_name: "FILE",
        default: Some(Default {
            value: "data/network_fleet.csv",
            source: "embedded cohort table",
        }),
        bounds: Bounds::NONE,
        plausible: Plausible::Any,
        per_machine: false,
        varies: false,
        solve: None,
        help: "Cohort table CSV: cohort,share_pct,efficiency_j_per_th,power_cost_usd_per_kwh[,...].",
    },
    response("off-lag", "off_lag", Unit::Days, "DAYS", "30", Bounds::between(0.0, 365.0), "Days until 63% of the hashrate that loses money is off (a first-order lag)."),
    response("on-lag", "on_lag", Unit::Days, "DAYS", "14", Bounds::between(0.0, 365.0), "Days until 63% of the hashrate that earns again is back on."),
    response("retire-rate", "retire_rate", Unit::PctPerYear, "PCT", "10", Bounds::between(0.0, 99.0), "Old cohorts retired each year, % of their hashrate; new hashrate replaces it."),
    response("new-efficiency", "new_efficiency", Unit::JPerTh, "J/TH", "13.5 (Antminer S21 XP)", Bounds::above(0.0, 1e6), "Efficiency of new hashrate, J/TH."),
    response("new-power-cost", "new_power_cost", Unit::UsdPerKwh, "USD/KWH", "0.045 (the Cambridge 2025 median)", Bounds::from(0.0, 1e3), "Power cost of new hashrate, USD/kWh."),
    response("cost-spread", "cost_spread", Unit::Pct, "PCT", "15", Bounds::between(0.0, 300.0), "Spread of power costs within a cohort, % (log standard deviation)."),
    // Fleet.
    Param {
        name: "machine",
        key: "machine",
        table: Table::Fleet,
        level: Level::Group,
        section: Section::Fleet,
        kind: Kind::Text,
        unit: Unit::None,
        value_name: "MODEL",
        default: None,
        bounds: Bounds::NONE,
        plausible: Plausible::Any,
        per_machine: false,
        varies: false,
        solve: None,
        help: "A machine from the catalog (`minecalc machines`); repeat for several groups. --units, --unit-price, --power-cost, --uptime and --pool-fee after it apply to it.",
    },
    Param {
        name: "units",
        key: "units",
        table: Table::Fleet,
        level: Level::Group,
        section: Section::Fleet,
        kind: Kind::Number,
        unit: Unit::Machines,
        value_name: "N",
        default: Some(Default {
            value: "1",
            source: "one machine",
        }),
        bounds: Bounds::above(0.0, 1e9),
        plausible: Plausible::Any,
        per_machine: true,
        varies: true,
        solve: None,
        help: "Number of machines of the --machine before it.",
    },
    Param {
        name: "label",
        key: "label",
        table: Table::Fleet,
        level: Level::Group,
        section: Section::Fleet,
        kind: Kind::Text,
        unit: Unit::None,
        value_name: "TEXT",
        default: Some(Default {
            value: "the machine and units",
            source: "",
        }),
        bounds: Bounds::NONE,
        plausible: Plausible::Any,
        per_machine: false,
        varies: false,
        solve: None,
        help: "A name for the group (scenario files only).",
    },
    Param {
        name: "hashrate",
        key: "hashrate",
        table: Table::Fleet,
        level: Level::FleetOrGroup,
        section: Section::Fleet,
        kind: Kind::Number,
        unit: Unit::ThS,
        value_name: "TH/S",
        default: Some(Default {
            value: "1000 (1 PH/s)",
            source: "an example fleet",
        }),
        bounds: Bounds::above(0.0, 1e12),
        plausible: Plausible::Any,
        per_machine: false,
        varies: true,
        solve: None,
        help: "Fleet hashrate, TH/s; a unit suffix is accepted: 250PH, 1.5EH, 500TH.",
    },
    Param {
        name: "efficiency",
        key: "efficiency",
        table: Table::Fleet,
        level: Level::FleetOrGroup,
        section: Section::Fleet,
        kind: Kind::Number,
        unit: Unit::JPerTh,
        value_name: "J/TH",
        default: Some(Default {
            value: "15 (the machine's with --machine)",
            source: "an Antminer S21 Pro-class machine",
        }),
        bounds: Bounds::above(0.0, 1e6),
        plausible: Plausible::Within(5.0, 200.0, "ASICs since 2016 run at about 10–100 J/TH"),
        per_machine: false,
        varies: true,
        solve: Some((0.1, 500.0)),
        help: "Efficiency, J/TH (with --machine: replaces the catalog's figure).",
    },
    Param {
        name: "power-cost",
        key: "power_cost",
        table: Table::Fleet,
        level: Level::FleetOrGroup,
        section: Section::Fleet,
        kind: Kind::Number,
        unit: Unit::UsdPerKwh,
        value_name: "USD/KWH",
        default: Some(Default {
            value: "0.05",
            source: "a typical industrial rate for US miners",
        }),
        bounds: Bounds::from(0.0, 1e3),
        plausible: Plausible::Within(0.0, 1.0, "power cost is USD per kWh; for 5 cents write 0.05"),
        per_machine: true,
        varies: true,
        solve: Some((0.0, 2.0)),
        help: "Electricity price, USD/kWh (after a --machine: that group's).",
    },
    Param {
        name: "uptime",
        key: "uptime",
        table: Table::Fleet,
        level: Level::FleetOrGroup,
        section: Section::Fleet,
        kind: Kind::Number,
        unit: Unit::Pct,
        value_name: "PCT",
        default: Some(Default {
            value: "100",
            source: "machines run all day",
        }),
        bounds: Bounds::between(0.0, 100.0),
        plausible: Plausible::PercentNotFraction,
        per_machine: true,
        varies: true,
        solve: Some((0.0, 100.0)),
        help: "Uptime, % (after a --machine: that group's).",
    },
    Param {
        name: "pool-fee",
        key: "pool_fee",
        table: Table::Fleet,
        level: Level::FleetOrGroup,
        section: Section::Fleet,
        kind: Kind::Number,
        unit: Unit::Pct,
        value_name: "PCT",
        default: Some(Default {
            value: "0",
            source: "solo or fee-free; FPPS pools charge about 1-4%",
        }),
        bounds: Bounds::between(0.0, 100.0),
        plausible: Plausible::PercentNotFraction,
        per_machine: true,
        varies: true,
        solve: Some((0.0, 100.0)),
        help: "Pool fee, % of revenue (after a --machine: that group's).",
    },
    Param {
        name: "opex",
        key: "opex",
        table: Table::Fleet,
        level: Level::FleetOrGroup,
        section: Section::Fleet,
        kind: Kind::Number,
        unit: Unit::UsdPerDay,
        value_name: "USD/DAY",
        default: Some(Default {
            value: "0",
            source: "",
        }),
        bounds: Bounds::from(0.0, 1e15),
        plausible: Plausible::Any,
        per_machine: false,
        varies: true,
        solve: Some((0.0, 1e12)),
        help: "Other operating costs, USD a day (staff, hosting fees, maintenance).",
    },
    // Finance.
    Param {
        name: "capex",
        key: "capex",
        table: Table::Fleet,
        level: Level::FleetOrGroup,
        section: Section::Finance,
        kind: Kind::Number,
        unit: Unit::Usd,
        value_name: "USD",
        default: Some(Default {
            value: "units x --unit-price",
            source: "",
        }),
        bounds: Bounds::from(0.0, 1e15),
        plausible: Plausible::Any,
        per_machine: false,
        varies: true,
        solve: Some((0.0, 1e12)),
        help: "Capital spent on day 0, USD (replaces units x --unit-price); payback, ROI and NPV count it.",
    },
    Param {
        name: "unit-price",
        key: "unit_price",
        table: Table::Fleet,
        level: Level::FleetOrGroup,
        section: Section::Finance,
        kind: Kind::Number,
        unit: Unit::Usd,
        value_name: "USD",
        default: Some(Default {
            value: "the machine's catalog price, else 0",
            source: "data/machines.csv price_usd (dated and sourced)",
        }),
        bounds: Bounds::from(0.0, 1e12),
        plausible: Plausible::Any,
        per_machine: true,
        varies: true,
        solve: None,
        help: "Price of one machine, USD (after a --machine: that group's); capex = units x unit price.",
    },
    Param {
        name: "discount-rate",
        key: "discount_rate",
        table: Table::Fleet,
        level: Level::Scenario,
        section: Section::Finance,
        kind: Kind::Number,
        unit: Unit::PctPerYear,
        value_name: "PCT",
        default: Some(Default {
            value: "0 (pivot: 10)",
            source: "an assumption, not a sourced figure",
        }),
        bounds: Bounds::above(-100.0, 10_000.0),
        plausible: Plausible::Within(-50.0, 100.0, "the discount rate is % a year"),
        per_machine: false,
        varies: true,
        solve: Some((-99.0, 1000.0)),
        help: "Discount rate for NPV, % a year.",
    },
    // A fleet's life: dates and wear.
    Param {
        name: "energize",
        key: "energize",
        table: Table::Fleet,
        level: Level::FleetOrGroup,
        section: Section::Fleet,
        kind: Kind::Date,
        unit: Unit::None,
        value_name: "DATE",
        default: None,
        bounds: Bounds::NONE,
        plausible: Plausible::Any,
        per_machine: true,
        varies: false,
        solve: None,
        help: "First day the machines run (energization), YYYY-MM-DD, on or after the start (after a --machine: that group's); its capex is spent that day.",
    },
    Param {
        name: "retire",
        key: "retire",
        table: Table::Fleet,
        level: Level::FleetOrGroup,
        section: Section::Fleet,
        kind: Kind::Text,
        unit: Unit::None,
        value_name: "DATE|halving",
        default: None,
        bounds: Bounds::NONE,
        plausible: Plausible::Any,
        per_machine: true,
        varies: false,
        solve: None,
        help: "When the machines stop: a date YYYY-MM-DD (they run the day before), or `halving` (the next halving block, to the second) (after a --machine: that group's); their resale is received then.",
    },
    Param {
        name: "schedule",
        key: "schedule",
        table: Table::Fleet,
        level: Level::Group,
        section: Section::Fleet,
        kind: Kind::Text,
        unit: Unit::None,
        value_name: "DATE:UNITS,...",
        default: None,
        bounds: Bounds::NONE,
        plausible: Plausible::Any,
        per_machine: true,
        varies: false,
        solve: None,
        help: "A deployment schedule for a --machine group: batches of units added on dates, e.g. 2027-03-01:2000,2027-06-01:2000; each batch is energized (and ages) from its date.",
    },
    Param {
        name: "degradation",
        key: "degradation",
        table: Table::Fleet,
        level: Level::FleetOrGroup,
        section: Section::Fleet,
        kind: Kind::Number,
        unit: Unit::PctPerYear,
        value_name: "PCT/YR",
        default: Some(Default {
            value: "0",
            source: "no wear",
        }),
        bounds: Bounds::between(0.0, 100.0),
        plausible: Plausible::PercentNotFraction,
        per_machine: true,
        varies: true,
        solve: Some((0.0, 100.0)),
        help: "Hashrate lost to wear, % a year, compounding from energization; the power drawn stays, so J/TH rises (after a --machine: that group's).",
    },
    Param {
        name: "failure-rate",
        key: "failure_rate",
        table: Table::Fleet,
        level: Level::FleetOrGroup,
        section: Section::Fleet,
        kind: Kind::Number,
        unit: Unit::PctPerYear,
        value_name: "PCT/YR",
        default: Some(Default {
            value: "0",
            source: "no failures",
        }),
        bounds: Bounds::between(0.0, 100.0),
        plausible: Plausible::PercentNotFraction,
        per_machine: true,
        varies: true,
        solve: Some((0.0, 100.0)),
        help: "Machines failing, % a year, compounding: their hashrate, power, hosting fees and resale go (after a --machine: that group's).",
    },
    // Hosting.
    Param {
        name: "hosting-fee",
        key: "hosting_fee",
        table: Table::Fleet,
        level: Level::FleetOrGroup,
        section: Section::Fleet,
        kind: Kind::Number,
        unit: Unit::UsdPerMonth,
        value_name: "USD/MONTH",
        default: Some(Default {
            value: "0",
            source: "self-hosted; the hosting rate itself is --power-cost",
        }),
        bounds: Bounds::from(0.0, 1e9),
        plausible: Plausible::Any,
        per_machine: true,
        varies: true,
        solve: Some((0.0, 1e6)),
        help: "Hosting fee per machine, USD a month, while installed (after a --machine: that group's). The host's all-in rate is --power-cost.",
    },
    Param {
        name: "profit-share",
        key: "profit_share",
        table: Table::Fleet,
        level: Level::FleetOrGroup,
        section: Section::Fleet,
        kind: Kind::Number,
        unit: Unit::Pct,
        value_name: "PCT",
        default: Some(Default {
            value: "0",
            source: "no profit share",
        }),
        bounds: Bounds::between(0.0, 100.0),
        plausible: Plausible::PercentNotFraction,
        per_machine: true,
        varies: true,
        solve: Some((0.0, 100.0)),
        help: "The host's share, % of revenue or of margin (--profit-share-on) (after a --machine: that group's).",
    },
    Param {
        name: "profit-share-on",
        key: "profit_share_on",
        table: Table::Fleet,
        level: Level::FleetOrGroup,
        section: Section::Fleet,
        kind: Kind::Choice(&["revenue", "margin"]),
        unit: Unit::None,
        value_name: "BASIS",
        default: Some(Default {
            value: "revenue",
            source: "hosting contracts commonly share revenue",
        }),
        bounds: Bounds::NONE,
        plausible: Plausible::Any,
        per_machine: true,
        varies: false,
        solve: None,
        help: "What --profit-share is a share of: `revenue`, or `margin` (revenue less power and hosting fee, on days it is positive).",
    },
    Param {
        name: "solo",
        key: "solo",
        table: Table::Fleet,
        level: Level::Scenario,
        section: Section::Fleet,
        kind: Kind::Switch,
        unit: Unit::None,
        value_name: "",
        default: None,
        bounds: Bounds::NONE,
        plausible: Plausible::Any,
        per_machine: false,
        varies: false,
        solve: None,
        help: "Solo mining: revenue stays the expected value, and the header gives the odds of finding a block (Poisson over the expected blocks).",
    },
    // Books: resale, depreciation, tax, treasury.
    Param {
        name: "resale",
        key: "resale",
        table: Table::Fleet,
        level: Level::FleetOrGroup,
        section: Section::Finance,
        kind: Kind::Number,
        unit: Unit::Usd,
        value_name: "USD",
        default: Some(Default {
            value: "0",
            source: "no resale",
        }),
        bounds: Bounds::from(0.0, 1e9),
        plausible: Plausible::Any,
        per_machine: true,
        varies: true,
        solve: Some((0.0, 1e6)),
        help: "Resale value of one surviving machine when it stops or the horizon ends, USD (after a --machine: that group's).",
    },
    Param {
        name: "resale-pct",
        key: "resale_pct",
        table: Table::Fleet,
        level: Level::FleetOrGroup,
        section: Section::Finance,
        kind: Kind::Number,
        unit: Unit::Pct,
        value_name: "PCT",
        default: None,
        bounds: Bounds::between(0.0, 100.0),
        plausible: Plausible::PercentNotFraction,
        per_machine: true,
        varies: true,
        solve: Some((0.0, 100.0)),
        help: "Resale value as a % of the unit price (instead of --resale) (after a --machine: that group's).",
    },
    Param {
        name: "depreciation-years",
        key: "depreciation_years",
        table: Table::Fleet,
        level: Level::FleetOrGroup,
        section: Section::Finance,
        kind: Kind::Number,
        unit: Unit::Years,
        value_name: "YEARS",
        default: None,
        bounds: Bounds::above(0.0, 100.0),
        plausible: Plausible::Any,
        per_machine: true,
        varies: true,
        solve: Some((0.1, 100.0)),
        help: "Straight-line depreciation of capex over this many years from energization: depreciation_usd and operating_income_usd columns (after a --machine: that group's).",
    },
    Param {
        name: "tax-rate",
        key: "tax_rate",
        table: Table::Fleet,
        level: Level::Scenario,
        section: Section::Finance,
        kind: Kind::Number,
        unit: Unit::Pct,
        value_name: "PCT",
        default: Some(Default {
            value: "0",
            source: "no tax",
        }),
        bounds: Bounds::between(0.0, 100.0),
        plausible: Plausible::PercentNotFraction,
        per_machine: false,
        varies: true,
        solve: Some((0.0, 100.0)),
        help: "Tax on operating income, % (losses carried forward): tax_usd, after-tax cash and npv_after_tax_usd.",
    },
    Param {
        name: "treasury",
        key: "treasury",
        table: Table::Fleet,
        level: Level::Scenario,
        section: Section::Finance,
        kind: Kind::Choice(&["sell-all", "hold", "sell-to-cover"]),
        unit: Unit::None,
        value_name: "POLICY",
        default: Some(Default {
            value: "sell-all",
            source: "every BTC is sold the day it is mined",
        }),
        bounds: Bounds::NONE,
        plausible: Plausible::Any,
        per_machine: false,
        varies: false,
        solve: None,
        help: "What happens to the BTC mined: `sell-all`, `hold` (the --hold share), or `sell-to-cover` (sell only what pays the day's cash costs).",
    },
    Param {
        name: "hold",
        key: "hold",
        table: Table::Fleet,
        level: Level::Scenario,
        section: Section::Finance,
        kind: Kind::Number,
        unit: Unit::Pct,
        value_name: "PCT",
        default: Some(Default {
            value: "100",
            source: "with --treasury hold",
        }),
        bounds: Bounds::between(0.0, 100.0),
        plausible: Plausible::PercentNotFraction,
        per_machine: false,
        varies: true,
        solve: Some((0.0, 100.0)),
        help: "Share of each day's BTC held, % (implies --treasury hold); btc_held and treasury_value_usd columns.",
    },
    // Curtailment.
    Param {
        name: "curtail",
        key: "curtail",
        table: Table::Fleet,
        level: Level::Scenario,
        section: Section::Curtail,
        kind: Kind::Switch,
        unit: Unit::None,
        value_name: "",
        default: None,
        bounds: Bounds::NONE,
        plausible: Plausible::Any,
        per_machine: false,
        varies: false,
        solve: None,
        help: "Switch the fleet off on days when hashprice does not cover its hashcost (power cost).",
    },
    Param {
        name: "curtail-hours",
        key: "curtail_hours",
        table: Table::Fleet,
        level: Level::Scenario,
        section: Section::Curtail,
        kind: Kind::Number,
        unit: Unit::HoursPerDay,
        value_name: "HOURS",
        default: Some(Default {
            value: "0",
            source: "",
        }),
        bounds: Bounds::between(0.0, 24.0),
        plausible: Plausible::Any,
        per_machine: false,
        varies: true,
        solve: None,
        help: "Peak hours a day under a time-of-use tariff: the fleet idles then unless mining beats --peak-power-cost.",
    },
    Param {
        name: "peak-power-cost",
        key: "peak_power_cost",
        table: Table::Fleet,
        level: Level::Scenario,
        section: Section::Curtail,
        kind: Kind::Number,
        unit: Unit::UsdPerKwh,
        value_name: "USD/KWH",
        default: None,
        bounds: Bounds::from(0.0, 1e3),
        plausible: Plausible::Within(0.0, 2.0, "power cost is USD per kWh"),
        per_machine: false,
        varies: true,
        solve: None,
        help: "Electricity price in the --curtail-hours peak, USD/kWh.",
    },
    // Horizon.
    Param {
        name: "days",
        key: "days",
        table: Table::Horizon,
        level: Level::Scenario,
        section: Section::Horizon,
        kind: Kind::Integer,
        unit: Unit::Days,
        value_name: "N",
        default: None,
        bounds: Bounds::between(1.0, 36_500.0),
        plausible: Plausible::Any,
        per_machine: false,
        varies: true,
        solve: None,
        help: "Project this many days.",
    },
    Param {
        name: "until",
        key: "until",
        table: Table::Horizon,
        level: Level::Scenario,
        section: Section::Horizon,
        kind: Kind::Date,
        unit: Unit::None,
        value_name: "DATE",
        default: None,
        bounds: Bounds::NONE,
        plausible: Plausible::Any,
        per_machine: false,
        varies: false,
        solve: None,
        help: "Project through this date (YYYY-MM-DD, inclusive).",
    },
    Param {
        name: "halving",
        key: "halving",
        table: Table::Horizon,
        level: Level::Scenario,
        section: Section::Horizon,
        kind: Kind::Halving,
        unit: Unit::None,
        value_name: "YEAR|next",
        default: Some(Default {
            value: "next",
            source: "",
        }),
        bounds: Bounds::NONE,
        plausible: Plausible::Any,
        per_machine: false,
        varies: false,
        solve: None,
        help: "Project through the halving of YEAR (or the next one), then --after days.",
    },
    Param {
        name: "after",
        key: "after",
        table: Table::Horizon,
        level: Level::Scenario,
        section: Section::Horizon,
        kind: Kind::Integer,
        unit: Unit::Days,
        value_name: "DAYS",
        default: Some(Default {
            value: "365",
            source: "a year after the halving",
        }),
        bounds: Bounds::between(0.0, 36_500.0),
        plausible: Plausible::Any,
        per_machine: false,
        varies: true,
        solve: None,
        help: "Days to project after the halving day (with --halving, the default horizon).",
    },
    // Site.
    pivot_num("site-mw", "site_mw", Section::Site, Unit::Mw, "MW", Some(Default { value: "the fleet's draw; else 245", source: "Hut 8's River Bend lease to Fluidstack (data/hpc_deals.csv)" }), Bounds::above(0.0, 1e6), "Power of the site, MW: what the mining fleet draws (a unit is accepted: 50MW, 500kW). Without a fleet, the fleet fills the site."),
    pivot_num("pue", "pue", Section::Site, Unit::None, "RATIO", Some(Default { value: "1.45", source: "Cipher Barber Lake: 244 MW gross for 168 MW IT" }), Bounds::from(1.0, 10.0), "Site power / IT power after the conversion."),
    pivot_num("it-mw", "it_mw", Section::Site, Unit::Mw, "MW", None, Bounds::above(0.0, 1e6), "Critical IT load the conversion yields, MW (instead of --pue)."),
    // Lease.
    pivot_num("lease-usd-per-kw-month", "lease_usd_per_kw_month", Section::Lease, Unit::UsdPerKwMonth, "USD", Some(Default { value: "the median of the colocation deals", source: "data/hpc_deals.csv (see pivot --deals)" }), Bounds::from(0.0, 1e6), "Lease rate in the first lease year, USD per kW of IT per month."),
    pivot_num("lease-years", "lease_years", Section::Lease, Unit::Years, "YEARS", Some(Default { value: "15", source: "Hut 8 River Bend, Applied Digital, Galaxy Helios, Cipher-AWS" }), Bounds { min: 0.0, min_open: true, max: 50.0, range: true }, "Lease term, years."),
    pivot_num("lease-escalator", "lease_escalator", Section::Lease, Unit::PctPerYear, "PCT", Some(Default { value: "0", source: "the deals' implied rates are averages over their terms" }), Bounds::above(-100.0, 1000.0), "Lease escalator, % a year, applied on each lease anniversary."),
    pivot_num("noi-margin", "noi_margin", Section::Lease, Unit::Pct, "PCT", Some(Default { value: "85", source: "TeraWulf ~85%, Cipher 80-90% (FACTS.md 6.1)" }), Bounds::between(0.0, 100.0), "Net operating income as % of rent."),
    pivot_num("conversion-capex-usd-per-mw", "conversion_capex_usd_per_mw", Section::Lease, Unit::UsdPerMw, "USD", Some(Default { value: "9500000", source: "the middle of $8-11M per MW of IT (FACTS.md 6.2)" }), Bounds::from(0.0, 1e10), "Conversion capex, USD per MW of IT; a suffix is accepted: 9.5M."),
    pivot_num("conversion-months", "conversion_months", Section::Lease, Unit::Months, "MONTHS", Some(Default { value: "18", source: "Hut 8 River Bend: signed Dec 2025, first hall Q2 2027" }), Bounds::between(0.0, 120.0), "Conversion time before the lease starts, months."),
    Param {
        name: "mine-during-conversion",
        key: "mine_during_conversion",
        table: Table::Pivot,
        level: Level::Scenario,
        section: Section::Lease,
        kind: Kind::Choice(&["full", "partial", "none"]),
        unit: Unit::None,
        value_name: "HOW",
        default: Some(Default {
            value: "partial",
            source: "halls are converted in phases",
        }),
        bounds: Bounds::NONE,
        plausible: Plausible::Any,
        per_machine: false,
        varies: false,
        solve: None,
        help: "Whether the site mines during the conversion: full, partial (--mine-during-conversion-pct) or none.",
    },
    Param {
        name: "always-on",
        key: "always_on",
        table: Table::Pivot,
        level: Level::Scenario,
        section: Section::Lease,
        kind: Kind::Switch,
        unit: Unit::None,
        value_name: "",
        default: None,
        bounds: Bounds::NONE,
        plausible: Plausible::Any,
        per_machine: false,
        varies: false,
        solve: None,
        help: "Keep the mining case's machines on every day, at a loss too (by default they switch off on days the hashprice does not cover their power cost, as --curtail does, and back on when it does).",
    },
    pivot_num("mine-during-conversion-pct", "mine_during_conversion_pct", Section::Lease, Unit::Pct, "PCT", Some(Default { value: "50", source: "an assumption: about half the site keeps mining" }), Bounds::between(0.0, 100.0), "Share of the fleet that mines during a partial conversion, %."),
];

const fn growth(
    name: &'static str,
    key: &'static str,
    help: &'static str,
    section: Section,
) -> Param {
    Param {
        name,
        key,
        table: Table::Network,
        level: Level::Scenario,
        section,
        kind: Kind::Number,
        unit: Unit::PctPerYear,
        value_name: "PCT",
        default: Some(Default {
            value: "0",
            source: "no growth unless given",
        }),
        bounds: Bounds::above(-100.0, 10_000.0),
        plausible: Plausible::Within(-99.0, 500.0, "growth is % a year (50 = +50% a year)"),
        per_machine: false,
        varies: true,
        solve: Some((-99.0, 1000.0)),
        help,
    }
}

#[allow(clippy::too_many_arguments)]
const fn response(
    name: &'static str,
    key: &'static str,
    unit: Unit,
    value_name: &'static str,
    default: &'static str,
    bounds: Bounds,
    help: &'static str,
) -> Param {
    Param {
        name,
        key,
        table: Table::Network,
        level: Level::Scenario,
        section: Section::Response,
        kind: Kind::Number,
        unit,
        value_name,
        default: Some(Default {
            value: default,
            source: "model/response.rs defaults",
        }),
        bounds,
        plausible: Plausible::Any,
        per_machine: false,
        varies: true,
        solve: None,
        help,
    }
}

#[allow(clippy::too_many_arguments)]
const fn pivot_num(
    name: &'static str,
    key: &'static str,
    section: Section,
    unit: Unit,
    value_name: &'static str,
    default: Option<Default>,
    bounds: Bounds,
    help: &'static str,
) -> Param {
    Param {
        name,
        key,
        table: Table::Pivot,
        level: Level::Scenario,
        section,
        kind: Kind::Number,
        unit,
        value_name,
        default,
        bounds,
        plausible: Plausible::Any,
        per_machine: false,
        varies: true,
        solve: None,
        help,
    }
}

/// The parameter named `name` (its flag name). Panics never: `None` for an unknown name.
pub fn get(name: &str) -> Option<&'static Param> {
    PARAMS.iter().find(|p| p.name == name)
}

/// The parameter `name` (a registry name known at compile time).
pub fn param(name: &str) -> &'static Param {
    // The names the code passes are the registry's own: a misspelt one fails every test that
    // reaches it (debug builds), and never panics a release build.
    debug_assert!(get(name).is_some(), "no parameter {name} in the registry");
    get(name).unwrap_or(&PARAMS[0])
}

/// Finds a parameter by what a user may type: its flag (`power-cost`, `--power-cost`), its
/// key (`power_cost`) or its output column (`power_cost_usd_per_kwh`).
pub fn lookup(text: &str) -> Option<&'static Param> {
    let t = text.trim().trim_start_matches("--");
    PARAMS
        .iter()
        .find(|p| p.name == t || p.key == t || p.column_is(t))
}

/// The closest parameter names to `text` among `names`, for "did you mean" hints.
pub fn suggest<'a>(text: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let t = text.trim().trim_start_matches("--").replace('_', "-");
    names
        .into_iter()
        .map(|n| (strsim::jaro_winkler(&t, n), n))
        .filter(|(s, _)| *s > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}

/// The earliest date minecalc accepts anywhere (flags, scenario files, CSV cells, documents,
/// snapshot files): the genesis block's day.
pub const FIRST_DATE: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2009, 1, 3) {
    Some(d) => d,
    None => panic!("FIRST_DATE"),
};

/// The latest date minecalc accepts anywhere: past the last block with a subsidy (about 2140),
/// and far inside the calendar, so a run of the longest horizon never reaches its end.
pub const LAST_DATE: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2200, 12, 31) {
    Some(d) => d,
    None => panic!("LAST_DATE"),
};

/// The rule every date obeys, as messages word it.
pub const DATE_RULE: &str = "a date YYYY-MM-DD from 2009-01-03 to 2200-12-31";

/// True when `d` is within [`FIRST_DATE`] ..= [`LAST_DATE`].
pub fn date_in_range(d: chrono::NaiveDate) -> bool {
    (FIRST_DATE..=LAST_DATE).contains(&d)
}

/// The most days a network state is rolled forward to a later `--start` (as `--days`).
pub const MAX_ROLL_DAYS: i64 = 36_500;

/// Checks a model value of parameter `name`: `model_value * to_unit` is in the parameter's
/// unit (`to_unit` = 100 for a percent held as a fraction, 1e-18 for H/s against EH/s). The
/// model's last line of defence, with the same bounds and words as the inputs; the error names
/// the parameter, and the command line words it as a flag.
pub fn check_model(name: &str, model_value: f64, to_unit: f64) -> Result<(), Error> {
    param(name)
        .check(model_value * to_unit, &Origin::Model)
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keys_and_columns_are_unique() {
        for (i, a) in PARAMS.iter().enumerate() {
            for b in &PARAMS[i + 1..] {
                assert_ne!(a.name, b.name);
                assert!(a.key != b.key || a.table != b.table, "{}", a.key);
                assert_ne!(a.column(), b.column());
            }
            assert!(a.column_is(&a.column()));
            assert!(!a.column_is(&format!("{}x", a.column())));
            assert!(!a.column_is(&a.column()[1..]));
        }
    }

    #[test]
    fn suffixes() {
        let d = get("difficulty").unwrap();
        assert_eq!(d.parse_number("133.87T").unwrap(), 133.87e12);
        assert_eq!(d.parse_number("133870000000000").unwrap(), 133.87e12);
        let h = get("hashrate").unwrap();
        assert_eq!(h.parse_number("250PH").unwrap(), 250_000.0);
        assert_eq!(h.parse_number("500 th/s").unwrap(), 500.0);
        let n = get("network-hashrate").unwrap();
        assert_eq!(n.parse_number("1.2ZH").unwrap(), 1200.0);
        let p = get("price").unwrap();
        assert_eq!(p.parse_number("59k").unwrap(), 59_000.0);
        let s = get("site-mw").unwrap();
        assert_eq!(s.parse_number("500kW").unwrap(), 0.5);
        assert_eq!(get("uptime").unwrap().parse_number("95%").unwrap(), 95.0);
        assert!(get("uptime").unwrap().parse_number("lots").is_err());
        assert!(get("days").unwrap().parse_number("1.5").is_err());
    }

    #[test]
    fn bounds_words() {
        let u = get("uptime").unwrap();
        let e = u.check(140.0, &Origin::Flag).unwrap_err().to_string();
        assert_eq!(e, "--uptime must be between 0 and 100, got 140");
        let e = get("price")
            .unwrap()
            .check(-1.0, &Origin::Flag)
            .unwrap_err();
        assert_eq!(e.to_string(), "--price must be a positive number, got -1");
        let e = get("price")
            .unwrap()
            .check(1e308, &Origin::Flag)
            .unwrap_err();
        assert_eq!(e.to_string(), "--price must be at most 1e12, got 1e308");
    }

    #[test]
    fn warnings_catch_slips() {
        let w = get("uptime").unwrap().warning(0.95, &Origin::Flag).unwrap();
        assert_eq!(w, "--uptime 0.95 means 0.95%; for 95% write 95");
        assert!(get("uptime")
            .unwrap()
            .warning(95.0, &Origin::Flag)
            .is_none());
        assert!(get("power-cost")
            .unwrap()
            .warning(5.0, &Origin::Flag)
            .is_some());
        assert!(get("efficiency")
            .unwrap()
            .warning(300.0, &Origin::Flag)
            .is_some());
        assert!(get("price-growth")
            .unwrap()
            .warning(600.0, &Origin::Flag)
            .is_some());
    }

    #[test]
    fn lookup_by_flag_key_or_column() {
        assert_eq!(lookup("power_cost").unwrap().name, "power-cost");
        assert_eq!(lookup("--power-cost").unwrap().name, "power-cost");
        assert_eq!(lookup("power_cost_usd_per_kwh").unwrap().name, "power-cost");
        assert_eq!(
            suggest("power-cots", PARAMS.iter().map(|p| p.name)),
            Some("power-cost")
        );
    }
}
