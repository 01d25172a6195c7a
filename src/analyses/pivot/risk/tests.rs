//! Pivot Monte Carlo: no volatility reproduces the deterministic pivot; seeded runs are
//! reproducible on any thread count; the probability moves with the price growth; the chart's
//! days agree with the yearly rows.

use chrono::NaiveDate;

use super::*;
use crate::analyses::pivot::{cash_by_day, pivot};
use crate::model::chain;
use crate::model::fleet::{Fleet, FleetGroup};
use crate::model::network::NetworkState;
use crate::model::projection::{Growth, Horizon, Scenario};

/// A network 40,000 blocks before the 2028 halving (about 9 months), $100,000, fees 0.02 BTC;
/// 100 MW of 20 J/TH machines at $0.05/kWh, switched off on losing days when `curtail`.
fn scenario(price_growth: f64, curtail: bool) -> Scenario {
    let difficulty = 120e12;
    let st = NetworkState {
        date: NaiveDate::from_ymd_opt(2027, 7, 1).unwrap(),
        height: 1_010_000,
        difficulty,
        hashrate_hs: chain::hashrate_from_difficulty(difficulty),
        fees_btc_per_block: 0.02,
        price_usd: 100_000.0,
        epoch_elapsed_s: None,
        block_progress: 0.0,
    };
    let mut fleet = Fleet::single(FleetGroup {
        label: "site".into(),
        hashrate_ths: 5e6,
        efficiency_j_per_th: 20.0,
        power_cost_usd_per_kwh: 0.05,
        uptime: 0.97,
        pool_fee: 0.01,
        opex_usd_per_day: 10_000.0,
        ..FleetGroup::default()
    });
    fleet.curtail.shutdown = curtail;
    Scenario::with_growth(
        st,
        Growth {
            price: price_growth,
            hashrate: 0.1,
            ..Growth::default()
        },
        fleet,
        Horizon::Days(1),
    )
}

/// 100 MW site, 70 MW of IT at $200/kW-month for 10 years (+2% a year) after a 12-month
/// conversion during which half the fleet mines; $9.5M/MW; 10% a year. Converting wins at a
/// flat price, mining at +60% a year.
fn inputs() -> PivotInputs {
    PivotInputs {
        site_mw: 100.0,
        it_mw: 70.0,
        lease_usd_per_kw_month: 200.0,
        lease_years: 10.0,
        lease_escalator: 0.02,
        noi_margin: 0.85,
        conversion_capex_usd_per_mw: 9.5e6,
        conversion_months: 12.0,
        mining_share_during_conversion: 0.5,
        discount_rate: 0.10,
    }
}

fn mc(paths: usize, vol: f64) -> PivotMonteCarlo {
    PivotMonteCarlo {
        paths,
        price_vol: vol,
        seed: 7,
        bands: true,
    }
}

#[test]
fn zero_volatility_is_the_deterministic_pivot_on_every_path() {
    for (growth, curtail) in [(0.0, false), (0.0, true), (0.6, true), (0.25, false)] {
        let s = scenario(growth, curtail);
        let p = pivot(&s, &inputs()).unwrap();
        let r = monte_carlo(&s, &inputs(), &mc(5, 0.0), &|| {}).unwrap();
        let row = &r.row;
        // Every path is the pivot, bit for bit: all percentiles and means are its NPVs.
        for v in [
            row.npv_mining_usd_p5,
            row.npv_mining_usd_p50,
            row.npv_mining_usd_p95,
            row.central_npv_mining_usd,
        ] {
            assert_eq!(v, p.npv_mining_usd, "{growth} {curtail}");
        }
        for v in [
            row.npv_difference_usd_p5,
            row.npv_difference_usd_p25,
            row.npv_difference_usd_p75,
            row.npv_difference_usd_p95,
        ] {
            assert_eq!(v, p.npv_difference_usd, "{growth} {curtail}");
        }
        assert!((row.npv_convert_usd_mean - p.npv_convert_usd).abs() < 1e-6);
        let expect = if p.npv_difference_usd > 0.0 {
            100.0
        } else {
            0.0
        };
        assert_eq!(
            row.prob_mining_beats_lease_pct, expect,
            "{growth} {curtail}"
        );
        assert_eq!(
            row.central_decision,
            if expect == 100.0 { "mine" } else { "convert" }
        );
        assert_eq!(r.central.npv_difference_usd, p.npv_difference_usd);
        assert_eq!(row.days as usize, p.conversion_days + p.lease_days);
        assert_eq!(row.end_date, Some(p.end));
        // The bands collapse onto the day-by-day cumulative cash.
        let days = cash_by_day(&s, &inputs()).unwrap();
        for b in &r.bands {
            let d = days.iter().find(|d| d.date == b.date).unwrap();
            for v in b.cumulative_mining_cash_usd {
                assert!((v - d.cumulative_mining_cash_usd).abs() < 1e-6);
            }
            for v in b.cumulative_convert_cash_usd {
                assert!((v - d.cumulative_convert_cash_usd).abs() < 1e-6);
            }
        }
    }
    // Both answers occur among the cases above.
    let lo = monte_carlo(&scenario(0.0, false), &inputs(), &mc(3, 0.0), &|| {}).unwrap();
    let hi = monte_carlo(&scenario(0.6, true), &inputs(), &mc(3, 0.0), &|| {}).unwrap();
    assert_eq!(lo.row.prob_mining_beats_lease_pct, 0.0);
    assert_eq!(hi.row.prob_mining_beats_lease_pct, 100.0);
}

#[test]
fn seeded_runs_are_identical_on_any_thread_count() {
    let s = scenario(0.2, true);
    let m = mc(120, 0.6);
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| monte_carlo(&s, &inputs(), &m, &|| {}).unwrap())
    };
    let (a, b) = (on(1), on(3));
    assert_eq!(a.row, b.row);
    assert_eq!(a.bands, b.bands);
    // The same seed again gives the same run; another seed other paths.
    assert_eq!(on(2).row, a.row);
    let c = monte_carlo(&s, &inputs(), &PivotMonteCarlo { seed: 8, ..m }, &|| {}).unwrap();
    assert_ne!(c.row.npv_mining_usd_p50, a.row.npv_mining_usd_p50);
    // Bands do not change the summary.
    let no_bands = PivotMonteCarlo { bands: false, ..m };
    let d = monte_carlo(&s, &inputs(), &no_bands, &|| {}).unwrap();
    assert_eq!(d.row, a.row);
    assert!(d.bands.is_empty());
}

#[test]
fn probability_rises_with_price_growth_and_the_spread_with_volatility() {
    let prob = |growth: f64, vol: f64| {
        monte_carlo(&scenario(growth, true), &inputs(), &mc(200, vol), &|| {})
            .unwrap()
            .row
    };
    let rows: Vec<PivotRiskRow> = [0.0, 0.3, 0.6, 1.0].iter().map(|g| prob(*g, 0.6)).collect();
    for w in rows.windows(2) {
        assert!(
            w[1].prob_mining_beats_lease_pct >= w[0].prob_mining_beats_lease_pct,
            "{} then {}",
            w[0].prob_mining_beats_lease_pct,
            w[1].prob_mining_beats_lease_pct
        );
        assert!(w[1].npv_mining_usd_p50 > w[0].npv_mining_usd_p50);
    }
    assert!(rows[3].prob_mining_beats_lease_pct > rows[0].prob_mining_beats_lease_pct);
    // The percentiles are ordered, and wider at a higher volatility.
    let (narrow, wide) = (prob(0.3, 0.2), prob(0.3, 0.8));
    for r in [&narrow, &wide] {
        let m = [
            r.npv_mining_usd_p5,
            r.npv_mining_usd_p25,
            r.npv_mining_usd_p50,
            r.npv_mining_usd_p75,
            r.npv_mining_usd_p95,
        ];
        let d = [
            r.npv_difference_usd_p5,
            r.npv_difference_usd_p25,
            r.npv_difference_usd_p50,
            r.npv_difference_usd_p75,
            r.npv_difference_usd_p95,
        ];
        assert!(m.windows(2).all(|w| w[0] <= w[1]), "{m:?}");
        assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    }
    assert!(
        wide.npv_difference_usd_p95 - wide.npv_difference_usd_p5
            > narrow.npv_difference_usd_p95 - narrow.npv_difference_usd_p5
    );
}

#[test]
fn without_curtailment_the_mean_follows_the_price_path() {
    // Margin is linear in the price when the fleet never switches off, and the GBM's mean is
    // the price path: the paths' mean NPVs approach the deterministic ones.
    let s = scenario(0.1, false);
    let mut i = inputs();
    i.lease_years = 2.0;
    let r = monte_carlo(&s, &i, &mc(3000, 0.4), &|| {}).unwrap();
    // Within 4 standard errors (the P5-P95 span is about 3.3 standard deviations).
    let central = r.row.central_npv_mining_usd;
    let sd = (r.row.npv_mining_usd_p95 - r.row.npv_mining_usd_p5) / 3.29;
    let err = (r.row.npv_mining_usd_mean - central).abs();
    assert!(
        err < 4.0 * sd / 3000f64.sqrt(),
        "{} vs {central}",
        r.row.npv_mining_usd_mean
    );
    // The median price runs below the mean, and so does the median NPV.
    assert!(r.row.npv_mining_usd_p50 < r.row.npv_mining_usd_mean);
}

#[test]
fn progress_counts_paths_and_bad_settings_are_refused() {
    let s = scenario(0.0, false);
    let n = std::sync::atomic::AtomicUsize::new(0);
    monte_carlo(&s, &inputs(), &mc(37, 0.5), &|| {
        n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    })
    .unwrap();
    assert_eq!(n.into_inner(), 37);
    let e = |m: PivotMonteCarlo| {
        monte_carlo(&s, &inputs(), &m, &|| {})
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        e(mc(0, 0.5)),
        "--paths must be between 1 and 10000000, got 0"
    );
    assert_eq!(
        e(mc(3, -0.1)),
        "--price-vol must be between 0 and 500 (% a year), got -10"
    );
    assert_eq!(
        e(mc(3, f64::NAN)),
        "--price-vol must be between 0 and 500 (% a year), got NaN"
    );
    // The pivot's own checks still apply.
    let mut i = inputs();
    i.it_mw = 120.0;
    let err = monte_carlo(&s, &i, &mc(3, 0.5), &|| {})
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("--it-mw 120 is above --site-mw 100"),
        "{err}"
    );
}

#[test]
fn the_days_add_up_to_the_yearly_rows() {
    let s = scenario(0.15, true);
    let mut i = inputs();
    i.conversion_months = 7.0; // a conversion that ends inside a model year
    let p = pivot(&s, &i).unwrap();
    let days = cash_by_day(&s, &i).unwrap();
    assert_eq!(days.len(), p.conversion_days + p.lease_days);
    assert_eq!(days.first().unwrap().date, p.start);
    assert_eq!(days.last().unwrap().date, p.end);
    for r in &p.rows {
        let d = days.iter().find(|d| d.date == r.end_date).unwrap();
        let tol = 1e-6 * r.cumulative_convert_cash_usd.abs().max(1.0);
        assert!((d.cumulative_mining_cash_usd - r.cumulative_mining_cash_usd).abs() < tol);
        assert!((d.cumulative_convert_cash_usd - r.cumulative_convert_cash_usd).abs() < tol);
    }
}

#[test]
fn band_days_cover_the_horizon() {
    let v = band_days(6023, 548);
    assert!(v.contains(&547) && v.contains(&6022));
    assert!(v.len() <= 110, "{}", v.len());
    assert!(v.windows(2).all(|w| w[0] < w[1]));
    let v = band_days(10, 0);
    assert_eq!(v, vec![9]);
}
