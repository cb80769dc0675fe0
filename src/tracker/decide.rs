//! The decide stage: after fetching and before publishing, every topic's papers are decided
//! again from the current config, labels and corpus by [`crate::relevance::engine`] (with the
//! learned model's scores from the learn stage when there are examples), and the verdicts
//! stored (so a changed `exclude` or `min_score` takes effect without refetching) and kept in
//! the corpus in memory.

use anyhow::Context;

use super::learn;
use super::run::{Run, load_corpus};
use crate::config::{Settings, Topic};
use crate::model::Corpus;
use crate::query::Expr;
use crate::relevance::TopicRules;
use crate::relevance::engine::Deciders;
use crate::store::Store;

/// How many papers a topic shows and hides, after deciding.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Shown {
    /// Papers shown.
    pub shown: usize,
}

/// The rules of a topic, with its exemplars and labels from the store.
pub(super) fn rules(topic: &Topic, store: &Store) -> anyhow::Result<TopicRules> {
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

/// Every topic's rules, in config order.
pub(super) fn all_rules(settings: &Settings, store: &Store) -> anyhow::Result<Vec<TopicRules>> {
    settings.topics.iter().map(|t| rules(t, store)).collect()
}

/// Decides every topic's papers (learning from the examples first, when there are any),
/// stores the verdicts and updates the corpus's memberships. Returns what each topic shows, in
/// config order. Each paper's words are indexed once, for all its topics, and dropped.
pub(super) fn decide(run: &mut Run) -> anyhow::Result<Vec<Shown>> {
    decide_corpus(run.settings, run.store, &mut run.corpus)
}

/// Reads the corpus and decides it under the current config: what every command that changes
/// what is shown (`mark`, imports, a rebuild) ends with.
pub(super) fn redecide(settings: &Settings, store: &mut Store) -> anyhow::Result<Corpus> {
    let mut corpus = load_corpus(store)?;
    decide_corpus(settings, store, &mut corpus)?;
    Ok(corpus)
}

/// [`decide`] of a corpus outside a run.
fn decide_corpus(
    settings: &Settings,
    store: &mut Store,
    corpus: &mut Corpus,
) -> anyhow::Result<Vec<Shown>> {
    let rules = all_rules(settings, store)?;
    let deciders = Deciders::new(corpus, &rules);
    let mut verdicts = deciders.verdicts(corpus, None);
    if let Some(scores) = learn::scores(settings, store, corpus, &verdicts)? {
        verdicts = deciders.verdicts(corpus, Some(&scores));
    }
    let mut counts = Vec::with_capacity(settings.topics.len());
    for (topic, rows) in settings.topics.iter().zip(&verdicts.rows) {
        store
            .set_decisions(&topic.name, rows)
            .with_context(|| format!("cannot store the verdicts of topic {}", topic.name))?;
        counts.push(Shown {
            shown: rows.iter().filter(|r| r.shown).count(),
        });
    }
    verdicts.apply(corpus);
    Ok(counts)
}
