//! The network's state on a date and the paths its hashrate, fees and price follow.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::chain;
use crate::model::finance::AnnualFactor;
use crate::params::check_model;

/// Network state at 00:00 UTC of `date`.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkState {
    /// The date the figures refer to (the simulation begins at 00:00 UTC of this date).
    pub date: NaiveDate,
    /// Chain tip height: the last block mined; the next block to be mined is `height + 1`.
    pub height: u64,
    /// Difficulty of the epoch of block `height + 1`.
    pub difficulty: f64,
    /// Network hashrate in H/s.
    pub hashrate_hs: f64,
    /// Average transaction fees per block in BTC.
    pub fees_btc_per_block: f64,
    /// BTC price in USD.
    pub price_usd: f64,
    /// Seconds the current epoch's blocks took before `date`; `None` counts them at 600 s each.
    pub epoch_elapsed_s: Option<f64>,
    /// The expected fraction of block `height + 1` already mined at 00:00 UTC of `date`, in
    /// `[0, 1)`: 0 for a fetched or given tip, the block in progress for a state the engine
    /// rolled forward (so a rolled start continues exactly where one continuous run would be).
    pub block_progress: f64,
}

impl NetworkState {
    /// Checks every figure; errors name the flag that sets it.
    pub fn validate(&self) -> Result<(), Error> {
        check_model("difficulty", self.difficulty, 1.0)?;
        check_model("network-hashrate", self.hashrate_hs, 1e-18)?;
        check_model("price", self.price_usd, 1.0)?;
        check_model("fees", self.fees_btc_per_block, 1.0)?;
        if let Some(e) = self.epoch_elapsed_s {
            non_negative("epoch elapsed seconds", e)?;
        }
        if !(0.0..1.0).contains(&self.block_progress) {
            return Err(Error::input(format!(
                "the block in progress must be a fraction in [0, 1), got {}",
                self.block_progress
            )));
        }
        Ok(())
    }

    /// Network hashrate in EH/s.
    pub fn hashrate_eh_s(&self) -> f64 {
        self.hashrate_hs / 1e18
    }

    /// Sets the difficulty and hashrate that are given; one given alone sets the other at
    /// equilibrium (H = D * 2^32 / 600, D = H * 600 / 2^32). False, changing nothing, when
    /// neither is given.
    pub fn set_difficulty_hashrate(
        &mut self,
        difficulty: Option<f64>,
        hashrate: Option<f64>,
    ) -> bool {
        match (difficulty, hashrate) {
            (Some(d), Some(h)) => {
                self.difficulty = d;
                self.hashrate_hs = h;
            }
            (Some(d), None) => {
                self.difficulty = d;
                self.hashrate_hs = chain::hashrate_from_difficulty(d);
            }
            (None, Some(h)) => {
                self.hashrate_hs = h;
                self.difficulty = equilibrium_difficulty(h);
            }
            (None, None) => return false,
        }
        true
    }
}

/// Error unless `v` is finite and > 0.
pub fn positive(name: &str, v: f64) -> Result<(), Error> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(Error::input(format!(
            "{name} must be a positive number, got {v}"
        )))
    }
}

/// Error unless `v` is finite and >= 0.
pub fn non_negative(name: &str, v: f64) -> Result<(), Error> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(Error::input(format!(
            "{name} must be zero or more, got {v}"
        )))
    }
}

/// A quantity that follows a path through time: a value on a reference date that grows at a
/// constant annual rate, `value * (1 + growth)^(days / 365)`, optionally replaced by dated points
/// (linear interpolation between them; after the last point the annual growth continues from it;
/// before the first, the growth runs backwards from it).
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// Value on `reference`.
    pub value: f64,
    /// Date of `value`.
    pub reference: NaiveDate,
    /// Annual growth as a fraction (0.5 = +50% a year); must be > -1.
    pub annual_growth: f64,
    /// Dated points (days since `reference`, value), sorted by day, no duplicates.
    pub points: Vec<(i64, f64)>,
    factor: AnnualFactor,
}

impl Path {
    /// A path that grows at `annual_growth` (fraction) from `value` on `reference`.
    pub fn growth(value: f64, reference: NaiveDate, annual_growth: f64) -> Path {
        Path {
            value,
            reference,
            annual_growth,
            points: Vec::new(),
            factor: AnnualFactor::new(annual_growth),
        }
    }

    /// Replaces the growth with dated points where they reach (see the type's docs).
    pub fn with_points(mut self, points: &[(NaiveDate, f64)]) -> Path {
        self.points = points
            .iter()
            .map(|(d, v)| ((*d - self.reference).num_days(), *v))
            .collect();
        self
    }

    /// Value on the day `day` days after the reference date.
    pub fn at_day(&self, day: i64) -> f64 {
        match (self.points.first(), self.points.last()) {
            (Some(&(d0, v0)), Some(&(dn, vn))) => {
                if day <= d0 {
                    v0 * self.factor.at(day - d0)
                } else if day >= dn {
                    vn * self.factor.at(day - dn)
                } else {
                    let i = self.points.partition_point(|&(d, _)| d <= day);
                    let (da, va) = self.points[i - 1];
                    let (db, vb) = self.points[i];
                    va + (vb - va) * (day - da) as f64 / (db - da) as f64
                }
            }
            _ => self.value * self.factor.at(day),
        }
    }

    /// Value on `date`.
    pub fn on(&self, date: NaiveDate) -> f64 {
        self.at_day((date - self.reference).num_days())
    }
}

/// Hashrate, price and fees each along a [`Path`]; the engine runs on them as
/// [`Drivers`](crate::model::engine::Drivers).
#[derive(Debug, Clone)]
pub struct PathDrivers {
    /// Network hashrate path, H/s.
    pub hashrate_hs: Path,
    /// BTC price path, USD.
    pub price_usd: Path,
    /// Fees per block path, BTC.
    pub fees_btc_per_block: Path,
    /// A hashprice path, USD per PH/s per day (a forward curve), that sets each day's revenue:
    /// the day's hashvalue becomes its value / the day's price; the network's days (blocks,
    /// difficulty, subsidy) stay the engine's. `None`: revenue follows the network.
    pub hashprice_usd_per_ph_day: Option<Path>,
}

/// A hashprice path from dated points, USD per PH/s per day: linear between its dates, the
/// first value before the first date and the last value after the last (a path with no growth,
/// as a price path without `--price-growth` holds). `None` for no points.
pub fn hashprice_path(points: &[(NaiveDate, f64)]) -> Option<Path> {
    let &(first_date, first) = points.first()?;
    Some(Path::growth(first, first_date, 0.0).with_points(points))
}

/// Seconds in the engine's year: [`Path`] and every rate a year compound over 365 days.
const SECONDS_PER_MODEL_YEAR: f64 = 365.0 * 86_400.0;

/// The annual network-hashrate growth (fraction) under which difficulty changes by
/// `per_epoch` (fraction, > -0.75) at every retarget, in the steady state.
///
/// If difficulty is multiplied by `r = 1 + x` at every retarget, an epoch's blocks take
/// `T = 1,209,600 s / r` (the retarget sets the new difficulty to the old x 1,209,600 / T),
/// and the hashrate, growing continuously at `k` a second, must also be multiplied by `r`
/// over `T` (the next epoch's blocks take as long again): `exp(k T) = r`, so
/// `k = ln(r) * r / 1,209,600` a second. The engine's paths compound over years of 365 days
/// (`(1 + g)^(days / 365)`), so the annual growth is `g = exp(k * 31,536,000) - 1`. A run
/// started from an equilibrium state settles on `r` within a few retargets (each epoch
/// multiplies the gap by about `-k T / 2`).
pub fn hashrate_growth_from_difficulty_change(per_epoch: f64) -> f64 {
    let r = 1.0 + per_epoch;
    let k = r.ln() * r / crate::model::chain::TARGET_TIMESPAN_S;
    (k * SECONDS_PER_MODEL_YEAR).exp_m1()
}

/// The annual network-hashrate growth (fraction) under which difficulty changes by `monthly`
/// (fraction, > -1) a month: `(1 + m)^12 - 1`, the long-run rate (difficulty follows the
/// hashrate one retarget behind, so over a year it changes by the same factor).
pub fn hashrate_growth_from_monthly_difficulty_change(monthly: f64) -> f64 {
    (1.0 + monthly).powi(12) - 1.0
}

/// Converts a percent number to a growth fraction, checking it is above -100%.
pub fn growth_fraction(name: &str, percent: f64) -> Result<f64, Error> {
    if !percent.is_finite() || percent <= -100.0 || percent > 10_000.0 {
        return Err(Error::input(format!(
            "{name} must be a number above -100 and at most 10000 (percent a year), got {percent}"
        )));
    }
    Ok(percent / 100.0)
}

/// A sourced figure in the embedded snapshot.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourcedFigure<T> {
    /// The figure.
    pub value: T,
    /// The date it refers to.
    pub as_of: NaiveDate,
    /// Where it comes from.
    pub source: String,
}

/// The embedded network snapshot (data/network.json), also the file `minecalc network snapshot`
/// writes.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Date the height and difficulty refer to.
    pub as_of: NaiveDate,
    /// What the snapshot is.
    pub description: String,
    /// Chain tip height.
    pub height: SourcedFigure<u64>,
    /// Difficulty.
    pub difficulty: SourcedFigure<f64>,
    /// Network hashrate, EH/s.
    pub network_hashrate_eh_s: SourcedFigure<f64>,
    /// BTC price, USD.
    pub btc_price_usd: SourcedFigure<f64>,
    /// Average fees per block, BTC.
    pub fees_btc_per_block: SourcedFigure<f64>,
    /// Seconds the current epoch's blocks had taken when the snapshot was fetched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch_elapsed_s: Option<SourcedFigure<f64>>,
    /// When the snapshot was fetched (`minecalc network snapshot`), UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched_at: Option<DateTime<Utc>>,
    /// The API it was fetched from (`minecalc network snapshot`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
}

/// The snapshot embedded in the binary.
pub const EMBEDDED_SNAPSHOT_JSON: &str = include_str!("../../data/network.json");

impl Snapshot {
    /// Parses a snapshot document.
    pub fn parse(json: &str) -> Result<Snapshot, Error> {
        serde_json::from_str(json).map_err(|e| Error::input(format!("network snapshot: {e}")))
    }

    /// The snapshot embedded in the binary.
    pub fn embedded() -> Snapshot {
        // The embedded file is checked by a unit test; a parse failure here is a build defect.
        Snapshot::parse(EMBEDDED_SNAPSHOT_JSON)
            .unwrap_or_else(|e| panic!("embedded data/network.json: {e}"))
    }

    /// The snapshot as a network state at its as-of date.
    pub fn state(&self) -> NetworkState {
        NetworkState {
            date: self.as_of,
            height: self.height.value,
            difficulty: self.difficulty.value,
            hashrate_hs: self.network_hashrate_eh_s.value * 1e18,
            fees_btc_per_block: self.fees_btc_per_block.value,
            price_usd: self.btc_price_usd.value,
            epoch_elapsed_s: self.epoch_elapsed_s.as_ref().map(|f| f.value),
            block_progress: 0.0,
        }
    }
}

/// Default difficulty for a hashrate given alone: the equilibrium `D = H * 600 / 2^32`.
pub fn equilibrium_difficulty(hashrate_hs: f64) -> f64 {
    chain::difficulty_from_hashrate(hashrate_hs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::d;

    #[test]
    fn embedded_snapshot_parses_and_is_sane() {
        let s = Snapshot::embedded();
        let st = s.state();
        st.validate().unwrap();
        assert!(st.height > 900_000);
        // Hashrate and difficulty agree within 25% (the snapshot is one consistent state).
        let implied = chain::hashrate_from_difficulty(st.difficulty);
        assert!((st.hashrate_hs / implied - 1.0).abs() < 0.25);
    }

    #[test]
    fn growth_path_compounds_annually() {
        let p = Path::growth(100.0, d("2026-01-01"), 0.5);
        assert!((p.at_day(365) - 150.0).abs() < 1e-9);
        assert!((p.at_day(730) - 225.0).abs() < 1e-9);
        assert_eq!(p.at_day(0), 100.0);
    }

    #[test]
    fn points_interpolate_then_grow() {
        let p = Path::growth(100.0, d("2026-01-01"), 1.0)
            .with_points(&[(d("2026-01-11"), 200.0), (d("2026-01-21"), 300.0)]);
        assert!((p.on(d("2026-01-16")) - 250.0).abs() < 1e-9);
        assert!((p.at_day(20 + 365) - 600.0).abs() < 1e-9);
        assert!((p.at_day(10 - 365) - 100.0).abs() < 1e-9);
    }
}

/// What the user said about the network; anything left `None` comes from the base state.
/// [`NetworkInputs::resolve`] (in [`crate::model::engine`], which rolls a state forward)
/// applies them to a base state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NetworkInputs {
    /// First day as the user gave it; `None` is [`NetworkInputs::today`].
    pub start: Option<NaiveDate>,
    /// Today (UTC), the first day when no start is given; a base state dated later starts on
    /// its own date. `None` starts on the base state's date. The model reads no clock: the
    /// caller passes the date.
    pub today: Option<NaiveDate>,
    /// Chain tip height at the start.
    pub height: Option<u64>,
    /// Difficulty at the start.
    pub difficulty: Option<f64>,
    /// Network hashrate at the start, H/s.
    pub hashrate_hs: Option<f64>,
    /// Fees per block at the start, BTC.
    pub fees_btc_per_block: Option<f64>,
    /// BTC price at the start, USD.
    pub price_usd: Option<f64>,
    /// Annual growth of the network hashrate, fraction.
    pub hashrate_growth: f64,
    /// Annual growth of fees per block, fraction.
    pub fee_growth: f64,
    /// Annual growth of the BTC price, fraction.
    pub price_growth: f64,
}

/// The network a run starts from, after the user's inputs are applied to a base state.
#[derive(Debug, Clone)]
pub struct ResolvedNetwork {
    /// The state at the start date.
    pub state: NetworkState,
    /// The paths from the start date.
    pub drivers: PathDrivers,
    /// Days the base state was rolled forward by the model to reach the start (0 if none).
    pub rolled_days: i64,
}

impl NetworkInputs {
    /// True when the user gave the chain's state (height, difficulty or hashrate).
    pub fn gives_chain_state(&self) -> bool {
        self.height.is_some() || self.difficulty.is_some() || self.hashrate_hs.is_some()
    }

    /// The first day of a run on `base`: the given start, else today, else the base's date
    /// (a base dated after today starts on its own date).
    pub fn start_on(&self, base: &NetworkState) -> NaiveDate {
        self.start
            .unwrap_or_else(|| self.today.map_or(base.date, |t| t.max(base.date)))
    }

    /// Growth paths from a state's figures on its date.
    pub fn paths(&self, s: &NetworkState) -> PathDrivers {
        PathDrivers {
            hashrate_hs: Path::growth(s.hashrate_hs, s.date, self.hashrate_growth),
            price_usd: Path::growth(s.price_usd, s.date, self.price_growth),
            fees_btc_per_block: Path::growth(s.fees_btc_per_block, s.date, self.fee_growth),
            hashprice_usd_per_ph_day: None,
        }
    }
}
