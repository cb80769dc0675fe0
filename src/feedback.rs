//! Feedback from where papers are read: the "👍 more like this" and "👎 not for me" links a
//! paper carries in digests ([`links`]), and the GitHub issue such a link opens, read back
//! ([`parse_title`]). The issue's title is the contract between the two, fixed and documented:
//! `paperwatch: relevant <arXiv id> in <topic>`, `paperwatch: irrelevant <arXiv id> in <topic>`,
//! or `paperwatch: star <arXiv id>` (⭐ keep to read, into Zotero when configured).
//! Pure.

use crate::model::ArxivId;
use crate::text::percent_encode;

/// A reader's verdict on a paper for a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// 👍 more like this: the paper belongs in the topic.
    Relevant,
    /// 👎 not for me: it does not.
    Irrelevant,
    /// ⭐ keep it to read (no topic).
    Star,
}

impl Verdict {
    /// The verdict's word in titles and links.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Relevant => "relevant",
            Verdict::Irrelevant => "irrelevant",
            Verdict::Star => "star",
        }
    }
}

/// A paper's two feedback links for one topic.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Links {
    /// 👍 more like this.
    pub more: String,
    /// 👎 not for me.
    pub less: String,
    /// ⭐ keep to read.
    pub star: String,
}

/// The title of the issue that says `verdict` on `id` for `topic` (a star names no topic).
pub fn title(verdict: Verdict, id: &ArxivId, topic: &str) -> String {
    match verdict {
        Verdict::Star => format!("paperwatch: star {id}"),
        _ => format!("paperwatch: {} {id} in {topic}", verdict.word()),
    }
}

/// The verdict, paper and topic an issue's title says, if it is a feedback title.
pub fn parse_title(title: &str) -> Option<(Verdict, ArxivId, String)> {
    let rest = title.trim().strip_prefix("paperwatch:")?.trim_start();
    let (word, rest) = rest.split_once(' ')?;
    let verdict = match word {
        "star" => {
            return Some((
                Verdict::Star,
                ArxivId::parse(rest.trim()).ok()?,
                String::new(),
            ));
        }
        other => parse_verdict(other)?,
    };
    let (id, topic) = rest.trim_start().split_once(" in ")?;
    let id = ArxivId::parse(id.trim()).ok()?;
    let topic = topic.trim();
    (!topic.is_empty()).then(|| (verdict, id, topic.to_string()))
}

/// The new-issue link on `repository` (`owner/repo`) saying `verdict`.
fn issue_link(repository: &str, verdict: Verdict, id: &ArxivId, topic: &str) -> String {
    let what = match verdict {
        Verdict::Relevant => format!("that {id} is what you want more of for the topic {topic}"),
        Verdict::Irrelevant => format!("that {id} is not for you in the topic {topic}"),
        Verdict::Star => {
            format!("to keep {id} to read (and add it to your Zotero library when one is set)")
        }
    };
    let body = format!(
        "Submit to tell the tracker {what}. Its workflow applies it for the repository's owner, \
         members and collaborators, answers and closes the issue."
    );
    format!(
        "https://github.com/{repository}/issues/new?title={}&body={}&labels=paperwatch",
        percent_encode(&title(verdict, id, topic)),
        percent_encode(&body)
    )
}

/// The links a paper shown in `topic` carries, opening issues on `repository`.
pub fn links(repository: &str, id: &ArxivId, topic: &str) -> Links {
    Links {
        more: issue_link(repository, Verdict::Relevant, id, topic),
        less: issue_link(repository, Verdict::Irrelevant, id, topic),
        star: issue_link(repository, Verdict::Star, id, topic),
    }
}

/// The local inbox's address for links (`paperwatch serve` on `port`).
pub fn inbox_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

/// The links a paper shown in `topic` carries when they open its page in the local inbox on
/// `port`, where one click confirms the verdict (a link alone changes nothing).
pub fn inbox_links(port: u16, id: &ArxivId, topic: &str) -> Links {
    let link = |verdict: Verdict| {
        format!(
            "{}/paper/{id}?topic={}&verdict={}",
            inbox_url(port),
            percent_encode(topic),
            verdict.word()
        )
    };
    Links {
        more: link(Verdict::Relevant),
        less: link(Verdict::Irrelevant),
        // The paper's page, whose ⭐ button stars it.
        star: format!("{}/paper/{id}", inbox_url(port)),
    }
}

/// Reads a verdict's word (`relevant`, `irrelevant`).
pub fn parse_verdict(word: &str) -> Option<Verdict> {
    match word {
        "relevant" => Some(Verdict::Relevant),
        "irrelevant" => Some(Verdict::Irrelevant),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_reads_back_as_what_it_says() {
        let id = ArxivId::parse("2501.01234").unwrap();
        for (verdict, topic) in [
            (Verdict::Relevant, "npu_acceleration"),
            (Verdict::Irrelevant, "端侧推理 edge"),
        ] {
            let t = title(verdict, &id, topic);
            assert_eq!(
                parse_title(&t),
                Some((verdict, id.clone(), topic.to_string()))
            );
        }
        assert_eq!(
            title(Verdict::Irrelevant, &id, "edge"),
            "paperwatch: irrelevant 2501.01234 in edge"
        );
        assert_eq!(
            title(Verdict::Star, &id, "edge"),
            "paperwatch: star 2501.01234"
        );
        assert_eq!(
            parse_title("paperwatch: star 2501.01234"),
            Some((Verdict::Star, id, String::new()))
        );
        for not_ours in [
            "Bug: the README is empty",
            "paperwatch: maybe 2501.01234 in edge",
            "paperwatch: relevant notanid in edge",
            "paperwatch: relevant 2501.01234 in ",
        ] {
            assert_eq!(parse_title(not_ours), None, "{not_ours}");
        }
    }

    #[test]
    fn links_open_a_prefilled_issue_on_the_repository() {
        let id = ArxivId::parse("2501.01234").unwrap();
        let l = links("octo/papers", &id, "edge & npu");
        assert!(
            l.more.starts_with(
                "https://github.com/octo/papers/issues/new?title=paperwatch%3A+relevant+2501.01234+in+edge+%26+npu&body="
            ),
            "{}",
            l.more
        );
        assert!(l.less.contains("title=paperwatch%3A+irrelevant+2501.01234"));
        assert!(!l.more.contains(' ') && !l.more.contains('"'));
        let l = inbox_links(8421, &id, "edge & npu");
        assert_eq!(
            l.less,
            "http://127.0.0.1:8421/paper/2501.01234?topic=edge+%26+npu&verdict=irrelevant"
        );
    }
}
