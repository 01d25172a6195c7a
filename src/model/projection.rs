//! Projections: a fleet over the engine's days, summed into periods, with a halving summary.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::error::Error;
use crate::model::books::{BookDay, Books};
use crate::model::chain;
use crate::model::engine::{Drivers, Engine, NetDay};
use crate::model::fleet::Fleet;
use crate::model::lean::LeanChain;
use crate::model::network::{NetworkState, Path, PathDrivers};

/// The longest horizon the engine will run, in days (100 years).
pub const MAX_DAYS: i64 = 36_500;

/// How far a projection runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Horizon {
    /// This many days from the start.
    Days(i64),
    /// Through this date (inclusive).
    Until(NaiveDate),
    /// Through the day the block at `height` is mined, then `after_days` more days.
    Halving {
        /// The halving block's height.
        height: u64,
        /// Days after the halving day.
        after_days: i64,
    },
}

/// Growth rates of the network's paths, as annual fractions (0.5 = +50% a year).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Growth {
    /// Network hashrate growth.
    pub hashrate: f64,
    /// Fees-per-block growth.
    pub fees: f64,
    /// BTC price growth.
    pub price: f64,
}

/// Everything a projection needs.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The network at `network.date`; the engine starts there.
    pub network: NetworkState,
    /// The paths of hashrate, price and fees.
    pub drivers: PathDrivers,
    /// The fleet.
    pub fleet: Fleet,
    /// How far to run from `network.date`, the first day.
    pub horizon: Horizon,
}

impl Scenario {
    /// A scenario whose paths grow at constant rates from the network state's figures.
    pub fn with_growth(
        network: NetworkState,
        growth: Growth,
        fleet: Fleet,
        horizon: Horizon,
    ) -> Scenario {
        let drivers = PathDrivers {
            hashrate_hs: Path::growth(network.hashrate_hs, network.date, growth.hashrate),
            price_usd: Path::growth(network.price_usd, network.date, growth.price),
            fees_btc_per_block: Path::growth(network.fees_btc_per_block, network.date, growth.fees),
            hashprice_usd_per_ph_day: None,
        };
        Scenario {
            network,
            drivers,
            fleet,
            horizon,
        }
    }

    /// The first day.
    pub fn start(&self) -> NaiveDate {
        self.network.date
    }

    /// Checks the scenario as a whole.
    pub fn validate(&self) -> Result<(), Error> {
        self.network.validate()?;
        self.fleet.validate()?;
        match self.horizon {
            Horizon::Days(n) if !(1..=MAX_DAYS).contains(&n) => Err(Error::input(format!(
                "--days must be between 1 and {MAX_DAYS}, got {n}"
            ))),
            Horizon::Until(d) if d < self.start() => Err(Error::input(format!(
                "--until {d} is before --start {}",
                self.start()
            ))),
            Horizon::Until(d) if (d - self.start()).num_days() >= MAX_DAYS => {
                Err(Error::input(format!(
                    "--until {d} is more than {MAX_DAYS} days after --start {}",
                    self.start()
                )))
            }
            Horizon::Halving { after_days, .. } if !(0..=MAX_DAYS).contains(&after_days) => {
                Err(Error::input(format!(
                    "--after must be between 0 and {MAX_DAYS} days, got {after_days}"
                )))
            }
            Horizon::Halving { height, .. } if height <= self.network.height => {
                Err(Error::input(format!(
                    "the halving at height {height} is already mined (the network is at height {})",
                    self.network.height
                )))
            }
            _ => Ok(()),
        }
    }
}

/// One row of a projection: a day, or a period of days (flows summed, rates averaged, the
/// date is the period's first day). One flat type for CSV, JSON and NDJSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProjectionRow {
    /// First day of the row (UTC).
    #[serde(serialize_with = "crate::model::serialize_ymd")]
    pub date: NaiveDate,
    /// Days in the row.
    pub days: u32,
    /// Chain tip height at the end of the row.
    pub height: u64,
    /// Expected network blocks mined.
    pub blocks: f64,
    /// Difficulty (time-weighted mean).
    pub difficulty: f64,
    /// Network hashrate, EH/s.
    pub network_hashrate_eh_s: f64,
    /// Subsidy per block, BTC (weighted by blocks).
    pub subsidy_btc: f64,
    /// Fees per block, BTC.
    pub fees_btc_per_block: f64,
    /// BTC price, USD.
    pub btc_price_usd: f64,
    /// Sats that 1 PH/s earns in a day (no pool fee, 100% uptime).
    pub hashvalue_sats_per_ph_day: f64,
    /// USD that 1 PH/s earns in a day (no pool fee, 100% uptime).
    pub hashprice_usd_per_ph_day: f64,
    /// The fleet's running hashrate, TH/s (uptime and curtailment applied).
    pub fleet_hashrate_th_s: f64,
    /// Share of the day the operator runs the machines (curtailment; before uptime), 0..=1.
    pub running_fraction: f64,
    /// BTC credited to the fleet after the pool fee.
    pub btc_mined: f64,
    /// USD value of the BTC mined at each day's price.
    pub revenue_usd: f64,
    /// Electricity used, kWh.
    pub energy_kwh: f64,
    /// Electricity cost, USD.
    pub power_cost_usd: f64,
    /// Other operating costs, USD.
    pub opex_usd: f64,
    /// Hosting fees per machine, USD.
    pub hosting_fee_usd: f64,
    /// The host's profit share, USD.
    pub profit_share_usd: f64,
    /// revenue - power cost - opex - hosting fee - profit share, USD (EBITDA).
    pub margin_usd: f64,
    /// BTC mined since the start, through the end of the row.
    pub cumulative_btc: f64,
    /// Margin since the start, through the end of the row, USD.
    pub cumulative_margin_usd: f64,
    /// Cumulative margin less the capex spent plus resale, USD (payback when it turns positive).
    pub cumulative_net_usd: f64,
    /// Net present value to the end of the row: discounted margins less capex plus resale, USD.
    pub npv_usd: f64,
    /// Machines installed and working (mean over the row).
    pub units_online: f64,
    /// Capex spent in the row (a group's on its energization day), USD.
    pub capex_usd: f64,
    /// Resale of machines that stop in the row, or still run on the horizon's last day, USD.
    pub salvage_usd: f64,
    /// EBITDA, USD: the margin (revenue less every cash operating cost), named as boards read it.
    pub ebitda_usd: f64,
    /// Straight-line depreciation, USD.
    pub depreciation_usd: f64,
    /// EBITDA less depreciation, USD.
    pub operating_income_usd: f64,
    /// Tax on operating income (losses carried forward), USD.
    pub tax_usd: f64,
    /// NPV after tax to the end of the row, USD.
    pub npv_after_tax_usd: f64,
    /// BTC sold (the treasury policy; all of it by default).
    pub btc_sold: f64,
    /// BTC held at the end of the row.
    pub btc_held: f64,
    /// The holdings at the row's last price, USD.
    pub treasury_value_usd: f64,
    /// BTC sold at the day's price less cash costs, tax and capex, plus resale, USD.
    pub cash_flow_usd: f64,
    /// Cash flow since the start, USD.
    pub cumulative_cash_usd: f64,
    /// Blocks the fleet finds on average (its share of the network's), for solo odds.
    pub expected_blocks: f64,
    /// Halvings and retargets in the row ("halving 1050000 2028-04-10T12:00:00Z; retarget +1.23%").
    pub events: String,
    /// The network's installed hashrate, EH/s (the fixed model: all of it runs).
    pub network_installed_hashrate_eh_s: f64,
    /// The network's running hashrate, EH/s (the engine's hashrate).
    pub network_running_hashrate_eh_s: f64,
    /// Share of the installed hashrate switched off, % (the fixed model: 0).
    pub network_off_share_pct: f64,
    /// Running-weighted efficiency of the network, J/TH (empty: the fixed model has no cohorts).
    pub network_efficiency_j_per_th: Option<f64>,
    /// Power draw of the running network, GW (empty: the fixed model has no cohorts).
    pub network_power_gw: Option<f64>,
}

impl ProjectionRow {
    /// A daily row from the network day and the fleet's books.
    pub fn from_day(net: &NetDay, b: &BookDay) -> ProjectionRow {
        let fleet = &b.flows;
        ProjectionRow {
            date: net.date,
            days: 1,
            height: net.height,
            blocks: net.blocks,
            difficulty: net.difficulty,
            network_hashrate_eh_s: net.hashrate_hs / 1e18,
            subsidy_btc: net.subsidy_btc,
            fees_btc_per_block: net.fees_btc_per_block,
            btc_price_usd: net.price_usd,
            hashvalue_sats_per_ph_day: net.hashvalue_btc_per_ph_day * chain::COIN_SATS as f64,
            hashprice_usd_per_ph_day: net.hashprice_usd_per_ph_day(),
            fleet_hashrate_th_s: fleet.hashrate_ths,
            running_fraction: fleet.running_fraction,
            btc_mined: fleet.btc_mined,
            revenue_usd: fleet.revenue_usd,
            energy_kwh: fleet.energy_kwh,
            power_cost_usd: fleet.power_cost_usd,
            opex_usd: fleet.opex_usd,
            hosting_fee_usd: fleet.hosting_fee_usd,
            profit_share_usd: fleet.profit_share_usd,
            margin_usd: fleet.margin_usd,
            cumulative_btc: b.cumulative_btc,
            cumulative_margin_usd: b.cumulative_margin_usd,
            cumulative_net_usd: b.cumulative_net_usd,
            npv_usd: b.npv_usd,
            units_online: fleet.units_online,
            capex_usd: b.capex_usd,
            salvage_usd: b.salvage_usd,
            ebitda_usd: b.ebitda_usd,
            depreciation_usd: b.depreciation_usd,
            operating_income_usd: b.operating_income_usd,
            tax_usd: b.tax_usd,
            npv_after_tax_usd: b.npv_after_tax_usd,
            btc_sold: b.btc_sold,
            btc_held: b.btc_held,
            treasury_value_usd: b.treasury_value_usd,
            cash_flow_usd: b.cash_flow_usd,
            cumulative_cash_usd: b.cumulative_cash_usd,
            expected_blocks: fleet.expected_blocks,
            events: events_text(net),
            network_installed_hashrate_eh_s: net.hashrate_hs / 1e18,
            network_running_hashrate_eh_s: net.hashrate_hs / 1e18,
            network_off_share_pct: 0.0,
            network_efficiency_j_per_th: None,
            network_power_gw: None,
        }
    }
}

/// The day's events as text.
pub fn events_text(net: &NetDay) -> String {
    if net.halving.is_none() && net.retargets.is_empty() {
        return String::new();
    }
    let mut parts = Vec::new();
    if let Some((h, at)) = net.halving {
        parts.push(format!("halving {h} {}", at.format("%Y-%m-%dT%H:%M:%SZ")));
    }
    for (h, ratio) in &net.retargets {
        parts.push(format!("retarget {h} {:+.2}%", (ratio - 1.0) * 100.0));
    }
    parts.join("; ")
}

/// Runs the fleet over the days of a scenario, calling `f` with each network day and daily row
/// from the start date on.
pub fn for_each_day<F>(s: &Scenario, mut f: F) -> Result<(), Error>
where
    F: FnMut(&NetDay, &ProjectionRow) -> Result<(), Error>,
{
    s.validate()?;
    let mut drivers = s.drivers.clone();
    run_days(s, &mut drivers, &mut f)
}

/// Walks the network day by day from the scenario's start to the end of its horizon, handing
/// each day to `f` with `true` on the horizon's last day. The fleet plays no part: the days depend on the network's state, paths and
/// the horizon only, so scenarios that share them share the walk ([`ChainPath`]).
pub fn walk<D, F>(s: &Scenario, drivers: D, mut f: F) -> Result<(), Error>
where
    D: Drivers,
    F: FnMut(NetDay, bool) -> Result<(), Error>,
{
    let mut engine = Engine::new(&s.network, drivers);
    let mut remaining: Option<i64> = match s.horizon {
        Horizon::Days(n) => Some(n),
        Horizon::Until(d) => Some((d - s.start()).num_days() + 1),
        Horizon::Halving { .. } => None,
    };
    let mut day_index = 0i64;
    let limit = MAX_DAYS * 2;
    loop {
        if remaining == Some(0) {
            return Ok(());
        }
        if day_index > limit {
            return Err(Error::input(format!(
                "the horizon does not end within {} years at this hashrate and difficulty",
                limit / 365
            )));
        }
        day_index += 1;
        let net = engine.step();
        match (s.horizon, remaining.as_mut()) {
            (
                Horizon::Halving {
                    height: h,
                    after_days,
                },
                None,
            ) => {
                if net.height >= h {
                    remaining = Some(after_days);
                }
            }
            (_, Some(r)) => *r -= 1,
            (_, None) => {}
        }
        f(net, remaining == Some(0))?;
    }
}

/// Runs the scenario's fleet over the days `drivers` give, calling `f` with each network day
/// and the fleet's row (cumulative columns included).
pub fn run_days<D, F>(s: &Scenario, drivers: D, mut f: F) -> Result<(), Error>
where
    D: Drivers,
    F: FnMut(&NetDay, &ProjectionRow) -> Result<(), Error>,
{
    let mut books = Books::new(&s.fleet);
    walk(s, drivers, |net, last| {
        let row = ProjectionRow::from_day(&net, &books.day(&net, last));
        f(&net, &row)
    })
}

/// The network's days over a scenario's horizon under its own paths (the fixed network
/// model), walked once. Every scenario with the same network state, paths and horizon has the
/// same days, whatever its fleet: a sweep over fleet parameters walks the chain once and runs
/// each fleet over these days ([`run_days_on`]), with results identical to [`run_days`].
#[derive(Debug, Clone)]
pub struct ChainPath {
    /// The days, in order.
    pub days: Vec<NetDay>,
    /// The same days as arrays, for the lean lane.
    lean: LeanChain,
    /// The scenario walked (its fleet aside, what every scenario on these days shares).
    scenario: Option<Box<Scenario>>,
}

impl ChainPath {
    /// Walks the scenario's network over its horizon.
    pub fn new(s: &Scenario) -> Result<ChainPath, Error> {
        s.validate()?;
        let mut days = Vec::with_capacity(horizon_days_hint(s));
        walk(s, s.drivers.clone(), |net, _| {
            days.push(net);
            Ok(())
        })?;
        Ok(ChainPath {
            scenario: Some(Box::new(s.clone())),
            ..ChainPath::of_days(days)
        })
    }

    /// A path of days walked elsewhere.
    pub fn of_days(days: Vec<NetDay>) -> ChainPath {
        let lean = LeanChain::of_days(&days);
        ChainPath {
            days,
            lean,
            scenario: None,
        }
    }

    /// The scenario walked ([`ChainPath::new`]'s), if known.
    pub fn scenario(&self) -> Option<&Scenario> {
        self.scenario.as_deref()
    }

    /// The days as arrays ([`LeanChain`]).
    pub fn lean(&self) -> &LeanChain {
        &self.lean
    }
}

/// The days a scenario's horizon will run when it says so (a count or an end date), else a
/// year and a half: a capacity for the arrays of a walk.
pub fn horizon_days_hint(s: &Scenario) -> usize {
    let n = match s.horizon {
        Horizon::Days(n) => n,
        Horizon::Until(d) => (d - s.start()).num_days() + 1,
        Horizon::Halving { .. } => 550,
    };
    n.clamp(1, MAX_DAYS) as usize
}

/// [`run_days`] over days walked before: the fleet's rows on `path`.
pub fn run_days_on<F>(s: &Scenario, path: &ChainPath, mut f: F) -> Result<(), Error>
where
    F: FnMut(&NetDay, &ProjectionRow) -> Result<(), Error>,
{
    let mut books = Books::new(&s.fleet);
    let n = path.days.len();
    for (i, net) in path.days.iter().enumerate() {
        let row = ProjectionRow::from_day(net, &books.day(net, i + 1 == n));
        f(net, &row)?;
    }
    Ok(())
}

/// A whole projection: daily rows and what the summary needs.
#[derive(Debug, Clone, Default)]
pub struct Projection {
    /// Daily rows from the start date.
    pub rows: Vec<ProjectionRow>,
    /// Every halving block mined within the horizon: height and instant.
    pub halvings: Vec<(u64, NaiveDateTime)>,
}

impl Projection {
    /// Keeps one day of a run: its row and its halving, if any.
    pub fn push(&mut self, net: &NetDay, row: &ProjectionRow) {
        if let Some(h) = net.halving {
            self.halvings.push(h);
        }
        self.rows.push(row.clone());
    }
}

/// Runs a scenario and keeps its daily rows.
pub fn project(s: &Scenario) -> Result<Projection, Error> {
    let mut p = Projection::default();
    for_each_day(s, |net, row| {
        p.push(net, row);
        Ok(())
    })?;
    Ok(p)
}

/// Estimated instants of the next `count` halving blocks after the network state, on the
/// scenario's network paths (the fleet plays no part). Stops after [`MAX_DAYS`] * 2 days.
pub fn estimate_halvings(
    network: &NetworkState,
    drivers: &PathDrivers,
    count: usize,
) -> Vec<(u64, NaiveDateTime)> {
    let mut out = Vec::new();
    let mut engine = Engine::new(network, drivers.clone());
    let next = chain::next_halving_height(network.height);
    let last = next + (count.saturating_sub(1) as u64) * chain::HALVING_INTERVAL_BLOCKS;
    for _ in 0..MAX_DAYS * 2 {
        let day = engine.step();
        if let Some(h) = day.halving {
            out.push(h);
            if h.0 >= last {
                break;
            }
        }
    }
    out
}

/// How rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Each day.
    Day,
    /// ISO weeks (Monday to Sunday).
    Week,
    /// Calendar months.
    Month,
    /// Difficulty epochs (by the epoch in force at the start of each day).
    Epoch,
    /// Calendar years.
    Year,
}

impl Period {
    /// The key of the period a day belongs to.
    pub fn key(self, date: NaiveDate, epoch: u64) -> i64 {
        match self {
            Period::Day => date.num_days_from_ce() as i64,
            Period::Week => {
                (date.num_days_from_ce() - date.weekday().num_days_from_monday() as i32) as i64
            }
            Period::Month => date.year() as i64 * 12 + date.month0() as i64,
            Period::Epoch => epoch as i64,
            Period::Year => date.year() as i64,
        }
    }
}

/// Groups daily rows into periods as they stream in; `push` returns a row when a period ends.
#[derive(Debug, Clone)]
pub struct Aggregator {
    period: Period,
    current: Option<(i64, ProjectionRow)>,
}

impl Aggregator {
    /// A new aggregator.
    pub fn new(period: Period) -> Aggregator {
        Aggregator {
            period,
            current: None,
        }
    }

    /// Adds a daily row (with the epoch of its network day); returns the finished period, if any.
    pub fn push(&mut self, row: &ProjectionRow, epoch: u64) -> Option<ProjectionRow> {
        if self.period == Period::Day {
            return Some(row.clone());
        }
        let key = self.period.key(row.date, epoch);
        match &mut self.current {
            Some((k, acc)) if *k == key => {
                accumulate(acc, row);
                None
            }
            _ => {
                let done = self.current.take().map(|(_, acc)| finish(acc));
                self.current = Some((key, row.clone()));
                done
            }
        }
    }

    /// The last, possibly partial, period.
    pub fn finish(&mut self) -> Option<ProjectionRow> {
        self.current.take().map(|(_, acc)| finish(acc))
    }
}

/// Sums flows and rates (rates are divided by `days` in `finish`); keeps the latest ends.
fn accumulate(acc: &mut ProjectionRow, r: &ProjectionRow) {
    acc.days += r.days;
    acc.height = r.height;
    acc.blocks += r.blocks;
    acc.difficulty += r.difficulty;
    acc.network_hashrate_eh_s += r.network_hashrate_eh_s;
    acc.subsidy_btc += r.subsidy_btc;
    acc.fees_btc_per_block += r.fees_btc_per_block;
    acc.btc_price_usd += r.btc_price_usd;
    acc.hashvalue_sats_per_ph_day += r.hashvalue_sats_per_ph_day;
    acc.hashprice_usd_per_ph_day += r.hashprice_usd_per_ph_day;
    acc.fleet_hashrate_th_s += r.fleet_hashrate_th_s;
    acc.running_fraction += r.running_fraction;
    acc.btc_mined += r.btc_mined;
    acc.revenue_usd += r.revenue_usd;
    acc.energy_kwh += r.energy_kwh;
    acc.power_cost_usd += r.power_cost_usd;
    acc.opex_usd += r.opex_usd;
    acc.hosting_fee_usd += r.hosting_fee_usd;
    acc.profit_share_usd += r.profit_share_usd;
    acc.margin_usd += r.margin_usd;
    acc.cumulative_btc = r.cumulative_btc;
    acc.cumulative_margin_usd = r.cumulative_margin_usd;
    acc.cumulative_net_usd = r.cumulative_net_usd;
    acc.npv_usd = r.npv_usd;
    acc.units_online += r.units_online;
    acc.capex_usd += r.capex_usd;
    acc.salvage_usd += r.salvage_usd;
    acc.ebitda_usd += r.ebitda_usd;
    acc.depreciation_usd += r.depreciation_usd;
    acc.operating_income_usd += r.operating_income_usd;
    acc.tax_usd += r.tax_usd;
    acc.npv_after_tax_usd = r.npv_after_tax_usd;
    acc.btc_sold += r.btc_sold;
    acc.btc_held = r.btc_held;
    acc.treasury_value_usd = r.treasury_value_usd;
    acc.cash_flow_usd += r.cash_flow_usd;
    acc.cumulative_cash_usd = r.cumulative_cash_usd;
    acc.expected_blocks += r.expected_blocks;
    acc.network_installed_hashrate_eh_s += r.network_installed_hashrate_eh_s;
    acc.network_running_hashrate_eh_s += r.network_running_hashrate_eh_s;
    acc.network_off_share_pct += r.network_off_share_pct;
    acc.network_efficiency_j_per_th = sum_opt(
        acc.network_efficiency_j_per_th,
        r.network_efficiency_j_per_th,
    );
    acc.network_power_gw = sum_opt(acc.network_power_gw, r.network_power_gw);
    if !r.events.is_empty() {
        if !acc.events.is_empty() {
            acc.events.push_str("; ");
        }
        acc.events.push_str(&r.events);
    }
}

fn finish(mut acc: ProjectionRow) -> ProjectionRow {
    let n = acc.days as f64;
    acc.difficulty /= n;
    acc.network_hashrate_eh_s /= n;
    acc.subsidy_btc /= n;
    acc.fees_btc_per_block /= n;
    acc.btc_price_usd /= n;
    acc.hashvalue_sats_per_ph_day /= n;
    acc.hashprice_usd_per_ph_day /= n;
    acc.fleet_hashrate_th_s /= n;
    acc.running_fraction /= n;
    acc.units_online /= n;
    acc.network_installed_hashrate_eh_s /= n;
    acc.network_running_hashrate_eh_s /= n;
    acc.network_off_share_pct /= n;
    acc.network_efficiency_j_per_th = acc.network_efficiency_j_per_th.map(|v| v / n);
    acc.network_power_gw = acc.network_power_gw.map(|v| v / n);
    acc
}

/// Sum of two optional rates (empty when either is).
fn sum_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? + b?)
}

/// Groups a whole run's daily rows into periods (see [`Aggregator`]). `epochs` holds each
/// row's epoch (use [`epoch_of_row`] when the network days are gone).
pub fn aggregate(rows: &[ProjectionRow], period: Period) -> Vec<ProjectionRow> {
    let mut agg = Aggregator::new(period);
    let mut out: Vec<ProjectionRow> = rows
        .iter()
        .filter_map(|r| agg.push(r, epoch_of_row(r)))
        .collect();
    out.extend(agg.finish());
    out
}

/// All rows summed into one (flows summed, rates averaged over the days).
pub fn total(rows: &[ProjectionRow]) -> Option<ProjectionRow> {
    let mut it = rows.iter();
    let mut acc = it.next()?.clone();
    for r in it {
        accumulate(&mut acc, r);
    }
    Some(finish(acc))
}

/// The epoch in force at the start of a daily row's day, from its end height and blocks.
pub fn epoch_of_row(r: &ProjectionRow) -> u64 {
    let start_height = (r.height as f64 - r.blocks).max(0.0).floor() as u64;
    chain::epoch_of(start_height + 1)
}

/// What changes across a halving, for the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HalvingSummary {
    /// Height of the halving block.
    pub height: u64,
    /// Estimated instant the halving block is mined (UTC).
    pub estimated_at: NaiveDateTime,
    /// Network subsidy BTC a day at 144 blocks before the halving.
    pub network_btc_per_day_before: f64,
    /// Network subsidy BTC a day at 144 blocks after the halving.
    pub network_btc_per_day_after: f64,
    /// Mean hashprice over the (up to) 30 days before the halving day, USD/PH/day.
    pub hashprice_before_usd_per_ph_day: f64,
    /// Mean hashprice over the (up to) 30 days after the halving day, USD/PH/day.
    pub hashprice_after_usd_per_ph_day: f64,
    /// Mean fleet margin a day over the 30 days before, USD.
    pub margin_before_usd_per_day: f64,
    /// Mean fleet margin a day over the 30 days after, USD.
    pub margin_after_usd_per_day: f64,
    /// Days averaged before and after (fewer than 30 at the horizon's edges).
    pub days_before: u32,
    /// Days averaged after.
    pub days_after: u32,
}

/// Summarises the halving at `height` from a projection's daily rows.
pub fn halving_summary(p: &Projection, height: u64) -> Option<HalvingSummary> {
    let &(h, at) = p.halvings.iter().find(|(h, _)| *h == height)?;
    let day = at.date();
    let window = |from: NaiveDate, to: NaiveDate| {
        let sel: Vec<&ProjectionRow> = p
            .rows
            .iter()
            .filter(|r| r.date >= from && r.date <= to)
            .collect();
        let n = sel.len().max(1) as f64;
        (
            sel.iter().map(|r| r.hashprice_usd_per_ph_day).sum::<f64>() / n,
            sel.iter().map(|r| r.margin_usd).sum::<f64>() / n,
            sel.len() as u32,
        )
    };
    let (hp_b, m_b, n_b) = window(day - chrono::Days::new(30), day - chrono::Days::new(1));
    let (hp_a, m_a, n_a) = window(day + chrono::Days::new(1), day + chrono::Days::new(30));
    Some(HalvingSummary {
        height: h,
        estimated_at: at,
        network_btc_per_day_before: chain::sats_to_btc(144 * chain::subsidy_sats(h - 1)),
        network_btc_per_day_after: chain::sats_to_btc(144 * chain::subsidy_sats(h)),
        hashprice_before_usd_per_ph_day: hp_b,
        hashprice_after_usd_per_ph_day: hp_a,
        margin_before_usd_per_day: m_b,
        margin_after_usd_per_day: m_a,
        days_before: n_b,
        days_after: n_a,
    })
}
