//! Keep mining or convert the site to AI/HPC: the cash flows of the two paths, their NPVs, the
//! breakeven lease rate and the BTC price growth at which mining equals converting.
//!
//! The two paths over the same days, from the network's start date:
//!
//! - **Mining**: the fleet runs over the horizon on the projection engine (the same network,
//!   paths and fleet rules as `project`); its cash is the fleet's daily margin, less the
//!   fleet's capex (if any) on day 0. The fleet's own rule decides which days it runs: the
//!   `pivot` command sets the curtailment rule (off on days the hashprice does not cover the
//!   power cost, on again when it does) unless `--always-on` keeps it running at a loss.
//! - **Converting**: for the conversion days the site mines a share of that margin (all of it,
//!   part, or none) and spends the conversion capex (USD per MW of IT, spread evenly over the
//!   conversion days; on day 0 when the conversion takes no time). Then the lease pays
//!   `USD per kW-month x IT kW x 12` a year, 1/365 of it each day, raised by the escalator on each
//!   lease anniversary, times the NOI margin.
//!
//! The horizon is the conversion plus the lease term; neither path has a value after it (no
//! renewal, no resale of machines or buildings). Day `d`'s cash (d = 0 on the start date) is
//! discounted by `(1 + r)^(-d/365)`, as the `project` NPV column is: daily discounting at an
//! annual rate. Rows are model years of 365 days from the start; the last may be shorter.
//!
//! NPV of converting is linear in the lease rate `L`: `A + L * B`, so the breakeven lease is
//! `(NPV mining - A) / B`, exact. The breakeven BTC price growth is found by bisection: the
//! engine's block flow does not depend on the price, so the engine runs once and each trial
//! growth reprices its days (price on day d = start price x (1 + g)^(d/365)) through the fleet's
//! own daily rule (pool fee, uptime, shutdown), from each day's price-free parts worked out once
//! ([`PricedDays`]). Mining's advantage grows with the price, so the
//! root, when there is one in the searched range, is unique.

pub mod risk;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::analyses::sweep::ChainCache;
use crate::error::Error;
use crate::model::engine::NetDay;
use crate::model::finance::Discount;
use crate::model::fleet::{Fleet, PricedDays};
use crate::model::network::{non_negative, positive};
use crate::model::projection::{self, ChainPath, Horizon, Scenario, MAX_DAYS};
use crate::report::num;

/// Days in a model year (the row length, the lease year, the discounting exponent's unit).
pub const DAYS_PER_YEAR: usize = 365;
/// The longest lease term accepted, years.
pub const MAX_LEASE_YEARS: f64 = 50.0;
/// The longest conversion accepted, months.
pub const MAX_CONVERSION_MONTHS: f64 = 120.0;
/// The BTC price growth range searched for the breakeven, % a year.
pub const GROWTH_SEARCH_PCT: (f64, f64) = (-90.0, 500.0);

/// Default gross-to-IT ratio of a converted site: Cipher's Barber Lake lease is 244 MW gross
/// for 168 MW of critical IT (1.45) and its expansion 56 MW gross for 39 MW IT (1.44)
/// (data/hpc_deals.csv).
pub const DEFAULT_PUE: f64 = 1.45;
/// Default site when neither the site nor the fleet is given: 245 MW, the size of Hut 8's
/// River Bend lease to Fluidstack (data/hpc_deals.csv).
pub const DEFAULT_SITE_MW: f64 = 245.0;
/// Default lease term: 15 years (Hut 8 River Bend, Applied Digital, Galaxy Helios, Cipher-AWS).
pub const DEFAULT_LEASE_YEARS: f64 = 15.0;
/// Default NOI margin, %: TeraWulf ~85%, Cipher 80-85% and 85-90% (FACTS.md 6.1).
pub const DEFAULT_NOI_MARGIN_PCT: f64 = 85.0;
/// Default conversion capex, USD per MW of IT: the middle of $8-11M (TeraWulf $8-10M, Cipher
/// $9-11M and $9-10M, Needham $8-10M; FACTS.md 6.2).
pub const DEFAULT_CONVERSION_CAPEX_USD_PER_MW: f64 = 9.5e6;
/// Default conversion time, months: Hut 8 signed River Bend in Dec 2025 for a first hall in
/// Q2 2027 (~18 months).
pub const DEFAULT_CONVERSION_MONTHS: f64 = 18.0;
/// Default discount rate, % a year: an assumption, not a sourced figure.
pub const DEFAULT_DISCOUNT_RATE_PCT: f64 = 10.0;
/// Share of the site that mines during a `partial` conversion, %: halls are converted in
/// phases, so about half the site keeps mining (an assumption).
pub const DEFAULT_PARTIAL_MINING_PCT: f64 = 50.0;

/// The site and the lease case. Percent inputs are fractions here (0.85 = 85%).
#[derive(Debug, Clone, PartialEq)]
pub struct PivotInputs {
    /// Power the site draws (the mining fleet's draw), MW.
    pub site_mw: f64,
    /// Critical IT load the conversion yields, MW.
    pub it_mw: f64,
    /// Lease rate in the first lease year, USD per kW of IT per month.
    pub lease_usd_per_kw_month: f64,
    /// Lease term, years of 365 days.
    pub lease_years: f64,
    /// Annual lease escalator, fraction (0.03 = +3% on each anniversary).
    pub lease_escalator: f64,
    /// Net operating income as a share of rent, 0..=1.
    pub noi_margin: f64,
    /// Conversion capex, USD per MW of IT.
    pub conversion_capex_usd_per_mw: f64,
    /// Conversion time, months (of 365/12 days).
    pub conversion_months: f64,
    /// Share of the mining margin the site earns during the conversion, 0..=1.
    pub mining_share_during_conversion: f64,
    /// Annual discount rate, fraction.
    pub discount_rate: f64,
}

/// The IT load of a site at a PUE (site power / IT power), checked.
pub fn it_mw_from_pue(site_mw: f64, pue: f64) -> Result<f64, Error> {
    positive("--site-mw", site_mw)?;
    if !(pue.is_finite() && pue >= 1.0) {
        return Err(Error::input(format!(
            "--pue must be 1 or more (site power / IT power), got {pue}"
        )));
    }
    Ok(site_mw / pue)
}

impl PivotInputs {
    /// Checks every input; errors name the flag and the value.
    pub fn validate(&self) -> Result<(), Error> {
        positive("--site-mw", self.site_mw)?;
        positive("--it-mw", self.it_mw)?;
        if self.it_mw > self.site_mw * (1.0 + 1e-12) {
            return Err(Error::input(format!(
                "--it-mw {} is above --site-mw {}: a conversion cannot yield more IT load than the site's power",
                self.it_mw, self.site_mw
            )));
        }
        non_negative("--lease-usd-per-kw-month", self.lease_usd_per_kw_month)?;
        if !(self.lease_years.is_finite()
            && self.lease_years > 0.0
            && self.lease_years <= MAX_LEASE_YEARS)
        {
            return Err(Error::input(format!(
                "--lease-years must be more than 0 and at most {MAX_LEASE_YEARS}, got {}",
                self.lease_years
            )));
        }
        if (self.lease_years * DAYS_PER_YEAR as f64).round() < 1.0 {
            return Err(Error::input(format!(
                "--lease-years {} is shorter than a day",
                self.lease_years
            )));
        }
        above_minus_100("--lease-escalator", self.lease_escalator)?;
        percent("--noi-margin", self.noi_margin)?;
        non_negative(
            "--conversion-capex-usd-per-mw",
            self.conversion_capex_usd_per_mw,
        )?;
        if !(self.conversion_months.is_finite()
            && (0.0..=MAX_CONVERSION_MONTHS).contains(&self.conversion_months))
        {
            return Err(Error::input(format!(
                "--conversion-months must be between 0 and {MAX_CONVERSION_MONTHS}, got {}",
                self.conversion_months
            )));
        }
        percent(
            "--mine-during-conversion-pct",
            self.mining_share_during_conversion,
        )?;
        above_minus_100("--discount-rate", self.discount_rate)?;
        Ok(())
    }

    /// Days of the conversion: months x 365/12, rounded.
    pub fn conversion_days(&self) -> usize {
        (self.conversion_months * DAYS_PER_YEAR as f64 / 12.0).round() as usize
    }

    /// Days of the lease: years x 365, rounded.
    pub fn lease_days(&self) -> usize {
        (self.lease_years * DAYS_PER_YEAR as f64).round() as usize
    }

    /// Conversion capex, USD.
    pub fn capex_usd(&self) -> f64 {
        self.conversion_capex_usd_per_mw * self.it_mw
    }

    /// Rent of the first lease year, USD.
    pub fn first_year_rent_usd(&self) -> f64 {
        self.lease_usd_per_kw_month * self.it_mw * 1000.0 * 12.0
    }
}

fn above_minus_100(name: &str, v: f64) -> Result<(), Error> {
    if v.is_finite() && v > -1.0 {
        Ok(())
    } else {
        Err(Error::input(format!(
            "{name} must be above -100 (% a year), got {}",
            v * 100.0
        )))
    }
}

fn percent(name: &str, v: f64) -> Result<(), Error> {
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(Error::input(format!(
            "{name} must be between 0 and 100, got {}",
            v * 100.0
        )))
    }
}

/// Scales every group of the fleet so that its power draw fills `site_mw`.
pub fn fill_site(fleet: &mut Fleet, site_mw: f64) -> Result<(), Error> {
    positive("--site-mw", site_mw)?;
    let kw: f64 = fleet.groups.iter().map(|g| g.power_kw()).sum();
    positive("the fleet's power draw (kW)", kw)?;
    let k = site_mw * 1000.0 / kw;
    for g in &mut fleet.groups {
        g.hashrate_ths *= k;
    }
    Ok(())
}

/// The fleet's power draw, MW.
pub fn fleet_mw(fleet: &Fleet) -> f64 {
    fleet.groups.iter().map(|g| g.power_kw()).sum::<f64>() / 1000.0
}

/// The annual BTC price growth at which mining's NPV equals converting's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GrowthBreakeven {
    /// At this growth, fraction a year.
    At(f64),
    /// Mining is ahead even at the lowest growth searched.
    MiningAheadThroughout,
    /// Converting is ahead even at the highest growth searched.
    ConvertingAheadThroughout,
}

impl GrowthBreakeven {
    /// `found`, `mining_ahead` or `converting_ahead`.
    pub fn status(self) -> &'static str {
        match self {
            GrowthBreakeven::At(_) => "found",
            GrowthBreakeven::MiningAheadThroughout => "mining_ahead",
            GrowthBreakeven::ConvertingAheadThroughout => "converting_ahead",
        }
    }

    /// The growth in % a year, when there is one.
    pub fn pct(self) -> Option<f64> {
        match self {
            GrowthBreakeven::At(g) => Some(g * 100.0),
            _ => None,
        }
    }
}

/// One model year (365 days from the start; the last may be shorter) of both paths. One flat
/// row type for CSV, JSON and NDJSON; cumulative and NPV columns run from the start through
/// the end of the row, so the last row holds the whole horizon's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PivotRow {
    /// Model year, 1 = the first 365 days.
    pub year: u32,
    /// First day of the row (UTC).
    pub start_date: NaiveDate,
    /// Last day of the row (UTC).
    pub end_date: NaiveDate,
    /// Days in the row.
    pub days: u32,
    /// What the converting path does in the row: `conversion`, `lease` or `conversion+lease`.
    pub phase: String,
    /// BTC price, USD (mean of the days).
    pub btc_price_usd: f64,
    /// Hashprice, USD per PH/s per day (mean of the days).
    pub hashprice_usd_per_ph_day: f64,
    /// Network hashrate, EH/s (mean of the days).
    pub network_hashrate_eh_s: f64,
    /// BTC the mining path's fleet mines (after pool fee).
    pub mining_btc: f64,
    /// Mining path: revenue, USD.
    pub mining_revenue_usd: f64,
    /// Mining path: electricity cost, USD.
    pub mining_power_cost_usd: f64,
    /// Mining path: the fleet's capex, spent on day 0 (0 for machines already owned), USD.
    pub mining_capex_usd: f64,
    /// Mining path: cash, the fleet's margin (revenue - power - opex) less its capex, USD.
    pub mining_cash_usd: f64,
    /// Converting path: margin of the mining kept up during the conversion, USD.
    pub convert_mining_cash_usd: f64,
    /// Converting path: conversion capex spent, USD.
    pub convert_capex_usd: f64,
    /// Lease rate in force, USD per kW-month (mean over the lease days; empty before the lease).
    pub lease_usd_per_kw_month: Option<f64>,
    /// Converting path: gross rent, USD.
    pub lease_rent_usd: f64,
    /// Converting path: net operating income of the lease (rent x NOI margin), USD.
    pub lease_noi_usd: f64,
    /// Converting path: cash, mining kept up - capex + lease NOI, USD.
    pub convert_cash_usd: f64,
    /// Mining cash per MW of site power, USD/MW.
    pub mining_cash_usd_per_site_mw: f64,
    /// Converting cash per MW of site power, USD/MW.
    pub convert_cash_usd_per_site_mw: f64,
    /// Mining cash since the start, USD.
    pub cumulative_mining_cash_usd: f64,
    /// Converting cash since the start, USD.
    pub cumulative_convert_cash_usd: f64,
    /// NPV of mining from the start through the end of the row, USD.
    pub npv_mining_usd: f64,
    /// NPV of converting from the start through the end of the row, USD.
    pub npv_convert_usd: f64,
    /// npv_mining_usd - npv_convert_usd: positive when mining is ahead, USD.
    pub npv_difference_usd: f64,
    /// NPV of mining per MW of site power, USD/MW.
    pub npv_mining_usd_per_site_mw: f64,
    /// NPV of converting per MW of site power, USD/MW.
    pub npv_convert_usd_per_site_mw: f64,
    /// First-year lease rate at which converting's NPV through this row equals mining's,
    /// USD per kW-month (empty before any lease day; negative when converting is ahead even
    /// at no rent).
    pub breakeven_lease_usd_per_kw_month: Option<f64>,
    /// Annual BTC price growth at which mining's NPV through this row equals converting's,
    /// % a year (empty when there is none between -90 and 500).
    pub breakeven_price_growth_pct: Option<f64>,
    /// `found`; `mining_ahead` (mining's NPV is higher even at -90% a year); or
    /// `converting_ahead` (lower even at +500% a year).
    pub breakeven_price_growth_status: String,
    /// Halving blocks mined in the row, with their estimated instants (UTC).
    pub events: String,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Pivot {
    /// One row per model year.
    pub rows: Vec<PivotRow>,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Days of the conversion.
    pub conversion_days: usize,
    /// Days of the lease.
    pub lease_days: usize,
    /// NPV of mining over the horizon, USD.
    pub npv_mining_usd: f64,
    /// NPV of converting over the horizon, USD.
    pub npv_convert_usd: f64,
    /// npv_mining_usd - npv_convert_usd, USD.
    pub npv_difference_usd: f64,
    /// First-year lease rate at which the NPVs are equal, USD per kW-month.
    pub breakeven_lease_usd_per_kw_month: Option<f64>,
    /// BTC price growth at which the NPVs are equal.
    pub breakeven_price_growth: GrowthBreakeven,
    /// Conversion capex, USD.
    pub capex_usd: f64,
    /// The fleet's hashrate, TH/s, and power draw, MW.
    pub fleet_ths: f64,
    /// The fleet's power draw, MW.
    pub fleet_mw: f64,
    /// Halving blocks mined within the horizon: height and instant.
    pub halvings: Vec<(u64, NaiveDateTime)>,
    /// The mining path's mean margin a day over the 30 days before and the 30 days after the
    /// first halving day in the horizon, USD.
    pub mining_margin_around_halving_usd_per_day: Option<(f64, f64)>,
}

/// The whole horizon's answer of one run: a row of the decision map (`pivot --vary`). One
/// flat row type for CSV, JSON and NDJSON; the varied values lead it as columns of their own.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PivotSummary {
    /// NPV of mining over the horizon, USD.
    pub npv_mining_usd: f64,
    /// NPV of converting over the horizon, USD.
    pub npv_convert_usd: f64,
    /// npv_mining_usd - npv_convert_usd: positive when mining is ahead, USD.
    pub npv_difference_usd: f64,
    /// First-year lease rate at which the NPVs are equal, USD per kW-month.
    pub breakeven_lease_usd_per_kw_month: Option<f64>,
    /// Annual BTC price growth at which the NPVs are equal, % a year (empty when there is none
    /// between -90 and 500).
    pub breakeven_price_growth_pct: Option<f64>,
    /// `found`, `mining_ahead` or `converting_ahead` (as in the yearly rows).
    pub breakeven_price_growth_status: String,
    /// `mine` when npv_difference_usd is above 0, else `convert`.
    pub decision: String,
}

impl From<&Pivot> for PivotSummary {
    fn from(p: &Pivot) -> PivotSummary {
        PivotSummary {
            npv_mining_usd: p.npv_mining_usd,
            npv_convert_usd: p.npv_convert_usd,
            npv_difference_usd: p.npv_difference_usd,
            breakeven_lease_usd_per_kw_month: p.breakeven_lease_usd_per_kw_month,
            breakeven_price_growth_pct: p.breakeven_price_growth.pct(),
            breakeven_price_growth_status: p.breakeven_price_growth.status().to_string(),
            decision: if p.npv_difference_usd > 0.0 {
                "mine"
            } else {
                "convert"
            }
            .to_string(),
        }
    }
}

/// Runs both paths. The scenario gives the network, its paths and the fleet; its horizon is
/// replaced by the conversion plus the lease term.
pub fn pivot(scenario: &Scenario, inputs: &PivotInputs) -> Result<Pivot, Error> {
    run(scenario, inputs, true)
}

/// The whole horizon's figures of [`pivot`], without solving each yearly row's breakeven
/// growth (the whole horizon's is solved): the same NPVs and breakevens, faster.
pub fn summary(scenario: &Scenario, inputs: &PivotInputs) -> Result<PivotSummary, Error> {
    Ok(PivotSummary::from(&run(scenario, inputs, false)?))
}

/// [`summary`] on days walked once per network: `network` identifies the scenario's network
/// state and paths (every scenario given the same `network` must have the same ones; the fleet
/// and the pivot inputs may differ), and `chains` holds the days walked for it and each
/// horizon. The same results as [`summary`].
pub fn summary_shared(
    scenario: &Scenario,
    inputs: &PivotInputs,
    chains: &ChainCache,
    network: &[u64],
) -> Result<PivotSummary, Error> {
    let Prepared { s, mut days, flows } = prepare_on(scenario, inputs, Some((chains, network)))?;
    let p = assemble(&s, inputs, &flows, &mut days, false, false);
    Ok(PivotSummary::from(&p))
}

/// [`pivot`]; `row_growth` false leaves the yearly rows' breakeven growth unsolved.
fn run(scenario: &Scenario, inputs: &PivotInputs, row_growth: bool) -> Result<Pivot, Error> {
    run_on(scenario, inputs, row_growth, false)
}

/// [`run`], with `general` the breakeven growth solved on [`Fleet::day`] over repriced engine
/// days (the reference the lean solver is tested against) instead of the fleet's
/// [`PricedDays`].
fn run_on(
    scenario: &Scenario,
    inputs: &PivotInputs,
    row_growth: bool,
    general: bool,
) -> Result<Pivot, Error> {
    let Prepared { s, mut days, flows } = prepare(scenario, inputs)?;
    Ok(assemble(&s, inputs, &flows, &mut days, row_growth, general))
}

/// Checks the inputs and runs the engine over the conversion plus the lease term.
fn prepare(scenario: &Scenario, inputs: &PivotInputs) -> Result<Prepared, Error> {
    prepare_on(scenario, inputs, None)
}

/// [`prepare`], taking the days from `chains` (walked there once per network key and
/// horizon) when given.
fn prepare_on(
    scenario: &Scenario,
    inputs: &PivotInputs,
    chains: Option<(&ChainCache, &[u64])>,
) -> Result<Prepared, Error> {
    inputs.validate()?;
    let fleet = &scenario.fleet;
    let draw = fleet_mw(fleet);
    if draw > inputs.site_mw * (1.0 + 1e-9) {
        return Err(Error::input(format!(
            "--hashrate {} TH/s at {} J/TH draws {} MW, more than --site-mw {}",
            num(fleet.hashrate_ths(), 0),
            num(fleet.efficiency_j_per_th(), 2),
            num(draw, 2),
            inputs.site_mw
        )));
    }
    let conv = inputs.conversion_days();
    let n = conv + inputs.lease_days();
    if n as i64 > MAX_DAYS {
        return Err(Error::input(format!(
            "--conversion-months and --lease-years run {n} days, more than {MAX_DAYS}"
        )));
    }
    let s = Scenario {
        horizon: Horizon::Days(n as i64),
        ..scenario.clone()
    };
    // The network's days only: the fleet's books play no part in the days.
    s.validate()?;
    let days = match chains {
        Some((cache, network)) => {
            let mut key = network.to_vec();
            key.push(n as u64);
            cache.get(key, || ChainPath::new(&s))?.days.clone()
        }
        None => {
            let mut days: Vec<NetDay> = Vec::with_capacity(n);
            projection::walk(&s, s.drivers.clone(), |net, _| {
                days.push(net);
                Ok(())
            })?;
            days
        }
    };
    let flows = Flows::new(inputs, days.len());
    Ok(Prepared { s, days, flows })
}

/// The checked inputs run through the engine: the scenario over the pivot's horizon, its
/// days, and the flows of both paths that do not depend on the BTC price.
struct Prepared {
    s: Scenario,
    days: Vec<NetDay>,
    flows: Flows,
}

/// One day of both paths, for charts: cash since the start through the end of the day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PivotDay {
    /// The day (UTC).
    pub date: NaiveDate,
    /// Mining cash since the start (the fleet's capex on day 0), USD.
    pub cumulative_mining_cash_usd: f64,
    /// Converting cash since the start, USD.
    pub cumulative_convert_cash_usd: f64,
}

/// Both paths' cumulative cash day by day over the horizon of [`pivot`] (its yearly rows'
/// cumulative columns are these at each row's last day).
pub fn cash_by_day(scenario: &Scenario, inputs: &PivotInputs) -> Result<Vec<PivotDay>, Error> {
    let Prepared { s, days, flows: f } = prepare(scenario, inputs)?;
    let rate = inputs.lease_usd_per_kw_month;
    let (mut cum_m, mut cum_c) = (-s.fleet.capex_usd, 0.0);
    Ok(days
        .iter()
        .enumerate()
        .map(|(d, net)| {
            let margin = s.fleet.day(net).margin_usd;
            cum_m += margin;
            cum_c += f.w[d] * margin - f.capex[d] + rate * f.b[d];
            PivotDay {
                date: net.date,
                cumulative_mining_cash_usd: cum_m,
                cumulative_convert_cash_usd: cum_c,
            }
        })
        .collect())
}

/// The day-by-day parts of both paths that do not depend on the BTC price.
struct Flows {
    conv: usize,
    /// Discount factor of each day.
    v: Vec<f64>,
    /// Share of the mining margin the converting path keeps each day.
    w: Vec<f64>,
    /// Capex spent each day, USD.
    capex: Vec<f64>,
    /// Lease NOI per USD/kW-month of first-year rate, each day.
    b: Vec<f64>,
    /// Escalated rate multiplier each day (0 before the lease).
    esc: Vec<f64>,
}

impl Flows {
    fn new(p: &PivotInputs, n: usize) -> Flows {
        let conv = p.conversion_days().min(n);
        let discount = Discount::new(p.discount_rate);
        let kw = p.it_mw * 1000.0;
        let capex_total = p.capex_usd();
        let mut f = Flows {
            conv,
            v: Vec::with_capacity(n),
            w: Vec::with_capacity(n),
            capex: Vec::with_capacity(n),
            b: Vec::with_capacity(n),
            esc: Vec::with_capacity(n),
        };
        for d in 0..n {
            f.v.push(discount.factor(d as i64));
            let converting = d < conv;
            f.w.push(if converting {
                p.mining_share_during_conversion
            } else {
                0.0
            });
            f.capex.push(match (conv, d) {
                (0, 0) => capex_total,
                (0, _) => 0.0,
                (c, d) if d < c => capex_total / c as f64,
                _ => 0.0,
            });
            if converting {
                f.b.push(0.0);
                f.esc.push(0.0);
            } else {
                let lease_year = ((d - conv) / DAYS_PER_YEAR) as i32;
                let m = (1.0 + p.lease_escalator).powi(lease_year);
                f.esc.push(m);
                f.b.push(m * kw * 12.0 / DAYS_PER_YEAR as f64 * p.noi_margin);
            }
        }
        f
    }
}

fn assemble(
    s: &Scenario,
    p: &PivotInputs,
    f: &Flows,
    days: &mut [NetDay],
    row_growth: bool,
    general: bool,
) -> Pivot {
    let n = days.len();
    let fleet = &s.fleet;
    let rate = p.lease_usd_per_kw_month;
    let mut rows = Vec::new();
    let mut halvings = Vec::new();
    let (mut cum_m, mut cum_c) = (0.0, 0.0);
    let (mut npv_m, mut npv_c, mut npv_a, mut npv_b) = (0.0, 0.0, 0.0, 0.0);
    let start = s.network.date;
    let mut row_ends = Vec::new();
    let mut margins = Vec::with_capacity(n);
    let mut halving_day = None;
    let mining_capex = fleet.capex_usd;
    npv_m -= mining_capex;
    for (y, chunk_start) in (0..n).step_by(DAYS_PER_YEAR).enumerate() {
        let chunk_end = (chunk_start + DAYS_PER_YEAR).min(n);
        let mut r = PivotRow {
            year: y as u32 + 1,
            start_date: days[chunk_start].date,
            end_date: days[chunk_end - 1].date,
            days: (chunk_end - chunk_start) as u32,
            ..PivotRow::default()
        };
        let (mut rate_sum, mut lease_n) = (0.0, 0usize);
        let mut events = Vec::new();
        for (d, net) in days.iter().enumerate().take(chunk_end).skip(chunk_start) {
            let fd = fleet.day(net);
            margins.push(fd.margin_usd);
            r.btc_price_usd += net.price_usd;
            r.hashprice_usd_per_ph_day += net.hashprice_usd_per_ph_day();
            r.network_hashrate_eh_s += net.hashrate_hs / 1e18;
            r.mining_btc += fd.btc_mined;
            r.mining_revenue_usd += fd.revenue_usd;
            r.mining_power_cost_usd += fd.power_cost_usd;
            r.mining_cash_usd += fd.margin_usd;
            let kept = f.w[d] * fd.margin_usd;
            let noi = rate * f.b[d];
            r.convert_mining_cash_usd += kept;
            r.convert_capex_usd += f.capex[d];
            r.lease_noi_usd += noi;
            if d >= f.conv {
                let r_d = rate * f.esc[d];
                rate_sum += r_d;
                lease_n += 1;
                r.lease_rent_usd += r_d * p.it_mw * 1000.0 * 12.0 / DAYS_PER_YEAR as f64;
            }
            let cash_c = kept - f.capex[d] + noi;
            npv_m += f.v[d] * fd.margin_usd;
            npv_c += f.v[d] * cash_c;
            npv_a += f.v[d] * (kept - f.capex[d]);
            npv_b += f.v[d] * f.b[d];
            if let Some(h) = net.halving {
                halving_day.get_or_insert(d);
                halvings.push(h);
                events.push(format!(
                    "halving {} {}",
                    h.0,
                    h.1.format("%Y-%m-%dT%H:%M:%SZ")
                ));
            }
        }
        if y == 0 {
            r.mining_capex_usd = mining_capex;
            r.mining_cash_usd -= mining_capex;
        }
        let k = r.days as f64;
        r.btc_price_usd /= k;
        r.hashprice_usd_per_ph_day /= k;
        r.network_hashrate_eh_s /= k;
        r.phase = match (chunk_start < f.conv, chunk_end > f.conv) {
            (true, true) => "conversion+lease",
            (true, false) => "conversion",
            _ => "lease",
        }
        .to_string();
        r.lease_usd_per_kw_month = (lease_n > 0).then(|| rate_sum / lease_n as f64);
        r.convert_cash_usd = r.convert_mining_cash_usd - r.convert_capex_usd + r.lease_noi_usd;
        r.mining_cash_usd_per_site_mw = r.mining_cash_usd / p.site_mw;
        r.convert_cash_usd_per_site_mw = r.convert_cash_usd / p.site_mw;
        cum_m += r.mining_cash_usd;
        cum_c += r.convert_cash_usd;
        r.cumulative_mining_cash_usd = cum_m;
        r.cumulative_convert_cash_usd = cum_c;
        r.npv_mining_usd = npv_m;
        r.npv_convert_usd = npv_c;
        r.npv_difference_usd = npv_m - npv_c;
        r.npv_mining_usd_per_site_mw = npv_m / p.site_mw;
        r.npv_convert_usd_per_site_mw = npv_c / p.site_mw;
        r.breakeven_lease_usd_per_kw_month = (npv_b > 0.0).then(|| (npv_m - npv_a) / npv_b);
        r.events = events.join("; ");
        rows.push(r);
        row_ends.push(chunk_end);
    }
    // The breakeven growth through each row's end, by bisection over the repriced days.
    let mut solver = GrowthSolver::new(fleet, p, f, days, general);
    let total = solver.solve(n);
    for (r, &end) in rows.iter_mut().zip(&row_ends) {
        let b = match (end == n, row_growth) {
            (true, _) => total,
            (false, true) => solver.solve(end),
            (false, false) => continue,
        };
        r.breakeven_price_growth_pct = b.pct();
        r.breakeven_price_growth_status = b.status().to_string();
    }
    let last = rows.last().cloned().unwrap_or_default();
    let window = crate::model::summary::HALVING_WINDOW_DAYS;
    let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
    let around = halving_day.and_then(|h| {
        let before = mean(&margins[h.saturating_sub(window)..h])?;
        let after = mean(&margins[(h + 1).min(n)..(h + 1 + window).min(n)])?;
        Some((before, after))
    });
    Pivot {
        start,
        end: days.last().map_or(start, |d| d.date),
        conversion_days: f.conv,
        lease_days: n - f.conv,
        npv_mining_usd: last.npv_mining_usd,
        npv_convert_usd: last.npv_convert_usd,
        npv_difference_usd: last.npv_difference_usd,
        breakeven_lease_usd_per_kw_month: last.breakeven_lease_usd_per_kw_month,
        breakeven_price_growth: total,
        capex_usd: p.capex_usd(),
        fleet_ths: fleet.hashrate_ths(),
        fleet_mw: fleet_mw(fleet),
        halvings,
        mining_margin_around_halving_usd_per_day: around,
        rows,
    }
}

/// Solves mining NPV = converting NPV for the BTC price growth, over the engine's days.
struct GrowthSolver<'a> {
    fleet: &'a Fleet,
    f: &'a Flows,
    days: &'a mut [NetDay],
    /// The fleet's price-free parts of each day, worked out once (`None`: each trial
    /// reprices the days and runs [`Fleet::day`], the reference path).
    lean: Option<PricedDays<'a>>,
    /// The days mining counts in the gap (weight 1 - w not 0), with v x (1 - w).
    weighted: Vec<(usize, f64)>,
    start_price: f64,
    /// Discounted conversion capex - lease NOI - the fleet's capex through each day (the part
    /// of the gap that does not depend on the price).
    fixed: Vec<f64>,
}

impl<'a> GrowthSolver<'a> {
    fn new(
        fleet: &'a Fleet,
        p: &PivotInputs,
        f: &'a Flows,
        days: &'a mut [NetDay],
        general: bool,
    ) -> Self {
        let mut fixed = Vec::with_capacity(days.len());
        let mut acc = -fleet.capex_usd;
        for d in 0..days.len() {
            acc += f.v[d] * (f.capex[d] - p.lease_usd_per_kw_month * f.b[d]);
            fixed.push(acc);
        }
        let start_price = days.first().map_or(0.0, |d| d.price_usd);
        let lean = (!general).then(|| PricedDays::new(fleet, days));
        let weighted = (0..days.len())
            .filter_map(|d| {
                let weight = 1.0 - f.w[d];
                (weight != 0.0).then(|| (d, f.v[d] * weight))
            })
            .collect();
        GrowthSolver {
            fleet,
            f,
            days,
            lean,
            weighted,
            start_price,
            fixed,
        }
    }

    /// NPV mining - NPV converting over the first `end` days at price growth `g`.
    fn gap(&mut self, g: f64, end: usize) -> f64 {
        let ln_g = (1.0 + g).ln() / DAYS_PER_YEAR as f64;
        let mut s = 0.0;
        if let Some(lean) = &self.lean {
            // v x (1 - w) is the reference's first product: the same bits, worked out once.
            for &(d, vw) in self.weighted.iter().take_while(|&&(d, _)| d < end) {
                let price = self.start_price * (d as f64 * ln_g).exp();
                s += vw * lean.margin_usd(d, price);
            }
            return s + self.fixed[end - 1];
        }
        for d in 0..end {
            let weight = 1.0 - self.f.w[d];
            if weight == 0.0 {
                continue;
            }
            self.days[d].price_usd = self.start_price * (d as f64 * ln_g).exp();
            s += self.f.v[d] * weight * self.fleet.day(&self.days[d]).margin_usd;
        }
        s + self.fixed[end - 1]
    }

    fn solve(&mut self, end: usize) -> GrowthBreakeven {
        if end == 0 {
            return GrowthBreakeven::MiningAheadThroughout;
        }
        let (mut lo, mut hi) = (GROWTH_SEARCH_PCT.0 / 100.0, GROWTH_SEARCH_PCT.1 / 100.0);
        if self.gap(lo, end) >= 0.0 {
            return GrowthBreakeven::MiningAheadThroughout;
        }
        if self.gap(hi, end) < 0.0 {
            return GrowthBreakeven::ConvertingAheadThroughout;
        }
        for _ in 0..60 {
            if hi - lo < 1e-7 {
                break;
            }
            let mid = 0.5 * (lo + hi);
            if self.gap(mid, end) >= 0.0 {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        GrowthBreakeven::At(0.5 * (lo + hi))
    }
}

#[cfg(test)]
mod tests;
