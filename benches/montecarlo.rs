//! Monte Carlo and response-model benchmarks. Targets: 10,000 paths x 10 years, daily, in
//! summary mode under 0.5 s with price volatility alone and under 1 s with hashrate volatility
//! too (issue 13), on a 2-core machine; the response model at most 3x a projection.

mod common;
use common::scenario;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use minecalc::analyses::montecarlo::{self, MonteCarlo};
use minecalc::model::network_model::NetworkModel;
use minecalc::model::projection::Period;
use minecalc::model::response::ResponseModel;

fn bench(c: &mut Criterion) {
    let s = scenario(3650);
    let fixed = NetworkModel::Fixed;
    let response = NetworkModel::Response(ResponseModel::embedded());
    c.bench_function("project 10 years daily, fixed model (streamed)", |b| {
        b.iter(|| {
            let mut m = 0.0;
            fixed
                .for_each_day(black_box(&s), |_, r| {
                    m += r.margin_usd;
                    Ok(())
                })
                .unwrap();
            black_box(m)
        })
    });
    c.bench_function("project 10 years daily, response model (streamed)", |b| {
        b.iter(|| {
            let mut m = 0.0;
            response
                .for_each_day(black_box(&s), |_, r| {
                    m += r.margin_usd;
                    Ok(())
                })
                .unwrap();
            black_box(m)
        })
    });
    let mut g = c.benchmark_group("monte carlo");
    g.sample_size(10);
    let mc = MonteCarlo {
        paths: 10_000,
        price_vol: 0.6,
        hashrate_vol: 0.0,
        seed: 1,
        period: Period::Month,
        bands: false,
    };
    g.bench_function("10,000 paths x 10 years daily, summary only", |b| {
        b.iter(|| black_box(montecarlo::run(&s, &fixed, &mc, &|| {}).unwrap().summary))
    });
    let hashrate = MonteCarlo {
        hashrate_vol: 0.3,
        ..mc
    };
    g.bench_function(
        "10,000 paths x 10 years daily, summary only, hashrate volatility too",
        |b| {
            b.iter(|| {
                black_box(
                    montecarlo::run(&s, &fixed, &hashrate, &|| {})
                        .unwrap()
                        .summary,
                )
            })
        },
    );
    let monthly = MonteCarlo { bands: true, ..mc };
    g.bench_function("10,000 paths x 10 years daily, monthly bands", |b| {
        b.iter(|| {
            black_box(
                montecarlo::run(&s, &fixed, &monthly, &|| {})
                    .unwrap()
                    .bands
                    .len(),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
