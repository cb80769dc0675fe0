//! How well the verdicts agree with graded papers: shares shown and hidden per grade and ROC
//! AUCs, from the stored verdicts and by K-fold cross-validation (for each fold, the tracker's
//! model is trained without it and every topic decided again, in memory). Pure: the tracker
//! reads the labels, the corpus and the papers.

use std::collections::HashMap;

use serde::Serialize;

use super::TopicRules;
use super::engine::Deciders;
use super::examples::Example;
use super::learned::fold_of;
use super::score::auc;
use super::trained::{Training, train};
use crate::model::{ArxivId, Corpus, Paper};

/// The figures `eval` prints.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    /// Labelled papers found in the database.
    pub labelled: usize,
    /// Labelled papers not in the database.
    pub missing: usize,
    /// Papers per grade 0, 1, 2 (of those found).
    pub grades: [usize; 3],
    /// Labelled papers not in the database, per grade 0, 1, 2 (never fetched, so not shown).
    pub missing_grades: [usize; 3],
    /// The stored verdicts. With examples that include the labels, these flatter the model:
    /// read [`Report::cross_validation`] instead.
    pub stored: Figures,
    /// The same figures with the learned model trained without each fold of the labels.
    pub cross_validation: Option<CrossValidation>,
}

/// Shares and AUCs over the labelled papers found in the database.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Figures {
    /// Shown papers (in any topic) among the labelled ones.
    pub shown: usize,
    /// Share of grade-0 papers hidden.
    pub grade0_hidden: Option<f64>,
    /// Share of grade ≥ 1 papers shown.
    pub grade1plus_shown: Option<f64>,
    /// Share of grade-2 papers shown.
    pub grade2_shown: Option<f64>,
    /// Share of grade-0 papers among the shown labelled papers.
    pub grade0_share_of_shown: Option<f64>,
    /// ROC AUC of the score (highest over the paper's topics), grade 2 against the rest.
    pub auc_2_vs_rest: Option<f64>,
    /// ROC AUC of the score, grade ≥ 1 against grade 0.
    pub auc_1plus_vs_0: Option<f64>,
}

/// Figures from K-fold cross-validation: for each fold, the tracker's model is trained on the
/// configured examples plus the labels, all without that fold, and every topic decided again.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CrossValidation {
    /// Number of folds.
    pub folds: usize,
    /// The figures over the held-out folds.
    pub figures: Figures,
    /// The threshold each fold's model chose.
    pub thresholds: Vec<f64>,
    /// The L2 strength each fold's model chose.
    pub lambdas: Vec<f32>,
}

/// What an evaluation reads.
pub struct Evaluation<'a> {
    /// The topics' papers, with their stored verdicts.
    pub corpus: &'a Corpus,
    /// Each configured topic's rules, in config order.
    pub rules: &'a [TopicRules],
    /// The configured examples together with the labels ([`with_labels`]).
    pub examples: &'a [Example],
    /// Example papers outside the corpus.
    pub outside: &'a [Paper],
    /// `[relevance] threshold`.
    pub threshold: Option<f64>,
}

/// The configured examples with the labels in place of any grade they give the same paper:
/// what cross-validation trains on.
pub fn with_labels(mut examples: Vec<Example>, labels: &[Example]) -> Vec<Example> {
    let labelled: HashMap<&ArxivId, u8> = labels.iter().map(|(id, g)| (id, *g)).collect();
    examples.retain(|(id, _)| !labelled.contains_key(id));
    examples.extend(labels.iter().cloned());
    examples
}

fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// A labelled paper's verdict: grade, shown in any topic, best score.
type Verdict = (u8, bool, f64);

/// Computes the report from the stored verdicts, and with `folds` by cross-validation.
pub fn evaluate(e: &Evaluation, labels: &[Example], folds: Option<usize>) -> Report {
    let configured: Vec<&str> = e.rules.iter().map(|t| t.name.as_str()).collect();
    // Per paper: shown in any configured topic, and its best score.
    let stored: HashMap<&ArxivId, (bool, f64)> = e
        .corpus
        .papers
        .iter()
        .map(|p| {
            let mine = p
                .topics
                .iter()
                .filter(|m| configured.contains(&m.name.as_str()));
            let best = mine.fold((false, 0.0f64), |(s, best), m| {
                (s || m.shown, best.max(m.score.unwrap_or(0.0)))
            });
            (&p.paper.id, best)
        })
        .collect();
    let found: Vec<(&ArxivId, u8)> = labels
        .iter()
        .filter(|(id, _)| stored.contains_key(id))
        .map(|(id, g)| (id, *g))
        .collect();
    let mut grades = [0; 3];
    for (_, g) in &found {
        grades[*g as usize] += 1;
    }
    let mut missing_grades = [0; 3];
    for (id, grade) in labels {
        if !stored.contains_key(id) {
            missing_grades[*grade as usize] += 1;
        }
    }
    let verdicts: Vec<Verdict> = found
        .iter()
        .map(|(id, g)| (*g, stored[id].0, stored[id].1))
        .collect();
    let cross_validation = match folds {
        Some(k) if k >= 2 => Some(cross_validate(e, labels, &found, k)),
        _ => None,
    };
    Report {
        labelled: found.len(),
        missing: labels.len() - found.len(),
        grades,
        missing_grades,
        stored: figures(&verdicts),
        cross_validation,
    }
}

fn figures(v: &[Verdict]) -> Figures {
    let count = |f: &dyn Fn(&Verdict) -> bool| v.iter().filter(|x| f(x)).count();
    let grades = [
        count(&|x| x.0 == 0),
        count(&|x| x.0 == 1),
        count(&|x| x.0 == 2),
    ];
    let shown = count(&|x| x.1);
    let scored2: Vec<(f64, bool)> = v.iter().map(|x| (x.2, x.0 == 2)).collect();
    let scored1: Vec<(f64, bool)> = v.iter().map(|x| (x.2, x.0 >= 1)).collect();
    Figures {
        shown,
        grade0_hidden: share(count(&|x| x.0 == 0 && !x.1), grades[0]),
        grade1plus_shown: share(count(&|x| x.0 >= 1 && x.1), grades[1] + grades[2]),
        grade2_shown: share(count(&|x| x.0 == 2 && x.1), grades[2]),
        grade0_share_of_shown: share(count(&|x| x.0 == 0 && x.1), shown),
        auc_2_vs_rest: auc(&scored2),
        auc_1plus_vs_0: auc(&scored1),
    }
}

/// For each fold of the labels: train the tracker's model on its examples plus the labels,
/// none of that fold, decide every topic again in memory, and keep the fold's verdicts.
fn cross_validate(
    e: &Evaluation,
    labels: &[Example],
    found: &[(&ArxivId, u8)],
    k: usize,
) -> CrossValidation {
    let label_of: HashMap<&ArxivId, u8> = labels.iter().map(|(id, g)| (id, *g)).collect();
    let deciders = Deciders::new(e.corpus, e.rules);
    let rule = deciders.verdicts(e.corpus, None).rule_features();
    let training = Training {
        corpus: e.corpus,
        outside: e.outside,
        examples: e.examples,
        rule: &rule,
        threshold: e.threshold,
    };
    let mut out: Vec<Verdict> = Vec::with_capacity(found.len());
    let (mut thresholds, mut lambdas) = (Vec::new(), Vec::new());
    for fold in 0..k {
        let held_out = |id: &ArxivId| label_of.contains_key(id) && fold_of(id, k) == fold;
        let model = train(&training, &held_out);
        let scores = model.as_ref().map(|m| m.scores(e.corpus, &rule));
        if let Some(m) = &model {
            thresholds.push(m.learned.threshold);
            lambdas.push(m.learned.lambda);
        }
        let verdicts = deciders.verdicts(e.corpus, scores.as_ref());
        let mut best: HashMap<&ArxivId, (bool, f64)> = HashMap::new();
        for v in verdicts.rows.iter().flatten() {
            let b = best.entry(&v.id).or_insert((false, 0.0));
            *b = (b.0 || v.shown, b.1.max(v.score.unwrap_or(0.0)));
        }
        for (id, g) in found.iter().filter(|(id, _)| fold_of(id, k) == fold) {
            let (shown, score) = best.get(id).copied().unwrap_or((false, 0.0));
            out.push((*g, shown, score));
        }
    }
    CrossValidation {
        folds: k,
        figures: figures(&out),
        thresholds,
        lambdas,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_stable_and_spread() {
        let ids: Vec<ArxivId> = (1..=100)
            .map(|i| ArxivId::parse(&format!("2501.{i:05}")).unwrap())
            .collect();
        let mut sizes = [0; 5];
        for id in &ids {
            sizes[fold_of(id, 5)] += 1;
        }
        assert!(sizes.iter().all(|&n| n >= 10), "{sizes:?}");
        assert_eq!(fold_of(&ids[0], 5), fold_of(&ids[0].clone(), 5));
    }
}
