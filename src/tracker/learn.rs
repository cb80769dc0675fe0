//! The learn stage: the tracker's example papers (`[relevance] examples`) are read, found in the
//! database (the fetch stage stores those it lacks, once), and the tracker-wide model is
//! trained on them ([`crate::relevance::trained`]); its scores then join every topic's decision.

use std::collections::HashMap;

use anyhow::Context;
use tracing::debug;

use crate::config::{BUILTIN_EXAMPLES, ExampleSource, Settings};
use crate::model::{ArxivId, Corpus};
use crate::relevance::ModelScore;
use crate::relevance::engine::Verdicts;
use crate::relevance::examples::{self, Example, Format};
use crate::relevance::learned::MIN_PER_CLASS;
use crate::relevance::trained::{self, Model, RuleVerdicts, Training};
use crate::store::Store;

/// Reads every examples file of the settings, in order; a paper listed twice keeps its last
/// grade.
pub(super) fn load_examples(settings: &Settings, store: &Store) -> anyhow::Result<Vec<Example>> {
    let mut all: Vec<Example> = Vec::new();
    for source in &settings.relevance.examples {
        let (name, text) = match source {
            ExampleSource::Zotero { .. } => {
                // A reader's library: every arXiv paper in it is one they kept.
                let ids = super::zotero::example_ids(store, source)?;
                debug!("{source}: {} arXiv papers", ids.len());
                all.extend(ids.into_iter().map(|id| (id, 2)));
                continue;
            }
            ExampleSource::Builtin(name) => {
                let text = BUILTIN_EXAMPLES
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, t)| (*t).to_string())
                    .with_context(|| format!("no built-in example set {name:?}"))?;
                (format!("{name}.tsv"), text)
            }
            ExampleSource::File(path) => {
                let text = std::fs::read_to_string(path).with_context(|| {
                    format!(
                        "cannot read the examples file {} (from [relevance] examples in {})",
                        path.display(),
                        settings.source
                    )
                })?;
                (path.display().to_string(), text)
            }
        };
        let format = Format::guess(&name, &text);
        let found =
            examples::parse(format, &text).with_context(|| format!("in examples file {source}"))?;
        debug!("{source}: {} examples ({format:?})", found.len());
        all.extend(found);
    }
    Ok(examples::merge(all))
}

/// The example ids the database does not hold yet (to fetch once by `id_list`).
pub(super) fn missing_examples(settings: &Settings, store: &Store) -> anyhow::Result<Vec<ArxivId>> {
    if settings.relevance.examples.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<ArxivId> = load_examples(settings, store)?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let stored = store.stored_ids(&ids)?;
    Ok(ids.into_iter().filter(|id| !stored.contains(id)).collect())
}

/// The learned model's score of every corpus paper, trained on the examples with the rules'
/// first verdicts as two more inputs; `None` without examples, or with too few.
pub(super) fn scores(
    settings: &Settings,
    store: &Store,
    corpus: &Corpus,
    first: &Verdicts,
) -> anyhow::Result<Option<HashMap<ArxivId, ModelScore>>> {
    if settings.relevance.examples.is_empty() {
        return Ok(None);
    }
    let rule = first.rule_features();
    let model = trained_model(settings, store, corpus, &rule)?;
    Ok(model.map(|m| m.scores(corpus, &rule)))
}

/// The tracker's model trained on its examples (with the rules' verdicts as two more inputs),
/// when it has any.
pub(super) fn trained_model(
    settings: &Settings,
    store: &Store,
    corpus: &Corpus,
    rule: &RuleVerdicts,
) -> anyhow::Result<Option<Model>> {
    if settings.relevance.examples.is_empty() {
        return Ok(None);
    }
    let examples = load_examples(settings, store)?;
    let outside = store.papers_by_ids(&trained::outside_ids(corpus, &examples))?;
    let training = Training {
        corpus,
        outside: &outside,
        examples: &examples,
        rule,
        threshold: settings.relevance.threshold,
    };
    let model = trained::train(&training, &|_| false);
    match &model {
        Some(m) => tracing::info!(
            "relevance model: {} examples, L2 {}, threshold {:.3}, cross-validated AUC {}",
            m.examples,
            m.learned.lambda,
            m.learned.threshold,
            m.learned.cv_auc.map_or("n/a".into(), |a| format!("{a:.3}"))
        ),
        None => tracing::warn!(
            "[relevance] examples: too few examples in the database to train on (at least {MIN_PER_CLASS} on topic and {MIN_PER_CLASS} others); the topics' profiles score papers instead"
        ),
    }
    Ok(model)
}
