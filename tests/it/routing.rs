//! One reading of a query: the papers of a combined query are routed locally to topics with
//! [`Expr::matches_like_arxiv`]; arXiv's search (the mock's reading, written from arXiv's
//! documented behaviour in `common::arxiv_query`, not from paperwatch's parser) decides what
//! each topic's own query returns. For generated queries and papers, with the words that trip
//! readers up (stems, plurals, hyphens, phrases in and out of order, wildcards), routing gives
//! exactly the topics whose own query returns the paper.

use paperwatch::model::{ArxivId, Paper};
use paperwatch::query::{Algorithm, Doc, Expr, Stemmed, Stemmer};
use proptest::prelude::*;

use crate::common::arxiv_query::{Text, arxiv_matches};

const WORDS: &[&str] = &[
    "model",
    "models",
    "modeling",
    "language",
    "languages",
    "large",
    "on",
    "device",
    "devices",
    "edge",
    "mobile",
    "mobility",
    "inference",
    "inferring",
    "llm",
    "llms",
    "npu",
    "npus",
    "run",
    "running",
    "quantization",
    "quantized",
    "efficient",
    "efficiency",
    "of",
    "the",
    "phone",
    "phones",
    "serving",
];

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(WORDS).prop_map(str::to_string)
}

/// A title or abstract: words joined by spaces, hyphens, commas.
fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            word(),
            prop::sample::select(vec![" ", " ", "-", ", ", ". "]),
        ),
        1..max,
    )
    .prop_map(|parts| parts.into_iter().map(|(w, s)| format!("{w}{s}")).collect())
}

/// One term: a word, a phrase, a wildcard or a category, in a field.
fn term() -> impl Strategy<Value = String> {
    let field = prop::sample::select(vec!["ti", "abs", "all"]);
    prop_oneof![
        3 => (field.clone(), word()).prop_map(|(f, w)| format!("{f}:{w}")),
        3 => (field.clone(), prop::collection::vec(word(), 2..4))
            .prop_map(|(f, ws)| format!("{f}:\"{}\"", ws.join(" "))),
        1 => (field.clone(), word()).prop_map(|(f, w)| format!("{f}:\"on-{w}\"")),
        1 => (field, prop::sample::select(vec!["mobil*", "quant*", "model?", "llm*"]))
            .prop_map(|(f, w)| format!("{f}:{w}")),
        1 => prop::sample::select(vec!["cat:cs.CL", "cat:cs.LG", "cat:cs.*"]).prop_map(str::to_string),
    ]
}

/// A query: terms under AND, OR, ANDNOT and parentheses.
fn query() -> impl Strategy<Value = String> {
    term().prop_recursive(3, 12, 3, |inner| {
        (
            inner.clone(),
            prop::sample::select(vec!["AND", "OR", "ANDNOT"]),
            inner,
        )
            .prop_map(|(a, op, b)| format!("({a} {op} {b})"))
    })
}

fn paper(title: &str, summary: &str) -> Paper {
    Paper {
        id: ArxivId::parse("2501.00001").unwrap(),
        version: 1,
        title: title.to_string(),
        authors: vec!["Seed Author".into()],
        summary: summary.to_string(),
        categories: vec!["cs.CL".into(), "cs.AR".into()],
        primary_category: "cs.CL".into(),
        published: "2025-01-01T00:00:00Z".parse().unwrap(),
        updated: "2025-01-01T00:00:00Z".parse().unwrap(),
        comment: None,
        journal_ref: None,
        doi: None,
    }
}

proptest! {
    #[test]
    fn routing_gives_exactly_the_topics_whose_own_query_returns_the_paper(
        queries in prop::collection::vec(query(), 2..5),
        title in text(8),
        summary in text(24),
    ) {
        let p = paper(&title, &summary);
        let stemmer = Stemmer::create(Algorithm::English);
        let doc = Doc::new(&p);
        let stemmed = Stemmed::new(&doc, &stemmer);
        let categories = p.categories.clone();
        let text = Text { title: &title, summary: &summary, categories: &categories, authors: &p.authors };
        let mut routed = Vec::new();
        let mut returned = Vec::new();
        for (i, q) in queries.iter().enumerate() {
            let expr = Expr::parse(q).unwrap();
            if expr.matches_like_arxiv(&doc, &stemmed, &stemmer) {
                routed.push(i);
            }
            if arxiv_matches(q, &text).expect("the mock reads every generated query") {
                returned.push(i);
            }
        }
        prop_assert_eq!(&routed, &returned, "title {:?} abstract {:?}", title, summary);
        // The combined query returns the paper exactly when some topic's query does.
        let combined: Vec<String> = queries.iter().map(|q| format!("({q})")).collect();
        let any = arxiv_matches(&combined.join(" OR "), &text).unwrap();
        prop_assert_eq!(any, !returned.is_empty());
    }
}

/// The cases the issue measured: a phrase's words apart or out of order are not the phrase.
#[test]
fn a_phrase_is_its_words_adjacent_and_in_order_for_both_readers() {
    let title = "EdgeShard: Efficient LLM Inference via Collaborative Edge Computing";
    let summary = "We study deploying LLMs on edge devices, which are on the device side.";
    let p = paper(title, summary);
    let stemmer = Stemmer::create(Algorithm::English);
    let doc = Doc::new(&p);
    let stemmed = Stemmed::new(&doc, &stemmer);
    let categories = p.categories.clone();
    let text = Text {
        title,
        summary,
        categories: &categories,
        authors: &p.authors,
    };
    for (q, want) in [
        (r#"all:"on-device""#, false),
        (r#"all:"on device""#, false),
        (r#"all:"on edge device""#, true),
        (r#"all:"edge devices""#, true),
        (r#"all:"device edge""#, false),
        (r#"ti:"llm inference""#, true),
        (r#"ti:"inference llm""#, false),
    ] {
        let ours = Expr::parse(q)
            .unwrap()
            .matches_like_arxiv(&doc, &stemmed, &stemmer);
        assert_eq!(ours, want, "paperwatch on {q}");
        assert_eq!(arxiv_matches(q, &text), Some(want), "the mock on {q}");
    }
}
