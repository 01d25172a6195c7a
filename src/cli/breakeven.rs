//! `minecalc breakeven`: the value of one parameter at which the margin is zero.

use clap::{Args, ValueEnum};

use minecalc::params::{self, Param, PARAMS};
use serde_json::Value;

use minecalc::analyses::sweep::{Base, Target};
use minecalc::model::projection::ChainPath;
use minecalc::report::{write_all_prefixed, Format};
use minecalc::Error;

use super::args::{parse_date, parse_number, OutputArgs};
use super::params::{Accepts, ParamArgs, Solver};

/// Parses `--for NAME`: a parameter the solver can solve for (its flag, key or column).
fn parse_for(s: &str) -> Result<&'static Param, String> {
    let solvable = || {
        PARAMS
            .iter()
            .filter(|p| p.solve.is_some() && Solver::accepts(p))
    };
    match params::lookup(s) {
        Some(p) if p.solve.is_some() => Ok(p),
        _ => {
            let hint = params::suggest(s, solvable().map(|p| p.name))
                .map(|n| format!("did you mean {n}? "))
                .unwrap_or_default();
            Err(format!(
                "{hint}parameters: {}",
                solvable().map(|p| p.name).collect::<Vec<_>>().join(", ")
            ))
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
    /// The parameter to solve for: power-cost, price, price-growth, efficiency,
    /// hashrate-growth, difficulty-change, difficulty-change-monthly, fees, fee-growth, uptime,
    /// pool-fee, opex, capex or discount-rate (its flag, key or column).
    #[arg(long = "for", value_name = "PARAM", value_parser = parse_for)]
    pub param: &'static Param,
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
    /// The scenario.
    #[command(flatten)]
    pub params: ParamArgs<Solver>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `minecalc breakeven`.
pub fn run(a: &BreakevenArgs) -> Result<(), Error> {
    if a.on.is_some() {
        if let Some(h) = ["days", "until", "halving", "after"]
            .into_iter()
            .find(|h| a.params.flags.has(h))
        {
            return Err(Error::input(format!(
                "--{h} has no effect with --on (the run ends on --on's date); leave it out"
            )));
        }
    }
    let setup = a.params.plan()?;
    // A fleet parameter leaves the network's days alone: walk them once for every step.
    let path = if minecalc::analyses::sweep::fleet_side(a.param) {
        Some(ChainPath::new(&setup.plan.scenario)?)
    } else {
        None
    };
    let base = Base {
        spec: &setup.spec,
        network: &setup.base,
        series: &setup.series,
        today: Some(chrono::Utc::now().date_naive()),
        path: path.as_ref(),
        chains: None,
    };
    let name = a.param.name;
    let (dlo, dhi) = a.param.solve.unwrap_or((0.0, 1.0));
    let target = match (a.on, a.metric) {
        (Some(d), _) => Target::MarginOn(d),
        (None, Metric::Margin) => Target::Margin,
        (None, Metric::Net) => Target::Net,
        (None, Metric::Npv) => Target::Npv,
    };
    let be = base.breakeven(name, a.low.unwrap_or(dlo), a.high.unwrap_or(dhi), target)?;
    let format: Format = a.output.format.into();
    let column = a.param.column();
    let value = be
        .value
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number);
    let s = &setup.plan.scenario;
    let answer = match be.value {
        Some(v) => format!("{name} = {v:.6}: {} is zero there", be.metric),
        None => format!(
            "no solution for {name} in [{}, {}]: {} is {:.0} USD at {} and {:.0} USD at {} (widen with --low/--high)",
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
    ]
    .into_iter()
    .chain(setup.plan.hashprice_note.clone())
    .collect();
    write_all_prefixed(
        format,
        &a.output.style(),
        a.output.path(),
        pre,
        &[(column, value)],
        &be,
    )
}
