//! Relevance scoring benchmark: fit the model on a corpus, vectorise every paper, decide every
//! paper under the six default topics. `cargo bench --bench relevance`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::{Timestamp, ToSpan};
use paperwatch::config::{self, DEFAULT_CONFIG, Source};
use paperwatch::model::{ArxivId, Paper};
use paperwatch::relevance::{TopicRules, classify, prepare_all};

const WORDS: &[&str] = &[
    "efficient",
    "inference",
    "large",
    "language",
    "model",
    "mobile",
    "npu",
    "edge",
    "device",
    "quantization",
    "latency",
    "memory",
    "energy",
    "accelerator",
    "transformer",
    "attention",
    "decoding",
    "speculative",
    "kv",
    "cache",
    "throughput",
    "smartphone",
    "on-device",
    "graph",
    "protein",
    "galaxy",
    "mobility",
    "traffic",
    "theorem",
    "learning",
    "training",
    "data",
];

/// `n` papers with ~180-word abstracts drawn from a small vocabulary (deterministic).
fn corpus(n: usize) -> Vec<Paper> {
    let start: Timestamp = "2020-01-01T00:00:00Z".parse().unwrap();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..n)
        .map(|i| {
            let summary: Vec<&str> = (0..180)
                .map(|_| WORDS[(next() % WORDS.len() as u64) as usize])
                .collect();
            let title: Vec<&str> = (0..9)
                .map(|_| WORDS[(next() % WORDS.len() as u64) as usize])
                .collect();
            Paper {
                id: ArxivId::parse(&format!("25{:02}.{:05}", 1 + i % 12, i)).unwrap(),
                version: 1,
                title: title.join(" "),
                authors: vec!["A. Author".into()],
                summary: summary.join(" "),
                categories: vec!["cs.LG".into()],
                primary_category: "cs.LG".into(),
                published: start + (i as i64 * 3600).seconds(),
                updated: start + (i as i64 * 3600).seconds(),
                comment: None,
                journal_ref: None,
                doi: None,
            }
        })
        .collect()
}

fn scoring(c: &mut Criterion) {
    let papers = corpus(10_000);
    let settings = config::from_str(DEFAULT_CONFIG, Source::Embedded, &|_| None).unwrap();
    let rules: Vec<TopicRules> = settings
        .topics
        .iter()
        .map(|t| TopicRules {
            name: t.name.clone(),
            filter: t.filter_expr(),
            exclude: t
                .exclude
                .iter()
                .map(|e| paperwatch::relevance::matcher::Expr::phrase_or_query(e).unwrap())
                .collect(),
            description: t.description.clone(),
            exemplars: papers[..2].to_vec(),
            min_score: t.min_score,
            ..TopicRules::default()
        })
        .collect();
    c.bench_function("score_10k_papers_6_topics", |b| {
        b.iter(|| {
            let refs: Vec<&Paper> = papers.iter().collect();
            let (model, vectors) = prepare_all(&refs);
            let mut shown = 0;
            for r in &rules {
                shown += classify(&model, r, black_box(&refs), &vectors, false)
                    .iter()
                    .filter(|d| d.shown)
                    .count();
            }
            shown
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = scoring
}
criterion_main!(benches);
