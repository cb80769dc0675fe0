//! `paperwatch feedback --github-event FILE [--answer FILE]`: a reader's 👍/👎 that arrived as a
//! GitHub issue (opened from a digest's link, its title in the form [`crate::feedback`] reads),
//! applied as a label when the issue's author is the repository's owner, a member or a
//! collaborator (anyone may open an issue on a public repository: others' issues are left
//! alone, and the command says so). The label takes effect at once (the topics are decided
//! again) and lives in the snapshot; the answer to post on the issue says what changed.

use std::process::ExitCode;

use anyhow::Context;
use jiff::Timestamp;

use crate::cli::FeedbackArgs;
use crate::config::Settings;
use crate::feedback::{Verdict, parse_title};
use crate::model::ArxivId;
use crate::output::{Ui, write_atomic};
use crate::tracker::Settled;
use crate::tracker::open_store;

/// The authors whose issues teach the tracker (GitHub's `author_association`).
const TRUSTED: [&str; 3] = ["OWNER", "MEMBER", "COLLABORATOR"];

/// Runs `feedback`.
pub(super) fn run(
    settings: &Settings,
    args: &FeedbackArgs,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<ExitCode> {
    let path = &args.github_event;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the event {}", path.display()))?;
    let event: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("the event {} is not JSON", path.display()))?;
    let issue = &event["issue"];
    let number = issue["number"].as_u64().unwrap_or(0);
    let login = issue["user"]["login"].as_str().unwrap_or("someone");
    let association = issue["author_association"].as_str().unwrap_or("NONE");
    let Some((verdict, id, topic)) = parse_title(issue["title"].as_str().unwrap_or("")) else {
        ui.say(&format!(
            "feedback: issue #{number} is not a paperwatch feedback issue; left alone"
        ));
        return Ok(ExitCode::SUCCESS);
    };
    if !TRUSTED.contains(&association) {
        ui.say(&format!(
            "feedback: issue #{number} by {login} left alone: its author_association is {association}, \
             and only the repository's owner, members and collaborators teach this tracker"
        ));
        return Ok(ExitCode::SUCCESS);
    }
    let answer = apply(settings, verdict, &id, &topic, now)?;
    ui.say(&format!("feedback: issue #{number} by {login}: {answer}"));
    if let Some(out) = &args.answer {
        write_atomic(out, format!("{answer}\n").as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Stores the label and settles it (`tracker::label`); what changed, in words.
fn apply(
    settings: &Settings,
    verdict: Verdict,
    id: &ArxivId,
    topic: &str,
    now: Timestamp,
) -> anyhow::Result<String> {
    if verdict == Verdict::Star {
        let mut store = open_store(settings, false)?;
        if store.papers_by_ids(std::slice::from_ref(id))?.is_empty() {
            return Ok(format!(
                "Not applied: {id} is not in this tracker's database."
            ));
        }
        crate::tracker::star(settings, &store, id, true, now)?;
        let zotero = match crate::tracker::push_stars(settings, &mut store) {
            Ok(Some(line)) => format!(" {line}."),
            Ok(None) => String::new(),
            Err(e) => format!(" Not in Zotero yet ({e:#}); the next run tries again."),
        };
        return Ok(format!(
            "{id} is starred: `paperwatch export --starred` lists it.{zotero}"
        ));
    }
    if !settings.topics.iter().any(|t| t.name == topic) {
        return Ok(format!(
            "Not applied: this tracker has no topic named `{topic}` (it may have been renamed)."
        ));
    }
    let mut store = open_store(settings, false)?;
    if store.papers_by_ids(std::slice::from_ref(id))?.is_empty() {
        return Ok(format!(
            "Not applied: {id} is not in this tracker's database."
        ));
    }
    let relevant = verdict == Verdict::Relevant;
    let Settled {
        shown,
        positives,
        negatives,
    } = crate::tracker::label(settings, &mut store, topic, id, Some(relevant), now)?;
    Ok(format!(
        "{id} is now marked {} for `{topic}`: {} there. The topic has {positives} relevant and {negatives} irrelevant labels from you; the relevance model learns from them.",
        if relevant { "relevant" } else { "irrelevant" },
        if shown { "shown" } else { "hidden" },
    ))
}
