//! Relevance scoring benchmark: the engine every run decides with (`relevance::engine`): fit
//! the model on a corpus of 10,000 papers, each a member of the six default topics, and decide
//! every paper in every topic. `cargo bench --bench relevance`.

#[path = "support/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use paperwatch::config::{self, DEFAULT_CONFIG, Source};
use paperwatch::model::{Corpus, Membership, Paper, StoredPaper};
use paperwatch::relevance::TopicRules;
use paperwatch::relevance::engine::Deciders;

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
    let corpus = Corpus {
        papers: papers
            .iter()
            .map(|p| StoredPaper {
                paper: p.clone(),
                topics: rules
                    .iter()
                    .map(|r| Membership {
                        name: r.name.clone(),
                        shown: false,
                        score: None,
                        reason: None,
                        first_seen: p.published,
                    })
                    .collect(),
                first_seen: p.published,
            })
            .collect(),
        ..Corpus::default()
    };
    c.bench_function("score_10k_papers_6_topics", |b| {
        b.iter(|| {
            let deciders = Deciders::new(black_box(&corpus), &rules);
            deciders
                .verdicts(&corpus, None)
                .rows
                .iter()
                .flatten()
                .filter(|v| v.shown)
                .count()
        })
    });
}

/// The learned model: fit the hashed word and word-pair features on 10,000 papers, train on
/// 235 graded examples (cross-validated L2 and threshold, as a run does), then score all 10,000;
/// and scoring alone with the trained model.
fn learned(c: &mut Criterion) {
    use paperwatch::relevance::learned::{Features, Labelled, Learned, Rules};
    let papers = synthetic::corpus(10_000);
    let features = Features::fit(papers.iter());
    let vectors: Vec<_> = papers[..235].iter().map(|p| features.vector(p)).collect();
    // Grades from the text, so the classes are learnable: on topic when the title says NPU.
    let grade = |p: &Paper| {
        let t = p.title.to_lowercase();
        if t.contains("npu") {
            2
        } else if t.contains("llm") {
            1
        } else {
            0
        }
    };
    let labelled: Vec<Labelled> = papers[..235]
        .iter()
        .zip(&vectors)
        .map(|(p, v)| Labelled {
            id: &p.id,
            vector: v,
            rules: Rules {
                profile: 0.5,
                shown: 1.0,
            },
            grade: grade(p),
        })
        .collect();
    c.bench_function("learned_train_235_examples", |b| {
        b.iter(|| Learned::train(black_box(&labelled), None).is_some())
    });
    let model = Learned::train(&labelled, None).expect("both classes are present");
    c.bench_function("learned_score_10k_papers", |b| {
        b.iter(|| {
            papers
                .iter()
                .filter(|p| {
                    model.score(
                        &features.vector(p),
                        Rules {
                            profile: 0.5,
                            shown: 1.0,
                        },
                    ) >= model.threshold
                })
                .count()
        })
    });
    c.bench_function("learned_features_fit_10k_papers", |b| {
        b.iter(|| Features::fit(black_box(&papers).iter()))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = scoring, learned
}
criterion_main!(benches);
