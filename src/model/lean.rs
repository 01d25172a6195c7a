//! The lean lane: a chain's days as plain arrays ([`LeanChain`]), and a tight per-day loop
//! that runs a plain fleet ([`LeanFleet`]) over them to the same [`Summary`] as the books.
//!
//! A plain fleet is the common case: at most four groups with constant figures (no wear or
//! failures, no scheduled energization or retirement, no group depreciation), no curtailment,
//! no tax, no first-day depreciation, and a sell-all or hold treasury. Its daily flows are then
//! a few multiplications of the chain's hashvalue and price by per-group constants, and the
//! books reduce to running sums. The loop does the books' arithmetic in the books' order
//! ([`crate::model::books::Books::day`], [`crate::model::summary::SummaryBuilder`]), so its
//! results equal theirs (a test compares every field over hundreds of random fleets). Any
//! other fleet returns `None` from [`LeanFleet::of`] and takes the general path.

use std::sync::{Arc, Mutex};

use chrono::{Days, NaiveDate, NaiveDateTime};

use crate::model::engine::NetDay;
use crate::model::finance::Discount;
use crate::model::fleet::{Fleet, ShareBasis, Treasury, DAYS_PER_YEAR};
use crate::model::summary::{finish_summary, mean, Summary, HALVING_WINDOW_DAYS};

/// Hours in a day (as [`crate::model::fleet`] counts them).
const HOURS_PER_DAY: f64 = 24.0;

/// Arrays a chain keeps of each kind (discount factors by rate, revenue by group), the oldest
/// dropped first.
const DISCOUNT_CACHE: usize = 8;

/// A chain's days as arrays, structure of arrays: everything a plain fleet needs of a day.
#[derive(Debug, Default)]
pub struct LeanChain {
    /// The first day (the days are consecutive).
    pub start: NaiveDate,
    /// BTC 1 PH/s earns a day (no pool fee, full uptime).
    pub hashvalue_btc_per_ph_day: Vec<f64>,
    /// BTC price, USD.
    pub price_usd: Vec<f64>,
    /// Network hashrate, H/s.
    pub hashrate_hs: Vec<f64>,
    /// Expected network blocks.
    pub blocks: Vec<f64>,
    /// The first halving day: its index, the halving's height and instant.
    pub halving: Option<(usize, u64, NaiveDateTime)>,
    /// False when the days were not consecutive (the lane then declines the chain).
    consecutive: bool,
    discounts: Mutex<Vec<(u64, Arc<[f64]>)>>,
    revenues: Mutex<Vec<(RevenueKey, Arc<Revenue>)>>,
}

/// A group's hashrate and 1 - pool fee, as bits.
type RevenueKey = (u64, u64);

/// One group's revenue side on a chain: what depends on its hashrate and pool fee only.
#[derive(Debug)]
struct Revenue {
    /// Each day's revenue, USD.
    revenue_usd: Vec<f64>,
    /// The sums over the days, in order, as the summary adds them.
    btc_mined: f64,
    total_revenue_usd: f64,
    expected_blocks: f64,
}

impl Clone for LeanChain {
    fn clone(&self) -> LeanChain {
        LeanChain {
            start: self.start,
            hashvalue_btc_per_ph_day: self.hashvalue_btc_per_ph_day.clone(),
            price_usd: self.price_usd.clone(),
            hashrate_hs: self.hashrate_hs.clone(),
            blocks: self.blocks.clone(),
            halving: self.halving,
            consecutive: self.consecutive,
            discounts: Mutex::new(Vec::new()),
            revenues: Mutex::new(Vec::new()),
        }
    }
}

impl LeanChain {
    /// An empty chain with room for `days` days.
    pub fn with_capacity(days: usize) -> LeanChain {
        LeanChain {
            hashvalue_btc_per_ph_day: Vec::with_capacity(days),
            price_usd: Vec::with_capacity(days),
            hashrate_hs: Vec::with_capacity(days),
            blocks: Vec::with_capacity(days),
            consecutive: true,
            ..LeanChain::default()
        }
    }

    /// The arrays of days walked before.
    pub fn of_days<'a>(days: impl IntoIterator<Item = &'a NetDay>) -> LeanChain {
        let days = days.into_iter();
        let mut c = LeanChain::with_capacity(days.size_hint().0);
        for d in days {
            c.push(d);
        }
        c
    }

    /// Appends the next day.
    pub fn push(&mut self, net: &NetDay) {
        let i = self.len();
        if i == 0 {
            self.start = net.date;
        } else if self.start.checked_add_days(Days::new(i as u64)) != Some(net.date) {
            self.consecutive = false;
        }
        if self.halving.is_none() {
            if let Some((h, at)) = net.halving {
                self.halving = Some((i, h, at));
            }
        }
        self.hashvalue_btc_per_ph_day
            .push(net.hashvalue_btc_per_ph_day);
        self.price_usd.push(net.price_usd);
        self.hashrate_hs.push(net.hashrate_hs);
        self.blocks.push(net.blocks);
    }

    /// True when the days are consecutive (the lean loop takes only such chains).
    pub fn is_consecutive(&self) -> bool {
        self.consecutive
    }

    /// Days in the chain.
    pub fn len(&self) -> usize {
        self.price_usd.len()
    }

    /// True for a chain of no days.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Day `i`'s date.
    pub fn date(&self, i: usize) -> NaiveDate {
        self.start + Days::new(i as u64)
    }

    /// The discount factors of days `0..len` at `rate` ([`Discount::factor`]), computed once
    /// per rate and kept.
    pub fn discount_factors(&self, rate: f64) -> Arc<[f64]> {
        let key = rate.to_bits();
        if let Ok(cache) = self.discounts.lock() {
            if let Some((_, f)) = cache.iter().find(|(k, _)| *k == key) {
                return f.clone();
            }
        }
        let f = discount_factors(rate, self.len());
        if let Ok(mut cache) = self.discounts.lock() {
            if cache.len() >= DISCOUNT_CACHE {
                cache.remove(0);
            }
            cache.push((key, f.clone()));
        }
        f
    }
}

impl LeanChain {
    /// The revenue side of group `g` on this chain, computed once per hashrate and pool fee
    /// and kept (the few most recent).
    fn revenue(&self, g: &LeanGroup) -> Arc<Revenue> {
        let key = (g.hashrate_ths.to_bits(), g.keep.to_bits());
        if let Ok(cache) = self.revenues.lock() {
            if let Some((_, r)) = cache.iter().find(|(k, _)| *k == key) {
                return r.clone();
            }
        }
        let n = self.len();
        let mut r = Revenue {
            revenue_usd: Vec::with_capacity(n),
            btc_mined: 0.0,
            total_revenue_usd: 0.0,
            expected_blocks: 0.0,
        };
        let groups = [*g];
        for i in 0..n {
            let d = DayIn {
                hashvalue: self.hashvalue_btc_per_ph_day[i],
                price: self.price_usd[i],
                hashrate: self.hashrate_hs[i],
                blocks: self.blocks[i],
                factor: 1.0,
            };
            let f = LeanFleet::flows::<1, false>(&groups, 0.0, &d);
            r.revenue_usd.push(f.revenue_usd);
            r.btc_mined += f.btc_mined;
            r.total_revenue_usd += f.revenue_usd;
            r.expected_blocks += f.expected_blocks;
        }
        let r = Arc::new(r);
        if let Ok(mut cache) = self.revenues.lock() {
            if cache.len() >= DISCOUNT_CACHE {
                cache.remove(0);
            }
            cache.push((key, r.clone()));
        }
        r
    }
}

/// The discount factors of days `0..n` at `rate` ([`Discount::factor`]).
pub fn discount_factors(rate: f64, n: usize) -> Arc<[f64]> {
    let d = Discount::new(rate);
    (0..n as i64).map(|i| d.factor(i)).collect()
}

/// One group of a plain fleet: its day's figures, constant over the horizon.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct LeanGroup {
    /// Running hashrate, TH/s.
    hashrate_ths: f64,
    /// The same, H/s (for the expected blocks).
    hashrate_hs: f64,
    /// 1 - pool fee.
    keep: f64,
    /// Power cost a day, USD.
    power_cost_usd: f64,
    /// Opex a day, USD.
    opex_usd: f64,
    /// Hosting fees a day, USD.
    hosting_fee_usd: f64,
    /// The host's profit share, 0..=1.
    profit_share: f64,
    /// True: the share is of the margin before it; false: of revenue.
    share_of_margin: bool,
}

/// Most groups the lean loop takes (more take the general path).
const MAX_GROUPS: usize = 4;

/// A plain fleet's constants ([`LeanFleet::of`]).
#[derive(Debug, Clone, PartialEq)]
pub struct LeanFleet {
    groups: Vec<LeanGroup>,
    /// The fleet's own opex a day, USD.
    fleet_opex_usd: f64,
    /// The day's power cost, opex and hosting fees summed as the books sum them, USD.
    day_power_cost_usd: f64,
    day_opex_usd: f64,
    day_hosting_fee_usd: f64,
    /// Power cost + opex + hosting fees a day, USD (the cash costs before the profit share).
    day_fixed_cash_usd: f64,
    /// Capex spent on the first day, USD.
    capex_usd: f64,
    /// Resale on the last day, USD.
    salvage_usd: f64,
    /// Share of each day's BTC sold.
    sell: f64,
    /// The annual discount rate.
    discount_rate: f64,
}

impl LeanFleet {
    /// The fleet's constants when it is plain and its horizon starts on `start`; `None` when
    /// it uses anything the lean loop does not handle.
    pub fn of(fleet: &Fleet, start: NaiveDate) -> Option<LeanFleet> {
        let n = fleet.groups.len();
        if n == 0 || n > MAX_GROUPS {
            return None;
        }
        let c = &fleet.curtail;
        if c.shutdown || c.peak_hours != 0.0 {
            return None;
        }
        if fleet.tax_rate > 0.0 {
            return None;
        }
        let lump = fleet.lump_capex_usd();
        if fleet.depreciation_years > 0.0 && lump > 0.0 {
            return None;
        }
        let sell = match fleet.treasury {
            Treasury::SellAll => 1.0,
            Treasury::Hold(h) => 1.0 - h,
            Treasury::SellToCover => return None,
        };
        let mut groups = Vec::with_capacity(n);
        let (mut power, mut opex, mut hosting) = (0.0, 0.0, 0.0);
        let (mut capex, mut salvage) = (0.0, 0.0);
        for g in &fleet.groups {
            if g.energize.is_some_and(|e| e > start)
                || g.retire.is_some()
                || g.degradation != 0.0
                || g.failure_rate != 0.0
                || (g.installed_on.is_some() && g.depreciation_years > 0.0 && g.capex_usd > 0.0)
            {
                return None;
            }
            // FleetGroup::flows with the machines new (alive = kept = 1), installed all day
            // (online = 1) and running all the hours (running = 1), term for term.
            let running = 1.0 * 1.0;
            let price_hours = g.power_cost_usd_per_kwh * HOURS_PER_DAY * running;
            let on = g.uptime * running;
            let hashrate_ths = g.hashrate_ths * 1.0 * 1.0 * on;
            let power_kw = g.power_kw() * 1.0;
            let units_online = g.units * 1.0 * 1.0;
            let lg = LeanGroup {
                hashrate_ths,
                hashrate_hs: hashrate_ths * 1e12,
                keep: 1.0 - g.pool_fee,
                power_cost_usd: power_kw * g.uptime * price_hours,
                opex_usd: g.opex_usd_per_day * 1.0,
                hosting_fee_usd: if g.hosting_fee_usd_per_month > 0.0 {
                    g.hosting_fee_usd_per_month * 12.0 / DAYS_PER_YEAR * units_online
                } else {
                    0.0
                },
                profit_share: g.profit_share,
                share_of_margin: g.profit_share_basis == ShareBasis::Margin,
            };
            power += lg.power_cost_usd;
            opex += lg.opex_usd;
            hosting += lg.hosting_fee_usd;
            capex += g.capex_usd;
            if g.resale_usd_per_unit > 0.0 {
                salvage += g.resale_on(start);
            }
            groups.push(lg);
        }
        capex += lump;
        let day_opex_usd = opex + fleet.opex_usd_per_day;
        Some(LeanFleet {
            groups,
            fleet_opex_usd: fleet.opex_usd_per_day,
            day_power_cost_usd: power,
            day_opex_usd,
            day_hosting_fee_usd: hosting,
            day_fixed_cash_usd: power + day_opex_usd + hosting,
            capex_usd: capex,
            salvage_usd: salvage,
            sell,
            discount_rate: fleet.discount_rate,
        })
    }

    /// The summary of the fleet over `chain`: [`crate::model::summary::summarize`]'s, from
    /// the arrays. `None` when the chain is not one the loop takes (days not consecutive).
    pub fn summarize(&self, chain: &LeanChain) -> Option<Summary> {
        if !chain.consecutive || chain.is_empty() {
            return None;
        }
        let factors = chain.discount_factors(self.discount_rate);
        let n = chain.len();
        if let Some(acc) = self.run_on_revenue(chain, &factors) {
            return Some(self.summary(chain, &acc));
        }
        // Every array cut to the same length, so the loop indexes them without checks.
        let (hv, price, hashrate, blocks, factor) = (
            &chain.hashvalue_btc_per_ph_day[..n],
            &chain.price_usd[..n],
            &chain.hashrate_hs[..n],
            &chain.blocks[..n],
            &factors[..n],
        );
        let acc = self.run(
            n,
            |i| DayIn {
                hashvalue: hv[i],
                price: price[i],
                hashrate: hashrate[i],
                blocks: blocks[i],
                factor: factor[i],
            },
            |_, _, _| {},
        );
        Some(self.summary(chain, &acc))
    }

    /// The commonest shape (one group, sell-all, no profit share) on the chain's revenue for
    /// the group's hashrate and pool fee, computed once and shared by every fleet that
    /// differs only in costs and finance ([`LeanChain::revenue`]): the day is then its costs
    /// and the books. `None` for other shapes.
    fn run_on_revenue(&self, chain: &LeanChain, factors: &[f64]) -> Option<LeanTotals> {
        let [g] = self.groups.as_slice() else {
            return None;
        };
        if self.sell != 1.0 || g.profit_share != 0.0 {
            return None;
        }
        let r = chain.revenue(g);
        let n = chain.len();
        let (revenue, factor) = (&r.revenue_usd[..n], &factors[..n]);
        let mut t = LeanTotals::default();
        let last = n - 1;
        let capex_pos = self.capex_usd > 0.0;
        t.day_on_revenue::<true>(
            self,
            g,
            0,
            revenue[0],
            factor[0],
            self.capex_usd,
            if last == 0 { self.salvage_usd } else { 0.0 },
            capex_pos,
        );
        for i in 1..last {
            t.day_on_revenue::<false>(self, g, i, revenue[i], factor[i], 0.0, 0.0, capex_pos);
        }
        if last > 0 {
            t.day_on_revenue::<true>(
                self,
                g,
                last,
                revenue[last],
                factor[last],
                0.0,
                self.salvage_usd,
                capex_pos,
            );
        }
        t.days = n;
        t.btc_mined = r.btc_mined;
        t.btc_sold = r.btc_mined;
        t.revenue_usd = r.total_revenue_usd;
        t.expected_blocks = r.expected_blocks;
        Some(t)
    }

    /// Runs the fleet over `n` days whose inputs `input` gives (called once a day, in order),
    /// handing each day's inputs and outcome to `each`.
    #[inline]
    pub fn run<I, F>(&self, n: usize, input: I, each: F) -> LeanTotals
    where
        I: FnMut(usize) -> DayIn,
        F: FnMut(usize, &DayIn, &DayOut),
    {
        self.run_shape::<true, I, F>(n, input, each)
    }

    /// [`LeanFleet::run`] for a caller that reads only the days' outcomes ([`DayOut`], the
    /// same to the bit): the books' cash, NPV and treasury and the summary's sums are left
    /// out, so the day is its flows and the cumulative margin.
    #[inline]
    pub fn run_outcomes<I, F>(&self, n: usize, input: I, each: F)
    where
        I: FnMut(usize) -> DayIn,
        F: FnMut(usize, &DayIn, &DayOut),
    {
        self.run_shape::<false, I, F>(n, input, each);
    }

    #[inline]
    fn run_shape<const SUMS: bool, I, F>(&self, n: usize, input: I, each: F) -> LeanTotals
    where
        I: FnMut(usize) -> DayIn,
        F: FnMut(usize, &DayIn, &DayOut),
    {
        // One loop for each shape, so the day has no branch on what the fleet lacks.
        let sell_all = self.sell == 1.0;
        let share = self.groups.iter().any(|g| g.profit_share != 0.0);
        macro_rules! shapes {
            ($n:literal) => {
                match (sell_all, share) {
                    (true, false) => self.run_n::<$n, true, false, SUMS, I, F>(n, input, each),
                    (true, true) => self.run_n::<$n, true, true, SUMS, I, F>(n, input, each),
                    (false, false) => self.run_n::<$n, false, false, SUMS, I, F>(n, input, each),
                    (false, true) => self.run_n::<$n, false, true, SUMS, I, F>(n, input, each),
                }
            };
        }
        match self.groups.len() {
            1 => shapes!(1),
            2 => shapes!(2),
            3 => shapes!(3),
            _ => shapes!(4),
        }
    }

    fn run_n<const N: usize, const SELL_ALL: bool, const SHARE: bool, const SUMS: bool, I, F>(
        &self,
        n: usize,
        mut input: I,
        mut each: F,
    ) -> LeanTotals
    where
        I: FnMut(usize) -> DayIn,
        F: FnMut(usize, &DayIn, &DayOut),
    {
        let groups: &[LeanGroup; N] = match self.groups.as_slice().try_into() {
            Ok(g) => g,
            Err(_) => return LeanTotals::default(),
        };
        let mut t = LeanTotals::default();
        if n == 0 {
            return t;
        }
        let last = n - 1;
        // Day 0 spends the capex (and, as the last day too, gets the resale).
        let d = input(0);
        let o = t.day::<N, true, SELL_ALL, SHARE, SUMS>(
            self,
            groups,
            0,
            &d,
            self.capex_usd,
            if last == 0 { self.salvage_usd } else { 0.0 },
        );
        each(0, &d, &o);
        for i in 1..last {
            let d = input(i);
            let o = t.day::<N, false, SELL_ALL, SHARE, SUMS>(self, groups, i, &d, 0.0, 0.0);
            each(i, &d, &o);
        }
        if last > 0 {
            let d = input(last);
            let o = t.day::<N, true, SELL_ALL, SHARE, SUMS>(
                self,
                groups,
                last,
                &d,
                0.0,
                self.salvage_usd,
            );
            each(last, &d, &o);
        }
        t.days = n;
        if SELL_ALL && SUMS {
            // Every BTC sold the day it is mined: the same sum, added in the same order.
            t.btc_sold = t.btc_mined;
        }
        t
    }

    /// The fleet's flows on one day (the books' `GroupDay` sums, `margin_usd` after the
    /// fleet's own opex). `SHARE`: some group pays a profit share.
    #[inline(always)]
    fn flows<const N: usize, const SHARE: bool>(
        groups: &[LeanGroup; N],
        fleet_opex: f64,
        d: &DayIn,
    ) -> Flows {
        // The books add each group's flows to zero. Every flow here is +0 or more when zero
        // (hashvalue, hashrate, price and costs are never negative), so starting from -0,
        // which adds to nothing, gives the same sums with the first addition gone.
        let mut f = Flows {
            btc_mined: -0.0,
            revenue_usd: -0.0,
            profit_share_usd: -0.0,
            margin_usd: -0.0,
            expected_blocks: -0.0,
        };
        for g in groups {
            let btc = d.hashvalue * g.hashrate_ths / 1000.0 * g.keep;
            let revenue = btc * d.price;
            let base = revenue - g.power_cost_usd - g.opex_usd - g.hosting_fee_usd;
            let margin = if SHARE {
                let share = g.profit_share
                    * if g.share_of_margin {
                        (revenue - g.power_cost_usd - g.hosting_fee_usd).max(0.0)
                    } else {
                        revenue
                    };
                f.profit_share_usd += share;
                base - share
            } else {
                // No share: `- 0.0` changes nothing.
                base
            };
            f.btc_mined += btc;
            f.revenue_usd += revenue;
            f.margin_usd += margin;
            f.expected_blocks += if d.hashrate > 0.0 {
                g.hashrate_hs / d.hashrate * d.blocks
            } else {
                0.0
            };
        }
        f.margin_usd -= fleet_opex;
        f
    }

    /// The fleet's margin on a day, USD.
    fn margin_on(&self, d: &DayIn) -> f64 {
        let mut margin = -0.0;
        for g in &self.groups {
            margin += Self::flows::<1, true>(&[*g], 0.0, d).margin_usd;
        }
        margin - self.fleet_opex_usd
    }

    /// The annual discount rate of the fleet's NPV.
    pub fn discount_rate(&self) -> f64 {
        self.discount_rate
    }

    /// The summary from the totals of a run over `chain`.
    fn summary(&self, chain: &LeanChain, t: &LeanTotals) -> Summary {
        let n = t.days;
        let last = n - 1;
        let mut s = Summary {
            start: Some(chain.start),
            end: Some(chain.date(last)),
            days: n as u32,
            btc_mined: t.btc_mined,
            revenue_usd: t.revenue_usd,
            power_cost_usd: t.power_cost_usd,
            opex_usd: t.opex_usd,
            margin_usd: t.cumulative_margin_usd,
            capex_usd: t.capex_usd,
            net_usd: t.cumulative_net_usd,
            npv_usd: t.npv_usd,
            payback_date: t.payback_day.map(|i| chain.date(i)),
            first_negative_margin_date: t.first_negative_margin_day.map(|i| chain.date(i)),
            hosting_fee_usd: t.hosting_fee_usd,
            profit_share_usd: t.profit_share_usd,
            salvage_usd: t.salvage_usd,
            depreciation_usd: 0.0,
            tax_usd: 0.0,
            npv_after_tax_usd: t.npv_usd,
            btc_sold: t.btc_sold,
            btc_held: t.btc_held,
            treasury_value_usd: t.btc_held * chain.price_usd[last],
            realized_cash_usd: t.cumulative_cash_usd,
            expected_blocks: t.expected_blocks,
            ..Summary::default()
        };
        let mut windows = None;
        if let Some((h, height, at)) = chain.halving {
            s.halving_height = Some(height);
            s.halving_at = Some(at);
            let factors = chain.discount_factors(self.discount_rate);
            let point = |i: usize| {
                let d = DayIn {
                    hashvalue: chain.hashvalue_btc_per_ph_day[i],
                    price: chain.price_usd[i],
                    hashrate: chain.hashrate_hs[i],
                    blocks: chain.blocks[i],
                    factor: factors[i],
                };
                (self.margin_on(&d), d.hashvalue * d.price)
            };
            let before: Vec<(f64, f64)> = (h.saturating_sub(HALVING_WINDOW_DAYS)..h)
                .map(point)
                .collect();
            let after: Vec<(f64, f64)> = (h + 1..n.min(h + 1 + HALVING_WINDOW_DAYS))
                .map(point)
                .collect();
            windows = Some((before, after));
        }
        finish_summary(&mut s);
        if let Some((before, after)) = windows {
            s.margin_before_halving_usd_per_day = mean(before.iter().map(|p| p.0));
            s.hashprice_before_halving_usd_per_ph_day = mean(before.iter().map(|p| p.1));
            s.margin_after_halving_usd_per_day = mean(after.iter().map(|p| p.0));
            s.hashprice_after_halving_usd_per_ph_day = mean(after.iter().map(|p| p.1));
        }
        s
    }
}

/// One day's inputs to the lean loop.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DayIn {
    /// BTC 1 PH/s earns, no pool fee.
    pub hashvalue: f64,
    /// BTC price, USD.
    pub price: f64,
    /// Network hashrate, H/s.
    pub hashrate: f64,
    /// Network blocks.
    pub blocks: f64,
    /// The day's discount factor.
    pub factor: f64,
}

/// One day's outcome in the lean loop.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DayOut {
    /// The fleet's margin, USD.
    pub margin_usd: f64,
    /// Margin since the start, USD.
    pub cumulative_margin_usd: f64,
    /// Cumulative margin less capex plus resale, USD.
    pub cumulative_net_usd: f64,
    /// Capex spent this day, USD.
    pub capex_usd: f64,
}

#[derive(Debug, Clone, Copy, Default)]
struct Flows {
    btc_mined: f64,
    revenue_usd: f64,
    profit_share_usd: f64,
    margin_usd: f64,
    expected_blocks: f64,
}

/// The running totals of a lean run.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LeanTotals {
    /// Days run.
    pub days: usize,
    /// BTC mined.
    pub btc_mined: f64,
    /// Revenue, USD.
    pub revenue_usd: f64,
    /// Power cost, USD.
    pub power_cost_usd: f64,
    /// Opex, USD.
    pub opex_usd: f64,
    /// Hosting fees, USD.
    pub hosting_fee_usd: f64,
    /// Profit share, USD.
    pub profit_share_usd: f64,
    /// Capex, USD.
    pub capex_usd: f64,
    /// Resale, USD.
    pub salvage_usd: f64,
    /// BTC sold.
    pub btc_sold: f64,
    /// BTC held.
    pub btc_held: f64,
    /// Cash since the start, USD.
    pub cumulative_cash_usd: f64,
    /// Margin since the start, USD.
    pub cumulative_margin_usd: f64,
    /// Margin less capex plus resale, USD.
    pub cumulative_net_usd: f64,
    /// NPV, USD.
    pub npv_usd: f64,
    /// Expected blocks.
    pub expected_blocks: f64,
    /// The payback day (index).
    pub payback_day: Option<usize>,
    /// The first day with a negative margin (index).
    pub first_negative_margin_day: Option<usize>,
}

impl LeanTotals {
    /// [`LeanTotals::day`] for one group, sold as mined, without a profit share, on the day's
    /// revenue computed before: the same arithmetic, the revenue side (and its sums) aside.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn day_on_revenue<const EDGE: bool>(
        &mut self,
        fleet: &LeanFleet,
        g: &LeanGroup,
        i: usize,
        revenue: f64,
        factor: f64,
        capex: f64,
        salvage: f64,
        capex_pos: bool,
    ) {
        let margin =
            revenue - g.power_cost_usd - g.opex_usd - g.hosting_fee_usd - fleet.fleet_opex_usd;
        self.cumulative_margin_usd += margin;
        // Sold as mined by one group: BTC sold x price is the revenue.
        if EDGE {
            self.cumulative_cash_usd += revenue - fleet.day_fixed_cash_usd - capex + salvage;
            self.capex_usd += capex;
            self.salvage_usd += salvage;
            self.npv_usd += (margin - capex + salvage) * factor;
        } else {
            self.cumulative_cash_usd += revenue - fleet.day_fixed_cash_usd;
            self.npv_usd += margin * factor;
        }
        self.cumulative_net_usd = self.cumulative_margin_usd - self.capex_usd + self.salvage_usd;
        self.power_cost_usd += fleet.day_power_cost_usd;
        self.opex_usd += fleet.day_opex_usd;
        self.hosting_fee_usd += fleet.day_hosting_fee_usd;
        if EDGE && capex > 0.0 && self.cumulative_net_usd < 0.0 {
            self.payback_day = None;
        }
        if capex_pos && self.payback_day.is_none() && self.cumulative_net_usd >= 0.0 {
            self.payback_day = Some(i);
        }
        if self.first_negative_margin_day.is_none() && margin < 0.0 {
            self.first_negative_margin_day = Some(i);
        }
    }

    /// One day of the books ([`crate::model::books::Books::day`]) and of the summary
    /// ([`crate::model::summary::SummaryBuilder::add`]) for a plain fleet. `EDGE`: a day
    /// that may spend capex or get resale (the first and the last).
    ///
    /// Without `SUMS` only what the day's [`DayOut`] depends on is kept (the cumulative margin,
    /// capex and resale): the same operations on those, none of the rest (cash, NPV, treasury,
    /// the summary's sums, payback and first negative day stay at zero).
    #[inline(always)]
    fn day<
        const N: usize,
        const EDGE: bool,
        const SELL_ALL: bool,
        const SHARE: bool,
        const SUMS: bool,
    >(
        &mut self,
        fleet: &LeanFleet,
        groups: &[LeanGroup; N],
        i: usize,
        d: &DayIn,
        capex: f64,
        salvage: f64,
    ) -> DayOut {
        let f = LeanFleet::flows::<N, SHARE>(groups, fleet.fleet_opex_usd, d);
        let margin = f.margin_usd;
        if !SUMS {
            self.cumulative_margin_usd += margin;
            if EDGE {
                self.capex_usd += capex;
                self.salvage_usd += salvage;
            }
            self.cumulative_net_usd =
                self.cumulative_margin_usd - self.capex_usd + self.salvage_usd;
            return DayOut {
                margin_usd: margin,
                cumulative_margin_usd: self.cumulative_margin_usd,
                cumulative_net_usd: self.cumulative_net_usd,
                capex_usd: capex,
            };
        }
        let mined = f.btc_mined;
        // The books: treasury, cash, cumulative margin and net, NPV (tax 0, depreciation 0).
        let cash_costs = if SHARE {
            fleet.day_fixed_cash_usd + f.profit_share_usd
        } else {
            fleet.day_fixed_cash_usd
        };
        let sold = if SELL_ALL {
            // Nothing held: (held + mined - mined).max(0) stays 0.
            mined
        } else {
            let sold = mined * fleet.sell;
            self.btc_held = (self.btc_held + mined - sold).max(0.0);
            sold
        };
        self.cumulative_margin_usd += margin;
        if EDGE {
            let cash_flow = sold * d.price - cash_costs - capex + salvage;
            self.cumulative_cash_usd += cash_flow;
            self.capex_usd += capex;
            self.salvage_usd += salvage;
            self.cumulative_net_usd =
                self.cumulative_margin_usd - self.capex_usd + self.salvage_usd;
            self.npv_usd += (margin - capex + salvage) * d.factor;
        } else {
            self.cumulative_cash_usd += sold * d.price - cash_costs;
            self.cumulative_net_usd =
                self.cumulative_margin_usd - self.capex_usd + self.salvage_usd;
            self.npv_usd += margin * d.factor;
        }
        // The summary's sums.
        self.btc_mined += mined;
        self.revenue_usd += f.revenue_usd;
        self.power_cost_usd += fleet.day_power_cost_usd;
        self.opex_usd += fleet.day_opex_usd;
        self.hosting_fee_usd += fleet.day_hosting_fee_usd;
        if SHARE {
            self.profit_share_usd += f.profit_share_usd;
        }
        if !SELL_ALL {
            self.btc_sold += sold;
        }
        self.expected_blocks += f.expected_blocks;
        if EDGE && capex > 0.0 && self.cumulative_net_usd < 0.0 {
            self.payback_day = None;
        }
        if self.payback_day.is_none() && self.capex_usd > 0.0 && self.cumulative_net_usd >= 0.0 {
            self.payback_day = Some(i);
        }
        if self.first_negative_margin_day.is_none() && margin < 0.0 {
            self.first_negative_margin_day = Some(i);
        }
        DayOut {
            margin_usd: margin,
            cumulative_margin_usd: self.cumulative_margin_usd,
            cumulative_net_usd: self.cumulative_net_usd,
            capex_usd: capex,
        }
    }
}

/// A seeded generator of scenarios for the lane's equivalence tests: random networks,
/// horizons and fleets (one to six groups, pool fees, uptime, opex, hosting fees, profit
/// shares, capex, resale, treasuries, discount rates), some with what only the books handle
/// (curtailment, wear, schedules, tax, depreciation, sell-to-cover).
#[cfg(test)]
pub(crate) mod gen {
    use chrono::Days;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use crate::model::fleet::{Curtail, Fleet, FleetGroup, Retire, ShareBasis, Treasury};
    use crate::model::network::{NetworkState, Snapshot};
    use crate::model::projection::{Growth, Horizon, Scenario};

    /// `plain` half the time, a value drawn from `range` the other half.
    fn half(r: &mut ChaCha8Rng, plain: f64, range: std::ops::Range<f64>) -> f64 {
        if r.gen_bool(0.5) {
            plain
        } else {
            r.gen_range(range)
        }
    }

    /// A random generator seeded with `seed`.
    pub fn rng(seed: u64) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(seed)
    }

    /// A random network state near the embedded one (or near a halving).
    pub fn network(r: &mut ChaCha8Rng) -> NetworkState {
        let mut n = Snapshot::embedded().state();
        n.price_usd *= r.gen_range(0.3..3.0);
        n.fees_btc_per_block = r.gen_range(0.0..0.5);
        if r.gen_bool(0.3) {
            // A few days before the 2028 halving.
            n.height = 1_050_000 - r.gen_range(10..3000);
        }
        n.block_progress = r.gen_range(0.0..0.99);
        n
    }

    /// A random growth.
    pub fn growth(r: &mut ChaCha8Rng) -> Growth {
        Growth {
            hashrate: r.gen_range(-0.3..1.2),
            fees: r.gen_range(-0.2..0.5),
            price: r.gen_range(-0.5..1.0),
        }
    }

    /// A random horizon: days, or through a halving.
    pub fn horizon(r: &mut ChaCha8Rng, net: &NetworkState) -> Horizon {
        match r.gen_range(0..4) {
            0 => Horizon::Days(r.gen_range(1..5)),
            1 => Horizon::Halving {
                height: crate::model::chain::next_halving_height(net.height),
                after_days: r.gen_range(0..200),
            },
            _ => Horizon::Days(r.gen_range(5..1500)),
        }
    }

    /// A random plain group (the lane's), or with `extra` sometimes what only the books take.
    pub fn group(r: &mut ChaCha8Rng, start: chrono::NaiveDate, extra: bool) -> FleetGroup {
        let mut g = FleetGroup::new(
            r.gen_range(0.5..200_000.0),
            r.gen_range(8.0..40.0),
            r.gen_range(0.0..0.15),
        );
        g.uptime = half(r, 1.0, 0.5..1.0);
        g.pool_fee = half(r, 0.0, 0.0..0.04);
        g.opex_usd_per_day = half(r, 0.0, 0.0..500.0);
        g.units = half(r, 0.0, 1.0f64..5000.0).round();
        if r.gen_bool(0.3) {
            g.hosting_fee_usd_per_month = r.gen_range(0.0..80.0);
        }
        if r.gen_bool(0.3) {
            g.profit_share = r.gen_range(0.0..0.3);
            g.profit_share_basis = if r.gen_bool(0.5) {
                ShareBasis::Revenue
            } else {
                ShareBasis::Margin
            };
        }
        if r.gen_bool(0.4) {
            g.capex_usd = r.gen_range(0.0..5e6);
        }
        if r.gen_bool(0.3) {
            g.resale_usd_per_unit = r.gen_range(0.0..2000.0);
        }
        if r.gen_bool(0.2) {
            // On or before the start: a plain group still.
            g.energize = Some(start - Days::new(r.gen_range(0..30)));
            g.installed_on = g.energize;
        }
        if extra && r.gen_bool(0.3) {
            match r.gen_range(0..5) {
                0 => {
                    g.energize = Some(start + Days::new(r.gen_range(1..60)));
                    g.installed_on = g.energize;
                }
                1 => g.retire = Some(Retire::Date(start + Days::new(r.gen_range(61..400)))),
                2 => g.degradation = r.gen_range(0.0..0.2),
                3 => g.failure_rate = r.gen_range(0.0..0.1),
                _ => {
                    g.installed_on = Some(start);
                    g.capex_usd = r.gen_range(1.0..5e6);
                    g.depreciation_years = r.gen_range(1.0..5.0);
                }
            }
        }
        g
    }

    /// A random fleet starting on `start`.
    pub fn fleet(r: &mut ChaCha8Rng, start: chrono::NaiveDate) -> Fleet {
        let extra = r.gen_bool(0.3);
        let n = if r.gen_bool(0.6) {
            1
        } else {
            r.gen_range(2..=6)
        };
        let groups: Vec<FleetGroup> = (0..n).map(|_| group(r, start, extra)).collect();
        let own: f64 = groups.iter().map(|g| g.capex_usd).sum();
        let mut f = Fleet {
            groups,
            capex_usd: if r.gen_bool(0.5) {
                own
            } else {
                own + r.gen_range(0.0..3e6)
            },
            opex_usd_per_day: half(r, 0.0, 0.0..2000.0),
            discount_rate: match r.gen_range(0..3) {
                0 => 0.0,
                1 => r.gen_range(0.0..0.3),
                _ => r.gen_range(-0.2..0.0),
            },
            treasury: match r.gen_range(0..4) {
                0 => Treasury::Hold(r.gen_range(0.0..1.0)),
                _ => Treasury::SellAll,
            },
            ..Fleet::default()
        };
        if extra {
            match r.gen_range(0..5) {
                0 => {
                    f.curtail = Curtail {
                        shutdown: r.gen_bool(0.5),
                        peak_hours: r.gen_range(0.0..8.0),
                        peak_power_cost_usd_per_kwh: Some(r.gen_range(0.0..0.3)),
                        idle_peak: r.gen_bool(0.5),
                    }
                }
                1 => f.tax_rate = r.gen_range(0.0..0.4),
                2 => f.treasury = Treasury::SellToCover,
                3 => f.depreciation_years = r.gen_range(1.0..5.0),
                _ => {}
            }
        }
        f
    }

    /// A whole random scenario.
    pub fn scenario(r: &mut ChaCha8Rng) -> Scenario {
        let net = network(r);
        let horizon = horizon(r, &net);
        let g = growth(r);
        let fleet = fleet(r, net.date);
        Scenario::with_growth(net, g, fleet, horizon)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::projection::ChainPath;
    use crate::model::summary::{summarize, summarize_general, summarize_on, summarize_on_general};

    /// Every field of two summaries, as their CSV/JSON columns: dates and options exactly,
    /// numbers to 1e-12 relative.
    pub(crate) fn assert_same(a: &Summary, b: &Summary, what: &str) {
        let (va, vb) = (
            serde_json::to_value(a).unwrap(),
            serde_json::to_value(b).unwrap(),
        );
        let (oa, ob) = (va.as_object().unwrap(), vb.as_object().unwrap());
        assert_eq!(oa.len(), ob.len());
        for (k, x) in oa {
            let y = &ob[k];
            match (x.as_f64(), y.as_f64()) {
                (Some(p), Some(q)) => assert!(
                    p == q || (p - q).abs() <= 1e-12 * p.abs().max(q.abs()),
                    "{what}: {k}: {p} vs {q}"
                ),
                _ => assert_eq!(x, y, "{what}: {k}"),
            }
        }
    }

    /// Hundreds of random scenarios: the lean lane's summary equals the books' in every field,
    /// walked per scenario and on a shared walk, and most of the plain ones take the lane.
    #[test]
    fn the_lean_lane_equals_the_books() {
        let mut r = gen::rng(13);
        let (mut lean, mut general, mut bit_identical) = (0, 0, 0);
        for k in 0..400 {
            let s = gen::scenario(&mut r);
            let what = format!("scenario {k}: {:?} {:?}", s.horizon, s.fleet);
            let reference = summarize_general(&s).unwrap();
            let got = summarize(&s).unwrap();
            assert_same(&got, &reference, &what);
            let path = ChainPath::new(&s).unwrap();
            assert_same(&summarize_on(&s, &path).unwrap(), &reference, &what);
            assert_eq!(summarize_on_general(&s, &path).unwrap(), reference);
            if LeanFleet::of(&s.fleet, s.start()).is_some() {
                lean += 1;
                bit_identical += usize::from(got == reference);
            } else {
                general += 1;
            }
        }
        assert!(
            lean >= 200 && general >= 50,
            "{lean} lean, {general} general"
        );
        // The lane does the books' arithmetic in their order: equal to the bit, not just close.
        assert_eq!(bit_identical, lean);
    }

    #[test]
    fn what_the_lane_declines() {
        let start = crate::test_util::d("2027-01-01");
        let plain = crate::test_util::fleet();
        assert!(LeanFleet::of(&plain, start).is_some());
        let with = |f: &dyn Fn(&mut Fleet)| {
            let mut x = plain.clone();
            f(&mut x);
            LeanFleet::of(&x, start)
        };
        assert!(with(&|f| f.tax_rate = 0.2).is_none());
        assert!(with(&|f| f.treasury = Treasury::SellToCover).is_none());
        assert!(with(&|f| f.curtail.shutdown = true).is_none());
        assert!(with(&|f| f.curtail.peak_hours = 2.0).is_none());
        assert!(with(&|f| f.groups[0].degradation = 0.05).is_none());
        assert!(with(&|f| f.groups[0].energize = Some(start + Days::new(1))).is_none());
        assert!(with(&|f| f.groups[0].energize = Some(start)).is_some());
        assert!(with(&|f| f.groups = vec![f.groups[0].clone(); 5]).is_none());
        assert!(with(&|f| f.treasury = Treasury::Hold(0.5)).is_some());
    }
}
