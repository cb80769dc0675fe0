//! Relevance scoring benchmark: fit the model on a corpus, vectorise every paper, decide every
//! paper under the six default topics. `cargo bench --bench relevance`.

#[path = "support/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use paperwatch::config::{self, DEFAULT_CONFIG, Source};
use paperwatch::model::Paper;
use paperwatch::relevance::{TopicRules, classify, prepare_all};

fn scoring(c: &mut Criterion) {
    let papers = synthetic::corpus(10_000);
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
                .map(|e| paperwatch::query::Expr::phrase_or_query(e).unwrap())
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
