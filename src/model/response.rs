//! A network that responds to hashprice: cohorts of machines that switch off when they lose
//! money and back on when they earn again.
//!
//! The network's installed hashrate is a set of cohorts, each with an efficiency (J/TH) and a
//! median power cost (USD/kWh), loaded from a cohort table (default: the embedded
//! data/network_fleet.csv, every row with its source). Within a cohort the power cost is spread
//! log-normally (`cost_spread`, a log standard deviation), so the share of a cohort that covers
//! its electricity at hashprice `p` is `Φ(ln(p / hashcost) / cost_spread)`, where hashcost is
//! `J/TH × 24 × USD/kWh` USD/PH/day.
//!
//! Each day (see [`ResponseDrivers`]):
//! 1. old cohorts (the table's) retire at `retire_rate` a year;
//! 2. new hashrate at `new_efficiency_j_per_th` and `new_power_cost_usd_per_kwh` replaces what
//!    retired and adds the hashrate growth, so installed hashrate grows at the scenario's
//!    `--hashrate-growth` (never below the retirement: new hashrate is never negative);
//! 3. each cohort's running share moves toward the share that covered its costs at the
//!    *previous* day's hashprice as a first-order lag: the gap closes by `1 - exp(-1 / lag)` a
//!    day, with `lag = off_lag_days` when machines switch off and `on_lag_days` when they
//!    switch on (machines take days to weeks to switch off and on; after `lag` days 63% of the
//!    gap has closed). Lags shorter than an epoch make the retargets overshoot (difficulty
//!    swings of ±50% around a halving); the defaults give damped swings.
//!
//! The running hashrate is the engine's network hashrate. Blocks slow when machines switch off,
//! but hashprice per PH does not change until the retarget lowers the difficulty — then it
//! recovers, cohorts switch back on, and the next retarget raises the difficulty again.
//!
//! On day 0 each cohort runs the share that covers its costs at the start's hashprice, and the
//! table's shares are scaled so the running hashrate equals the network state's hashrate.

use std::cell::Cell;
use std::rc::Rc;

use chrono::NaiveDate;

use crate::error::{csv_message, Error};
use crate::model::chain;
use crate::model::engine::{DayDrivers, Drivers, NetDay};
use crate::model::fleet::hashcost_usd_per_ph_day;
use crate::model::network::{NetworkState, Path, PathDrivers};
use crate::model::projection::{run_days, Projection, ProjectionRow, Scenario};
use crate::model::summary::{Summary, SummaryBuilder};
use crate::params::check_model;

/// The embedded cohort table.
pub const EMBEDDED_COHORTS_CSV: &str = include_str!("../../data/network_fleet.csv");
/// Name of the embedded cohort table in messages.
pub const EMBEDDED_COHORTS_NAME: &str = "data/network_fleet.csv";

/// One cohort of the network's machines.
#[derive(Debug, Clone, PartialEq)]
pub struct Cohort {
    /// What the cohort is.
    pub label: String,
    /// Share of the installed hashrate, 0..=1.
    pub share: f64,
    /// Efficiency, J/TH.
    pub efficiency_j_per_th: f64,
    /// Median power cost, USD/kWh.
    pub power_cost_usd_per_kwh: f64,
}

impl Cohort {
    /// Electricity per PH/s per day at the cohort's median power cost, USD.
    pub fn hashcost_usd_per_ph_day(&self) -> f64 {
        hashcost_usd_per_ph_day(self.efficiency_j_per_th, self.power_cost_usd_per_kwh)
    }
}

/// The network's installed hashrate as cohorts.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortTable {
    /// Where the table came from (a file name).
    pub source: String,
    /// The cohorts; shares add up to 1.
    pub cohorts: Vec<Cohort>,
}

impl CohortTable {
    /// Parses a cohort table: CSV with a header naming at least `cohort`, `share_pct`,
    /// `efficiency_j_per_th` and `power_cost_usd_per_kwh` (other columns, such as `as_of` and
    /// `source`, are kept out of the model). Shares are percent and must add up to 100 (±0.5).
    /// Errors name `name`, the line and the column.
    pub fn parse(name: &str, text: &str) -> Result<CohortTable, Error> {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(false)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = rdr
            .headers()
            .map_err(|e| Error::input(format!("{name}: {}", csv_message(&e))))?
            .clone();
        let col = |want: &str| -> Result<usize, Error> {
            headers.iter().position(|h| h == want).ok_or_else(|| {
                Error::input(format!(
                    "{name}: line 1: missing column `{want}` (the header needs cohort, share_pct, efficiency_j_per_th, power_cost_usd_per_kwh)"
                ))
            })
        };
        let c_label = col("cohort")?;
        let c_share = col("share_pct")?;
        let c_eff = col("efficiency_j_per_th")?;
        let c_cost = col("power_cost_usd_per_kwh")?;
        let mut cohorts = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| Error::input(format!("{name}: {}", csv_message(&e))))?;
            let line = rec.position().map_or(0, |p| p.line());
            let cell = |i: usize| rec.get(i).unwrap_or("");
            let number =
                |i: usize, positive: bool| -> Result<f64, Error> {
                    let raw = cell(i);
                    let v: Option<f64> = raw.parse().ok().filter(|v: &f64| v.is_finite());
                    match v {
                        Some(v) if v > 0.0 || (!positive && v >= 0.0) => Ok(v),
                        _ => {
                            Err(Error::input(format!(
                        "{name}: line {line}, column {} ({}): expected {} number, got {raw:?}",
                        i + 1,
                        &headers[i],
                        if positive { "a positive" } else { "a non-negative" }
                    )))
                        }
                    }
                };
            let label = cell(c_label).to_string();
            if label.is_empty() {
                return Err(Error::input(format!(
                    "{name}: line {line}, column {} (cohort): empty cohort name",
                    c_label + 1
                )));
            }
            cohorts.push(Cohort {
                label,
                share: number(c_share, false)? / 100.0,
                efficiency_j_per_th: number(c_eff, true)?,
                power_cost_usd_per_kwh: number(c_cost, false)?,
            });
        }
        if cohorts.is_empty() {
            return Err(Error::input(format!(
                "{name}: no cohorts (the table is empty)"
            )));
        }
        let total: f64 = cohorts.iter().map(|c| c.share).sum();
        if (total * 100.0 - 100.0).abs() > 0.5 {
            return Err(Error::input(format!(
                "{name}: column share_pct adds up to {}%, expected 100",
                (total * 1e6).round() / 1e4
            )));
        }
        for c in &mut cohorts {
            c.share /= total;
        }
        Ok(CohortTable {
            source: name.to_string(),
            cohorts,
        })
    }

    /// The embedded table (data/network_fleet.csv).
    pub fn embedded() -> CohortTable {
        // The embedded file is checked by a unit test; a parse failure is a build defect.
        CohortTable::parse(EMBEDDED_COHORTS_NAME, EMBEDDED_COHORTS_CSV)
            .unwrap_or_else(|e| panic!("embedded cohort table: {e}"))
    }

    /// Share-weighted efficiency, J/TH.
    pub fn efficiency_j_per_th(&self) -> f64 {
        self.cohorts
            .iter()
            .map(|c| c.share * c.efficiency_j_per_th)
            .sum()
    }

    /// Share-weighted median power cost, USD/kWh.
    pub fn power_cost_usd_per_kwh(&self) -> f64 {
        self.cohorts
            .iter()
            .map(|c| c.share * c.power_cost_usd_per_kwh)
            .sum()
    }
}

/// How the network responds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResponseParams {
    /// Time constant of switching off, days: after this long 63% of the hashrate that loses
    /// money is off (0 = all of it the next day).
    pub off_lag_days: f64,
    /// Time constant of switching back on, days.
    pub on_lag_days: f64,
    /// Share of the table's (old) cohorts retired each year, 0..1.
    pub retire_rate: f64,
    /// Efficiency of new hashrate, J/TH.
    pub new_efficiency_j_per_th: f64,
    /// Median power cost of new hashrate, USD/kWh.
    pub new_power_cost_usd_per_kwh: f64,
    /// Log standard deviation of the power cost within a cohort (0 = every machine of a cohort
    /// pays the same and switches at once).
    pub cost_spread: f64,
}

/// Default time constant of switching off, days (an assumption, see docs/risk.md: after the
/// April 2024 halving hashrate drifted down over months, not days).
pub const DEFAULT_OFF_LAG_DAYS: f64 = 30.0;
/// Default time constant of switching back on, days (an assumption).
pub const DEFAULT_ON_LAG_DAYS: f64 = 14.0;
/// Default annual retirement of old cohorts (an assumption: a ~10-year machine life).
pub const DEFAULT_RETIRE_RATE: f64 = 0.10;
/// Default efficiency of new hashrate: Antminer S21 XP, 13.5 J/TH (data/machines.csv).
pub const DEFAULT_NEW_EFFICIENCY_J_PER_TH: f64 = 13.5;
/// Default power cost of new hashrate: the Cambridge Digital Mining Industry Report's median
/// delivered electricity, $45/MWh (CCAF, April 2025; see data/network_fleet.csv).
pub const DEFAULT_NEW_POWER_COST_USD_PER_KWH: f64 = 0.045;
/// Default spread of power costs within a cohort (log standard deviation; an assumption
/// chosen so that the embedded table has 15-20% of its hashrate under water at $30/PH/day,
/// CoinShares' Q1-2026 estimate, which the table's shares were sized to without a spread).
pub const DEFAULT_COST_SPREAD: f64 = 0.15;

impl Default for ResponseParams {
    fn default() -> ResponseParams {
        ResponseParams {
            off_lag_days: DEFAULT_OFF_LAG_DAYS,
            on_lag_days: DEFAULT_ON_LAG_DAYS,
            retire_rate: DEFAULT_RETIRE_RATE,
            new_efficiency_j_per_th: DEFAULT_NEW_EFFICIENCY_J_PER_TH,
            new_power_cost_usd_per_kwh: DEFAULT_NEW_POWER_COST_USD_PER_KWH,
            cost_spread: DEFAULT_COST_SPREAD,
        }
    }
}

/// A cohort table and how it responds.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseModel {
    /// The cohorts.
    pub cohorts: CohortTable,
    /// The response.
    pub params: ResponseParams,
}

/// Least share of the installed hashrate that must run on day 0 (below it the snapshot's
/// hashrate would imply an absurd installed base).
pub const MIN_RUNNING_SHARE: f64 = 0.01;

impl ResponseModel {
    /// The embedded cohort table with default parameters.
    pub fn embedded() -> ResponseModel {
        ResponseModel {
            cohorts: CohortTable::embedded(),
            params: ResponseParams::default(),
        }
    }

    /// Checks the parameters; errors name the flag that sets each.
    pub fn validate(&self) -> Result<(), Error> {
        let p = &self.params;
        check_model("off-lag", p.off_lag_days, 1.0)?;
        check_model("on-lag", p.on_lag_days, 1.0)?;
        check_model("retire-rate", p.retire_rate, 100.0)?;
        check_model("cost-spread", p.cost_spread, 100.0)?;
        check_model("new-efficiency", p.new_efficiency_j_per_th, 1.0)?;
        check_model("new-power-cost", p.new_power_cost_usd_per_kwh, 1.0)?;
        Ok(())
    }

    /// Drivers that start from `network` (its hashrate is the day-0 running hashrate) and take
    /// price and fees from `paths`; the hashrate path's annual growth is the installed base's.
    pub fn drivers(
        &self,
        network: &NetworkState,
        paths: &PathDrivers,
    ) -> Result<ResponseDrivers, Error> {
        self.validate()?;
        let p = &self.params;
        let hp0 = hashprice_at_start(network, paths);
        let mut cohorts: Vec<CohortState> = self
            .cohorts
            .cohorts
            .iter()
            .map(|c| CohortState {
                installed_hs: c.share,
                running: 0.0,
                efficiency_j_per_th: c.efficiency_j_per_th,
                hashcost_usd_per_ph_day: c.hashcost_usd_per_ph_day(),
                ln_hashcost: c.hashcost_usd_per_ph_day().ln(),
                old: true,
            })
            .collect();
        let new_cost =
            hashcost_usd_per_ph_day(p.new_efficiency_j_per_th, p.new_power_cost_usd_per_kwh);
        cohorts.push(CohortState {
            installed_hs: 0.0,
            running: 0.0,
            efficiency_j_per_th: p.new_efficiency_j_per_th,
            hashcost_usd_per_ph_day: new_cost,
            ln_hashcost: new_cost.ln(),
            old: false,
        });
        for c in &mut cohorts {
            c.running = c.covered(hp0, hp0.ln(), 1.0 / p.cost_spread);
        }
        let running_share: f64 = cohorts.iter().map(|c| c.installed_hs * c.running).sum();
        if running_share < MIN_RUNNING_SHARE {
            return Err(Error::input(format!(
                "--network-model response: at the start's hashprice of ${:.2}/PH/day only {:.2}% of the cohort table ({}) covers its power cost, so no installed base can run the start's {:.1} EH/s; check --price and --difficulty or the cohort table",
                hp0,
                running_share * 100.0,
                self.cohorts.source,
                network.hashrate_eh_s()
            )));
        }
        let scale = network.hashrate_hs / running_share;
        for c in &mut cohorts {
            c.installed_hs *= scale;
        }
        let g = paths.hashrate_hs.annual_growth;
        let growth_log_daily = (1.0 + g).ln() / 365.0;
        let retire_log_daily = (1.0 - p.retire_rate).ln() / 365.0;
        let closed = |lag: f64| {
            if lag > 0.0 {
                1.0 - (-1.0 / lag).exp()
            } else {
                1.0
            }
        };
        Ok(ResponseDrivers {
            cohorts,
            price: paths.price_usd.clone(),
            fees: paths.fees_btc_per_block.clone(),
            growth_log_daily,
            retire_log_daily,
            daily: DailyFactors {
                keep: retire_log_daily.exp(),
                growth: growth_log_daily.exp(),
                closed_off: closed(p.off_lag_days),
                closed_on: closed(p.on_lag_days),
            },
            params: *p,
            last: None,
            last_hashprice: hp0,
            probe: Rc::new(Cell::new(NetworkMix::default())),
        })
    }
}

/// Hashprice on the start day, from the state's difficulty, next block's subsidy, fees and
/// price, USD/PH/day.
pub fn hashprice_at_start(network: &NetworkState, paths: &PathDrivers) -> f64 {
    let fees = paths.fees_btc_per_block.on(network.date);
    let price = paths.price_usd.on(network.date);
    let reward = chain::subsidy_btc(network.height + 1) + fees;
    chain::SECONDS_PER_DAY * 1e15 / (network.difficulty * chain::HASHES_PER_DIFFICULTY)
        * reward
        * price
}

/// Share of a cohort whose power cost is covered at `hashprice`, when the cohort's median
/// hashcost is `hashcost` and costs spread log-normally with log standard deviation `spread`.
pub fn covered_share(hashprice: f64, hashcost: f64, spread: f64) -> f64 {
    if hashcost <= 0.0 {
        return 1.0;
    }
    if hashprice.is_nan() || hashprice <= 0.0 {
        return 0.0;
    }
    if spread <= 0.0 {
        return if hashprice >= hashcost { 1.0 } else { 0.0 };
    }
    normal_cdf((hashprice / hashcost).ln() / spread)
}

/// Standard normal CDF (erfc approximation with fractional error below 1.2e-7).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct CohortState {
    installed_hs: f64,
    running: f64,
    efficiency_j_per_th: f64,
    hashcost_usd_per_ph_day: f64,
    ln_hashcost: f64,
    old: bool,
}

impl CohortState {
    /// As [`covered_share`], with the log of the hashprice given and a tabulated Φ.
    fn covered(&self, hashprice: f64, ln_hashprice: f64, inv_spread: f64) -> f64 {
        if self.hashcost_usd_per_ph_day <= 0.0 {
            1.0
        } else if hashprice.is_nan() || hashprice <= 0.0 {
            0.0
        } else if inv_spread.is_infinite() {
            if hashprice >= self.hashcost_usd_per_ph_day {
                1.0
            } else {
                0.0
            }
        } else {
            fast_normal_cdf((ln_hashprice - self.ln_hashcost) * inv_spread)
        }
    }
}

const CDF_TABLE_MAX: f64 = 8.0;
const CDF_TABLE_STEPS_PER_UNIT: f64 = 256.0;

/// Φ by linear interpolation in a table of [`normal_cdf`] over [-8, 8] at steps of 1/256
/// (error below 1e-6); 0 and 1 outside.
fn fast_normal_cdf(x: f64) -> f64 {
    static TABLE: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let n = (2.0 * CDF_TABLE_MAX * CDF_TABLE_STEPS_PER_UNIT) as usize;
        (0..=n)
            .map(|i| normal_cdf(-CDF_TABLE_MAX + i as f64 / CDF_TABLE_STEPS_PER_UNIT))
            .collect()
    });
    if x.is_nan() {
        return 0.0;
    }
    let h = (x + CDF_TABLE_MAX) * CDF_TABLE_STEPS_PER_UNIT;
    if h <= 0.0 {
        return 0.0;
    }
    if h >= (table.len() - 1) as f64 {
        return 1.0;
    }
    let i = h.floor() as usize;
    let f = h - i as f64;
    table[i] + (table[i + 1] - table[i]) * f
}

/// The network's machines on one day.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NetworkMix {
    /// The day.
    pub date: Option<NaiveDate>,
    /// Installed hashrate, H/s.
    pub installed_hs: f64,
    /// Running hashrate, H/s.
    pub running_hs: f64,
    /// Power draw of the running machines, W.
    pub power_w: f64,
}

impl NetworkMix {
    /// Share of the installed hashrate switched off, 0..=1.
    pub fn off_share(&self) -> f64 {
        if self.installed_hs > 0.0 {
            (1.0 - self.running_hs / self.installed_hs).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// Running-weighted efficiency, J/TH (`None` when nothing runs).
    pub fn efficiency_j_per_th(&self) -> Option<f64> {
        (self.running_hs > 0.0).then(|| self.power_w / (self.running_hs / 1e12))
    }

    /// Power draw, GW.
    pub fn power_gw(&self) -> f64 {
        self.power_w / 1e9
    }
}

/// A [`Drivers`] whose hashrate is the cohorts that run (see the module docs). Price and fees
/// follow their paths. Asking twice for the same date returns the same day.
#[derive(Debug, Clone)]
pub struct ResponseDrivers {
    cohorts: Vec<CohortState>,
    price: Path,
    fees: Path,
    growth_log_daily: f64,
    retire_log_daily: f64,
    params: ResponseParams,
    last: Option<(NaiveDate, DayDrivers)>,
    last_hashprice: f64,
    probe: Rc<Cell<NetworkMix>>,
    daily: DailyFactors,
}

/// The per-day factors of a one-day step, computed once.
#[derive(Debug, Clone, Copy)]
struct DailyFactors {
    keep: f64,
    growth: f64,
    closed_off: f64,
    closed_on: f64,
}

impl ResponseDrivers {
    /// A handle that always holds the mix of the last day the drivers produced (for rows
    /// written while the engine owns the drivers).
    pub fn probe(&self) -> Rc<Cell<NetworkMix>> {
        Rc::clone(&self.probe)
    }

    /// The current mix.
    pub fn mix(&self) -> NetworkMix {
        self.probe.get()
    }

    fn advance(&mut self, days: f64, hashprice: f64) {
        let p = self.params;
        let one_day = days == 1.0;
        let installed_before: f64 = self.cohorts.iter().map(|c| c.installed_hs).sum();
        let keep = if one_day {
            self.daily.keep
        } else {
            (self.retire_log_daily * days).exp()
        };
        let mut retired = 0.0;
        for c in self.cohorts.iter_mut().filter(|c| c.old) {
            retired += c.installed_hs * (1.0 - keep);
            c.installed_hs *= keep;
        }
        let growth_factor = if one_day {
            self.daily.growth
        } else {
            (self.growth_log_daily * days).exp()
        };
        let added = (installed_before * (growth_factor - 1.0) + retired).max(0.0);
        let ln_hp = hashprice.ln();
        let inv_spread = 1.0 / p.cost_spread;
        let closed = |lag: f64| {
            // First-order response: the gap to the target closes with time constant `lag`.
            if lag > 0.0 {
                1.0 - (-days / lag).exp()
            } else {
                1.0
            }
        };
        for c in &mut self.cohorts {
            if !c.old {
                c.installed_hs += added;
            }
            let target = c.covered(hashprice, ln_hp, inv_spread);
            let share = match (target < c.running, one_day) {
                (true, true) => self.daily.closed_off,
                (false, true) => self.daily.closed_on,
                (true, false) => closed(p.off_lag_days),
                (false, false) => closed(p.on_lag_days),
            };
            c.running += (target - c.running) * share;
        }
    }

    fn measure(&self, date: NaiveDate) -> NetworkMix {
        let mut m = NetworkMix {
            date: Some(date),
            ..NetworkMix::default()
        };
        for c in &self.cohorts {
            let run = c.installed_hs * c.running;
            m.installed_hs += c.installed_hs;
            m.running_hs += run;
            m.power_w += run / 1e12 * c.efficiency_j_per_th;
        }
        m
    }
}

impl Drivers for ResponseDrivers {
    fn day(&mut self, date: NaiveDate, prev: Option<&NetDay>) -> DayDrivers {
        if let Some((d, dd)) = self.last {
            if d == date {
                return dd;
            }
            if let Some(p) = prev {
                self.last_hashprice = p.hashprice_usd_per_ph_day();
            }
            let days = (date - d).num_days();
            if days > 0 {
                self.advance(days as f64, self.last_hashprice);
            }
        }
        let mix = self.measure(date);
        let dd = DayDrivers {
            hashrate_hs: mix.running_hs,
            price_usd: self.price.on(date),
            fees_btc_per_block: self.fees.on(date),
            hashprice_usd_per_ph_day: None,
        };
        self.last = Some((date, dd));
        self.probe.set(mix);
        dd
    }
}

/// Sets a row's network-mix columns from a mix.
pub fn fill_row(row: &mut ProjectionRow, mix: &NetworkMix) {
    row.network_installed_hashrate_eh_s = mix.installed_hs / 1e18;
    row.network_running_hashrate_eh_s = mix.running_hs / 1e18;
    row.network_off_share_pct = mix.off_share() * 100.0;
    row.network_efficiency_j_per_th = mix.efficiency_j_per_th();
    row.network_power_gw = Some(mix.power_gw());
}

/// As [`crate::model::projection::run_days`] on the response model: `f` gets each network day and
/// daily row (with the network-mix columns filled in).
pub fn for_each_day<F>(s: &Scenario, model: &ResponseModel, mut f: F) -> Result<(), Error>
where
    F: FnMut(&NetDay, &ProjectionRow) -> Result<(), Error>,
{
    s.validate()?;
    let drivers = model.drivers(&s.network, &s.drivers)?;
    let probe = drivers.probe();
    run_days(s, drivers, |net, row| {
        let mut row = row.clone();
        fill_row(&mut row, &probe.get());
        f(net, &row)
    })
}

/// Runs a scenario on the response model and keeps its daily rows.
pub fn project(s: &Scenario, model: &ResponseModel) -> Result<Projection, Error> {
    let mut p = Projection::default();
    for_each_day(s, model, |net, row| {
        p.push(net, row);
        Ok(())
    })?;
    Ok(p)
}

/// Runs a scenario on the response model and returns only its summary (no rows kept).
pub fn summarize(s: &Scenario, model: &ResponseModel) -> Result<Summary, Error> {
    let mut b = SummaryBuilder::new();
    for_each_day(s, model, |net, row| {
        b.push(net, row);
        Ok(())
    })?;
    Ok(b.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::projection::{Growth, Horizon};
    use crate::test_util::{d, fleet};

    /// January 2026: tip 935,423 (the last block before the 2026-02-07 retarget's epoch...
    /// here simply an epoch start), difficulty 141.67 T, BTC $89,000, fees 0.03 BTC/block.
    fn jan_2026() -> NetworkState {
        let difficulty = 141.668e12;
        NetworkState {
            date: d("2026-01-10"),
            height: 2016 * 463 - 1,
            difficulty,
            hashrate_hs: chain::hashrate_from_difficulty(difficulty),
            fees_btc_per_block: 0.03,
            price_usd: 89_000.0,
            epoch_elapsed_s: None,
            block_progress: 0.0,
        }
    }

    fn scenario(st: NetworkState, growth: Growth, days: i64) -> Scenario {
        Scenario::with_growth(st, growth, fleet(), Horizon::Days(days))
    }

    #[test]
    fn embedded_table_is_calibrated() {
        let t = CohortTable::embedded();
        assert_eq!(t.cohorts.len(), 10);
        let total: f64 = t.cohorts.iter().map(|c| c.share).sum();
        assert!((total - 1.0).abs() < 1e-12);
        assert!((t.efficiency_j_per_th() - 20.8).abs() < 0.05);
        assert!((t.power_cost_usd_per_kwh() - 0.048).abs() < 0.001);
        let running: f64 = t
            .cohorts
            .iter()
            .map(|c| {
                c.share * covered_share(30.0, c.hashcost_usd_per_ph_day(), DEFAULT_COST_SPREAD)
            })
            .sum();
        assert!((0.80..=0.85).contains(&running), "{running}");
    }

    #[test]
    fn normal_cdf_known_values() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.959_964) - 0.975).abs() < 1e-6);
        assert!((normal_cdf(-1.959_964) - 0.025).abs() < 1e-6);
        assert_eq!(covered_share(10.0, 20.0, 0.0), 0.0);
        assert_eq!(covered_share(20.0, 20.0, 0.0), 1.0);
        assert_eq!(covered_share(0.0, 20.0, 0.2), 0.0);
        assert_eq!(covered_share(5.0, 0.0, 0.2), 1.0);
        let mut last = 0.0;
        for i in 1..100 {
            let s = covered_share(i as f64, 30.0, 0.2);
            assert!(s >= last);
            last = s;
        }
    }

    #[test]
    fn tabulated_cdf_matches_the_exact_one() {
        let mut x = -9.0;
        while x < 9.0 {
            assert!((fast_normal_cdf(x) - normal_cdf(x)).abs() < 1e-6, "{x}");
            x += 0.0137;
        }
        assert_eq!(fast_normal_cdf(f64::NEG_INFINITY), 0.0);
        assert_eq!(fast_normal_cdf(f64::INFINITY), 1.0);
        assert_eq!(fast_normal_cdf(f64::NAN), 0.0);
    }

    #[test]
    fn bad_tables_name_file_line_and_column() {
        let head = "cohort,share_pct,efficiency_j_per_th,power_cost_usd_per_kwh\n";
        let cases = [
            (
                format!("{head}a,50,20,0.05\nb,50,fast,0.05\n"),
                "fleet.csv: line 3, column 3 (efficiency_j_per_th): expected a positive number, got \"fast\"",
            ),
            (
                format!("{head}a,50,20,-0.05\nb,50,20,0.05\n"),
                "fleet.csv: line 2, column 4 (power_cost_usd_per_kwh): expected a non-negative number, got \"-0.05\"",
            ),
            (
                format!("{head}a,50,20,0.05\nb,40,20,0.05\n"),
                "fleet.csv: column share_pct adds up to 90%, expected 100",
            ),
            (
                format!("{head}a,50,20\n"),
                "fleet.csv: line 2: 3 columns, expected 4 like the header",
            ),
            (
                "cohort,share_pct,efficiency_j_per_th\na,100,20\n".to_string(),
                "fleet.csv: line 1: missing column `power_cost_usd_per_kwh`",
            ),
            (head.to_string(), "fleet.csv: no cohorts (the table is empty)"),
            (
                format!("{head}a,100,NaN,0.05\n"),
                "fleet.csv: line 2, column 3 (efficiency_j_per_th): expected a positive number, got \"NaN\"",
            ),
        ];
        for (text, want) in cases {
            let e = CohortTable::parse("fleet.csv", &text)
                .unwrap_err()
                .to_string();
            assert!(e.starts_with(want), "{e}\nwanted {want}");
        }
    }

    #[test]
    fn day_zero_runs_the_states_hashrate() {
        let st = jan_2026();
        let s = scenario(st.clone(), Growth::default(), 5);
        let p = project(&s, &ResponseModel::embedded()).unwrap();
        let r0 = &p.rows[0];
        assert!((r0.network_hashrate_eh_s / st.hashrate_eh_s() - 1.0).abs() < 1e-12);
        assert_eq!(r0.network_running_hashrate_eh_s, r0.network_hashrate_eh_s);
        assert!(r0.network_installed_hashrate_eh_s > r0.network_running_hashrate_eh_s);
        let eff = r0.network_efficiency_j_per_th.unwrap();
        assert!(eff > 14.0 && eff < 21.0, "{eff}");
        let gw = r0.network_power_gw.unwrap();
        assert!((gw - r0.network_running_hashrate_eh_s * 1e6 * eff / 1e9).abs() < 1e-9);
    }

    #[test]
    fn steady_prices_without_turnover_match_the_fixed_model() {
        let st = jan_2026();
        let s = scenario(st, Growth::default(), 120);
        let model = ResponseModel {
            params: ResponseParams {
                retire_rate: 0.0,
                ..ResponseParams::default()
            },
            ..ResponseModel::embedded()
        };
        let fixed = crate::model::projection::project(&s).unwrap();
        let resp = project(&s, &model).unwrap();
        assert_eq!(fixed.rows.len(), resp.rows.len());
        for (a, b) in fixed.rows.iter().zip(&resp.rows) {
            assert!((a.network_hashrate_eh_s / b.network_hashrate_eh_s - 1.0).abs() < 1e-9);
            assert!((a.margin_usd - b.margin_usd).abs() < 1e-6 * a.margin_usd.abs().max(1.0));
            assert_eq!(a.events, b.events);
        }
    }

    /// February 2026, qualitatively: BTC falls from $89k to $69k early in an epoch, hashprice
    /// falls below the costs of the older cohorts, they switch off, blocks slow, the retargets
    /// lower the difficulty and hashprice recovers for those who stay; when BTC recovers to
    /// $74k, machines come back and a retarget raises the difficulty again. The fixed model
    /// sees none of it. (The real -11.16% also had Winter Storm Fern's curtailment in it; the
    /// fast variant shows how much larger the first drop is when miners react within days.)
    #[test]
    fn price_drop_switches_off_then_retarget_restores_hashprice() {
        let st = jan_2026();
        let start = st.date;
        let mut s = scenario(st, Growth::default(), 60);
        let day = |n: u64| start + chrono::Days::new(n);
        s.drivers.price_usd = s.drivers.price_usd.clone().with_points(&[
            (start, 89_000.0),
            (day(1), 89_000.0),
            (day(4), 69_000.0),
            (day(20), 69_000.0),
            (day(24), 74_000.0),
        ]);
        let retargets = |rows: &[ProjectionRow]| -> Vec<(usize, f64)> {
            rows.iter()
                .enumerate()
                .filter(|(_, r)| r.events.contains("retarget"))
                .map(|(i, r)| (i, retarget_ratio(&r.events)))
                .collect()
        };
        let p = project(&s, &ResponseModel::embedded()).unwrap();
        let rows = &p.rows;
        // Machines switch off after the drop; blocks slow.
        let before = rows[1].network_running_hashrate_eh_s;
        assert!(rows[12].network_running_hashrate_eh_s < before * 0.98);
        assert!(rows[12].network_off_share_pct > rows[1].network_off_share_pct + 2.0);
        assert!(rows[12].blocks < 142.0, "{}", rows[12].blocks);
        // The next two retargets lower the difficulty ...
        let rt = retargets(rows);
        assert!(rt[0].1 < 0.995 && rt[1].1 < 0.99, "{rt:?}");
        // ... and hashprice recovers for those who stay.
        let (i, _) = rt[0];
        let hp_before = rows[i - 1].hashprice_usd_per_ph_day;
        let hp_after = rows[i + 1].hashprice_usd_per_ph_day;
        assert!(hp_after > hp_before * 1.005, "{hp_before} -> {hp_after}");
        // BTC at $74k brings machines back on; a retarget raises the difficulty again.
        assert!(
            rows[45].network_running_hashrate_eh_s > rows[rt[1].0].network_running_hashrate_eh_s
        );
        assert!(rt[2..].iter().any(|&(_, r)| r > 1.0), "{rt:?}");
        // Miners who react within days make the first drop larger.
        let fast = ResponseModel {
            params: ResponseParams {
                off_lag_days: 5.0,
                on_lag_days: 3.0,
                ..ResponseParams::default()
            },
            ..ResponseModel::embedded()
        };
        let pf = project(&s, &fast).unwrap();
        let rtf = retargets(&pf.rows);
        assert!(rtf[0].1 < 0.97, "{rtf:?}");
        let (j, _) = rtf[0];
        assert!(
            pf.rows[j + 1].hashprice_usd_per_ph_day
                > pf.rows[j - 1].hashprice_usd_per_ph_day * 1.03
        );
        // The fixed model keeps its hashrate: difficulty stays put.
        let fixed = crate::model::projection::project(&s).unwrap();
        for (_, r) in retargets(&fixed.rows) {
            assert!((r - 1.0).abs() < 1e-6, "{r}");
        }
    }

    fn retarget_ratio(events: &str) -> f64 {
        let e = events
            .split("; ")
            .find(|e| e.starts_with("retarget"))
            .unwrap();
        let pct = e.rsplit(' ').next().unwrap().trim_end_matches('%');
        1.0 + pct.parse::<f64>().unwrap() / 100.0
    }

    #[test]
    fn halving_switches_off_and_difficulty_gives_part_back() {
        let mut st = jan_2026();
        st.height = 1_050_000 - 1000;
        st.price_usd = 100_000.0;
        let s = Scenario::with_growth(
            st,
            Growth::default(),
            fleet(),
            Horizon::Halving {
                height: 1_050_000,
                after_days: 120,
            },
        );
        let p = project(&s, &ResponseModel::embedded()).unwrap();
        let hday = p
            .rows
            .iter()
            .position(|r| r.events.contains("halving"))
            .unwrap();
        let pre = &p.rows[hday - 1];
        let post = &p.rows[hday + 1];
        assert!(post.hashprice_usd_per_ph_day < pre.hashprice_usd_per_ph_day * 0.55);
        let last = p.rows.last().unwrap();
        assert!(last.network_running_hashrate_eh_s < pre.network_running_hashrate_eh_s * 0.95);
        assert!(last.difficulty < pre.difficulty * 0.95);
        assert!(last.hashprice_usd_per_ph_day > post.hashprice_usd_per_ph_day * 1.05);
        assert!(last.hashprice_usd_per_ph_day < pre.hashprice_usd_per_ph_day);
    }

    #[test]
    fn growth_adds_new_efficient_hashrate_and_old_retires() {
        let st = jan_2026();
        let s = scenario(
            st,
            Growth {
                hashrate: 0.5,
                ..Growth::default()
            },
            366,
        );
        let p = project(&s, &ResponseModel::embedded()).unwrap();
        let (a, b) = (&p.rows[0], &p.rows[365]);
        let g = b.network_installed_hashrate_eh_s / a.network_installed_hashrate_eh_s;
        assert!((g - 1.5).abs() < 1e-6, "{g}");
        assert!(b.network_efficiency_j_per_th.unwrap() < a.network_efficiency_j_per_th.unwrap());
    }

    #[test]
    fn nothing_profitable_at_start_is_an_error() {
        let mut st = jan_2026();
        st.price_usd = 5_000.0;
        let s = scenario(st, Growth::default(), 5);
        let e = project(&s, &ResponseModel::embedded())
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("--network-model response: at the start's hashprice of $2.24/PH/day"),
            "{e}"
        );
    }

    #[test]
    fn bad_params_name_the_parameter() {
        let mut m = ResponseModel::embedded();
        m.params.off_lag_days = -1.0;
        assert_eq!(
            m.validate().unwrap_err().to_string(),
            "off-lag must be between 0 and 365, got -1"
        );
        m.params.off_lag_days = 1.0;
        m.params.retire_rate = 1.5;
        assert_eq!(
            m.validate().unwrap_err().to_string(),
            "retire-rate must be between 0 and 99, got 150"
        );
    }
}
