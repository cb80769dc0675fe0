//! The head pass: the newest papers of every topic whose history has begun, asked for in one
//! combined query (the topics' searches OR-ed) rather than one query per topic, so a day
//! without news costs one request however many topics there are.
//!
//! Pages are ordered by `lastUpdatedDate`, newest first: a new paper and a fresh revision of an
//! old one both sit at the head, so paging on while a page holds news catches both. Each paper
//! is routed locally to exactly the topics whose own query arXiv would have answered with it:
//! arXiv's reading of the query, stemmed, phrases as adjacent words
//! ([`Expr::matches_like_arxiv`]). Papers no topic takes are stored outside any topic, so they
//! are not news again. The papers are kept in memory and stored with each topic's other
//! papers in one transaction: storing a page alone would make the next run stop before the
//! pages after it.

use std::collections::HashSet;
use std::ops::Range;

use indicatif::ProgressBar;
use tracing::{info, warn};

use super::run::TopicError;
use crate::arxiv::{Client, Order};
use crate::config::{Settings, Topic};
use crate::model::{ArxivId, Paper};
use crate::query::{Algorithm, Doc, Expr, Stemmed, Stemmer};
use crate::store::Store;

/// arXiv never serves more than this many results of one query.
const ARXIV_MAX_OFFSET: usize = 30_000;

/// The largest page arXiv serves.
const ARXIV_MAX_PAGE: usize = 2000;

/// The longest combined query (characters) sent in one request; past it the topics are split
/// into several groups. Six long topic queries take about 5,000.
pub(super) const MAX_COMBINED: usize = 12_000;

/// A topic taking part in the head pass, with its search.
pub(super) struct Member<'a> {
    pub topic: &'a Topic,
    pub query: String,
}

/// What a group's head pass returned.
pub(super) struct Routed {
    /// Per member of the group, in order: the papers routed to it.
    pub papers: Vec<Vec<Paper>>,
    /// Per member: how many of its papers came at a higher version than it had.
    pub revised: Vec<u64>,
    /// Papers no member's query takes.
    pub unrouted: Vec<Paper>,
}

/// Splits `members` into consecutive groups whose combined query stays under
/// [`MAX_COMBINED`]. A query that cannot be parsed locally cannot be routed: it gets a group of
/// its own.
pub(super) fn groups(members: &[Member]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut length = 0;
    for (i, m) in members.iter().enumerate() {
        let alone = Expr::parse(&m.query).is_err();
        let extra = m.query.len() + " OR ()".len();
        match out.last_mut() {
            Some(last)
                if !alone
                    && length + extra <= MAX_COMBINED
                    && Expr::parse(&members[last.start].query).is_ok() =>
            {
                last.end = i + 1;
                length += extra;
            }
            _ => {
                out.push(i..i + 1);
                length = extra;
            }
        }
    }
    out
}

/// The queries OR-ed, each in parentheses; one query as it is.
pub(super) fn combined(queries: &[&str]) -> String {
    match queries {
        [one] => one.to_string(),
        _ => queries
            .iter()
            .map(|q| format!("({q})"))
            .collect::<Vec<_>>()
            .join(" OR "),
    }
}

/// Routes papers to the members whose query takes them.
struct Router {
    exprs: Vec<Expr>,
    stemmer: Stemmer,
}

impl Router {
    fn new(members: &[Member]) -> Router {
        Router {
            exprs: members
                .iter()
                .filter_map(|m| Expr::parse(&m.query).ok())
                .collect(),
            stemmer: Stemmer::create(Algorithm::English),
        }
    }

    /// Indexes of the members `paper` belongs to; every member when there is only one (arXiv
    /// answered that member's own query).
    fn route(&self, paper: &Paper) -> Vec<usize> {
        if self.exprs.len() <= 1 {
            return vec![0];
        }
        let doc = Doc::new(paper);
        let stemmed = Stemmed::new(&doc, &self.stemmer);
        (0..self.exprs.len())
            .filter(|&i| self.exprs[i].matches_like_arxiv(&doc, &stemmed, &self.stemmer))
            .collect()
    }
}

/// The head pass of one group: pages of the combined query, newest update first, until a
/// page holds nothing new for any member (a paper not yet a member at this version, or one
/// no member takes that is not stored at all).
pub(super) fn head_pass(
    settings: &Settings,
    store: &Store,
    client: &mut Client,
    members: &[Member],
    bar: &ProgressBar,
) -> Result<Routed, TopicError> {
    let queries: Vec<&str> = members.iter().map(|m| m.query.as_str()).collect();
    let query = combined(&queries);
    let names: Vec<&str> = members.iter().map(|m| m.topic.name.as_str()).collect();
    let label = names.join(", ");
    let router = Router::new(members);
    let max = settings
        .arxiv
        .max_results
        .unwrap_or(usize::MAX)
        .min(ARXIV_MAX_OFFSET);
    let mut routed = Routed {
        papers: vec![Vec::new(); members.len()],
        revised: vec![0; members.len()],
        unrouted: Vec::new(),
    };
    let mut seen: HashSet<ArxivId> = HashSet::new();
    let mut start = 0usize;
    while start < max {
        let size = if start == 0 {
            settings.arxiv.page_size
        } else {
            ARXIV_MAX_PAGE.max(settings.arxiv.page_size)
        };
        let feed = client.search_by(&query, start, size.min(max - start).max(1), Order::Updated)?;
        let received = feed.entries.len() + feed.skipped.len();
        for reason in &feed.skipped {
            warn!("{label}: skipped an unreadable entry ({reason})");
        }
        let mut new_here = 0;
        for paper in feed.entries {
            if !seen.insert(paper.id.clone()) {
                continue;
            }
            let to = router.route(&paper);
            let news = if to.is_empty() {
                store
                    .stored_ids(std::slice::from_ref(&paper.id))?
                    .is_empty()
            } else {
                let mut news = false;
                for &i in &to {
                    let had = store.member_version(names[i], &paper.id)?;
                    news |= had != Some(paper.version);
                    routed.revised[i] += u64::from(had.is_some_and(|v| v < paper.version));
                }
                news
            };
            new_here += usize::from(news);
            match to.split_last() {
                None => routed.unrouted.push(paper),
                Some((&last, rest)) => {
                    for &i in rest {
                        routed.papers[i].push(paper.clone());
                    }
                    routed.papers[last].push(paper);
                }
            }
        }
        start += received;
        bar.set_position(start as u64);
        info!(
            "{label}: page of {received} at start={}, {new_here} new, {} results in all",
            start - received,
            feed.total_results
                .map_or("?".to_string(), |t| t.to_string())
        );
        let total = feed.total_results.map_or(usize::MAX, |t| t as usize);
        if received == 0 || new_here == 0 || start >= total {
            break;
        }
    }
    Ok(routed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(name: &str) -> Topic {
        Topic {
            name: name.into(),
            keywords: vec![],
            query: None,
            ids: vec![],
            filter: true,
            exclude: vec![],
            categories: vec![],
            exclude_categories: vec![],
            description: None,
            exemplars: vec![],
            authors: vec![],
            min_score: None,
            sort: crate::config::Sort::Id,
        }
    }

    #[test]
    fn queries_are_or_ed_and_split_when_long() {
        assert_eq!(combined(&["ti:a"]), "ti:a");
        assert_eq!(
            combined(&["ti:a OR ti:b", "abs:c"]),
            "(ti:a OR ti:b) OR (abs:c)"
        );
        let t = topic("t");
        let long = format!("all:{}", "x".repeat(MAX_COMBINED / 2));
        let member = |q: &str| Member {
            topic: &t,
            query: q.to_string(),
        };
        let members = [
            member("ti:a"),
            member("ti:b"),
            member(&long),
            member(&long),
            member("ti:(unbalanced"),
            member("ti:c"),
        ];
        assert_eq!(groups(&members), vec![0..3, 3..4, 4..5, 5..6]);
    }
}
