//! A lexical relevance model fitted on the local corpus: stemmed TF-IDF vectors of papers
//! (title counted twice), topic profiles built from a topic's terms, its description and its
//! exemplar papers, cosine similarity as the score, and a small logistic regression on the same
//! features for reader feedback. Deterministic: no randomness, fixed iteration order.

/// A fast, deterministic hash map (fixed seed).
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

use rust_stemmers::{Algorithm, Stemmer};

use crate::model::Paper;
use crate::query::words;

/// A sparse vector: `(term id, weight)` sorted by id.
pub type Sparse = Vec<(u32, f32)>;

/// English stop words (short, common function words).
const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "across", "after", "again", "against", "all", "also", "although", "am",
    "among", "an", "and", "any", "are", "as", "at", "be", "been", "before", "being", "below",
    "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "due",
    "during", "each", "either", "et", "etc", "few", "for", "from", "further", "had", "has", "have",
    "having", "he", "her", "here", "hers", "him", "his", "how", "however", "i", "if", "in", "into",
    "is", "it", "its", "itself", "just", "many", "may", "me", "might", "more", "most", "much",
    "must", "my", "no", "nor", "not", "of", "off", "on", "once", "one", "only", "or", "other",
    "our", "ours", "out", "over", "own", "paper", "per", "propose", "proposed", "same", "she",
    "should", "show", "shows", "so", "some", "such", "than", "that", "the", "their", "them",
    "then", "there", "these", "they", "this", "those", "through", "thus", "to", "too", "two",
    "under", "until", "up", "us", "use", "used", "uses", "using", "very", "via", "was", "we",
    "well", "were", "what", "when", "where", "whether", "which", "while", "who", "whom", "why",
    "will", "with", "within", "without", "would", "yet", "you", "your",
];

/// Whether a lower-case word is a stop word: a hash lookup, as every word of every paper asks
/// (a binary search over the list took a quarter of a large import's relevance stage).
fn is_stop_word(word: &str) -> bool {
    static SET: std::sync::OnceLock<
        std::collections::HashSet<&'static str, foldhash::fast::FixedState>,
    > = std::sync::OnceLock::new();
    // No stop word is longer than 9 bytes: most words are answered without hashing.
    word.len() <= 9
        && SET
            .get_or_init(|| STOP_WORDS.iter().copied().collect())
            .contains(word)
}

/// Turns text into stemmed index terms.
///
/// The default is a light stemmer (plural and possessive endings only): Porter/Snowball would
/// conflate exactly the words a topic needs apart (`mobile`/`mobility` → `mobil`,
/// `accelerator`/`accelerating` → `acceler`), the noise this module exists to remove.
/// [`Analyzer::snowball`] gives full Snowball English stemming (what arXiv's search does).
#[derive(Default)]
pub struct Analyzer {
    stemmer: Option<Stemmer>,
}

/// Strips English plural endings: `accelerators` → `accelerator`, `policies` → `policy`,
/// `llms` → `llm`; leaves `class`, `bus`, `analysis` alone.
fn light_stem_cow(word: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    let w = word.strip_suffix("'s").unwrap_or(word);
    let n = w.chars().count();
    if n > 4 && w.ends_with("ies") {
        return Cow::Owned(format!("{}y", &w[..w.len() - 3]));
    }
    // Processor plurals (`npus`, `gpus`, `tpus`) end in "us" too, unlike `bus` or `corpus`.
    let processor_plural = n <= 5 && w.ends_with("pus");
    if n > 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && (processor_plural || !w.ends_with("us"))
        && !w.ends_with("is")
    {
        return Cow::Borrowed(&w[..w.len() - 1]);
    }
    Cow::Borrowed(w)
}

impl Analyzer {
    /// Full Snowball English stemming.
    pub fn snowball() -> Self {
        Analyzer {
            stemmer: Some(Stemmer::create(Algorithm::English)),
        }
    }

    /// Stems one lower-case word.
    pub fn stem(&self, word: &str) -> String {
        self.stem_cow(word).into_owned()
    }

    fn stem_cow<'w>(&self, word: &'w str) -> std::borrow::Cow<'w, str> {
        match &self.stemmer {
            Some(s) => s.stem(word),
            None => light_stem_cow(word),
        }
    }

    /// Calls `f` with each index term of `text`, without allocating per word.
    pub fn for_each_term(&self, text: &str, mut f: impl FnMut(&str)) {
        let mut buf = String::with_capacity(32);
        let mut emit = |buf: &mut String| {
            if buf.len() > 1 && !is_stop_word(buf) {
                f(&self.stem_cow(buf));
            }
            buf.clear();
        };
        for c in text.chars() {
            if c.is_alphanumeric() {
                if c.is_ascii() {
                    buf.push(c.to_ascii_lowercase());
                } else {
                    buf.extend(c.to_lowercase());
                }
            } else if !buf.is_empty() {
                emit(&mut buf);
            }
        }
        if !buf.is_empty() {
            emit(&mut buf);
        }
    }

    /// Words without stop words and lone characters, stemmed.
    pub fn terms(&self, text: &str) -> Vec<String> {
        words(text)
            .into_iter()
            .filter(|w| w.len() > 1 && !is_stop_word(w))
            .map(|w| self.stem(&w))
            .collect()
    }
}

/// `(term, 1 + ln tf)` of sorted term ids (repeats are counts), allocated at its exact size: a
/// corpus keeps one per paper.
fn term_frequencies(ids: &[u32]) -> Sparse {
    let distinct = ids.windows(2).filter(|w| w[0] != w[1]).count() + usize::from(!ids.is_empty());
    let mut v: Sparse = Vec::with_capacity(distinct);
    let mut i = 0;
    while i < ids.len() {
        let mut j = i;
        while j < ids.len() && ids[j] == ids[i] {
            j += 1;
        }
        v.push((ids[i], 1.0 + ((j - i) as f32).ln()));
        i = j;
    }
    v
}

/// Term ids and document frequencies of a corpus.
pub struct Model {
    analyzer: Analyzer,
    ids: HashMap<String, u32>,
    terms: Vec<String>,
    df: Vec<u32>,
    docs: u32,
}

impl Model {
    /// Fits the model and returns every paper's vector too, analysing each text once.
    pub fn fit_with_vectors(papers: &[&Paper]) -> (Model, Vec<Sparse>) {
        let mut model = Model::empty();
        // Each paper's term frequencies now, weighed by the document frequencies once all are
        // known: one vector per paper in memory, nothing else.
        let mut vectors: Vec<Sparse> = Vec::with_capacity(papers.len());
        let mut ids: Vec<u32> = Vec::with_capacity(256);
        for paper in papers {
            model.docs += 1;
            ids.clear();
            let analyzer = std::mem::take(&mut model.analyzer);
            let mut push = |t: &str, ids: &mut Vec<u32>| ids.push(model.intern_str(t));
            analyzer.for_each_term(&paper.title, |t| push(t, &mut ids));
            let title_terms = ids.len();
            ids.extend_from_within(..title_terms);
            analyzer.for_each_term(&paper.summary, |t| push(t, &mut ids));
            model.analyzer = analyzer;
            ids.sort_unstable();
            let tf = term_frequencies(&ids);
            for &(id, _) in &tf {
                model.df[id as usize] += 1;
            }
            vectors.push(tf);
        }
        for v in &mut vectors {
            for (id, w) in v.iter_mut() {
                *w *= model.idf(*id);
            }
            normalize(v);
        }
        (model, vectors)
    }

    fn empty() -> Model {
        Model {
            analyzer: Analyzer::default(),
            ids: HashMap::default(),
            terms: Vec::new(),
            df: Vec::new(),
            docs: 0,
        }
    }

    /// Fits the vocabulary and document frequencies on the papers of `items`, one slice per
    /// core. Term ids are the ones one pass in order would give (each slice's new terms in
    /// order of first appearance, slice after slice), so the model, and every score summed
    /// over it, is the same whatever the number of cores.
    pub fn fit<T: Sync>(items: &[T], paper: impl Fn(&T) -> &Paper + Sync) -> Model {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        // Below a few thousand papers a thread costs more than it saves.
        Model::fit_sliced(items, paper, items.len().div_ceil(threads).max(2_000))
    }

    /// [`Model::fit`] with `slice` papers to a thread.
    fn fit_sliced<T: Sync>(
        items: &[T],
        paper: impl Fn(&T) -> &Paper + Sync,
        slice: usize,
    ) -> Model {
        let paper = &paper;
        let parts: Vec<Model> = std::thread::scope(|scope| {
            let handles: Vec<_> = items
                .chunks(slice)
                .map(|chunk| scope.spawn(move || Model::fit_in_order(chunk.iter().map(paper))))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a fitting thread panicked"))
                .collect()
        });
        let mut parts = parts.into_iter();
        let mut model = parts.next().unwrap_or_else(Model::empty);
        for part in parts {
            model.docs += part.docs;
            for (term, df) in part.terms.into_iter().zip(part.df) {
                let id = model.intern(term);
                model.df[id as usize] += df;
            }
        }
        model
    }

    /// Fits the vocabulary and document frequencies on `papers`, in one pass.
    fn fit_in_order<'a>(papers: impl IntoIterator<Item = &'a Paper>) -> Model {
        let mut model = Model::empty();
        let mut ids: Vec<u32> = Vec::with_capacity(256);
        for paper in papers {
            model.docs += 1;
            ids.clear();
            let analyzer = std::mem::take(&mut model.analyzer);
            analyzer.for_each_term(&paper.title, |t| ids.push(model.intern_str(t)));
            analyzer.for_each_term(&paper.summary, |t| ids.push(model.intern_str(t)));
            model.analyzer = analyzer;
            ids.sort_unstable();
            ids.dedup();
            for &id in &ids {
                model.df[id as usize] += 1;
            }
        }
        model
    }

    fn intern_str(&mut self, term: &str) -> u32 {
        match self.ids.get(term) {
            Some(&id) => id,
            None => self.intern(term.to_string()),
        }
    }

    fn intern(&mut self, term: String) -> u32 {
        if let Some(&id) = self.ids.get(&term) {
            return id;
        }
        let id = self.terms.len() as u32;
        self.ids.insert(term.clone(), id);
        self.terms.push(term);
        self.df.push(0);
        id
    }

    /// The analyzer the model uses.
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// Number of documents fitted.
    pub fn docs(&self) -> u32 {
        self.docs
    }

    /// The term of an id.
    pub fn term(&self, id: u32) -> &str {
        &self.terms[id as usize]
    }

    fn idf(&self, id: u32) -> f32 {
        ((1.0 + self.docs as f32) / (1.0 + self.df[id as usize] as f32)).ln() + 1.0
    }

    /// The normalised TF-IDF vector of already-analysed terms (unknown terms are dropped).
    pub fn vector_of_terms<S: AsRef<str>>(&self, terms: &[S]) -> Sparse {
        let mut counts: HashMap<u32, f32> = HashMap::default();
        for t in terms {
            if let Some(&id) = self.ids.get(t.as_ref()) {
                *counts.entry(id).or_default() += 1.0;
            }
        }
        let mut v: Sparse = counts
            .into_iter()
            .map(|(id, tf)| (id, (1.0 + tf.ln()) * self.idf(id)))
            .collect();
        v.sort_unstable_by_key(|e| e.0);
        normalize(&mut v);
        v
    }

    /// A paper's vector (title counted twice).
    pub fn vector(&self, paper: &Paper) -> Sparse {
        let mut ids: Vec<u32> = Vec::with_capacity(256);
        let push = |t: &str, ids: &mut Vec<u32>| {
            if let Some(&id) = self.ids.get(t) {
                ids.push(id);
            }
        };
        self.analyzer
            .for_each_term(&paper.title, |t| push(t, &mut ids));
        ids.extend_from_within(..);
        self.analyzer
            .for_each_term(&paper.summary, |t| push(t, &mut ids));
        ids.sort_unstable();
        let mut v = term_frequencies(&ids);
        for (id, w) in v.iter_mut() {
            *w *= self.idf(*id);
        }
        normalize(&mut v);
        v
    }

    /// A free text's vector.
    pub fn text_vector(&self, text: &str) -> Sparse {
        self.vector_of_terms(&self.analyzer.terms(text))
    }

    /// Stems of a query's words; a wildcard word (`accelerat*`) stands for every known stem
    /// sharing its prefix.
    pub fn query_terms(&self, words: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        for w in words {
            if let Some(prefix) = w.strip_suffix('*').filter(|p| !p.contains(['*', '?'])) {
                let prefix = prefix.to_string();
                let stem = self.analyzer.stem(&prefix);
                let mut matches: Vec<&String> = self
                    .terms
                    .iter()
                    .filter(|t| {
                        t.starts_with(&prefix) || (t.len() >= 4 && prefix.starts_with(t.as_str()))
                    })
                    .collect();
                matches.sort();
                matches.truncate(24);
                out.extend(matches.into_iter().cloned());
                out.push(stem);
            } else if !w.contains(['*', '?']) && !is_stop_word(w) {
                out.push(self.analyzer.stem(w));
            }
        }
        out
    }
}

/// Scales a vector to unit length (a zero vector stays zero).
pub fn normalize(v: &mut Sparse) {
    let norm = v.iter().map(|e| e.1 * e.1).sum::<f32>().sqrt();
    if norm > 0.0 {
        for e in v.iter_mut() {
            e.1 /= norm;
        }
    }
}

/// Dot product of two sorted sparse vectors (cosine for unit vectors).
pub fn dot(a: &Sparse, b: &Sparse) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// `Σ weight × part`, each part unit-length first, then normalised.
pub fn combine(parts: &[(f32, &Sparse)]) -> Sparse {
    let mut acc: HashMap<u32, f32> = HashMap::default();
    for (weight, part) in parts {
        for (id, x) in part.iter() {
            *acc.entry(*id).or_default() += weight * x;
        }
    }
    let mut v: Sparse = acc.into_iter().filter(|e| e.1 != 0.0).collect();
    v.sort_unstable_by_key(|e| e.0);
    normalize(&mut v);
    v
}

/// The mean of unit vectors, normalised.
pub fn centroid(vectors: &[Sparse]) -> Sparse {
    let parts: Vec<(f32, &Sparse)> = vectors.iter().map(|v| (1.0, v)).collect();
    combine(&parts)
}

/// A logistic regression on sparse features, trained by full-batch gradient descent with L2
/// regularisation. Deterministic.
#[derive(Debug, Clone, Default)]
pub struct Logistic {
    weights: HashMap<u32, f32>,
    bias: f32,
}

impl Logistic {
    /// Trains on `(features, relevant)` examples.
    pub fn train(examples: &[(&Sparse, bool)]) -> Logistic {
        let mut model = Logistic::default();
        let n = examples.len().max(1) as f32;
        let positives = examples.iter().filter(|e| e.1).count() as f32;
        // Balance the classes so a lopsided set of labels does not decide the bias.
        let weight_pos = n / (2.0 * positives.max(1.0));
        let weight_neg = n / (2.0 * (n - positives).max(1.0));
        let (rate, lambda) = (1.0f32, 1e-3f32);
        for _ in 0..300 {
            let mut grad: HashMap<u32, f32> = HashMap::default();
            let mut grad_bias = 0.0;
            for (x, y) in examples {
                let target = if *y { 1.0 } else { 0.0 };
                let w = if *y { weight_pos } else { weight_neg };
                let err = w * (model.probability(x) - target);
                grad_bias += err;
                for (id, v) in x.iter() {
                    *grad.entry(*id).or_default() += err * v;
                }
            }
            for (id, g) in grad {
                let w = model.weights.entry(id).or_default();
                *w -= rate * (g / n + lambda * *w);
            }
            model.bias -= rate * grad_bias / n;
        }
        model
    }

    /// P(relevant | features).
    pub fn probability(&self, x: &Sparse) -> f32 {
        let z = self.bias
            + x.iter()
                .map(|(id, v)| self.weights.get(id).copied().unwrap_or(0.0) * v)
                .sum::<f32>();
        1.0 / (1.0 + (-z).exp())
    }
}

/// ROC AUC of scores for positives against negatives (ties count half); `None` without both.
pub fn auc(scored: &[(f64, bool)]) -> Option<f64> {
    let mut v: Vec<(f64, bool)> = scored.to_vec();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let positives = v.iter().filter(|e| e.1).count() as f64;
    let negatives = v.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return None;
    }
    // Sum of ranks of positives, with average ranks for ties.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < v.len() {
        let mut j = i;
        while j < v.len() && v[j].0 == v[i].0 {
            j += 1;
        }
        let average_rank = (i + 1 + j) as f64 / 2.0;
        rank_sum += v[i..j].iter().filter(|e| e.1).count() as f64 * average_rank;
        i = j;
    }
    Some((rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_short_and_found() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOP_WORDS.iter().all(|w| w.len() <= 9), "the length check");
        assert!(STOP_WORDS.iter().all(|w| is_stop_word(w)));
        assert!(!is_stop_word("npu") && !is_stop_word("throughout"));
    }

    #[test]
    fn one_pass_fit_equals_two_passes() {
        let paper = |id: &str, t: &str| Paper {
            id: crate::model::ArxivId::parse(id).unwrap(),
            version: 1,
            title: t.into(),
            authors: vec![],
            summary: "NPU inference on phones; NPU memory.".into(),
            categories: vec![],
            primary_category: String::new(),
            published: "2025-01-01T00:00:00Z".parse().unwrap(),
            updated: "2025-01-01T00:00:00Z".parse().unwrap(),
            comment: None,
            journal_ref: None,
            doi: None,
        };
        let papers = [
            paper("2501.00001", "Mobile NPUs"),
            paper("2501.00002", "Edge LLMs"),
        ];
        let refs: Vec<&Paper> = papers.iter().collect();
        let (model, vectors) = Model::fit_with_vectors(&refs);
        let two = Model::fit(&refs, |p| p);
        for (p, v) in refs.iter().zip(&vectors) {
            assert_eq!(&two.vector(p), v);
            assert_eq!(&model.vector(p), v);
        }
        // Fitted in slices on several threads: the same ids, counts and vectors as one pass.
        let titles = [
            "Mobile NPUs",
            "Edge LLMs",
            "Quantized LLMs on phones",
            "Speculative decoding",
            "NPU kernels",
            "Edge vision",
            "Phones and watches",
        ];
        let many: Vec<Paper> = titles
            .iter()
            .enumerate()
            .map(|(i, t)| paper(&format!("2501.{:05}", i + 1), t))
            .collect();
        let refs: Vec<&Paper> = many.iter().collect();
        let whole = Model::fit_in_order(refs.iter().copied());
        for slice in [1, 2, 3, 7] {
            let sliced = Model::fit_sliced(&refs, |p| p, slice);
            assert_eq!(sliced.terms, whole.terms, "slices of {slice}");
            assert_eq!(sliced.df, whole.df, "slices of {slice}");
            assert_eq!(sliced.docs, whole.docs);
            for p in &refs {
                assert_eq!(sliced.vector(p), whole.vector(p));
            }
        }
    }

    #[test]
    fn auc_counts_pairs_and_ties() {
        assert_eq!(auc(&[(0.9, true), (0.1, false)]), Some(1.0));
        assert_eq!(auc(&[(0.1, true), (0.9, false)]), Some(0.0));
        assert_eq!(auc(&[(0.5, true), (0.5, false)]), Some(0.5));
        assert_eq!(
            auc(&[(0.9, true), (0.4, false), (0.5, true), (0.6, false)]),
            Some(0.75)
        );
        assert_eq!(auc(&[(0.9, true)]), None);
    }

    #[test]
    fn analyzer_stems_and_drops_stop_words() {
        let a = Analyzer::snowball();
        assert_eq!(a.terms("The accelerators of an NPU"), ["acceler", "npu"]);
        assert_eq!(
            a.terms("Accelerating mobile inference"),
            ["acceler", "mobil", "infer"]
        );
        let light = Analyzer::default();
        assert_eq!(
            light.terms("The accelerators of NPUs"),
            ["accelerator", "npu"]
        );
        assert_eq!(
            light.terms("Accelerating mobility"),
            ["accelerating", "mobility"]
        );
        assert_eq!(
            light.terms("policies class analysis LLMs"),
            ["policy", "class", "analysis", "llm"]
        );
        assert_eq!(light.terms("GPUs corpus bus"), ["gpu", "corpus", "bus"]);
    }

    #[test]
    fn logistic_separates_a_simple_set() {
        let pos: Sparse = vec![(0, 1.0)];
        let neg: Sparse = vec![(1, 1.0)];
        let model = Logistic::train(&[(&pos, true), (&pos, true), (&neg, false)]);
        assert!(model.probability(&pos) > 0.8);
        assert!(model.probability(&neg) < 0.2);
    }

    #[test]
    fn cosine_of_sparse_vectors() {
        let mut a: Sparse = vec![(0, 3.0), (2, 4.0)];
        normalize(&mut a);
        assert!((dot(&a, &a) - 1.0).abs() < 1e-6);
        assert_eq!(dot(&a, &vec![(1, 1.0)]), 0.0);
        let c = combine(&[(1.0, &vec![(0, 1.0)]), (1.0, &vec![(1, 1.0)])]);
        assert!((c[0].1 - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
    }
}
