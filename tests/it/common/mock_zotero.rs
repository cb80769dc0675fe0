//! A loopback stand-in for Zotero's Web API v3, written from its documentation
//! (www.zotero.org/support/dev/web_api/v3): `GET /{library}/items` with `format=json`, `limit`
//! (at most 100), `start`, `since`, `q` + `qmode=everything`; `Last-Modified-Version`,
//! `Total-Results` and `Link: rel="next"`; `If-Modified-Since-Version` answered 304 when the
//! library has not changed; `GET /{library}/deleted?since=`; `POST /{library}/items` of at most
//! 50 items with `Zotero-Write-Token` (a token seen before: 412) and
//! `If-Unmodified-Since-Version` (stale: 412); `Zotero-API-Key` checked (none or a wrong one:
//! 403; a read-only key writing: 403). Every request is recorded.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// One request the stand-in received.
#[derive(Debug, Clone)]
pub struct Asked {
    pub method: String,
    pub path: String,
    pub query: HashMap<String, String>,
    pub headers: HashMap<String, String>,
    pub status: u16,
}

/// An item with its version; deleted items keep the version they were deleted at.
#[derive(Debug, Clone)]
struct Item {
    key: String,
    version: u64,
    data: Value,
    deleted: bool,
}

#[derive(Default)]
struct Library {
    version: u64,
    items: Vec<Item>,
    tokens: HashSet<String>,
    asked: Vec<Asked>,
    /// Apply the next write but answer 500 (a lost answer).
    lose_next_write: bool,
    /// Answers to give before the next ones, as Zotero throttles: `(status, Retry-After)`; a
    /// `Backoff` header rides on the first normal answer after them.
    throttle: Vec<(u16, &'static str)>,
    backoff: Option<&'static str>,
}

struct Config {
    /// `http://127.0.0.1:PORT`, for `Link` URLs.
    base: String,
    library: String,
    /// The key that reads (and, when `writes`, writes); `None`: a public library.
    key: Option<String>,
    writes: bool,
}

#[derive(Clone)]
struct Responder(Arc<Mutex<Library>>, Arc<Config>);

fn next_key(n: usize) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHIJKLMNPQRSTUVWXYZ";
    let mut n = n + 1_000_000;
    let mut key = String::new();
    for _ in 0..8 {
        key.push(ALPHABET[n % ALPHABET.len()] as char);
        n /= ALPHABET.len();
    }
    key
}

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut lib = self.0.lock().unwrap();
        let config = &self.1;
        let query: HashMap<String, String> = request.url.query_pairs().into_owned().collect();
        let headers: HashMap<String, String> = request
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    v.to_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let path = request.url.path().to_string();
        let answer = if lib.throttle.is_empty() {
            let (status, mut t) = self.answer(&mut lib, config, request, &path, &query, &headers);
            if let Some(seconds) = lib.backoff.take() {
                t = t.insert_header("Backoff", seconds);
            }
            (status, t)
        } else {
            let (status, after) = lib.throttle.remove(0);
            (
                status,
                ResponseTemplate::new(status)
                    .insert_header("Retry-After", after)
                    .set_body_string("Too many requests"),
            )
        };
        lib.asked.push(Asked {
            method: request.method.to_string(),
            path,
            query,
            headers,
            status: answer.0,
        });
        answer.1
    }
}

impl Responder {
    fn answer(
        &self,
        lib: &mut Library,
        config: &Config,
        request: &Request,
        path: &str,
        query: &HashMap<String, String>,
        headers: &HashMap<String, String>,
    ) -> (u16, ResponseTemplate) {
        if headers.get("zotero-api-version").map(String::as_str) != Some("3") {
            return plain(400, "Zotero-API-Version 3 expected");
        }
        let Some(rest) = path.strip_prefix(&format!("/{}", config.library)) else {
            return plain(404, "Not found");
        };
        if let Some(expected) = &config.key
            && headers.get("zotero-api-key") != Some(expected)
        {
            return plain(403, "Forbidden");
        }
        match (request.method.as_str(), rest) {
            ("GET", "/items") => items(lib, config, path, query, headers),
            ("GET", "/deleted") => deleted(lib, query),
            ("POST", "/items") => create(lib, config, &request.body, headers),
            _ => plain(404, "Not found"),
        }
    }
}

fn plain(status: u16, text: &str) -> (u16, ResponseTemplate) {
    (
        status,
        ResponseTemplate::new(status).set_body_string(text.to_string()),
    )
}

fn versioned(t: ResponseTemplate, version: u64) -> ResponseTemplate {
    t.insert_header("Last-Modified-Version", version.to_string().as_str())
}

/// `GET /{library}/items`: 304 when unchanged since `If-Modified-Since-Version`; else the items
/// changed `since` (matching `q`), a page of them, with the next page's `Link`.
fn items(
    lib: &Library,
    config: &Config,
    path: &str,
    query: &HashMap<String, String>,
    headers: &HashMap<String, String>,
) -> (u16, ResponseTemplate) {
    if let Some(v) = headers
        .get("if-modified-since-version")
        .and_then(|v| v.parse::<u64>().ok())
        && v >= lib.version
    {
        return (304, versioned(ResponseTemplate::new(304), lib.version));
    }
    let since: u64 = query.get("since").and_then(|v| v.parse().ok()).unwrap_or(0);
    let q = query.get("q").map(|q| q.to_lowercase());
    let everything = query.get("qmode").map(String::as_str) == Some("everything");
    let matching: Vec<&Item> = lib
        .items
        .iter()
        .filter(|i| !i.deleted && i.version > since)
        .filter(|i| {
            q.as_ref().is_none_or(|q| {
                let text = if everything {
                    i.data.to_string()
                } else {
                    i.data["title"].as_str().unwrap_or("").to_string()
                };
                text.to_lowercase().contains(q)
            })
        })
        .collect();
    let limit: usize = query
        .get("limit")
        .and_then(|v| v.parse().ok())
        .unwrap_or(25)
        .min(100);
    let start: usize = query.get("start").and_then(|v| v.parse().ok()).unwrap_or(0);
    let page: Vec<Value> = matching
        .iter()
        .skip(start)
        .take(limit)
        .map(|i| json!({"key": i.key, "version": i.version, "library": {"type": "user"}, "data": i.data}))
        .collect();
    let mut t = versioned(ResponseTemplate::new(200).set_body_json(page), lib.version)
        .insert_header("Total-Results", matching.len().to_string().as_str());
    if start + limit < matching.len() {
        let mut next = url::Url::parse(&format!("{}{path}", config.base)).unwrap();
        let pairs: Vec<(String, String)> = query
            .iter()
            .filter(|(k, _)| k.as_str() != "start")
            .map(|(k, v)| (k.clone(), v.clone()))
            .chain([("start".to_string(), (start + limit).to_string())])
            .collect();
        next.query_pairs_mut().extend_pairs(pairs);
        t = t.insert_header("Link", format!("<{next}>; rel=\"next\"").as_str());
    }
    (200, t)
}

/// `GET /{library}/deleted?since=V`: the keys deleted after version V.
fn deleted(lib: &Library, query: &HashMap<String, String>) -> (u16, ResponseTemplate) {
    let Some(since) = query.get("since").and_then(|v| v.parse::<u64>().ok()) else {
        return plain(400, "'since' must be provided");
    };
    let keys: Vec<&str> = lib
        .items
        .iter()
        .filter(|i| i.deleted && i.version > since)
        .map(|i| i.key.as_str())
        .collect();
    let body =
        json!({"collections": [], "items": keys, "searches": [], "tags": [], "settings": []});
    (
        200,
        versioned(ResponseTemplate::new(200).set_body_json(body), lib.version),
    )
}

/// `POST /{library}/items`: at most 50 items, once per write token.
fn create(
    lib: &mut Library,
    config: &Config,
    body: &[u8],
    headers: &HashMap<String, String>,
) -> (u16, ResponseTemplate) {
    if !config.writes {
        return plain(403, "Write access denied");
    }
    if let Some(v) = headers
        .get("if-unmodified-since-version")
        .and_then(|v| v.parse::<u64>().ok())
        && v < lib.version
    {
        return plain(412, "Library has been modified since specified version");
    }
    let Some(token) = headers.get("zotero-write-token") else {
        return plain(400, "Zotero-Write-Token expected by this stand-in");
    };
    if lib.tokens.contains(token) {
        return plain(412, "Write token already used");
    }
    let Ok(Value::Array(items)) = serde_json::from_slice::<Value>(body) else {
        return plain(400, "Uploaded data must be a JSON array");
    };
    if items.len() > 50 {
        return plain(413, "Only 50 objects can be saved in a single request");
    }
    lib.tokens.insert(token.clone());
    let (mut success, mut successful, mut failed) = (json!({}), json!({}), json!({}));
    for (i, item) in items.into_iter().enumerate() {
        if item["itemType"] != "preprint" || item["title"].as_str().is_none_or(str::is_empty) {
            failed[i.to_string()] = json!({"key": "", "code": 400, "message": "'title' and a valid itemType are required"});
            continue;
        }
        lib.version += 1;
        let key = next_key(lib.items.len());
        success[i.to_string()] = json!(key);
        successful[i.to_string()] = json!({"key": key, "version": lib.version, "data": item});
        let version = lib.version;
        lib.items.push(Item {
            key,
            version,
            data: item,
            deleted: false,
        });
    }
    if std::mem::take(&mut lib.lose_next_write) {
        return plain(500, "An error occurred");
    }
    let body =
        json!({"successful": successful, "success": success, "unchanged": {}, "failed": failed});
    (
        200,
        versioned(ResponseTemplate::new(200).set_body_json(body), lib.version),
    )
}

/// The stand-in, with its own runtime.
pub struct MockZotero {
    state: Arc<Mutex<Library>>,
    server: MockServer,
    _runtime: tokio::runtime::Runtime,
}

impl MockZotero {
    /// A library at `library` (`users/123456`) holding `items` (their `data`), read with `key`
    /// (`None`: public), writable with it when `writes`.
    pub fn start(library: &str, key: Option<&str>, writes: bool, items: Vec<Value>) -> MockZotero {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut lib = Library::default();
        for data in items {
            lib.version += 1;
            let key = next_key(lib.items.len());
            lib.items.push(Item {
                key,
                version: lib.version,
                data,
                deleted: false,
            });
        }
        let state = Arc::new(Mutex::new(lib));
        let server = runtime.block_on(MockServer::start());
        let config = Arc::new(Config {
            base: server.uri(),
            library: library.to_string(),
            key: key.map(str::to_string),
            writes,
        });
        runtime.block_on(
            Mock::given(any())
                .respond_with(Responder(state.clone(), config))
                .mount(&server),
        );
        MockZotero {
            state,
            server,
            _runtime: runtime,
        }
    }

    pub fn url(&self) -> String {
        self.server.uri()
    }

    /// Every request so far.
    pub fn asked(&self) -> Vec<Asked> {
        self.state.lock().unwrap().asked.clone()
    }

    /// The library's version.
    pub fn version(&self) -> u64 {
        self.state.lock().unwrap().version
    }

    /// Adds an item (a new library version).
    pub fn add(&self, data: Value) {
        let mut lib = self.state.lock().unwrap();
        lib.version += 1;
        let key = next_key(lib.items.len());
        let version = lib.version;
        lib.items.push(Item {
            key,
            version,
            data,
            deleted: false,
        });
    }

    /// Deletes the first item whose data contains `text` (a new library version); its key.
    pub fn delete(&self, text: &str) -> String {
        let mut lib = self.state.lock().unwrap();
        lib.version += 1;
        let version = lib.version;
        let item = lib
            .items
            .iter_mut()
            .find(|i| !i.deleted && i.data.to_string().contains(text))
            .unwrap();
        item.deleted = true;
        item.version = version;
        item.key.clone()
    }

    /// The live items whose `archiveID` is `archive_id`.
    pub fn with_archive_id(&self, archive_id: &str) -> Vec<Value> {
        self.state
            .lock()
            .unwrap()
            .items
            .iter()
            .filter(|i| !i.deleted && i.data["archiveID"] == archive_id)
            .map(|i| i.data.clone())
            .collect()
    }

    /// Applies the next write but answers 500, as if the answer were lost on the way.
    /// Throttles the next requests: each answered `(status, Retry-After)`, then `Backoff:
    /// backoff` on the first answer that goes through.
    pub fn throttle(&self, answers: &[(u16, &'static str)], backoff: &'static str) {
        let mut lib = self.state.lock().unwrap();
        lib.throttle.extend_from_slice(answers);
        lib.backoff = Some(backoff);
    }

    pub fn lose_next_write(&self) {
        self.state.lock().unwrap().lose_next_write = true;
    }
}
