//! Sweep benchmark: 10,000 scenarios x 10 years, daily, summaries only (target: under 2 s on
//! this project's 2-core machine).

use criterion::{criterion_group, criterion_main, Criterion};
use minecalc::analyses::sweep::{parse_axis, run, Base};
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
    let walked = |path| Base {
        spec: &spec,
        network: &net,
        series: &series,
        today: None,
        path,
        chains: None,
    };
    let axes = [
        parse_axis("power-cost=0.01:1:0.01").unwrap(),
        parse_axis("efficiency=10:109:1").unwrap(),
    ];
    let chain = ChainPath::new(&plan(&spec, &net, &series, None).unwrap().scenario).unwrap();
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    for (name, base) in [
        (
            "10,000 scenarios x 10 years daily, each walking the chain",
            walked(None),
        ),
        (
            "10,000 scenarios x 10 years daily, one shared chain walk",
            walked(Some(&chain)),
        ),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut n = 0usize;
                run(
                    &base,
                    &axes,
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
