//! `minecalc sweep`: a summary row for every combination of the varied parameters.

use clap::Args;
use serde_json::Value;

use minecalc::analyses::montecarlo::{self, MonteCarlo};
use minecalc::analyses::sweep::{self, parse_axis_with, Axis, Base, Shard, SweepRow};
use minecalc::model::projection::ChainPath;
use minecalc::model::summary;
use minecalc::report::heatmap::HeatMap;
use minecalc::report::{Dest, RowWriter};
use minecalc::Error;

use super::args::OutputArgs;
use super::args::{parse_tag, tag_prefix};
use super::params::{Accepts, ParamArgs, Projection as ProjectionSet};
use super::progress::Progress;
use super::risk::{network_model, plot_path, write_svg, MonteCarloArgs, DEFAULT_SEED};

/// Arguments of `minecalc sweep`.
#[derive(Debug, Clone, Args)]
pub struct SweepArgs {
    /// A parameter and its values: NAME=0,25,50 (a list) or NAME=START:STOP:STEP (a range);
    /// repeatable (every combination runs). NAME is a parameter's flag, key or column
    /// (power-cost, power_cost_usd_per_kwh); `minecalc params` lists those that vary. Values
    /// take the units' suffixes (price=50k:150k:25k).
    #[arg(long, value_name = "NAME=SPEC", required = true, value_parser = parse_vary)]
    pub vary: Vec<Axis>,
    /// The base scenario.
    #[command(flatten)]
    pub params: ParamArgs<ProjectionSet>,
    #[command(flatten)]
    pub monte_carlo: MonteCarloArgs,
    /// Draw a heat map of two varied parameters to FILE.svg: the horizon's margin, or with
    /// --paths the probability of a loss (or the column --plot-value names).
    #[arg(long, value_name = "FILE.svg", help_heading = "Charts")]
    pub plot: Option<std::path::PathBuf>,
    /// The column the heat map colours (a numeric output column, e.g. npv_usd).
    #[arg(long, value_name = "COLUMN", help_heading = "Charts")]
    pub plot_value: Option<String>,
    /// Add a constant leading column NAME with VALUE to every row (repeatable).
    #[arg(long, value_name = "NAME=VALUE", value_parser = parse_tag, help_heading = "Output")]
    pub tag: Vec<(String, String)>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Run only shard K of N of the combinations, for batch runners (GNU parallel, Slurm job
    /// arrays, Kubernetes Indexed Jobs): the shards' CSV or NDJSON outputs joined in order are
    /// the whole run's, byte for byte (shards after the first print no header).
    #[arg(long, value_name = "K/N", value_parser = Shard::parse, help_heading = "Output")]
    pub shard: Option<Shard>,
}

fn parse_vary(s: &str) -> Result<Axis, String> {
    let name = s
        .split('=')
        .next()
        .unwrap_or("")
        .trim()
        .trim_start_matches("--");
    use minecalc::params::{lookup, Section};
    if lookup(name).is_some_and(|p| matches!(p.section, Section::Site | Section::Lease)) {
        return Err(format!(
            "{name} is a parameter of `minecalc pivot`, not of a mining scenario; for the keep-mining-or-convert decision map use `minecalc pivot --vary {s}`"
        ));
    }
    parse_axis_with(s, &|p| ProjectionSet::accepts(p)).map_err(|e| {
        let m = e.to_string();
        m.split_once(": ")
            .map_or(m.clone(), |(_, rest)| rest.to_string())
    })
}

/// `--shard` needs output that concatenates: CSV or NDJSON, and no chart.
pub fn check_shard(format: minecalc::report::Format, plot: bool) -> Result<(), Error> {
    use minecalc::report::Format;
    if !matches!(format, Format::Csv | Format::Ndjson) {
        return Err(Error::input(
            "--shard writes parts to join in order: use -f csv or -f ndjson (a table or a JSON array does not concatenate)",
        ));
    }
    if plot {
        return Err(Error::input(
            "--plot needs the whole run: draw it from the joined output, not from a --shard",
        ));
    }
    Ok(())
}

/// Runs `minecalc sweep`.
pub fn run(a: &SweepArgs) -> Result<(), Error> {
    let mut names: Vec<&str> = a.vary.iter().map(|x| x.name.as_str()).collect();
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::input(format!("--vary {} is given twice", w[0])));
    }
    if let Some(p) = &a.plot {
        plot_path(p)?;
        if a.vary.len() != 2 {
            return Err(Error::input(format!(
                "--plot draws a heat map of two varied parameters; this sweep varies {}",
                a.vary.len()
            )));
        }
    } else if a.plot_value.is_some() {
        return Err(Error::input("--plot-value needs --plot FILE.svg"));
    }
    let setup = a.params.plan()?;
    let model = network_model(&setup.spec, &setup.plan.scenario)?;
    let mc = monte_carlo(&a.monte_carlo)?;
    // Fleet parameters under the fixed model leave the network's days alone: walk them once.
    let path = if model.response().is_none() && mc.is_none() && sweep::shares_the_chain(&a.vary) {
        Some(ChainPath::new(&setup.plan.scenario)?)
    } else {
        None
    };
    // Network parameters under the fixed model: one walk per distinct network input.
    let chains = sweep::ChainCache::default();
    let base = Base {
        spec: &setup.spec,
        network: &setup.base,
        series: &setup.series,
        today: Some(chrono::Utc::now().date_naive()),
        path: path.as_ref(),
        chains: model.response().is_none().then_some(&chains),
    };
    let shard = a.shard.unwrap_or(Shard::WHOLE);
    if a.shard.is_some() {
        check_shard(a.output.format.into(), a.plot.is_some())?;
    }
    let total = sweep::count(&a.vary)?;
    let format: minecalc::report::Format = a.output.format.into();
    if format == minecalc::report::Format::Table && total > minecalc::report::MAX_TABLE_ROWS {
        return Err(Error::input(format!(
            "--vary: {total} scenarios are more than the table shows ({}); use --format csv, json or ndjson, which stream any number",
            minecalc::report::MAX_TABLE_ROWS
        )));
    }
    let (first, end) = shard.range(total);
    let bar = Progress::new((end - first) as u64, "scenarios");
    let mut style = a.output.style();
    style.header &= shard.carries_header(total);
    let mut w = RowWriter::new(format, &style, Dest::open(a.output.path())?);
    if format == minecalc::report::Format::Table {
        let mut pre = vec![format!(
            "minecalc sweep: {total} scenarios, network from {}; each row sums its whole horizon",
            setup.source
        )];
        if let Some(m) = &mc {
            pre.push(format!(
                "risk     {} price paths a scenario at {}% a year volatility (seed {}): P(loss) is the share of paths whose margin less capex is below zero",
                m.paths,
                m.price_vol * 100.0,
                m.seed
            ));
        }
        if model.response().is_some() {
            pre.push("network  response model: cohorts switch off when hashprice is below their power cost".into());
        }
        pre.extend(setup.plan.hashprice_note.clone());
        w.preamble(pre);
    }
    let tags = tag_prefix(&a.tag);
    let plot_value = a.plot_value.clone().unwrap_or_else(|| {
        if mc.is_some() {
            "loss_probability_pct"
        } else {
            "margin_usd"
        }
        .to_string()
    });
    let mut cells: Vec<f64> = Vec::new();
    let eval = |values: &[f64]| -> Result<SweepRow, Error> {
        let (s, chain) = base.scenario_of(&a.vary, values)?;
        let s = &s;
        let summary = match chain {
            Some(path) => summary::summarize_on(s, &path)?,
            None => model.summarize(s)?,
        };
        let risk = match &mc {
            None => None,
            Some(m) => Some(montecarlo::run(s, &model, m, &|| {})?.summary),
        };
        Ok(SweepRow::new(summary, risk.as_ref()))
    };
    let columns: Vec<String> = a.vary.iter().map(Axis::column).collect();
    let result = sweep::run_shard(
        &a.vary,
        shard,
        eval,
        |values, row| {
            let mut prefix = tags.clone();
            for (column, v) in columns.iter().zip(values) {
                let n = serde_json::Number::from_f64(*v).map_or(Value::Null, Value::Number);
                prefix.push((column.clone(), n));
            }
            if a.plot.is_some() {
                cells.push(column_value(row, &plot_value)?);
            }
            if mc.is_some() {
                w.write_prefixed(&prefix, row)
            } else {
                w.write_prefixed(&prefix, &row.summary)
            }
        },
        |done| bar.set(done as u64),
    );
    bar.finish();
    result?;
    if let Some(path) = &a.plot {
        let label = |axis: &Axis| {
            let unit = axis.param().unit.symbol();
            if unit.is_empty() {
                axis.name.clone()
            } else {
                format!("{}, {unit}", axis.name)
            }
        };
        let h = HeatMap {
            title: format!(
                "minecalc sweep: {plot_value} by {} and {}",
                a.vary[0].name, a.vary[1].name
            ),
            x_label: label(&a.vary[0]),
            y_label: label(&a.vary[1]),
            value_label: plot_value.clone(),
            xs: a.vary[0].values.clone(),
            ys: a.vary[1].values.clone(),
            values: cells,
            diverging: !plot_value.ends_with("_pct"),
        };
        write_svg(path, &h.svg()?)?;
    }
    w.finish()?.commit()
}

/// The Monte Carlo settings, if `--paths` was given (summary only: a sweep row is a summary).
fn monte_carlo(m: &MonteCarloArgs) -> Result<Option<MonteCarlo>, Error> {
    let Some(paths) = m.paths else {
        if m.price_vol.is_some() || m.hashrate_vol.is_some() || m.seed.is_some() || m.summary_only {
            return Err(Error::input(
                "--price-vol, --hashrate-vol, --seed and --summary-only need --paths N",
            ));
        }
        return Ok(None);
    };
    if m.summary_only {
        return Err(Error::input(
            "--summary-only: sweep rows are summaries already",
        ));
    }
    let price_vol = m.price_vol.ok_or_else(|| {
        Error::input("--paths needs --price-vol PCT (the annual price volatility; 0 for none)")
    })?;
    let mc = MonteCarlo {
        paths,
        price_vol: price_vol / 100.0,
        hashrate_vol: m.hashrate_vol.unwrap_or(0.0) / 100.0,
        seed: m.seed.unwrap_or(DEFAULT_SEED),
        period: minecalc::model::projection::Period::Year,
        bands: false,
    };
    mc.validate()?;
    Ok(Some(mc))
}

/// A numeric column of a sweep row, by its output name (NaN for an empty cell).
fn column_value(row: &SweepRow, column: &str) -> Result<f64, Error> {
    let v = serde_json::to_value(row)?;
    match v.get(column) {
        Some(Value::Number(n)) => Ok(n.as_f64().unwrap_or(f64::NAN)),
        Some(Value::Null) => Ok(f64::NAN),
        _ => Err(Error::input(format!(
            "--plot-value: \"{column}\" is not a numeric column of the sweep"
        ))),
    }
}
