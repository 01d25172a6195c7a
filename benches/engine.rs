//! Engine benchmarks: a 10-year daily projection in-process (target: under 1 ms).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use minecalc::fleet::{Fleet, FleetGroup};
use minecalc::network::Snapshot;
use minecalc::projection::{for_each_day, project, Growth, Horizon, Scenario};

fn scenario(days: i64) -> Scenario {
    let net = Snapshot::embedded().state();
    let fleet = Fleet::single(FleetGroup {
        label: "1 PH/s".into(),
        hashrate_ths: 1000.0,
        efficiency_j_per_th: 15.0,
        power_cost_usd_per_kwh: 0.05,
        uptime: 0.98,
        pool_fee: 0.02,
        opex_usd_per_day: 1.0,
    });
    let growth = Growth {
        hashrate: 0.3,
        fees: 0.05,
        price: 0.25,
    };
    Scenario::with_growth(net, growth, fleet, Horizon::Days(days))
}

fn bench(c: &mut Criterion) {
    let s = scenario(3650);
    c.bench_function("project 10 years daily (rows kept)", |b| {
        b.iter(|| black_box(project(black_box(&s)).unwrap().rows.len()))
    });
    c.bench_function("project 10 years daily (streamed, summary only)", |b| {
        b.iter(|| {
            let mut m = 0.0;
            for_each_day(black_box(&s), |_, r| {
                m += r.margin_usd;
                Ok(())
            })
            .unwrap();
            black_box(m)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
