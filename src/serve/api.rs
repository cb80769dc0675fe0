//! The inbox's state changes: `POST /api/mark` (👍/👎, or clear), `/api/star` (⭐) and
//! `/api/read`. Each reads form-encoded or JSON fields and needs the run's token, in the
//! `X-Paperwatch-Token` header (the pages' script) or a `token` field (a form posted without
//! script); without it: 403. A script gets JSON back; a plain form is sent back to its page.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Value, json};

use super::state::{Inbox, Refusal, Shared, blocking, header_str};
use crate::model::ArxivId;
use crate::store::lock::{self, LockError};
use crate::tracker::{self, Settled, open_store};

/// How long a change waits for a running `update` to release the database.
const LOCK_WAIT: Duration = Duration::from_secs(3);

/// A request's fields, whichever way they came.
struct Fields {
    map: HashMap<String, String>,
    /// Whether the token came in the header: the caller is a script and wants JSON.
    script: bool,
}

impl Fields {
    fn get(&self, key: &str) -> Option<&str> {
        self.map
            .get(key)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }

    /// What to answer `body` (`status`) with: JSON to a script, back to the page to a form.
    fn answer(&self, status: StatusCode, body: Value) -> Response {
        if self.script || !status.is_success() {
            return (status, axum::Json(body)).into_response();
        }
        let back = self
            .get("back")
            .filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\'))
            .unwrap_or("/");
        Redirect::to(back).into_response()
    }
}

/// Reads the fields and checks the token; the refusal to send otherwise.
fn fields(inbox: &Inbox, headers: &HeaderMap, body: &[u8]) -> Result<Fields, Refusal> {
    let json = header_str(headers, header::CONTENT_TYPE)
        .is_some_and(|t| t.trim_start().starts_with("application/json"));
    let map: HashMap<String, String> = if json {
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| Refusal::new(StatusCode::BAD_REQUEST, format!("not JSON: {e}")))?;
        let Value::Object(object) = value else {
            return Err(refuse(StatusCode::BAD_REQUEST, "expected a JSON object"));
        };
        object
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::String(s) => s,
                    Value::Array(items) => items
                        .iter()
                        .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(" "),
                    other => other.to_string(),
                };
                (k, v)
            })
            .collect()
    } else {
        form_urlencoded::parse(body).into_owned().collect()
    };
    let header_token = header_str(
        headers,
        "x-paperwatch-token".parse().expect("a header name"),
    );
    let given = header_token.or_else(|| map.get("token").map(String::as_str));
    if !given.is_some_and(|t| same(t.as_bytes(), inbox.token.as_bytes())) {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            "missing or wrong token: reload the inbox's page (the token changes each time `paperwatch serve` starts)",
        ));
    }
    Ok(Fields {
        script: header_token.is_some(),
        map,
    })
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn refuse(status: StatusCode, message: &str) -> Refusal {
    Refusal::new(status, message)
}

/// The paper a request names, parsed.
fn paper_id(fields: &Fields) -> Result<ArxivId, Refusal> {
    let text = fields
        .get("id")
        .ok_or_else(|| refuse(StatusCode::BAD_REQUEST, "no `id`"))?;
    ArxivId::parse_versioned(text)
        .map(|(id, _)| id)
        .map_err(|e| refuse(StatusCode::BAD_REQUEST, &e.to_string()))
}

/// Takes the run lock briefly; a 503 when an `update` holds it longer.
fn locked(inbox: &Inbox) -> Result<lock::RunLock, Refusal> {
    lock::acquire(&inbox.settings.database.path, LOCK_WAIT, |_| {}).map_err(|e| match e {
        LockError::Busy(_) => refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "a paperwatch run is using the database; nothing was changed: try again in a minute",
        ),
        other => Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, other.to_string()),
    })
}

/// `POST /api/mark`: `id`, `topic`, `label` = `relevant` | `irrelevant` | `clear`. Stores the
/// label, decides the topics again and writes the snapshot (as `paperwatch mark`), marks the
/// paper read; answers whether it is shown now and the topic's label counts.
pub(super) async fn mark(State(inbox): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    blocking(&inbox, move |inbox| {
        let fields = fields(inbox, &headers, &body)?;
        let id = paper_id(&fields)?;
        let Some(topic) = fields
            .get("topic")
            .and_then(|t| inbox.settings.topics.iter().find(|c| c.name == t))
        else {
            return Err(refuse(
                StatusCode::BAD_REQUEST,
                "no configured topic named by `topic`",
            )
            .into());
        };
        let label = match fields.get("label") {
            Some("relevant") => Some(true),
            Some("irrelevant") => Some(false),
            Some("clear") => None,
            _ => {
                return Err(refuse(
                    StatusCode::BAD_REQUEST,
                    "`label` must be relevant, irrelevant or clear",
                )
                .into());
            }
        };
        let _lock = locked(inbox)?;
        let mut store = open_store(&inbox.settings, false)?;
        if store.papers_by_ids(std::slice::from_ref(&id))?.is_empty() {
            return Err(refuse(
                StatusCode::NOT_FOUND,
                &format!("paper {id} is not in the database"),
            )
            .into());
        }
        let now = inbox.now();
        let Settled {
            shown,
            positives,
            negatives,
        } = tracker::label(&inbox.settings, &mut store, &topic.name, &id, label, now)?;
        store.mark_read(std::slice::from_ref(&id), now)?;
        let said = match label {
            Some(true) => "👍 noted",
            Some(false) => "👎 noted",
            None => "label cleared",
        };
        let message = format!(
            "{said}: {} {}; the topic has {positives} 👍 and {negatives} 👎",
            if shown { "shown in" } else { "hidden from" },
            topic.name
        );
        Ok(fields.answer(
            StatusCode::OK,
            json!({
                "id": id.as_str(),
                "topic": topic.name,
                "label": label.map_or("none", |r| if r { "relevant" } else { "irrelevant" }),
                "shown": shown,
                "positives": positives,
                "negatives": negatives,
                "message": message,
            }),
        ))
    })
    .await
}

/// `POST /api/star`: `id`, `starred` = `true` (default) | `false`. Writes the snapshot.
pub(super) async fn star(State(inbox): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    blocking(&inbox, move |inbox| {
        let fields = fields(inbox, &headers, &body)?;
        let id = paper_id(&fields)?;
        let starred = fields.get("starred") != Some("false");
        let _lock = locked(inbox)?;
        let store = open_store(&inbox.settings, false)?;
        if store.papers_by_ids(std::slice::from_ref(&id))?.is_empty() {
            return Err(refuse(
                StatusCode::NOT_FOUND,
                &format!("paper {id} is not in the database"),
            )
            .into());
        }
        tracker::star(&inbox.settings, &store, &id, starred, inbox.now())?;
        let mut message = if starred {
            "⭐ kept to read"
        } else {
            "star removed"
        }
        .to_string();
        if starred {
            // Into Zotero when `[zotero] library` is set; a failure leaves it queued.
            let mut store = store;
            match tracker::push_stars(&inbox.settings, &mut store) {
                Ok(Some(line)) => message = format!("{message}; {line}"),
                Ok(None) => {}
                Err(e) => {
                    message =
                        format!("{message}; not in Zotero yet ({e:#}): the next run tries again");
                }
            }
        }
        Ok(fields.answer(
            StatusCode::OK,
            json!({ "id": id.as_str(), "starred": starred, "message": message }),
        ))
    })
    .await
}

/// `POST /api/read`: `ids` (separated by spaces or commas) or `id`: marks them read.
pub(super) async fn read(State(inbox): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    blocking(&inbox, move |inbox| {
        let fields = fields(inbox, &headers, &body)?;
        let text = [fields.get("ids"), fields.get("id")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let mut ids = Vec::new();
        for word in text.split([' ', ',']).filter(|w| !w.is_empty()) {
            match ArxivId::parse_versioned(word) {
                Ok((id, _)) => ids.push(id),
                Err(e) => return Err(refuse(StatusCode::BAD_REQUEST, &e.to_string()).into()),
            }
        }
        let mut store = open_store(&inbox.settings, false)?;
        let known = store.papers_by_ids(&ids)?;
        let ids: Vec<ArxivId> = known.into_iter().map(|p| p.id).collect();
        store.mark_read(&ids, inbox.now())?;
        Ok(fields.answer(
            StatusCode::OK,
            json!({ "read": ids.len(), "message": format!("{} marked read", ids.len()) }),
        ))
    })
    .await
}
