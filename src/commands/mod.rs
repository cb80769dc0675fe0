//! The subcommands, one thin file each: read the flags, call the library, print. The daily
//! job itself lives in [`crate::tracker`]; bulk imports in [`crate::import`].

mod audit;
mod docs;
mod eval;
mod explain;
mod export;
mod feedback;
mod fetch;
mod import;
mod import_cv;
mod init;
mod mark;
mod mcp;
mod notify;
mod render;
mod search;
mod serve;
mod shared;
mod show;
mod similar;
mod stats;
mod update;

use std::io::IsTerminal;
use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::config::{self, ConfigError};
use crate::output::Ui;
use crate::tracker::ensure_database;
use shared::{check_database, now, run_lock};

/// Runs the command line; the exit code on success, an error to report otherwise.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    init_logging(cli.quiet, cli.verbose);
    let now = now()?;
    let ui = Ui {
        quiet: cli.quiet,
        progress: !cli.quiet && std::io::stderr().is_terminal(),
    };
    // `init` writes the config: it must work where the current one is broken.
    if let Command::Init(args) = &cli.command {
        return init::run(args, ui);
    }
    // Completions and man pages come from the command line's definition alone.
    match &cli.command {
        Command::Completions(args) => return docs::completions(args),
        Command::Man(args) => return docs::man(args, ui),
        _ => {}
    }
    let names = std::env::vars_os().filter_map(|(k, _)| k.into_string().ok());
    if let Some(var) = config::unknown_env_overrides(names).into_iter().next() {
        return Err(ConfigError::Env {
            var,
            message: "not a known setting (see the configuration reference in README.md)".into(),
        }
        .into());
    }
    if let Command::ImportCv(args) = &cli.command {
        return import_cv::run(args, now, ui);
    }
    let settings = config::load(cli.config.as_deref(), &|k| std::env::var(k).ok())?;
    match cli.command {
        // Long-running: they take the run lock only to check the database and for each change.
        Command::Serve(args) => return serve::run(settings, &args, ui),
        Command::Mcp(args) => {
            check_database(&settings, ui)?;
            return mcp::run(settings, &args);
        }
        _ => {}
    }
    // One run at a time on a database: held until this command returns.
    let _lock = run_lock(&settings, ui)?;
    ensure_database(&settings, ui)?;
    match cli.command {
        Command::Update(args) => update::run(&settings, &args, now, ui),
        Command::Fetch(args) => fetch::run(&settings, &args, now, ui),
        Command::Render(args) => render::run(&settings, args.force, now, ui),
        Command::Export(args) => export::run(&settings, &args),
        Command::Mark(args) => mark::run(&settings, &args, now, ui),
        Command::Explain(args) => explain::run(&settings, &args),
        Command::Eval(args) => eval::run(&settings, &args),
        Command::Search(args) => search::run(&settings, &args),
        Command::Show(args) => show::run(&settings, &args),
        Command::Stats(args) => stats::run(&settings, &args),
        Command::Audit(args) => audit::run(&settings, &args),
        Command::Similar(args) => similar::run(&settings, &args),
        Command::Labels(args) => mark::list(&settings, &args),
        Command::Star(args) => mark::star(&settings, &args, now, ui),
        Command::Feedback(args) => feedback::run(&settings, &args, now, ui),
        Command::Import(args) => import::run(&settings, &args, now, ui),
        Command::Notify(args) => notify::run(&settings, &args, now, ui),
        Command::ImportCv(_)
        | Command::Init(_)
        | Command::Completions(_)
        | Command::Man(_)
        | Command::Serve(_)
        | Command::Mcp(_) => {
            unreachable!("run before the config is read")
        }
    }
}

/// The exit code of a failed run: 75 (EX_TEMPFAIL) when another run holds the database, so
/// trying later will work; 2 for a config or usage mistake; 1 otherwise.
pub fn exit_code_of(err: &anyhow::Error) -> ExitCode {
    let is_usage = err
        .chain()
        .any(|e| e.is::<ConfigError>() || e.is::<crate::output::UsageError>());
    let busy = err.chain().any(|e| {
        matches!(
            e.downcast_ref::<crate::store::lock::LockError>(),
            Some(crate::store::lock::LockError::Busy(_))
        )
    });
    ExitCode::from(match (busy, is_usage) {
        (true, _) => 75,
        (_, true) => 2,
        _ => 1,
    })
}

fn init_logging(quiet: bool, verbose: u8) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("PAPERWATCH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("paperwatch={level}")));
    // The HTTP client logs each request's URL, and a chat URL holds its secret in the path
    // (Telegram's bot token, Slack's and Discord's hook ids): never at any level.
    for quiet in ["ureq=off", "ureq_proto=off"] {
        filter = filter.add_directive(quiet.parse().expect("a valid directive"));
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| crate::output::LossyStderr)
        .with_ansi(crate::output::colour_stream(
            std::io::stderr().is_terminal(),
        ))
        .without_time()
        .with_target(false)
        .try_init();
}
