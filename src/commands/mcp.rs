//! `paperwatch mcp [--allow-write]`: a Model Context Protocol server over stdio (`rmcp`), so an
//! assistant can ask what is new for the reader. Tools (JSON schema in, structured JSON and a
//! short text out): `feed`, `search`, `show`, `similar`, `explain`, `topics`, `audit`; with
//! `--allow-write` also `mark` and `star`. Resources: each topic's shown papers as a Markdown
//! table. The read tools answer exactly what the matching command's `--json` prints; a failure
//! is a tool error the assistant reads, never the end of the server.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, ContentBlock, Implementation, ListResourcesResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource,
    ResourceContents, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt, tool, tool_handler, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::cli::{ExplainArgs, McpArgs, SearchArgs, SimilarArgs};
use crate::config::Settings;
use crate::model::ArxivId;
use crate::tracker::{self, open_store};

/// How long a write waits for a running `update` before it is refused.
const LOCK_WAIT: Duration = Duration::from_secs(3);

/// `feed`'s parameters.
#[derive(Debug, Deserialize, JsonSchema)]
struct FeedParams {
    /// Papers first shown on or after this day (YYYY-MM-DD). Default: the last `days` days.
    since: Option<String>,
    /// Papers first shown in the last this many days (default 7) when `since` is not given.
    days: Option<u32>,
    /// Only this topic.
    topic: Option<String>,
    /// At most this many papers per topic (default 20).
    limit: Option<usize>,
}

/// `search`'s parameters, as `paperwatch search` takes them.
#[derive(Debug, Deserialize, JsonSchema)]
struct SearchParams {
    /// FTS5 query: words, "phrases", prefix*, AND, OR, NOT, NEAR, title:word.
    query: String,
    /// Only papers shown in this topic.
    topic: Option<String>,
    /// Only papers first published on or after this day (YYYY-MM-DD).
    since: Option<String>,
    /// Only papers with this arXiv category.
    category: Option<String>,
    /// At most this many results (default 20).
    limit: Option<usize>,
}

/// A paper.
#[derive(Debug, Deserialize, JsonSchema)]
struct IdParams {
    /// The arXiv id (`2407.05858`, `arXiv:2407.05858v2`, an abs URL).
    id: String,
}

/// `similar`'s parameters.
#[derive(Debug, Deserialize, JsonSchema)]
struct SimilarParams {
    /// The arXiv id.
    id: String,
    /// How many (default 10).
    limit: Option<usize>,
}

/// `explain`'s parameters.
#[derive(Debug, Deserialize, JsonSchema)]
struct ExplainParams {
    /// The arXiv id.
    id: String,
    /// Only this topic (default: every topic the paper is in).
    topic: Option<String>,
}

/// `audit`'s parameters.
#[derive(Debug, Deserialize, JsonSchema)]
struct AuditParams {
    /// The announcement day (YYYY-MM-DD); default: the last one checked.
    date: Option<String>,
}

/// `mark`'s parameters.
#[derive(Debug, Deserialize, JsonSchema)]
struct MarkParams {
    /// The arXiv id.
    id: String,
    /// The topic the label is for.
    topic: String,
    /// `relevant` (more like this), `irrelevant` (not for me) or `clear`.
    label: String,
}

/// `star`'s parameters.
#[derive(Debug, Deserialize, JsonSchema)]
struct StarParams {
    /// The arXiv id.
    id: String,
    /// Remove the star instead.
    remove: Option<bool>,
}

/// The server: the settings and the tools it offers.
#[derive(Clone)]
struct Paperwatch {
    settings: Arc<Settings>,
    tool_router: ToolRouter<Paperwatch>,
}

/// A tool's answer: its JSON as structured content and a short text first; a failure as a tool
/// error with its causes.
fn answer(result: anyhow::Result<(Value, String)>) -> CallToolResult {
    match result {
        Ok((value, summary)) => {
            let mut r = CallToolResult::structured(value.clone());
            r.content = vec![
                ContentBlock::text(summary),
                ContentBlock::text(value.to_string()),
            ];
            r
        }
        Err(e) => CallToolResult::error(vec![ContentBlock::text(format!("{e:#}"))]),
    }
}

/// `{"results": [...]}` around a list, so structured content is always an object.
fn listed(items: Value) -> Value {
    if items.is_object() {
        items
    } else {
        json!({ "results": items })
    }
}

fn count(v: &Value) -> usize {
    v.get("results")
        .or(Some(v))
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

#[tool_router(router = read_tools)]
impl Paperwatch {
    #[tool(
        description = "The papers first shown in the reader's topics since a day (or in the last N days), per topic, best first: id, title, authors, date, score, why it is shown, code link, summary, links."
    )]
    async fn feed(&self, Parameters(p): Parameters<FeedParams>) -> CallToolResult {
        answer(self.blocking(move |s, now| feed(s, now, &p)).await)
    }

    #[tool(
        description = "Full-text search of every stored paper (SQLite FTS5, bm25, title weighted 10x): the results of `paperwatch search --json`."
    )]
    async fn search(&self, Parameters(p): Parameters<SearchParams>) -> CallToolResult {
        answer(
            self.blocking(move |s, _| {
                let args = SearchArgs {
                    query: p.query,
                    topic: p.topic,
                    since: p.since,
                    category: p.category,
                    limit: p.limit.unwrap_or(20),
                    json: true,
                    exhaustive: false,
                };
                let v = super::search::json(s, &args)?;
                let n = count(&v);
                Ok((v, format!("{n} papers match {:?}", args.query)))
            })
            .await,
        )
    }

    #[tool(
        description = "Everything stored about one paper: its fields, versions, code link and topic memberships (`paperwatch show --json`)."
    )]
    async fn show(&self, Parameters(p): Parameters<IdParams>) -> CallToolResult {
        answer(
            self.blocking(move |s, _| {
                let v = super::show::json(s, &p.id)?;
                let title = v["paper"]["title"].as_str().unwrap_or("").to_string();
                Ok((v, title))
            })
            .await,
        )
    }

    #[tool(
        description = "The stored papers most like one (\"more like this\"): cosine over the relevance model's TF-IDF (`paperwatch similar --json`)."
    )]
    async fn similar(&self, Parameters(p): Parameters<SimilarParams>) -> CallToolResult {
        answer(
            self.blocking(move |s, _| {
                let args = SimilarArgs {
                    id: p.id,
                    limit: p.limit.unwrap_or(10),
                    json: true,
                };
                let v = listed(super::similar::json(s, &args)?);
                let n = count(&v);
                Ok((v, format!("{n} papers like {}", args.id)))
            })
            .await,
        )
    }

    #[tool(
        description = "Why a paper is shown or hidden in each of its topics: matched and excluded terms, the score's parts, the reader's label (`paperwatch explain --json`)."
    )]
    async fn explain(&self, Parameters(p): Parameters<ExplainParams>) -> CallToolResult {
        answer(
            self.blocking(move |s, _| {
                let args = ExplainArgs {
                    id: p.id,
                    topic: p.topic,
                    json: true,
                };
                let v = listed(super::explain::json(s, &args)?);
                let n = count(&v);
                Ok((v, format!("{} explained in {n} topics", args.id)))
            })
            .await,
        )
    }

    #[tool(
        description = "The reader's topics: name, query, and how many papers each shows and hides."
    )]
    async fn topics(&self) -> CallToolResult {
        answer(self.blocking(|s, _| topics(s)).await)
    }

    #[tool(
        description = "Every paper arXiv announced on a day, per topic: stored, shown, hidden (why) or missing (why) (`paperwatch audit --json`)."
    )]
    async fn audit(&self, Parameters(p): Parameters<AuditParams>) -> CallToolResult {
        answer(
            self.blocking(move |s, _| {
                let v = super::audit::json(s, p.date.as_deref())?;
                Ok((v, "the announcement audit".to_string()))
            })
            .await,
        )
    }
}

#[tool_router(router = write_tools)]
impl Paperwatch {
    #[tool(
        description = "Label a paper for a topic: relevant (more like this), irrelevant (not for me) or clear. It takes effect at once and teaches the tracker."
    )]
    async fn mark(&self, Parameters(p): Parameters<MarkParams>) -> CallToolResult {
        answer(self.blocking(move |s, now| mark(s, now, &p)).await)
    }

    #[tool(
        description = "Star a paper to read later (or remove the star); with a Zotero library configured it is added there."
    )]
    async fn star(&self, Parameters(p): Parameters<StarParams>) -> CallToolResult {
        answer(self.blocking(move |s, now| star(s, now, &p)).await)
    }
}

impl Paperwatch {
    /// Runs database work off the protocol's thread.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Settings, Timestamp) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let settings = self.settings.clone();
        let now = super::shared::clock();
        tokio::task::spawn_blocking(move || work(&settings, now))
            .await
            .map_err(|e| anyhow::anyhow!("the tool stopped: {e}"))?
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Paperwatch {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(Implementation::new("paperwatch", env!("CARGO_PKG_VERSION")))
        .with_instructions(
            "paperwatch tracks arXiv for the reader's topics. `feed` lists what is new for them, \
             best first; `search`, `show`, `similar` and `explain` look further; each topic's \
             table is a resource (paperwatch://topic/NAME).",
        )
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(ListResourcesResult::with_all_items(
            self.settings
                .topics
                .iter()
                .map(|t| {
                    Resource::new(topic_uri(&t.name), t.name.clone())
                        .with_description(format!(
                            "The papers shown in {}, newest first, as a Markdown table",
                            t.name
                        ))
                        .with_mime_type("text/markdown")
                })
                .collect(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let uri = request.uri.clone();
        let Some(name) = uri
            .strip_prefix("paperwatch://topic/")
            .map(|n| {
                url::form_urlencoded::parse(format!("n={n}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default()
            })
            .filter(|n| self.settings.topics.iter().any(|t| &t.name == n))
        else {
            return Err(ErrorData::resource_not_found(
                format!("no resource {uri}"),
                None,
            ));
        };
        let table = self
            .blocking(move |s, _| topic_table(s, &name))
            .await
            .map_err(|e| ErrorData::internal_error(format!("{e:#}"), None))?;
        let mut contents = ResourceContents::text(table, uri);
        if let ResourceContents::TextResourceContents { mime_type, .. } = &mut contents {
            *mime_type = Some("text/markdown".into());
        }
        Ok(ReadResourceResult::new(vec![contents]).into())
    }
}

fn topic_uri(name: &str) -> String {
    format!(
        "paperwatch://topic/{}",
        crate::text::percent_encode(name).replace('+', "%20")
    )
}

/// `feed`: per topic, the shown papers that joined it since the day asked, best first.
fn feed(settings: &Settings, now: Timestamp, p: &FeedParams) -> anyhow::Result<(Value, String)> {
    let since: Timestamp = match &p.since {
        Some(day) => day
            .parse::<jiff::civil::Date>()
            .map_err(|e| anyhow::anyhow!("since {day:?} is not a day (YYYY-MM-DD): {e}"))?
            .to_zoned(jiff::tz::TimeZone::UTC)?
            .timestamp(),
        None => now.checked_sub(jiff::SignedDuration::from_hours(
            24 * i64::from(p.days.unwrap_or(7)),
        ))?,
    };
    if let Some(t) = &p.topic
        && !settings.topics.iter().any(|c| &c.name == t)
    {
        anyhow::bail!("no topic named {t:?}");
    }
    let limit = p.limit.unwrap_or(20);
    let store = open_store(settings, false)?;
    // Joined at or after the start of that day.
    let rows = store.shown_since(&(since - jiff::SignedDuration::from_secs(1)).to_string())?;
    let index = |name: &str| settings.topics.iter().position(|t| t.name == name);
    let picked: Vec<_> = settings
        .topics
        .iter()
        .filter(|t| p.topic.as_ref().is_none_or(|w| w == &t.name))
        .flat_map(|t| rows.iter().filter(move |r| r.topic == t.name).take(limit))
        .collect();
    let ids: Vec<ArxivId> = picked.iter().map(|r| r.id.clone()).collect();
    let papers: std::collections::HashMap<ArxivId, crate::model::Paper> = store
        .papers_by_ids(&ids)?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let items: Vec<(&crate::model::Paper, usize)> = picked
        .iter()
        .filter_map(|r| Some((papers.get(&r.id)?, index(&r.topic)?)))
        .collect();
    let decisions = tracker::explain_each(settings, &store, &items)?;
    let answers = store.hf_answers()?;
    let summaries = tracker::summaries(settings, &store)?;
    let mut topics = serde_json::Map::new();
    for ((paper, t), d) in items.iter().zip(decisions) {
        let name = &settings.topics[*t].name;
        let row = picked.iter().find(|r| r.id == paper.id && &r.topic == name);
        let why = match (d.pinned, &d.author, d.matched.is_empty()) {
            (true, _, _) => "pinned in the topic".to_string(),
            (_, Some(a), _) => format!("by {a}, a followed author"),
            (_, _, false) => format!("matches {}", d.matched.join(", ")),
            _ => "chosen by the relevance model".to_string(),
        };
        let entry = json!({
            "id": paper.id.as_str(),
            "title": paper.title,
            "authors": paper.authors,
            "date": paper.updated.to_zoned(jiff::tz::TimeZone::UTC).date().to_string(),
            "first_shown": row.map(|r| r.first_seen.clone()),
            "score": d.score.map(|s| (s * 1000.0).round() / 1000.0),
            "reason": why,
            "code": tracker::code_link(settings, paper, &answers),
            "summary": summaries.get(&paper.id),
            "url": format!("https://arxiv.org/abs/{}", paper.versioned_id()),
            "pdf": format!("https://arxiv.org/pdf/{}", paper.versioned_id()),
        });
        topics
            .entry(name.clone())
            .or_insert_with(|| json!([]))
            .as_array_mut()
            .expect("an array")
            .push(entry);
    }
    let n: usize = topics
        .values()
        .filter_map(Value::as_array)
        .map(Vec::len)
        .sum();
    let summary = format!(
        "{n} papers first shown since {} in {} topics",
        since.to_zoned(jiff::tz::TimeZone::UTC).date(),
        topics.len()
    );
    Ok((
        json!({ "since": since.to_string(), "topics": topics }),
        summary,
    ))
}

/// `topics`: each configured topic with its counts.
fn topics(settings: &Settings) -> anyhow::Result<(Value, String)> {
    let store = open_store(settings, false)?;
    let counts = store.topic_counts()?;
    let list: Vec<Value> = settings
        .topics
        .iter()
        .map(|t| {
            let (shown, hidden) = counts.get(&t.name).copied().unwrap_or((0, 0));
            json!({
                "name": t.name,
                "query": t.query,
                "ids": t.ids.iter().map(ArxivId::as_str).collect::<Vec<_>>(),
                "shown": shown,
                "hidden": hidden,
            })
        })
        .collect();
    let n = list.len();
    Ok((json!({ "topics": list }), format!("{n} topics")))
}

/// A topic's shown papers as a Markdown table, newest first.
fn topic_table(settings: &Settings, name: &str) -> anyhow::Result<String> {
    let store = open_store(settings, false)?;
    let answers = store.hf_answers()?;
    let papers = store.shown_papers(name)?;
    let mut out = format!(
        "# {}\n\n| Date | Title | Authors | PDF | Code |\n|:---|:---|:---|:---|:---|\n",
        crate::text::markdown_cell(name)
    );
    for p in &papers {
        let code = tracker::code_link(settings, p, &answers)
            .map_or("null".to_string(), |c| format!("[link]({c})"));
        let authors = match p.authors.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [first, ..] => format!("{first} et al."),
        };
        out.push_str(&format!(
            "| {} | {} | {} | [{}](https://arxiv.org/abs/{}) | {code} |\n",
            p.updated.to_zoned(jiff::tz::TimeZone::UTC).date(),
            crate::text::markdown_cell(&p.title),
            crate::text::markdown_cell(&authors),
            p.versioned_id(),
            p.versioned_id(),
        ));
    }
    Ok(out)
}

/// `mark`, under the run lock.
fn mark(settings: &Settings, now: Timestamp, p: &MarkParams) -> anyhow::Result<(Value, String)> {
    let topic = settings
        .topics
        .iter()
        .find(|t| t.name == p.topic)
        .ok_or_else(|| anyhow::anyhow!("no topic named {:?}", p.topic))?;
    let (id, _) = ArxivId::parse_versioned(&p.id)?;
    let label = match p.label.as_str() {
        "relevant" => Some(true),
        "irrelevant" => Some(false),
        "clear" => None,
        other => anyhow::bail!("label must be relevant, irrelevant or clear, not {other:?}"),
    };
    let _lock = crate::store::lock::acquire(&settings.database.path, LOCK_WAIT, |_| {})?;
    let mut store = open_store(settings, false)?;
    if store.papers_by_ids(std::slice::from_ref(&id))?.is_empty() {
        anyhow::bail!("paper {id} is not in the database");
    }
    let settled = tracker::label(settings, &mut store, &topic.name, &id, label, now)?;
    let text = format!(
        "{id} is now {} in {}; the topic has {} relevant and {} irrelevant labels",
        if settled.shown { "shown" } else { "hidden" },
        topic.name,
        settled.positives,
        settled.negatives
    );
    Ok((
        json!({"id": id.as_str(), "topic": topic.name, "label": p.label, "shown": settled.shown,
               "positives": settled.positives, "negatives": settled.negatives}),
        text,
    ))
}

/// `star`, under the run lock.
fn star(settings: &Settings, now: Timestamp, p: &StarParams) -> anyhow::Result<(Value, String)> {
    let (id, _) = ArxivId::parse_versioned(&p.id)?;
    let on = !p.remove.unwrap_or(false);
    let _lock = crate::store::lock::acquire(&settings.database.path, LOCK_WAIT, |_| {})?;
    let mut store = open_store(settings, false)?;
    if store.papers_by_ids(std::slice::from_ref(&id))?.is_empty() {
        anyhow::bail!("paper {id} is not in the database");
    }
    tracker::star(settings, &store, &id, on, now)?;
    let zotero = if on {
        tracker::push_stars(settings, &mut store)?
    } else {
        None
    };
    let text = if on {
        format!("starred {id}")
    } else {
        format!("removed the star of {id}")
    };
    Ok((
        json!({"id": id.as_str(), "starred": on, "zotero": zotero}),
        text,
    ))
}

/// Runs the server on stdin/stdout until the client closes it.
pub(super) fn run(settings: Settings, args: &McpArgs) -> anyhow::Result<ExitCode> {
    let mut tools = Paperwatch::read_tools();
    if args.allow_write {
        tools += Paperwatch::write_tools();
    }
    let server = Paperwatch {
        settings: Arc::new(settings),
        tool_router: tools,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let service = server
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| anyhow::anyhow!("the MCP client did not start a session: {e}"))?;
        service
            .waiting()
            .await
            .map_err(|e| anyhow::anyhow!("the MCP session ended with an error: {e}"))?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
