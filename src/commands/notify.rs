//! `paperwatch notify [--dry-run] [--to NAME] [--test NAME] [--rename OLD NEW] [--forget NAME]`:
//! deliver the queued digests, or keep the delivery records when a destination changes.

use std::process::ExitCode;

use jiff::Timestamp;

use super::shared::emit;
use crate::cli::NotifyArgs;
use crate::config::Settings;
use crate::model::ArxivId;
use crate::notify::{Item, render, send};
use crate::output::Ui;
use crate::output::UsageError;
use crate::tracker;

/// Runs `notify`.
pub(super) fn run(
    settings: &Settings,
    args: &NotifyArgs,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<ExitCode> {
    if let Some(names) = &args.rename {
        return records(settings, ui, Change::Rename(&names[0], &names[1]));
    }
    if let Some(name) = &args.forget {
        return records(settings, ui, Change::Forget(name));
    }
    let name = args.test.as_deref().or(args.to.as_deref());
    if let Some(name) = name
        && !settings.notify.iter().any(|d| d.name == name)
    {
        let known: Vec<&str> = settings.notify.iter().map(|d| d.name.as_str()).collect();
        return Err(UsageError(format!(
            "no [[notify]] named {name:?} in {} (destinations: {})",
            settings.source,
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ))
        .into());
    }
    let env = |k: &str| std::env::var(k).ok();
    if let Some(name) = &args.test {
        let dest = settings
            .notify
            .iter()
            .find(|d| &d.name == name)
            .expect("checked");
        let message = render::messages(dest, &[sample()], None).remove(0);
        return match send::deliver(dest, &message, &env, &std::thread::sleep) {
            Ok(()) => {
                ui.say(&format!("notify {name}: the sample message was accepted"));
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                ui.say(&format!("notify {e}"));
                Ok(ExitCode::FAILURE)
            }
        };
    }
    let options = tracker::NotifyOptions {
        dry_run: args.dry_run,
        to: args.to.as_deref(),
    };
    let reports = tracker::notify(settings, options, now, ui)?;
    for r in &reports {
        for p in &r.previews {
            emit(p);
        }
        if args.dry_run && r.previews.is_empty() {
            ui.say(&format!("notify {}: nothing queued", r.destination));
        }
    }
    Ok(if reports.iter().any(|r| r.error.is_some()) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// A change to a destination's delivery records.
enum Change<'a> {
    Rename(&'a str, &'a str),
    Forget(&'a str),
}

/// `--rename` and `--forget`: the database and the deliveries snapshot changed together.
fn records(settings: &Settings, ui: Ui, change: Change) -> anyhow::Result<ExitCode> {
    let mut store = tracker::open_store(settings, false)?;
    let (done, said) = match change {
        Change::Rename(old, new) => {
            if !crate::config::is_destination_name(new) {
                return Err(UsageError(format!(
                    "--rename: {new:?} is not a destination name (letters, digits, `-`, `_`)"
                ))
                .into());
            }
            (
                store.rename_destination(old, new)?,
                format!("notify: {old} is now {new}; its queue and history went with it"),
            )
        }
        Change::Forget(name) => (
            store.forget_destination(name)?,
            format!("notify: forgot {name}; configured again, it starts from now"),
        ),
    };
    done.map_err(|e| UsageError(e.to_string()))?;
    tracker::write_snapshot(settings, &store)?;
    ui.say(&said);
    Ok(ExitCode::SUCCESS)
}

/// The sample paper of `notify --test`.
fn sample() -> Item {
    Item {
        id: ArxivId::parse("2407.05858").expect("a valid id"),
        version: 1,
        title: "paperwatch test message: your destination works".into(),
        authors: vec!["paperwatch".into()],
        date: "2024-07-08".into(),
        topics: vec!["test".into()],
        score: None,
        url: "https://arxiv.org/abs/2407.05858".into(),
        pdf: "https://arxiv.org/pdf/2407.05858".into(),
        code: None,
        summary: "If you read this, paperwatch can deliver digests here.".into(),
        why: "notify --test".into(),
        revision: false,
        published: None,
        feedback: None,
    }
}
