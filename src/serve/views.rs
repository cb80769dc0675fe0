//! The inbox's reading pages: what each one reads from the database, handed to [`super::pages`].

use std::collections::{HashMap, HashSet};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::pages::{self, Card, Group, PaperPage};
use super::state::{Inbox, Shared, blocking};
use jiff::Timestamp;

use crate::config::Settings;
use crate::model::{ArxivId, Paper};
use crate::store::{SearchFilter, ShownRow, Store};
use crate::tracker::{self, open_store};

/// Papers per topic on the unread page, and per page on a topic's.
pub(super) const PER_PAGE: usize = 50;

/// What the cards of a page need besides the papers: code links, summaries, stars, labels.
struct Extras {
    answers: HashMap<ArxivId, (Option<String>, jiff::Timestamp)>,
    summaries: tracker::Summaries,
    stars: HashSet<ArxivId>,
    /// `(topic, paper) → relevant`.
    labels: HashMap<(String, ArxivId), bool>,
}

impl Extras {
    fn read(settings: &Settings, store: &Store) -> anyhow::Result<Extras> {
        Ok(Extras {
            answers: store.hf_answers()?,
            summaries: tracker::summaries(settings, store)?,
            stars: store.stars()?.into_iter().map(|(id, _)| id).collect(),
            labels: store
                .all_labels()?
                .into_iter()
                .map(|(topic, id, relevant, _)| ((topic, id), relevant))
                .collect(),
        })
    }

    /// The card of `paper` with its buttons speaking for `topic`.
    fn card<'a>(
        &'a self,
        paper: &'a Paper,
        topic: Option<&'a str>,
        score: Option<f64>,
        code: &'a HashMap<ArxivId, String>,
    ) -> Card<'a> {
        Card {
            paper,
            topic,
            score,
            code: code.get(&paper.id).map(String::as_str),
            tldr: self.summaries.get(&paper.id).map(String::as_str),
            starred: self.stars.contains(&paper.id),
            label: topic.and_then(|t| self.labels.get(&(t.to_string(), paper.id.clone())).copied()),
        }
    }
}

/// The papers of `ids` by id, and their code links.
fn papers_of(
    settings: &Settings,
    store: &Store,
    extras: &Extras,
    ids: &[ArxivId],
) -> anyhow::Result<(HashMap<ArxivId, Paper>, HashMap<ArxivId, String>)> {
    let papers: HashMap<ArxivId, Paper> = store
        .papers_by_ids(ids)?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let code = papers
        .values()
        .filter_map(|p| {
            Some((
                p.id.clone(),
                tracker::code_link(settings, p, &extras.answers)?,
            ))
        })
        .collect();
    Ok((papers, code))
}

fn html(page: String) -> Response {
    Html(page).into_response()
}

/// `GET /`: the unread queue ([`unread_page`]).
pub(super) async fn unread(State(inbox): State<Shared>) -> Response {
    blocking(&inbox, |inbox| {
        let store = open_store(&inbox.settings, false)?;
        Ok(html(unread_page(
            &inbox.settings,
            &store,
            inbox.now(),
            &inbox.token,
        )?))
    })
    .await
}

/// The inbox's first page: per topic (config order), the shown papers that joined it in the
/// last `[serve] unread_days` before `now` and are not marked read, best first.
pub fn unread_page(
    settings: &Settings,
    store: &Store,
    now: Timestamp,
    token: &str,
) -> anyhow::Result<String> {
    let days = settings.serve.unread_days;
    let since = now.checked_sub(jiff::SignedDuration::from_hours(24 * i64::from(days)))?;
    let rows = store.unread(&since.to_string())?;
    let mut by_topic: HashMap<&str, Vec<&ShownRow>> = HashMap::new();
    for r in &rows {
        by_topic.entry(r.topic.as_str()).or_default().push(r);
    }
    let ids: Vec<ArxivId> = by_topic
        .values()
        .flat_map(|v| v.iter().take(PER_PAGE).map(|r| r.id.clone()))
        .collect();
    let extras = Extras::read(settings, store)?;
    let (papers, code) = papers_of(settings, store, &extras, &ids)?;
    let groups: Vec<Group> = settings
        .topics
        .iter()
        .map(|t| {
            let rows = by_topic.get(t.name.as_str()).map_or(&[][..], Vec::as_slice);
            Group {
                topic: &t.name,
                total: rows.len(),
                cards: rows
                    .iter()
                    .take(PER_PAGE)
                    .filter_map(|r| {
                        let p = papers.get(&r.id)?;
                        Some(extras.card(p, Some(&t.name), r.score, &code))
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(pages::inbox(&groups, days, token))
}

/// `/topic` query.
#[derive(Deserialize)]
pub(super) struct TopicQuery {
    name: String,
    page: Option<usize>,
}

/// `GET /topic?name=T&page=N`: the topic's shown papers, best first.
pub(super) async fn topic(State(inbox): State<Shared>, Query(q): Query<TopicQuery>) -> Response {
    blocking(&inbox, move |inbox| {
        let Some(topic) = inbox.settings.topics.iter().find(|t| t.name == q.name) else {
            return Ok(not_found(inbox, &format!("no topic named {:?}", q.name)));
        };
        let page = q.page.unwrap_or(1).max(1);
        let store = open_store(&inbox.settings, false)?;
        let total = store.topic_counts()?.get(&topic.name).map_or(0, |c| c.0);
        let rows = store.topic_rows(&topic.name, PER_PAGE, (page - 1) * PER_PAGE)?;
        let ids: Vec<ArxivId> = rows.iter().map(|r| r.id.clone()).collect();
        let extras = Extras::read(&inbox.settings, &store)?;
        let (papers, code) = papers_of(&inbox.settings, &store, &extras, &ids)?;
        let group = Group {
            topic: &topic.name,
            total,
            cards: rows
                .iter()
                .filter_map(|r| {
                    Some(extras.card(papers.get(&r.id)?, Some(&topic.name), r.score, &code))
                })
                .collect(),
        };
        Ok(html(pages::topic(&group, page, PER_PAGE, &inbox.token)))
    })
    .await
}

fn not_found(inbox: &Inbox, text: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(pages::message("Not found", text, &inbox.token)),
    )
        .into_response()
}

/// `/paper/ID` query: the verdict a digest's link asks to confirm.
#[derive(Deserialize)]
pub(super) struct PaperQuery {
    topic: Option<String>,
    verdict: Option<String>,
}

/// `GET /paper/ID[?topic=T&verdict=relevant|irrelevant]`: the paper, why each topic shows or
/// hides it, the papers most like it; with a verdict, a button that confirms it.
pub(super) async fn paper(
    State(inbox): State<Shared>,
    Path(id): Path<String>,
    Query(q): Query<PaperQuery>,
) -> Response {
    blocking(&inbox, move |inbox| {
        let Ok((id, _)) = ArxivId::parse_versioned(&id) else {
            return Ok(not_found(inbox, &format!("{id:?} is not an arXiv id")));
        };
        let store = open_store(&inbox.settings, false)?;
        let Some(stored) = store.stored_paper(&id)? else {
            return Ok(not_found(
                inbox,
                &format!("paper {id} is not in the database"),
            ));
        };
        let settings = &inbox.settings;
        let topics: Vec<usize> = (0..settings.topics.len())
            .filter(|&i| {
                stored
                    .topics
                    .iter()
                    .any(|m| m.name == settings.topics[i].name)
            })
            .collect();
        let explanation = tracker::explain(settings, &store, &stored, &topics)?;
        let all = store.all_papers()?;
        let refs: Vec<&Paper> = all.iter().map(|s| &s.paper).collect();
        let similar = crate::relevance::similar::similar(&id, &refs, 5).unwrap_or_default();
        let extras = Extras::read(&inbox.settings, &store)?;
        let asked = q
            .topic
            .as_deref()
            .and_then(|t| settings.topics.iter().find(|c| c.name == t))
            .map(|t| t.name.as_str());
        let first_shown = stored
            .topics
            .iter()
            .find(|m| m.shown)
            .map(|m| m.name.as_str());
        let topic = asked
            .or(first_shown)
            .or(settings.topics.first().map(|t| t.name.as_str()));
        let score = topic.and_then(|t| stored.topics.iter().find(|m| m.name == t)?.score);
        let code: HashMap<ArxivId, String> =
            tracker::code_link(settings, &stored.paper, &extras.answers)
                .map(|c| (id.clone(), c))
                .into_iter()
                .collect();
        let view = PaperPage {
            card: extras.card(&stored.paper, topic, score, &code),
            topics: explanation
                .decisions
                .into_iter()
                .map(|(t, d)| {
                    let name = settings.topics[t].name.as_str();
                    let label = extras.labels.get(&(name.to_string(), id.clone())).copied();
                    (name, d, label)
                })
                .collect(),
            top_terms: &explanation.top_terms,
            similar,
            confirm: asked
                .zip(
                    q.verdict
                        .as_deref()
                        .and_then(crate::feedback::parse_verdict),
                )
                .map(|(t, v)| (t, v == crate::feedback::Verdict::Relevant)),
        };
        Ok(html(pages::paper(&view, &inbox.token)))
    })
    .await
}

/// `/search` query.
#[derive(Deserialize)]
pub(super) struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// `GET /search?q=…`: the full-text search, best first (the syntax of `paperwatch search`).
pub(super) async fn search(State(inbox): State<Shared>, Query(q): Query<SearchQuery>) -> Response {
    blocking(&inbox, move |inbox| {
        let store = open_store(&inbox.settings, false)?;
        let query = q.q.trim();
        if query.is_empty() {
            return Ok(html(pages::search("", &[], None, &inbox.token)));
        }
        let filter = SearchFilter {
            limit: PER_PAGE,
            marks: pages::MARKS,
            ..SearchFilter::default()
        };
        let hits = match store.search(query, &filter) {
            Ok(found) => found.hits,
            Err(crate::store::Error::Query { message, .. }) => {
                let text = format!(
                    "cannot read the query ({message}); put phrases and words with punctuation in double quotes"
                );
                return Ok((
                    StatusCode::BAD_REQUEST,
                    Html(pages::search(query, &[], Some(&text), &inbox.token)),
                )
                    .into_response());
            }
            Err(e) => return Err(e.into()),
        };
        let extras = Extras::read(&inbox.settings, &store)?;
        let ids: Vec<ArxivId> = hits.iter().map(|h| h.paper.id.clone()).collect();
        let (_, code) = papers_of(&inbox.settings, &store, &extras, &ids)?;
        let first_shown: HashMap<ArxivId, String> = ids
            .iter()
            .filter_map(|id| {
                let s = store.stored_paper(id).ok()??;
                let m = s.topics.into_iter().find(|m| m.shown)?;
                Some((id.clone(), m.name))
            })
            .collect();
        let rows: Vec<(Card, String, String)> = hits
            .iter()
            .map(|h| {
                let topic = first_shown.get(&h.paper.id).map(String::as_str);
                (
                    extras.card(&h.paper, topic, None, &code),
                    h.title.clone(),
                    h.snippet.clone(),
                )
            })
            .collect();
        Ok(html(pages::search(query, &rows, None, &inbox.token)))
    })
    .await
}

/// `GET /starred`: the starred papers, newest star first.
pub(super) async fn starred(State(inbox): State<Shared>) -> Response {
    blocking(&inbox, |inbox| {
        let store = open_store(&inbox.settings, false)?;
        let stars = store.stars()?;
        let ids: Vec<ArxivId> = stars.iter().map(|(id, _)| id.clone()).collect();
        let extras = Extras::read(&inbox.settings, &store)?;
        let (papers, code) = papers_of(&inbox.settings, &store, &extras, &ids)?;
        let cards: Vec<Card> = ids
            .iter()
            .filter_map(|id| Some(extras.card(papers.get(id)?, None, None, &code)))
            .collect();
        Ok(html(pages::starred(&cards, &inbox.token)))
    })
    .await
}
