//! Engine benchmarks: a 10-year daily projection in-process (target: under 1 ms).

mod common;
use common::scenario;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use minecalc::model::projection::{for_each_day, project};

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
