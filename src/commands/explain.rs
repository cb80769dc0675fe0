//! `paperwatch explain ID [--topic T]`: why a paper is shown or hidden.

use std::fmt::Write as _;
use std::process::ExitCode;

use super::shared::{find_paper, outln};
use crate::cli::ExplainArgs;
use crate::config::{Settings, Topic};
use crate::model::StoredPaper;
use crate::output::UsageError;
use crate::relevance::trained::Model;
use crate::relevance::{Decision, MIN_LABELS_PER_KIND};
use crate::tracker::{self, Explanation};

#[derive(serde::Serialize)]
struct Explained<'a> {
    topic: &'a str,
    #[serde(flatten)]
    decision: Decision,
}

/// The topics asked about (config indexes): `--topic`, else every configured topic the paper
/// is in.
fn topics_asked(
    settings: &Settings,
    args: &ExplainArgs,
    stored: &StoredPaper,
) -> anyhow::Result<Vec<usize>> {
    Ok(match &args.topic {
        Some(name) => vec![
            settings
                .topics
                .iter()
                .position(|t| &t.name == name)
                .ok_or_else(|| {
                    UsageError(format!("no topic named {name:?} in {}", settings.source))
                })?,
        ],
        None => (0..settings.topics.len())
            .filter(|&i| {
                stored
                    .topics
                    .iter()
                    .any(|m| m.name == settings.topics[i].name)
            })
            .collect(),
    })
}

/// Prints each topic's verdict on the paper with its reasons.
pub(super) fn run(settings: &Settings, args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let (store, stored) = find_paper(settings, &args.id)?;
    let stored = &stored;
    let topics = topics_asked(settings, args, stored)?;
    let Explanation {
        decisions,
        model,
        top_terms,
    } = tracker::explain(settings, &store, stored, &topics)?;
    let explained: Vec<(&Topic, Decision)> = decisions
        .into_iter()
        .map(|(t, d)| (&settings.topics[t], d))
        .collect();
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&as_json(explained))?);
        return Ok(ExitCode::SUCCESS);
    }
    let p = &stored.paper;
    let mut out = format!("{}  {}\n", p.versioned_id(), p.title);
    if explained.is_empty() {
        out.push_str("  in no configured topic\n");
    }
    for (topic, d) in &explained {
        let verdict = match (&d.reason, d.pinned, &d.author) {
            (None, true, _) => "shown (pinned)".to_string(),
            (None, false, Some(a)) => format!("shown (by {a}, a followed author)"),
            (None, false, None) => "shown".to_string(),
            (Some(r), _, _) => format!("hidden: {r}"),
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
        write_score(&mut out, topic, d, model.as_ref(), &top_terms);
        let labels = store.labels(&topic.name)?;
        let positives = labels.iter().filter(|l| l.relevant).count();
        if let Some(line) = nearest_labels(&store, p, &labels)? {
            let _ = writeln!(out, "  nearest labels: {line}");
        }
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
    super::shared::emit(&out);
    Ok(ExitCode::SUCCESS)
}

/// The score line(s): the learned model's, with its top terms, or the profile's.
/// What `explain --json` prints.
pub(super) fn json(settings: &Settings, args: &ExplainArgs) -> anyhow::Result<serde_json::Value> {
    let (store, stored) = find_paper(settings, &args.id)?;
    let topics = topics_asked(settings, args, &stored)?;
    let decisions = tracker::explain(settings, &store, &stored, &topics)?.decisions;
    Ok(as_json(
        decisions
            .into_iter()
            .map(|(t, d)| (&settings.topics[t], d))
            .collect(),
    ))
}

fn as_json(explained: Vec<(&Topic, Decision)>) -> serde_json::Value {
    let out: Vec<Explained> = explained
        .into_iter()
        .map(|(t, decision)| Explained {
            topic: &t.name,
            decision,
        })
        .collect();
    serde_json::json!(out)
}

fn write_score(
    out: &mut String,
    topic: &Topic,
    d: &Decision,
    model: Option<&Model>,
    top_terms: &[(String, f32)],
) {
    let feedback = match d.feedback_score {
        Some(f) => format!(", averaged with feedback {f:.3}"),
        None => String::new(),
    };
    let score = d.score.map_or("none".to_string(), |s| format!("{s:.3}"));
    match (d.model_score, model) {
        (Some(m), Some(model)) => {
            let _ = writeln!(
                out,
                "  score {score} = learned model {m:.3} (threshold {:.3}; {} examples){feedback}; profile {:.3}",
                model.learned.threshold, model.examples, d.profile_score
            );
            let terms: Vec<String> = top_terms
                .iter()
                .map(|(t, c)| format!("{t} ({c:+.2})"))
                .collect();
            let _ = writeln!(out, "  model's top terms: {}", terms.join(", "));
        }
        _ => {
            let _ = writeln!(
                out,
                "  score {score} = profile {:.3} (cosine {:.3} with keywords, description, {} exemplars){feedback}",
                d.profile_score,
                d.cosine,
                topic.exemplars.len(),
            );
        }
    }
}

/// The labelled papers nearest `paper` (cosine over the relevance model's TF-IDF of the stored
/// topic papers), at most 3, each with its label: the labels that pull its score most.
fn nearest_labels(
    store: &crate::store::Store,
    paper: &crate::model::Paper,
    labels: &[crate::model::Label],
) -> anyhow::Result<Option<String>> {
    if labels.iter().all(|l| l.id == paper.id) {
        return Ok(None);
    }
    let stored = store.member_papers()?;
    let papers: Vec<&crate::model::Paper> = stored.iter().map(|s| &s.paper).collect();
    let Some(near) = crate::relevance::similar::similar(&paper.id, &papers, papers.len()) else {
        return Ok(None);
    };
    let nearest: Vec<String> = near
        .iter()
        .filter_map(|(p, score)| {
            let label = labels.iter().find(|l| l.id == p.id)?;
            let mark = if label.relevant { "👍" } else { "👎" };
            Some(format!("{mark} {} ({score:.2})", p.id))
        })
        .take(3)
        .collect();
    Ok((!nearest.is_empty()).then(|| nearest.join(", ")))
}
