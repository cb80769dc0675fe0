//! What the inbox's handlers share: the server's state, running database work off the
//! server's thread, and the refusal a handler answers with.

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use jiff::Timestamp;
use serde_json::json;

use super::pages;
use crate::config::Settings;

/// What every request handler sees.
pub(super) struct Inbox {
    /// The configuration, read once at start.
    pub(super) settings: Settings,
    /// The token every change must carry.
    pub(super) token: String,
    /// `Host` values that name this server.
    pub(super) hosts: Vec<String>,
    /// "Now".
    pub(super) clock: fn() -> Timestamp,
}

impl Inbox {
    /// "Now", in whole seconds.
    pub(super) fn now(&self) -> Timestamp {
        (self.clock)()
    }
}

/// The state behind every handler.
pub(super) type Shared = Arc<Inbox>;

/// A header's value as text, when it is.
pub(super) fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// A request refused: its status and why, answered as `{"error": …}`.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(super) struct Refusal {
    status: StatusCode,
    message: String,
}

impl Refusal {
    pub(super) fn new(status: StatusCode, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            message: message.into(),
        }
    }

    /// The answer: JSON, with `Retry-After` when the database was busy.
    pub(super) fn response(&self) -> Response {
        let mut r = (self.status, axum::Json(json!({ "error": self.message }))).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            r.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("60"));
        }
        r
    }
}

/// Runs blocking database work off the server's thread; an error becomes a 500 page naming
/// it (with its causes).
pub(super) async fn blocking<F>(inbox: &Shared, work: F) -> Response
where
    F: FnOnce(&Inbox) -> anyhow::Result<Response> + Send + 'static,
{
    let inbox = inbox.clone();
    match tokio::task::spawn_blocking(move || {
        work(&inbox).unwrap_or_else(|e| {
            if let Some(refusal) = e.downcast_ref::<Refusal>() {
                return refusal.response();
            }
            tracing::warn!("inbox: {e:#}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html(pages::message(
                    "Something went wrong",
                    &format!("{e:#}"),
                    &inbox.token,
                )),
            )
                .into_response()
        })
    })
    .await
    {
        Ok(response) => response,
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}
