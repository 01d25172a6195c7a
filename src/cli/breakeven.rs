//! `minecalc breakeven`: the value of one parameter at which the margin is zero.

use clap::{Args, ValueEnum};
use serde_json::Value;

use minecalc::analyses::sweep::{default_bracket, Base, Target};
use minecalc::report::{write_all_prefixed, Format};
use minecalc::Error;

use super::args::{parse_date, parse_number, OutputArgs, ScenarioArgs};

/// Parameters `breakeven` solves for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Param {
    /// Electricity price, USD/kWh.
    PowerCost,
    /// BTC price at the start, USD.
    Price,
    /// BTC price growth, % a year.
    PriceGrowth,
    /// Efficiency, J/TH.
    Efficiency,
    /// Network hashrate growth, % a year.
    HashrateGrowth,
    /// Fees per block, BTC.
    Fees,
}

impl Param {
    fn flag(self) -> &'static str {
        match self {
            Param::PowerCost => "power-cost",
            Param::Price => "price",
            Param::PriceGrowth => "price-growth",
            Param::Efficiency => "efficiency",
            Param::HashrateGrowth => "hashrate-growth",
            Param::Fees => "fees",
        }
    }
}

/// What is set to zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Metric {
    /// Cumulative margin over the horizon.
    Margin,
    /// Cumulative margin less capex.
    Net,
    /// Net present value (capex and --discount-rate).
    Npv,
}

/// Arguments of `minecalc breakeven`.
#[derive(Debug, Clone, Args)]
pub struct BreakevenArgs {
    /// The parameter to solve for.
    #[arg(long = "for", value_enum, value_name = "PARAM")]
    pub param: Param,
    /// Solve for a zero daily margin on this date instead of a zero cumulative margin.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub on: Option<chrono::NaiveDate>,
    /// What is set to zero over the horizon.
    #[arg(long, value_enum, default_value = "margin", conflicts_with = "on")]
    pub metric: Metric,
    /// Lower end of the bracket searched, in the parameter's units [default: by parameter].
    #[arg(long, value_name = "X", value_parser = parse_number)]
    pub low: Option<f64>,
    /// Upper end of the bracket searched.
    #[arg(long, value_name = "X", value_parser = parse_number)]
    pub high: Option<f64>,
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `minecalc breakeven`.
pub fn run(a: &BreakevenArgs) -> Result<(), Error> {
    let setup = a.scenario.plan()?;
    let base = Base {
        spec: &setup.spec,
        network: &setup.base,
        series: &setup.series,
        today: Some(chrono::Utc::now().date_naive()),
    };
    let name = a.param.flag();
    let (dlo, dhi) = default_bracket(name).unwrap_or((0.0, 1.0));
    let target = match (a.on, a.metric) {
        (Some(d), _) => Target::MarginOn(d),
        (None, Metric::Margin) => Target::Margin,
        (None, Metric::Net) => Target::Net,
        (None, Metric::Npv) => Target::Npv,
    };
    let be = base.breakeven(name, a.low.unwrap_or(dlo), a.high.unwrap_or(dhi), target)?;
    let format: Format = a.output.format.into();
    let column = name.replace('-', "_");
    let value = be
        .value
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number);
    let s = &setup.plan.scenario;
    let answer = match be.value {
        Some(v) => format!("{column} = {v:.6}: {} is zero there", be.metric),
        None => format!(
            "no solution for {column} in [{}, {}]: {} is {:.0} USD at {} and {:.0} USD at {} (widen with --low/--high)",
            be.bracket_low, be.bracket_high, be.metric, be.metric_at_low_usd, be.bracket_low, be.metric_at_high_usd, be.bracket_high
        ),
    };
    let pre = vec![
        format!(
            "minecalc breakeven: {} from {}, horizon {}, network from {}",
            name,
            s.network.date,
            match s.horizon {
                minecalc::model::projection::Horizon::Days(n) => format!("{n} days"),
                minecalc::model::projection::Horizon::Until(d) => format!("through {d}"),
                minecalc::model::projection::Horizon::Halving { height, after_days } => {
                    format!("through the halving at {height} + {after_days} days")
                }
            },
            setup.source
        ),
        answer,
    ];
    write_all_prefixed(
        format,
        !a.output.no_header,
        a.output.output.as_deref(),
        pre,
        &[(column, value)],
        &be,
    )
}
