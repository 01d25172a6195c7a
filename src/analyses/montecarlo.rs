//! Monte Carlo: many price (and optionally hashrate) paths through the same scenario, summed
//! up as percentile bands per period, the probability of a cumulative loss and the
//! distribution of the payback date.
//!
//! - **Price** follows geometric Brownian motion around the scenario's price path: each day
//!   `ln X += -σ²/2 · dt + σ · √dt · Z` with `dt = 1/365` and `Z` standard normal, and the
//!   day's price is the path's price × `X`. So the *mean* price follows the path (the drift is
//!   `--price-growth`) and the median runs below it by `exp(-σ²t/2)`. `σ` is the annual
//!   volatility (`--price-vol`).
//! - **Hashrate**, optionally, gets its own independent factor of the same form
//!   (`--hashrate-vol`), on top of the fixed path or the response model's running hashrate.
//! - Each path has its own ChaCha8 stream: the generator is seeded from `seed`, and path `i`
//!   reads stream `i`. Paths run in parallel (rayon) and write into their own slots, and every
//!   statistic is computed in path order, so a seeded run is bit-identical on any machine and
//!   any number of threads.
//! - Every path runs the same number of days: the central (noise-free) run's horizon. Periods
//!   are the central run's (for `epoch`, its epochs).
//! - Memory is bounded by paths × periods (one value per path, period and band metric), never
//!   paths × days: each path streams its days into per-period accumulators.
//! - Percentiles interpolate linearly between order statistics (type 7, as numpy and R's
//!   default). The payback date percentiles take the nearest rank, and are empty when that
//!   share of paths does not pay back within the horizon.

use chrono::NaiveDate;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use serde::Serialize;

use crate::error::Error;
use std::sync::Arc;

use crate::model::engine::{ChainWalk, DayDrivers, Drivers, NetDay};
use crate::model::lean::{discount_factors, DayIn, DayOut, LeanChain, LeanFleet};
use crate::model::network_model::NetworkModel;
use crate::model::projection::{run_days, walk, Horizon, Period, ProjectionRow, Scenario};

/// The percentiles every band reports.
pub const PERCENTILES: [f64; 5] = [5.0, 25.0, 50.0, 75.0, 95.0];

/// Most memory the per-period samples may take, bytes (paths × periods × 5 values × 8 bytes).
pub const MAX_SAMPLE_BYTES: usize = 1 << 30;

/// Most paths a run takes.
pub const MAX_PATHS: usize = 10_000_000;

/// How a Monte Carlo run goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonteCarlo {
    /// Number of paths (at least 1).
    pub paths: usize,
    /// Annual volatility of the price, fraction (0.6 = 60%).
    pub price_vol: f64,
    /// Annual volatility of the network hashrate, fraction (0 = none).
    pub hashrate_vol: f64,
    /// The seed.
    pub seed: u64,
    /// Rows per period.
    pub period: Period,
    /// Keep per-period bands (false: the summary only, memory bounded by the paths).
    pub bands: bool,
}

impl MonteCarlo {
    /// Checks the settings; errors name the flag.
    pub fn validate(&self) -> Result<(), Error> {
        if self.paths == 0 || self.paths > MAX_PATHS {
            return Err(Error::input(format!(
                "--paths must be between 1 and {MAX_PATHS}, got {}",
                self.paths
            )));
        }
        for (name, v) in [
            ("--price-vol", self.price_vol),
            ("--hashrate-vol", self.hashrate_vol),
        ] {
            if !(v.is_finite() && (0.0..=5.0).contains(&v)) {
                return Err(Error::input(format!(
                    "{name} must be between 0 and 500 (% a year), got {}",
                    v * 100.0
                )));
            }
        }
        Ok(())
    }
}

/// Drivers that multiply another's price and hashrate by geometric Brownian factors.
#[derive(Debug, Clone)]
pub struct NoisyDrivers<D> {
    inner: D,
    noise: Noise,
    last: Option<(NaiveDate, DayDrivers)>,
}

/// One path's geometric Brownian factors: the logs of the price's and the hashrate's, stepped
/// a day at a time from path `path`'s ChaCha8 stream.
#[derive(Debug, Clone)]
struct Noise {
    rng: ChaCha8Rng,
    hashrate_vol: f64,
    /// Each day's drift and scale of the price's log: `-σ²/2 · dt` and `σ · √dt`.
    price_drift: f64,
    price_scale: f64,
    /// The same for the hashrate's.
    hashrate_drift: f64,
    hashrate_scale: f64,
    log_price: f64,
    log_hashrate: f64,
}

impl<D: Drivers> NoisyDrivers<D> {
    /// Path `path` of the run seeded with `seed`: stream `path` of ChaCha8 seeded from `seed`.
    pub fn new(inner: D, seed: u64, path: u64, price_vol: f64, hashrate_vol: f64) -> Self {
        NoisyDrivers {
            inner,
            noise: Noise::new(seed, path, price_vol, hashrate_vol),
            last: None,
        }
    }
}

impl Noise {
    fn new(seed: u64, path: u64, price_vol: f64, hashrate_vol: f64) -> Noise {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(path);
        // The day's step is `-0.5 * s * s * dt + s * dt.sqrt() * z`: both products of `s` and
        // `dt` are the same every day, so they are computed once (the same operations in the
        // same order, so the same values).
        let dt = 1.0 / 365.0;
        let drift = |s: f64| -0.5 * s * s * dt;
        let scale = |s: f64| s * f64::sqrt(dt);
        Noise {
            rng,
            hashrate_vol,
            price_drift: drift(price_vol),
            price_scale: scale(price_vol),
            hashrate_drift: drift(hashrate_vol),
            hashrate_scale: scale(hashrate_vol),
            log_price: 0.0,
            log_hashrate: 0.0,
        }
    }

    #[inline(always)]
    fn step(&mut self) {
        let z: f64 = StandardNormal.sample(&mut self.rng);
        self.log_price += self.price_drift + self.price_scale * z;
        if self.hashrate_vol > 0.0 {
            let z: f64 = StandardNormal.sample(&mut self.rng);
            self.log_hashrate += self.hashrate_drift + self.hashrate_scale * z;
        }
    }
}

impl<D: Drivers> Drivers for NoisyDrivers<D> {
    fn uses_prev(&self) -> bool {
        self.inner.uses_prev()
    }

    fn day(&mut self, date: NaiveDate, prev: Option<&NetDay>) -> DayDrivers {
        if let Some((d, dd)) = self.last {
            if d == date {
                return dd;
            }
            for _ in 0..(date - d).num_days().max(0) {
                self.noise.step();
            }
        }
        let n = &self.noise;
        let mut dd = self.inner.day(date, prev);
        dd.price_usd *= n.log_price.exp();
        // A hashprice path moves with the price (the BTC a PH/s earns is the path's).
        if let Some(hp) = dd.hashprice_usd_per_ph_day.as_mut() {
            *hp *= n.log_price.exp();
        }
        if n.hashrate_vol > 0.0 {
            dd.hashrate_hs *= n.log_hashrate.exp();
        }
        self.last = Some((date, dd));
        dd
    }
}

/// One period's percentile bands. One flat row for CSV, JSON and NDJSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BandRow {
    /// First day of the period (UTC).
    #[serde(serialize_with = "crate::model::serialize_ymd")]
    pub date: NaiveDate,
    /// Days in the period.
    pub days: u32,
    /// Paths.
    pub paths: u64,
    /// Mean BTC price over the period, USD: 5th percentile of the paths.
    pub btc_price_usd_p5: f64,
    /// 25th percentile.
    pub btc_price_usd_p25: f64,
    /// Median.
    pub btc_price_usd_p50: f64,
    /// 75th percentile.
    pub btc_price_usd_p75: f64,
    /// 95th percentile.
    pub btc_price_usd_p95: f64,
    /// Mean hashprice over the period, USD/PH/day: 5th percentile.
    pub hashprice_usd_per_ph_day_p5: f64,
    /// 25th percentile.
    pub hashprice_usd_per_ph_day_p25: f64,
    /// Median.
    pub hashprice_usd_per_ph_day_p50: f64,
    /// 75th percentile.
    pub hashprice_usd_per_ph_day_p75: f64,
    /// 95th percentile.
    pub hashprice_usd_per_ph_day_p95: f64,
    /// The fleet's margin over the period, USD: 5th percentile.
    pub margin_usd_p5: f64,
    /// 25th percentile.
    pub margin_usd_p25: f64,
    /// Median.
    pub margin_usd_p50: f64,
    /// 75th percentile.
    pub margin_usd_p75: f64,
    /// 95th percentile.
    pub margin_usd_p95: f64,
    /// Margin since the start, through the end of the period, USD: 5th percentile.
    pub cumulative_margin_usd_p5: f64,
    /// 25th percentile.
    pub cumulative_margin_usd_p25: f64,
    /// Median.
    pub cumulative_margin_usd_p50: f64,
    /// 75th percentile.
    pub cumulative_margin_usd_p75: f64,
    /// 95th percentile.
    pub cumulative_margin_usd_p95: f64,
    /// Share of paths whose cumulative margin less capex is below zero at the period's end, %.
    pub cumulative_loss_probability_pct: f64,
}

/// A Monte Carlo run summed up. One flat row.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct McSummary {
    /// First day.
    pub start: Option<NaiveDate>,
    /// Last day.
    pub end: Option<NaiveDate>,
    /// Days every path runs.
    pub days: u32,
    /// Paths.
    pub paths: u64,
    /// The seed.
    pub seed: u64,
    /// Annual price volatility, %.
    pub price_vol_pct: f64,
    /// Annual hashrate volatility, %.
    pub hashrate_vol_pct: f64,
    /// The fleet's capex, USD.
    pub capex_usd: f64,
    /// Share of paths whose margin over the horizon, less capex, is below zero, %.
    pub loss_probability_pct: f64,
    /// Margin over the horizon less capex, USD: mean of the paths.
    pub net_usd_mean: f64,
    /// 5th percentile.
    pub net_usd_p5: f64,
    /// 25th percentile.
    pub net_usd_p25: f64,
    /// Median.
    pub net_usd_p50: f64,
    /// 75th percentile.
    pub net_usd_p75: f64,
    /// 95th percentile.
    pub net_usd_p95: f64,
    /// Share of paths that pay back the capex within the horizon, % (empty without capex).
    pub paid_back_pct: Option<f64>,
    /// Payback date: 5th percentile (the earliest 5% of paths; empty: fewer paid back).
    pub payback_date_p5: Option<NaiveDate>,
    /// 25th percentile.
    pub payback_date_p25: Option<NaiveDate>,
    /// Median.
    pub payback_date_p50: Option<NaiveDate>,
    /// 75th percentile.
    pub payback_date_p75: Option<NaiveDate>,
    /// 95th percentile.
    pub payback_date_p95: Option<NaiveDate>,
}

/// A whole Monte Carlo run.
#[derive(Debug, Clone)]
pub struct McResult {
    /// Bands per period (empty when bands were not asked for).
    pub bands: Vec<BandRow>,
    /// The summary.
    pub summary: McSummary,
    /// The central (noise-free) run's daily rows, for reference and charts.
    pub central: Vec<ProjectionRow>,
}

/// Band metrics per period and path.
const METRICS: usize = 5; // price mean, hashprice mean, margin sum, cum margin end, cum net end

/// The periods of the central run: each day's period index, and each period's first date.
fn periods(central: &[(ProjectionRow, u64)], period: Period) -> (Vec<u32>, Vec<(NaiveDate, u32)>) {
    let mut day_period = Vec::with_capacity(central.len());
    let mut spans: Vec<(NaiveDate, u32)> = Vec::new();
    let mut last_key = None;
    for (row, epoch) in central {
        let key = period.key(row.date, *epoch);
        if last_key != Some(key) {
            spans.push((row.date, 0));
            last_key = Some(key);
        }
        if let Some(s) = spans.last_mut() {
            s.1 += 1;
        }
        day_period.push(spans.len() as u32 - 1);
    }
    (day_period, spans)
}

/// Linear-interpolation percentile (type 7) of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p / 100.0;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (h - lo as f64)
}

fn bands_of(values: &mut [f64]) -> [f64; 5] {
    values.sort_unstable_by(f64::total_cmp);
    PERCENTILES.map(|p| percentile(values, p))
}

/// What one path leaves behind besides its per-period samples.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PathEnd {
    /// Margin over the horizon less capex, USD.
    pub net_usd: f64,
    /// The day (0 = the first) the path last paid back its capex: the first day its cumulative
    /// margin less the capex spent so far is at or above zero after the last capex that put it
    /// under water (`None`: not paid back at the end).
    pub payback_day: Option<u32>,
}

/// One day of one path, as the per-path statistics read it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PathDay {
    /// BTC price, USD.
    pub btc_price_usd: f64,
    /// Hashprice, USD/PH/day.
    pub hashprice_usd_per_ph_day: f64,
    /// The fleet's margin, USD.
    pub margin_usd: f64,
    /// Margin since the start, USD.
    pub cumulative_margin_usd: f64,
    /// Cumulative margin less capex plus resale, USD.
    pub cumulative_net_usd: f64,
    /// Capex spent this day, USD.
    pub capex_usd: f64,
}

impl PathDay {
    /// A path day from a projection row.
    pub fn of_row(r: &ProjectionRow) -> PathDay {
        PathDay {
            btc_price_usd: r.btc_price_usd,
            hashprice_usd_per_ph_day: r.hashprice_usd_per_ph_day,
            margin_usd: r.margin_usd,
            cumulative_margin_usd: r.cumulative_margin_usd,
            cumulative_net_usd: r.cumulative_net_usd,
            capex_usd: r.capex_usd,
        }
    }
}

/// Computes the paths of a run, one at a time ([`PathRunner::run_path`]), each from its own
/// stream whichever paths run beside it.
///
/// A plain fleet ([`LeanFleet::of`]) on the fixed network model runs in the lean lane: with
/// price noise alone the network's days are the same on every path, so the chain is walked
/// once and each path runs its prices over the arrays; with hashrate noise each path walks its
/// own chain, from the central run's drivers computed once. Anything else runs the engine and
/// the books per path. Both give the same days to the bit (a test compares them).
#[derive(Debug)]
pub struct PathRunner<'a> {
    scenario: Scenario,
    model: &'a NetworkModel,
    mc: MonteCarlo,
    days: usize,
    lane: Lane,
}

#[derive(Debug)]
enum Lane {
    General,
    SharedChain {
        fleet: LeanFleet,
        chain: LeanChain,
        factors: Arc<[f64]>,
    },
    OwnChain {
        fleet: LeanFleet,
        days: Vec<CentralDay>,
    },
}

/// The central run's drivers by day, and the day's discount factor: what a path's chain walk
/// and the lean loop read of each day, side by side.
#[derive(Debug, Clone, Copy)]
struct CentralDay {
    price_usd: f64,
    hashrate_hs: f64,
    fees_btc_per_block: f64,
    factor: f64,
}

impl<'a> PathRunner<'a> {
    /// The runner of `mc`'s paths of `days` days over `s` (the central run's horizon).
    pub fn new(
        s: &Scenario,
        model: &'a NetworkModel,
        mc: &MonteCarlo,
        days: usize,
    ) -> Result<PathRunner<'a>, Error> {
        let mut r = PathRunner::general(s, model, mc, days);
        let lean = LeanFleet::of(&s.fleet, s.start())
            .filter(|_| model.response().is_none() && s.drivers.hashprice_usd_per_ph_day.is_none());
        let (Some(fleet), true) = (lean, days > 0) else {
            return Ok(r);
        };
        let factors = discount_factors(fleet.discount_rate(), days);
        if mc.hashrate_vol > 0.0 {
            let mut d = model.drivers(&r.scenario)?;
            let days = (0..days)
                .map(|i| {
                    let dd = d.day(s.start() + chrono::Days::new(i as u64), None);
                    CentralDay {
                        price_usd: dd.price_usd,
                        hashrate_hs: dd.hashrate_hs,
                        fees_btc_per_block: dd.fees_btc_per_block,
                        factor: factors[i],
                    }
                })
                .collect();
            r.lane = Lane::OwnChain { fleet, days };
        } else {
            let mut chain = LeanChain::with_capacity(days);
            walk(&r.scenario, model.drivers(&r.scenario)?, |net, _| {
                chain.push(&net);
                Ok(())
            })?;
            if chain.len() == days && chain.is_consecutive() {
                r.lane = Lane::SharedChain {
                    fleet,
                    chain,
                    factors,
                };
            }
        }
        Ok(r)
    }

    /// The runner that runs the engine and the books on every path (the reference).
    pub fn general(
        s: &Scenario,
        model: &'a NetworkModel,
        mc: &MonteCarlo,
        days: usize,
    ) -> PathRunner<'a> {
        PathRunner {
            scenario: Scenario {
                horizon: Horizon::Days(days as i64),
                ..s.clone()
            },
            model,
            mc: *mc,
            days,
            lane: Lane::General,
        }
    }

    /// Runs path `i`, handing its days to `f` in order.
    pub fn run_path(&self, i: usize, mut f: impl FnMut(&PathDay)) -> Result<(), Error> {
        let mc = &self.mc;
        let path_day = |d: &DayIn, o: &DayOut| PathDay {
            btc_price_usd: d.price,
            hashprice_usd_per_ph_day: d.hashvalue * d.price,
            margin_usd: o.margin_usd,
            cumulative_margin_usd: o.cumulative_margin_usd,
            cumulative_net_usd: o.cumulative_net_usd,
            capex_usd: o.capex_usd,
        };
        match &self.lane {
            Lane::General => {
                let drivers = NoisyDrivers::new(
                    self.model.drivers(&self.scenario)?,
                    mc.seed,
                    i as u64,
                    mc.price_vol,
                    mc.hashrate_vol,
                );
                run_days(&self.scenario, drivers, |_, row| {
                    f(&PathDay::of_row(row));
                    Ok(())
                })
            }
            Lane::SharedChain {
                fleet,
                chain,
                factors,
            } => {
                let mut noise = Noise::new(mc.seed, i as u64, mc.price_vol, mc.hashrate_vol);
                fleet.run_outcomes(
                    self.days,
                    |d| {
                        if d > 0 {
                            noise.step();
                        }
                        DayIn {
                            hashvalue: chain.hashvalue_btc_per_ph_day[d],
                            price: chain.price_usd[d] * noise.log_price.exp(),
                            hashrate: chain.hashrate_hs[d],
                            blocks: chain.blocks[d],
                            factor: factors[d],
                        }
                    },
                    |_, d, o| f(&path_day(d, o)),
                );
                Ok(())
            }
            Lane::OwnChain { fleet, days } => {
                // What the engine would give the lean loop of each day over the central
                // drivers times this path's factors, from the chain alone: the same factors on
                // the same days (counted by day, not by date), the same chain arithmetic.
                let mut noise = Noise::new(mc.seed, i as u64, mc.price_vol, mc.hashrate_vol);
                let mut walk = ChainWalk::new(&self.scenario.network);
                let days = &days[..self.days];
                fleet.run_outcomes(
                    days.len(),
                    |d| {
                        if d > 0 {
                            noise.step();
                        }
                        let c = &days[d];
                        let price = c.price_usd * noise.log_price.exp();
                        let hashrate = c.hashrate_hs * noise.log_hashrate.exp();
                        let (blocks, hashvalue) = walk.day(hashrate, c.fees_btc_per_block);
                        DayIn {
                            hashvalue,
                            price,
                            hashrate,
                            blocks,
                            factor: c.factor,
                        }
                    },
                    |_, d, o| f(&path_day(d, o)),
                );
                Ok(())
            }
        }
    }
}

/// Values [`PathSet`] keeps per path and period, in this order: the period's mean BTC price,
/// mean hashprice, margin, cumulative margin at its end, cumulative margin less capex at its end.
pub const METRIC_NAMES: [&str; METRICS] = [
    "btc_price_usd",
    "hashprice_usd_per_ph_day",
    "margin_usd",
    "cumulative_margin_usd",
    "cumulative_net_usd",
];

/// The noise-free run a Monte Carlo run is built around: its days fix the horizon, its
/// periods the bands.
#[derive(Debug, Clone)]
pub struct Central {
    rows: Vec<(ProjectionRow, u64)>,
    day_period: Vec<u32>,
    spans: Vec<(NaiveDate, u32)>,
    n_periods: usize,
}

impl Central {
    /// Days every path runs.
    pub fn days(&self) -> usize {
        self.rows.len()
    }

    /// Values each path keeps: periods × [`METRIC_NAMES`] (none without bands).
    pub fn values_per_path(&self) -> usize {
        self.n_periods * METRICS
    }
}

/// Some paths of a run (all of them, or one shard's): each path's per-period values
/// ([`METRIC_NAMES`] for each period, periods in order) and its end.
#[derive(Debug, Clone, PartialEq)]
pub struct PathSet {
    /// The index of the first path.
    pub first: usize,
    /// Values per path.
    pub per_path: usize,
    /// `ends.len() × per_path` values, path by path.
    pub samples: Vec<f64>,
    /// One per path.
    pub ends: Vec<PathEnd>,
}

impl PathSet {
    /// Paths `first..first + n`, zeroed, with `per_path` values each.
    pub fn zeroed(first: usize, n: usize, per_path: usize) -> PathSet {
        PathSet {
            first,
            per_path,
            samples: vec![0.0; n * per_path],
            ends: vec![PathEnd::default(); n],
        }
    }

    /// Path `first + i`'s values.
    pub fn values(&self, i: usize) -> &[f64] {
        &self.samples[i * self.per_path..(i + 1) * self.per_path]
    }
}

/// Runs the central (noise-free) run and lays out its periods; errors when the whole run's
/// bands would take more than [`MAX_SAMPLE_BYTES`].
pub fn central(s: &Scenario, model: &NetworkModel, mc: &MonteCarlo) -> Result<Central, Error> {
    mc.validate()?;
    s.validate()?;
    // The central run fixes the horizon in days and the periods.
    let mut rows: Vec<(ProjectionRow, u64)> = Vec::new();
    let mut push = |net: &NetDay, row: &ProjectionRow| {
        rows.push((row.clone(), net.epoch));
        Ok(())
    };
    run_days(s, model.drivers(s)?, &mut push)?;
    let (day_period, spans) = periods(&rows, mc.period);
    let n_periods = if mc.bands { spans.len() } else { 0 };
    let per_path = n_periods * METRICS;
    let bytes = mc.paths.saturating_mul(per_path).saturating_mul(8);
    if bytes > MAX_SAMPLE_BYTES {
        return Err(Error::input(format!(
            "--paths {} over {} periods needs {} MB for the percentile bands (at most {} MB): use a longer --period, fewer --paths, or --summary-only",
            mc.paths,
            spans.len(),
            bytes >> 20,
            MAX_SAMPLE_BYTES >> 20
        )));
    }
    Ok(Central {
        rows,
        day_period,
        spans,
        n_periods,
    })
}

/// Runs `mc` over the scenario on a network model.
/// `progress` is called once per finished path (from any thread).
pub fn run(
    s: &Scenario,
    model: &NetworkModel,
    mc: &MonteCarlo,
    progress: &(dyn Fn() + Sync),
) -> Result<McResult, Error> {
    let c = central(s, model, mc)?;
    let paths = run_paths(s, model, mc, &c, 0..mc.paths, progress)?;
    Ok(finish(s, mc, c, &paths))
}

/// [`run`], with `general` the engine and the books on every path.
#[cfg(test)]
fn run_on(
    s: &Scenario,
    model: &NetworkModel,
    mc: &MonteCarlo,
    progress: &(dyn Fn() + Sync),
    general: bool,
) -> Result<McResult, Error> {
    let c = central(s, model, mc)?;
    let paths = run_paths_on(s, model, mc, &c, 0..mc.paths, progress, general)?;
    Ok(finish(s, mc, c, &paths))
}

/// Runs the paths `range` of `mc` (a shard's, or all of them); path `i` reads stream `i`
/// whichever paths run beside it. `progress` is called once per finished path.
pub fn run_paths(
    s: &Scenario,
    model: &NetworkModel,
    mc: &MonteCarlo,
    c: &Central,
    range: std::ops::Range<usize>,
    progress: &(dyn Fn() + Sync),
) -> Result<PathSet, Error> {
    run_paths_on(s, model, mc, c, range, progress, false)
}

/// [`run_paths`], with `general` the engine and the books on every path.
fn run_paths_on(
    s: &Scenario,
    model: &NetworkModel,
    mc: &MonteCarlo,
    c: &Central,
    range: std::ops::Range<usize>,
    progress: &(dyn Fn() + Sync),
    general: bool,
) -> Result<PathSet, Error> {
    let Central {
        rows: central,
        day_period,
        spans,
        n_periods,
    } = c;
    let n_periods = *n_periods;
    let days = central.len();
    let per_path = n_periods * METRICS;
    let runner = if general {
        PathRunner::general(s, model, mc, days)
    } else {
        PathRunner::new(s, model, mc, days)?
    };
    let mut set = PathSet::zeroed(range.start, range.len(), per_path);
    let run_path = |i: usize, slot: &mut [f64], end: &mut PathEnd| -> Result<(), Error> {
        let mut d = 0usize;
        let mut spent = 0.0;
        let mut f = |row: &PathDay| {
            if n_periods > 0 {
                let k = day_period[d] as usize;
                let acc = &mut slot[k * METRICS..(k + 1) * METRICS];
                acc[0] += row.btc_price_usd;
                acc[1] += row.hashprice_usd_per_ph_day;
                acc[2] += row.margin_usd;
                acc[3] = row.cumulative_margin_usd;
                acc[4] = row.cumulative_net_usd;
            }
            // Payback as the summary counts it: once capex is spent, and again after capex
            // that puts the fleet back under water (a later deployment).
            spent += row.capex_usd;
            if row.capex_usd > 0.0 && row.cumulative_net_usd < 0.0 {
                end.payback_day = None;
            }
            if spent > 0.0 && end.payback_day.is_none() && row.cumulative_net_usd >= 0.0 {
                end.payback_day = Some(d as u32);
            }
            end.net_usd = row.cumulative_net_usd;
            d += 1;
        };
        runner.run_path(i, &mut f)?;
        for k in 0..n_periods {
            let n = spans[k].1 as f64;
            slot[k * METRICS] /= n;
            slot[k * METRICS + 1] /= n;
        }
        progress();
        Ok(())
    };
    let first = range.start;
    if per_path > 0 {
        set.samples
            .par_chunks_mut(per_path)
            .zip(set.ends.par_iter_mut())
            .enumerate()
            .try_for_each(|(i, (slot, end))| run_path(first + i, slot, end))?;
    } else {
        set.ends
            .par_iter_mut()
            .enumerate()
            .try_for_each(|(i, end)| run_path(first + i, &mut [], end))?;
    }
    Ok(set)
}

/// The bands and the summary of a whole run's paths (`paths` holds every path, from 0).
pub fn finish(s: &Scenario, mc: &MonteCarlo, c: Central, paths: &PathSet) -> McResult {
    let Central {
        rows: central,
        spans,
        n_periods,
        ..
    } = c;
    let per_path = paths.per_path;
    let samples = &paths.samples;
    let capex = s.fleet.capex_usd;
    // Bands, in period order; each column gathered in path order.
    let mut bands = Vec::with_capacity(n_periods);
    let mut column = vec![0.0f64; mc.paths];
    for (k, &(date, ndays)) in spans.iter().enumerate().take(n_periods) {
        let mut b = [[0.0; 5]; 4];
        for (m, band) in b.iter_mut().enumerate() {
            for (p, v) in column.iter_mut().enumerate() {
                *v = samples[p * per_path + k * METRICS + m];
            }
            *band = bands_of(&mut column);
        }
        let losses = (0..mc.paths)
            .filter(|&p| samples[p * per_path + k * METRICS + 4] < 0.0)
            .count();
        bands.push(BandRow {
            date,
            days: ndays,
            paths: mc.paths as u64,
            btc_price_usd_p5: b[0][0],
            btc_price_usd_p25: b[0][1],
            btc_price_usd_p50: b[0][2],
            btc_price_usd_p75: b[0][3],
            btc_price_usd_p95: b[0][4],
            hashprice_usd_per_ph_day_p5: b[1][0],
            hashprice_usd_per_ph_day_p25: b[1][1],
            hashprice_usd_per_ph_day_p50: b[1][2],
            hashprice_usd_per_ph_day_p75: b[1][3],
            hashprice_usd_per_ph_day_p95: b[1][4],
            margin_usd_p5: b[2][0],
            margin_usd_p25: b[2][1],
            margin_usd_p50: b[2][2],
            margin_usd_p75: b[2][3],
            margin_usd_p95: b[2][4],
            cumulative_margin_usd_p5: b[3][0],
            cumulative_margin_usd_p25: b[3][1],
            cumulative_margin_usd_p50: b[3][2],
            cumulative_margin_usd_p75: b[3][3],
            cumulative_margin_usd_p95: b[3][4],
            cumulative_loss_probability_pct: losses as f64 / mc.paths as f64 * 100.0,
        });
    }
    let summary = summarize(s, mc, &central, &paths.ends, capex);
    McResult {
        bands,
        summary,
        central: central.into_iter().map(|(r, _)| r).collect(),
    }
}

fn summarize(
    s: &Scenario,
    mc: &MonteCarlo,
    central: &[(ProjectionRow, u64)],
    ends: &[PathEnd],
    capex: f64,
) -> McSummary {
    let n = ends.len().max(1) as f64;
    let mut net: Vec<f64> = ends.iter().map(|e| e.net_usd).collect();
    let mean = net.iter().sum::<f64>() / n;
    let losses = net.iter().filter(|v| **v < 0.0).count();
    let nb = bands_of(&mut net);
    let start = central.first().map(|(r, _)| r.date);
    let date_of = |d: u32| start.map(|s0| s0 + chrono::Days::new(d as u64));
    let (paid_back_pct, paybacks) = if capex > 0.0 {
        let mut days: Vec<u32> = ends
            .iter()
            .map(|e| e.payback_day.unwrap_or(u32::MAX))
            .collect();
        days.sort_unstable();
        let paid = days.iter().filter(|d| **d != u32::MAX).count();
        let at = |p: f64| {
            // Nearest rank: the smallest value with at least p% of the paths at or below it.
            let rank = ((p / 100.0 * days.len() as f64).ceil() as usize).clamp(1, days.len());
            let d = days[rank - 1];
            if d == u32::MAX {
                None
            } else {
                date_of(d)
            }
        };
        (Some(paid as f64 / n * 100.0), PERCENTILES.map(at))
    } else {
        (None, [None; 5])
    };
    McSummary {
        start,
        end: central.last().map(|(r, _)| r.date),
        days: central.len() as u32,
        paths: mc.paths as u64,
        seed: mc.seed,
        price_vol_pct: mc.price_vol * 100.0,
        hashrate_vol_pct: mc.hashrate_vol * 100.0,
        capex_usd: s.fleet.capex_usd,
        loss_probability_pct: losses as f64 / n * 100.0,
        net_usd_mean: mean,
        net_usd_p5: nb[0],
        net_usd_p25: nb[1],
        net_usd_p50: nb[2],
        net_usd_p75: nb[3],
        net_usd_p95: nb[4],
        paid_back_pct,
        payback_date_p5: paybacks[0],
        payback_date_p25: paybacks[1],
        payback_date_p50: paybacks[2],
        payback_date_p75: paybacks[3],
        payback_date_p95: paybacks[4],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fleet::{Fleet, FleetGroup};
    use crate::model::network::NetworkState;
    use crate::model::projection::{aggregate, Growth};
    use crate::model::response::ResponseModel;
    use crate::test_util::d;

    fn scenario(days: i64, price: f64, capex: f64) -> Scenario {
        let difficulty = 150e12;
        let st = NetworkState {
            date: d("2026-01-01"),
            height: 930_000,
            difficulty,
            hashrate_hs: crate::model::chain::hashrate_from_difficulty(difficulty),
            fees_btc_per_block: 0.02,
            price_usd: price,
            epoch_elapsed_s: None,
            block_progress: 0.0,
        };
        let mut fleet = Fleet::single(FleetGroup::new(1000.0, 15.0, 0.05));
        fleet.capex_usd = capex;
        Scenario::with_growth(
            st,
            Growth {
                price: 0.2,
                ..Growth::default()
            },
            fleet,
            Horizon::Days(days),
        )
    }

    fn mc(paths: usize, vol: f64, period: Period) -> MonteCarlo {
        MonteCarlo {
            paths,
            price_vol: vol,
            hashrate_vol: 0.0,
            seed: 7,
            period,
            bands: true,
        }
    }

    /// The lean lanes (one chain for price noise, a chain per path for hashrate noise) give
    /// every path the days the engine and the books give it: the same bands and summary, to
    /// the bit, over random fleets, seeds and volatilities.
    #[test]
    fn the_lean_paths_equal_the_engine_and_books_paths() {
        let mut r = crate::model::lean::gen::rng(5);
        let mut lean = 0;
        for k in 0..24 {
            let mut s = crate::model::lean::gen::scenario(&mut r);
            if k % 3 == 0 {
                s.horizon = Horizon::Days(700);
            }
            let m = MonteCarlo {
                paths: 40,
                price_vol: [0.0, 0.3, 0.8][k % 3],
                hashrate_vol: if k % 2 == 0 { 0.0 } else { 0.4 },
                seed: k as u64,
                period: [Period::Month, Period::Week, Period::Year][k % 3],
                bands: k % 4 != 3,
            };
            let a = run_on(&s, &NetworkModel::Fixed, &m, &|| {}, true).unwrap();
            let b = run(&s, &NetworkModel::Fixed, &m, &|| {}).unwrap();
            assert_eq!(a.bands, b.bands, "scenario {k}");
            assert_eq!(a.summary, b.summary, "scenario {k}");
            assert_eq!(a.bands.is_empty(), !m.bands);
            if LeanFleet::of(&s.fleet, s.start()).is_some() {
                lean += 1;
            }
        }
        assert!(lean >= 10, "{lean}");
    }

    /// The hashrate-noise lane (each path walks its own chain) against the engine and the books
    /// where the chain is hardest: starts mid-epoch and mid-block, with and without the epoch's
    /// elapsed time, days or years before the 2028 halving or on its first block, horizons from
    /// a few days to years (through retargets and the halving), hashrate volatility from low to
    /// high (retargets swinging to their 4x clamp), with and without price noise.
    #[test]
    fn the_own_chain_lane_equals_the_engine_across_retargets_and_halvings() {
        use rand::Rng;
        let mut r = crate::model::lean::gen::rng(17);
        for k in 0..16 {
            let mut net = crate::model::lean::gen::network(&mut r);
            net.height = match k % 4 {
                0 => 1_050_000 - r.gen_range(10..3000),
                1 => 2016 * r.gen_range(470..520) + r.gen_range(1..2015),
                2 => 1_050_000 - 1,
                _ => 2016 * r.gen_range(470..520) - r.gen_range(1..30),
            };
            net.epoch_elapsed_s = (k % 3 != 0).then(|| r.gen_range(0.0..1.5e6));
            let start = net.date;
            let fleet = loop {
                let f = crate::model::lean::gen::fleet(&mut r, start);
                if LeanFleet::of(&f, start).is_some() {
                    break f;
                }
            };
            let horizon = match k % 4 {
                0 => Horizon::Halving {
                    height: 1_050_000,
                    after_days: r.gen_range(0..300),
                },
                1 => Horizon::Days(r.gen_range(1..40)),
                _ => Horizon::Days(r.gen_range(300..1600)),
            };
            let g = crate::model::lean::gen::growth(&mut r);
            let s = Scenario::with_growth(net, g, fleet, horizon);
            let m = MonteCarlo {
                paths: 24,
                price_vol: [0.0, 0.5][k % 2],
                hashrate_vol: [0.05, 0.3, 1.5, 4.0][(k / 2) % 4],
                seed: 100 + k as u64,
                period: [Period::Month, Period::Epoch, Period::Week][k % 3],
                bands: k % 5 != 4,
            };
            let days = run(&s, &NetworkModel::Fixed, &m, &|| {})
                .unwrap()
                .summary
                .days;
            let runner = PathRunner::new(&s, &NetworkModel::Fixed, &m, days as usize).unwrap();
            assert!(matches!(runner.lane, Lane::OwnChain { .. }), "scenario {k}");
            let a = run_on(&s, &NetworkModel::Fixed, &m, &|| {}, true).unwrap();
            let b = run(&s, &NetworkModel::Fixed, &m, &|| {}).unwrap();
            assert_eq!(a.bands, b.bands, "scenario {k}");
            assert_eq!(a.summary, b.summary, "scenario {k}");
        }
    }

    #[test]
    fn percentile_interpolates() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile(&v, 50.0), 3.0);
        assert_eq!(percentile(&v, 25.0), 2.0);
        assert!((percentile(&v, 5.0) - 1.2).abs() < 1e-12);
        assert_eq!(percentile(&[7.0], 95.0), 7.0);
    }

    #[test]
    fn zero_volatility_reproduces_the_projection() {
        let s = scenario(120, 100_000.0, 0.0);
        let r = run(&s, &NetworkModel::Fixed, &mc(3, 0.0, Period::Month), &|| {}).unwrap();
        let p = crate::model::projection::project(&s).unwrap();
        let months = aggregate(&p.rows, Period::Month);
        assert_eq!(r.bands.len(), months.len());
        for (b, m) in r.bands.iter().zip(&months) {
            assert_eq!(b.date, m.date);
            assert_eq!(b.days, m.days);
            assert!((b.btc_price_usd_p5 - m.btc_price_usd).abs() < 1e-6);
            assert!((b.btc_price_usd_p95 - m.btc_price_usd).abs() < 1e-6);
            assert!((b.margin_usd_p50 - m.margin_usd).abs() < 1e-6);
            assert!((b.cumulative_margin_usd_p5 - m.cumulative_margin_usd).abs() < 1e-6);
            assert!((b.hashprice_usd_per_ph_day_p75 - m.hashprice_usd_per_ph_day).abs() < 1e-9);
        }
        assert_eq!(r.summary.loss_probability_pct, 0.0);
        assert_eq!(r.summary.paid_back_pct, None);
    }

    #[test]
    fn price_is_lognormal_around_the_path() {
        // After a year at 50% volatility, ln(P / path) ~ N(-σ²/2, σ²): the median is
        // exp(-0.125) = 0.8825 of the path and the 5th percentile exp(-0.125 - 1.645 * 0.5).
        let s = scenario(366, 100_000.0, 0.0);
        let r = run(
            &s,
            &NetworkModel::Fixed,
            &mc(2000, 0.5, Period::Day),
            &|| {},
        )
        .unwrap();
        let last = r.bands.last().unwrap();
        let path = 100_000.0 * 1.2;
        let p50 = last.btc_price_usd_p50 / path;
        let p5 = last.btc_price_usd_p5 / path;
        let p95 = last.btc_price_usd_p95 / path;
        assert!((p50 / (-0.125f64).exp() - 1.0).abs() < 0.04, "{p50}");
        assert!(
            (p5 / (-0.125f64 - 1.645 * 0.5).exp() - 1.0).abs() < 0.06,
            "{p5}"
        );
        assert!(
            (p95 / (-0.125f64 + 1.645 * 0.5).exp() - 1.0).abs() < 0.06,
            "{p95}"
        );
        // Day 0 has no noise yet.
        assert_eq!(r.bands[0].btc_price_usd_p5, r.bands[0].btc_price_usd_p95);
        // Bands are ordered.
        for b in &r.bands {
            assert!(b.margin_usd_p5 <= b.margin_usd_p25 && b.margin_usd_p25 <= b.margin_usd_p50);
            assert!(b.margin_usd_p50 <= b.margin_usd_p75 && b.margin_usd_p75 <= b.margin_usd_p95);
        }
    }

    #[test]
    fn seeded_runs_are_identical_on_any_thread_count() {
        let s = scenario(400, 90_000.0, 6_000.0);
        let m = MonteCarlo {
            hashrate_vol: 0.2,
            ..mc(64, 0.6, Period::Month)
        };
        let on = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| run(&s, &NetworkModel::Fixed, &m, &|| {}).unwrap())
        };
        let (a, b) = (on(1), on(3));
        assert_eq!(a.bands, b.bands);
        assert_eq!(a.summary, b.summary);
        // Another seed gives other paths.
        let c = run(
            &s,
            &NetworkModel::Fixed,
            &MonteCarlo { seed: 8, ..m },
            &|| {},
        )
        .unwrap();
        assert_ne!(a.summary.net_usd_p50, c.summary.net_usd_p50);
        // Response model too.
        let model = NetworkModel::Response(ResponseModel::embedded());
        let r1 = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| run(&s, &model, &m, &|| {}).unwrap());
        let r2 = run(&s, &model, &m, &|| {}).unwrap();
        assert_eq!(r1.bands, r2.bands);
        assert_eq!(r1.summary, r2.summary);
    }

    #[test]
    fn loss_probability_and_payback() {
        // Capex of 30 days' margin without noise: every path pays back around day 30.
        let s0 = scenario(200, 100_000.0, 0.0);
        let base = crate::model::summary::summarize(&s0).unwrap();
        let capex = base.margin_usd / 200.0 * 30.0;
        let s = scenario(200, 100_000.0, capex);
        let r = run(&s, &NetworkModel::Fixed, &mc(5, 0.0, Period::Month), &|| {}).unwrap();
        let expect = crate::model::summary::summarize(&s).unwrap().payback_date;
        assert!(expect.is_some());
        assert_eq!(r.summary.payback_date_p5, expect);
        assert_eq!(r.summary.payback_date_p95, expect);
        assert_eq!(r.summary.paid_back_pct, Some(100.0));
        assert_eq!(r.summary.loss_probability_pct, 0.0);
        // A capex the horizon cannot earn back: every path loses, none pays back.
        let s = scenario(200, 100_000.0, base.margin_usd * 10.0);
        let r = run(
            &s,
            &NetworkModel::Fixed,
            &mc(50, 0.3, Period::Month),
            &|| {},
        )
        .unwrap();
        assert_eq!(r.summary.loss_probability_pct, 100.0);
        assert_eq!(r.summary.paid_back_pct, Some(0.0));
        assert_eq!(r.summary.payback_date_p5, None);
        assert_eq!(
            r.bands.last().unwrap().cumulative_loss_probability_pct,
            100.0
        );
        // In between, volatility spreads the outcome: some paths lose, some pay back.
        let s = scenario(365, 100_000.0, base.margin_usd / 200.0 * 330.0);
        let r = run(
            &s,
            &NetworkModel::Fixed,
            &mc(400, 0.8, Period::Month),
            &|| {},
        )
        .unwrap();
        let lp = r.summary.loss_probability_pct;
        assert!(lp > 5.0 && lp < 95.0, "{lp}");
        let paid = r.summary.paid_back_pct.unwrap();
        assert!((paid + lp - 100.0).abs() < 5.0, "{paid} {lp}");
        assert!(r.summary.payback_date_p5.is_some());
        assert!(r.summary.payback_date_p95.is_none());
    }

    #[test]
    fn summary_only_and_memory_bounds() {
        let s = scenario(3650, 100_000.0, 0.0);
        let m = MonteCarlo {
            bands: false,
            ..mc(20, 0.5, Period::Day)
        };
        let r = run(&s, &NetworkModel::Fixed, &m, &|| {}).unwrap();
        assert!(r.bands.is_empty());
        assert_eq!(r.summary.days, 3650);
        // Daily bands for 10,000 paths over 10 years would need 1.4 GB.
        let e = run(
            &s,
            &NetworkModel::Fixed,
            &mc(10_000, 0.5, Period::Day),
            &|| {},
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("--paths 10000 over 3650 periods needs 1392 MB"),
            "{e}"
        );
        let e = run(&s, &NetworkModel::Fixed, &mc(0, 0.5, Period::Day), &|| {})
            .unwrap_err()
            .to_string();
        assert_eq!(e, "--paths must be between 1 and 10000000, got 0");
        let e = run(&s, &NetworkModel::Fixed, &mc(2, -0.1, Period::Day), &|| {})
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "--price-vol must be between 0 and 500 (% a year), got -10"
        );
    }

    #[test]
    fn progress_counts_paths() {
        let s = scenario(30, 100_000.0, 0.0);
        let n = std::sync::atomic::AtomicUsize::new(0);
        run(
            &s,
            &NetworkModel::Fixed,
            &mc(37, 0.5, Period::Week),
            &|| {
                n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            },
        )
        .unwrap();
        assert_eq!(n.into_inner(), 37);
    }
}
