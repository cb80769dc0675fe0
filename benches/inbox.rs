//! The local inbox and "more like this" at the sizes a reader keeps: the inbox's first page and
//! a 👍 (stored, every topic decided again, the snapshot written) on a database of 10,000
//! papers in the default config's six topics, and the site's similar papers for 5,000.
//! `cargo bench --bench inbox`; figures go in BENCHMARKS.md.

#[path = "support/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use paperwatch::model::Paper;

const N: usize = 10_000;

fn now() -> Timestamp {
    "2026-02-07T12:00:00Z".parse().unwrap()
}

fn inbox(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    // The default config (its six topics, the shipped examples), its files in the folder.
    std::fs::write(
        dir.path().join("paperwatch.toml"),
        paperwatch::config::DEFAULT_CONFIG,
    )
    .unwrap();
    let db = dir.path().join("papers.db").display().to_string();
    let env = |k: &str| (k == "PAPERWATCH_DATABASE_PATH").then(|| db.clone());
    let settings = paperwatch::config::load(Some(&dir.path().join("paperwatch.toml")), &env)
        .expect("the bench config reads");
    let papers = synthetic::corpus(N);
    let mut store = paperwatch::tracker::open_store(&settings, true).unwrap();
    // Each paper in one topic, joined within the unread window.
    for (i, topic) in settings.topics.iter().enumerate() {
        let part: Vec<Paper> = papers
            .iter()
            .skip(i)
            .step_by(settings.topics.len())
            .cloned()
            .collect();
        store.save_topic(&topic.name, &part, &[], now()).unwrap();
    }
    paperwatch::tracker::redecide(&settings, &mut store).unwrap();
    let mut group = c.benchmark_group("inbox");
    group.sample_size(10);
    group.bench_function("first_page_10k_papers", |b| {
        b.iter(|| paperwatch::serve::unread_page(&settings, &store, now(), "token").unwrap())
    });
    let topic = settings.topics[0].name.clone();
    let id = papers[0].id.clone();
    let mut relevant = false;
    group.bench_function("thumbs_up_redecides_10k_papers", |b| {
        b.iter(|| {
            relevant = !relevant;
            store.set_label(&topic, &id, relevant, now()).unwrap();
            paperwatch::tracker::settle(&settings, &mut store, &topic, black_box(&id)).unwrap()
        })
    });
    group.finish();
}

fn similar(c: &mut Criterion) {
    let papers = synthetic::corpus(5_000);
    let refs: Vec<&Paper> = papers.iter().collect();
    let mut group = c.benchmark_group("similar");
    group.sample_size(10);
    group.bench_function("site_neighbours_5k_papers", |b| {
        b.iter(|| paperwatch::relevance::similar::neighbours(black_box(&refs), 5))
    });
    group.finish();
}

criterion_group!(benches, inbox, similar);
criterion_main!(benches);
