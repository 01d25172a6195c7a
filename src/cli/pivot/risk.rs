//! `minecalc pivot --paths N --price-vol PCT [--seed S]` (Monte Carlo: the probability that
//! mining beats the lease) and `--plot FILE.svg` (both paths' cumulative cash).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use minecalc::analyses::pivot::risk::{self, PivotMonteCarlo, PivotRisk};
use minecalc::analyses::pivot::{self, Pivot, PivotInputs};
use minecalc::model::projection::Scenario;
use minecalc::report::chart;
use minecalc::report::pivot_tables::pivot_risk_headline;
use minecalc::report::{num, write_all, Dest, Format};
use minecalc::Error;

use super::super::args::parse_percent;
use super::super::progress::Progress;
use super::super::risk::{plot_path, DEFAULT_SEED};

/// Monte Carlo and chart flags of `pivot`.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Monte Carlo and charts")]
pub struct PivotRiskArgs {
    /// Run N BTC price paths around the price path and report, in one row, the probability
    /// that mining's NPV beats converting's and the P5, P25, P50, P75 and P95 of the mining
    /// NPV and of the NPV difference.
    #[arg(long, value_name = "N", conflicts_with = "deals")]
    pub paths: Option<usize>,
    /// Annual price volatility, %: price is geometric Brownian motion around the price path,
    /// whose mean grows at --price-growth (the median runs below it), as in `project --paths`.
    #[arg(long, value_name = "PCT", value_parser = parse_percent, conflicts_with = "deals")]
    pub price_vol: Option<f64>,
    /// Seed of the price paths; the same seed gives the same output on any machine and any
    /// number of threads [default: 1].
    #[arg(long, value_name = "S", conflicts_with = "deals")]
    pub seed: Option<u64>,
    /// Draw both paths' cumulative cash (USD, by date) to FILE.svg, the halving and the
    /// conversion's end marked; with --paths, the P5-P95 and P25-P75 bands of the paths too.
    #[arg(long, value_name = "FILE.svg", conflicts_with = "deals")]
    pub plot: Option<PathBuf>,
}

impl PivotRiskArgs {
    /// Errors for flags that do not go together; run before any work.
    pub fn check(&self, varied: bool) -> Result<(), Error> {
        if let Some(p) = &self.plot {
            plot_path(p)?;
        }
        if varied {
            if let Some((flag, _)) = [
                ("--paths", self.paths.is_some()),
                ("--price-vol", self.price_vol.is_some()),
                ("--seed", self.seed.is_some()),
                ("--plot", self.plot.is_some()),
            ]
            .into_iter()
            .find(|(_, given)| *given)
            {
                return Err(Error::input(format!(
                    "{flag} does not combine with --vary: the decision map is one row per combination; run one case with {flag}"
                )));
            }
        }
        if self.paths.is_none() {
            if let Some((flag, _)) = [
                ("--price-vol", self.price_vol.is_some()),
                ("--seed", self.seed.is_some()),
            ]
            .into_iter()
            .find(|(_, given)| *given)
            {
                return Err(Error::input(format!(
                    "{flag} needs --paths N (a Monte Carlo run)"
                )));
            }
        } else if self.price_vol.is_none() {
            return Err(Error::input(
                "--paths needs --price-vol PCT (the annual price volatility; 0 for none)",
            ));
        }
        self.settings().map_or(Ok(()), |mc| mc.validate())
    }

    /// The Monte Carlo settings, when `--paths` is given.
    pub fn settings(&self) -> Option<PivotMonteCarlo> {
        Some(PivotMonteCarlo {
            paths: self.paths?,
            price_vol: self.price_vol.unwrap_or(0.0) / 100.0,
            seed: self.seed.unwrap_or(DEFAULT_SEED),
            bands: self.plot.is_some(),
        })
    }
}

/// A `--plot` file, open from the start (a temporary file beside it) so that a missing
/// folder stops the run before any work, and renamed over the target only at the end.
pub struct PlotFile {
    dest: Dest,
    path: PathBuf,
}

fn plot_error(e: Error) -> Error {
    match e {
        Error::Runtime(m) => Error::runtime(m.replacen("-o ", "--plot ", 1)),
        other => other,
    }
}

impl PlotFile {
    /// Opens the temporary file for `--plot`, if given.
    pub fn open(path: Option<&Path>) -> Result<Option<PlotFile>, Error> {
        path.map(|p| {
            Ok(PlotFile {
                dest: Dest::open(Some(p)).map_err(plot_error)?,
                path: p.to_path_buf(),
            })
        })
        .transpose()
    }

    /// Writes the chart and renames it over the target.
    pub fn write(mut self, svg: &str) -> Result<(), Error> {
        self.dest
            .write_all(svg.as_bytes())
            .map_err(|e| Error::runtime(format!("--plot {}: {e}", self.path.display())))?;
        self.dest.commit().map_err(plot_error)
    }
}

/// The chart's title.
pub fn title(i: &PivotInputs, p: &Pivot) -> String {
    format!(
        "minecalc pivot: keep mining or convert a {} MW site ({} MW of IT), {} to {}",
        num(i.site_mw, 0),
        num(i.it_mw, 0),
        p.start,
        p.end
    )
}

/// Draws the chart of one pivot run (and of its Monte Carlo run).
pub fn draw(
    file: PlotFile,
    s: &Scenario,
    i: &PivotInputs,
    p: &Pivot,
    risk: Option<&PivotRisk>,
) -> Result<(), Error> {
    let days = pivot::cash_by_day(s, i)?;
    file.write(&chart::pivot::pivot_svg(&title(i, p), p, i, &days, risk)?)
}

/// Runs `pivot --paths …`: one summary row, the chart if asked for.
pub fn run(
    a: &super::PivotArgs,
    mc: &PivotMonteCarlo,
    s: &Scenario,
    inputs: &PivotInputs,
    header_lines: impl FnOnce(&Pivot) -> Vec<String>,
) -> Result<(), Error> {
    let file = PlotFile::open(a.risk.plot.as_deref())?;
    let bar = Progress::new(mc.paths as u64, "paths");
    let tick = || bar.inc();
    let result = risk::monte_carlo(s, inputs, mc, &tick);
    bar.finish();
    let r = result?;
    if let Some(file) = file {
        draw(file, s, inputs, &r.central, Some(&r))?;
    }
    let format: Format = a.output.format.into();
    let pre = if format == Format::Table {
        let mut lines = header_lines(&r.central);
        lines.push(pivot_risk_headline(&r));
        lines
    } else {
        Vec::new()
    };
    write_all(
        format,
        &a.output.style(),
        a.output.path(),
        pre,
        Vec::new(),
        std::slice::from_ref(&r.row),
    )
}
