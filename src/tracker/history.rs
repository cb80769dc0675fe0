//! A topic's history, fetched newest first: the backfill that pages back through everything
//! its query matches, page by page with its cursor, narrowing the query by `submittedDate` past
//! arXiv's 30,000-result window. (The newest papers of a topic whose history has begun come
//! from the combined head pass, `tracker/head.rs`.)

use indicatif::ProgressBar;
use jiff::Timestamp;
use tracing::{info, warn};

use super::run::TopicError;
use crate::arxiv::Client;
use crate::config::{Settings, Topic};
use crate::model::Paper;
use crate::store::{self, History, Store, TopicWrite};

/// arXiv never serves more than this many results of one query.
const ARXIV_MAX_OFFSET: usize = 30_000;

/// The largest page arXiv serves.
const ARXIV_MAX_PAGE: usize = 2000;

/// Where a topic's fetch stands, shared by its head pass and its backfill.
pub(super) struct Pass<'a> {
    pub settings: &'a Settings,
    pub topic: &'a Topic,
    pub bar: &'a ProgressBar,
    pub now: Timestamp,
}

impl Pass<'_> {
    /// The size of the next page: `page_size` for a run's first request of the topic (a quiet
    /// day costs one small page), arXiv's maximum after that, never past `left`.
    fn page(&self, first: bool, left: usize) -> usize {
        let size = if first {
            self.settings.arxiv.page_size
        } else {
            ARXIV_MAX_PAGE.max(self.settings.arxiv.page_size)
        };
        size.min(left).max(1)
    }
}

/// Pages a topic's history back from its cursor (from the newest paper on a first run) to
/// `since` or the oldest match, storing each page with the cursor it leads to in one
/// transaction: a backfill stopped by a fault or a kill resumes after its last stored page.
/// Past arXiv's 30,000-result window the query is narrowed to papers submitted up to the
/// cursor, and paging starts again. `max_results`, when set, stops it and records the cut.
pub(super) fn backfill(
    pass: &Pass,
    store: &mut Store,
    client: &mut Client,
    query: &str,
    mut history: History,
    mut first: bool,
) -> Result<(TopicWrite, Option<(u64, u64)>), TopicError> {
    let name = &pass.topic.name;
    let since = pass.settings.arxiv.since;
    let cap = pass.settings.arxiv.max_results;
    let mut write = TopicWrite::default();
    let mut window = history.cursor.clone();
    let mut start = 0usize;
    let mut size_before = store.topic_size(name)?;
    loop {
        let q = windowed(query, since, window.as_deref());
        let left = cap.map_or(usize::MAX, |c| c.saturating_sub(size_before as usize));
        if left == 0 {
            // An older, larger history already fills the cap.
            history.complete = true;
            history.kept = Some(size_before);
            store.save_history_page(&[], &history, pass.now)?;
            return Ok((write, history.cut()));
        }
        let size = pass.page(first, left.min(ARXIV_MAX_OFFSET - start));
        first = false;
        let feed = client.search(&q, start, size)?;
        let received = feed.entries.len() + feed.skipped.len();
        for reason in &feed.skipped {
            warn!("{name}: skipped an unreadable entry ({reason})");
        }
        let total = feed.total_results.map_or(usize::MAX, |t| t as usize);
        if history.matches.is_none() {
            history.matches = feed.total_results;
        }
        let oldest = feed.entries.iter().map(|p| p.published).min();
        if let Some(oldest) = oldest {
            history.cursor = Some(submitted(oldest));
        }
        start += received;
        let exhausted = received == 0 || start >= total;
        let size_after = size_before + new_ids(store, name, &feed.entries)?;
        let capped = cap.is_some_and(|c| size_after >= c as u64);
        if exhausted || capped {
            history.complete = true;
            history.kept = capped.then_some(size_after);
        }
        let page = store.save_history_page(&feed.entries, &history, pass.now)?;
        write.new += page.new;
        write.revised += page.revised;
        size_before += page.new;
        pass.bar.set_position(size_before);
        info!(
            "{name}: backfill page of {received} at start={} (submitted up to {}), {} new, {} results in all",
            start - received,
            window.as_deref().unwrap_or("now"),
            page.new,
            feed.total_results
                .map_or("?".to_string(), |t| t.to_string())
        );
        if history.complete {
            return Ok((write, history.cut()));
        }
        if start >= ARXIV_MAX_OFFSET {
            // arXiv serves no result past 30,000 of one query: narrow it to what is older.
            if window == history.cursor {
                warn!(
                    "{name}: more than a page of papers share one submission minute; stopping the backfill there"
                );
                history.complete = true;
                store.save_history_page(&[], &history, pass.now)?;
                return Ok((write, None));
            }
            window = history.cursor.clone();
            start = 0;
        }
    }
}

/// How many of `papers` are not yet members of `topic`.
fn new_ids(store: &Store, topic: &str, papers: &[Paper]) -> Result<u64, store::Error> {
    let mut n = 0;
    for p in papers {
        if store.member_version(topic, &p.id)?.is_none() {
            n += 1;
        }
    }
    Ok(n)
}

/// The key a topic's history belongs to: its search and its date bound.
pub(super) fn history_key(query: &str, since: Option<jiff::civil::Date>) -> String {
    match since {
        Some(d) => format!("{query} [since {d}]"),
        None => query.to_string(),
    }
}

/// A submission time as arXiv's `submittedDate` reads it: `YYYYMMDDHHMM`, GMT.
fn submitted(t: Timestamp) -> String {
    t.strftime("%Y%m%d%H%M").to_string()
}

/// `query` limited to papers submitted from `since` up to `until` (`YYYYMMDDHHMM`, inclusive);
/// the query itself when neither is set.
pub(super) fn windowed(
    query: &str,
    since: Option<jiff::civil::Date>,
    until: Option<&str>,
) -> String {
    if since.is_none() && until.is_none() {
        return query.to_string();
    }
    let from = since.map_or("199101010000".to_string(), |d| {
        format!("{:04}{:02}{:02}0000", d.year(), d.month(), d.day())
    });
    let to = until.unwrap_or("999912312359");
    format!("({query}) AND submittedDate:[{from} TO {to}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_arxivs_submitted_date_ranges() {
        assert_eq!(windowed("ti:x", None, None), "ti:x");
        let since = jiff::civil::date(2024, 3, 5);
        assert_eq!(
            windowed("ti:x OR abs:y", Some(since), None),
            "(ti:x OR abs:y) AND submittedDate:[202403050000 TO 999912312359]"
        );
        assert_eq!(
            windowed("ti:x", None, Some("202501021730")),
            "(ti:x) AND submittedDate:[199101010000 TO 202501021730]"
        );
        let t: Timestamp = "2025-01-02T17:30:59Z".parse().unwrap();
        assert_eq!(submitted(t), "202501021730");
        assert_eq!(history_key("q", None), "q");
        assert_eq!(history_key("q", Some(since)), "q [since 2024-03-05]");
    }
}
