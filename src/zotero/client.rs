//! The Zotero Web API v3 over HTTPS (ureq): a library's changes since a version, finding an
//! item by `archiveID`, and creating items. The key goes in the `Zotero-API-Key` header, never
//! in a URL, a log line or an error.

use std::cell::Cell;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{arxiv_id, next_link};
use crate::model::ArxivId;

/// Why a request to Zotero failed.
#[derive(Debug, thiserror::Error)]
pub enum ZoteroError {
    /// Zotero answered with an error status.
    #[error("Zotero answered {status} for {what}: {message}")]
    Status {
        /// The HTTP status.
        status: u16,
        /// What was asked (`users/123/items`).
        what: String,
        /// What Zotero said, or what the status means.
        message: String,
    },
    /// No answer (connection, timeout).
    #[error("cannot reach Zotero at {base}: {error}")]
    Transport {
        /// The API's base URL.
        base: String,
        /// What failed.
        error: String,
    },
    /// An answer that is not what the API documents.
    #[error("Zotero's answer for {what} is not the JSON the API documents: {message}")]
    Body {
        /// What was asked.
        what: String,
        /// What was wrong.
        message: String,
    },
}

/// One item of a library, as the examples keep it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Zotero's item key.
    pub key: String,
    /// The item's version.
    pub version: u64,
    /// The arXiv paper it is, if it is one.
    pub id: Option<ArxivId>,
}

/// What changed in a library since a version.
#[derive(Debug, Clone, PartialEq)]
pub enum Changes {
    /// Nothing (Zotero answered 304).
    Unchanged,
    /// The library's version now, the items added or modified, and the keys deleted.
    Changed {
        /// `Last-Modified-Version`.
        version: u64,
        /// Items new or modified since the version asked (every item without one).
        items: Vec<Item>,
        /// Keys of items deleted since the version asked.
        deleted: Vec<String>,
    },
}

/// What a write did with each item of a batch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Written {
    /// Index in the batch → the new item's key.
    pub created: Vec<(usize, String)>,
    /// Index in the batch → why Zotero refused it.
    pub failed: Vec<(usize, String)>,
    /// Zotero had already applied a batch with this write token (a retry after a lost answer).
    pub already: bool,
}

/// A polite client of one API base.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    key: Option<String>,
    /// Zotero's `Backoff`: no request before this.
    not_before: Cell<Option<Instant>>,
    /// The longest wait a `Retry-After` or `Backoff` may impose.
    max_wait: Duration,
}

/// Items per page (the API's most).
const PAGE: usize = 100;
/// Tries of one request that Zotero asks to repeat (429, 503).
const TRIES: usize = 4;

impl Client {
    /// A client of `base` (`https://api.zotero.org`), with `key` when set; waits at most
    /// `max_wait` when asked to.
    pub fn new(base: &str, key: Option<String>, timeout: Duration, max_wait: Duration) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .user_agent(crate::model::user_agent().as_str())
            .build()
            .into();
        Client {
            agent,
            base: base.trim_end_matches('/').to_string(),
            key,
            not_before: Cell::new(None),
            max_wait,
        }
    }

    fn wait_turn(&self) {
        if let Some(at) = self.not_before.take() {
            let now = Instant::now();
            if at > now {
                std::thread::sleep(at - now);
            }
        }
    }

    /// Seconds a header asks for, capped.
    fn seconds(&self, value: Option<&str>) -> Option<Duration> {
        let secs: f64 = value?.trim().parse().ok()?;
        (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs).min(self.max_wait))
    }

    /// Sends one request (repeated when Zotero says 429 or 503 with `Retry-After`); the status,
    /// the headers asked for and the body.
    fn send(
        &self,
        what: &str,
        request: impl Fn() -> Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<ureq::http::Response<ureq::Body>, ZoteroError> {
        let mut tries = 0;
        loop {
            tries += 1;
            self.wait_turn();
            let response = request().map_err(|e| ZoteroError::Transport {
                base: self.base.clone(),
                error: e.to_string(),
            })?;
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            if let Some(wait) = self.seconds(header("Backoff").as_deref()) {
                self.not_before.set(Some(Instant::now() + wait));
            }
            let status = response.status().as_u16();
            if matches!(status, 429 | 503) && tries < TRIES {
                let wait = self
                    .seconds(header("Retry-After").as_deref())
                    .unwrap_or(Duration::from_secs(1).min(self.max_wait));
                tracing::info!("Zotero answered {status} for {what}; waiting {wait:?}");
                std::thread::sleep(wait);
                continue;
            }
            return Ok(response);
        }
    }

    fn get(
        &self,
        url: &str,
        since: Option<u64>,
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        let mut req = self.agent.get(url).header("Zotero-API-Version", "3");
        if let Some(key) = &self.key {
            req = req.header("Zotero-API-Key", key);
        }
        if let Some(v) = since {
            req = req.header("If-Modified-Since-Version", v.to_string());
        }
        req.call()
    }

    /// What an error status means, with Zotero's words.
    fn refused(status: u16, what: &str, body: String) -> ZoteroError {
        let meaning = match status {
            403 => {
                "the key cannot read (or write) this library: check its permissions at zotero.org/settings/keys"
            }
            404 => "no such library or collection",
            _ => "",
        };
        let said = crate::model::first_line(&body, 200);
        ZoteroError::Status {
            status,
            what: what.to_string(),
            message: match (meaning.is_empty(), said.is_empty()) {
                (true, _) => said,
                (false, true) => meaning.to_string(),
                (false, false) => format!("{meaning} ({said})"),
            },
        }
    }

    /// The changes of `library` (`users/123`), or of one of its collections, since `since`
    /// (every item when `None`): one request answered 304 when nothing changed.
    pub fn changes(
        &self,
        library: &str,
        collection: Option<&str>,
        since: Option<u64>,
    ) -> Result<Changes, ZoteroError> {
        let path = match collection {
            Some(c) => format!("{library}/collections/{c}/items"),
            None => format!("{library}/items"),
        };
        let mut url = format!("{}/{path}?format=json&limit={PAGE}", self.base);
        if let Some(v) = since {
            url.push_str(&format!("&since={v}"));
        }
        let mut items = Vec::new();
        let mut version = None;
        let mut first = true;
        loop {
            let mut response = self.send(&path, || self.get(&url, since.filter(|_| first)))?;
            let status = response.status().as_u16();
            if status == 304 && first {
                return Ok(Changes::Unchanged);
            }
            let body = response.body_mut().read_to_string().unwrap_or_default();
            if status != 200 {
                return Err(Self::refused(status, &path, body));
            }
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            if version.is_none() {
                version = header("Last-Modified-Version").and_then(|v| v.trim().parse().ok());
            }
            let page: Vec<Value> = serde_json::from_str(&body).map_err(|e| ZoteroError::Body {
                what: path.clone(),
                message: e.to_string(),
            })?;
            items.extend(page.iter().filter_map(|item| {
                Some(Item {
                    key: item.get("key")?.as_str()?.to_string(),
                    version: item.get("version").and_then(Value::as_u64).unwrap_or(0),
                    id: arxiv_id(item),
                })
            }));
            first = false;
            match header("Link").as_deref().and_then(next_link) {
                Some(next) => url = next.to_string(),
                None => break,
            }
        }
        let version = version.ok_or_else(|| ZoteroError::Body {
            what: path.clone(),
            message: "no Last-Modified-Version header".into(),
        })?;
        let deleted = match since {
            Some(v) => self.deleted(library, v)?,
            None => Vec::new(),
        };
        Ok(Changes::Changed {
            version,
            items,
            deleted,
        })
    }

    /// Keys of the items deleted from `library` since `since`.
    fn deleted(&self, library: &str, since: u64) -> Result<Vec<String>, ZoteroError> {
        let what = format!("{library}/deleted");
        let url = format!("{}/{what}?since={since}", self.base);
        let mut response = self.send(&what, || self.get(&url, None))?;
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().unwrap_or_default();
        if status != 200 {
            return Err(Self::refused(status, &what, body));
        }
        let value: Value = serde_json::from_str(&body).map_err(|e| ZoteroError::Body {
            what: what.clone(),
            message: e.to_string(),
        })?;
        Ok(value["items"]
            .as_array()
            .map(|keys| {
                keys.iter()
                    .filter_map(|k| k.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// The key of the item of `library` whose `archiveID` is `archive_id`, if there is one.
    pub fn find(&self, library: &str, archive_id: &str) -> Result<Option<String>, ZoteroError> {
        let what = format!("{library}/items");
        let url = format!(
            "{}/{what}?format=json&limit={PAGE}&qmode=everything&q={}",
            self.base,
            crate::text::percent_encode(archive_id)
        );
        let mut response = self.send(&what, || self.get(&url, None))?;
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().unwrap_or_default();
        if status != 200 {
            return Err(Self::refused(status, &what, body));
        }
        let items: Vec<Value> = serde_json::from_str(&body).map_err(|e| ZoteroError::Body {
            what: what.clone(),
            message: e.to_string(),
        })?;
        Ok(items.iter().find_map(|item| {
            (item["data"]["archiveID"].as_str() == Some(archive_id))
                .then(|| item["key"].as_str().map(str::to_string))
                .flatten()
        }))
    }

    /// Creates `items` in `library` with the batch's write token (the same on a retry, so
    /// Zotero applies a batch once: a token it has seen answers 412).
    pub fn create(
        &self,
        library: &str,
        items: &[Value],
        token: &str,
    ) -> Result<Written, ZoteroError> {
        let what = format!("{library}/items");
        let url = format!("{}/{what}", self.base);
        let body = serde_json::to_string(items).expect("JSON values serialize");
        let mut response = self.send(&what, || {
            let mut req = self
                .agent
                .post(&url)
                .header("Zotero-API-Version", "3")
                .header("Content-Type", "application/json")
                .header("Zotero-Write-Token", token);
            if let Some(key) = &self.key {
                req = req.header("Zotero-API-Key", key);
            }
            req.send(body.as_bytes())
        })?;
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        if status == 412 {
            return Ok(Written {
                already: true,
                ..Written::default()
            });
        }
        if status != 200 {
            return Err(Self::refused(status, &what, text));
        }
        let value: Value = serde_json::from_str(&text).map_err(|e| ZoteroError::Body {
            what: what.clone(),
            message: e.to_string(),
        })?;
        let index = |k: &String| k.parse::<usize>().ok();
        let mut written = Written::default();
        if let Some(ok) = value["success"].as_object() {
            written.created = ok
                .iter()
                .filter_map(|(k, v)| Some((index(k)?, v.as_str()?.to_string())))
                .collect();
        }
        if let Some(failed) = value["failed"].as_object() {
            written.failed = failed
                .iter()
                .filter_map(|(k, v)| {
                    Some((
                        index(k)?,
                        format!("{} {}", v["code"], v["message"].as_str().unwrap_or("")),
                    ))
                })
                .collect();
        }
        written.created.sort();
        written.failed.sort();
        Ok(written)
    }
}
