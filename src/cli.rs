//! Command-line types (clap derive). No logic: `app` turns these into actions.

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
    Update(FetchArgs),
    /// Fetch and store only; write nothing else.
    Fetch(FetchArgs),
    /// Write the README from the database, without touching the network.
    Render,
    /// Print every stored paper.
    Export(ExportArgs),
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

/// Options of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,

    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A JSON array of papers with their topics.
    Json,
}
