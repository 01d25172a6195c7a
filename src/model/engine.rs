//! The day-by-day network engine: expected-value block flow, exact halvings and retargets.
//!
//! The chain's fractional height `x` grows at `H / (D * 2^32)` blocks per second. The block at
//! height `h` is mined while `x` runs over `(h-1, h]`, pays `subsidy(h)` plus the day's fees per
//! block, and has the difficulty of its epoch `h / 2016`. So the subsidy changes when `x` reaches
//! `210,000 k - 1` and the difficulty when `x` reaches `2016 k - 1`; a day that contains either
//! is split at that instant.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::error::Error;
use crate::model::chain::{self, HALVING_INTERVAL_BLOCKS, RETARGET_INTERVAL_BLOCKS};
use crate::model::network::{
    growth_fraction, NetworkInputs, NetworkState, PathDrivers, ResolvedNetwork,
};
use crate::params::check_model;

/// Hashrate, price and fees in force for one whole day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayDrivers {
    /// Network hashrate, H/s.
    pub hashrate_hs: f64,
    /// BTC price, USD.
    pub price_usd: f64,
    /// Average fees per block, BTC.
    pub fees_btc_per_block: f64,
    /// The day's hashprice, USD per PH/s per day, when a hashprice path sets revenue: the
    /// day's hashvalue is then this / `price_usd` (the network's blocks, difficulty and subsidy
    /// are unchanged). `None`: hashvalue follows the network.
    pub hashprice_usd_per_ph_day: Option<f64>,
}

/// What sets each day's hashrate, price and fees. `prev` is the engine's previous day, so a
/// driver can respond to the network (hashprice, difficulty) as it evolves.
pub trait Drivers {
    /// The drivers for `date`.
    fn day(&mut self, date: NaiveDate, prev: Option<&NetDay>) -> DayDrivers;

    /// False when [`Drivers::day`] never reads `prev`: the engine then keeps no copy of each
    /// day for it.
    fn uses_prev(&self) -> bool {
        true
    }
}

impl Drivers for PathDrivers {
    fn uses_prev(&self) -> bool {
        false
    }

    fn day(&mut self, date: NaiveDate, _prev: Option<&NetDay>) -> DayDrivers {
        DayDrivers {
            hashrate_hs: self.hashrate_hs.on(date),
            price_usd: self.price_usd.on(date),
            fees_btc_per_block: self.fees_btc_per_block.on(date),
            hashprice_usd_per_ph_day: self.hashprice_usd_per_ph_day.as_ref().map(|p| p.on(date)),
        }
    }
}

impl<D: Drivers + ?Sized> Drivers for &mut D {
    fn day(&mut self, date: NaiveDate, prev: Option<&NetDay>) -> DayDrivers {
        (**self).day(date, prev)
    }

    fn uses_prev(&self) -> bool {
        (**self).uses_prev()
    }
}

/// The network over one UTC day.
#[derive(Debug, Clone, PartialEq)]
pub struct NetDay {
    /// The day.
    pub date: NaiveDate,
    /// Chain tip height at the end of the day (whole blocks).
    pub height: u64,
    /// Epoch of the block being mined at the start of the day.
    pub epoch: u64,
    /// Expected blocks mined during the day.
    pub blocks: f64,
    /// Difficulty, time-weighted over the day.
    pub difficulty: f64,
    /// Network hashrate, H/s.
    pub hashrate_hs: f64,
    /// Subsidy per block in BTC, weighted by the blocks mined at each subsidy.
    pub subsidy_btc: f64,
    /// Fees per block, BTC.
    pub fees_btc_per_block: f64,
    /// BTC price, USD.
    pub price_usd: f64,
    /// BTC that 1 PH/s earns over the day (no pool fee, 100% uptime).
    pub hashvalue_btc_per_ph_day: f64,
    /// Subsidy BTC issued by the network during the day.
    pub network_subsidy_btc: f64,
    /// The halving block completed this day: its height and instant.
    pub halving: Option<(u64, NaiveDateTime)>,
    /// Retargets this day: the first height of the new epoch and the difficulty change ratio.
    pub retargets: Vec<(u64, f64)>,
}

impl NetDay {
    /// USD that 1 PH/s earns over the day.
    pub fn hashprice_usd_per_ph_day(&self) -> f64 {
        self.hashvalue_btc_per_ph_day * self.price_usd
    }
}

/// Iterates the network day by day from a starting state. Never ends by itself.
#[derive(Debug, Clone)]
pub struct Engine<D> {
    drivers: D,
    date: NaiveDate,
    chain: Chain,
    prev: Option<NetDay>,
}

/// Where the chain stands: the block position (whole blocks and the one in progress), the
/// epoch and era, the subsidy and difficulty in force, the epoch's elapsed seconds and a
/// halving block still to be reported. [`Engine`] and [`ChainWalk`] both step it, and cross
/// its boundaries with [`Chain::cross`], so they agree to the bit.
#[derive(Debug, Clone)]
struct Chain {
    x: f64,
    epoch: u64,
    era: u64,
    subsidy_btc: f64,
    difficulty: f64,
    epoch_elapsed_s: f64,
    pending_halving_mark: Option<u64>,
}

impl Chain {
    /// The chain at 00:00 UTC of `state.date`.
    fn at(state: &NetworkState) -> Chain {
        let next = state.height + 1;
        let epoch = chain::epoch_of(next);
        let era = chain::halvings_at(next);
        let mined_in_epoch = (next - epoch * RETARGET_INTERVAL_BLOCKS) as f64;
        let first_of_era = era * HALVING_INTERVAL_BLOCKS;
        Chain {
            x: state.height as f64 + state.block_progress.clamp(0.0, 1.0 - f64::EPSILON),
            epoch,
            era,
            subsidy_btc: chain::subsidy_btc(next),
            difficulty: state.difficulty,
            epoch_elapsed_s: state
                .epoch_elapsed_s
                .unwrap_or(mined_in_epoch * chain::TARGET_SPACING_S),
            pending_halving_mark: (era >= 1 && next == first_of_era).then_some(first_of_era),
        }
    }

    /// The positions of the next retarget, the era's last block and the pending halving
    /// mark (infinity for none).
    fn boundaries(&self) -> (f64, f64, f64) {
        (
            ((self.epoch + 1) * RETARGET_INTERVAL_BLOCKS - 1) as f64,
            ((self.era + 1) * HALVING_INTERVAL_BLOCKS - 1) as f64,
            self.pending_halving_mark
                .map_or(f64::INFINITY, |h| h as f64),
        )
    }

    /// Moves to `boundary` (the nearest of `boundaries`) and crosses it: the halving mark
    /// reported, the retarget applied, the next era begun. Returns the halving block reported
    /// and the retarget (the new epoch's first height and the difficulty's ratio), if any.
    fn cross(
        &mut self,
        boundary: f64,
        (b_retarget, b_era, b_mark): (f64, f64, f64),
    ) -> (Option<u64>, Option<(u64, f64)>) {
        self.x = boundary;
        let mut halving = None;
        let mut retarget = None;
        if boundary == b_mark {
            halving = Some(self.pending_halving_mark.take().unwrap_or_default());
        }
        if boundary == b_retarget {
            let new = chain::retarget(self.difficulty, self.epoch_elapsed_s);
            self.epoch += 1;
            retarget = Some((self.epoch * RETARGET_INTERVAL_BLOCKS, new / self.difficulty));
            self.difficulty = new;
            self.epoch_elapsed_s = 0.0;
        }
        if boundary == b_era {
            self.era += 1;
            let first = self.era * HALVING_INTERVAL_BLOCKS;
            self.subsidy_btc = chain::subsidy_btc(first);
            self.pending_halving_mark = Some(first);
        }
        (halving, retarget)
    }
}

const PH: f64 = 1e15;

impl<D: Drivers> Engine<D> {
    /// An engine at 00:00 UTC of `state.date`. The state's hashrate, price and fees are taken
    /// from `drivers`; its height, difficulty and epoch timing from `state`.
    pub fn new(state: &NetworkState, drivers: D) -> Engine<D> {
        Engine {
            drivers,
            date: state.date,
            chain: Chain::at(state),
            prev: None,
        }
    }

    /// The date of the next day the engine will produce.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// Difficulty in force now.
    pub fn difficulty(&self) -> f64 {
        self.chain.difficulty
    }

    /// The drivers.
    pub fn drivers_mut(&mut self) -> &mut D {
        &mut self.drivers
    }

    /// The network state at 00:00 UTC of [`Engine::date`]: whole-block height and the block in
    /// progress, difficulty, the current epoch's elapsed time, and today's hashrate, price and
    /// fees from the drivers. An engine started from it continues exactly as this one would.
    pub fn state(&mut self) -> NetworkState {
        let dd = self.drivers.day(self.date, self.prev.as_ref());
        let height = self.chain.x.floor();
        NetworkState {
            date: self.date,
            height: height as u64,
            difficulty: self.chain.difficulty,
            hashrate_hs: dd.hashrate_hs,
            fees_btc_per_block: dd.fees_btc_per_block,
            price_usd: dd.price_usd,
            epoch_elapsed_s: Some(self.chain.epoch_elapsed_s),
            block_progress: self.chain.x - height,
        }
    }

    /// Simulates the next day.
    pub fn step(&mut self) -> NetDay {
        let dd = self.drivers.day(self.date, self.prev.as_ref());
        let start_epoch = self.chain.epoch;
        let reward_scale = PH / chain::HASHES_PER_DIFFICULTY;
        let mut t = 0.0_f64;
        let mut blocks = 0.0;
        let mut subsidy_sum = 0.0;
        let mut hashvalue = 0.0;
        let mut diff_time = 0.0;
        let mut halving = None;
        let mut retargets = Vec::new();
        loop {
            let rate = dd.hashrate_hs / (self.chain.difficulty * chain::HASHES_PER_DIFFICULTY);
            let rem = chain::SECONDS_PER_DAY - t;
            let bounds = self.chain.boundaries();
            let boundary = bounds.0.min(bounds.1).min(bounds.2);
            let dt_to_boundary = (boundary - self.chain.x) / rate;
            let reached = dt_to_boundary <= rem;
            let dt = if reached {
                dt_to_boundary.max(0.0)
            } else {
                rem
            };
            // Accumulate the segment [t, t + dt) at the current difficulty and subsidy.
            let seg_blocks = rate * dt;
            blocks += seg_blocks;
            subsidy_sum += seg_blocks * self.chain.subsidy_btc;
            hashvalue += reward_scale / self.chain.difficulty
                * dt
                * (self.chain.subsidy_btc + dd.fees_btc_per_block);
            diff_time += self.chain.difficulty * dt;
            self.chain.epoch_elapsed_s += dt;
            t += dt;
            if !reached {
                self.chain.x += seg_blocks;
                break;
            }
            let (mark, retarget) = self.chain.cross(boundary, bounds);
            if let Some(h) = mark {
                halving = Some((h, instant(self.date, t)));
            }
            retargets.extend(retarget);
        }
        // A hashprice path sets what a PH/s earns: BTC = the path's USD / the day's price.
        if let Some(hp) = dd.hashprice_usd_per_ph_day {
            hashvalue = hp / dd.price_usd;
        }
        let day = NetDay {
            date: self.date,
            // x is never negative: the cast truncates, which is the floor, without a call to
            // libm's floor on targets without SSE4.1.
            height: self.chain.x as u64,
            epoch: start_epoch,
            blocks,
            difficulty: diff_time / chain::SECONDS_PER_DAY,
            hashrate_hs: dd.hashrate_hs,
            subsidy_btc: if blocks > 0.0 {
                subsidy_sum / blocks
            } else {
                self.chain.subsidy_btc
            },
            fees_btc_per_block: dd.fees_btc_per_block,
            price_usd: dd.price_usd,
            hashvalue_btc_per_ph_day: hashvalue,
            network_subsidy_btc: subsidy_sum,
            halving,
            retargets,
        };
        self.date = self.date.succ_opt().unwrap_or(self.date);
        if self.drivers.uses_prev() {
            self.prev = Some(day.clone());
        }
        day
    }
}

/// An engine's chain alone, for a caller that needs of each day only its blocks and hashvalue
/// (the lean loop's Monte Carlo paths with hashrate noise): the height, epoch, era, subsidy,
/// difficulty and the epoch's elapsed time, stepped a day at a time on the day's hashrate and
/// fees. Each day does the floating-point operations of [`Engine::step`] that the blocks, the
/// hashvalue and the chain's state depend on, in the same order, so they equal the engine's to
/// the bit (a test compares them); it keeps no date and no record of the day, and holds the
/// next boundary and the epoch's constants between days instead of computing them each day.
/// Retargets and halvings split the day exactly as the engine splits it. No hashprice path:
/// the hashvalue is the network's.
#[derive(Debug, Clone)]
pub struct ChainWalk {
    chain: Chain,
    /// `difficulty * HASHES_PER_DIFFICULTY` (the engine's rate divisor).
    hashes: f64,
    /// `reward_scale / difficulty` (the engine's hashvalue factor).
    reward: f64,
    b_retarget: f64,
    b_era: f64,
    b_mark: f64,
    /// The nearest of the three.
    boundary: f64,
}

/// BTC a PH/s earns per second per BTC of reward, times the difficulty.
const REWARD_SCALE: f64 = PH / chain::HASHES_PER_DIFFICULTY;

impl ChainWalk {
    /// The chain at 00:00 UTC of `state.date`, as [`Engine::new`] starts it.
    pub fn new(state: &NetworkState) -> ChainWalk {
        let mut w = ChainWalk {
            chain: Chain::at(state),
            hashes: 0.0,
            reward: 0.0,
            b_retarget: 0.0,
            b_era: 0.0,
            b_mark: 0.0,
            boundary: 0.0,
        };
        w.settle();
        w
    }

    /// The boundaries and the difficulty's constants after a change of epoch, era or mark.
    fn settle(&mut self) {
        (self.b_retarget, self.b_era, self.b_mark) = self.chain.boundaries();
        self.boundary = self.b_retarget.min(self.b_era).min(self.b_mark);
        self.hashes = self.chain.difficulty * chain::HASHES_PER_DIFFICULTY;
        self.reward = REWARD_SCALE / self.chain.difficulty;
    }

    /// Difficulty in force now.
    pub fn difficulty(&self) -> f64 {
        self.chain.difficulty
    }

    /// The next day at `hashrate_hs` and `fees_btc_per_block`: its expected blocks and the BTC
    /// 1 PH/s earns ([`NetDay::blocks`], [`NetDay::hashvalue_btc_per_ph_day`]).
    #[inline]
    pub fn day(&mut self, hashrate_hs: f64, fees_btc_per_block: f64) -> (f64, f64) {
        // The engine's first segment (t = 0, so the day's remaining seconds are all of it).
        let rate = hashrate_hs / self.hashes;
        let rem = chain::SECONDS_PER_DAY;
        let dt_to_boundary = (self.boundary - self.chain.x) / rate;
        if dt_to_boundary <= rem {
            return self.split_day(hashrate_hs, fees_btc_per_block);
        }
        // No boundary today: one segment, added to the engine's zeros as it adds them.
        let seg_blocks = rate * rem;
        let blocks = 0.0 + seg_blocks;
        let hashvalue = 0.0 + self.reward * rem * (self.chain.subsidy_btc + fees_btc_per_block);
        self.chain.epoch_elapsed_s += rem;
        self.chain.x += seg_blocks;
        (blocks, hashvalue)
    }

    /// A day with a boundary in it: [`Engine::step`]'s segment loop.
    #[cold]
    #[inline(never)]
    fn split_day(&mut self, hashrate_hs: f64, fees_btc_per_block: f64) -> (f64, f64) {
        let mut t = 0.0_f64;
        let mut blocks = 0.0;
        let mut hashvalue = 0.0;
        loop {
            let rate = hashrate_hs / self.hashes;
            let rem = chain::SECONDS_PER_DAY - t;
            let boundary = self.boundary;
            let dt_to_boundary = (boundary - self.chain.x) / rate;
            let reached = dt_to_boundary <= rem;
            let dt = if reached {
                dt_to_boundary.max(0.0)
            } else {
                rem
            };
            let seg_blocks = rate * dt;
            blocks += seg_blocks;
            hashvalue += self.reward * dt * (self.chain.subsidy_btc + fees_btc_per_block);
            self.chain.epoch_elapsed_s += dt;
            t += dt;
            if !reached {
                self.chain.x += seg_blocks;
                break;
            }
            self.chain
                .cross(boundary, (self.b_retarget, self.b_era, self.b_mark));
            self.settle();
        }
        (blocks, hashvalue)
    }
}

/// Rolls a network state forward to `date` along `drivers` (the model's estimate of the state
/// then). A date on or before the state's returns it unchanged.
pub fn roll_forward<D: Drivers>(state: &NetworkState, drivers: D, date: NaiveDate) -> NetworkState {
    if date <= state.date {
        return state.clone();
    }
    let mut e = Engine::new(state, drivers);
    while e.date() < date {
        e.step();
    }
    e.state()
}

/// The network a run starts from ([`NetworkInputs`] is defined in [`crate::model::network`]);
/// here because a start after the base state's date rolls the base forward with the engine.
impl NetworkInputs {
    /// Applies the inputs to `base`. A start after the base's date rolls the base forward
    /// along its growth paths; the user's figures then replace the rolled ones at the start.
    /// Given a hashrate without a difficulty, D = H * 600 / 2^32; a difficulty without a
    /// hashrate, H = D * 2^32 / 600.
    pub fn resolve(&self, base: &NetworkState) -> Result<ResolvedNetwork, Error> {
        for (name, v) in [
            ("--hashrate-growth", self.hashrate_growth),
            ("--fee-growth", self.fee_growth),
            ("--price-growth", self.price_growth),
        ] {
            growth_fraction(name, v * 100.0)?;
        }
        if let Some(h) = self.height {
            if h > chain::FIRST_ZERO_SUBSIDY_HEIGHT {
                return Err(Error::input(format!(
                    "--height must be at most {}, got {h}",
                    chain::FIRST_ZERO_SUBSIDY_HEIGHT
                )));
            }
        }
        if let Some(v) = self.difficulty {
            check_model("difficulty", v, 1.0)?;
        }
        if let Some(v) = self.hashrate_hs {
            check_model("network-hashrate", v, 1e-18)?;
        }
        if let Some(v) = self.price_usd {
            check_model("price", v, 1.0)?;
        }
        if let Some(v) = self.fees_btc_per_block {
            check_model("fees", v, 1.0)?;
        }
        let start = self.start_on(base);
        let base_drivers = self.paths(base);
        let chain_given =
            self.height.is_some() && (self.difficulty.is_some() || self.hashrate_hs.is_some());
        let too_far = (start - base.date).num_days() > crate::params::MAX_ROLL_DAYS;
        let rolls = start >= base.date && !too_far;
        let mut state = if rolls {
            roll_forward(base, base_drivers, start)
        } else if chain_given {
            NetworkState {
                date: start,
                epoch_elapsed_s: None,
                block_progress: 0.0,
                ..base.clone()
            }
        } else if too_far {
            return Err(Error::input(format!(
                "--start {start} is more than {} days after the network state's date {}: give --height and --difficulty (or --network-hashrate) for that date, or a --network document near it",
                crate::params::MAX_ROLL_DAYS,
                base.date
            )));
        } else {
            return Err(Error::input(format!(
                "--start {start} is before the network state's date {}: give --height and --difficulty (or --network-hashrate) for that date",
                base.date
            )));
        };
        let rolled_days = if rolls {
            (start - base.date).num_days()
        } else {
            0
        };
        if self.gives_chain_state() {
            state.epoch_elapsed_s = None;
            state.block_progress = 0.0;
        }
        if let Some(h) = self.height {
            state.height = h;
        }
        state.set_difficulty_hashrate(self.difficulty, self.hashrate_hs);
        if let Some(p) = self.price_usd {
            state.price_usd = p;
        }
        if let Some(f) = self.fees_btc_per_block {
            state.fees_btc_per_block = f;
        }
        state.validate()?;
        let drivers = self.paths(&state);
        Ok(ResolvedNetwork {
            state,
            drivers,
            rolled_days,
        })
    }
}

impl<D: Drivers> Iterator for Engine<D> {
    type Item = NetDay;
    fn next(&mut self) -> Option<NetDay> {
        Some(self.step())
    }
}

fn instant(date: NaiveDate, seconds: f64) -> NaiveDateTime {
    let ms = (seconds * 1000.0).round() as i64;
    date.and_time(chrono::NaiveTime::MIN) + Duration::milliseconds(ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::network::Path;
    use crate::test_util::d;

    fn state(height: u64, difficulty: f64) -> NetworkState {
        NetworkState {
            date: d("2026-01-01"),
            height,
            difficulty,
            hashrate_hs: chain::hashrate_from_difficulty(difficulty),
            fees_btc_per_block: 0.0,
            price_usd: 100_000.0,
            epoch_elapsed_s: None,
            block_progress: 0.0,
        }
    }

    fn drivers(st: &NetworkState, hashrate_growth: f64) -> PathDrivers {
        PathDrivers {
            hashrate_hs: Path::growth(st.hashrate_hs, st.date, hashrate_growth),
            price_usd: Path::growth(st.price_usd, st.date, 0.0),
            fees_btc_per_block: Path::growth(st.fees_btc_per_block, st.date, 0.0),
            hashprice_usd_per_ph_day: None,
        }
    }

    #[test]
    fn flat_network_mines_144_blocks_a_day() {
        let st = state(900_000, 100e12);
        let mut e = Engine::new(&st, drivers(&st, 0.0));
        for _ in 0..100 {
            let day = e.step();
            assert!((day.blocks - 144.0).abs() < 1e-6, "{}", day.blocks);
            // Retargets at equilibrium leave difficulty unchanged.
            assert!((day.difficulty / 100e12 - 1.0).abs() < 1e-9);
        }
    }

    #[test]
    fn halving_day_is_split_at_the_block() {
        // Tip 1,049,899: blocks 1,049,900..=1,049,999 (100) pay 3.125, then 44 pay 1.5625.
        let st = state(1_049_899, 100e12);
        let mut e = Engine::new(&st, drivers(&st, 0.0));
        let day0 = e.step();
        assert_eq!(day0.halving.map(|h| h.0), Some(1_050_000));
        let expect = (100.0 * 3.125 + 44.0 * 1.5625) / 144.0;
        assert!(
            (day0.subsidy_btc - expect).abs() < 1e-9,
            "{}",
            day0.subsidy_btc
        );
        // The halving block is the 101st: it completes after 101 x 600 s, at 16:50 UTC.
        let when = day0.halving.unwrap().1;
        assert_eq!(when.format("%H:%M:%S").to_string(), "16:50:00");
        let day1 = e.step();
        assert_eq!(day1.subsidy_btc, 1.5625);
        assert!((day1.network_subsidy_btc - 225.0).abs() < 1e-6);
    }

    #[test]
    fn hashrate_halving_slows_blocks_until_retarget() {
        let st = state(2016 * 500 - 1, 100e12); // start of an epoch
        let mut dr = drivers(&st, 0.0);
        dr.hashrate_hs = dr
            .hashrate_hs
            .with_points(&[(st.date, st.hashrate_hs / 2.0)]);
        let days: Vec<NetDay> = Engine::new(&st, dr).take(40).collect();
        // 72 blocks a day until the epoch's 2016 blocks are done (28 days).
        assert!((days[0].blocks - 72.0).abs() < 1e-6);
        assert!((days[26].blocks - 72.0).abs() < 1e-6);
        let rt_day = days.iter().position(|x| !x.retargets.is_empty()).unwrap();
        assert_eq!(rt_day, 27); // 2016 / 72 = 28 days exactly: the boundary lands at the end of day 27
        let ratio = days[rt_day].retargets[0].1;
        assert!((ratio - 0.5).abs() < 1e-9, "{ratio}");
        assert!((days[30].blocks - 144.0).abs() < 1e-6);
    }

    #[test]
    fn growing_hashrate_runs_ahead_of_difficulty() {
        let st = state(2016 * 500 - 1, 100e12);
        let days: Vec<NetDay> = Engine::new(&st, drivers(&st, 0.5)).take(365).collect();
        let mut retargets = 0;
        for day in &days[1..] {
            assert!(day.blocks > 144.0, "{} {}", day.date, day.blocks);
            for &(h, ratio) in &day.retargets {
                assert_eq!(h % 2016, 0);
                assert!(ratio > 1.0);
                retargets += 1;
            }
        }
        assert!(retargets >= 26, "{retargets}");
        // Difficulty catches up: a year later it is ~1.5x (within the last epoch's lag).
        let last = days.last().unwrap();
        assert!(last.difficulty > 100e12 * 1.4 && last.difficulty < 100e12 * 1.5);
    }

    #[test]
    fn a_difficulty_change_per_epoch_converts_to_its_hashrate_growth() {
        use crate::model::network::hashrate_growth_from_difficulty_change as growth_of;
        // From equilibrium, the converted growth settles each retarget on x within a few
        // epochs. What is left is the day steps of the hashrate (constant within a day, so an
        // epoch's blocks take a little more or less than the steady state's, by where its ends
        // fall in their days): about 1e-3 of x each retarget, and averaging out across them.
        for x in [0.02, 0.05, -0.03, 0.0, 0.15] {
            let retargets = |g: f64| -> Vec<f64> {
                let st = state(2016 * 500 - 1, 100e12);
                Engine::new(&st, drivers(&st, g))
                    .take(400)
                    .flat_map(|d| d.retargets)
                    .map(|r| r.1)
                    .skip(4)
                    .collect()
            };
            let mean = |v: &[f64]| (v.iter().map(|r| r.ln()).sum::<f64>() / v.len() as f64).exp();
            let settled = retargets(growth_of(x));
            assert!(settled.len() >= 20, "{x}: {}", settled.len());
            for r in &settled {
                assert!((r - 1.0 - x).abs() <= 2e-3 * x.abs(), "{x}: {r}");
            }
            assert!(
                (mean(&settled) - 1.0 - x).abs() < 2e-6,
                "{x}: {}",
                mean(&settled)
            );
            // A year of 365.25 days (31,557,600 s) would miss by 7e-4 of ln(1 + x): the
            // engine's paths compound over 365 days.
            if x != 0.0 {
                let r = 1.0 + x;
                let off = ((r.ln() * r / chain::TARGET_TIMESPAN_S) * 31_557_600.0).exp_m1();
                let m = mean(&retargets(off));
                assert!((m - 1.0 - x).abs() > 5e-4 * x.abs(), "{x}: {m}");
            }
        }
    }

    #[test]
    fn a_monthly_difficulty_change_compounds_to_a_year() {
        // m a month: the difficulty a year later is (1 + m)^12 times, measured on 30-day means
        // once the start's lag has passed (difficulty steps at each retarget within them).
        for m in [0.03, -0.02, 0.1] {
            let g = crate::model::network::hashrate_growth_from_monthly_difficulty_change(m);
            assert!((g - ((1.0f64 + m).powi(12) - 1.0)).abs() < 1e-15);
            let st = state(2016 * 500 - 1, 100e12);
            let days: Vec<f64> = Engine::new(&st, drivers(&st, g))
                .take(500)
                .map(|d| d.difficulty)
                .collect();
            let window = |from: usize| days[from..from + 30].iter().sum::<f64>() / 30.0;
            let ratio = window(465) / window(100);
            let want = (1.0 + m).powi(12);
            assert!((ratio / want - 1.0).abs() < 2e-3, "{m}: {ratio} vs {want}");
        }
    }

    #[test]
    fn pre_start_blocks_count_600s_each() {
        // 1000 blocks into the epoch at 600 s; the rest come twice as fast: T = 600k + 1016*300.
        let st = state(2016 * 500 + 999, 100e12);
        let mut dr = drivers(&st, 0.0);
        dr.hashrate_hs = Path::growth(st.hashrate_hs * 2.0, st.date, 0.0);
        let days: Vec<NetDay> = Engine::new(&st, dr).take(10).collect();
        let ratio = days
            .iter()
            .flat_map(|x| x.retargets.clone())
            .next()
            .unwrap()
            .1;
        let t = 1000.0 * 600.0 + 1016.0 * 300.0;
        assert!((ratio - 1_209_600.0 / t).abs() < 1e-9);
    }

    #[test]
    fn a_rolled_start_continues_one_continuous_run() {
        // Mid-epoch, mid-block, with growth: roll 1..40 days, then run; the days agree with
        // one run from the base to 1e-9 (the block in progress is kept across the roll).
        let mut base = state(955_584 + 700, 133.87e12);
        base.hashrate_hs = 984e18;
        base.fees_btc_per_block = 0.02;
        base.epoch_elapsed_s = Some(700.0 * 590.0);
        let inputs = |start: Option<NaiveDate>| NetworkInputs {
            start,
            hashrate_growth: 0.4,
            fee_growth: 0.1,
            price_growth: 0.2,
            ..NetworkInputs::default()
        };
        let whole = inputs(None).resolve(&base).unwrap();
        let continuous: Vec<NetDay> = Engine::new(&whole.state, whole.drivers).take(80).collect();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-300);
        for skip in [1_usize, 7, 13, 40] {
            let start = base.date + Duration::days(skip as i64);
            let rolled = inputs(Some(start)).resolve(&base).unwrap();
            assert_eq!(rolled.rolled_days, skip as i64);
            assert!(rolled.state.block_progress > 0.0 && rolled.state.block_progress < 1.0);
            let days = Engine::new(&rolled.state, rolled.drivers).take(80 - skip);
            for (a, b) in days.zip(&continuous[skip..]) {
                assert_eq!(a.date, b.date);
                assert_eq!(a.height, b.height, "{}", a.date);
                for (x, y, what) in [
                    (a.blocks, b.blocks, "blocks"),
                    (a.difficulty, b.difficulty, "difficulty"),
                    (a.hashrate_hs, b.hashrate_hs, "hashrate"),
                    (a.price_usd, b.price_usd, "price"),
                    (a.fees_btc_per_block, b.fees_btc_per_block, "fees"),
                    (
                        a.hashvalue_btc_per_ph_day,
                        b.hashvalue_btc_per_ph_day,
                        "hashvalue",
                    ),
                    (a.network_subsidy_btc, b.network_subsidy_btc, "subsidy"),
                ] {
                    assert!(close(x, y), "skip {skip}, {} {what}: {x} vs {y}", a.date);
                }
                assert_eq!(a.retargets.len(), b.retargets.len(), "{}", a.date);
            }
        }
    }

    /// Drivers that hand out days computed before, in order (the dates aside).
    struct Listed(Vec<DayDrivers>, usize);

    impl Drivers for Listed {
        fn uses_prev(&self) -> bool {
            false
        }

        fn day(&mut self, _date: NaiveDate, _prev: Option<&NetDay>) -> DayDrivers {
            let d = self.0[self.1.min(self.0.len() - 1)];
            self.1 += 1;
            d
        }
    }

    /// The chain walk gives the engine's blocks and hashvalue to the bit, and ends on its
    /// difficulty and height: random starts (mid-epoch, mid-block, just before a retarget or a
    /// halving, on a halving's first block, with and without the epoch's elapsed time),
    /// hashrates jumping by day (so retargets swing by up to 4x, and days hold several
    /// boundaries), fees that move, over horizons across halvings.
    #[test]
    fn the_chain_walk_equals_the_engine() {
        use rand::{Rng, SeedableRng};
        let mut r = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let mut split_days = 0;
        for k in 0..60 {
            let height = match k % 5 {
                0 => r.gen_range(900_000..1_200_000),
                // A few blocks or days before a retarget.
                1 => 2016 * r.gen_range(450..600) - r.gen_range(1..400),
                // A few blocks or days before a halving.
                2 => 210_000 * r.gen_range(5..8) - r.gen_range(1..1500),
                // The halving's first block next (a pending mark at the start).
                3 => 210_000 * r.gen_range(5..8) - 1,
                _ => 2016 * r.gen_range(450..600) - 1,
            };
            let difficulty = r.gen_range(50e12..200e12);
            let mut st = state(height, difficulty);
            st.block_progress = if k % 2 == 0 {
                r.gen_range(0.0..1.0)
            } else {
                0.0
            };
            if k % 3 == 0 {
                st.epoch_elapsed_s = Some(r.gen_range(0.0..2.0e6));
            }
            let days = if k % 4 == 0 {
                r.gen_range(1..40)
            } else {
                r.gen_range(300..2500)
            };
            let mut h = st.hashrate_hs * r.gen_range(0.3..3.0);
            let mut fees = r.gen_range(0.0..0.5);
            let listed: Vec<DayDrivers> = (0..days)
                .map(|_| {
                    h *= (r.gen_range(-0.5..0.5f64) * if r.gen_bool(0.05) { 2.0 } else { 0.1 })
                        .exp();
                    fees *= r.gen_range(0.9..1.1);
                    DayDrivers {
                        hashrate_hs: h,
                        price_usd: 1.0,
                        fees_btc_per_block: fees,
                        hashprice_usd_per_ph_day: None,
                    }
                })
                .collect();
            let mut e = Engine::new(&st, Listed(listed.clone(), 0));
            let mut w = ChainWalk::new(&st);
            for (i, dd) in listed.iter().enumerate() {
                let day = e.step();
                let (blocks, hashvalue) = w.day(dd.hashrate_hs, dd.fees_btc_per_block);
                let what = format!("start {k}, day {i}");
                assert_eq!(blocks.to_bits(), day.blocks.to_bits(), "{what}: blocks");
                assert_eq!(
                    hashvalue.to_bits(),
                    day.hashvalue_btc_per_ph_day.to_bits(),
                    "{what}: hashvalue"
                );
                assert_eq!(w.difficulty().to_bits(), e.difficulty().to_bits(), "{what}");
                if day.halving.is_some() || !day.retargets.is_empty() {
                    split_days += 1;
                }
            }
            let end = e.state();
            assert_eq!(w.chain.x.floor() as u64, end.height, "start {k}");
            assert_eq!(
                w.chain.epoch_elapsed_s.to_bits(),
                end.epoch_elapsed_s.unwrap().to_bits()
            );
        }
        assert!(split_days > 500, "{split_days}");
    }

    #[test]
    fn the_default_start_is_today_never_before_the_base() {
        let base = state(900_000, 100e12);
        let today = |t: &str| NetworkInputs {
            today: Some(d(t)),
            ..NetworkInputs::default()
        };
        assert_eq!(today("2026-03-01").start_on(&base), d("2026-03-01"));
        assert_eq!(today("2025-12-01").start_on(&base), base.date);
        assert_eq!(NetworkInputs::default().start_on(&base), base.date);
        let pinned = NetworkInputs {
            start: Some(d("2026-01-05")),
            ..today("2026-03-01")
        };
        assert_eq!(pinned.start_on(&base), d("2026-01-05"));
        assert_eq!(today("2026-03-01").resolve(&base).unwrap().rolled_days, 59);
    }
}
