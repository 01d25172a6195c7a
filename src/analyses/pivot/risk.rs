//! Monte Carlo on the pivot: how likely mining beats the lease when the BTC price is
//! volatile.
//!
//! - **Price** follows geometric Brownian motion around the scenario's price path, drawn by
//!   [`crate::analyses::montecarlo::NoisyDrivers`] exactly as `project --paths` draws it: path `i` reads
//!   stream `i` of ChaCha8 seeded from the seed, one standard normal a day, and its price on
//!   day `d` is the path's price × `exp(Σ(-σ²/2·dt + σ·√dt·Z))`, `dt = 1/365`. So the mean
//!   price follows the path and the median runs below it. With the same seed (and no hashrate
//!   volatility there), path `i` here has the same price factors as path `i` of
//!   `project --paths`.
//! - **The network** does not depend on the price (the fixed model): the engine runs once,
//!   and each path reprices those days through the fleet's own daily rule (pool fee, uptime,
//!   `--curtail`), as the breakeven growth does. Both NPVs are summed day by day in the same
//!   order and with the same formulas as [`super::pivot`], so at zero volatility every path's
//!   NPVs are the deterministic pivot's, bit for bit.
//! - Paths run in parallel (rayon), each into its own slot; every statistic is computed in
//!   path order, so a seeded run is bit-identical on any number of threads.
//! - Memory is the engine's days once, plus a few numbers per path (and, for the chart's
//!   bands, two per path and model year): never paths × days.
//! - Percentiles interpolate linearly between order statistics (type 7), as
//!   [`crate::analyses::montecarlo::percentile`].

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use super::{prepare, Prepared};
use super::{Pivot, PivotInputs};
use crate::analyses::montecarlo::{
    percentile, MonteCarlo, NoisyDrivers, MAX_SAMPLE_BYTES, PERCENTILES,
};
use crate::error::Error;
use crate::model::engine::{DayDrivers, Drivers, NetDay};
use crate::model::projection::{Period, Scenario};

/// How a pivot Monte Carlo run goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PivotMonteCarlo {
    /// Number of paths (at least 1).
    pub paths: usize,
    /// Annual volatility of the price, fraction (0.6 = 60%).
    pub price_vol: f64,
    /// The seed.
    pub seed: u64,
    /// Keep each path's cumulative cash at about 100 days of the horizon (every 30 days at
    /// least, and the conversion's last day), for the chart's bands (memory: paths × 2 numbers
    /// a sampled day).
    pub bands: bool,
}

impl PivotMonteCarlo {
    /// Checks the settings (as `project --paths` does); errors name the flag.
    pub fn validate(&self) -> Result<(), Error> {
        MonteCarlo {
            paths: self.paths,
            price_vol: self.price_vol,
            hashrate_vol: 0.0,
            seed: self.seed,
            period: Period::Year,
            bands: false,
        }
        .validate()
    }
}

/// A pivot Monte Carlo run summed up: one flat row for CSV, JSON and NDJSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PivotRiskRow {
    /// Paths.
    pub paths: u64,
    /// The seed.
    pub seed: u64,
    /// Annual price volatility, %.
    pub price_vol_pct: f64,
    /// First day (UTC).
    pub start_date: Option<NaiveDate>,
    /// Last day (UTC): the end of the lease.
    pub end_date: Option<NaiveDate>,
    /// Days every path runs: the conversion plus the lease term.
    pub days: u32,
    /// First-year lease rate, USD per kW-month.
    pub lease_usd_per_kw_month: f64,
    /// Share of paths on which mining's NPV is above converting's, %.
    pub prob_mining_beats_lease_pct: f64,
    /// NPV of mining over the horizon, USD: mean of the paths.
    pub npv_mining_usd_mean: f64,
    /// 5th percentile.
    pub npv_mining_usd_p5: f64,
    /// 25th percentile.
    pub npv_mining_usd_p25: f64,
    /// Median.
    pub npv_mining_usd_p50: f64,
    /// 75th percentile.
    pub npv_mining_usd_p75: f64,
    /// 95th percentile.
    pub npv_mining_usd_p95: f64,
    /// NPV of converting over the horizon (it varies with the mining kept up during the
    /// conversion), USD: mean of the paths.
    pub npv_convert_usd_mean: f64,
    /// NPV mining - NPV converting, USD: mean of the paths.
    pub npv_difference_usd_mean: f64,
    /// 5th percentile.
    pub npv_difference_usd_p5: f64,
    /// 25th percentile.
    pub npv_difference_usd_p25: f64,
    /// Median.
    pub npv_difference_usd_p50: f64,
    /// 75th percentile.
    pub npv_difference_usd_p75: f64,
    /// 95th percentile.
    pub npv_difference_usd_p95: f64,
    /// NPV of mining at the price path itself (no volatility: the deterministic pivot), USD.
    pub central_npv_mining_usd: f64,
    /// NPV of converting at the price path itself, USD.
    pub central_npv_convert_usd: f64,
    /// NPV difference at the price path itself, USD.
    pub central_npv_difference_usd: f64,
    /// `mine` or `convert` at the price path itself (as `pivot` decides).
    pub central_decision: String,
}

/// The percentiles of both paths' cumulative cash at the end of one day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PivotBand {
    /// The day (UTC).
    pub date: NaiveDate,
    /// Mining cash since the start: P5, P25, P50, P75, P95, USD.
    pub cumulative_mining_cash_usd: [f64; 5],
    /// Converting cash since the start: P5, P25, P50, P75, P95, USD.
    pub cumulative_convert_cash_usd: [f64; 5],
}

/// A whole pivot Monte Carlo run.
#[derive(Debug, Clone)]
pub struct PivotRisk {
    /// The summary row.
    pub row: PivotRiskRow,
    /// Cumulative cash bands at the sampled days (empty unless asked for).
    pub bands: Vec<PivotBand>,
    /// The deterministic pivot at the price path (its yearly rows' breakeven growth is not
    /// solved; the whole horizon's is).
    pub central: Pivot,
}

/// Drivers that are all 1: under [`NoisyDrivers`] their price is the path's price factor.
struct Unit;

impl Drivers for Unit {
    fn day(&mut self, _date: NaiveDate, _prev: Option<&NetDay>) -> DayDrivers {
        DayDrivers {
            hashrate_hs: 1.0,
            price_usd: 1.0,
            fees_btc_per_block: 0.0,
            hashprice_usd_per_ph_day: None,
        }
    }
}

/// What one path leaves behind.
#[derive(Debug, Clone, Copy, Default)]
struct PathEnd {
    npv_mining: f64,
    npv_convert: f64,
}

/// Runs `mc` over the pivot of `scenario` and `inputs`. `progress` is called once per
/// finished path (from any thread).
pub fn monte_carlo(
    scenario: &Scenario,
    inputs: &PivotInputs,
    mc: &PivotMonteCarlo,
    progress: &(dyn Fn() + Sync),
) -> Result<PivotRisk, Error> {
    mc.validate()?;
    let Prepared {
        s,
        mut days,
        flows: f,
    } = prepare(scenario, inputs)?;
    let n = days.len();
    let sampled = if mc.bands {
        band_days(n, f.conv)
    } else {
        Vec::new()
    };
    let per_path = sampled.len() * 2;
    let bytes = mc.paths.saturating_mul(per_path).saturating_mul(8);
    if bytes > MAX_SAMPLE_BYTES {
        return Err(Error::input(format!(
            "--paths {} needs {} MB for the chart's bands (at most {} MB): use fewer --paths or leave out --plot",
            mc.paths,
            bytes >> 20,
            MAX_SAMPLE_BYTES >> 20
        )));
    }
    // The path's prices, before the breakeven search reprices the days.
    let base_price: Vec<f64> = days.iter().map(|d| d.price_usd).collect();
    let central = super::assemble(&s, inputs, &f, &mut days, false, false);
    // The days as the paths read them: the path's price is set on a copy of each.
    for (d, p) in days.iter_mut().zip(&base_price) {
        d.price_usd = *p;
        d.retargets = Vec::new();
    }
    let fleet = &s.fleet;
    let rate = inputs.lease_usd_per_kw_month;
    let mut samples = vec![0.0f64; mc.paths * per_path];
    let mut ends = vec![PathEnd::default(); mc.paths];
    let run_path = |i: usize, slot: &mut [f64], end: &mut PathEnd| {
        let mut noise = NoisyDrivers::new(Unit, mc.seed, i as u64, mc.price_vol, 0.0);
        // The same order of operations as `assemble`, so that no noise means the same sums.
        let mut npv_m = -fleet.capex_usd;
        let mut npv_c = 0.0;
        let (mut cum_m, mut cum_c) = (-fleet.capex_usd, 0.0);
        let mut next = 0;
        for (d, base) in days.iter().enumerate() {
            let factor = noise.day(base.date, None).price_usd;
            let mut net = base.clone();
            net.price_usd = base_price[d] * factor;
            let margin = fleet.day(&net).margin_usd;
            let kept = f.w[d] * margin;
            let noi = rate * f.b[d];
            let cash_c = kept - f.capex[d] + noi;
            npv_m += f.v[d] * margin;
            npv_c += f.v[d] * cash_c;
            if per_path > 0 {
                cum_m += margin;
                cum_c += cash_c;
                if sampled.get(next) == Some(&d) {
                    slot[2 * next] = cum_m;
                    slot[2 * next + 1] = cum_c;
                    next += 1;
                }
            }
        }
        *end = PathEnd {
            npv_mining: npv_m,
            npv_convert: npv_c,
        };
        progress();
    };
    if per_path > 0 {
        samples
            .par_chunks_mut(per_path)
            .zip(ends.par_iter_mut())
            .enumerate()
            .for_each(|(i, (slot, end))| run_path(i, slot, end));
    } else {
        ends.par_iter_mut()
            .enumerate()
            .for_each(|(i, end)| run_path(i, &mut [], end));
    }
    let mut bands = Vec::with_capacity(sampled.len());
    if per_path > 0 {
        let mut column = vec![0.0f64; mc.paths];
        for (j, &day) in sampled.iter().enumerate() {
            let mut b = [[0.0; 5]; 2];
            for (k, band) in b.iter_mut().enumerate() {
                for (p, v) in column.iter_mut().enumerate() {
                    *v = samples[p * per_path + 2 * j + k];
                }
                *band = percentiles(&mut column);
            }
            bands.push(PivotBand {
                date: days[day].date,
                cumulative_mining_cash_usd: b[0],
                cumulative_convert_cash_usd: b[1],
            });
        }
    }
    let row = summarize(mc, inputs, &central, &ends);
    Ok(PivotRisk {
        row,
        bands,
        central,
    })
}

/// The days (0 = the first) at whose end the chart's bands are sampled: about 100 over the
/// horizon (every 30 days at least), the conversion's last day and the last day.
fn band_days(n: usize, conversion_days: usize) -> Vec<usize> {
    let step = (n / 100).max(30);
    let mut v: Vec<usize> = (0..n)
        .filter(|d| (d + 1) % step == 0 || d + 1 == conversion_days || d + 1 == n)
        .collect();
    v.dedup();
    v
}

/// P5, P25, P50, P75, P95 of the values (sorted in place).
fn percentiles(values: &mut [f64]) -> [f64; 5] {
    values.sort_unstable_by(f64::total_cmp);
    PERCENTILES.map(|p| percentile(values, p))
}

fn summarize(
    mc: &PivotMonteCarlo,
    inputs: &PivotInputs,
    central: &Pivot,
    ends: &[PathEnd],
) -> PivotRiskRow {
    let n = ends.len().max(1) as f64;
    let mut mining: Vec<f64> = ends.iter().map(|e| e.npv_mining).collect();
    let mut diff: Vec<f64> = ends.iter().map(|e| e.npv_mining - e.npv_convert).collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / n;
    let (mining_mean, diff_mean) = (mean(&mining), mean(&diff));
    let convert_mean = ends.iter().map(|e| e.npv_convert).sum::<f64>() / n;
    let wins = diff.iter().filter(|d| **d > 0.0).count();
    let m = percentiles(&mut mining);
    let d = percentiles(&mut diff);
    let days = central.conversion_days + central.lease_days;
    PivotRiskRow {
        paths: mc.paths as u64,
        seed: mc.seed,
        price_vol_pct: mc.price_vol * 100.0,
        start_date: (days > 0).then_some(central.start),
        end_date: (days > 0).then_some(central.end),
        days: days as u32,
        lease_usd_per_kw_month: inputs.lease_usd_per_kw_month,
        prob_mining_beats_lease_pct: wins as f64 / n * 100.0,
        npv_mining_usd_mean: mining_mean,
        npv_mining_usd_p5: m[0],
        npv_mining_usd_p25: m[1],
        npv_mining_usd_p50: m[2],
        npv_mining_usd_p75: m[3],
        npv_mining_usd_p95: m[4],
        npv_convert_usd_mean: convert_mean,
        npv_difference_usd_mean: diff_mean,
        npv_difference_usd_p5: d[0],
        npv_difference_usd_p25: d[1],
        npv_difference_usd_p50: d[2],
        npv_difference_usd_p75: d[3],
        npv_difference_usd_p95: d[4],
        central_npv_mining_usd: central.npv_mining_usd,
        central_npv_convert_usd: central.npv_convert_usd,
        central_npv_difference_usd: central.npv_difference_usd,
        central_decision: super::PivotSummary::from(central).decision,
    }
}

#[cfg(test)]
mod tests;
