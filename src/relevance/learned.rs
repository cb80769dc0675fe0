//! The tracker-wide model learned from example papers: a logistic regression over TF-IDF of
//! words **and word pairs** (title counted twice), class-balanced, with its L2 regularisation
//! chosen by K-fold cross-validation on the examples, and a threshold chosen the same way.
//!
//! Features are hashed into [`BUCKETS`] slots (document frequencies are one `u32` per slot,
//! whatever the size of the corpus), and a model keeps weights only for the slots its examples
//! use. Training is full-batch Nesterov gradient descent from zero: no randomness, fixed
//! iteration order, so the same examples and corpus give the same scores.

/// A fast, deterministic hash map (fixed seed).
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

use super::score::{Analyzer, Sparse, auc, normalize};
use crate::model::{ArxivId, Paper};
use crate::text::{Fnv1a, fnv1a};

/// Hash slots for words and word pairs.
pub const BUCKETS: u32 = 1 << 20;
/// Folds of the cross-validation that chooses the regularisation and the threshold.
pub const FOLDS: usize = 5;
/// The L2 strengths tried.
const LAMBDAS: &[f32] = &[1e-5, 1e-4, 1e-3, 1e-2, 0.1];
/// Gradient steps per fit.
const STEPS: usize = 250;
/// Share of the on-topic examples (grade 2) the chosen threshold keeps in cross-validation.
pub const KEEP: f64 = 0.98;
/// Share of the on-topic examples at or above the rescue score, from which a paper failing a
/// topic's own terms is still shown (spelling misses like "Hardware-Accelerated").
pub const RESCUE_KEEP: f64 = 0.5;
/// Fewest examples of each class a model needs.
pub const MIN_PER_CLASS: usize = 3;

/// Calls `f` with every word of `text` and, after the first, the pair it makes with the word
/// before: `(word, Some(previous))`, once as `(word, None)` for the word itself.
fn for_each_word_and_pair(analyzer: &Analyzer, text: &str, mut f: impl FnMut(&str, Option<&str>)) {
    let mut prev = String::with_capacity(32);
    analyzer.for_each_term(text, |t| {
        f(t, None);
        if !prev.is_empty() {
            f(t, Some(&prev));
        }
        prev.clear();
        prev.push_str(t);
    });
}

/// The slot of a word (`previous` = `None`) or of the pair `previous word`.
fn slot_of(word: &str, previous: Option<&str>) -> u32 {
    match previous {
        Some(p) => slot(p.as_bytes(), word.as_bytes()),
        None => slot(word.as_bytes(), b""),
    }
}

/// Calls `f` with the hash slot of every word and word pair of `paper` (title twice).
fn for_each_feature(analyzer: &Analyzer, paper: &Paper, mut f: impl FnMut(u32)) {
    for (text, times) in [(&paper.title, 2), (&paper.summary, 1)] {
        for_each_word_and_pair(analyzer, text, |word, previous| {
            let s = slot_of(word, previous);
            for _ in 0..times {
                f(s);
            }
        });
    }
}

/// FNV-1a of a word, or of a pair (`a` `\x1f` `b`), into [`BUCKETS`].
fn slot(a: &[u8], b: &[u8]) -> u32 {
    let mut h = Fnv1a::default();
    h.write(a);
    if !b.is_empty() {
        h.write(&[0x1f]);
        h.write(b);
    }
    (h.finish() % u64::from(BUCKETS)) as u32
}

/// Document frequencies of hashed words and word pairs over a corpus.
pub struct Features {
    analyzer: Analyzer,
    df: Vec<u32>,
    docs: u32,
}

impl Features {
    /// Counts document frequencies over `papers` (streamed: nothing per paper is kept).
    pub fn fit<'a>(papers: impl IntoIterator<Item = &'a Paper>) -> Features {
        let mut features = Features {
            analyzer: Analyzer::default(),
            df: vec![0; BUCKETS as usize],
            docs: 0,
        };
        let mut slots: Vec<u32> = Vec::with_capacity(512);
        for paper in papers {
            slots.clear();
            for_each_feature(&features.analyzer, paper, |s| slots.push(s));
            slots.sort_unstable();
            slots.dedup();
            for &s in &slots {
                features.df[s as usize] += 1;
            }
            features.docs += 1;
        }
        features
    }

    fn idf(&self, slot: u32) -> f32 {
        ((1.0 + self.docs as f32) / (1.0 + self.df[slot as usize] as f32)).ln() + 1.0
    }

    /// A paper's unit-length TF-IDF vector (sublinear term frequency).
    pub fn vector(&self, paper: &Paper) -> Sparse {
        let mut slots: Vec<u32> = Vec::with_capacity(512);
        for_each_feature(&self.analyzer, paper, |s| slots.push(s));
        slots.sort_unstable();
        let mut v: Sparse = Vec::with_capacity(slots.len());
        let mut i = 0;
        while i < slots.len() {
            let mut j = i;
            while j < slots.len() && slots[j] == slots[i] {
                j += 1;
            }
            let tf = (j - i) as f32;
            v.push((slots[i], (1.0 + tf.ln()) * self.idf(slots[i])));
            i = j;
        }
        normalize(&mut v);
        v
    }

    /// The words and word pairs of `paper` that fall in each slot, for explanations.
    pub fn names(&self, paper: &Paper) -> HashMap<u32, String> {
        let mut names = HashMap::default();
        for text in [&paper.title, &paper.summary] {
            for_each_word_and_pair(&self.analyzer, text, |word, previous| {
                names
                    .entry(slot_of(word, previous))
                    .or_insert_with(|| match previous {
                        Some(p) => format!("{p} {word}"),
                        None => word.to_string(),
                    });
            });
        }
        names
    }
}

/// A trained logistic regression: weights for the slots its examples use.
#[derive(Debug, Clone, Default)]
pub struct Regression {
    weights: HashMap<u32, f32>,
    bias: f32,
}

impl Regression {
    /// Trains on `(vector, positive)` examples, classes balanced, with L2 strength `lambda`.
    pub fn train(examples: &[(&Sparse, bool)], lambda: f32) -> Regression {
        // Compact the slots the examples use into 0..m.
        let mut index: HashMap<u32, usize> = HashMap::default();
        let mut slots: Vec<u32> = Vec::new();
        // Per example: its compacted features, target and weight.
        type Row = (Vec<(usize, f32)>, f32, f32);
        let rows: Vec<Row> = {
            let positives = examples.iter().filter(|e| e.1).count().max(1) as f32;
            let negatives = (examples.len() as f32 - positives).max(1.0);
            let n = examples.len().max(1) as f32;
            examples
                .iter()
                .map(|(x, y)| {
                    let row = x
                        .iter()
                        .map(|(s, v)| {
                            let i = *index.entry(*s).or_insert_with(|| {
                                slots.push(*s);
                                slots.len() - 1
                            });
                            (i, *v)
                        })
                        .collect();
                    let weight = if *y {
                        n / (2.0 * positives)
                    } else {
                        n / (2.0 * negatives)
                    };
                    (row, if *y { 1.0 } else { 0.0 }, weight / n)
                })
                .collect()
        };
        let m = slots.len() + 1; // the last coordinate is the bias
        let (mut w, mut prev) = (vec![0f32; m], vec![0f32; m]);
        let mut look = vec![0f32; m];
        let mut grad = vec![0f32; m];
        let step = 1.0 / (0.25 + lambda);
        for k in 0..STEPS {
            let momentum = k as f32 / (k as f32 + 3.0);
            for i in 0..m {
                look[i] = w[i] + momentum * (w[i] - prev[i]);
            }
            grad.iter_mut().for_each(|g| *g = 0.0);
            for (row, target, weight) in &rows {
                let z = look[m - 1] + row.iter().map(|(i, v)| look[*i] * v).sum::<f32>();
                let err = weight * (sigmoid(z) - target);
                for (i, v) in row {
                    grad[*i] += err * v;
                }
                grad[m - 1] += err;
            }
            for i in 0..m - 1 {
                grad[i] += lambda * look[i];
            }
            prev.copy_from_slice(&w);
            for i in 0..m {
                w[i] = look[i] - step * grad[i];
            }
        }
        Regression {
            weights: slots.iter().copied().zip(w.iter().copied()).collect(),
            bias: w[m - 1],
        }
    }

    /// P(positive | vector).
    pub fn probability(&self, x: &Sparse) -> f64 {
        let z = self.bias
            + x.iter()
                .map(|(s, v)| self.weights.get(s).copied().unwrap_or(0.0) * v)
                .sum::<f32>();
        f64::from(sigmoid(z))
    }

    /// The slots that raise or lower this vector's probability most: `(slot, contribution)`,
    /// largest magnitude first.
    pub fn contributions(&self, x: &Sparse) -> Vec<(u32, f32)> {
        let mut c: Vec<(u32, f32)> = x
            .iter()
            .filter_map(|(s, v)| self.weights.get(s).map(|w| (*s, w * v)))
            .filter(|(_, c)| *c != 0.0)
            .collect();
        c.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
        c
    }
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// The fold of an id: a stable hash, so the split does not depend on file order.
pub fn fold_of(id: &ArxivId, k: usize) -> usize {
    (fnv1a(id.as_str().as_bytes()) % k as u64) as usize
}

/// What the topics' own rules say of a paper, as two inputs of the learned model.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rules {
    /// Its best profile score over its topics (scaled down when it fails a topic's terms or
    /// hits an exclusion).
    pub profile: f64,
    /// 1 when the rules show it in any topic, else 0.
    pub shown: f64,
}

/// How much the rules moved a paper's score (on the stack's logit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RuleContributions {
    /// Through the profile score.
    pub profile: f64,
    /// Through being shown by the rules.
    pub shown: f64,
}

/// One training example: the paper's id, its text vector, the rules' verdict and its grade
/// (0, 1 or 2).
#[derive(Debug, Clone, Copy)]
pub struct Labelled<'a> {
    /// The paper.
    pub id: &'a ArxivId,
    /// Its words and word pairs.
    pub vector: &'a Sparse,
    /// The rules' verdict on it.
    pub rules: Rules,
    /// Its grade.
    pub grade: u8,
}

/// The tracker's learned model. Two regressions read the text: one for "on topic" (grade 2
/// against the rest) and, when the examples have both, one for "not noise" (grade ≥ 1 against
/// grade 0); their mean is the text score. A small logistic model fitted on the out-of-fold
/// text scores then combines it with the rules' verdict into the probability that a paper is
/// on topic (stacking: it also puts every model on one scale, so a threshold means the same
/// whatever the examples).
#[derive(Debug, Clone)]
pub struct Learned {
    stack: Stack,
    on_topic: Regression,
    not_noise: Option<Regression>,
    /// The L2 strength chosen.
    pub lambda: f32,
    /// Papers scoring below are hidden (chosen in cross-validation unless configured).
    pub threshold: f64,
    /// Papers failing a topic's own terms are shown from this score on (cross-validated).
    pub rescue: f64,
    /// Cross-validated AUC of the final score, grade 2 against the rest, on the examples.
    pub cv_auc: Option<f64>,
}

impl Learned {
    /// Trains on graded examples; `None` without [`MIN_PER_CLASS`] grade-2 examples and as
    /// many others. `threshold` overrides the cross-validated one.
    pub fn train(examples: &[Labelled], threshold: Option<f64>) -> Option<Learned> {
        let positives = examples.iter().filter(|e| e.grade == 2).count();
        if positives < MIN_PER_CLASS || examples.len() - positives < MIN_PER_CLASS {
            return None;
        }
        // Choose the regularisation by the cross-validated AUC of the text score (ties: the
        // stronger one).
        // (AUC, lambda, out-of-fold scores) of the best lambda so far.
        type Candidate = (f64, f32, Vec<(f64, u8)>);
        let mut best: Option<Candidate> = None;
        for &lambda in LAMBDAS.iter().rev() {
            let oof = out_of_fold(examples, lambda);
            let scored: Vec<(f64, bool)> = oof.iter().map(|(s, g)| (*s, *g == 2)).collect();
            let a = auc(&scored).unwrap_or(0.5);
            if best.as_ref().is_none_or(|b| a > b.0 + 1e-9) {
                best = Some((a, lambda, oof));
            }
        }
        let (_, lambda, oof) = best?;
        let inputs: Vec<([f64; 3], u8)> = oof
            .iter()
            .zip(examples)
            .map(|((raw, g), e)| (Stack::inputs(*raw, e.rules), *g))
            .collect();
        let stack = Stack::fit(&inputs);
        let final_oof: Vec<(f64, u8)> = inputs.iter().map(|(x, g)| (stack.apply(x), *g)).collect();
        let scored: Vec<(f64, bool)> = final_oof.iter().map(|(s, g)| (*s, *g == 2)).collect();
        let threshold = threshold.unwrap_or_else(|| keep_threshold(&final_oof, KEEP));
        let rescue = keep_threshold(&final_oof, RESCUE_KEEP).max(threshold);
        let (on_topic, not_noise) = fit_pair(examples, lambda);
        Some(Learned {
            stack,
            on_topic,
            not_noise,
            lambda,
            threshold,
            rescue,
            cv_auc: auc(&scored),
        })
    }

    /// The score of a paper from its text vector and the rules' verdict: the probability that
    /// it is on topic, 0–1.
    pub fn score(&self, x: &Sparse, rules: Rules) -> f64 {
        let raw = score_pair(&self.on_topic, self.not_noise.as_ref(), x);
        self.stack.apply(&Stack::inputs(raw, rules))
    }

    /// The terms that moved this paper's text score most, `(slot, signed contribution)`, and
    /// the rules' contributions.
    pub fn contributions(&self, x: &Sparse, rules: Rules) -> (Vec<(u32, f32)>, RuleContributions) {
        let mut all: HashMap<u32, f32> = HashMap::default();
        for model in std::iter::once(&self.on_topic).chain(self.not_noise.as_ref()) {
            for (s, c) in model.contributions(x) {
                *all.entry(s).or_default() += c;
            }
        }
        let mut v: Vec<(u32, f32)> = all.into_iter().collect();
        v.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
        let by_rules = RuleContributions {
            profile: self.stack.w[1] * rules.profile,
            shown: self.stack.w[2] * rules.shown,
        };
        (v, by_rules)
    }
}

/// `sigmoid(w · [logit(text score), rule score, rule shown] + b)`, fitted on out-of-fold
/// scores.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Stack {
    w: [f64; 3],
    b: f64,
}

impl Stack {
    fn inputs(raw: f64, rules: Rules) -> [f64; 3] {
        [logit(raw), rules.profile, rules.shown]
    }

    /// Newton's method on the log-loss of grade 2 against the rest, with a small ridge so it
    /// stays defined when the inputs separate the grades.
    fn fit(data: &[([f64; 3], u8)]) -> Stack {
        const RIDGE: f64 = 1e-2;
        let mut theta = [1.0, 0.0, 0.0, 0.0]; // w0, w1, w2, b
        for _ in 0..50 {
            let mut g = [0.0; 4];
            let mut h = [[0.0; 4]; 4];
            for i in 0..3 {
                g[i] = RIDGE * theta[i];
                h[i][i] = RIDGE;
            }
            h[3][3] = 1e-9;
            for (x, grade) in data {
                let xi = [x[0], x[1], x[2], 1.0];
                let z: f64 = (0..4).map(|i| theta[i] * xi[i]).sum();
                let p = 1.0 / (1.0 + (-z).exp());
                let y = if *grade == 2 { 1.0 } else { 0.0 };
                let w = (p * (1.0 - p)).max(1e-9);
                for i in 0..4 {
                    g[i] += (p - y) * xi[i];
                    for j in 0..4 {
                        h[i][j] += w * xi[i] * xi[j];
                    }
                }
            }
            let Some(step) = solve(h, g) else { break };
            for i in 0..4 {
                theta[i] -= step[i];
            }
            if step.iter().map(|s| s.abs()).sum::<f64>() < 1e-9 {
                break;
            }
        }
        if theta.iter().any(|t| !t.is_finite()) {
            return Stack {
                w: [1.0, 0.0, 0.0],
                b: 0.0,
            };
        }
        Stack {
            w: [theta[0], theta[1], theta[2]],
            b: theta[3],
        }
    }

    fn apply(&self, x: &[f64; 3]) -> f64 {
        let z = self.b + (0..3).map(|i| self.w[i] * x[i]).sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }
}

/// Solves `h · x = g` (4×4, Gaussian elimination with partial pivoting).
fn solve(mut h: [[f64; 4]; 4], mut g: [f64; 4]) -> Option<[f64; 4]> {
    for col in 0..4 {
        let pivot = (col..4).max_by(|a, b| h[*a][col].abs().total_cmp(&h[*b][col].abs()))?;
        if h[pivot][col].abs() < 1e-12 {
            return None;
        }
        h.swap(col, pivot);
        g.swap(col, pivot);
        let pivot_row = h[col];
        for row in col + 1..4 {
            let f = h[row][col] / pivot_row[col];
            for (cell, p) in h[row].iter_mut().zip(pivot_row).skip(col) {
                *cell -= f * p;
            }
            g[row] -= f * g[col];
        }
    }
    let mut x = [0.0; 4];
    for row in (0..4).rev() {
        let rest: f64 = (row + 1..4).map(|k| h[row][k] * x[k]).sum();
        x[row] = (g[row] - rest) / h[row][row];
    }
    Some(x)
}

fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

fn fit_pair(examples: &[Labelled], lambda: f32) -> (Regression, Option<Regression>) {
    let on: Vec<(&Sparse, bool)> = examples.iter().map(|e| (e.vector, e.grade == 2)).collect();
    let noise = examples.iter().filter(|e| e.grade == 0).count();
    let not_noise =
        (noise >= MIN_PER_CLASS && examples.len() - noise >= MIN_PER_CLASS).then(|| {
            let ex: Vec<(&Sparse, bool)> =
                examples.iter().map(|e| (e.vector, e.grade >= 1)).collect();
            Regression::train(&ex, lambda)
        });
    (Regression::train(&on, lambda), not_noise)
}

fn score_pair(on: &Regression, not_noise: Option<&Regression>, x: &Sparse) -> f64 {
    match not_noise {
        Some(n) => (on.probability(x) + n.probability(x)) / 2.0,
        None => on.probability(x),
    }
}

/// Each example's score from a model trained without its fold: `(score, grade)`, in input
/// order.
pub fn out_of_fold(examples: &[Labelled], lambda: f32) -> Vec<(f64, u8)> {
    let mut out = vec![(0.0, 0); examples.len()];
    for fold in 0..FOLDS {
        let train: Vec<Labelled> = examples
            .iter()
            .filter(|e| fold_of(e.id, FOLDS) != fold)
            .copied()
            .collect();
        let (on, not_noise) = fit_pair(&train, lambda);
        for (i, e) in examples.iter().enumerate() {
            if fold_of(e.id, FOLDS) == fold {
                out[i] = (score_pair(&on, not_noise.as_ref(), e.vector), e.grade);
            }
        }
    }
    out
}

/// The highest threshold that keeps `keep` of the grade-2 scores.
pub fn keep_threshold(scored: &[(f64, u8)], keep: f64) -> f64 {
    let mut on: Vec<f64> = scored
        .iter()
        .filter(|(_, g)| *g == 2)
        .map(|(s, _)| *s)
        .collect();
    if on.is_empty() {
        return 0.5;
    }
    on.sort_by(|a, b| b.total_cmp(a));
    let n = ((on.len() as f64) * keep).ceil() as usize;
    on[n.clamp(1, on.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_stable_and_pairs_differ_from_words() {
        assert_eq!(slot(b"npu", b""), slot(b"npu", b""));
        assert_ne!(slot(b"npu", b""), slot(b"npu", b"llm"));
        assert_ne!(slot(b"npu", b"llm"), slot(b"llm", b"npu"));
        assert!(slot(b"x", b"") < BUCKETS);
    }

    #[test]
    fn regression_separates_and_is_deterministic() {
        let pos: Sparse = vec![(3, 1.0)];
        let neg: Sparse = vec![(7, 1.0)];
        let ex = [(&pos, true), (&pos, true), (&neg, false)];
        let a = Regression::train(&ex, 1e-3);
        let b = Regression::train(&ex, 1e-3);
        assert!(a.probability(&pos) > 0.9 && a.probability(&neg) < 0.1);
        assert_eq!(a.probability(&pos), b.probability(&pos));
        assert_eq!(a.contributions(&pos)[0].0, 3);
    }

    #[test]
    fn the_threshold_keeps_the_asked_share_of_grade_two() {
        let scored: Vec<(f64, u8)> = (1..=100).map(|i| (f64::from(i) / 100.0, 2)).collect();
        assert_eq!(keep_threshold(&scored, 0.98), 0.03);
        assert_eq!(keep_threshold(&scored, 1.0), 0.01);
        assert_eq!(keep_threshold(&[(0.4, 0)], 0.9), 0.5);
    }
}
