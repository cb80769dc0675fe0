//! A paper's text split into words for matching, and the glob used for categories.

use std::cell::OnceCell;

use rust_stemmers::Stemmer;

use super::ast::Field;
use crate::model::Paper;

/// Lower-cased words of a text: runs of letters and digits.
pub fn words(text: &str) -> Vec<String> {
    pieces(text).map(str::to_lowercase).collect()
}

/// The words of `text` as they stand: runs of letters and digits.
fn pieces(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// One field's words, lower-cased into one buffer, with a sorted (hash, position) index so a
/// term is a binary search rather than a scan. Built for every paper of a bulk import, so it
/// allocates three buffers per field, not one string per word.
#[derive(Debug, Clone, Default)]
struct Words {
    text: String,
    /// `(start, end)` of each word in `text`.
    spans: Vec<(u32, u32)>,
    /// `(hash of the word, position)`, sorted.
    index: Vec<(u64, u32)>,
}

/// FNV-1a: words are short and the index is rebuilt per paper, so a cheap hash wins.
fn word_hash(word: &str) -> u64 {
    crate::text::fnv1a(word.as_bytes())
}

impl Words {
    /// Splits `parts` into lower-cased words (the same words as [`words`]).
    fn new<'a>(parts: impl IntoIterator<Item = &'a str>) -> Words {
        let mut text = String::new();
        let mut spans = Vec::new();
        for part in parts {
            for w in pieces(part) {
                let start = text.len() as u32;
                if w.is_ascii() {
                    text.extend(w.bytes().map(|b| char::from(b.to_ascii_lowercase())));
                } else {
                    text.push_str(&w.to_lowercase());
                }
                spans.push((start, text.len() as u32));
            }
        }
        let mut index: Vec<(u64, u32)> = spans
            .iter()
            .enumerate()
            .map(|(i, &(s, e))| (word_hash(&text[s as usize..e as usize]), i as u32))
            .collect();
        index.sort_unstable();
        Words { text, spans, index }
    }

    fn word(&self, i: usize) -> &str {
        let (s, e) = self.spans[i];
        &self.text[s as usize..e as usize]
    }

    /// Positions of `word` (exact).
    fn positions<'s>(&'s self, word: &'s str) -> impl Iterator<Item = u32> + 's {
        let h = word_hash(word);
        let from = self.index.partition_point(|&(x, _)| x < h);
        self.index[from..]
            .iter()
            .take_while(move |&&(x, _)| x == h)
            .map(|&(_, p)| p)
            .filter(move |&p| self.word(p as usize) == word)
    }

    /// Whether `pattern` occurs as consecutive words.
    fn contains(&self, pattern: &[String]) -> bool {
        let Some(first) = pattern.first() else {
            return false;
        };
        let rest_matches = |start: u32| {
            let start = start as usize;
            start + pattern.len() <= self.spans.len()
                && pattern[1..]
                    .iter()
                    .enumerate()
                    .all(|(k, p)| glob(p, self.word(start + 1 + k)))
        };
        if first.contains(['*', '?']) {
            (0..self.spans.len() as u32)
                .any(|p| glob(first, self.word(p as usize)) && rest_matches(p))
        } else {
            self.positions(first).any(rest_matches)
        }
    }
}

/// A paper's text, split into words for matching: each field when a query first asks for it
/// (a query on categories alone never splits the abstract), then kept.
#[derive(Debug, Clone)]
pub struct Doc<'p> {
    paper: &'p Paper,
    title: OnceCell<Words>,
    summary: OnceCell<Words>,
    comment: OnceCell<Words>,
    journal_ref: OnceCell<Words>,
    authors: OnceCell<Words>,
    categories: OnceCell<Vec<String>>,
}

impl<'p> Doc<'p> {
    /// A paper's fields, to be split into words as they are asked for.
    pub fn new(paper: &'p Paper) -> Doc<'p> {
        Doc {
            paper,
            title: OnceCell::new(),
            summary: OnceCell::new(),
            comment: OnceCell::new(),
            journal_ref: OnceCell::new(),
            authors: OnceCell::new(),
            categories: OnceCell::new(),
        }
    }

    fn title(&self) -> &Words {
        self.title
            .get_or_init(|| Words::new([self.paper.title.as_str()]))
    }

    fn summary(&self) -> &Words {
        self.summary
            .get_or_init(|| Words::new([self.paper.summary.as_str()]))
    }

    fn comment(&self) -> &Words {
        self.comment
            .get_or_init(|| Words::new(self.paper.comment.as_deref()))
    }

    fn journal_ref(&self) -> &Words {
        self.journal_ref
            .get_or_init(|| Words::new(self.paper.journal_ref.as_deref()))
    }

    fn authors(&self) -> &Words {
        self.authors
            .get_or_init(|| Words::new(self.paper.authors.iter().map(String::as_str)))
    }

    fn categories(&self) -> &[String] {
        self.categories.get_or_init(|| {
            self.paper
                .categories
                .iter()
                .map(|c| c.to_lowercase())
                .collect()
        })
    }

    pub(super) fn has(&self, field: Field, words: &[String]) -> bool {
        if words.is_empty() {
            return false;
        }
        match field {
            Field::Title => self.title().contains(words),
            Field::Abstract => self.summary().contains(words),
            Field::All => self.title().contains(words) || self.summary().contains(words),
            Field::Comment => self.comment().contains(words),
            Field::JournalRef => self.journal_ref().contains(words),
            Field::Author => self.authors().contains(words),
            Field::Category => self.categories().iter().any(|c| glob(&words[0], c)),
            Field::Unchecked => true,
        }
    }
}

/// `*` matches any run (also empty), `?` one character; everything else literally.
pub fn glob(pattern: &str, text: &str) -> bool {
    if !pattern.contains(['*', '?']) {
        return pattern == text;
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// A paper's words Snowball-stemmed, field by field and in order: how arXiv's own search reads
/// it (every word stemmed, case folded, a hyphen a space). Routing a combined query's results
/// asks it whether the topic's query, as arXiv evaluates it, could have returned the paper.
#[derive(Debug, Clone, Default)]
pub struct Stemmed {
    title: Vec<String>,
    summary: Vec<String>,
    comment: Vec<String>,
    journal_ref: Vec<String>,
}

impl Stemmed {
    /// Stems the words of `doc`.
    pub fn new(doc: &Doc, stemmer: &Stemmer) -> Stemmed {
        let stems = |w: &Words| {
            (0..w.spans.len())
                .map(|i| stemmer.stem(w.word(i)).into_owned())
                .collect()
        };
        Stemmed {
            title: stems(doc.title()),
            summary: stems(doc.summary()),
            comment: stems(doc.comment()),
            journal_ref: stems(doc.journal_ref()),
        }
    }

    /// Whether the term's `words` occur in `field` (for `all`, in one of its text fields)
    /// adjacent and in order, as arXiv matches a phrase: each word by its stem (`stems`, one
    /// per word), a wildcard word by its pattern against the word as written.
    pub(super) fn has(&self, doc: &Doc, field: Field, words: &[String], stems: &[String]) -> bool {
        let phrase = |stemmed: &[String], raw: &Words| {
            let n = words.len();
            n > 0
                && stemmed.len() >= n
                && (0..=stemmed.len() - n).any(|start| {
                    (0..n).all(|k| {
                        if words[k].contains(['*', '?']) {
                            glob(&words[k], raw.word(start + k))
                        } else {
                            stemmed[start + k] == stems[k]
                        }
                    })
                })
        };
        match field {
            Field::Title => phrase(&self.title, doc.title()),
            Field::Abstract => phrase(&self.summary, doc.summary()),
            Field::Comment => phrase(&self.comment, doc.comment()),
            Field::JournalRef => phrase(&self.journal_ref, doc.journal_ref()),
            Field::All => {
                phrase(&self.title, doc.title())
                    || phrase(&self.summary, doc.summary())
                    || phrase(&self.comment, doc.comment())
            }
            Field::Category | Field::Author | Field::Unchecked => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::Expr;

    #[test]
    fn fields_are_split_when_a_query_first_asks_for_them() {
        let paper = Paper {
            id: crate::model::ArxivId::parse("2501.00001").unwrap(),
            version: 1,
            title: "Edge LLMs".into(),
            authors: vec!["Jane Doe".into()],
            summary: "Inference on phones.".into(),
            categories: vec!["cs.CL".into()],
            primary_category: "cs.CL".into(),
            published: "2025-01-01T00:00:00Z".parse().unwrap(),
            updated: "2025-01-01T00:00:00Z".parse().unwrap(),
            comment: None,
            journal_ref: None,
            doi: None,
        };
        let doc = Doc::new(&paper);
        assert!(Expr::parse("cat:cs.*").unwrap().matches(&doc));
        assert!(doc.title.get().is_none() && doc.summary.get().is_none());
        assert!(Expr::parse("ti:edge").unwrap().matches(&doc));
        assert!(doc.title.get().is_some() && doc.summary.get().is_none());
        assert!(Expr::parse("phones").unwrap().matches(&doc));
        assert!(doc.summary.get().is_some() && doc.authors.get().is_none());
    }
}
