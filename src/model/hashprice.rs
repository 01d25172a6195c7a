//! Hashvalue, hashprice, hashcost and breakevens for one network state.

use serde::Serialize;

use crate::error::Error;
use crate::model::chain;
use crate::model::fleet::hashcost_usd_per_ph_day;
use crate::model::network::NetworkState;
use crate::params::check_model;

/// The economics of 1 PH/s for one day at a network state (Luxor's hashprice: 100% uptime,
/// no pool fee, the next block's subsidy plus the average fees).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HashpriceRow {
    /// Date of the network state.
    pub date: chrono::NaiveDate,
    /// Chain tip height.
    pub height: u64,
    /// Difficulty.
    pub difficulty: f64,
    /// Subsidy of the next block, BTC.
    pub subsidy_btc: f64,
    /// Fees per block, BTC.
    pub fees_btc_per_block: f64,
    /// BTC price, USD.
    pub btc_price_usd: f64,
    /// Sats 1 PH/s earns in a day.
    pub hashvalue_sats_per_ph_day: f64,
    /// USD 1 PH/s earns in a day.
    pub hashprice_usd_per_ph_day: f64,
    /// Efficiency the cost columns use, J/TH (empty without --efficiency).
    pub efficiency_j_per_th: Option<f64>,
    /// Power cost the cost columns use, USD/kWh (empty without --power-cost).
    pub power_cost_usd_per_kwh: Option<f64>,
    /// USD of electricity that 1 PH/s uses in a day.
    pub hashcost_usd_per_ph_day: Option<f64>,
    /// hashprice - hashcost, USD/PH/day.
    pub margin_usd_per_ph_day: Option<f64>,
    /// Power cost at which hashprice equals hashcost, USD/kWh (needs --efficiency).
    pub breakeven_power_cost_usd_per_kwh: Option<f64>,
    /// Efficiency at which hashprice equals hashcost, J/TH (needs --power-cost).
    pub breakeven_efficiency_j_per_th: Option<f64>,
}

/// Sats that 1 PH/s earns in a day at `difficulty` with `reward_btc` per block.
pub fn hashvalue_sats_per_ph_day(difficulty: f64, reward_btc: f64) -> f64 {
    1e15 * chain::SECONDS_PER_DAY / (difficulty * chain::HASHES_PER_DIFFICULTY)
        * reward_btc
        * chain::COIN_SATS as f64
}

/// The hashprice row for a network state, with costs where efficiency or power cost are given.
pub fn hashprice(
    net: &NetworkState,
    efficiency_j_per_th: Option<f64>,
    power_cost_usd_per_kwh: Option<f64>,
) -> Result<HashpriceRow, Error> {
    check_model("difficulty", net.difficulty, 1.0)?;
    check_model("price", net.price_usd, 1.0)?;
    check_model("fees", net.fees_btc_per_block, 1.0)?;
    if let Some(e) = efficiency_j_per_th {
        check_model("efficiency", e, 1.0)?;
    }
    if let Some(p) = power_cost_usd_per_kwh {
        check_model("power-cost", p, 1.0)?;
    }
    let subsidy = chain::subsidy_btc(net.height + 1);
    let hv = hashvalue_sats_per_ph_day(net.difficulty, subsidy + net.fees_btc_per_block);
    let hp = hv / chain::COIN_SATS as f64 * net.price_usd;
    // Hashcost is linear in efficiency and power cost: hashcost = e * p * 24.
    let per_j_kwh = hashcost_usd_per_ph_day(1.0, 1.0);
    let hashcost = match (efficiency_j_per_th, power_cost_usd_per_kwh) {
        (Some(e), Some(p)) => Some(hashcost_usd_per_ph_day(e, p)),
        _ => None,
    };
    Ok(HashpriceRow {
        date: net.date,
        height: net.height,
        difficulty: net.difficulty,
        subsidy_btc: subsidy,
        fees_btc_per_block: net.fees_btc_per_block,
        btc_price_usd: net.price_usd,
        hashvalue_sats_per_ph_day: hv,
        hashprice_usd_per_ph_day: hp,
        efficiency_j_per_th,
        power_cost_usd_per_kwh,
        hashcost_usd_per_ph_day: hashcost,
        margin_usd_per_ph_day: hashcost.map(|h| hp - h),
        // A breakeven past f64 (near-zero efficiency or power cost) has no figure: empty.
        breakeven_power_cost_usd_per_kwh: efficiency_j_per_th
            .map(|e| hp / (e * per_j_kwh))
            .filter(|v| v.is_finite()),
        breakeven_efficiency_j_per_th: power_cost_usd_per_kwh
            .filter(|p| *p > 0.0)
            .map(|p| hp / (p * per_j_kwh))
            .filter(|v| v.is_finite()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answer_from_the_issue() {
        let net = NetworkState {
            date: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            height: 900_000,
            difficulty: 150e12,
            hashrate_hs: 1e21,
            fees_btc_per_block: 0.02,
            price_usd: 100_000.0,
            epoch_elapsed_s: None,
            block_progress: 0.0,
        };
        let r = hashprice(&net, Some(20.0), Some(0.05)).unwrap();
        assert!(
            (r.hashprice_usd_per_ph_day - 42.18).abs() < 0.005,
            "{}",
            r.hashprice_usd_per_ph_day
        );
        assert!((r.hashcost_usd_per_ph_day.unwrap() - 24.00).abs() < 1e-9);
        assert!((r.breakeven_power_cost_usd_per_kwh.unwrap() - 0.0879).abs() < 0.00005);
        // At the breakeven efficiency the hashcost equals the hashprice.
        let be = r.breakeven_efficiency_j_per_th.unwrap();
        assert!((hashcost_usd_per_ph_day(be, 0.05) - r.hashprice_usd_per_ph_day).abs() < 1e-9);
    }
}
