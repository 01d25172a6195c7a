//! `minecalc machines`: the ASIC catalog, with each model's economics at a network state.

use clap::Args;
use serde_json::Value;

use minecalc::inputs::machines::{catalog, MachineRow, ROI_HORIZON_DAYS};
use minecalc::inputs::scenario::DEFAULT_POWER_COST_USD_PER_KWH;
use minecalc::model::hashprice::hashprice;
use minecalc::report::write_all;
use minecalc::Error;

use super::args::OutputArgs;
use super::params::{MachinesSet, ParamArgs};

/// Arguments of `minecalc machines`.
#[derive(Debug, Clone, Args)]
pub struct MachinesArgs {
    /// The network, and a power cost (power cost, margin, payback and ROI per unit; default
    /// $0.05/kWh).
    #[command(flatten)]
    pub params: ParamArgs<MachinesSet>,
    /// Keep models whose manufacturer, model or cooling contains TEXT (case-insensitive).
    #[arg(long, value_name = "TEXT", help_heading = "Selection")]
    pub filter: Option<String>,
    /// Sort by an output column (e.g. efficiency_j_per_th, margin_usd_per_day).
    #[arg(long, value_name = "COLUMN", help_heading = "Selection")]
    pub sort: Option<String>,
    /// Reverse the order (largest first with --sort).
    #[arg(long, help_heading = "Selection")]
    pub reverse: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `minecalc machines`.
pub fn run(a: &MachinesArgs) -> Result<(), Error> {
    let net = a.params.network_setup()?;
    let given = net.spec.num("power-cost")?;
    let power_cost = given.unwrap_or(DEFAULT_POWER_COST_USD_PER_KWH);
    let hp = hashprice(&net.resolved.state, None, Some(power_cost))?;
    let needle = a.filter.as_deref().map(str::to_ascii_lowercase);
    let mut rows: Vec<MachineRow> = catalog()
        .iter()
        .filter(|m| {
            needle.as_ref().is_none_or(|n| {
                format!("{} {} {}", m.manufacturer, m.model, m.cooling)
                    .to_ascii_lowercase()
                    .contains(n.as_str())
            })
        })
        .map(|m| MachineRow::new(m, Some(&hp), Some(power_cost)))
        .collect();
    if let Some(col) = &a.sort {
        sort_by_column(&mut rows, col)?;
    }
    if a.reverse {
        rows.reverse();
    }
    let priced = rows.iter().filter(|r| r.price_usd.is_some()).count();
    let pre = vec![
        format!(
            "minecalc machines: {} models; revenue at 100% uptime, no pool fee, network from {} (hashprice ${:.2}/PH/day), power at ${power_cost}/kWh{}",
            rows.len(),
            net.source,
            hp.hashprice_usd_per_ph_day,
            if given.is_some() { "" } else { " (the default; --power-cost sets it)" }
        ),
        format!(
            "prices   {priced} of {} models priced, each with its source and date (price_source, price_as_of); payback = price / today's margin; ROI over {ROI_HORIZON_DAYS} days at today's hashprice",
            rows.len()
        ),
    ];
    write_all(
        a.output.format.into(),
        &a.output.style(),
        a.output.path(),
        pre,
        Vec::new(),
        &rows,
    )
}

/// Sorts rows by the value of one of their serialized columns (numbers by value, text
/// alphabetically, empty cells last).
pub fn sort_by_column<T: serde::Serialize>(rows: &mut Vec<T>, col: &str) -> Result<(), Error> {
    let mut keyed: Vec<(Value, T)> = Vec::with_capacity(rows.len());
    for r in rows.drain(..) {
        let v = serde_json::to_value(&r)?;
        let Some(cell) = v.get(col).cloned() else {
            let names: Vec<&str> = v
                .as_object()
                .map(|o| o.keys().map(String::as_str).collect())
                .unwrap_or_default();
            return Err(Error::input(minecalc::report::unknown_column(
                "--sort", col, &names,
            )));
        };
        keyed.push((cell, r));
    }
    keyed.sort_by(|(a, _), (b, _)| match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .unwrap_or(0.0)
            .total_cmp(&y.as_f64().unwrap_or(0.0)),
        (Value::Null, Value::Null) => std::cmp::Ordering::Equal,
        (Value::Null, _) => std::cmp::Ordering::Greater,
        (_, Value::Null) => std::cmp::Ordering::Less,
        (x, y) => x.to_string().cmp(&y.to_string()),
    });
    rows.extend(keyed.into_iter().map(|(_, r)| r));
    Ok(())
}
