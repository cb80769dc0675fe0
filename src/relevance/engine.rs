//! The one way a corpus's papers are decided: [`Deciders`] fits the TF-IDF model on the corpus
//! once and builds each topic's scorer, then decides every paper of every topic in parallel,
//! with the learned model's scores when there are any. Pure: the tracker reads the store and
//! the config, hands over the rules and the corpus, and stores the verdicts.

use std::collections::HashMap;

use super::score::Model;
use super::trained::RuleVerdicts;
use super::{Decision, ModelScore, TopicRules, TopicScorer};
use crate::model::{ArxivId, Corpus, Paper, StoredPaper, Verdict};
use crate::query::Doc;

/// Where a verdict goes back into the corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// The paper's index in the corpus.
    pub paper: usize,
    /// The membership's index in the paper's topics.
    pub membership: usize,
}

/// Every topic's verdicts (rules order), and where each goes back into the corpus.
#[derive(Debug, Clone, Default)]
pub struct Verdicts {
    /// Per topic: its verdicts, in corpus order.
    pub rows: Vec<Vec<Verdict>>,
    /// Per topic: where each of its verdicts goes.
    pub places: Vec<Vec<Place>>,
}

impl Verdicts {
    fn new(topics: usize) -> Self {
        Verdicts {
            rows: vec![Vec::new(); topics],
            places: vec![Vec::new(); topics],
        }
    }

    /// Writes the verdicts into the corpus's memberships.
    pub fn apply(self, corpus: &mut Corpus) {
        for (rows, places) in self.rows.into_iter().zip(self.places) {
            for (v, place) in rows.into_iter().zip(places) {
                let membership = &mut corpus.papers[place.paper].topics[place.membership];
                (membership.shown, membership.score, membership.reason) =
                    (v.shown, v.score, v.reason);
            }
        }
    }

    /// What the topics' own rules say of each paper, as inputs of the learned model: its best
    /// rule score over its topics (the profile score, scaled down when it fails a topic's terms
    /// or hits an exclusion) and whether the rules show it in any topic.
    pub fn rule_features(&self) -> RuleVerdicts {
        let mut best: RuleVerdicts = HashMap::new();
        for v in self.rows.iter().flatten() {
            let e = best.entry(v.id.clone()).or_default();
            e.profile = e.profile.max(v.score.unwrap_or(0.0));
            if v.shown {
                e.shown = 1.0;
            }
        }
        best
    }
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
    /// Fits the model on `corpus` (the papers of the topics, not every stored paper: a
    /// bulk-imported archive of millions would not fit, and the topics' own corpus is what
    /// their scores compare against) and builds each topic's scorer from its `rules`.
    pub fn new(corpus: &Corpus, rules: &'r [TopicRules]) -> Self {
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
        let index = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.name.clone(), i))
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
        let mut all = Verdicts::new(self.scorers.len());
        for part in parts {
            for (t, (r, p)) in part.rows.into_iter().zip(part.places).enumerate() {
                all.rows[t].extend(r);
                all.places[t].extend(p);
            }
        }
        all
    }

    /// The verdicts on `papers`, the corpus's papers from index `first` on.
    fn slice(
        &self,
        papers: &[StoredPaper],
        first: usize,
        scores: Option<&HashMap<ArxivId, ModelScore>>,
    ) -> Verdicts {
        let mut out = Verdicts::new(self.scorers.len());
        for (p, stored) in papers.iter().enumerate() {
            let vector = &self.model.vector(&stored.paper);
            let doc = Doc::new(&stored.paper);
            for (m, membership) in stored.topics.iter().enumerate() {
                if let Some(&t) = self.index.get(&membership.name) {
                    let score = scores.and_then(|s| s.get(&stored.paper.id)).copied();
                    let d = self.scorers[t].decide(&stored.paper, vector, &doc, score, false);
                    out.rows[t].push(Verdict {
                        id: stored.paper.id.clone(),
                        shown: d.shown,
                        score: d.score,
                        reason: d.reason,
                    });
                    out.places[t].push(Place {
                        paper: first + p,
                        membership: m,
                    });
                }
            }
        }
        out
    }

    /// One paper's decision in topic `topic` (rules order), with the terms it matched: what
    /// `explain` shows.
    pub fn explain(&self, topic: usize, paper: &Paper, score: Option<ModelScore>) -> Decision {
        let vector = self.model.vector(paper);
        self.scorers[topic].decide(paper, &vector, &Doc::new(paper), score, true)
    }
}
