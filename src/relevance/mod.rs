//! Deciding what a topic shows, and why: a strict local match of the topic's own terms
//! ([`crate::query`]), exclusions and category rules, and a 0–1 relevance score from a lexical model
//! fitted on the local corpus, blended with a per-topic feedback model once the reader has
//! labelled a few papers ([`score`]). The whole engine lives here, pure, offline and
//! deterministic: [`engine`] decides a corpus (the one way a paper is decided), [`trained`] is
//! the model learned from example papers ([`learned`] its regressions, [`examples`] their
//! files), [`evaluate`] measures verdicts against graded papers. Depends only on
//! [`crate::model`] and [`crate::query`]; the tracker reads the store and the config.

pub mod engine;
pub mod evaluate;
pub mod examples;
pub mod learned;
pub mod score;
pub mod similar;
pub mod trained;

use std::collections::HashMap;

use crate::query::{Doc, Expr, glob};
use score::{Logistic, Model, Sparse, centroid, combine, dot};

use crate::model::{ArxivId, Label, Paper};

/// Labels of each kind a topic needs before its feedback model is trained.
pub const MIN_LABELS_PER_KIND: usize = 3;

/// Profile cosine at which the score reaches about 0.63 (`1 − e⁻¹`); see [`calibrate`].
pub const SCORE_SCALE: f64 = 0.12;

/// Factor on the profile score of a paper that fails the topic's terms.
pub const OFF_TOPIC_FACTOR: f64 = 0.5;
/// Factor on the profile score of a paper that hits one of the topic's exclusions.
pub const EXCLUDED_FACTOR: f64 = 0.2;

/// Everything that decides a topic's papers.
#[derive(Debug, Clone, Default)]
pub struct TopicRules {
    /// The topic.
    pub name: String,
    /// The strict match (the topic's query, or its keywords OR-ed); `None` matches everything.
    pub filter: Option<Expr>,
    /// Terms or queries that hide a paper.
    pub exclude: Vec<Expr>,
    /// A paper needs one of these categories (globs like `cs.*`), when any are given.
    pub categories: Vec<String>,
    /// A paper with one of these categories is hidden.
    pub exclude_categories: Vec<String>,
    /// Pinned papers: always shown.
    pub pinned: Vec<ArxivId>,
    /// Free text describing the topic.
    pub description: Option<String>,
    /// Papers that typify the topic.
    pub exemplars: Vec<Paper>,
    /// Papers scoring below are hidden.
    pub min_score: Option<f64>,
    /// Reader labels.
    pub labels: Vec<Label>,
    /// Followed authors: their papers are always shown.
    pub authors: Vec<String>,
}

/// The learned model's verdict on a paper (see [`learned`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelScore {
    /// Its score, 0–1.
    pub score: f64,
    /// Papers scoring below are hidden.
    pub threshold: f64,
    /// A paper that fails the topic's own terms is still shown from this score on.
    pub rescue: f64,
}

/// Whether two spellings name the same person: case, dots, hyphens and spacing aside
/// (`"Song Han"`, `"song  han"`, `"S.-Han"` is not `"Song Han"`).
pub fn same_person(a: &str, b: &str) -> bool {
    let key = |s: &str| -> String {
        s.chars()
            .map(|c| if c == '.' || c == '-' { ' ' } else { c })
            .collect::<String>()
            .split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    };
    key(a) == key(b)
}

/// The verdict on one paper in one topic, with its reasons.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Decision {
    /// Shown under the topic.
    pub shown: bool,
    /// Why it is hidden; `None` when shown.
    pub reason: Option<String>,
    /// The final score, 0–1; `None` when the topic has nothing to score against (no terms,
    /// description, exemplars or labels: a topic of pinned ids).
    pub score: Option<f64>,
    /// The profile part, 0–1.
    pub profile_score: f64,
    /// The raw cosine between the paper and the topic profile.
    pub cosine: f64,
    /// The feedback model's probability, when the topic has one.
    pub feedback_score: Option<f64>,
    /// The learned model's score, when the tracker has examples.
    pub model_score: Option<f64>,
    /// The followed author who wrote it, if any.
    pub author: Option<String>,
    /// Terms of the topic's filter found in the paper.
    pub matched: Vec<String>,
    /// Exclusions found in the paper.
    pub excluded: Vec<String>,
    /// Pinned in this topic.
    pub pinned: bool,
    /// The reader's label, if any.
    pub label: Option<bool>,
}

/// Maps a profile cosine (typically 0–0.4) onto 0–1, monotonically, the same for every topic:
/// `1 − exp(−cosine / SCORE_SCALE)`.
pub fn calibrate(cosine: f64) -> f64 {
    1.0 - (-cosine.max(0.0) / SCORE_SCALE).exp()
}

/// A topic's profile vector: its terms (weight 2), description and exemplars' centroid.
pub fn profile(model: &Model, rules: &TopicRules) -> Sparse {
    let terms: Vec<String> = rules
        .filter
        .iter()
        .flat_map(|f| f.positive_terms())
        .flat_map(|words| model.query_terms(&words))
        .collect();
    let terms = model.vector_of_terms(&terms);
    let description = rules
        .description
        .as_deref()
        .map(|d| model.text_vector(d))
        .unwrap_or_default();
    let exemplars: Vec<Sparse> = rules.exemplars.iter().map(|p| model.vector(p)).collect();
    let exemplars = centroid(&exemplars);
    combine(&[(2.0, &terms), (1.0, &description), (1.0, &exemplars)])
}

/// What a topic decides with: its profile, feedback model and labels, computed once.
pub struct TopicScorer<'r> {
    rules: &'r TopicRules,
    profile: Sparse,
    feedback: Option<Logistic>,
    labels: HashMap<ArxivId, bool>,
}

impl<'r> TopicScorer<'r> {
    /// Builds the topic's profile, and its feedback model from the labelled papers' vectors.
    pub fn new(
        model: &Model,
        rules: &'r TopicRules,
        vector_of: &dyn Fn(&ArxivId) -> Option<Sparse>,
    ) -> Self {
        let examples: Vec<(Sparse, bool)> = rules
            .labels
            .iter()
            .filter_map(|l| vector_of(&l.id).map(|v| (v, l.relevant)))
            .collect();
        let positives = examples.iter().filter(|e| e.1).count();
        let negatives = examples.len() - positives;
        let feedback =
            (positives >= MIN_LABELS_PER_KIND && negatives >= MIN_LABELS_PER_KIND).then(|| {
                let refs: Vec<(&Sparse, bool)> = examples.iter().map(|(v, l)| (v, *l)).collect();
                Logistic::train(&refs)
            });
        TopicScorer {
            rules,
            profile: profile(model, rules),
            feedback,
            labels: rules
                .labels
                .iter()
                .map(|l| (l.id.clone(), l.relevant))
                .collect(),
        }
    }

    /// Decides one paper, given its vector, its words and the learned model's score.
    pub fn decide(
        &self,
        paper: &Paper,
        vector: &Sparse,
        doc: &Doc,
        model: Option<ModelScore>,
        with_terms: bool,
    ) -> Decision {
        let label = self.labels.get(&paper.id).copied();
        decide(
            self.rules,
            paper,
            Inputs {
                vector,
                doc,
                profile: &self.profile,
                feedback: self.feedback.as_ref(),
                model,
            },
            label,
            with_terms,
        )
    }
}

/// The final score: the profile score, averaged with the feedback probability when there is one.
pub fn blend(profile_score: f64, feedback: Option<f64>) -> f64 {
    match feedback {
        Some(p) => (profile_score + p) / 2.0,
        None => profile_score,
    }
}

/// What a decision is computed from, besides the rules.
struct Inputs<'a> {
    vector: &'a Sparse,
    doc: &'a Doc<'a>,
    profile: &'a Sparse,
    feedback: Option<&'a Logistic>,
    model: Option<ModelScore>,
}

fn decide(
    rules: &TopicRules,
    paper: &Paper,
    inputs: Inputs,
    label: Option<bool>,
    with_terms: bool,
) -> Decision {
    let Inputs {
        vector,
        doc,
        profile,
        feedback,
        model,
    } = inputs;
    let cosine = f64::from(dot(vector, profile));
    let fails_terms = rules.filter.as_ref().is_some_and(|f| !f.matches(doc));
    let excluded_any = rules.exclude.iter().any(|e| e.matches(doc));
    // A paper that fails the topic's own terms, or hits an exclusion, is by the reader's own
    // definition off-topic: its score is scaled down so it ranks below papers that pass.
    let penalty = if excluded_any {
        EXCLUDED_FACTOR
    } else if fails_terms && model.is_none() {
        OFF_TOPIC_FACTOR
    } else {
        1.0
    };
    let profile_score = calibrate(cosine) * penalty;
    let feedback_score = feedback.map(|m| f64::from(m.probability(vector)));
    let model_score = model.map(|m| m.score);
    let scorable = !profile.is_empty() || feedback_score.is_some() || model.is_some();
    // With a learned model, its score replaces the profile's (which it beats on every measure,
    // docs/relevance.md); an exclusion still scales it down.
    let base = model.map_or(profile_score, |m| {
        m.score * if excluded_any { EXCLUDED_FACTOR } else { 1.0 }
    });
    let score = scorable.then(|| blend(base, feedback_score));
    let matched = match (&rules.filter, with_terms) {
        (Some(f), true) => f.matched_terms(doc),
        _ => Vec::new(),
    };
    let excluded: Vec<String> = rules
        .exclude
        .iter()
        .filter(|e| e.matches(doc))
        .flat_map(|e| e.matched_terms(doc))
        .collect();
    let pinned = rules.pinned.contains(&paper.id);
    let author = rules
        .authors
        .iter()
        .find(|a| paper.authors.iter().any(|p| same_person(p, a)))
        .cloned();
    let reason = hide_reason(
        rules,
        paper,
        Verdicts {
            followed: pinned || label == Some(true) || author.is_some(),
            label,
            excluded: &excluded,
            fails_terms,
            model,
            score,
        },
    );
    Decision {
        shown: reason.is_none(),
        reason,
        score,
        profile_score,
        cosine,
        feedback_score,
        model_score,
        author,
        matched,
        excluded,
        pinned,
        label,
    }
}

/// What the checks found, for [`hide_reason`].
struct Verdicts<'a> {
    /// Pinned, marked relevant or by a followed author: always shown.
    followed: bool,
    label: Option<bool>,
    excluded: &'a [String],
    fails_terms: bool,
    model: Option<ModelScore>,
    score: Option<f64>,
}

/// Why a paper is hidden, in the order the checks apply; `None` when it is shown.
fn hide_reason(rules: &TopicRules, paper: &Paper, v: Verdicts) -> Option<String> {
    let Verdicts {
        followed,
        label,
        excluded,
        fails_terms,
        model,
        score,
    } = v;
    let any_glob = |patterns: &[String]| {
        paper
            .categories
            .iter()
            .find(|c| {
                patterns
                    .iter()
                    .any(|p| glob(&p.to_lowercase(), &c.to_lowercase()))
            })
            .cloned()
    };
    if followed {
        None
    } else if label == Some(false) {
        Some("marked irrelevant".to_string())
    } else if !excluded.is_empty() {
        Some(format!("excluded: {}", excluded.join(", ")))
    } else if fails_terms && model.is_none_or(|m| m.score < m.rescue) {
        Some("does not match the topic's terms in title or abstract".to_string())
    } else if !rules.categories.is_empty() && any_glob(&rules.categories).is_none() {
        Some(format!("no category among {}", rules.categories.join(", ")))
    } else if let Some(c) = any_glob(&rules.exclude_categories) {
        Some(format!("excluded category {c}"))
    } else if let (Some(m), Some(score)) = (model, score)
        && score < m.threshold
    {
        Some(format!(
            "score {score:.2} below the learned threshold {:.2}",
            m.threshold
        ))
    } else if let (Some(min), Some(score)) = (rules.min_score, score)
        && score < min
    {
        Some(format!("score {score:.2} below min_score {min:.2}"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paper(id: &str, title: &str, summary: &str, categories: &[&str]) -> Paper {
        Paper {
            id: ArxivId::parse(id).unwrap(),
            version: 1,
            title: title.into(),
            authors: vec![],
            summary: summary.into(),
            categories: categories.iter().map(|c| c.to_string()).collect(),
            primary_category: categories[0].into(),
            published: "2025-01-01T00:00:00Z".parse().unwrap(),
            updated: "2025-01-01T00:00:00Z".parse().unwrap(),
            comment: None,
            journal_ref: None,
            doi: None,
        }
    }

    #[test]
    fn filters_exclusions_categories_pins_and_scores() {
        let papers = [
            paper(
                "2501.00001",
                "On-device LLM inference on mobile NPUs",
                "We run LLMs on smartphone NPUs.",
                &["cs.LG"],
            ),
            paper(
                "2501.00002",
                "Human mobility generation with LLMs",
                "Mobile phone traces and mobility.",
                &["cs.AI"],
            ),
            paper(
                "2501.00003",
                "Mobile LLM agents",
                "A mobile agent for phones.",
                &["cs.CV"],
            ),
            paper(
                "2501.00004",
                "Protein folding",
                "Nothing about phones.",
                &["q-bio.BM"],
            ),
        ];
        let corpus = crate::model::Corpus {
            papers: papers
                .iter()
                .map(|p| crate::model::StoredPaper {
                    paper: p.clone(),
                    topics: vec![crate::model::Membership {
                        name: "t".into(),
                        shown: false,
                        score: None,
                        reason: None,
                        first_seen: p.published,
                    }],
                    first_seen: p.published,
                })
                .collect(),
            ..Default::default()
        };
        let rules = [TopicRules {
            name: "t".into(),
            filter: Some(Expr::parse("abs:mobile OR abs:smartphone").unwrap()),
            exclude: vec![Expr::parse("mobility").unwrap()],
            exclude_categories: vec!["cs.CV".into()],
            pinned: vec![ArxivId::parse("2501.00004").unwrap()],
            description: Some("LLM inference on phones and NPUs".into()),
            ..TopicRules::default()
        }];
        let deciders = engine::Deciders::new(&corpus, &rules);
        let d: Vec<Decision> = papers
            .iter()
            .map(|p| deciders.explain(0, p, None))
            .collect();
        let verdicts = deciders.verdicts(&corpus, None);
        let shown: Vec<bool> = verdicts.rows[0].iter().map(|v| v.shown).collect();
        assert_eq!(shown, [true, false, false, true], "one engine, one answer");
        assert!(d[0].shown && d[0].matched == ["smartphone"]);
        assert_eq!(d[1].reason.as_deref(), Some("excluded: mobility"));
        assert_eq!(d[2].reason.as_deref(), Some("excluded category cs.CV"));
        assert!(
            d[3].shown && d[3].pinned,
            "pinned papers are never filtered"
        );
        let (s0, s3) = (d[0].score.unwrap(), d[3].score.unwrap());
        assert!(s0 > s3, "{s0} vs {s3}");
        assert!((0.0..=1.0).contains(&s0));
    }

    #[test]
    fn calibration_is_monotone_and_bounded() {
        assert_eq!(calibrate(0.0), 0.0);
        assert!(calibrate(0.1) < calibrate(0.2));
        assert!(calibrate(1.0) < 1.0 && calibrate(1.0) > 0.99);
    }
}
