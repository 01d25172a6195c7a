//! Hand-computed cases for the pivot model. The numbers in the assertions were worked out on
//! paper (and checked with a calculator) from the closed forms in the comments.

use super::*;
use crate::model::chain;
use crate::model::fleet::{Fleet, FleetGroup};
use crate::model::network::NetworkState;
use crate::model::projection::{Growth, Horizon, Scenario};
use crate::test_util::d;

/// A flat network at equilibrium (difficulty 100 T, hashrate D x 2^32 / 600, no fees,
/// $100,000, no growth), 150,000 blocks before the 2028 halving: hashprice is constant,
/// 1e15 x 86,400 / (100e12 x 2^32) x 3.125 x 100,000 = $62.8642737865448 /PH/day.
fn flat_network() -> NetworkState {
    NetworkState {
        date: d("2026-01-01"),
        height: 900_000,
        difficulty: 100e12,
        hashrate_hs: chain::hashrate_from_difficulty(100e12),
        fees_btc_per_block: 0.0,
        price_usd: 100_000.0,
        epoch_elapsed_s: None,
        block_progress: 0.0,
    }
}

/// 100 MW of 20 J/TH machines (5,000,000 TH/s) at $0.05/kWh: margin per day =
/// 5,000 PH x $62.8642737865448 - 100,000 kW x 24 h x $0.05 = $194,321.368932724.
const FLAT_MARGIN_PER_DAY: f64 = 194_321.368932724;

fn scenario(price_growth: f64) -> Scenario {
    let fleet = Fleet::single(FleetGroup {
        label: "site".into(),
        hashrate_ths: 5e6,
        efficiency_j_per_th: 20.0,
        power_cost_usd_per_kwh: 0.05,
        uptime: 1.0,
        pool_fee: 0.0,
        opex_usd_per_day: 0.0,
        ..FleetGroup::default()
    });
    Scenario::with_growth(
        flat_network(),
        Growth {
            price: price_growth,
            ..Growth::default()
        },
        fleet,
        Horizon::Days(1),
    )
}

/// 100 MW site, 100 MW IT, $150/kW-month for 1 year, NOI 100%, $10M/MW capex on day 0 (no
/// conversion time, no mining while converting), 10% a year.
fn inputs() -> PivotInputs {
    PivotInputs {
        site_mw: 100.0,
        it_mw: 100.0,
        lease_usd_per_kw_month: 150.0,
        lease_years: 1.0,
        lease_escalator: 0.0,
        noi_margin: 1.0,
        conversion_capex_usd_per_mw: 10e6,
        conversion_months: 0.0,
        mining_share_during_conversion: 0.0,
        discount_rate: 0.10,
    }
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1.0)
}

#[test]
fn npv_of_one_lease_year_by_hand() {
    // Rent a day a = 150 x 100,000 kW x 12 / 365 = $493,150.68; v = 1.1^(-1/365).
    // PV = a (1 - v^365) / (1 - v) = $171,710,649.98; NPV = -$1,000,000,000 + that.
    let p = pivot(&scenario(0.0), &inputs()).unwrap();
    assert_eq!(p.rows.len(), 1);
    assert!(
        close(p.npv_convert_usd, -828_289_350.02, 1e-9),
        "{}",
        p.npv_convert_usd
    );
    assert!(
        close(p.rows[0].lease_rent_usd, 1.8e8, 1e-12),
        "{}",
        p.rows[0].lease_rent_usd
    );
    assert_eq!(p.rows[0].convert_capex_usd, 1e9);
}

#[test]
fn annuity_five_years_by_hand() {
    // PV = a (1 - v^1825) / (1 - v) = a (1 - 1.1^-5) / (1 - 1.1^(-1/365)) = $716,010,306.12.
    let mut i = inputs();
    i.lease_years = 5.0;
    let p = pivot(&scenario(0.0), &i).unwrap();
    assert_eq!(p.rows.len(), 5);
    assert!(
        close(p.npv_convert_usd, -283_989_693.88, 1e-9),
        "{}",
        p.npv_convert_usd
    );
    // Undiscounted, five years of $180M rent less the capex.
    assert!(close(p.rows[4].cumulative_convert_cash_usd, -1e8, 1e-12));
}

#[test]
fn growing_annuity_by_hand() {
    // +3% on each anniversary: PV = a (1 - v^365)/(1 - v) x sum_{j<5} (1.03/1.1)^j
    // = $756,017,973.95.
    let mut i = inputs();
    i.lease_years = 5.0;
    i.lease_escalator = 0.03;
    let p = pivot(&scenario(0.0), &i).unwrap();
    assert!(
        close(p.npv_convert_usd, -243_982_026.05, 1e-9),
        "{}",
        p.npv_convert_usd
    );
    assert!(close(
        p.rows[4].lease_usd_per_kw_month.unwrap(),
        150.0 * 1.03f64.powi(4),
        1e-12
    ));
    // NOI margin scales the lease part only.
    i.noi_margin = 0.5;
    let half = pivot(&scenario(0.0), &i).unwrap();
    assert!(close(
        half.npv_convert_usd,
        -1e9 + 756_017_973.95 / 2.0,
        1e-9
    ));
}

#[test]
fn mining_npv_is_a_daily_annuity() {
    // Two years of a constant margin m: NPV = m (1 - v^730) / (1 - v) = $129,170,922.85.
    let mut i = inputs();
    i.lease_years = 2.0;
    let p = pivot(&scenario(0.0), &i).unwrap();
    assert!(close(
        p.rows[0].mining_cash_usd,
        FLAT_MARGIN_PER_DAY * 365.0,
        1e-9
    ));
    assert!(
        close(p.npv_mining_usd, 129_170_922.85, 1e-8),
        "{}",
        p.npv_mining_usd
    );
    assert!(close(
        p.rows[0].hashprice_usd_per_ph_day,
        62.8642737865448,
        1e-9
    ));
}

#[test]
fn breakeven_lease_by_hand() {
    // 2 years, NOI 85%: B = 100,000 x 12 / 365 x 0.85 x (1 - v^730)/(1 - v) = 1,857,597.03 USD
    // per USD/kW-month; L* = (NPV mining + capex) / B = (129,170,922.85 + 1e9) / B = $607.87.
    let mut i = inputs();
    i.lease_years = 2.0;
    i.noi_margin = 0.85;
    let p = pivot(&scenario(0.0), &i).unwrap();
    let be = p.breakeven_lease_usd_per_kw_month.unwrap();
    assert!(close(be, 607.8664552333674, 1e-8), "{be}");
    // At that rate the two paths are worth the same.
    i.lease_usd_per_kw_month = be;
    let q = pivot(&scenario(0.0), &i).unwrap();
    assert!(
        q.npv_difference_usd.abs() < 1e-3,
        "{}",
        q.npv_difference_usd
    );
}

#[test]
fn conversion_keeps_a_share_of_mining_and_spreads_capex() {
    // 12 months = 365 days of conversion at 50% mining, then 1 year of lease.
    let mut i = inputs();
    i.conversion_months = 12.0;
    i.mining_share_during_conversion = 0.5;
    let p = pivot(&scenario(0.0), &i).unwrap();
    assert_eq!(p.conversion_days, 365);
    assert_eq!(p.rows.len(), 2);
    let y1 = &p.rows[0];
    assert_eq!(y1.phase, "conversion");
    assert!(y1.breakeven_lease_usd_per_kw_month.is_none());
    assert!(close(
        y1.convert_mining_cash_usd,
        0.5 * FLAT_MARGIN_PER_DAY * 365.0,
        1e-9
    ));
    assert!(close(y1.convert_capex_usd, 1e9, 1e-12));
    assert_eq!(p.rows[1].phase, "lease");
    assert!(close(p.rows[1].lease_rent_usd, 1.8e8, 1e-12));
    // The capex spread over the year: PV = 1e9/365 x (1 - v^365)/(1 - v) = $953,924,611.
    let pv_capex = 1e9 / 365.0 * (1.0 - 1.1f64.powi(-1)) / (1.0 - 1.1f64.powf(-1.0 / 365.0));
    let pv_rent = 171_710_649.98 / 1.1;
    let pv_mining_kept =
        0.5 * FLAT_MARGIN_PER_DAY * (1.0 - 1.1f64.powi(-1)) / (1.0 - 1.1f64.powf(-1.0 / 365.0));
    assert!(close(
        p.npv_convert_usd,
        pv_mining_kept - pv_capex + pv_rent,
        1e-9
    ));
}

#[test]
fn mining_during_conversion_none_partial_full() {
    let mut i = inputs();
    i.conversion_months = 6.0;
    let mut npvs = Vec::new();
    for share in [0.0, 0.5, 1.0] {
        i.mining_share_during_conversion = share;
        npvs.push(pivot(&scenario(0.0), &i).unwrap().npv_convert_usd);
    }
    // Linear in the share.
    assert!(close(npvs[1] - npvs[0], npvs[2] - npvs[1], 1e-9));
    assert!(npvs[2] > npvs[0]);
}

#[test]
fn growth_breakeven_agrees_with_an_engine_rerun() {
    // The solver reprices the engine's days; running the whole engine again at the growth it
    // found must give equal NPVs.
    let mut i = inputs();
    i.lease_years = 3.0;
    i.lease_usd_per_kw_month = 700.0;
    i.conversion_months = 6.0;
    i.mining_share_during_conversion = 0.5;
    let p = pivot(&scenario(0.0), &i).unwrap();
    let g = match p.breakeven_price_growth {
        GrowthBreakeven::At(g) => g,
        other => panic!("{other:?}"),
    };
    assert!(g > 0.0 && g < 5.0, "{g}");
    let q = pivot(&scenario(g), &i).unwrap();
    assert!(
        q.npv_difference_usd.abs() < 1e-5 * q.npv_mining_usd.abs(),
        "{} vs {}",
        q.npv_difference_usd,
        q.npv_mining_usd
    );
}

#[test]
fn growth_breakeven_outside_the_range() {
    let mut i = inputs();
    i.lease_usd_per_kw_month = 1e6; // converting wins at any growth
    let p = pivot(&scenario(0.0), &i).unwrap();
    assert_eq!(
        p.breakeven_price_growth,
        GrowthBreakeven::ConvertingAheadThroughout
    );
    assert!(p.rows[0].breakeven_price_growth_pct.is_none());
    assert_eq!(p.rows[0].breakeven_price_growth_status, "converting_ahead");
    i.lease_usd_per_kw_month = 0.0; // a free lease and $1B capex: mining always ahead
    let p = pivot(&scenario(0.0), &i).unwrap();
    assert_eq!(
        p.breakeven_price_growth,
        GrowthBreakeven::MiningAheadThroughout
    );
}

#[test]
fn rows_sum_to_the_totals_and_cross_the_halving() {
    // 18 months of conversion and 3 years of lease from height 900,000: the 2028 halving
    // (150,000 blocks, ~1,042 days) falls in year 3.
    let mut i = inputs();
    i.conversion_months = 18.0;
    i.lease_years = 3.0;
    i.mining_share_during_conversion = 1.0;
    let p = pivot(&scenario(0.0), &i).unwrap();
    assert_eq!(p.conversion_days, 548);
    let days: u32 = p.rows.iter().map(|r| r.days).sum();
    assert_eq!(days as usize, 548 + 1095);
    let sum_m: f64 = p.rows.iter().map(|r| r.mining_cash_usd).sum();
    assert!(close(
        sum_m,
        p.rows.last().unwrap().cumulative_mining_cash_usd,
        1e-12
    ));
    assert_eq!(p.halvings.len(), 1);
    assert_eq!(p.halvings[0].0, 1_050_000);
    let y3 = &p.rows[2];
    assert!(y3.events.starts_with("halving 1050000"), "{}", y3.events);
    // After the halving, the same fleet earns half the BTC a day.
    assert!(close(
        p.rows[3].mining_btc,
        p.rows[1].mining_btc / 2.0,
        1e-6
    ));
    assert_eq!(p.rows[1].phase, "conversion+lease");
    // Across the halving the fleet's margin falls by half its revenue: before, 5,000 PH x
    // $62.864 - $120,000 = $194,321 a day; after, 5,000 x $31.432 - $120,000 = $37,161.
    let (before, after) = p.mining_margin_around_halving_usd_per_day.unwrap();
    assert!(close(before, FLAT_MARGIN_PER_DAY, 1e-9), "{before}");
    assert!(
        close(after, 5000.0 * 62.8642737865448 / 2.0 - 120_000.0, 1e-9),
        "{after}"
    );
}

#[test]
fn fill_site_scales_the_fleet_to_the_site_power() {
    // 245 MW at 15 J/TH: 245,000 kW x 1000 / 15 = 16,333,333 TH/s.
    let mut s = scenario(0.0);
    s.fleet.groups[0].efficiency_j_per_th = 15.0;
    fill_site(&mut s.fleet, 245.0).unwrap();
    assert!(close(s.fleet.hashrate_ths(), 245e6 / 15.0, 1e-12));
    assert!(close(fleet_mw(&s.fleet), 245.0, 1e-12));
}

#[test]
fn bad_inputs_name_the_flag_and_value() {
    type Change = Box<dyn Fn(&mut PivotInputs)>;
    let cases: Vec<(Change, &str)> = vec![
        (
            Box::new(|i| i.it_mw = 120.0),
            "--it-mw 120 is above --site-mw 100",
        ),
        (
            Box::new(|i| i.lease_years = 60.0),
            "--lease-years must be more than 0 and at most 50, got 60",
        ),
        (
            Box::new(|i| i.site_mw = -5.0),
            "--site-mw must be a positive number, got -5",
        ),
        (
            Box::new(|i| i.noi_margin = 1.2),
            "--noi-margin must be between 0 and 100, got 120",
        ),
        (
            Box::new(|i| i.lease_usd_per_kw_month = -1.0),
            "--lease-usd-per-kw-month must be zero or more, got -1",
        ),
        (
            Box::new(|i| i.conversion_months = 200.0),
            "--conversion-months must be between 0 and 120, got 200",
        ),
        (
            Box::new(|i| i.discount_rate = -1.5),
            "--discount-rate must be above -100 (% a year), got -150",
        ),
        (
            Box::new(|i| i.lease_years = f64::NAN),
            "--lease-years must be more than 0 and at most 50, got NaN",
        ),
    ];
    for (f, want) in cases {
        let mut i = inputs();
        f(&mut i);
        let e = pivot(&scenario(0.0), &i).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().starts_with(want), "{e}");
    }
    assert_eq!(
        it_mw_from_pue(100.0, 0.9).unwrap_err().to_string(),
        "--pue must be 1 or more (site power / IT power), got 0.9"
    );
    assert!((it_mw_from_pue(145.0, 1.45).unwrap() - 100.0).abs() < 1e-12);
    let mut i = inputs();
    i.site_mw = 50.0;
    i.it_mw = 50.0;
    let e = pivot(&scenario(0.0), &i).unwrap_err().to_string();
    assert!(e.contains("draws 100.00 MW, more than --site-mw 50"), "{e}");
}

#[test]
fn fleet_capex_is_spent_on_day_zero_of_the_mining_path() {
    let mut s = scenario(0.0);
    let base = pivot(&s, &inputs()).unwrap();
    s.fleet.capex_usd = 1e8;
    let p = pivot(&s, &inputs()).unwrap();
    assert!(close(p.npv_mining_usd, base.npv_mining_usd - 1e8, 1e-12));
    assert_eq!(p.npv_convert_usd, base.npv_convert_usd);
    assert_eq!(p.rows[0].mining_capex_usd, 1e8);
    assert!(close(
        p.rows[0].mining_cash_usd,
        base.rows[0].mining_cash_usd - 1e8,
        1e-12
    ));
}

#[test]
fn summary_is_the_whole_horizon_of_a_full_run() {
    // The map's row skips the yearly rows' growth solves only: every figure it has is the
    // full run's, to the bit, and the decision follows the sign of the difference.
    let mut i = inputs();
    i.lease_years = 3.0;
    i.conversion_months = 6.0;
    i.mining_share_during_conversion = 0.5;
    for rate in [150.0, 700.0, 1e6] {
        i.lease_usd_per_kw_month = rate;
        let p = pivot(&scenario(0.0), &i).unwrap();
        let s = summary(&scenario(0.0), &i).unwrap();
        let last = p.rows.last().unwrap();
        assert_eq!(s.npv_mining_usd, p.npv_mining_usd);
        assert_eq!(s.npv_convert_usd, last.npv_convert_usd);
        assert_eq!(s.npv_difference_usd, last.npv_difference_usd);
        assert_eq!(
            s.breakeven_lease_usd_per_kw_month,
            last.breakeven_lease_usd_per_kw_month
        );
        assert_eq!(
            s.breakeven_price_growth_pct,
            last.breakeven_price_growth_pct
        );
        assert_eq!(
            s.breakeven_price_growth_status,
            last.breakeven_price_growth_status
        );
        let want = if p.npv_difference_usd > 0.0 {
            "mine"
        } else {
            "convert"
        };
        assert_eq!(s.decision, want, "{rate}");
    }
}

/// A random fleet of one to three groups: pool fee, uptime, opex, hosting fee, profit share on
/// either basis, energization and retirement (by date and at the 2028 halving), wear and
/// failures, fleet opex and capex, with or without the shutdown rule and peak hours.
fn random_scenario(rng: &mut rand_chacha::ChaCha8Rng) -> Scenario {
    use crate::model::fleet::{Curtail, Retire, ShareBasis};
    use rand::Rng;
    let start = d("2026-01-01") + chrono::Days::new(rng.gen_range(0..900));
    let difficulty = rng.gen_range(80e12..160e12);
    let network = NetworkState {
        date: start,
        height: rng.gen_range(880_000..1_045_000),
        difficulty,
        hashrate_hs: chain::hashrate_from_difficulty(difficulty) * rng.gen_range(0.8..1.3),
        fees_btc_per_block: rng.gen_range(0.0..0.3),
        price_usd: rng.gen_range(40_000.0..200_000.0),
        epoch_elapsed_s: None,
        block_progress: 0.0,
    };
    let groups = (0..rng.gen_range(1..=3))
        .map(|i| {
            let energize = rng
                .gen_bool(0.3)
                .then(|| start + chrono::Days::new(rng.gen_range(0..400)));
            let retire = match rng.gen_range(0..4) {
                0 => Some(Retire::Date(
                    energize.unwrap_or(start) + chrono::Days::new(rng.gen_range(1..900)),
                )),
                1 => Some(Retire::Halving(1_050_000)),
                _ => None,
            };
            FleetGroup {
                label: format!("g{i}"),
                hashrate_ths: rng.gen_range(1e5..3e6),
                efficiency_j_per_th: rng.gen_range(9.0..38.0),
                power_cost_usd_per_kwh: rng.gen_range(0.01..0.12),
                uptime: rng.gen_range(0.8..=1.0),
                pool_fee: if rng.gen_bool(0.5) {
                    rng.gen_range(0.0..0.03)
                } else {
                    0.0
                },
                opex_usd_per_day: if rng.gen_bool(0.5) {
                    rng.gen_range(0.0..5e4)
                } else {
                    0.0
                },
                units: rng.gen_range(0.0..20_000.0f64).floor(),
                energize,
                retire,
                installed_on: rng.gen_bool(0.5).then_some(start),
                degradation: if rng.gen_bool(0.4) {
                    rng.gen_range(0.0..0.1)
                } else {
                    0.0
                },
                failure_rate: if rng.gen_bool(0.4) {
                    rng.gen_range(0.0..0.1)
                } else {
                    0.0
                },
                capex_usd: 0.0,
                resale_usd_per_unit: 0.0,
                hosting_fee_usd_per_month: if rng.gen_bool(0.4) {
                    rng.gen_range(0.0..200.0)
                } else {
                    0.0
                },
                profit_share: if rng.gen_bool(0.4) {
                    rng.gen_range(0.0..0.3)
                } else {
                    0.0
                },
                profit_share_basis: if rng.gen_bool(0.5) {
                    ShareBasis::Revenue
                } else {
                    ShareBasis::Margin
                },
                depreciation_years: 0.0,
            }
        })
        .collect();
    let peak = rng.gen_bool(0.25);
    let fleet = Fleet {
        groups,
        curtail: Curtail {
            shutdown: rng.gen_bool(0.7),
            peak_hours: if peak { rng.gen_range(0.0..12.0) } else { 0.0 },
            peak_power_cost_usd_per_kwh: (peak && rng.gen_bool(0.5))
                .then(|| rng.gen_range(0.05..0.3)),
            idle_peak: rng.gen_bool(0.5),
        },
        capex_usd: if rng.gen_bool(0.5) {
            rng.gen_range(0.0..5e8)
        } else {
            0.0
        },
        opex_usd_per_day: if rng.gen_bool(0.5) {
            rng.gen_range(0.0..1e5)
        } else {
            0.0
        },
        ..Fleet::default()
    };
    Scenario::with_growth(
        network,
        Growth {
            hashrate: rng.gen_range(-0.2..0.8),
            fees: rng.gen_range(-0.2..0.3),
            price: rng.gen_range(-0.5..1.0),
        },
        fleet,
        Horizon::Days(1),
    )
}

fn random_inputs(rng: &mut rand_chacha::ChaCha8Rng, fleet: &Fleet) -> PivotInputs {
    use rand::Rng;
    let site_mw = fleet_mw(fleet) * rng.gen_range(1.0..1.5);
    PivotInputs {
        site_mw,
        it_mw: site_mw / rng.gen_range(1.0..2.0),
        lease_usd_per_kw_month: rng.gen_range(0.0..300.0),
        lease_years: rng.gen_range(0.5..4.0),
        lease_escalator: rng.gen_range(-0.05..0.1),
        noi_margin: rng.gen_range(0.0..=1.0),
        conversion_capex_usd_per_mw: rng.gen_range(0.0..15e6),
        conversion_months: if rng.gen_bool(0.2) {
            0.0
        } else {
            rng.gen_range(0.0..30.0)
        },
        mining_share_during_conversion: match rng.gen_range(0..3) {
            0 => 0.0,
            1 => 1.0,
            _ => rng.gen_range(0.0..=1.0),
        },
        discount_rate: rng.gen_range(-0.05..0.3),
    }
}

#[test]
fn lean_growth_solver_matches_the_fleet_day_to_the_bit() {
    // The breakeven growth solved on the fleet's precomputed price-free parts against the
    // reference (each trial growth reprices the engine's days through `Fleet::day`): whole
    // results, every yearly row, over random networks, fleets, rules and pivot inputs.
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(13);
    let mut statuses = std::collections::BTreeMap::new();
    let chains = crate::analyses::sweep::ChainCache::new(4);
    for case in 0..160u64 {
        let s = random_scenario(&mut rng);
        let i = random_inputs(&mut rng, &s.fleet);
        let lean = run_on(&s, &i, true, false).unwrap();
        let general = run_on(&s, &i, true, true).unwrap();
        assert_eq!(lean, general, "case {case}: {s:?} {i:?}");
        // Days walked once per network and horizon, shared by other pivot inputs.
        for inputs in [i.clone(), random_inputs(&mut rng, &s.fleet), i.clone()] {
            assert_eq!(
                summary_shared(&s, &inputs, &chains, &[case]).unwrap(),
                PivotSummary::from(&run_on(&s, &inputs, false, true).unwrap()),
                "case {case}: {inputs:?}"
            );
        }
        // The gap itself, to the bit, at random growths and horizons (the bisection's result
        // alone would hide a difference that does not flip a sign).
        let Prepared {
            s: sp,
            mut days,
            flows,
        } = prepare(&s, &i).unwrap();
        let mut reference = days.clone();
        let mut a = GrowthSolver::new(&sp.fleet, &i, &flows, &mut days, false);
        let mut b = GrowthSolver::new(&sp.fleet, &i, &flows, &mut reference, true);
        for _ in 0..8 {
            let g = rng.gen_range(-0.9..5.0);
            let end = rng.gen_range(1..=flows.v.len());
            let (x, y) = (a.gap(g, end), b.gap(g, end));
            assert_eq!(
                x.to_bits(),
                y.to_bits(),
                "case {case}: g {g} end {end}: {x} {y}"
            );
        }
        for r in &lean.rows {
            *statuses
                .entry(r.breakeven_price_growth_status.clone())
                .or_insert(0) += 1;
        }
    }
    // The cases reach the bisection as well as both ends of the searched range.
    for k in ["found", "mining_ahead", "converting_ahead"] {
        assert!(statuses.get(k).copied().unwrap_or(0) > 10, "{statuses:?}");
    }
}
