//! `minecalc params`: the dictionary of parameters, from the registry.

use clap::Args;
use serde::Serialize;

use minecalc::params::{self, Kind, Level, Param, PARAMS};
use minecalc::report::tables::MetricRow;
use minecalc::report::{write_all, Format, TableRow};
use minecalc::Error;

use super::args::OutputArgs;
use super::params::commands_taking;

/// Arguments of `minecalc params`.
#[derive(Debug, Clone, Args)]
pub struct ParamsArgs {
    /// One parameter in full (its flag, key or column, e.g. power-cost); without it, all.
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// One parameter as the dictionary lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ParamRow {
    /// The flag.
    pub flag: String,
    /// The scenario file's table and key (`[fleet] power_cost`).
    pub scenario_key: String,
    /// The output column of its value (sweeps, decision maps, breakevens).
    pub column: String,
    /// Its unit.
    pub unit: String,
    /// Suffixes a value may carry.
    pub suffixes: String,
    /// The default.
    pub default: String,
    /// Where the default comes from.
    pub default_source: String,
    /// The valid range (outside it: exit 2).
    pub valid: String,
    /// What draws a warning.
    pub warns: String,
    /// True when `--vary` can vary it.
    pub varies: bool,
    /// True when `breakeven --for` can solve for it.
    pub solvable: bool,
    /// True when, after a `--machine`, it sets that group's value.
    pub per_machine: bool,
    /// The commands that take it.
    pub commands: String,
    /// Help.
    pub help: String,
}

impl ParamRow {
    fn new(p: &Param) -> ParamRow {
        let table = match p.level {
            Level::Group => "[[fleet.group]]".to_string(),
            Level::FleetOrGroup => "[fleet] or [[fleet.group]]".to_string(),
            Level::Scenario => format!("[{}]", p.table.name()),
        };
        let kind = match p.kind {
            Kind::Date => "YYYY-MM-DD".to_string(),
            Kind::File => "file".to_string(),
            Kind::Text => "text".to_string(),
            Kind::Switch => "true/false".to_string(),
            Kind::Halving => "year or next".to_string(),
            Kind::Choice(w) => w.join("|"),
            Kind::Number | Kind::Integer => p.unit.symbol().to_string(),
        };
        let warns = match p.plausible {
            params::Plausible::Any => String::new(),
            params::Plausible::PercentNotFraction => "0 < value <= 1 (a fraction for a %)".into(),
            params::Plausible::Within(lo, hi, _) => {
                format!("outside {}..{}", params::show(lo), params::show(hi))
            }
            params::Plausible::NearNetwork => "100x off the network's".into(),
        };
        ParamRow {
            flag: if p.level == Level::Group && !p.per_machine && p.name != "machine" {
                String::new()
            } else {
                p.flag()
            },
            scenario_key: format!("{table} {}", p.key),
            column: if p.is_numeric() {
                p.column()
            } else {
                String::new()
            },
            unit: kind,
            suffixes: p
                .unit
                .suffixes()
                .iter()
                .map(|(s, _)| s.to_string())
                .collect::<Vec<_>>()
                .join(" "),
            default: p.default.map(|d| d.value.to_string()).unwrap_or_default(),
            default_source: p.default.map(|d| d.source.to_string()).unwrap_or_default(),
            valid: p.bounds.describe(),
            warns,
            varies: p.varies,
            solvable: p.solve.is_some(),
            per_machine: p.per_machine,
            commands: if p.name == "label" {
                "scenario files".into()
            } else {
                commands_taking(p.name).join(" ")
            },
            help: p.help.to_string(),
        }
    }
}

impl TableRow for ParamRow {
    fn table_headers() -> Vec<&'static str> {
        vec!["flag", "scenario key", "unit", "default", "valid"]
    }

    fn table_cells(&self) -> Vec<String> {
        vec![
            if self.flag.is_empty() {
                "(file only)".into()
            } else {
                self.flag.clone()
            },
            self.scenario_key.clone(),
            self.unit.clone(),
            self.default.clone(),
            self.valid.clone(),
        ]
    }
}

/// Runs `minecalc params`.
pub fn run(a: &ParamsArgs) -> Result<(), Error> {
    let format: Format = a.output.format.into();
    let header = &a.output.style();
    let out = a.output.path();
    if let Some(name) = &a.name {
        let p = params::lookup(name).ok_or_else(|| {
            let hint = params::suggest(name, PARAMS.iter().map(|p| p.name))
                .map(|s| format!("; did you mean {s}?"))
                .unwrap_or_default();
            Error::input(format!("params: no parameter \"{name}\"{hint}"))
        })?;
        let row = ParamRow::new(p);
        if format != Format::Table {
            return write_all(format, header, out, Vec::new(), Vec::new(), &[row]);
        }
        let v = serde_json::to_value(&row)?;
        let lines: Vec<MetricRow> = v
            .as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| MetricRow {
                        metric: k.clone(),
                        value: match v {
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        },
                        unit: String::new(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        return write_all(format, header, out, Vec::new(), Vec::new(), &lines);
    }
    let rows: Vec<ParamRow> = PARAMS.iter().map(ParamRow::new).collect();
    let pre = vec![
        format!(
            "minecalc params: {} parameters. Flags override the scenario file (--scenario FILE.toml); values take the suffixes their unit prints (133.87T, 250PH, 59k, 50MW, 95%)",
            rows.len()
        ),
        "`minecalc params NAME` shows one in full; -f csv or json adds the output column, the default's source, warnings, the commands that take it and its help".to_string(),
    ];
    write_all(format, header, out, pre, Vec::new(), &rows)
}
