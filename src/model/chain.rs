//! Consensus facts, exact where Bitcoin Core is exact.
//!
//! Subsidy is computed in integer satoshis with Bitcoin Core's `GetBlockSubsidy` rule; the
//! retarget clamp mirrors `CalculateNextWorkRequired`; hashrate and difficulty are related by
//! the usual `H = D * 2^32 / 600` approximation (the exact factor is 2^48/65535, 1.5e-5 higher).

/// Satoshis in one bitcoin.
pub const COIN_SATS: u64 = 100_000_000;
/// Subsidy of the genesis era in satoshis (50 BTC).
pub const INITIAL_SUBSIDY_SATS: u64 = 50 * COIN_SATS;
/// Blocks between halvings (mainnet `nSubsidyHalvingInterval`).
pub const HALVING_INTERVAL_BLOCKS: u64 = 210_000;
/// Blocks between difficulty retargets (`nPowTargetTimespan / nPowTargetSpacing`).
pub const RETARGET_INTERVAL_BLOCKS: u64 = 2016;
/// Target block spacing in seconds.
pub const TARGET_SPACING_S: f64 = 600.0;
/// Target timespan of one retarget epoch in seconds (two weeks).
pub const TARGET_TIMESPAN_S: f64 = 1_209_600.0;
/// Expected hashes per block at difficulty 1, as the convention `2^32`.
pub const HASHES_PER_DIFFICULTY: f64 = 4_294_967_296.0;
/// Total satoshis that the subsidy schedule will ever issue (Bitcoin Core `subsidy_limit_test`).
pub const TOTAL_SUPPLY_SATS: u64 = 2_099_999_997_690_000;
/// Seconds in a day.
pub const SECONDS_PER_DAY: f64 = 86_400.0;
/// First height at which the subsidy is zero (5,000,000,000 >> 33 == 0).
pub const FIRST_ZERO_SUBSIDY_HEIGHT: u64 = 33 * HALVING_INTERVAL_BLOCKS;

/// Block times of the past halvings (block header timestamps, UTC), as `(height, unix seconds)`.
pub const PAST_HALVINGS: [(u64, i64); 4] = [
    (210_000, 1_354_116_278), // 2012-11-28 15:24:38
    (420_000, 1_468_082_773), // 2016-07-09 16:46:13
    (630_000, 1_589_225_023), // 2020-05-11 19:23:43
    (840_000, 1_713_571_767), // 2024-04-20 00:09:27
];

/// Number of halvings that have happened by `height` (`height / 210,000`).
pub fn halvings_at(height: u64) -> u64 {
    height / HALVING_INTERVAL_BLOCKS
}

/// Block subsidy in satoshis at `height`, exactly as Bitcoin Core's `GetBlockSubsidy`.
pub fn subsidy_sats(height: u64) -> u64 {
    let halvings = halvings_at(height);
    // Force the reward to zero when the right shift would be undefined (Core's guard); Rust
    // would panic in debug or mask the shift in release.
    if halvings >= 64 {
        return 0;
    }
    INITIAL_SUBSIDY_SATS >> halvings
}

/// Block subsidy in BTC at `height`.
pub fn subsidy_btc(height: u64) -> f64 {
    sats_to_btc(subsidy_sats(height))
}

/// Satoshis to BTC.
pub fn sats_to_btc(sats: u64) -> f64 {
    sats as f64 / COIN_SATS as f64
}

/// Height of the first block of halving era `n` (n = 1 is the first halving at 210,000).
pub fn halving_height(n: u64) -> u64 {
    n * HALVING_INTERVAL_BLOCKS
}

/// The first halving height strictly above `height`.
pub fn next_halving_height(height: u64) -> u64 {
    (halvings_at(height) + 1) * HALVING_INTERVAL_BLOCKS
}

/// Sum of all subsidies paid by blocks `0..=height`, in satoshis (exact, per era).
pub fn cumulative_supply_sats(height: u64) -> u64 {
    let mut total = 0u64;
    let mut era = 0u64;
    loop {
        let first = era * HALVING_INTERVAL_BLOCKS;
        if first > height || era >= 64 {
            return total;
        }
        let last = (first + HALVING_INTERVAL_BLOCKS - 1).min(height);
        total += (last - first + 1) * subsidy_sats(first);
        era += 1;
    }
}

/// Epoch (retarget period) of the block at `height`.
pub fn epoch_of(height: u64) -> u64 {
    height / RETARGET_INTERVAL_BLOCKS
}

/// The lowest difficulty: the proof-of-work limit (`powLimit`) has difficulty 1.
pub const MIN_DIFFICULTY: f64 = 1.0;

/// New difficulty after an epoch whose 2016 blocks took `actual_timespan_s` seconds: the
/// timespan is clamped to [1/4, 4] of two weeks and the target capped at `powLimit`
/// (difficulty at least 1), as in Core's `CalculateNextWorkRequired`.
pub fn retarget(difficulty: f64, actual_timespan_s: f64) -> f64 {
    let span = actual_timespan_s.clamp(TARGET_TIMESPAN_S / 4.0, TARGET_TIMESPAN_S * 4.0);
    (difficulty * TARGET_TIMESPAN_S / span).max(MIN_DIFFICULTY)
}

/// Network hashrate (H/s) at which blocks of difficulty `difficulty` arrive every 600 s.
pub fn hashrate_from_difficulty(difficulty: f64) -> f64 {
    difficulty * HASHES_PER_DIFFICULTY / TARGET_SPACING_S
}

/// Difficulty at which hashrate `hashrate_hs` (H/s) finds a block every 600 s.
pub fn difficulty_from_hashrate(hashrate_hs: f64) -> f64 {
    hashrate_hs * TARGET_SPACING_S / HASHES_PER_DIFFICULTY
}

/// Expected blocks per second found by `hashrate_hs` at `difficulty`.
pub fn blocks_per_second(hashrate_hs: f64, difficulty: f64) -> f64 {
    hashrate_hs / (difficulty * HASHES_PER_DIFFICULTY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_supply_is_core_constant() {
        assert_eq!(cumulative_supply_sats(u64::MAX / 2), TOTAL_SUPPLY_SATS);
        // Bitcoin Core's own way: every 1000th block times 1000.
        let mut sum = 0u64;
        let mut h = 0u64;
        while h < 14_000_000 {
            let s = subsidy_sats(h);
            assert!(s <= 50 * COIN_SATS);
            sum += s * 1000;
            h += 1000;
        }
        assert_eq!(sum, 2_099_999_997_690_000);
        // And block by block, to be sure the per-era sum is no shortcut.
        let brute: u64 = (0..FIRST_ZERO_SUBSIDY_HEIGHT + 10).map(subsidy_sats).sum();
        assert_eq!(brute, TOTAL_SUPPLY_SATS);
    }

    #[test]
    fn subsidy_at_era_edges() {
        let cases = [
            (0, 5_000_000_000),
            (209_999, 5_000_000_000),
            (210_000, 2_500_000_000),
            (839_999, 625_000_000),
            (840_000, 312_500_000),
            (1_049_999, 312_500_000),
            (1_050_000, 156_250_000),
            (6_929_999, 1),
            (6_930_000, 0),
            (64 * 210_000, 0),
            (u64::MAX, 0),
        ];
        for (h, s) in cases {
            assert_eq!(subsidy_sats(h), s, "height {h}");
        }
    }

    #[test]
    fn each_halving_halves() {
        for n in 1..64 {
            assert_eq!(
                subsidy_sats(halving_height(n)),
                subsidy_sats(halving_height(n - 1)) / 2
            );
        }
    }

    #[test]
    fn network_issuance_per_day() {
        assert_eq!(144 * subsidy_sats(1_049_999), 450 * COIN_SATS);
        assert_eq!(144 * subsidy_sats(1_050_000), 225 * COIN_SATS);
    }

    #[test]
    fn retarget_clamps() {
        let d = 100e12;
        assert_eq!(retarget(d, TARGET_TIMESPAN_S), d);
        assert_eq!(retarget(d, TARGET_TIMESPAN_S / 2.0), 2.0 * d);
        assert_eq!(retarget(d, 1.0), 4.0 * d);
        assert_eq!(retarget(d, 1e12), d / 4.0);
        // The target never rises above powLimit: difficulty stays at least 1.
        assert_eq!(retarget(2.0, 1e12), 1.0);
    }

    #[test]
    fn hashrate_difficulty_roundtrip() {
        let d = 141_668_107_417_558.2;
        let h = hashrate_from_difficulty(d);
        assert!((h / 1e18 - 1014.1).abs() < 0.1, "{h}");
        assert!((difficulty_from_hashrate(h) - d).abs() / d < 1e-12);
        assert!((blocks_per_second(h, d) * 600.0 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn cumulative_supply_eras() {
        assert_eq!(cumulative_supply_sats(209_999), 1_050_000_000_000_000);
        assert_eq!(cumulative_supply_sats(1_049_999), 2_034_375_000_000_000);
        assert_eq!(next_halving_height(840_000), 1_050_000);
        assert_eq!(next_halving_height(1_049_999), 1_050_000);
    }
}
