//! One scenario summed up as its days stream past: totals, payback, NPV, the halving's effect.

use std::collections::VecDeque;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::error::Error;
use crate::model::books::{BookDay, Books};
use crate::model::engine::NetDay;
use crate::model::lean::{LeanChain, LeanFleet};
use crate::model::projection::{
    horizon_days_hint, run_days, walk, ChainPath, ProjectionRow, Scenario,
};

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
    /// Its estimated instant, UTC (RFC 3339 with `Z`, to the second).
    #[serde(serialize_with = "rfc3339_z")]
    pub halving_at: Option<NaiveDateTime>,
    /// Mean fleet margin a day over the 30 days before the halving day, USD.
    pub margin_before_halving_usd_per_day: Option<f64>,
    /// Mean fleet margin a day over the 30 days after the halving day, USD.
    pub margin_after_halving_usd_per_day: Option<f64>,
    /// Mean hashprice over the 30 days before the halving day, USD/PH/day.
    pub hashprice_before_halving_usd_per_ph_day: Option<f64>,
    /// Mean hashprice over the 30 days after the halving day, USD/PH/day.
    pub hashprice_after_halving_usd_per_ph_day: Option<f64>,
    /// Hosting fees, USD.
    pub hosting_fee_usd: f64,
    /// The host's profit share, USD.
    pub profit_share_usd: f64,
    /// Resale of the machines when they stop or at the horizon's end, USD.
    pub salvage_usd: f64,
    /// EBITDA (the margin), USD.
    pub ebitda_usd: f64,
    /// Depreciation, USD.
    pub depreciation_usd: f64,
    /// EBITDA less depreciation, USD.
    pub operating_income_usd: f64,
    /// Tax, USD.
    pub tax_usd: f64,
    /// NPV after tax, USD.
    pub npv_after_tax_usd: f64,
    /// BTC sold.
    pub btc_sold: f64,
    /// BTC held at the end.
    pub btc_held: f64,
    /// The holdings at the last day's price, USD.
    pub treasury_value_usd: f64,
    /// Cash realized: BTC sold less cash costs, tax and capex, plus resale, USD.
    pub realized_cash_usd: f64,
    /// Blocks the fleet finds on average over the horizon (its share of the network's).
    pub expected_blocks: f64,
    /// Chance of finding at least one block over the horizon mining solo, % (Poisson).
    pub block_probability_pct: f64,
    /// Mean days to find a block at the horizon's average rate (empty: no hashrate ran).
    pub expected_days_to_block: Option<f64>,
}

/// What a summary needs of one day (a [`ProjectionRow`]'s figures, without the rest).
#[derive(Debug, Clone, Copy)]
pub struct SummaryDay {
    /// The day.
    pub date: chrono::NaiveDate,
    /// Days in the row.
    pub days: u32,
    /// BTC mined.
    pub btc_mined: f64,
    /// Revenue, USD.
    pub revenue_usd: f64,
    /// Power cost, USD.
    pub power_cost_usd: f64,
    /// Other opex, USD.
    pub opex_usd: f64,
    /// Margin, USD.
    pub margin_usd: f64,
    /// Cumulative margin, USD.
    pub cumulative_margin_usd: f64,
    /// Cumulative margin less capex, USD.
    pub cumulative_net_usd: f64,
    /// NPV to the end of the day, USD.
    pub npv_usd: f64,
    /// Hashprice, USD/PH/day.
    pub hashprice_usd_per_ph_day: f64,
    /// Hosting fees, USD.
    pub hosting_fee_usd: f64,
    /// Profit share, USD.
    pub profit_share_usd: f64,
    /// Capex spent in the row, USD.
    pub capex_usd: f64,
    /// Resale, USD.
    pub salvage_usd: f64,
    /// Depreciation, USD.
    pub depreciation_usd: f64,
    /// Tax, USD.
    pub tax_usd: f64,
    /// NPV after tax to the end of the row, USD.
    pub npv_after_tax_usd: f64,
    /// BTC sold.
    pub btc_sold: f64,
    /// BTC held at the end of the row.
    pub btc_held: f64,
    /// The holdings' value, USD.
    pub treasury_value_usd: f64,
    /// Cash flow since the start, USD.
    pub cumulative_cash_usd: f64,
    /// Expected blocks.
    pub expected_blocks: f64,
}

impl SummaryDay {
    /// A summary day from a row.
    pub fn of_row(r: &ProjectionRow) -> SummaryDay {
        SummaryDay {
            date: r.date,
            days: r.days,
            btc_mined: r.btc_mined,
            revenue_usd: r.revenue_usd,
            power_cost_usd: r.power_cost_usd,
            opex_usd: r.opex_usd,
            margin_usd: r.margin_usd,
            cumulative_margin_usd: r.cumulative_margin_usd,
            cumulative_net_usd: r.cumulative_net_usd,
            npv_usd: r.npv_usd,
            hashprice_usd_per_ph_day: r.hashprice_usd_per_ph_day,
            hosting_fee_usd: r.hosting_fee_usd,
            profit_share_usd: r.profit_share_usd,
            capex_usd: r.capex_usd,
            salvage_usd: r.salvage_usd,
            depreciation_usd: r.depreciation_usd,
            tax_usd: r.tax_usd,
            npv_after_tax_usd: r.npv_after_tax_usd,
            btc_sold: r.btc_sold,
            btc_held: r.btc_held,
            treasury_value_usd: r.treasury_value_usd,
            cumulative_cash_usd: r.cumulative_cash_usd,
            expected_blocks: r.expected_blocks,
        }
    }

    /// A summary day from a day of the books, without building a row.
    pub fn of_books(net: &NetDay, b: &BookDay) -> SummaryDay {
        let f = &b.flows;
        SummaryDay {
            date: net.date,
            days: 1,
            btc_mined: f.btc_mined,
            revenue_usd: f.revenue_usd,
            power_cost_usd: f.power_cost_usd,
            opex_usd: f.opex_usd,
            margin_usd: f.margin_usd,
            cumulative_margin_usd: b.cumulative_margin_usd,
            cumulative_net_usd: b.cumulative_net_usd,
            npv_usd: b.npv_usd,
            hashprice_usd_per_ph_day: net.hashprice_usd_per_ph_day(),
            hosting_fee_usd: f.hosting_fee_usd,
            profit_share_usd: f.profit_share_usd,
            capex_usd: b.capex_usd,
            salvage_usd: b.salvage_usd,
            depreciation_usd: b.depreciation_usd,
            tax_usd: b.tax_usd,
            npv_after_tax_usd: b.npv_after_tax_usd,
            btc_sold: b.btc_sold,
            btc_held: b.btc_held,
            treasury_value_usd: b.treasury_value_usd,
            cumulative_cash_usd: b.cumulative_cash_usd,
            expected_blocks: f.expected_blocks,
        }
    }
}

/// An optional UTC instant as RFC 3339 with `Z`, to the second, as the `events` column writes it.
fn rfc3339_z<S: serde::Serializer>(t: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.collect_str(&t.format("%Y-%m-%dT%H:%M:%SZ")),
        None => s.serialize_none(),
    }
}

/// Builds a [`Summary`] from daily rows as they stream past, in memory bounded by the window.
#[derive(Debug, Clone, Default)]
pub struct SummaryBuilder {
    s: Summary,
    before: VecDeque<(f64, f64)>,
    after: Vec<(f64, f64)>,
    halving_seen: bool,
}

/// The mean of `v` (`None` when empty), summed in order.
pub(crate) fn mean(v: impl Iterator<Item = f64> + Clone) -> Option<f64> {
    let n = v.clone().count();
    (n > 0).then(|| v.sum::<f64>() / n as f64)
}

impl SummaryBuilder {
    /// A builder; the capex counts as the rows spend it.
    pub fn new() -> SummaryBuilder {
        SummaryBuilder::default()
    }

    /// Adds one day.
    pub fn push(&mut self, net: &NetDay, r: &ProjectionRow) {
        self.add(net, &SummaryDay::of_row(r));
    }

    /// Adds one day's figures.
    pub fn add(&mut self, net: &NetDay, r: &SummaryDay) {
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
        s.hosting_fee_usd += r.hosting_fee_usd;
        s.profit_share_usd += r.profit_share_usd;
        s.capex_usd += r.capex_usd;
        s.salvage_usd += r.salvage_usd;
        s.depreciation_usd += r.depreciation_usd;
        s.tax_usd += r.tax_usd;
        s.npv_after_tax_usd = r.npv_after_tax_usd;
        s.btc_sold += r.btc_sold;
        s.btc_held = r.btc_held;
        s.treasury_value_usd = r.treasury_value_usd;
        s.realized_cash_usd = r.cumulative_cash_usd;
        s.expected_blocks += r.expected_blocks;
        // Capex that puts the fleet back under water (a later deployment) starts a new payback.
        if r.capex_usd > 0.0 && r.cumulative_net_usd < 0.0 {
            s.payback_date = None;
        }
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
        finish_summary(s);
        if self.halving_seen {
            s.margin_before_halving_usd_per_day = mean(self.before.iter().map(|p| p.0));
            s.hashprice_before_halving_usd_per_ph_day = mean(self.before.iter().map(|p| p.1));
            s.margin_after_halving_usd_per_day = mean(self.after.iter().map(|p| p.0));
            s.hashprice_after_halving_usd_per_ph_day = mean(self.after.iter().map(|p| p.1));
        }
        self.s
    }
}

/// The fields a summary derives from its totals: ROI, EBITDA, operating income, the solo odds.
pub(crate) fn finish_summary(s: &mut Summary) {
    if s.capex_usd > 0.0 {
        s.roi_pct = Some(s.net_usd / s.capex_usd * 100.0);
    }
    s.ebitda_usd = s.margin_usd;
    s.operating_income_usd = s.margin_usd - s.depreciation_usd;
    // Blocks arrive as a Poisson process with the expected count over the horizon.
    s.block_probability_pct = -(-s.expected_blocks).exp_m1() * 100.0;
    s.expected_days_to_block =
        (s.expected_blocks > 0.0).then(|| f64::from(s.days) / s.expected_blocks);
}

/// Runs a scenario and returns only its summary (no rows kept). A plain fleet
/// ([`LeanFleet::of`]) runs in the lean lane: the chain walked into arrays, then the tight
/// loop; any other fleet through the books, day by day.
pub fn summarize(s: &Scenario) -> Result<Summary, Error> {
    s.validate()?;
    if let Some(lean) = LeanFleet::of(&s.fleet, s.start()) {
        let mut chain = LeanChain::with_capacity(horizon_days_hint(s));
        walk(s, s.drivers.clone(), |net, _| {
            chain.push(&net);
            Ok(())
        })?;
        if let Some(summary) = lean.summarize(&chain) {
            return Ok(summary);
        }
    }
    summarize_general(s)
}

/// [`summarize`] through the books, whatever the fleet (the reference the lean lane is
/// tested against).
pub fn summarize_general(s: &Scenario) -> Result<Summary, Error> {
    s.validate()?;
    let mut b = SummaryBuilder::new();
    run_days(s, s.drivers.clone(), |net, row| {
        b.push(net, row);
        Ok(())
    })?;
    Ok(b.finish())
}

/// [`summarize`] on days walked before: the same summary when `path` was walked from the
/// scenario's own network and horizon ([`ChainPath::new`]), without walking it again.
pub fn summarize_on(s: &Scenario, path: &ChainPath) -> Result<Summary, Error> {
    s.validate()?;
    if let Some(lean) = LeanFleet::of(&s.fleet, s.start()) {
        if let Some(summary) = lean.summarize(path.lean()) {
            return Ok(summary);
        }
    }
    summarize_on_general(s, path)
}

/// [`summarize_on`] through the books, whatever the fleet.
pub fn summarize_on_general(s: &Scenario, path: &ChainPath) -> Result<Summary, Error> {
    s.validate()?;
    let mut b = SummaryBuilder::new();
    let mut books = Books::new(&s.fleet);
    let n = path.days.len();
    // The same arithmetic as run_days, in the same order, without building rows.
    for (i, net) in path.days.iter().enumerate() {
        let day = books.day(net, i + 1 == n);
        b.add(net, &SummaryDay::of_books(net, &day));
    }
    Ok(b.finish())
}

#[cfg(test)]
mod shared_path_tests {
    use super::*;
    use crate::model::fleet::{Curtail, Fleet, FleetGroup};
    use crate::model::network::Snapshot;
    use crate::model::projection::{Growth, Horizon};

    /// Fleets that differ in every fleet-side parameter, on one network path: the summary on
    /// the shared walk equals the summary of a walk of its own, to the last bit.
    #[test]
    fn a_shared_walk_gives_the_same_summaries() {
        let net = Snapshot::embedded().state();
        let growth = Growth {
            hashrate: 0.25,
            fees: 0.05,
            price: 0.2,
        };
        let horizon = Horizon::Halving {
            height: 1_050_000,
            after_days: 400,
        };
        let base = Scenario::with_growth(
            net.clone(),
            growth,
            Fleet::single(FleetGroup::new(1000.0, 15.0, 0.05)),
            horizon,
        );
        let path = ChainPath::new(&base).unwrap();
        let mut n = 0;
        for (i, power_cost) in [0.0, 0.02, 0.045, 0.07, 0.12].into_iter().enumerate() {
            for efficiency in [9.5, 15.0, 21.5, 34.0] {
                for (curtail, discount, capex) in
                    [(false, 0.0, 0.0), (true, 0.1, 5e5), (true, -0.05, 2e6)]
                {
                    let mut g = FleetGroup::new(500.0 + 97.0 * i as f64, efficiency, power_cost);
                    g.uptime = 0.93;
                    g.pool_fee = 0.02;
                    let fleet = Fleet {
                        groups: vec![g, FleetGroup::new(250.0, 30.0, 0.03)],
                        curtail: Curtail {
                            shutdown: curtail,
                            peak_hours: if curtail { 4.0 } else { 0.0 },
                            peak_power_cost_usd_per_kwh: curtail.then_some(0.2),
                            idle_peak: curtail,
                        },
                        capex_usd: capex,
                        opex_usd_per_day: 12.5,
                        discount_rate: discount,
                        ..Fleet::default()
                    };
                    let s = Scenario {
                        fleet,
                        ..base.clone()
                    };
                    assert_eq!(summarize(&s).unwrap(), summarize_on(&s, &path).unwrap());
                    n += 1;
                }
            }
        }
        assert_eq!(n, 60);
    }
}
