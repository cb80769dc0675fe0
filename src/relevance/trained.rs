//! The tracker-wide model trained on example papers (`[relevance] examples`): the hashed word
//! and word-pair features of [`super::learned`] fitted on the corpus and the examples, the
//! regressions trained on the graded examples with the rules' verdicts as two more inputs; its
//! scores, and the terms that moved a paper's score. Pure: the tracker reads the examples and
//! the papers from files and the store.

use std::collections::{HashMap, HashSet};

use tracing::warn;

use super::ModelScore;
use super::examples::Example;
use super::learned::{Features, Labelled, Learned, Rules, fold_of};
use super::score::Sparse;
use crate::model::{ArxivId, Corpus, Paper};

/// At most this many unlabelled papers stand in as negatives when the examples are all positive.
const MAX_UNLABELLED: usize = 1000;

/// What the topics' rules say of each paper (see [`Rules`]), by id.
pub type RuleVerdicts = HashMap<ArxivId, Rules>;

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

    /// The model's verdict input for every corpus paper, by id.
    pub fn scores(&self, corpus: &Corpus, rule: &RuleVerdicts) -> HashMap<ArxivId, ModelScore> {
        corpus
            .papers
            .iter()
            .map(|p| (p.paper.id.clone(), self.score(&p.paper, rule)))
            .collect()
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
        out.push(("[topic profile score]".into(), rules.profile as f32));
        out.push(("[shown by the topic rules]".into(), rules.shown as f32));
        out
    }
}

/// What a model is trained on: the corpus, the example papers outside it (read from the
/// store), the graded examples and the rules' verdicts.
pub struct Training<'a> {
    /// The topics' papers.
    pub corpus: &'a Corpus,
    /// Example papers that are in no topic.
    pub outside: &'a [Paper],
    /// Graded examples; a paper listed twice keeps its last grade.
    pub examples: &'a [Example],
    /// The rules' verdicts, two more inputs of the model.
    pub rule: &'a RuleVerdicts,
    /// A fixed threshold; `None` lets cross-validation choose.
    pub threshold: Option<f64>,
}

/// Trains the tracker's model on the examples whose id `skip` does not exclude
/// (cross-validation leaves a fold out this way). `None` when there are too few examples of
/// each kind among the papers. With positive examples only, unlabelled papers of the corpus
/// stand in as negatives.
pub fn train(t: &Training, skip: &dyn Fn(&ArxivId) -> bool) -> Option<Model> {
    let papers: HashMap<&ArxivId, &Paper> = t
        .corpus
        .papers
        .iter()
        .map(|p| (&p.paper.id, &p.paper))
        .chain(t.outside.iter().map(|p| (&p.id, p)))
        .collect();
    let features = Features::fit(
        t.corpus
            .papers
            .iter()
            .map(|p| &p.paper)
            .chain(t.outside.iter()),
    );
    let mut chosen: Vec<(&ArxivId, u8)> = t
        .examples
        .iter()
        .filter(|(id, _)| !skip(id) && papers.contains_key(id))
        .map(|(id, g)| (id, *g))
        .collect();
    let absent = t
        .examples
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
        let labelled: HashSet<&ArxivId> = t.examples.iter().map(|(id, _)| id).collect();
        let mut others: Vec<&ArxivId> = t
            .corpus
            .papers
            .iter()
            .map(|p| &p.paper.id)
            .filter(|id| !labelled.contains(id))
            .collect();
        others.sort_by_key(|id| fold_of(id, 1 << 30));
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
            rules: rules_of(t.rule, id),
            grade: *grade,
        })
        .collect();
    let learned = Learned::train(&labelled, t.threshold)?;
    Some(Model {
        features,
        learned,
        examples: labelled.len(),
    })
}

/// The example ids `train` needs from outside the corpus.
pub fn outside_ids(corpus: &Corpus, examples: &[Example]) -> Vec<ArxivId> {
    let in_corpus: HashSet<&ArxivId> = corpus.papers.iter().map(|p| &p.paper.id).collect();
    examples
        .iter()
        .map(|(id, _)| id)
        .filter(|id| !in_corpus.contains(id))
        .cloned()
        .collect()
}

/// The rules' verdict on a paper; a paper in no topic has zeros.
fn rules_of(rule: &RuleVerdicts, id: &ArxivId) -> Rules {
    rule.get(id).copied().unwrap_or_default()
}
