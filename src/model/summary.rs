//! One scenario summed up as its days stream past: totals, payback, NPV, the halving's effect.

use std::collections::VecDeque;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::error::Error;
use crate::model::engine::NetDay;
use crate::model::projection::{run_days, ProjectionRow, Scenario};

/// Days averaged on each side of a halving.
pub const HALVING_WINDOW_DAYS: usize = 30;

/// A scenario's summary: one flat row for sweeps, and the facts under the project table.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// First day.
    pub start: Option<NaiveDate>,
    /// Last day.
    pub end: Option<NaiveDate>,
    /// Days in the horizon.
    pub days: u32,
    /// BTC mined after the pool fee.
    pub btc_mined: f64,
    /// Revenue, USD.
    pub revenue_usd: f64,
    /// Electricity cost, USD.
    pub power_cost_usd: f64,
    /// Other opex, USD.
    pub opex_usd: f64,
    /// Margin: revenue - power cost - opex, USD.
    pub margin_usd: f64,
    /// Capex, USD.
    pub capex_usd: f64,
    /// Margin less capex, USD.
    pub net_usd: f64,
    /// Net present value over the horizon, USD.
    pub npv_usd: f64,
    /// (margin - capex) / capex, % (empty without capex).
    pub roi_pct: Option<f64>,
    /// First day the cumulative margin covers the capex (empty: not within the horizon).
    pub payback_date: Option<NaiveDate>,
    /// First day with a negative margin (empty: none).
    pub first_negative_margin_date: Option<NaiveDate>,
    /// Height of the first halving block mined within the horizon.
    pub halving_height: Option<u64>,
    /// Its estimated instant, UTC.
    pub halving_at: Option<NaiveDateTime>,
    /// Mean fleet margin a day over the 30 days before the halving day, USD.
    pub margin_before_halving_usd_per_day: Option<f64>,
    /// Mean fleet margin a day over the 30 days after the halving day, USD.
    pub margin_after_halving_usd_per_day: Option<f64>,
    /// Mean hashprice over the 30 days before the halving day, USD/PH/day.
    pub hashprice_before_halving_usd_per_ph_day: Option<f64>,
    /// Mean hashprice over the 30 days after the halving day, USD/PH/day.
    pub hashprice_after_halving_usd_per_ph_day: Option<f64>,
}

/// Builds a [`Summary`] from daily rows as they stream past, in memory bounded by the window.
#[derive(Debug, Clone, Default)]
pub struct SummaryBuilder {
    s: Summary,
    before: VecDeque<(f64, f64)>,
    after: Vec<(f64, f64)>,
    halving_seen: bool,
}

fn mean(v: impl Iterator<Item = f64> + Clone) -> Option<f64> {
    let n = v.clone().count();
    (n > 0).then(|| v.sum::<f64>() / n as f64)
}

impl SummaryBuilder {
    /// A builder for a fleet with this capex.
    pub fn new(capex_usd: f64) -> SummaryBuilder {
        SummaryBuilder {
            s: Summary {
                capex_usd,
                ..Summary::default()
            },
            ..SummaryBuilder::default()
        }
    }

    /// Adds one day.
    pub fn push(&mut self, net: &NetDay, r: &ProjectionRow) {
        let s = &mut self.s;
        if s.start.is_none() {
            s.start = Some(r.date);
        }
        s.end = Some(r.date);
        s.days += r.days;
        s.btc_mined += r.btc_mined;
        s.revenue_usd += r.revenue_usd;
        s.power_cost_usd += r.power_cost_usd;
        s.opex_usd += r.opex_usd;
        s.margin_usd = r.cumulative_margin_usd;
        s.net_usd = r.cumulative_net_usd;
        s.npv_usd = r.npv_usd;
        if s.payback_date.is_none() && s.capex_usd > 0.0 && r.cumulative_net_usd >= 0.0 {
            s.payback_date = Some(r.date);
        }
        if s.first_negative_margin_date.is_none() && r.margin_usd < 0.0 {
            s.first_negative_margin_date = Some(r.date);
        }
        let point = (r.margin_usd, r.hashprice_usd_per_ph_day);
        match (self.halving_seen, net.halving) {
            (false, Some((h, at))) => {
                self.halving_seen = true;
                s.halving_height = Some(h);
                s.halving_at = Some(at);
            }
            (false, None) => {
                self.before.push_back(point);
                if self.before.len() > HALVING_WINDOW_DAYS {
                    self.before.pop_front();
                }
            }
            (true, _) => {
                if self.after.len() < HALVING_WINDOW_DAYS {
                    self.after.push(point);
                }
            }
        }
    }

    /// The summary.
    pub fn finish(mut self) -> Summary {
        let s = &mut self.s;
        if s.capex_usd > 0.0 {
            s.roi_pct = Some(s.net_usd / s.capex_usd * 100.0);
        }
        if self.halving_seen {
            s.margin_before_halving_usd_per_day = mean(self.before.iter().map(|p| p.0));
            s.hashprice_before_halving_usd_per_ph_day = mean(self.before.iter().map(|p| p.1));
            s.margin_after_halving_usd_per_day = mean(self.after.iter().map(|p| p.0));
            s.hashprice_after_halving_usd_per_ph_day = mean(self.after.iter().map(|p| p.1));
        }
        self.s
    }
}

/// Runs a scenario and returns only its summary (no rows kept).
pub fn summarize(s: &Scenario) -> Result<Summary, Error> {
    s.validate()?;
    let mut b = SummaryBuilder::new(s.fleet.capex_usd);
    run_days(s, s.drivers.clone(), |net, row| {
        b.push(net, row);
        Ok(())
    })?;
    Ok(b.finish())
}
