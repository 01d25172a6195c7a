//! Sweep benchmarks, 10,000 scenarios x 10 years, daily, summaries only. Targets (issue 13):
//! one network shared by every scenario under 0.1 s; hashrate growth varied (100 distinct
//! chains) under 0.3 s.

use criterion::{criterion_group, criterion_main, Criterion};
use minecalc::analyses::sweep::{parse_axis, run, Axis, Base, ChainCache};
use minecalc::inputs::scenario::{plan, PathSeries};
use minecalc::model::network::Snapshot;
use minecalc::model::projection::ChainPath;
use minecalc::params::spec::Spec;

fn bench(c: &mut Criterion) {
    let mut spec = Spec::default();
    spec.set("days", 3650.0).unwrap();
    spec.set("hashrate-growth", 25.0).unwrap();
    spec.set("price-growth", 20.0).unwrap();
    let net = Snapshot::embedded().state();
    let series = PathSeries::default();
    let chain = ChainPath::new(&plan(&spec, &net, &series, None).unwrap().scenario).unwrap();
    let chains = ChainCache::default();
    let shared = Base {
        spec: &spec,
        network: &net,
        series: &series,
        today: None,
        path: Some(&chain),
        chains: None,
    };
    let grouped = Base {
        path: None,
        chains: Some(&chains),
        ..shared.clone()
    };
    let fleet_axes = [
        parse_axis("power-cost=0.01:1:0.01").unwrap(),
        parse_axis("efficiency=10:109:1").unwrap(),
    ];
    let network_axes = [
        parse_axis("hashrate-growth=0:99:1").unwrap(),
        parse_axis("efficiency=10:109:1").unwrap(),
    ];
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    let cases: [(&str, &Base, &[Axis]); 2] = [
        (
            "10,000 scenarios x 10 years daily, one shared chain walk",
            &shared,
            &fleet_axes,
        ),
        (
            "10,000 scenarios x 10 years daily, hashrate growth varied (100 chains)",
            &grouped,
            &network_axes,
        ),
    ];
    for (name, base, axes) in cases {
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut n = 0usize;
                run(
                    base,
                    axes,
                    |_, _| {
                        n += 1;
                        Ok(())
                    },
                    |_| {},
                )
                .unwrap();
                assert_eq!(n, 10_000);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
