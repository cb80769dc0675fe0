//! Command-line types (clap derive). No logic: `commands` turns these into actions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Keep on top of a research field on arXiv: fetch new papers politely, keep every paper in
/// SQLite, publish a README of per-topic tables.
#[derive(Debug, Parser)]
#[command(name = "paperwatch", version, propagate_version = true)]
pub struct Cli {
    /// Config file. Default: ./paperwatch.toml when it exists, else the embedded default
    /// (the six topics of the mobile-NPU LLM tracker).
    #[arg(long, global = true, env = "PAPERWATCH_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more: -v for each request and retry, -vv for debugging.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The daily job: fetch every topic, store the papers, then write the README.
    ///
    /// Exits 0 when every topic was fetched, 1 when any failed (the others are still stored and
    /// rendered; a failed topic keeps its stored papers). When every topic fails nothing is
    /// rewritten.
    Update(UpdateArgs),
    /// Fetch and store only; write nothing else.
    Fetch(FetchArgs),
    /// Write the README, the trend chart, the site and its feeds from the database, without
    /// touching the network.
    Render(RenderArgs),
    /// Print the papers: the shown ones (csv, bibtex, cv-json), or every stored paper with its
    /// topics, shown or hidden (json).
    Export(ExportArgs),
    /// Label a paper relevant or irrelevant for a topic, or clear its label (trains the topic's
    /// feedback model).
    Mark(MarkArgs),
    /// Show why a paper is shown or hidden: matched and excluded terms, score parts, labels.
    Explain(ExplainArgs),
    /// Measure filtering and ranking against graded papers (a TSV of `id` and `grade` 0/1/2).
    Eval(EvalArgs),
    /// Full-text search over stored papers (title, abstract, authors, comment).
    Search(SearchArgs),
    /// Every field of one paper, its versions, topics and code link.
    Show(ShowArgs),
    /// Papers per topic and month, recent runs, destinations, listing checks, database size.
    Stats(StatsArgs),
    /// Every reader label (👍/👎 from `mark`, digests' feedback issues), by topic.
    Labels(LabelsArgs),
    /// Keep a paper to read later (⭐), or drop it with --remove; `export --starred` lists them.
    Star(StarArgs),
    /// A Model Context Protocol server over stdio, for AI assistants: tools `feed`, `search`,
    /// `show`, `similar`, `explain`, `topics`, `audit` (and `mark`, `star` with --allow-write),
    /// each topic's table as a resource.
    Mcp(McpArgs),
    /// A local inbox in the browser: unread papers per topic, topic and paper pages, search,
    /// starred papers, and 👍/👎/⭐ buttons that teach the tracker at once.
    ///
    /// Listens on 127.0.0.1 only (unless --bind names another address); every change needs the
    /// token its pages carry. Runs until interrupted.
    Serve(ServeArgs),
    /// The stored papers most like one ("more like this"): cosine over TF-IDF of title and
    /// abstract, words and pairs; any stored paper, bulk-imported ones too.
    Similar(SimilarArgs),
    /// Apply a reader's 👍/👎 that arrived as a GitHub issue (the workflow's `issues` job): only
    /// from the repository's owner, members and collaborators.
    Feedback(FeedbackArgs),
    /// Account for every paper arXiv announced on a day: per topic, announced in its categories,
    /// matching its query, stored, shown, hidden (why) and missing (why).
    Audit(AuditArgs),
    /// Migrate a cv-arxiv-daily fork: its config.yaml and JSON databases.
    ImportCv(ImportCvArgs),
    /// Scaffold a tracker: paperwatch.toml, a GitHub Actions workflow, .gitignore, a guide.
    Init(InitArgs),
    /// Bulk-import arXiv metadata: the Kaggle snapshot (no requests) or an OAI-PMH harvest.
    Import(ImportArgs),
    /// Deliver the digests queued for the `[[notify]]` destinations (`update` does this after
    /// publishing).
    ///
    /// Each new paper goes once to each destination; a failed delivery stays queued for the
    /// next run (exit 1).
    Notify(NotifyArgs),
    /// Print a shell completion script: `paperwatch completions bash > /etc/bash_completion.d/paperwatch`.
    Completions(CompletionsArgs),
    /// Print the man page paperwatch(1) in roff, or write one page per subcommand with --dir.
    Man(ManArgs),
}

/// Options of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Options of `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write paperwatch.1 and a paperwatch-SUBCOMMAND.1 per subcommand into this folder instead.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Options of `notify`.
#[derive(Debug, Args)]
pub struct NotifyArgs {
    /// Print each message as it would be sent; send nothing and mark nothing sent.
    #[arg(long)]
    pub dry_run: bool,
    /// Only this destination (its `name`).
    #[arg(long, value_name = "NAME")]
    pub to: Option<String>,
    /// Send one sample message to this destination, to check its credentials (nothing is
    /// marked sent).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["dry_run", "to"])]
    pub test: Option<String>,
    /// Give a destination's queue and history a new name (rename its `[[notify]]` to NEW in
    /// the config too): nothing is resent or lost. Sends nothing.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with_all = ["dry_run", "to", "test", "forget"])]
    pub rename: Option<Vec<String>>,
    /// Drop a destination's queue and history: configured again, it starts from now (plus its
    /// `backfill`). Sends nothing.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["dry_run", "to", "test"])]
    pub forget: Option<String>,
}

/// Options of `import`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["kaggle", "oai"])))]
pub struct ImportArgs {
    /// The Kaggle "arxiv-metadata-oai-snapshot" JSON-lines file (`.jsonl`, or `.gz`).
    #[arg(long, value_name = "FILE")]
    pub kaggle: Option<PathBuf>,
    /// Harvest arXiv's OAI-PMH interface (`[arxiv] oai_url`, arXivRaw records) instead.
    #[arg(long)]
    pub oai: bool,
    /// With --oai: only this set, e.g. `cs` or `cs:cs:CL` (arXiv's ListSets names them).
    #[arg(long, value_name = "SET", requires = "oai")]
    pub set: Option<String>,
    /// With --oai: records changed on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", requires = "oai")]
    pub from: Option<String>,
    /// With --oai: records changed on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", requires = "oai")]
    pub until: Option<String>,
    /// Papers per transaction.
    #[arg(long, default_value_t = 10_000)]
    pub batch: usize,
}

/// Options of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder (default: the current one).
    pub dir: Option<PathBuf>,
    /// Replace files that already exist.
    #[arg(long)]
    pub force: bool,
    /// Where the workflow's `cargo install --git` gets paperwatch.
    #[arg(
        long,
        value_name = "GIT_URL",
        default_value = "https://github.com/paperwatch/paperwatch"
    )]
    pub install_from: String,
    /// Start from a cv-arxiv-daily fork's config.yaml: its topics replace the default ones.
    #[arg(long, value_name = "FILE")]
    pub cv_config: Option<PathBuf>,
    /// Write no site or feeds (`[site] enabled = false`).
    #[arg(long, conflicts_with_all = ["pages", "site_url"])]
    pub no_site: bool,
    /// Publish the site on GitHub Pages from the workflow.
    #[arg(long)]
    pub pages: bool,
    /// `[site] url` (default with --pages: `https://OWNER.github.io/REPO` from the `origin` remote).
    #[arg(long, value_name = "URL")]
    pub site_url: Option<String>,
    /// Add a digest destination of this kind (repeatable); its secrets are wired in the workflow.
    #[arg(long, value_enum, value_name = "KIND")]
    pub notify: Vec<InitNotify>,
    /// Ask nothing, even on a terminal: the flags (and their defaults) decide.
    #[arg(long)]
    pub no_input: bool,
}

/// A digest destination `init` can add.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitNotify {
    /// E-mail over SMTP.
    Email,
    /// A Slack incoming webhook.
    Slack,
    /// A Discord webhook.
    Discord,
    /// A Telegram bot.
    Telegram,
    /// A Feishu/Lark bot.
    Feishu,
    /// Any URL, signed.
    Webhook,
}

/// Options of `search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// FTS5 query: words (all must match), "a phrase", prefix*, AND, OR, NOT, title:word.
    pub query: String,
    /// Only papers shown in this topic.
    #[arg(long, value_name = "NAME")]
    pub topic: Option<String>,
    /// Only papers first published on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only papers with this arXiv category (e.g. cs.CL).
    #[arg(long, value_name = "CATEGORY")]
    pub category: Option<String>,
    /// At most this many results.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Print `{"results": [...]}` as JSON.
    #[arg(long)]
    pub json: bool,
    /// Accepted for scripts written for earlier versions; every match is ranked now.
    #[arg(long, hide = true)]
    pub exhaustive: bool,
}

/// Options of `show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The paper: `2407.05858`, `2407.05858v2`, `arXiv:2407.05858`, or an abs/pdf URL.
    pub id: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Options of `stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Options of `labels`.
#[derive(Debug, Args)]
pub struct LabelsArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Options of `star`.
#[derive(Debug, Args)]
pub struct StarArgs {
    /// The paper (any id form).
    pub id: String,
    /// Remove the star instead.
    #[arg(long)]
    pub remove: bool,
}

/// Options of `mcp`.
#[derive(Debug, Args)]
pub struct McpArgs {
    /// Offer the `mark` and `star` tools too (labels and stars change what the tracker shows).
    #[arg(long)]
    pub allow_write: bool,
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port (0: any free port). Default: `[serve] port`.
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// Listen on this address instead of 127.0.0.1 (with a warning: anyone who can reach it
    /// can read your papers).
    #[arg(long, value_name = "ADDRESS")]
    pub bind: Option<std::net::IpAddr>,
    /// Open the inbox in the default browser once it listens.
    #[arg(long)]
    pub open: bool,
}

/// Options of `similar`.
#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// The paper (`2407.05858`, `arXiv:2407.05858v2`, an abs/pdf URL).
    pub id: String,
    /// How many to list.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Options of `feedback`.
#[derive(Debug, Args)]
pub struct FeedbackArgs {
    /// The `issues` event's JSON (`$GITHUB_EVENT_PATH` in a workflow).
    #[arg(long, value_name = "FILE")]
    pub github_event: PathBuf,
    /// Where to write the answer to post on the issue (written only when the issue is a
    /// feedback issue from an allowed author).
    #[arg(long, value_name = "FILE")]
    pub answer: Option<PathBuf>,
}

/// Options of `audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The announcement day (YYYY-MM-DD); default: the latest checked.
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Options of `import-cv`.
#[derive(Debug, Args)]
pub struct ImportCvArgs {
    /// The fork's config.yaml (default: ./config.yaml when it exists).
    #[arg(long = "config-yaml", visible_alias = "cv-config", value_name = "FILE")]
    pub config_yaml: Option<PathBuf>,
    /// A JSON database of the fork (repeatable), e.g. docs/cv-arxiv-daily.json.
    #[arg(long = "json", value_name = "FILE")]
    pub json: Vec<PathBuf>,
    /// The paperwatch config to write (an existing one is kept and used).
    #[arg(long, value_name = "FILE", default_value = "paperwatch.toml")]
    pub out: PathBuf,
}

/// Options of `mark`.
#[derive(Debug, Args)]
pub struct MarkArgs {
    /// The paper (`2407.05858`, `arXiv:2407.05858v2`, an abs/pdf URL).
    pub id: String,
    /// The topic the label is for.
    #[arg(long, value_name = "NAME")]
    pub topic: String,
    /// Which label.
    #[command(flatten)]
    pub label: LabelArg,
}

/// `--relevant`, `--irrelevant` or `--clear`.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct LabelArg {
    /// The paper belongs in the topic.
    #[arg(long)]
    pub relevant: bool,
    /// The paper does not belong in the topic.
    #[arg(long)]
    pub irrelevant: bool,
    /// Remove the label: the model decides again.
    #[arg(long)]
    pub clear: bool,
}

/// Options of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The paper (any id form).
    pub id: String,
    /// Only this topic (default: every topic the paper is in).
    #[arg(long, value_name = "NAME")]
    pub topic: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Options of `eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Tab-separated file with columns `id` and `grade` (0 off-theme, 1 borderline, 2 on theme).
    #[arg(long, value_name = "FILE")]
    pub labels: PathBuf,
    /// Also report figures by K-fold cross-validation: the relevance model trained on the configured examples plus the labels, without each fold.
    #[arg(long, value_name = "K")]
    pub cross_validate: Option<usize>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Options of `update` and `fetch`.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Fetch only this topic (repeatable). Default: every topic.
    #[arg(long = "topic", value_name = "NAME")]
    pub topics: Vec<String>,

    /// Ask arXiv again for pinned ids that are already stored.
    #[arg(long)]
    pub refresh: bool,
}

/// Options of `update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Which topics, and pinned ids again.
    #[command(flatten)]
    pub fetch: FetchArgs,
    /// Replace the README even when paperwatch did not write it (it has no `## Updated on`
    /// line).
    #[arg(long)]
    pub force: bool,
}

/// Options of `render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Replace the README even when paperwatch did not write it (it has no `## Updated on`
    /// line).
    #[arg(long)]
    pub force: bool,
}

/// Options of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,

    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Only papers shown in this topic (repeatable).
    #[arg(long = "topic", value_name = "NAME")]
    pub topics: Vec<String>,

    /// Only the starred papers (⭐, from `star` or the inbox), shown or not, newest star first.
    #[arg(long, conflicts_with = "topics")]
    pub starred: bool,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A JSON array of every stored paper with its topics (shown or not).
    Json,
    /// One CSV row per shown paper, with a header.
    Csv,
    /// One BibTeX `@misc` entry per shown paper.
    Bibtex,
    /// cv-arxiv-daily's JSON database: `{topic: {id: README row}}` of shown papers.
    CvJson,
}
