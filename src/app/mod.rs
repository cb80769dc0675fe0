//! The subcommands, one file each. This is the only module that combines the config, the arXiv
//! client, the store and the renderers, and the only one that writes files.

pub mod classify;
pub mod eval;
pub mod explain;
pub mod export;
pub mod fetch;
pub mod import;
pub mod import_cv;
pub mod init;
pub mod links;
pub mod mark;
pub mod publish;
pub mod render;
pub mod search;
pub mod show;
pub mod snapshot;
pub mod stats;
pub mod update;

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use jiff::Timestamp;

use crate::cli::{Cli, Command};
use crate::config::{self, ConfigError, Settings};
use crate::store::Store;

/// Writes command output to stdout. A closed pipe (`paperwatch search x | head`) ends the
/// process quietly with success, as for other command-line tools.
pub fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}

/// `println!` through [`emit`].
macro_rules! outln {
    () => { $crate::app::emit("\n") };
    ($($arg:tt)*) => { $crate::app::emit(&format!("{}\n", format_args!($($arg)*))) };
}
pub(crate) use outln;

/// A mistake in the command line that clap cannot see (e.g. an unknown `--topic`). Exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// How the run talks to the person at the terminal.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    /// Print only errors.
    pub quiet: bool,
    /// Draw progress bars (stderr is a terminal and not quiet).
    pub progress: bool,
}

impl Ui {
    /// A quiet UI without progress bars, for tests.
    pub fn silent() -> Self {
        Ui {
            quiet: true,
            progress: false,
        }
    }

    /// A status line on stderr, unless quiet.
    pub fn say(&self, message: &str) {
        if !self.quiet {
            eprintln!("{message}");
        }
    }
}

/// Runs the command line; the exit code on success, an error to report otherwise.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    init_logging(cli.quiet, cli.verbose);
    let names = std::env::vars_os().filter_map(|(k, _)| k.into_string().ok());
    if let Some(var) = config::unknown_env_overrides(names).into_iter().next() {
        return Err(ConfigError::Env {
            var,
            message: "not a known setting (see the configuration reference in README.md)".into(),
        }
        .into());
    }
    let settings = config::load(cli.config.as_deref(), &|k| std::env::var(k).ok())?;
    let now = now()?;
    let ui = Ui {
        quiet: cli.quiet,
        progress: !cli.quiet && std::io::stderr().is_terminal(),
    };
    if !matches!(cli.command, Command::ImportCv(_) | Command::Init(_)) {
        snapshot::ensure_database(&settings, ui)?;
    }
    match cli.command {
        Command::Update(args) => update::run(&settings, &args, now, ui),
        Command::Fetch(args) => fetch::run(&settings, &args, now, ui),
        Command::Render => {
            render::run(&settings, now, ui)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Export(args) => export::run(&settings, &args),
        Command::Mark(args) => mark::run(&settings, &args, now, ui),
        Command::Explain(args) => explain::run(&settings, &args),
        Command::Eval(args) => eval::run(&settings, &args),
        Command::Search(args) => search::run(&settings, &args, ui),
        Command::Show(args) => show::run(&settings, &args),
        Command::Stats(args) => stats::run(&settings, &args),
        Command::ImportCv(args) => import_cv::run(&settings, &args, now, ui),
        Command::Init(args) => init::run(&args, ui),
        Command::Import(args) => import::run(&settings, &args, now, ui),
    }
}

fn init_logging(quiet: bool, verbose: u8) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("PAPERWATCH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("paperwatch={level}")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .with_target(false)
        .try_init();
}

/// "Now": `SOURCE_DATE_EPOCH` when set (reproducible output), else the clock, in whole seconds.
pub fn now() -> Result<Timestamp, ConfigError> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => value
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|s| Timestamp::from_second(s).ok())
            .ok_or(ConfigError::SourceDateEpoch(value)),
        Err(_) => Ok(Timestamp::from_second(Timestamp::now().as_second())
            .expect("the current time is a valid timestamp")),
    }
}

/// Opens the database and finds one paper given in any id form (`2407.05858v2`, a URL, …).
pub fn find_paper(
    settings: &Settings,
    text: &str,
) -> anyhow::Result<(Store, crate::model::StoredPaper)> {
    let (id, _) =
        crate::model::ArxivId::parse_versioned(text).map_err(|e| UsageError(e.to_string()))?;
    let store = open_store(settings, false)?;
    let stored = store
        .stored_paper(&id)?
        .ok_or_else(|| anyhow::anyhow!("paper {id} is not in the database"))?;
    Ok((store, stored))
}

/// Opens the database, creating it and its folder when `create` is set.
pub fn open_store(settings: &Settings, create: bool) -> anyhow::Result<Store> {
    let path = &settings.database;
    if !create && !path.exists() {
        anyhow::bail!(
            "no database at {}; run `paperwatch update` first",
            path.display()
        );
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create folder {}", parent.display()))?;
    }
    Store::open(path).with_context(|| format!("cannot open database {}", path.display()))
}

/// Writes a file atomically: a temporary file in the same folder, then a rename, so readers see
/// the old file or the new one, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create folder {}", parent.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".paperwatch-")
        .tempfile_in(parent)
        .with_context(|| format!("cannot create a temporary file in {}", parent.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}
