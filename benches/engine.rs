//! Engine benchmarks: a 10-year daily projection in-process (target: under 1 ms), and the
//! same written as CSV into memory (what `project --days 3650 -f csv` does after its start).

mod common;
use common::scenario;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use minecalc::model::projection::{epoch_of_row, for_each_day, project, Aggregator, Period};
use minecalc::report::{Format, RowWriter, Style};

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
    c.bench_function("project 10 years daily, written as CSV into memory", |b| {
        b.iter(|| {
            let mut w = RowWriter::new(Format::Csv, &Style::default(), Vec::with_capacity(2 << 20));
            let mut agg = Aggregator::new(Period::Day);
            for_each_day(black_box(&s), |_, r| match agg.push(r, epoch_of_row(r)) {
                Some(row) => w.write(&row),
                None => Ok(()),
            })
            .unwrap();
            if let Some(row) = agg.finish() {
                w.write(&row).unwrap();
            }
            black_box(w.finish().unwrap().len())
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
