//! Strict local matching: a topic's own query (arXiv syntax) evaluated on the paper's text with
//! whole words, phrases as phrases, case-insensitive, and no stemming unless a term asks for it
//! with a wildcard (`accelerat*`). arXiv's own search stems (`mobile` finds "mobility"); this is
//! the check that takes such papers back out.
//!
//! Supported syntax: `field:term`, `field:"a phrase"`, `field:(a b)`, bare terms and phrases,
//! `AND`, `OR`, `ANDNOT`, parentheses, adjacency as `OR` (as arXiv does), `*`/`?` wildcards.
//! Fields: `ti` title, `abs` abstract, `all` title and abstract, `co` comment, `cat` categories
//! (`cs.*`), `au` authors, `jr` journal reference; `rn` and `id` are accepted and always match.

mod ast;
mod doc;
mod parse;

pub use ast::{Expr, Field, QueryError};
pub use doc::{Doc, Stemmed, glob, words};
use parse::term;
pub use rust_stemmers::{Algorithm, Stemmer};

impl Expr {
    /// Parses a query in arXiv syntax.
    pub fn parse(query: &str) -> Result<Expr, QueryError> {
        parse::parse(query)
    }

    /// An `exclude` or keyword entry: a phrase, unless it uses query syntax (a field prefix,
    /// quotes, parentheses or an operator), in which case it is parsed as a query.
    pub fn phrase_or_query(entry: &str) -> Result<Expr, QueryError> {
        let syntax = entry.contains([':', '"', '(', ')'])
            || entry
                .split_whitespace()
                .any(|w| matches!(w, "AND" | "OR" | "ANDNOT"));
        if syntax {
            return Expr::parse(entry);
        }
        match term(Field::All, entry) {
            Expr::Term { words, .. } if words.is_empty() => Err(QueryError {
                query: entry.to_string(),
                position: 1,
                message: "no words".into(),
            }),
            t => Ok(t),
        }
    }

    /// A keyword list as a query: any keyword, each a phrase in title or abstract.
    pub fn any_of(keywords: &[String]) -> Option<Expr> {
        keywords
            .iter()
            .map(|k| term(Field::All, k))
            .filter(|t| matches!(t, Expr::Term { words, .. } if !words.is_empty()))
            .reduce(|a, b| Expr::Or(Box::new(a), Box::new(b)))
    }

    /// Whether the document satisfies the query.
    pub fn matches(&self, doc: &Doc) -> bool {
        match self {
            Expr::Term { field, words, .. } => doc.has(*field, words),
            Expr::And(a, b) => a.matches(doc) && b.matches(doc),
            Expr::Or(a, b) => a.matches(doc) || b.matches(doc),
            Expr::AndNot(a, b) => a.matches(doc) && !b.matches(doc),
        }
    }

    /// Whether arXiv's engine could have returned the document for this query, as users
    /// observed it (`../shared/docs/arxiv-api.md` §1.2): words stemmed, a phrase's words adjacent
    /// and in order (each still stemmed), a hyphen a space, wildcards on whole words; authors
    /// and categories as [`Expr::matches`] reads them. Looser than `matches` on words (stems),
    /// as strict on phrases: it routes the results of a combined query to exactly the topics
    /// whose own query would have returned them.
    pub fn matches_like_arxiv(&self, doc: &Doc, stemmed: &Stemmed, stemmer: &Stemmer) -> bool {
        match self {
            Expr::Term { field, words, .. } => match field {
                Field::Category | Field::Author | Field::Unchecked => doc.has(*field, words),
                _ => {
                    let stems: Vec<String> =
                        words.iter().map(|w| stemmer.stem(w).into_owned()).collect();
                    stemmed.has(doc, *field, words, &stems)
                }
            },
            Expr::And(a, b) => {
                a.matches_like_arxiv(doc, stemmed, stemmer)
                    && b.matches_like_arxiv(doc, stemmed, stemmer)
            }
            Expr::Or(a, b) => {
                a.matches_like_arxiv(doc, stemmed, stemmer)
                    || b.matches_like_arxiv(doc, stemmed, stemmer)
            }
            Expr::AndNot(a, b) => {
                a.matches_like_arxiv(doc, stemmed, stemmer)
                    && !b.matches_like_arxiv(doc, stemmed, stemmer)
            }
        }
    }

    /// The terms (as written) of the query that occur in the document, excluding the
    /// negated side of `ANDNOT`.
    pub fn matched_terms(&self, doc: &Doc) -> Vec<String> {
        let mut out = Vec::new();
        self.collect(&mut |field, words, text| {
            if doc.has(field, words) && !out.iter().any(|t| t == text) {
                out.push(text.to_string());
            }
        });
        out
    }

    /// Every positive term's words (not under the right side of `ANDNOT`, not categories).
    pub fn positive_terms(&self) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        self.collect(&mut |field, words, _| {
            if !matches!(field, Field::Category | Field::Author | Field::Unchecked) {
                out.push(words.to_vec());
            }
        });
        out
    }

    /// The categories the query asks for (`cat:` terms, as written; not under the right side
    /// of `ANDNOT`).
    pub fn categories(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        self.collect(&mut |field, _, text| {
            let text = text.trim().to_string();
            if field == Field::Category && !out.contains(&text) {
                out.push(text);
            }
        });
        out
    }

    fn collect(&self, f: &mut impl FnMut(Field, &[String], &str)) {
        match self {
            Expr::Term { field, words, text } => f(*field, words, text),
            Expr::And(a, b) | Expr::Or(a, b) => {
                a.collect(f);
                b.collect(f);
            }
            Expr::AndNot(a, _) => a.collect(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ArxivId, Paper};

    /// A paper's words; the paper lives as long as the test (leaked).
    fn doc(title: &str, summary: &str) -> Doc<'static> {
        Doc::new(Box::leak(Box::new(Paper {
            id: ArxivId::parse("2501.00001").unwrap(),
            version: 1,
            title: title.into(),
            authors: vec!["Jane Doe".into()],
            summary: summary.into(),
            categories: vec!["cs.CL".into(), "cs.AI".into()],
            primary_category: "cs.CL".into(),
            published: "2025-01-01T00:00:00Z".parse().unwrap(),
            updated: "2025-01-01T00:00:00Z".parse().unwrap(),
            comment: Some("Code: github".into()),
            journal_ref: None,
            doi: None,
        })))
    }

    fn q(s: &str) -> Expr {
        Expr::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn like_arxiv_stems_and_reads_phrases_as_adjacent_words() {
        let stemmer = Stemmer::create(Algorithm::English);
        let d = doc(
            "Urban Air Mobility with LLMs",
            "Models of language, running on phones.",
        );
        let s = Stemmed::new(&d, &stemmer);
        let arxiv = |query: &str| q(query).matches_like_arxiv(&d, &s, &stemmer);
        assert!(arxiv("all:model"), "Models stems to model");
        assert!(arxiv("all:phone"), "phones stems to phone");
        assert!(
            !arxiv(r#"all:"language models""#),
            "a phrase's words are adjacent and in order"
        );
        assert!(
            arxiv(r#"all:"model of languages""#),
            "each word of a phrase is stemmed"
        );
        assert!(arxiv(r#"abs:"running on phone""#));
        assert!(
            arxiv(r#"ti:"urban air mobil*""#),
            "a wildcard inside a phrase"
        );
        assert!(
            !arxiv(r#"all:"llms models""#),
            "a phrase does not span title and abstract"
        );
        assert!(!arxiv(r#"all:"language vision""#), "every word of a phrase");
        assert!(arxiv("ti:mobil*"), "wildcards");
        assert!(!arxiv("ti:phone"), "fields stay fields");
        assert!(arxiv("cat:cs.CL AND abs:running"));
        assert!(!arxiv("all:phone ANDNOT all:urban"));
        assert!(
            !q("all:phone").matches(&d),
            "the strict matcher does not stem"
        );
    }

    #[test]
    fn whole_words_no_stemming() {
        let mobility = doc(
            "Urban Air Mobility with LLMs",
            "We plan mobility-on-demand.",
        );
        assert!(!q("mobile").matches(&mobility), "mobile is not mobility");
        assert!(q("mobil*").matches(&mobility), "a wildcard asks for it");
        assert!(!q("LLM").matches(&mobility), "LLM is not LLMs");
        assert!(q("LLM*").matches(&mobility));
    }

    #[test]
    fn phrases_are_phrases_and_hyphens_are_spaces() {
        let d = doc("Fast On-device Large Language Model Inference", "x");
        assert!(q(r#""large language model""#).matches(&d));
        assert!(q(r#""on device""#).matches(&d));
        assert!(q(r#"ti:"on-device""#).matches(&d));
        assert!(!q(r#""language large""#).matches(&d));
        assert!(!q(r#"abs:"on-device""#).matches(&d));
    }

    #[test]
    fn boolean_structure_fields_and_categories() {
        let d = doc("NPU offloading for LLM inference", "We use a smartphone.");
        assert!(q("abs:smartphone AND ti:(NPU GPU)").matches(&d));
        assert!(!q("ti:smartphone").matches(&d));
        assert!(q("ti:NPU ANDNOT ti:GPU").matches(&d));
        assert!(!q("ti:NPU ANDNOT abs:smartphone").matches(&d));
        assert!(q("cat:cs.* AND au:doe").matches(&d));
        assert!(!q("cat:math.*").matches(&d));
        assert!(q("ti:GPU OR ti:NPU AND abs:smartphone").matches(&d));
        assert!(q("co:github").matches(&d));
        assert_eq!(
            q("(ti:NPU OR ti:TPU) AND abs:smartphone ANDNOT ti:GPU").matched_terms(&d),
            ["NPU", "smartphone"]
        );
    }

    #[test]
    fn plain_entries_are_phrases() {
        let d = doc(
            "A particle accelerator beam study",
            "An accelerator for LLMs.",
        );
        let phrase = Expr::phrase_or_query("particle accelerator").unwrap();
        assert!(phrase.matches(&d));
        let other = doc("An accelerator for LLMs", "Hardware.");
        assert!(
            !phrase.matches(&other),
            "one word of the phrase is not enough"
        );
        assert!(
            Expr::phrase_or_query("ti:beam OR ti:LLMs")
                .unwrap()
                .matches(&other)
        );
        assert!(Expr::phrase_or_query(" - ").is_err());
    }

    #[test]
    fn parse_errors_point_at_the_problem() {
        let e = Expr::parse("(ti:a OR b").unwrap_err();
        assert_eq!(e.message, "unbalanced parenthesis");
        let e = Expr::parse("ti:a AND").unwrap_err();
        assert_eq!(e.message, "a term is missing");
        let e = Expr::parse("foo:bar").unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.position),
            ("unknown field `foo:`", 1)
        );
        assert!(Expr::parse("\"open").is_err());
        assert!(Expr::parse("a)").is_err());
        assert!(Expr::parse("  ").is_err());
    }

    #[test]
    fn globs() {
        assert!(glob("accelerat*", "accelerating"));
        assert!(glob("accelerat*", "accelerat"));
        assert!(!glob("accelerat*", "accelera"));
        assert!(glob("l?m", "llm"));
        assert!(glob("*", ""));
        assert!(!glob("npu", "npus"));
    }
}
