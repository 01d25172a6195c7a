//! Flags for network dynamics and risk on `project`: the response model (`--network-model`),
//! and the dispatch from `project` to the model that runs.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use minecalc::engine::NetDay;
use minecalc::projection::{self, Projection, ProjectionRow, Scenario};
use minecalc::response::{self, CohortTable, ResponseModel, ResponseParams};
use minecalc::summary::{self, Summary};
use minecalc::Error;

use super::args::{parse_number, parse_percent};

/// Everything `project` takes for network dynamics and risk.
#[derive(Debug, Clone, Default, Args)]
pub struct RiskArgs {
    #[command(flatten)]
    pub response: ResponseArgs,
}

/// How the network's hashrate moves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum NetworkModelArg {
    /// Hashrate follows --hashrate-growth (or --hashrate-path), whatever it earns.
    #[default]
    Fixed,
    /// Cohorts of machines switch off when hashprice falls below their power cost, and back on.
    Response,
}

/// The response model's flags.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Network response (--network-model response)")]
pub struct ResponseArgs {
    /// How the network's hashrate moves: `fixed` follows --hashrate-growth; `response` runs the
    /// installed base as cohorts (data/network_fleet.csv) that switch off while hashprice is
    /// below their power cost, so difficulty falls at the next retarget.
    #[arg(long, value_enum, value_name = "MODEL", default_value = "fixed")]
    pub network_model: NetworkModelArg,
    /// Cohort table CSV: cohort,share_pct,efficiency_j_per_th,power_cost_usd_per_kwh[,...]
    /// [default: the embedded data/network_fleet.csv].
    #[arg(long, value_name = "FILE")]
    pub cohorts: Option<PathBuf>,
    /// Days until 63% of the hashrate that loses money is off (a first-order lag) [default: 30].
    #[arg(long, value_name = "DAYS", value_parser = parse_number)]
    pub off_lag: Option<f64>,
    /// Days until 63% of the hashrate that earns again is back on [default: 14].
    #[arg(long, value_name = "DAYS", value_parser = parse_number)]
    pub on_lag: Option<f64>,
    /// Old cohorts retired each year, % of their hashrate; new hashrate replaces it [default: 10].
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub retire_rate: Option<f64>,
    /// Efficiency of new hashrate, J/TH [default: 13.5, Antminer S21 XP].
    #[arg(long, value_name = "J/TH", value_parser = parse_number)]
    pub new_efficiency: Option<f64>,
    /// Power cost of new hashrate, USD/kWh [default: 0.045, the Cambridge 2025 median].
    #[arg(long, value_name = "USD/KWH", value_parser = parse_number)]
    pub new_power_cost: Option<f64>,
    /// Spread of power costs within a cohort, % (log standard deviation) [default: 15].
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub cost_spread: Option<f64>,
}

impl ResponseArgs {
    fn knobs(&self) -> [(&'static str, bool); 7] {
        [
            ("--cohorts", self.cohorts.is_some()),
            ("--off-lag", self.off_lag.is_some()),
            ("--on-lag", self.on_lag.is_some()),
            ("--retire-rate", self.retire_rate.is_some()),
            ("--new-efficiency", self.new_efficiency.is_some()),
            ("--new-power-cost", self.new_power_cost.is_some()),
            ("--cost-spread", self.cost_spread.is_some()),
        ]
    }

    /// The response model, or `None` for the fixed model. Knobs given with the fixed model
    /// are an error (they would do nothing).
    pub fn model(&self, s: &Scenario) -> Result<Option<ResponseModel>, Error> {
        if self.network_model == NetworkModelArg::Fixed {
            if let Some((flag, _)) = self.knobs().into_iter().find(|(_, given)| *given) {
                return Err(Error::input(format!(
                    "{flag} needs --network-model response (the fixed model has no cohorts)"
                )));
            }
            return Ok(None);
        }
        if !s.drivers.hashrate_hs.points.is_empty() {
            return Err(Error::input(
                "--hashrate-path cannot be used with --network-model response (the response model sets the hashrate; --hashrate-growth sets the installed base's growth)",
            ));
        }
        let cohorts = match &self.cohorts {
            None => CohortTable::embedded(),
            Some(path) => {
                let name = path.display().to_string();
                let text = std::fs::read_to_string(path).map_err(|e| {
                    if e.kind() == std::io::ErrorKind::NotFound {
                        Error::input(format!("--cohorts {name}: no such file"))
                    } else {
                        Error::runtime(format!("--cohorts {name}: cannot read: {e}"))
                    }
                })?;
                CohortTable::parse(&name, &text)?
            }
        };
        let d = ResponseParams::default();
        let model = ResponseModel {
            cohorts,
            params: ResponseParams {
                off_lag_days: self.off_lag.unwrap_or(d.off_lag_days),
                on_lag_days: self.on_lag.unwrap_or(d.on_lag_days),
                retire_rate: self.retire_rate.map_or(d.retire_rate, |p| p / 100.0),
                new_efficiency_j_per_th: self.new_efficiency.unwrap_or(d.new_efficiency_j_per_th),
                new_power_cost_usd_per_kwh: self
                    .new_power_cost
                    .unwrap_or(d.new_power_cost_usd_per_kwh),
                cost_spread: self.cost_spread.map_or(d.cost_spread, |p| p / 100.0),
            },
        };
        model.validate()?;
        Ok(Some(model))
    }
}

impl RiskArgs {
    /// Resolves the network model once (reads --cohorts); the runner then runs scenarios.
    pub fn runner(&self, s: &Scenario) -> Result<Runner, Error> {
        Ok(Runner {
            model: self.response.model(s)?,
        })
    }
}

/// Runs scenarios on the network model the flags chose.
#[derive(Debug, Clone)]
pub struct Runner {
    /// The response model, or `None` for the fixed model.
    pub model: Option<ResponseModel>,
}

impl Runner {
    /// Runs the scenario and keeps its daily rows.
    pub fn project(&self, s: &Scenario) -> Result<Projection, Error> {
        match &self.model {
            None => projection::project(s),
            Some(m) => response::project(s, m),
        }
    }

    /// The scenario's summary.
    pub fn summarize(&self, s: &Scenario) -> Result<Summary, Error> {
        match &self.model {
            None => summary::summarize(s),
            Some(m) => response::summarize(s, m),
        }
    }

    /// Each day's fleet row and group rows.
    pub fn for_each_day_by_group<F>(&self, s: &Scenario, f: F) -> Result<(), Error>
    where
        F: FnMut(&NetDay, &ProjectionRow, &[ProjectionRow]) -> Result<(), Error>,
    {
        match &self.model {
            None => projection::for_each_day_by_group(s, f),
            Some(m) => response::for_each_day_by_group(s, m, f),
        }
    }

    /// Lines for the table's header of assumptions (none for the fixed model).
    pub fn preamble(&self) -> Vec<String> {
        let Some(m) = &self.model else {
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
}
