//! Full-text search over 100,000 and 1,000,000 stored papers (SQLite FTS5, bm25), one benchmark
//! per query of a fixed set; BENCHMARKS.md reports each and their median (p50).
//! `cargo bench --bench search` (building the 1M database takes about a minute).

#[path = "support/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use paperwatch::store::{SearchFilter, Store};

/// What users type: words and phrases of the default topics, one off-topic word, a prefix with
/// NOT. In the synthetic corpus every field word is in about a third of the papers, so the
/// broad ones are a worst case.
const QUERIES: &[(&str, &str)] = &[
    ("two_words", "speculative decoding"),
    ("phrase", "\"large language model\""),
    ("one_word", "galaxy"),
    ("word_pair", "npu latency"),
    ("rare_phrase", "\"kv cache\""),
    ("title_word", "title:quantization"),
    ("three_words", "mobile energy inference"),
    ("prefix_not", "quantiz* NOT galaxy"),
];

/// A database of `n` synthetic papers, written as a bulk import writes it.
fn database(dir: &std::path::Path, n: usize) -> Store {
    let mut store = Store::open(&dir.join(format!("bench-{n}.db"))).unwrap();
    let now = "2026-02-07T12:00:00Z".parse().unwrap();
    store.begin_bulk().unwrap();
    for start in (0..n).step_by(10_000) {
        let batch: Vec<_> = (start..(start + 10_000).min(n))
            .map(|i| {
                let p = synthetic::paper(i, n);
                let versions = [(p.version, p.updated)];
                paperwatch::store::BulkRow::new(p, &versions)
            })
            .collect();
        store.import_batch(&batch, &[], now).unwrap();
    }
    store.finish_bulk().unwrap();
    store
}

fn search(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    for (n, label) in [(100_000, "100k"), (1_000_000, "1m")] {
        let store = database(dir.path(), n);
        let filter = SearchFilter {
            limit: 20,
            marks: ("[", "]"),
            ..SearchFilter::default()
        };
        let mut group = c.benchmark_group(format!("search_{label}"));
        for (name, query) in QUERIES {
            group.bench_function(*name, |b| {
                b.iter(|| store.search(black_box(query), &filter).unwrap().hits.len())
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = search
}
criterion_main!(benches);
