//! The decide stage: after fetching and before publishing, every topic's papers are decided
//! again from the current config, labels and corpus, and the verdicts stored (so a changed
//! `exclude` or `min_score` takes effect without refetching) and kept in the corpus in memory.

use std::collections::HashMap;

use anyhow::Context;

use super::{Corpus, learn};
use crate::config::{Settings, Topic};
use crate::model::{ArxivId, Paper};
use crate::query::{Doc, Expr};
use crate::relevance::ModelScore;
use crate::relevance::score::{Model, Sparse};
use crate::relevance::{Decision, TopicRules, TopicScorer};
use crate::store::Store;

/// The fitted model and every corpus paper's vector.
pub struct Fitted {
    /// The model fitted on all stored papers.
    pub model: Model,
    /// Every member paper's TF-IDF vector, by id (word indexes are built one paper at a time:
    /// keeping them all would cost gigabytes on a large archive).
    pub vectors: HashMap<ArxivId, Sparse>,
}

/// Fits the model on the corpus: the papers of the topics, not every stored paper (a
/// bulk-imported archive of millions would not fit, and the topics' own corpus is what their
/// scores compare against).
pub fn fit(corpus: &Corpus) -> Fitted {
    let refs: Vec<&Paper> = corpus.papers.iter().map(|p| &p.paper).collect();
    let (model, vectors) = Model::fit_with_vectors(&refs);
    let vectors = refs.iter().map(|p| p.id.clone()).zip(vectors).collect();
    Fitted { model, vectors }
}

/// The rules of a topic, with its exemplars and labels from the store.
pub fn rules(topic: &Topic, store: &Store) -> anyhow::Result<TopicRules> {
    let parse = |q: &String| {
        Expr::phrase_or_query(q)
            .with_context(|| format!("topic {}: bad exclusion {q:?}", topic.name))
    };
    Ok(TopicRules {
        name: topic.name.clone(),
        filter: topic.filter_expr(),
        exclude: topic
            .exclude
            .iter()
            .map(parse)
            .collect::<anyhow::Result<_>>()?,
        categories: topic.categories.clone(),
        exclude_categories: topic.exclude_categories.clone(),
        pinned: topic.ids.clone(),
        description: topic.description.clone(),
        exemplars: store.papers_by_ids(&topic.exemplars)?,
        min_score: topic.min_score,
        labels: store.labels(&topic.name)?,
        authors: topic.authors.clone(),
    })
}

/// Decides `papers` under `topic`, with the tracker's learned model and each paper's rule
/// features when it has one; `with_terms` also lists the matched terms (for `explain`).
pub fn decide(
    corpus: &Fitted,
    topic: &Topic,
    store: &Store,
    papers: &[&Paper],
    model: Option<(&learn::Model, &learn::RuleVerdicts)>,
    with_terms: bool,
) -> anyhow::Result<Vec<Decision>> {
    let rules = rules(topic, store)?;
    let scorer = TopicScorer::new(&corpus.model, &rules, &|id| corpus.vectors.get(id).cloned());
    Ok(papers
        .iter()
        .map(|p| {
            let vector = corpus
                .vectors
                .get(&p.id)
                .cloned()
                .unwrap_or_else(|| corpus.model.vector(p));
            let score = model.map(|(m, rule)| m.score(p, rule));
            scorer.decide(p, &vector, &Doc::new(p), score, with_terms)
        })
        .collect())
}

/// A stored verdict: paper, shown, score, reason.
pub type Verdict = (ArxivId, bool, Option<f64>, Option<String>);

/// Where a verdict goes back into the corpus: paper index, membership index.
pub type Place = (usize, usize);

/// Per topic (config order): its verdicts, and where each goes back into the corpus.
pub type Verdicts = (Vec<Vec<Verdict>>, Vec<Vec<Place>>);

/// Decides every topic's papers, stores the verdicts and updates the corpus's memberships.
/// Returns `(shown, hidden)` per topic. Each paper's words are indexed once, for all its
/// topics, and dropped.
pub fn decide_all(
    settings: &Settings,
    store: &mut Store,
    corpus: &mut Corpus,
) -> anyhow::Result<Vec<(usize, usize)>> {
    let rules = all_rules(settings, store)?;
    let deciders = Deciders::new(settings, corpus, &rules);
    let (mut rows, mut places) = deciders.verdicts(corpus, None);
    if !settings.relevance.examples.is_empty() {
        let rule = rule_features(&rows);
        if let Some(model) = trained(settings, store, corpus, &rule)? {
            let scores = learn::scores(&model, corpus, &rule);
            (rows, places) = deciders.verdicts(corpus, Some(&scores));
        }
    }
    let mut counts = Vec::with_capacity(settings.topics.len());
    for (topic, rows) in settings.topics.iter().zip(&rows) {
        store
            .set_decisions(&topic.name, rows)
            .with_context(|| format!("cannot store the verdicts of topic {}", topic.name))?;
        let shown = rows.iter().filter(|r| r.1).count();
        counts.push((shown, rows.len() - shown));
    }
    for (rows, places) in rows.into_iter().zip(places) {
        for ((_, shown, score, reason), (p, m)) in rows.into_iter().zip(places) {
            let membership = &mut corpus.papers[p].topics[m];
            (membership.shown, membership.score, membership.reason) = (shown, score, reason);
        }
    }
    Ok(counts)
}

/// What the topics' own rules say of each paper, as inputs of the learned model: its best
/// rule score over its topics (the profile score, scaled down when it fails a topic's terms or
/// hits an exclusion) and whether the rules show it in any topic.
pub fn rule_features(rows: &[Vec<Verdict>]) -> learn::RuleVerdicts {
    let mut best: learn::RuleVerdicts = HashMap::new();
    for (id, shown, score, _) in rows.iter().flatten() {
        let e = best.entry(id.clone()).or_insert([0.0, 0.0]);
        e[0] = e[0].max(score.unwrap_or(0.0));
        if *shown {
            e[1] = 1.0;
        }
    }
    best
}

/// The tracker's model trained on its examples (with the rules' verdicts as two more inputs),
/// when it has any.
pub fn trained(
    settings: &Settings,
    store: &Store,
    corpus: &Corpus,
    rule: &learn::RuleVerdicts,
) -> anyhow::Result<Option<learn::Model>> {
    if settings.relevance.examples.is_empty() {
        return Ok(None);
    }
    let examples = learn::load_examples(settings)?;
    let model = learn::train(
        store,
        corpus,
        &examples,
        rule,
        &|_| false,
        settings.relevance.threshold,
    )?;
    match &model {
        Some(m) => tracing::info!(
            "relevance model: {} examples, L2 {}, threshold {:.3}, cross-validated AUC {}",
            m.examples,
            m.learned.lambda,
            m.learned.threshold,
            m.learned.cv_auc.map_or("n/a".into(), |a| format!("{a:.3}"))
        ),
        None => tracing::warn!(
            "[relevance] examples: too few examples in the database to train on (at least {} on topic and {} others); the topics' profiles score papers instead",
            crate::relevance::learned::MIN_PER_CLASS,
            crate::relevance::learned::MIN_PER_CLASS
        ),
    }
    Ok(model)
}

/// Every topic's verdicts, with the learned model's `scores` when there is one, and where each
/// goes back into the corpus. To decide more than once, build [`Deciders`] once instead.
pub fn verdicts(
    settings: &Settings,
    store: &Store,
    corpus: &Corpus,
    scores: Option<&HashMap<ArxivId, ModelScore>>,
) -> anyhow::Result<Verdicts> {
    let rules = all_rules(settings, store)?;
    Ok(Deciders::new(settings, corpus, &rules).verdicts(corpus, scores))
}

/// Every topic's rules, in config order.
pub fn all_rules(settings: &Settings, store: &Store) -> anyhow::Result<Vec<TopicRules>> {
    settings.topics.iter().map(|t| rules(t, store)).collect()
}

/// What decides a corpus's papers, computed once: the TF-IDF model fitted on the corpus and
/// each topic's scorer. Deciding again (with a learned model's scores, or another fold's)
/// reuses them. A paper's vector is computed when it is decided and dropped after: keeping
/// one per paper would grow with the corpus (70 MB for 66,000 papers).
pub struct Deciders<'r> {
    model: Model,
    scorers: Vec<TopicScorer<'r>>,
    index: HashMap<String, usize>,
}

impl<'r> Deciders<'r> {
    /// Fits the model on `corpus` and builds each topic's scorer from its `rules`.
    pub fn new(settings: &Settings, corpus: &Corpus, rules: &'r [TopicRules]) -> Self {
        let model = Model::fit(&corpus.papers, |p| &p.paper);
        let by_id: HashMap<&ArxivId, &Paper> = corpus
            .papers
            .iter()
            .map(|p| (&p.paper.id, &p.paper))
            .collect();
        let scorers = rules
            .iter()
            .map(|r| TopicScorer::new(&model, r, &|id| by_id.get(id).map(|p| model.vector(p))))
            .collect();
        let index = settings
            .topics
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.clone(), i))
            .collect();
        Deciders {
            model,
            scorers,
            index,
        }
    }

    /// Every topic's verdicts on `corpus` (the one the deciders were built on), with the
    /// learned model's `scores` when given. The papers are decided in parallel, one slice per
    /// core, and the verdicts come back in corpus order.
    pub fn verdicts(
        &self,
        corpus: &Corpus,
        scores: Option<&HashMap<ArxivId, ModelScore>>,
    ) -> Verdicts {
        let papers = &corpus.papers;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        // Below a few thousand papers a thread costs more than it saves.
        let slice = papers.len().div_ceil(threads).max(2_000);
        let parts: Vec<Verdicts> = std::thread::scope(|scope| {
            let handles: Vec<_> = papers
                .chunks(slice.max(1))
                .enumerate()
                .map(|(n, chunk)| scope.spawn(move || self.slice(chunk, n * slice, scores)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a deciding thread panicked"))
                .collect()
        });
        let topics = self.scorers.len();
        let mut rows: Vec<Vec<Verdict>> = vec![Vec::new(); topics];
        let mut places: Vec<Vec<Place>> = vec![Vec::new(); topics];
        for (part_rows, part_places) in parts {
            for (t, (r, p)) in part_rows.into_iter().zip(part_places).enumerate() {
                rows[t].extend(r);
                places[t].extend(p);
            }
        }
        (rows, places)
    }

    /// The verdicts on `papers`, the corpus's papers from index `first` on.
    fn slice(
        &self,
        papers: &[crate::model::StoredPaper],
        first: usize,
        scores: Option<&HashMap<ArxivId, ModelScore>>,
    ) -> Verdicts {
        let topics = self.scorers.len();
        let mut rows: Vec<Vec<Verdict>> = vec![Vec::new(); topics];
        let mut places: Vec<Vec<Place>> = vec![Vec::new(); topics];
        for (p, stored) in papers.iter().enumerate() {
            let vector = &self.model.vector(&stored.paper);
            let doc = Doc::new(&stored.paper);
            for (m, membership) in stored.topics.iter().enumerate() {
                if let Some(&t) = self.index.get(&membership.name) {
                    let score = scores.and_then(|s| s.get(&stored.paper.id)).copied();
                    let d = self.scorers[t].decide(&stored.paper, vector, &doc, score, false);
                    rows[t].push((stored.paper.id.clone(), d.shown, d.score, d.reason));
                    places[t].push((first + p, m));
                }
            }
        }
        (rows, places)
    }
}
