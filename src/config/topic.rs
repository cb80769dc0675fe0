//! `[[topic]]` blocks: read with serde (spans kept for errors), then checked one by one.

use std::collections::HashMap;

use serde::Deserialize;
use toml::Spanned;

use super::error::{ConfigError, Ctx, line_col};
use crate::model::ArxivId;
use crate::query::Expr;

/// `[[topic]]` keys: `(name, doc)`.
#[rustfmt::skip]
pub(super) const TOPIC_KEYS: &[(&str, &str)] = &[
    ("name", "The section heading; unique; no `/`, `\\`, `\\|` or control characters."),
    ("keywords", "Terms searched in all fields, joined with ` OR `; multi-word terms are quoted as phrases (`all:NPU OR all:\"large language model\"`)."),
    ("query", "A raw arXiv query (`abs:\"NPU\" AND (ti:LLM OR ti:\"language model\")`); used for the search instead of `keywords` when both are set."),
    ("ids", "Pinned papers (`\"2407.05858\"`, `\"arXiv:2407.05858v2\"`, `\"hep-th/9901001\"`; a version suffix is ignored: the latest version is fetched). Always shown."),
    ("filter", "`true`/`false`: check papers locally against the topic's own `query` (or `keywords`) in title and abstract, whole words, no stemming unless a term has a `*` wildcard. Default: `true` when the topic has `keywords` or a `query`. The query must then be in the syntax the local matcher reads (fields `ti`, `abs`, `all`, `co`, `cat`, `au`, `jr`; `AND`, `OR`, `ANDNOT`, parentheses, quotes, `*`, `?`); a syntax error is a config error."),
    ("exclude", "Terms, phrases or queries that hide a paper (`[\"mobility\", \"ti:survey\"]`)."),
    ("categories", "The paper needs one of these arXiv categories (globs: `\"cs.*\"`)."),
    ("exclude_categories", "A paper with one of these categories is hidden."),
    ("description", "Free text describing the topic, part of its relevance profile."),
    ("exemplars", "arXiv ids that typify the topic, part of its profile (fetched once, cached)."),
    ("authors", "People to follow (`[\"Song Han\", \"Yiran Chen\"]`): their papers are fetched (`au:` queries, OR-ed with the topic's search) and always shown in the topic. A topic may have only `authors`."),
    ("min_score", "0–1: hide papers scoring below."),
    ("sort", "`\"id\"` (default, the seed's order: newest id first) or `\"score\"` (highest first)."),
];

/// One `[[topic]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    /// `name`: the section heading.
    pub name: String,
    /// `keywords`.
    pub keywords: Vec<String>,
    /// `query`.
    pub query: Option<String>,
    /// `ids`: pinned papers.
    pub ids: Vec<ArxivId>,
    /// `filter`: check papers locally against the topic's own terms (default: true when the
    /// topic has keywords or a query).
    pub filter: bool,
    /// `exclude`: terms, phrases or queries that hide a paper.
    pub exclude: Vec<String>,
    /// `categories`: a paper needs one of these (globs like `cs.*`).
    pub categories: Vec<String>,
    /// `exclude_categories`: a paper with one of these is hidden.
    pub exclude_categories: Vec<String>,
    /// `description`: free text for the relevance profile.
    pub description: Option<String>,
    /// `exemplars`: papers that typify the topic (fetched once, cached).
    pub exemplars: Vec<ArxivId>,
    /// `authors`: papers by these people are fetched (`au:`) and always shown.
    pub authors: Vec<String>,
    /// `min_score`: papers scoring below are hidden.
    pub min_score: Option<f64>,
    /// `sort`: README row order.
    pub sort: Sort,
}

/// README row order of a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// By arXiv id, newest first (the seed's order).
    #[default]
    Id,
    /// By relevance score, highest first.
    Score,
}

impl Topic {
    /// The topic's own terms as a local query (its query, else its keywords), whatever
    /// `filter` says: what a bulk import matches papers against. `None` when it has none or the
    /// query is not in the local syntax.
    pub fn match_expr(&self) -> Option<Expr> {
        match &self.query {
            Some(q) => Expr::parse(q).ok(),
            None => Expr::any_of(&self.keywords),
        }
    }

    /// The strict local filter: the query when given, else the keywords OR-ed; `None` when the
    /// topic does not filter.
    pub fn filter_expr(&self) -> Option<Expr> {
        if !self.filter {
            return None;
        }
        match &self.query {
            Some(q) => Expr::parse(q).ok(),
            None => Expr::any_of(&self.keywords),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTopic {
    name: Spanned<String>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    query: Option<Spanned<String>>,
    #[serde(default)]
    ids: Vec<Spanned<String>>,
    #[serde(default)]
    filter: Option<bool>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    exclude_categories: Vec<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    exemplars: Vec<Spanned<String>>,
    #[serde(default)]
    authors: Vec<Spanned<String>>,
    #[serde(default)]
    min_score: Option<Spanned<f64>>,
    #[serde(default)]
    sort: Sort,
}

/// Checks every topic; errors point at the offending value.
pub(super) fn topics(ctx: &Ctx, raw: Vec<RawTopic>) -> Result<Vec<Topic>, ConfigError> {
    if raw.is_empty() {
        return Err(ConfigError::Invalid {
            source_name: ctx.name.to_string(),
            message: "no [[topic]] defined; add at least one (see paperwatch.example.toml)".into(),
        });
    }
    let mut topics: Vec<Topic> = Vec::with_capacity(raw.len());
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for t in raw {
        topics.push(topic(ctx, t, &mut first_line)?);
    }
    Ok(topics)
}

/// Checks one topic; `first_line` holds the line each name was first defined on.
fn topic(
    ctx: &Ctx,
    t: RawTopic,
    first_line: &mut HashMap<String, usize>,
) -> Result<Topic, ConfigError> {
    let at = |span: std::ops::Range<usize>, message: String| ctx.at(span, message);
    let span = t.name.span();
    let topic_name = t.name.into_inner();
    check_name(ctx, &topic_name, span.clone(), first_line)?;
    let keywords: Vec<String> = t
        .keywords
        .into_iter()
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
        .collect();
    let query = match t.query {
        Some(q) if !q.get_ref().trim().is_empty() => {
            let span = q.span();
            let q = q.into_inner();
            // Only a query that is also the local filter has to be in our syntax.
            if let (true, Err(e)) = (t.filter != Some(false), Expr::parse(&q)) {
                return Err(at(
                    span,
                    format!("topic.query in topic {topic_name:?}: {e}"),
                ));
            }
            Some(q)
        }
        _ => None,
    };
    let ids = parse_ids(ctx, t.ids, "ids", &topic_name)?;
    let exemplars = parse_ids(ctx, t.exemplars, "exemplars", &topic_name)?;
    let mut exclude = Vec::with_capacity(t.exclude.len());
    for e in t.exclude {
        let span = e.span();
        if let Err(err) = Expr::phrase_or_query(e.get_ref()) {
            return Err(at(
                span,
                format!("topic.exclude in topic {topic_name:?}: {err}"),
            ));
        }
        exclude.push(e.into_inner());
    }
    let min_score = match t.min_score {
        Some(m) if !(0.0..=1.0).contains(m.get_ref()) => {
            return Err(at(
                m.span(),
                format!("topic.min_score in topic {topic_name:?} must be between 0 and 1"),
            ));
        }
        m => m.map(Spanned::into_inner),
    };
    let authors = check_authors(ctx, &topic_name, t.authors)?;
    if keywords.is_empty() && query.is_none() && ids.is_empty() && authors.is_empty() {
        return Err(at(
            span,
            format!(
                "topic {topic_name:?} needs at least one of `keywords`, `query`, `authors` or `ids`"
            ),
        ));
    }
    let searches = !keywords.is_empty() || query.is_some();
    Ok(Topic {
        name: topic_name,
        filter: t.filter.unwrap_or(searches),
        keywords,
        query,
        ids,
        exclude,
        categories: t.categories,
        exclude_categories: t.exclude_categories,
        description: t.description.filter(|d| !d.trim().is_empty()),
        exemplars,
        authors,
        min_score,
        sort: t.sort,
    })
}

/// `ids` or `exemplars`: arXiv ids in any form, each once (a version suffix is dropped).
fn parse_ids(
    ctx: &Ctx,
    list: Vec<Spanned<String>>,
    key: &str,
    topic_name: &str,
) -> Result<Vec<ArxivId>, ConfigError> {
    let mut ids: Vec<ArxivId> = Vec::with_capacity(list.len());
    for id in list {
        let span = id.span();
        match ArxivId::parse_versioned(id.get_ref()) {
            Ok((parsed, _version)) => {
                if !ids.contains(&parsed) {
                    ids.push(parsed);
                }
            }
            Err(e) => {
                return Err(ctx.at(span, format!("topic.{key} in topic {topic_name:?}: {e}")));
            }
        }
    }
    Ok(ids)
}

/// `authors`: whitespace collapsed, each once; no characters that would break the `au:` query.
fn check_authors(
    ctx: &Ctx,
    topic_name: &str,
    list: Vec<Spanned<String>>,
) -> Result<Vec<String>, ConfigError> {
    let mut authors: Vec<String> = Vec::with_capacity(list.len());
    for a in list {
        let name = a.get_ref().split_whitespace().collect::<Vec<_>>().join(" ");
        let bad = name.is_empty()
            || name.contains(['"', '(', ')', ':'])
            || name.chars().any(char::is_control);
        if bad {
            return Err(ctx.at(
                a.span(),
                format!(
                    "topic.authors in topic {topic_name:?}: {:?} is not a name (no quotes, parentheses, colons or control characters)",
                    a.get_ref()
                ),
            ));
        }
        if !authors.contains(&name) {
            authors.push(name);
        }
    }
    Ok(authors)
}

/// A topic's name: trimmed, no path or table characters, unique (`first_line` remembers where
/// each name was first defined).
fn check_name(
    ctx: &Ctx,
    name: &str,
    span: std::ops::Range<usize>,
    first_line: &mut HashMap<String, usize>,
) -> Result<(), ConfigError> {
    let trimmed = name.trim();
    if trimmed.is_empty() || trimmed != name {
        return Err(ctx.at(
            span,
            format!("topic.name {name:?} must be non-empty without surrounding spaces"),
        ));
    }
    if name.chars().any(|c| {
        c.is_control() || crate::model::is_unwanted_char(c) || matches!(c, '/' | '\\' | '|')
    }) {
        return Err(ctx.at(
            span,
            format!(
                "topic.name {name:?} must not contain `/`, `\\`, `|`, control characters or non-characters"
            ),
        ));
    }
    if let Some(line) = first_line.get(name) {
        return Err(ctx.at(
            span,
            format!("topic.name: duplicate topic {name:?} (first defined on line {line})"),
        ));
    }
    first_line.insert(name.to_string(), line_col(ctx.text, span.start).0);
    Ok(())
}
