//! A fleet's books as its days stream past: capex when it is spent, resale when machines go,
//! depreciation, EBITDA and operating income, tax, what is sold and held, cash and NPV.
//!
//! The one place the model turns a fleet's daily flows ([`GroupDay`]) into money over time:
//! projections, summaries, the shared-chain sweep and the per-group rows all go through
//! [`Books::day`].

use chrono::NaiveDate;

use crate::model::engine::NetDay;
use crate::model::finance::Discount;
use crate::model::fleet::{Fleet, FleetGroup, GroupDay, Treasury, DAYS_PER_YEAR};

/// One day of a fleet's books: the day's flows and the running totals after it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BookDay {
    /// The day's flows (hashrate, BTC, revenue, costs, margin, blocks, depreciation).
    pub flows: GroupDay,
    /// Capex spent this day, USD.
    pub capex_usd: f64,
    /// Resale of machines that stop this day (or still run on the last day), USD.
    pub salvage_usd: f64,
    /// Straight-line depreciation, USD (the groups' and the first-day lump's).
    pub depreciation_usd: f64,
    /// EBITDA: the margin (revenue less every cash operating cost), USD.
    pub ebitda_usd: f64,
    /// EBITDA less depreciation, USD.
    pub operating_income_usd: f64,
    /// Tax due on the operating income to date beyond what was paid (losses carried
    /// forward), USD.
    pub tax_usd: f64,
    /// BTC sold this day.
    pub btc_sold: f64,
    /// BTC held at the end of the day.
    pub btc_held: f64,
    /// The holdings at the day's price, USD.
    pub treasury_value_usd: f64,
    /// Cash in less cash out: BTC sold at the day's price, less cash costs, tax and capex,
    /// plus resale, USD.
    pub cash_flow_usd: f64,
    /// Cash flow since the start, USD.
    pub cumulative_cash_usd: f64,
    /// BTC mined since the start.
    pub cumulative_btc: f64,
    /// Margin since the start, USD.
    pub cumulative_margin_usd: f64,
    /// Cumulative margin less capex spent plus resale, USD.
    pub cumulative_net_usd: f64,
    /// Net present value to the end of the day: discounted margins less capex plus resale, USD.
    pub npv_usd: f64,
    /// As `npv_usd`, after tax, USD.
    pub npv_after_tax_usd: f64,
    /// Capex spent since the start, USD.
    pub cumulative_capex_usd: f64,
    /// Resale received since the start, USD.
    pub cumulative_salvage_usd: f64,
    /// Depreciation since the start, USD.
    pub cumulative_depreciation_usd: f64,
    /// Tax since the start, USD.
    pub cumulative_tax_usd: f64,
    /// Expected blocks found since the start.
    pub cumulative_expected_blocks: f64,
}

/// The running books of a fleet, or of one of its groups.
#[derive(Debug, Clone)]
pub struct Books<'a> {
    fleet: &'a Fleet,
    /// `None`: the whole fleet (with its own opex and first-day lump); `Some(i)`: group i alone.
    group: Option<usize>,
    discount: Discount,
    first_day: Option<NaiveDate>,
    day_index: i64,
    acc: BookDay,
    cum_operating_income: f64,
    cum_tax: f64,
}

impl<'a> Books<'a> {
    /// The books of the whole fleet.
    pub fn new(fleet: &'a Fleet) -> Books<'a> {
        Books::of(fleet, None)
    }

    /// The books of group `i` alone (its own capex, resale, depreciation, tax and treasury).
    pub fn group(fleet: &'a Fleet, i: usize) -> Books<'a> {
        Books::of(fleet, Some(i))
    }

    fn of(fleet: &'a Fleet, group: Option<usize>) -> Books<'a> {
        Books {
            fleet,
            group,
            discount: Discount::new(fleet.discount_rate),
            first_day: None,
            day_index: 0,
            acc: BookDay::default(),
            cum_operating_income: 0.0,
            cum_tax: 0.0,
        }
    }

    fn groups(&self) -> &'a [FleetGroup] {
        match self.group {
            None => &self.fleet.groups,
            Some(i) => std::slice::from_ref(&self.fleet.groups[i]),
        }
    }

    /// Books one more day; `last` marks the horizon's last day (machines still running are
    /// valued at their resale then).
    pub fn day(&mut self, net: &NetDay, last: bool) -> BookDay {
        let fleet = self.fleet;
        let first_day = *self.first_day.get_or_insert(net.date);
        let first = self.day_index == 0;
        let age_days = self.day_index;
        let factor = self.discount.factor(self.day_index);
        self.day_index += 1;
        let mut flows = GroupDay::default();
        let (mut capex, mut salvage) = (0.0, 0.0);
        for g in self.groups() {
            flows.add(&g.day_with(net, &fleet.curtail, 1.0));
            match g.energize {
                Some(e) if e > first_day => {
                    if net.date == e {
                        capex += g.capex_usd;
                    }
                }
                _ => {
                    if first {
                        capex += g.capex_usd;
                    }
                }
            }
            if g.resale_usd_per_unit > 0.0 && (g.retires_on(net) || (last && g.online(net) > 0.0)) {
                salvage += g.resale_on(net.date);
            }
        }
        let mut depreciation = flows.depreciation_usd;
        if self.group.is_none() {
            flows.opex_usd += fleet.opex_usd_per_day;
            flows.margin_usd -= fleet.opex_usd_per_day;
            let lump = fleet.lump_capex_usd();
            if first {
                capex += lump;
            }
            if fleet.depreciation_years > 0.0 && lump > 0.0 {
                let life = fleet.depreciation_years * DAYS_PER_YEAR;
                let book = |d: f64| (d / life).clamp(0.0, 1.0);
                depreciation += lump * (book(age_days as f64 + 1.0) - book(age_days as f64));
            }
        }
        let a = &mut self.acc;
        let margin = flows.margin_usd;
        let operating_income = margin - depreciation;
        self.cum_operating_income += operating_income;
        let tax = if fleet.tax_rate > 0.0 {
            let due = fleet.tax_rate * self.cum_operating_income.max(0.0);
            let t = (due - self.cum_tax).max(0.0);
            self.cum_tax += t;
            t
        } else {
            0.0
        };
        // The treasury: what is sold of the day's BTC (and of the holdings, to cover costs).
        let price = net.price_usd;
        let cash_costs = flows.power_cost_usd
            + flows.opex_usd
            + flows.hosting_fee_usd
            + flows.profit_share_usd
            + tax;
        let mined = flows.btc_mined;
        let sold = match fleet.treasury {
            Treasury::SellAll => mined,
            Treasury::Hold(h) => mined * (1.0 - h),
            Treasury::SellToCover => {
                let need = if price > 0.0 { cash_costs / price } else { 0.0 };
                need.min(mined + a.btc_held).max(0.0)
            }
        };
        a.btc_held = (a.btc_held + mined - sold).max(0.0);
        let cash_flow = sold * price - cash_costs - capex + salvage;
        a.cumulative_cash_usd += cash_flow;
        a.cumulative_btc += mined;
        a.cumulative_margin_usd += margin;
        a.cumulative_capex_usd += capex;
        a.cumulative_depreciation_usd += depreciation;
        a.cumulative_tax_usd += tax;
        a.cumulative_expected_blocks += flows.expected_blocks;
        a.cumulative_salvage_usd += salvage;
        a.cumulative_net_usd =
            a.cumulative_margin_usd - a.cumulative_capex_usd + a.cumulative_salvage_usd;
        a.npv_usd += (margin - capex + salvage) * factor;
        a.npv_after_tax_usd += (margin - capex + salvage - tax) * factor;
        BookDay {
            flows,
            capex_usd: capex,
            salvage_usd: salvage,
            depreciation_usd: depreciation,
            ebitda_usd: margin,
            operating_income_usd: operating_income,
            tax_usd: tax,
            btc_sold: sold,
            treasury_value_usd: a.btc_held * price,
            cash_flow_usd: cash_flow,
            ..*a
        }
    }
}
