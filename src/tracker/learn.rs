//! The learn stage: the tracker's example papers (`[relevance] examples`) are read, found in the
//! database (the fetch stage stores those it lacks, once), and the tracker-wide model is
//! trained on them ([`crate::relevance::learned`]); its scores then join every topic's decision.

use std::collections::{HashMap, HashSet};

use anyhow::Context;
use tracing::{debug, warn};

use super::Corpus;
use crate::config::{BUILTIN_EXAMPLES, ExampleSource, Settings};
use crate::model::{ArxivId, Paper};
use crate::relevance::ModelScore;
use crate::relevance::examples::{self, Example, Format};
use crate::relevance::learned::{Features, Labelled, Learned, Rules};
use crate::relevance::score::Sparse;
use crate::store::Store;

/// At most this many unlabelled papers stand in as negatives when the examples are all positive.
const MAX_UNLABELLED: usize = 1000;

/// Reads every examples file of the settings, in order; a paper listed twice keeps its last
/// grade.
pub fn load_examples(settings: &Settings) -> anyhow::Result<Vec<Example>> {
    let mut all: Vec<Example> = Vec::new();
    for source in &settings.relevance.examples {
        let (name, text) = match source {
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
pub fn missing_examples(settings: &Settings, store: &Store) -> anyhow::Result<Vec<ArxivId>> {
    if settings.relevance.examples.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<ArxivId> = load_examples(settings)?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let stored = store.stored_ids(&ids)?;
    Ok(ids.into_iter().filter(|id| !stored.contains(id)).collect())
}

/// A trained model with the features it reads.
pub struct Model {
    /// Document frequencies over the corpus and the examples.
    pub features: Features,
    /// The regressions, threshold and figures.
    pub learned: Learned,
    /// Examples found in the database and trained on.
    pub examples: usize,
}

impl Model {
    /// The verdict input for a paper.
    pub fn score(&self, paper: &Paper, rule: &RuleVerdicts) -> ModelScore {
        ModelScore {
            score: self
                .learned
                .score(&self.features.vector(paper), rules_of(rule, &paper.id)),
            threshold: self.learned.threshold,
            rescue: self.learned.rescue,
        }
    }

    /// The words and word pairs (and rule features) that moved a paper's score most:
    /// `(term, contribution)`.
    pub fn top_terms(&self, paper: &Paper, rule: &RuleVerdicts, n: usize) -> Vec<(String, f32)> {
        let names = self.features.names(paper);
        let (terms, rules) = self
            .learned
            .contributions(&self.features.vector(paper), rules_of(rule, &paper.id));
        let mut out: Vec<(String, f32)> = terms
            .into_iter()
            .filter_map(|(slot, c)| names.get(&slot).map(|t| (t.clone(), c)))
            .take(n)
            .collect();
        out.push(("[topic profile score]".into(), rules[0] as f32));
        out.push(("[shown by the topic rules]".into(), rules[1] as f32));
        out
    }
}

/// Trains the tracker's model on `examples` whose id `skip` does not exclude (cross-validation
/// leaves a fold out this way). `None` when there are too few examples of each kind in the
/// database. With positive examples only, unlabelled papers of the corpus stand in as negatives.
pub fn train(
    store: &Store,
    corpus: &Corpus,
    examples: &[Example],
    rule: &RuleVerdicts,
    skip: &dyn Fn(&ArxivId) -> bool,
    threshold: Option<f64>,
) -> anyhow::Result<Option<Model>> {
    let in_corpus: HashSet<&ArxivId> = corpus.papers.iter().map(|p| &p.paper.id).collect();
    let outside: Vec<ArxivId> = examples
        .iter()
        .map(|(id, _)| id)
        .filter(|id| !in_corpus.contains(id))
        .cloned()
        .collect();
    let extra = store.papers_by_ids(&outside)?;
    let papers: HashMap<&ArxivId, &Paper> = corpus
        .papers
        .iter()
        .map(|p| (&p.paper.id, &p.paper))
        .chain(extra.iter().map(|p| (&p.id, p)))
        .collect();
    let features = Features::fit(corpus.papers.iter().map(|p| &p.paper).chain(extra.iter()));
    let mut chosen: Vec<(&ArxivId, u8)> = examples
        .iter()
        .filter(|(id, _)| !skip(id) && papers.contains_key(id))
        .map(|(id, g)| (id, *g))
        .collect();
    let absent = examples
        .iter()
        .filter(|(id, _)| !papers.contains_key(id))
        .count();
    if absent > 0 {
        warn!(
            "{absent} example papers are not in the database (arXiv has no such paper, or the fetch failed); the model learns without them"
        );
    }
    if chosen.iter().all(|(_, g)| *g == 2) {
        // Positives only: the stored papers that are not examples serve as the negatives.
        let labelled: HashSet<&ArxivId> = examples.iter().map(|(id, _)| id).collect();
        let mut others: Vec<&ArxivId> = corpus
            .papers
            .iter()
            .map(|p| &p.paper.id)
            .filter(|id| !labelled.contains(id))
            .collect();
        others.sort_by_key(|id| crate::relevance::learned::fold_of(id, 1 << 30));
        chosen.extend(others.into_iter().take(MAX_UNLABELLED).map(|id| (id, 0)));
    }
    let vectors: Vec<Sparse> = chosen
        .iter()
        .map(|(id, _)| features.vector(papers[id]))
        .collect();
    let labelled: Vec<Labelled> = chosen
        .iter()
        .zip(&vectors)
        .map(|((id, grade), vector)| Labelled {
            id,
            vector,
            rules: rules_of(rule, id),
            grade: *grade,
        })
        .collect();
    let Some(learned) = Learned::train(&labelled, threshold) else {
        return Ok(None);
    };
    Ok(Some(Model {
        features,
        learned,
        examples: labelled.len(),
    }))
}

/// The model's verdict input for every corpus paper, by id.
pub fn scores(model: &Model, corpus: &Corpus, rule: &RuleVerdicts) -> HashMap<ArxivId, ModelScore> {
    corpus
        .papers
        .iter()
        .map(|p| (p.paper.id.clone(), model.score(&p.paper, rule)))
        .collect()
}

/// What the topics' rules say of each paper (see [`Rules`]), by id.
pub type RuleVerdicts = HashMap<ArxivId, Rules>;

/// The rules' verdict on a paper; a paper in no topic has `[0, 0]`.
fn rules_of(rule: &RuleVerdicts, id: &ArxivId) -> Rules {
    rule.get(id).copied().unwrap_or([0.0, 0.0])
}
