//! Atom parsing of a real 100-entry export-API page (`tests/fixtures/arxiv/api-current/
//! search_testing_start0_max100.xml`, 191 KB). `cargo bench --bench parse`; throughput in MB/s.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use paperwatch::arxiv::parse_feed;

fn parse(c: &mut Criterion) {
    let xml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/arxiv/api-current/search_testing_start0_max100.xml"
    ))
    .unwrap();
    let mut group = c.benchmark_group("atom");
    group.throughput(Throughput::Bytes(xml.len() as u64));
    group.bench_function("parse_100_entries", |b| {
        b.iter(|| parse_feed(black_box(&xml)).unwrap().entries.len())
    });
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
