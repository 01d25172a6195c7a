//! Network dynamics and risk on `project`: the response model the spec chooses,
//! and the dispatch from `project` to the model that runs.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use minecalc::analyses::mc_shard::{self, Part};
use minecalc::analyses::montecarlo::{self, McSummary, MonteCarlo};
use minecalc::analyses::sweep::Shard;
use minecalc::error::Origin;
use minecalc::model::network_model::NetworkModel;
use minecalc::model::projection::{Period, Projection, Scenario};
use minecalc::model::response::{CohortTable, ResponseModel, ResponseParams};
use minecalc::params::spec::Spec;
use minecalc::report::chart;
use minecalc::report::{num, pct, usd, Dest, Format, RowWriter};
use minecalc::Error;

use super::args::{parse_percent, tag_prefix, OutputArgs, PeriodArg};
use super::progress::Progress;

/// Everything `project` takes for network dynamics and risk.
#[derive(Debug, Clone, Default, Args)]
pub struct RiskArgs {
    #[command(flatten)]
    pub monte_carlo: MonteCarloArgs,
    /// Draw a chart to FILE.svg: hashprice against the fleet's hashcost, the network's
    /// hashrate and difficulty, and the cumulative margin, with the halving marked (with
    /// --paths: a fan chart of the percentile bands).
    #[arg(long, value_name = "FILE.svg", help_heading = "Charts")]
    pub plot: Option<PathBuf>,
}

/// Checks a `--plot` file name.
pub fn plot_path(p: &Path) -> Result<(), Error> {
    match p.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("svg") => Ok(()),
        _ => Err(Error::input(format!(
            "--plot {}: charts are SVG; give a FILE.svg name (rsvg-convert or ImageMagick turn it into PNG)",
            p.display()
        ))),
    }
}

/// Writes an SVG document to `path` atomically.
pub fn write_svg(path: &Path, svg: &str) -> Result<(), Error> {
    let mut d = Dest::open(Some(path)).map_err(|e| match e {
        Error::Runtime(m) => Error::runtime(m.replacen("-o ", "--plot ", 1)),
        other => other,
    })?;
    d.write_all(svg.as_bytes())
        .map_err(|e| Error::runtime(format!("--plot {}: {e}", path.display())))?;
    d.commit().map_err(|e| match e {
        Error::Runtime(m) => Error::runtime(m.replacen("-o ", "--plot ", 1)),
        other => other,
    })
}

/// A chart title's description of the fleet.
pub fn fleet_title(fleet: &minecalc::model::fleet::Fleet) -> String {
    let g = &fleet.groups;
    if g.len() == 1 {
        format!(
            "{} TH/s at {} J/TH, ${}/kWh",
            num(fleet.hashrate_ths(), 0),
            num(fleet.efficiency_j_per_th(), 1),
            g[0].power_cost_usd_per_kwh
        )
    } else {
        format!(
            "{} groups, {} TH/s at {} J/TH",
            g.len(),
            num(fleet.hashrate_ths(), 0),
            num(fleet.efficiency_j_per_th(), 1)
        )
    }
}

/// How `project` wants its Monte Carlo output.
pub struct McOutput<'a> {
    /// `--by-machine` (refused: the bands are the fleet's).
    pub by_machine: bool,
    /// `--period`.
    pub period: Option<PeriodArg>,
    /// Format and destination.
    pub output: &'a OutputArgs,
    /// `--tag` columns.
    pub tags: &'a [(String, String)],
    /// `--shard K/N`: run these paths only, into a partial file.
    pub shard: Option<Shard>,
    /// `--merge FILES`: the shards' partial files, read instead of running the paths.
    pub merge: &'a [PathBuf],
}

/// Monte Carlo flags.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Monte Carlo (--paths N --price-vol PCT)")]
pub struct MonteCarloArgs {
    /// Run N price paths and report per period the P5, P25, P50, P75 and P95 of price,
    /// hashprice, margin and cumulative margin, the probability of a cumulative loss and the
    /// payback date's distribution [rows default to --period month].
    #[arg(long, value_name = "N")]
    pub paths: Option<usize>,
    /// Annual price volatility, %: price is geometric Brownian motion around the price path,
    /// whose mean grows at --price-growth (the median runs below it).
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub price_vol: Option<f64>,
    /// Annual network-hashrate volatility, %: an independent factor of the same kind
    /// [default: 0].
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub hashrate_vol: Option<f64>,
    /// Seed of the random paths; the same seed gives the same output on any machine and any
    /// number of threads [default: 1].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Print only the summary (one row): loss probability, net margin and payback
    /// percentiles; memory then grows with the paths only.
    #[arg(long)]
    pub summary_only: bool,
}

/// The network model a spec chooses: the fixed model, or the response model with its cohorts
/// (read from `cohorts`) and settings. Response settings given with the fixed model
/// are an error (they would do nothing).
pub fn network_model(spec: &Spec, s: &Scenario) -> Result<NetworkModel, Error> {
    const KNOBS: [&str; 7] = [
        "cohorts",
        "off-lag",
        "on-lag",
        "retire-rate",
        "new-efficiency",
        "new-power-cost",
        "cost-spread",
    ];
    if spec.choice("network-model")?.unwrap_or("fixed") == "fixed" {
        // A file's settings rest while a flag chooses the fixed model; a flag's are an error.
        let given = |k: &&&str| spec.get(k).is_some_and(|g| g.origin == Origin::Flag);
        if let Some(k) = KNOBS.iter().find(given) {
            return Err(Error::input(format!(
                "--{k} needs --network-model response (the fixed model has no cohorts)"
            )));
        }
        return Ok(NetworkModel::Fixed);
    }
    if s.drivers.hashprice_usd_per_ph_day.is_some() {
        return Err(Error::input(
            "--hashprice-path cannot be used with --network-model response (the response model's hashprice comes from its cohorts' hashrate)",
        ));
    }
    for name in ["difficulty-change", "difficulty-change-monthly"] {
        if spec.has(name) {
            return Err(Error::input(format!(
                "--{name} cannot be used with --network-model response (difficulty follows the cohorts that pay to run; --hashrate-growth sets the installed base's growth)"
            )));
        }
    }
    if !s.drivers.hashrate_hs.points.is_empty() {
        return Err(Error::input(
            "--hashrate-path cannot be used with --network-model response (the response model sets the hashrate; --hashrate-growth sets the installed base's growth)",
        ));
    }
    let cohorts = match spec.path("cohorts") {
        None => CohortTable::embedded(),
        Some(path) => {
            let name = path.display().to_string();
            let text = super::params::read_text(&path, "--cohorts", &name)?;
            CohortTable::parse(&name, &text)?
        }
    };
    let d = ResponseParams::default();
    let num = |name: &str, default: f64, scale: f64| -> Result<f64, Error> {
        Ok(spec.num(name)?.map_or(default, |v| v * scale))
    };
    let model = ResponseModel {
        cohorts,
        params: ResponseParams {
            off_lag_days: num("off-lag", d.off_lag_days, 1.0)?,
            on_lag_days: num("on-lag", d.on_lag_days, 1.0)?,
            retire_rate: num("retire-rate", d.retire_rate, 0.01)?,
            new_efficiency_j_per_th: num("new-efficiency", d.new_efficiency_j_per_th, 1.0)?,
            new_power_cost_usd_per_kwh: num("new-power-cost", d.new_power_cost_usd_per_kwh, 1.0)?,
            cost_spread: num("cost-spread", d.cost_spread, 0.01)?,
        },
    };
    model.validate()?;
    Ok(NetworkModel::Response(model))
}

impl RiskArgs {
    /// Resolves the network model once (reads --cohorts); it then runs every scenario.
    pub fn model(&self, spec: &Spec, s: &Scenario) -> Result<NetworkModel, Error> {
        self.check()?;
        network_model(spec, s)
    }
}

/// Lines for the table's header of assumptions (none for the fixed model).
pub fn model_preamble(model: &NetworkModel) -> Vec<String> {
    let Some(m) = model.response() else {
        return Vec::new();
    };
    let p = &m.params;
    vec![format!(
        "response {} cohorts from {} ({:.1} J/TH, ${:.3}/kWh on average); switch off with a {}-day lag, on with {}; old cohorts retire {}%/yr; new hashrate {} J/TH at ${}/kWh; cost spread {}%",
        m.cohorts.cohorts.len(),
        m.cohorts.source,
        m.cohorts.efficiency_j_per_th(),
        m.cohorts.power_cost_usd_per_kwh(),
        p.off_lag_days,
        p.on_lag_days,
        p.retire_rate * 100.0,
        p.new_efficiency_j_per_th,
        p.new_power_cost_usd_per_kwh,
        p.cost_spread * 100.0
    )]
}

impl RiskArgs {
    /// True when `--paths` asks for a Monte Carlo run.
    pub fn is_monte_carlo(&self) -> bool {
        self.monte_carlo.paths.is_some()
    }

    /// Draws the projection's chart when `--plot` asks for one.
    pub fn plot_projection(
        &self,
        model: &NetworkModel,
        s: &Scenario,
        p: &Projection,
    ) -> Result<(), Error> {
        let Some(path) = &self.plot else {
            return Ok(());
        };
        let (first, last) = match (p.rows.first(), p.rows.last()) {
            (Some(a), Some(b)) => (a.date, b.date),
            _ => return Ok(()),
        };
        let title = format!(
            "minecalc project: {} - {first} to {last}{}",
            fleet_title(&s.fleet),
            if model.response().is_some() {
                " - response network model"
            } else {
                ""
            }
        );
        write_svg(path, &chart::projection_svg(&title, &p.rows, &s.fleet)?)
    }

    /// Errors for Monte Carlo flags given without `--paths`, or `--paths` without a volatility.
    pub fn check(&self) -> Result<(), Error> {
        let m = &self.monte_carlo;
        if let Some(p) = &self.plot {
            plot_path(p)?;
            if m.summary_only {
                return Err(Error::input(format!(
                    "--plot {}: a fan chart needs the bands; leave out --summary-only",
                    p.display()
                )));
            }
        }
        if m.paths.is_none() {
            let given = [
                ("--price-vol", m.price_vol.is_some()),
                ("--hashrate-vol", m.hashrate_vol.is_some()),
                ("--seed", m.seed.is_some()),
                ("--summary-only", m.summary_only),
            ];
            if let Some((flag, _)) = given.into_iter().find(|(_, g)| *g) {
                return Err(Error::input(format!(
                    "{flag} needs --paths N (a Monte Carlo run)"
                )));
            }
        } else if m.price_vol.is_none() {
            return Err(Error::input(
                "--paths needs --price-vol PCT (the annual price volatility; 0 for none)",
            ));
        }
        Ok(())
    }

    /// Runs `project --paths …`: bands per period (or the summary alone) to the output.
    pub fn run_monte_carlo(
        &self,
        a: &McOutput,
        model: &NetworkModel,
        s: &Scenario,
        source: &str,
    ) -> Result<(), Error> {
        let m = &self.monte_carlo;
        if a.by_machine {
            return Err(Error::input(
                "--by-machine does not combine with --paths (the bands are the fleet's)",
            ));
        }
        let period: Period = a.period.map(Into::into).unwrap_or(Period::Month);
        let mc = MonteCarlo {
            paths: m.paths.unwrap_or(0),
            price_vol: m.price_vol.unwrap_or(0.0) / 100.0,
            hashrate_vol: m.hashrate_vol.unwrap_or(0.0) / 100.0,
            seed: m.seed.unwrap_or(DEFAULT_SEED),
            period,
            bands: !m.summary_only,
        };
        mc.validate()?;
        if a.shard.is_some() && self.plot.is_some() {
            return Err(Error::input(
                "--plot needs the whole run: draw it with --merge, not from a --shard",
            ));
        }
        let central = montecarlo::central(s, model, &mc)?;
        let fingerprint = mc_shard::fingerprint(s, model, &mc);
        let paths = if !a.merge.is_empty() {
            mc_shard::merge(&parts(a.merge), fingerprint, &mc, &central)?
        } else {
            let (first, end) = a.shard.unwrap_or(Shard::WHOLE).range(mc.paths);
            let bar = Progress::new((end - first) as u64, "paths");
            let tick = || bar.inc();
            let result = montecarlo::run_paths(s, model, &mc, &central, first..end, &tick);
            bar.finish();
            result?
        };
        if let Some(shard) = a.shard {
            let mut d = Dest::open(a.output.path())?;
            mc_shard::write_partial(&mut d, fingerprint, &mc, shard, &central, &paths)?;
            return d.commit();
        }
        let r = montecarlo::finish(s, &mc, central, &paths);
        drop(paths);
        if let Some(path) = &self.plot {
            let title = format!(
                "minecalc project: {} paths, price volatility {}/yr - {}",
                num(mc.paths as f64, 0),
                pct(mc.price_vol),
                fleet_title(&s.fleet)
            );
            write_svg(
                path,
                &chart::fan_svg(&title, &r.bands, &r.central, &r.summary)?,
            )?;
        }
        let format: Format = a.output.format.into();
        let mut w = RowWriter::new(format, &a.output.style(), Dest::open(a.output.path())?);
        let tags = tag_prefix(a.tags);
        if format == Format::Table {
            let mut lines = mc_preamble(s, source, &mc, &r.summary);
            lines.extend(model_preamble(model));
            w.preamble(lines);
            if mc.bands {
                w.postamble(mc_postamble(&r.summary));
            }
        }
        if mc.bands {
            for b in &r.bands {
                w.write_prefixed(&tags, b)?;
            }
        } else {
            w.write_prefixed(&tags, &r.summary)?;
        }
        w.finish()?.commit()
    }
}

/// The partial files `--merge` names, each opened (buffered) when the merge reads it.
fn parts(files: &[PathBuf]) -> Vec<Part<'_>> {
    files
        .iter()
        .map(|f| {
            let name = f.display().to_string();
            let shown = name.clone();
            Part {
                name,
                open: Box::new(move || {
                    let file = std::fs::File::open(f).map_err(|e| {
                        let why = match e.kind() {
                            std::io::ErrorKind::NotFound => "no such file".to_string(),
                            _ => e.to_string(),
                        };
                        Error::input(format!("--merge {shown}: {why}"))
                    })?;
                    if file.metadata().is_ok_and(|m| m.is_dir()) {
                        return Err(Error::input(format!("--merge {shown}: is a folder")));
                    }
                    Ok(Box::new(std::io::BufReader::with_capacity(1 << 16, file))
                        as Box<dyn std::io::BufRead>)
                }),
            }
        })
        .collect()
}

/// The seed when `--seed` is not given.
pub const DEFAULT_SEED: u64 = 1;

fn mc_preamble(s: &Scenario, source: &str, mc: &MonteCarlo, sm: &McSummary) -> Vec<String> {
    let st = &s.network;
    let fl = &s.fleet;
    let dates = match (sm.start, sm.end) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        _ => String::new(),
    };
    vec![
        format!(
            "minecalc project: Monte Carlo, {} paths of {} days, {dates}, {}; seed {}",
            num(mc.paths as f64, 0),
            num(sm.days as f64, 0),
            if mc.bands {
                format!(
                    "bands P5/P50/P95 by {}",
                    format!("{:?}", mc.period).to_lowercase()
                )
            } else {
                "summary only".to_string()
            },
            mc.seed
        ),
        minecalc::report::tables::network_line(source, st),
        format!(
            "paths    price: geometric Brownian motion, {} a year volatility, mean growing {} a year (the median runs below the mean); hashrate {} a year{}, volatility {}",
            pct(mc.price_vol),
            pct(s.drivers.price_usd.annual_growth),
            pct(s.drivers.hashrate_hs.annual_growth),
            if s.drivers.hashrate_hs.points.is_empty() { "" } else { " after its dated points" },
            pct(mc.hashrate_vol)
        ),
        format!(
            "fleet    {} TH/s at {} J/TH{}",
            num(fl.hashrate_ths(), 0),
            num(fl.efficiency_j_per_th(), 1),
            if fl.capex_usd > 0.0 {
                format!(", capex {}", usd(fl.capex_usd, 0))
            } else {
                String::new()
            }
        ),
    ]
    .into_iter()
    .chain(s.drivers.hashprice_usd_per_ph_day.is_some().then(|| {
        "revenue  follows the hashprice path, times each path's price factor (hashrate volatility moves the network columns only)".to_string()
    }))
    .collect()
}

fn mc_postamble(sm: &McSummary) -> Vec<String> {
    let date =
        |d: Option<chrono::NaiveDate>| d.map_or("not within the horizon".into(), |d| d.to_string());
    let mut lines = vec![format!(
        "loss     {} of paths end with margin less capex below zero; net margin P5 {}, P50 {}, P95 {} (mean {})",
        pct(sm.loss_probability_pct / 100.0),
        usd(sm.net_usd_p5, 0),
        usd(sm.net_usd_p50, 0),
        usd(sm.net_usd_p95, 0),
        usd(sm.net_usd_mean, 0)
    )];
    match sm.paid_back_pct {
        Some(p) => lines.push(format!(
            "payback  {} of paths pay back the capex; P5 {}, P25 {}, P50 {}, P75 {}, P95 {}",
            pct(p / 100.0),
            date(sm.payback_date_p5),
            date(sm.payback_date_p25),
            date(sm.payback_date_p50),
            date(sm.payback_date_p75),
            date(sm.payback_date_p95)
        )),
        None => lines.push("payback  no capex given (--capex USD): no payback date".to_string()),
    }
    lines
}
