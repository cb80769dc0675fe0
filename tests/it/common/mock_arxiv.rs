//! The mock arXiv on loopback: the export API answering searches (scripted, or as arXiv's engine
//! reads a query, [`super::arxiv_query`]) and `id_list` with entries rebuilt from the seed,
//! revisions and publications on demand, a search index that can lag, the daily announcement
//! listing with its ETag, scripted faults, and a log of every request.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::arxiv_query;
use super::seed::{Seed, SeedRow, atom_entry, atom_feed, xml_escape};

/// A fault the mock serves instead of (or on top of) its normal answer, once.
#[derive(Debug, Clone)]
pub enum Fault {
    /// This status with this body, and a `Retry-After` header if given.
    Status {
        code: u16,
        retry_after: Option<String>,
        body: String,
    },
    /// The normal answer, late.
    Delay(Duration),
    /// A valid feed with no entries but the normal `totalResults`.
    EmptyPage,
    /// The first half of the normal body.
    Truncate,
}

impl Fault {
    pub fn status(code: u16) -> Fault {
        Fault::Status {
            code,
            retry_after: None,
            body: String::new(),
        }
    }
}

/// One request the mock received.
#[derive(Debug, Clone)]
pub struct Logged {
    pub at: Instant,
    pub method: String,
    pub params: HashMap<String, String>,
    pub user_agent: String,
}

struct State {
    corpus: BTreeMap<String, SeedRow>,
    /// search_query → ids, newest first.
    searches: Mutex<BTreeMap<String, Vec<String>>>,
    script: Mutex<VecDeque<Fault>>,
    log: Mutex<Vec<Logged>>,
    page_cap: Mutex<Option<usize>>,
    /// Answer unscripted searches like arXiv's engine.
    engine: bool,
    /// id → (version, `YYYY-MM-DD` of that version): papers revised since the mock started.
    revisions: Mutex<HashMap<String, (u32, String)>>,
    /// id → (journal reference, DOI): papers published since the mock started.
    journals: Mutex<HashMap<String, (String, String)>>,
    /// The announcement listing served under `/rss/`: its RSS text, once announced.
    listing: Mutex<Option<String>>,
    /// Each listing request: (path, `If-None-Match` sent, status answered).
    listing_log: Mutex<Vec<(String, Option<String>, u16)>>,
    /// Papers announced but not yet in the search index: `id_list` serves them, searches do not.
    hidden: Mutex<std::collections::HashSet<String>>,
}

/// arXiv-like search over the corpus, newest id first, as [`arxiv_query`] reads a query.
pub fn search_engine(corpus: &BTreeMap<String, SeedRow>, query: &str) -> Vec<String> {
    let authors = ["Seed Author".to_string()];
    corpus
        .iter()
        .rev()
        .filter(|(_, r)| {
            let text = arxiv_query::Text {
                title: &r.title,
                summary: &r.summary,
                categories: &r.categories,
                authors: &authors,
            };
            arxiv_query::arxiv_matches(query, &text) == Some(true)
        })
        .map(|(id, _)| id.clone())
        .collect()
}

/// `(a) OR (b) OR …` (a combined query of several topics) → `["a", "b", …]`; any other query
/// → `[query]`.
pub fn split_combined(query: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let (mut depth, mut quoted, mut from) = (0i32, false, 0usize);
    let bytes = query.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth -= 1,
            b' ' if !quoted && depth == 0 && query[i..].starts_with(" OR ") => {
                parts.push(&query[from..i]);
                from = i + 4;
                i += 4;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&query[from..]);
    let wrapped = |p: &&str| p.starts_with('(') && p.ends_with(')');
    if parts.len() < 2 || !parts.iter().all(wrapped) {
        return vec![query.to_string()];
    }
    parts
        .iter()
        .map(|p| p[1..p.len() - 1].to_string())
        .collect()
}

/// `(q) AND submittedDate:[FROM TO UNTIL]` → `q` and the window; any other query as it is.
pub fn split_window(query: &str) -> (String, Option<(String, String)>) {
    let Some((inner, window)) = query.rsplit_once(") AND submittedDate:[") else {
        return (query.to_string(), None);
    };
    let inner = inner.strip_prefix('(').unwrap_or(inner).to_string();
    let window = window.trim_end_matches(']');
    let (from, to) = window
        .split_once(" TO ")
        .expect("a window has FROM TO UNTIL");
    (inner, Some((from.to_string(), to.to_string())))
}

struct Responder(Arc<State>);

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        if request.url.path().starts_with("/rss/") {
            return self.listing(request);
        }
        let mut params: HashMap<String, String> = request.url.query_pairs().into_owned().collect();
        // A long query comes as a form.
        params.extend(form_urlencoded::parse(&request.body).into_owned());
        let user_agent = request
            .headers
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        self.0.log.lock().unwrap().push(Logged {
            at: Instant::now(),
            method: request.method.to_string(),
            params: params.clone(),
            user_agent,
        });
        let (entries, total, start, per_page) = self.normal(&params);
        let body = atom_feed(&entries, total, start, per_page);
        let ok = |body: String| {
            ResponseTemplate::new(200).set_body_raw(body.into_bytes(), "application/atom+xml")
        };
        match self.0.script.lock().unwrap().pop_front() {
            None => ok(body),
            Some(Fault::Status {
                code,
                retry_after,
                body,
            }) => {
                let mut t = ResponseTemplate::new(code)
                    .set_body_raw(body.into_bytes(), "application/atom+xml");
                if let Some(value) = retry_after {
                    t = t.insert_header("Retry-After", value.as_str());
                }
                t
            }
            Some(Fault::Delay(d)) => ok(body).set_delay(d),
            Some(Fault::EmptyPage) => ok(atom_feed(&[], total, start, per_page)),
            Some(Fault::Truncate) => ok(body[..body.len() / 2].to_string()),
        }
    }
}

impl Responder {
    /// Entries, totalResults, start and itemsPerPage of the normal answer.
    fn normal(&self, params: &HashMap<String, String>) -> (Vec<String>, usize, usize, usize) {
        let num = |k: &str, d: usize| params.get(k).and_then(|v| v.parse().ok()).unwrap_or(d);
        let start = num("start", 0);
        let max = num("max_results", 10);
        if let Some(list) = params.get("id_list").filter(|l| !l.is_empty()) {
            let entries: Vec<String> = list
                .split(',')
                .filter(|id| self.0.corpus.contains_key(*id))
                .map(|id| self.entry(id))
                .collect();
            let total = entries.len();
            return (entries, total, 0, max);
        }
        let query = params.get("search_query").cloned().unwrap_or_default();
        let (query, window) = split_window(&query);
        let mut ids = self.search(&query);
        // arXiv answers newest submission first (the client asks `sortBy=submittedDate`).
        ids.sort_by(|a, b| {
            let date = |id: &String| self.0.corpus.get(id).map(|r| r.date.clone());
            date(b).cmp(&date(a))
        });
        if let Some((from, to)) = window {
            // Entries are published at 17:30 on their row's date (see `atom_entry`).
            ids.retain(|id| {
                let submitted = format!("{}1730", self.0.corpus[id].date.replace('-', ""));
                from <= submitted && submitted <= to
            });
        }
        let cap = self.0.page_cap.lock().unwrap().unwrap_or(usize::MAX);
        if params.get("sortBy").map(String::as_str) == Some("lastUpdatedDate") {
            // Stable: papers updated the same day stay newest submission first.
            ids.sort_by_key(|id| std::cmp::Reverse(self.updated(id)));
        }
        let entries = ids
            .iter()
            .skip(start)
            .take(max.min(cap))
            .map(|id| self.entry(id))
            .collect();
        (entries, ids.len(), start, max)
    }

    /// The date of a paper's newest version.
    fn updated(&self, id: &str) -> String {
        let revisions = self.0.revisions.lock().unwrap();
        revisions
            .get(id)
            .map_or_else(|| self.0.corpus[id].date.clone(), |(_, d)| d.clone())
    }

    /// The announcement listing, as rss.arxiv.org serves it: 200 with an `ETag`, or 304 when
    /// the client's `If-None-Match` is that tag; 404 before anything was announced.
    fn listing(&self, request: &Request) -> ResponseTemplate {
        let sent = request
            .headers
            .get("if-none-match")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = self.0.listing.lock().unwrap().clone();
        let (status, answer) = match body {
            None => (404, ResponseTemplate::new(404)),
            Some(body) => {
                let tag = format!("\"{:016x}\"", {
                    use std::hash::{Hash, Hasher};
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    body.hash(&mut h);
                    h.finish()
                });
                if sent.as_deref() == Some(tag.as_str()) {
                    (
                        304,
                        ResponseTemplate::new(304).insert_header("ETag", tag.as_str()),
                    )
                } else {
                    let ok = ResponseTemplate::new(200)
                        .insert_header("ETag", tag.as_str())
                        .set_body_raw(body.into_bytes(), "application/rss+xml");
                    (200, ok)
                }
            }
        };
        self.0
            .listing_log
            .lock()
            .unwrap()
            .push((request.url.path().to_string(), sent, status));
        answer
    }

    /// A paper's entry at its newest version, with its journal reference and DOI once
    /// published (arXiv's `arxiv:doi` and `arxiv:journal_ref`, before the primary category).
    fn entry(&self, id: &str) -> String {
        let row = &self.0.corpus[id];
        let mut entry = atom_entry(row);
        if let Some((journal, doi)) = self.0.journals.lock().unwrap().get(id) {
            entry = entry.replace(
                "    <arxiv:primary_category",
                &format!(
                    "    <arxiv:doi>{doi}</arxiv:doi>\n    <arxiv:journal_ref>{}</arxiv:journal_ref>\n    <arxiv:primary_category",
                    xml_escape(journal)
                ),
            );
        }
        match self.0.revisions.lock().unwrap().get(id) {
            None => entry,
            Some((version, date)) => entry
                .replace(
                    &format!("<updated>{}T", row.date),
                    &format!("<updated>{date}T"),
                )
                .replace(
                    &format!("{}v{}", row.id, row.version),
                    &format!("{}v{version}", row.id),
                ),
        }
    }

    /// Ids a search returns: scripted, or the engine's answer; a combined query of several
    /// topics is the union of its parts.
    fn search(&self, query: &str) -> Vec<String> {
        let hidden = self.0.hidden.lock().unwrap().clone();
        let mut ids = self.search_all(query);
        ids.retain(|id| !hidden.contains(id));
        ids
    }

    /// [`Self::search`] before the index lag.
    fn search_all(&self, query: &str) -> Vec<String> {
        let scripted = self.0.searches.lock().unwrap().get(query).cloned();
        if let Some(ids) = scripted {
            return ids;
        }
        let parts = split_combined(query);
        if parts.len() > 1 {
            let mut ids: Vec<String> = parts.iter().flat_map(|p| self.search(p)).collect();
            ids.sort();
            ids.dedup();
            return ids;
        }
        if self.0.engine {
            search_engine(&self.0.corpus, query)
        } else {
            Vec::new()
        }
    }
}

/// A mock export API on 127.0.0.1.
pub struct MockArxiv {
    state: Arc<State>,
    server: MockServer,
    runtime: tokio::runtime::Runtime,
}

impl MockArxiv {
    /// Serves every paper of the seed by id.
    pub fn seed() -> MockArxiv {
        Self::start(Seed::load().papers())
    }

    pub fn start(corpus: BTreeMap<String, SeedRow>) -> MockArxiv {
        Self::start_with(corpus, false)
    }

    /// Serves the seed's papers; the query `seed:<section>` returns that section, newest first.
    pub fn seed_sections() -> MockArxiv {
        let seed = Seed::load();
        let mock = MockArxiv::start(seed.papers());
        for (name, rows) in &seed.sections {
            mock.add_search(
                &format!("seed:{name}"),
                rows.iter().map(|r| r.id.clone()).collect(),
            );
        }
        mock
    }

    /// Serves `corpus` and answers any search over it like arXiv's engine.
    pub fn start_engine(corpus: BTreeMap<String, SeedRow>) -> MockArxiv {
        Self::start_with(corpus, true)
    }

    /// Serves the seed's papers and answers any search over them like arXiv's engine.
    pub fn seed_engine() -> MockArxiv {
        Self::start_with(Seed::load().papers(), true)
    }

    fn start_with(corpus: BTreeMap<String, SeedRow>, engine: bool) -> MockArxiv {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let state = Arc::new(State {
            corpus,
            searches: Mutex::new(BTreeMap::new()),
            script: Mutex::new(VecDeque::new()),
            log: Mutex::new(Vec::new()),
            page_cap: Mutex::new(None),
            engine,
            revisions: Mutex::new(HashMap::new()),
            journals: Mutex::new(HashMap::new()),
            listing: Mutex::new(None),
            listing_log: Mutex::new(Vec::new()),
            hidden: Mutex::new(std::collections::HashSet::new()),
        });
        let server = runtime.block_on(MockServer::start());
        runtime.block_on(
            Mock::given(any())
                .respond_with(Responder(state.clone()))
                .mount(&server),
        );
        MockArxiv {
            state,
            server,
            runtime,
        }
    }

    /// The URL to configure as `api_url`.
    pub fn url(&self) -> String {
        format!("{}/api/query", self.server.uri())
    }

    /// Makes `query` return `ids` (newest first).
    pub fn add_search(&self, query: &str, ids: Vec<String>) {
        self.state
            .searches
            .lock()
            .unwrap()
            .insert(query.to_string(), ids);
    }

    /// Serves `fault` for the next request (after those already queued).
    pub fn push(&self, fault: Fault) {
        self.state.script.lock().unwrap().push_back(fault);
    }

    /// Serves `id` from now on at its next version, updated on `date` (`YYYY-MM-DD`).
    pub fn revise(&self, id: &str, date: &str) {
        let mut revisions = self.state.revisions.lock().unwrap();
        let version = revisions
            .get(id)
            .map_or(self.state.corpus[id].version, |(v, _)| *v)
            + 1;
        revisions.insert(id.to_string(), (version, date.to_string()));
    }

    /// The base URL of the announcement listing (`[arxiv] listing_url`).
    pub fn listing_url(&self) -> String {
        format!("{}/rss/", self.server.uri())
    }

    /// Serves a listing announcing `items` (`(id, type)`, type `new`, `cross`, `replace`…) on
    /// `date` (RFC 2822, as the channel's `pubDate`), written to arXiv's RSS specification;
    /// no items is a weekend's empty listing.
    pub fn announce(&self, date: &str, items: &[(&str, &str)]) {
        let rows: Vec<String> = items
            .iter()
            .map(|(id, kind)| {
                let row = &self.state.corpus[*id];
                let version = self
                    .state
                    .revisions
                    .lock()
                    .unwrap()
                    .get(*id)
                    .map_or(row.version, |(v, _)| *v);
                let categories: String = row
                    .categories
                    .iter()
                    .map(|c| format!("      <category>{c}</category>\n"))
                    .collect();
                format!(
                    "    <item>\n      <title>{title}</title>\n      <link>https://arxiv.org/abs/{id}</link>\n      <description>arXiv:{id}v{version} Announce Type: {kind} \nAbstract: {summary}</description>\n      <guid isPermaLink=\"false\">oai:arXiv.org:{id}v{version}</guid>\n{categories}      <pubDate>{date}</pubDate>\n      <arxiv:announce_type>{kind}</arxiv:announce_type>\n      <dc:rights>http://arxiv.org/licenses/nonexclusive-distrib/1.0/</dc:rights>\n      <dc:creator>Seed Author</dc:creator>\n    </item>\n",
                    title = xml_escape(&row.title),
                    summary = xml_escape(&row.summary),
                )
            })
            .collect();
        let body = format!(
            "<?xml version='1.0' encoding='UTF-8'?>\n<rss xmlns:arxiv=\"http://arxiv.org/schemas/atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:atom=\"http://www.w3.org/2005/Atom\" version=\"2.0\">\n  <channel>\n    <title>updates on arXiv.org</title>\n    <link>http://rss.arxiv.org/rss/</link>\n    <description>updates on the arXiv.org e-print archive.</description>\n    <language>en-us</language>\n    <managingEditor>rss-help@arxiv.org</managingEditor>\n    <pubDate>{date}</pubDate>\n    <skipDays>\n      <day>Saturday</day>\n      <day>Sunday</day>\n    </skipDays>\n{}  </channel>\n</rss>\n",
            rows.concat()
        );
        *self.state.listing.lock().unwrap() = Some(body);
    }

    /// Keeps `ids` out of every search (arXiv's index lagging its announcement); `id_list` still
    /// serves them.
    pub fn lag(&self, ids: &[&str]) {
        let mut hidden = self.state.hidden.lock().unwrap();
        hidden.clear();
        hidden.extend(ids.iter().map(|s| s.to_string()));
    }

    /// Each listing request: (path, `If-None-Match`, status).
    pub fn listing_requests(&self) -> Vec<(String, Option<String>, u16)> {
        self.state.listing_log.lock().unwrap().clone()
    }

    /// Serves `id` from now on with a journal reference and a DOI.
    pub fn publish(&self, id: &str, journal: &str, doi: &str) {
        self.state
            .journals
            .lock()
            .unwrap()
            .insert(id.to_string(), (journal.to_string(), doi.to_string()));
    }

    /// Never returns more than `cap` entries per search page.
    pub fn set_page_cap(&self, cap: usize) {
        *self.state.page_cap.lock().unwrap() = Some(cap);
    }

    pub fn requests(&self) -> Vec<Logged> {
        self.state.log.lock().unwrap().clone()
    }

    pub fn clear_log(&self) {
        self.state.log.lock().unwrap().clear();
    }
}
