//! The relevance step: after fetching and before rendering, every topic's papers are decided
//! again from the current config, labels and corpus, and the verdicts stored (so a changed
//! `exclude` or `min_score` takes effect without refetching).

use std::collections::HashMap;

use anyhow::Context;

use crate::config::{Settings, Topic};
use crate::model::{ArxivId, Paper};
use crate::relevance::matcher::Expr;
use crate::relevance::score::Model;
use crate::relevance::{Decision, Prepared, TopicRules, classify, prepare_all};
use crate::store::Store;

/// The fitted model and every stored paper's vector.
pub struct Corpus {
    /// The model fitted on all stored papers.
    pub model: Model,
    /// Every paper prepared for scoring and matching, by id.
    pub prepared: HashMap<ArxivId, Prepared>,
}

/// Fits the model on every paper that belongs to a topic.
pub fn corpus(store: &Store) -> anyhow::Result<Corpus> {
    // The papers of the topics, not every stored paper: a bulk-imported archive of millions
    // would not fit, and the topics' own corpus is what their scores compare against.
    let papers = store.member_papers()?;
    let refs: Vec<&Paper> = papers.iter().map(|p| &p.paper).collect();
    let (model, prepared) = prepare_all(&refs);
    Ok(Corpus { model, prepared })
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
    })
}

/// Decides `papers` under `topic`; `with_terms` also lists the matched terms (for `explain`).
pub fn decide(
    corpus: &Corpus,
    topic: &Topic,
    store: &Store,
    papers: &[&Paper],
    with_terms: bool,
) -> anyhow::Result<Vec<Decision>> {
    let rules = rules(topic, store)?;
    Ok(classify(
        &corpus.model,
        &rules,
        papers,
        &corpus.prepared,
        with_terms,
    ))
}

/// Decides every topic's papers and stores the verdicts. Returns `(shown, hidden)` per topic.
pub fn classify_all(settings: &Settings, store: &mut Store) -> anyhow::Result<Vec<(usize, usize)>> {
    let corpus = corpus(store)?;
    let mut counts = Vec::with_capacity(settings.topics.len());
    for topic in &settings.topics {
        let members = store.topic_members(&topic.name)?;
        let refs: Vec<&Paper> = members.iter().collect();
        let decisions = decide(&corpus, topic, store, &refs, false)?;
        let rows: Vec<(ArxivId, bool, Option<f64>, Option<String>)> = members
            .iter()
            .zip(&decisions)
            .map(|(p, d)| (p.id.clone(), d.shown, d.score, d.reason.clone()))
            .collect();
        store
            .set_decisions(&topic.name, &rows)
            .with_context(|| format!("cannot store the verdicts of topic {}", topic.name))?;
        let shown = decisions.iter().filter(|d| d.shown).count();
        counts.push((shown, decisions.len() - shown));
    }
    Ok(counts)
}
