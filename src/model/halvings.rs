//! Every subsidy era: heights, subsidy, issuance, supply and dates (actual or estimated).

use chrono::{DateTime, NaiveDateTime};
use serde::Serialize;

use crate::model::chain::{self, HALVING_INTERVAL_BLOCKS};

/// The last era with a non-zero subsidy is 32; era 33 (height 6,930,000) pays nothing.
pub const LAST_ERA: u64 = 33;

/// One subsidy era.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HalvingRow {
    /// Halving number (0 = genesis era).
    pub halving: u64,
    /// Height of the era's first block.
    pub height: u64,
    /// Subsidy per block, sats.
    pub subsidy_sats: u64,
    /// Subsidy per block, BTC.
    pub subsidy_btc: f64,
    /// Network subsidy a day at 144 blocks, BTC.
    pub network_btc_per_day: f64,
    /// Supply issued by the end of this era, sats.
    pub cumulative_supply_sats: u64,
    /// Time of the era's first block, UTC (RFC 3339); empty where no estimate reaches.
    pub date: String,
    /// True where `date` is the model's estimate rather than a mined block's timestamp.
    pub estimated: bool,
}

/// The schedule, with dates from the past halvings and `estimates` (height, instant) for the
/// future ones.
pub fn schedule(estimates: &[(u64, NaiveDateTime)]) -> Vec<HalvingRow> {
    (0..=LAST_ERA)
        .map(|n| {
            let height = n * HALVING_INTERVAL_BLOCKS;
            let sats = chain::subsidy_sats(height);
            let past = if n == 0 {
                Some(1_231_006_505) // genesis block, 2009-01-03 18:15:05
            } else {
                chain::PAST_HALVINGS
                    .iter()
                    .find(|(h, _)| *h == height)
                    .map(|(_, t)| *t)
            };
            let (date, estimated) = match past {
                Some(t) => (DateTime::from_timestamp(t, 0).map(|d| d.naive_utc()), false),
                None => (
                    estimates
                        .iter()
                        .find(|(h, _)| *h == height)
                        .map(|(_, t)| *t),
                    true,
                ),
            };
            HalvingRow {
                halving: n,
                height,
                subsidy_sats: sats,
                subsidy_btc: chain::sats_to_btc(sats),
                network_btc_per_day: chain::sats_to_btc(144 * sats),
                cumulative_supply_sats: chain::cumulative_supply_sats(
                    height + HALVING_INTERVAL_BLOCKS - 1,
                ),
                date: date
                    .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                    .unwrap_or_default(),
                estimated,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_ends_at_total_supply() {
        let s = schedule(&[]);
        assert_eq!(s.len(), 34);
        assert_eq!(s[4].date, "2024-04-20T00:09:27Z");
        assert_eq!(s[1].date, "2012-11-28T15:24:38Z");
        assert!(!s[4].estimated && s[5].estimated);
        assert_eq!(s[5].network_btc_per_day, 225.0);
        assert_eq!(
            s.last().unwrap().cumulative_supply_sats,
            chain::TOTAL_SUPPLY_SATS
        );
        assert_eq!(s.last().unwrap().subsidy_sats, 0);
    }
}
