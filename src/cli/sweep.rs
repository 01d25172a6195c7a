//! `minecalc sweep`: a summary row for every combination of the varied parameters.

use std::io::IsTerminal;

use clap::Args;
use serde_json::Value;

use minecalc::output::{Dest, RowWriter};
use minecalc::sweep::{self, parse_axis, Axis, Base};
use minecalc::Error;

use super::args::{OutputArgs, ScenarioArgs};
use super::project::{parse_tag, tag_prefix};

/// Arguments of `minecalc sweep`.
#[derive(Debug, Clone, Args)]
pub struct SweepArgs {
    /// A parameter and its values: NAME=0,25,50 (a list) or NAME=START:STOP:STEP (a range);
    /// repeatable (every combination runs). NAME is a flag name: power-cost, price-growth,
    /// hashrate-growth, fee-growth, efficiency, fees, price, units, hashrate, uptime, pool-fee,
    /// opex, capex, unit-price, discount-rate, difficulty, network-hashrate, curtail-hours,
    /// peak-power-cost, days, after.
    #[arg(long, value_name = "NAME=SPEC", required = true, value_parser = parse_vary)]
    pub vary: Vec<Axis>,
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Add a constant leading column NAME with VALUE to every row (repeatable).
    #[arg(long, value_name = "NAME=VALUE", value_parser = parse_tag, help_heading = "Output")]
    pub tag: Vec<(String, String)>,
    #[command(flatten)]
    pub output: OutputArgs,
}

fn parse_vary(s: &str) -> Result<Axis, String> {
    let name = s
        .split('=')
        .next()
        .unwrap_or("")
        .trim()
        .trim_start_matches("--");
    if minecalc::pivot::PARAMETERS.contains(&name) {
        return Err(format!(
            "{name} is a parameter of `minecalc pivot`, not of a mining scenario; for the keep-mining-or-convert decision map use `minecalc pivot --vary {s}`"
        ));
    }
    parse_axis(s).map_err(|e| {
        let m = e.to_string();
        m.split_once(": ")
            .map_or(m.clone(), |(_, rest)| rest.to_string())
    })
}

/// Runs `minecalc sweep`.
pub fn run(a: &SweepArgs) -> Result<(), Error> {
    let mut names: Vec<&str> = a.vary.iter().map(|x| x.name.as_str()).collect();
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::input(format!("--vary {} is given twice", w[0])));
    }
    let setup = a.scenario.plan()?;
    let base = Base {
        spec: &setup.spec,
        network: &setup.base,
        series: &setup.series,
        today: Some(chrono::Utc::now().date_naive()),
    };
    let total = sweep::count(&a.vary)?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(total as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} scenarios, {eta} left")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let format = a.output.format.into();
    let mut w = RowWriter::new(
        format,
        !a.output.no_header,
        Dest::open(a.output.output.as_deref())?,
    );
    if format == minecalc::output::Format::Table {
        w.preamble(vec![format!(
            "minecalc sweep: {total} scenarios, network from {}; each row sums its whole horizon",
            setup.source
        )]);
    }
    let tags = tag_prefix(&a.tag);
    let result = sweep::run(
        &base,
        &a.vary,
        |values, summary| {
            let mut prefix = tags.clone();
            for (axis, v) in a.vary.iter().zip(values) {
                let n = serde_json::Number::from_f64(*v).map_or(Value::Null, Value::Number);
                prefix.push((axis.column(), n));
            }
            w.write_prefixed(&prefix, summary)
        },
        |done| {
            if let Some(b) = &bar {
                b.set_position(done as u64);
            }
        },
    );
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    result?;
    w.finish()?.commit()
}
