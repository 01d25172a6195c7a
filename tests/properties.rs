//! Property tests of the model's invariants.

use minecalc::model::chain;
use minecalc::model::fleet::{Fleet, FleetGroup};
use minecalc::model::network::Snapshot;
use minecalc::model::projection::{aggregate, project, Growth, Horizon, Period, Scenario};
use proptest::prelude::*;

fn scenario(power_cost: f64, hashrate_growth: f64, price_growth: f64, days: i64) -> Scenario {
    let fleet = Fleet::single(FleetGroup {
        label: "p".into(),
        hashrate_ths: 5000.0,
        efficiency_j_per_th: 17.5,
        power_cost_usd_per_kwh: power_cost,
        uptime: 0.95,
        pool_fee: 0.02,
        opex_usd_per_day: 10.0,
        ..FleetGroup::default()
    });
    let growth = Growth {
        hashrate: hashrate_growth,
        fees: 0.0,
        price: price_growth,
    };
    Scenario::with_growth(
        Snapshot::embedded().state(),
        growth,
        fleet,
        Horizon::Days(days),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn subsidy_never_grows_with_height(a in 0u64..8_000_000, b in 0u64..8_000_000) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(chain::subsidy_sats(hi) <= chain::subsidy_sats(lo));
    }

    #[test]
    fn margin_falls_as_power_cost_rises(p in 0.0f64..0.3, dp in 0.001f64..0.2, g in -0.5f64..1.0) {
        let a = project(&scenario(p, g, 0.1, 200)).unwrap();
        let b = project(&scenario(p + dp, g, 0.1, 200)).unwrap();
        let ma = a.rows.last().unwrap().cumulative_margin_usd;
        let mb = b.rows.last().unwrap().cumulative_margin_usd;
        prop_assert!(mb < ma);
    }

    #[test]
    fn period_rows_sum_the_days(g in -0.5f64..2.0, pg in -0.5f64..2.0, days in 1i64..800) {
        let p = project(&scenario(0.05, g, pg, days)).unwrap();
        let total: f64 = p.rows.iter().map(|r| r.margin_usd).sum();
        let btc: f64 = p.rows.iter().map(|r| r.btc_mined).sum();
        for period in [Period::Week, Period::Month, Period::Epoch, Period::Year] {
            let rows = aggregate(&p.rows, period);
            let m: f64 = rows.iter().map(|r| r.margin_usd).sum();
            let b: f64 = rows.iter().map(|r| r.btc_mined).sum();
            let d: u32 = rows.iter().map(|r| r.days).sum();
            prop_assert!((m - total).abs() <= 1e-9 * total.abs().max(1.0));
            prop_assert!((b - btc).abs() <= 1e-12 * btc.abs().max(1.0));
            prop_assert_eq!(d as i64, days);
        }
    }

    #[test]
    fn blocks_follow_hashrate_over_difficulty(g in -0.9f64..3.0) {
        // Each day's blocks equal the day's seconds at H / (D * 2^32) summed over the segments:
        // between retargets, blocks a day = 86400 * H / (D * 2^32) exactly.
        let p = project(&scenario(0.05, g, 0.0, 120)).unwrap();
        for r in &p.rows {
            if r.events.is_empty() {
                let expect = 86_400.0 * r.network_hashrate_eh_s * 1e18 / (r.difficulty * 4_294_967_296.0);
                prop_assert!((r.blocks - expect).abs() < 1e-6 * expect);
            }
        }
    }
}
