//! Full-text search over 100,000 stored papers (SQLite FTS5, bm25). `cargo bench --bench search`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use paperwatch::store::{SearchFilter, Store};

fn search(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("bench.db")).unwrap();
    let papers = paperwatch::synthetic::corpus(100_000);
    let now = "2026-02-07T12:00:00Z".parse().unwrap();
    for chunk in papers.chunks(10_000) {
        store.save_topic("all", chunk, &[], now).unwrap();
    }
    let filter = SearchFilter {
        limit: 20,
        marks: ("[", "]"),
        ..SearchFilter::default()
    };
    for (name, query) in [
        ("search_100k_two_words", "speculative decoding"),
        ("search_100k_phrase", "\"large language model\""),
        ("search_100k_prefix_not", "quantiz* NOT galaxy"),
    ] {
        c.bench_function(name, |b| {
            b.iter(|| store.search(black_box(query), &filter).unwrap().hits.len())
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = search
}
criterion_main!(benches);
