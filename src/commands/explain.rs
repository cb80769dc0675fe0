//! `paperwatch explain ID [--topic T]`: why a paper is shown or hidden.

use std::fmt::Write as _;
use std::process::ExitCode;

use super::UsageError;
use super::outln;
use crate::cli::ExplainArgs;
use crate::config::Settings;
use crate::relevance::{Decision, MIN_LABELS_PER_KIND};

#[derive(serde::Serialize)]
struct Explained<'a> {
    topic: &'a str,
    #[serde(flatten)]
    decision: Decision,
}

/// Prints each topic's verdict on the paper with its reasons.
pub fn run(settings: &Settings, args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let (store, stored) = super::find_paper(settings, &args.id)?;
    let stored = &stored;
    let topics: Vec<_> = match &args.topic {
        Some(name) => vec![
            settings
                .topics
                .iter()
                .find(|t| &t.name == name)
                .ok_or_else(|| {
                    UsageError(format!("no topic named {name:?} in {}", settings.source))
                })?,
        ],
        None => settings
            .topics
            .iter()
            .filter(|t| stored.topics.iter().any(|m| m.name == t.name))
            .collect(),
    };
    let corpus = crate::tracker::decide::fit(&crate::tracker::Corpus::load(&store)?);
    let mut explained = Vec::new();
    for topic in &topics {
        let decision =
            crate::tracker::decide::decide(&corpus, topic, &store, &[&stored.paper], true)?
                .remove(0);
        explained.push((topic, decision));
    }
    if args.json {
        let out: Vec<Explained> = explained
            .into_iter()
            .map(|(t, decision)| Explained {
                topic: &t.name,
                decision,
            })
            .collect();
        outln!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    let p = &stored.paper;
    let mut out = format!("{}  {}\n", p.versioned_id(), p.title);
    if explained.is_empty() {
        out.push_str("  in no configured topic\n");
    }
    for (topic, d) in &explained {
        let verdict = match (&d.reason, d.pinned) {
            (None, true) => "shown (pinned)".to_string(),
            (None, false) => "shown".to_string(),
            (Some(r), _) => format!("hidden: {r}"),
        };
        let _ = writeln!(out, "\ntopic {}: {verdict}", topic.name);
        let list = |v: &[String]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.join(", ")
            }
        };
        let _ = writeln!(out, "  matched terms:  {}", list(&d.matched));
        let _ = writeln!(out, "  excluded terms: {}", list(&d.excluded));
        let _ = writeln!(
            out,
            "  score {} = profile {:.3} (cosine {:.3} with keywords, description, {} exemplars){}",
            d.score.map_or("none".to_string(), |s| format!("{s:.3}")),
            d.profile_score,
            d.cosine,
            topic.exemplars.len(),
            match d.feedback_score {
                Some(f) => format!(", averaged with feedback {f:.3}"),
                None => String::new(),
            }
        );
        let labels = store.labels(&topic.name)?;
        let positives = labels.iter().filter(|l| l.1).count();
        let _ = writeln!(
            out,
            "  feedback model: {} ({positives} relevant, {} irrelevant labels; needs {MIN_LABELS_PER_KIND} of each)",
            if d.feedback_score.is_some() {
                "active"
            } else {
                "off"
            },
            labels.len() - positives
        );
        let _ = writeln!(
            out,
            "  label: {}{}",
            match d.label {
                Some(true) => "relevant",
                Some(false) => "irrelevant",
                None => "none",
            },
            topic
                .min_score
                .map_or(String::new(), |m| format!("; min_score {m:.2}"))
        );
    }
    super::emit(&out);
    Ok(ExitCode::SUCCESS)
}
