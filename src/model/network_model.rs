//! The network models behind one type: how the network's hashrate moves over a run.
//!
//! - [`NetworkModel::Fixed`] (the default): hashrate, price and fees follow their paths
//!   ([`crate::model::projection`]).
//! - [`NetworkModel::Response`]: the hashrate is the machine cohorts that pay to run, switching
//!   off and on with the hashprice ([`crate::model::response`]).
//!
//! A caller holds one `NetworkModel` and runs every scenario through it.

use chrono::NaiveDate;

use crate::error::Error;
use crate::model::books::Books;
use crate::model::engine::{DayDrivers, Drivers, NetDay};
use crate::model::network::PathDrivers;
use crate::model::projection::{self, Projection, ProjectionRow, Scenario};
use crate::model::response::{self, ResponseDrivers, ResponseModel};
use crate::model::summary::{self, Summary};

/// The network model a run uses.
#[derive(Debug, Clone, Default)]
pub enum NetworkModel {
    /// Hashrate, price and fees along their paths.
    #[default]
    Fixed,
    /// Hashrate from the cohorts that cover their costs.
    Response(ResponseModel),
}

/// The day drivers of a [`NetworkModel`] for one scenario.
#[derive(Debug, Clone)]
pub enum ModelDrivers {
    /// The fixed model's paths.
    Fixed(PathDrivers),
    /// The response model's cohorts.
    Response(ResponseDrivers),
}

impl Drivers for ModelDrivers {
    fn uses_prev(&self) -> bool {
        match self {
            ModelDrivers::Fixed(d) => d.uses_prev(),
            ModelDrivers::Response(d) => d.uses_prev(),
        }
    }

    fn day(&mut self, date: NaiveDate, prev: Option<&NetDay>) -> DayDrivers {
        match self {
            ModelDrivers::Fixed(d) => d.day(date, prev),
            ModelDrivers::Response(d) => d.day(date, prev),
        }
    }
}

impl NetworkModel {
    /// The response model, if this is it.
    pub fn response(&self) -> Option<&ResponseModel> {
        match self {
            NetworkModel::Fixed => None,
            NetworkModel::Response(m) => Some(m),
        }
    }

    /// The drivers the engine runs `s` on (for callers that wrap them, as Monte Carlo does).
    pub fn drivers(&self, s: &Scenario) -> Result<ModelDrivers, Error> {
        Ok(match self {
            NetworkModel::Fixed => ModelDrivers::Fixed(s.drivers.clone()),
            NetworkModel::Response(m) => ModelDrivers::Response(m.drivers(&s.network, &s.drivers)?),
        })
    }

    /// Runs the scenario: `f` gets each network day and daily row.
    pub fn for_each_day<F>(&self, s: &Scenario, f: F) -> Result<(), Error>
    where
        F: FnMut(&NetDay, &ProjectionRow) -> Result<(), Error>,
    {
        match self {
            NetworkModel::Fixed => projection::for_each_day(s, f),
            NetworkModel::Response(m) => response::for_each_day(s, m, f),
        }
    }

    /// As [`NetworkModel::for_each_day`], also passing each fleet group's own daily row, with
    /// the fleet row's network columns. Groups carry no capex: their `cumulative_net_usd` and
    /// `npv_usd` are the discounted margins alone.
    pub fn for_each_day_by_group<F>(&self, s: &Scenario, mut f: F) -> Result<(), Error>
    where
        F: FnMut(&NetDay, &ProjectionRow, &[ProjectionRow]) -> Result<(), Error>,
    {
        let n = s.fleet.groups.len();
        let mut books: Vec<Books> = (0..n).map(|g| Books::group(&s.fleet, g)).collect();
        let mut rows = Vec::with_capacity(n);
        // Each day is handed on when the next arrives, so the last one is known as the last.
        let mut pending: Option<(NetDay, ProjectionRow)> = None;
        let mut emit = |net: &NetDay, fleet_row: &ProjectionRow, last: bool| {
            rows.clear();
            for b in &mut books {
                let mut row = ProjectionRow::from_day(net, &b.day(net, last));
                copy_network_columns(&mut row, fleet_row);
                rows.push(row);
            }
            f(net, fleet_row, &rows)
        };
        self.for_each_day(s, |net, fleet_row| {
            if let Some((n0, r0)) = pending.replace((net.clone(), fleet_row.clone())) {
                emit(&n0, &r0, false)?;
            }
            Ok(())
        })?;
        match pending {
            Some((n0, r0)) => emit(&n0, &r0, true),
            None => Ok(()),
        }
    }

    /// Runs the scenario and keeps its daily rows.
    pub fn project(&self, s: &Scenario) -> Result<Projection, Error> {
        match self {
            NetworkModel::Fixed => projection::project(s),
            NetworkModel::Response(m) => response::project(s, m),
        }
    }

    /// Runs the scenario and returns only its summary (no rows kept).
    pub fn summarize(&self, s: &Scenario) -> Result<Summary, Error> {
        match self {
            NetworkModel::Fixed => summary::summarize(s),
            NetworkModel::Response(m) => response::summarize(s, m),
        }
    }
}

/// The network-mix columns (the response model fills them; the fixed model's are the same on
/// every row of a day).
fn copy_network_columns(row: &mut ProjectionRow, from: &ProjectionRow) {
    row.network_installed_hashrate_eh_s = from.network_installed_hashrate_eh_s;
    row.network_running_hashrate_eh_s = from.network_running_hashrate_eh_s;
    row.network_off_share_pct = from.network_off_share_pct;
    row.network_efficiency_j_per_th = from.network_efficiency_j_per_th;
    row.network_power_gw = from.network_power_gw;
}
