//! Part of the publish stage: the static site and the feeds.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use jiff::Timestamp;

use super::run::{CodeLinks, Summaries};
use crate::config::Settings;
use crate::model::StoredPaper;
use crate::output::write_atomic;
use crate::render::feed::{FEED_LIMIT, FeedItem, FeedMeta, atom, rss};
use crate::render::site::{SHARD_PAPERS, SiteInput, SitePaper, site as site_files, slugs};

/// Similar papers listed under each paper on the site.
const SIMILAR: usize = 5;
/// The newest shown papers (by id) that get them, among themselves: keeps `data/similar.js`
/// small (about 70 bytes a paper) and its computation short on a bulk-imported archive.
const SIMILAR_PAPERS: usize = 5_000;

/// Writes the site and its feeds into `[site] path`, removing what an earlier run wrote and
/// this one did not; returns the line that says so. `as_of` dates the site and empty feeds: the
/// time of the last news, so that a run without news writes the same bytes.
pub(super) fn site(
    settings: &Settings,
    papers: &[StoredPaper],
    code: &CodeLinks,
    summaries: &Summaries,
    trend_svg: Option<&str>,
    as_of: Timestamp,
) -> anyhow::Result<String> {
    let dir = &settings.site.path;
    let names: Vec<&str> = settings.topics.iter().map(|t| t.name.as_str()).collect();
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let mut shown: Vec<SitePaper> = papers
        .iter()
        .filter_map(|s| {
            let shown: Vec<(usize, Option<f64>)> = s
                .topics
                .iter()
                .filter(|m| m.shown)
                .filter_map(|m| index.get(m.name.as_str()).map(|&i| (i, m.score)))
                .collect();
            if shown.is_empty() {
                return None;
            }
            let topics: Vec<usize> = shown.iter().map(|t| t.0).collect();
            let scores: Vec<Option<f64>> = shown.iter().map(|t| t.1).collect();
            let score = scores.iter().flatten().fold(None, |best: Option<f64>, &x| {
                Some(best.map_or(x, |b| b.max(x)))
            });
            Some(SitePaper {
                paper: &s.paper,
                topics,
                scores,
                score,
                code: code.get(&s.paper.id).map(String::as_str),
                tldr: summaries.get(&s.paper.id).map(String::as_str),
                similar: Vec::new(),
            })
        })
        .collect();
    // "More like this" under each of the newest shown papers: the 5 most similar among them.
    let mut newest: Vec<usize> = (0..shown.len()).collect();
    newest.sort_by(|&a, &b| shown[b].paper.id.cmp(&shown[a].paper.id));
    newest.truncate(SIMILAR_PAPERS);
    let refs: Vec<&crate::model::Paper> = newest.iter().map(|&i| shown[i].paper).collect();
    let near = crate::relevance::similar::neighbours(&refs, SIMILAR);
    for (&at, near) in newest.iter().zip(near) {
        shown[at].similar = near.into_iter().map(|(i, _)| refs[i].id.as_str()).collect();
    }
    let input = SiteInput {
        title: &settings.site.title,
        generated: as_of,
        topics: names.clone(),
        papers: shown,
        trend_svg,
        shard_papers: SHARD_PAPERS,
        feedback: settings.feedback_repository(),
        inbox: (settings.feedback.mode == crate::config::FeedbackMode::Serve)
            .then(|| crate::feedback::inbox_url(settings.serve.port)),
    };
    let mut written = site_files(&input, |path, bytes| write_atomic(&dir.join(path), bytes))?;
    let slugs = slugs(&names);
    written.extend(write_feeds(
        settings,
        papers,
        &input.papers,
        &names,
        &slugs,
        as_of,
    )?);
    remove_stale_files(dir, &written)?;
    Ok(format!(
        "wrote the site and feeds in {} ({} papers)",
        dir.display(),
        input.papers.len()
    ))
}

/// Writes the overall Atom and RSS feeds (by the paper's first-seen time) and one Atom feed per
/// topic (by the time the paper joined the topic). Returns the files written, relative to the
/// site's folder.
fn write_feeds(
    settings: &Settings,
    papers: &[StoredPaper],
    shown: &[SitePaper],
    names: &[&str],
    slugs: &[String],
    as_of: Timestamp,
) -> anyhow::Result<Vec<String>> {
    let dir = &settings.site.path;
    let url = settings.site.url.as_deref();
    let mut written = Vec::with_capacity(names.len() + 2);
    let by_id: HashMap<&str, &StoredPaper> =
        papers.iter().map(|s| (s.paper.id.as_str(), s)).collect();
    let items: Vec<FeedItem> = newest(
        shown
            .iter()
            .map(|p| (by_id[p.paper.id.as_str()].first_seen, p))
            .collect(),
    )
    .map(|(first_seen, p)| FeedItem {
        paper: p.paper,
        first_seen,
        topics: p.topics.iter().map(|&t| names[t]).collect(),
        code: p.code,
    })
    .collect();
    let absolute = |rel: &str| url.map(|u| format!("{u}/{rel}"));
    let overall_id = absolute("feed.xml").unwrap_or_else(|| "urn:paperwatch:feed".to_string());
    let (self_url, site_url) = (absolute("feed.xml"), absolute("index.html"));
    let feed_meta = FeedMeta {
        title: &settings.site.title,
        id: &overall_id,
        self_url: self_url.as_deref(),
        site_url: site_url.as_deref(),
        updated_if_empty: as_of,
    };
    write_atomic(&dir.join("feed.xml"), atom(&feed_meta, &items).as_bytes())?;
    let rss_self = absolute("rss.xml");
    let rss_meta = FeedMeta {
        self_url: rss_self.as_deref(),
        ..feed_meta.clone()
    };
    write_atomic(&dir.join("rss.xml"), rss(&rss_meta, &items).as_bytes())?;
    written.extend(["feed.xml".to_string(), "rss.xml".to_string()]);
    for (i, name) in names.iter().enumerate() {
        let joined = |p: &SitePaper| {
            let stored = by_id[p.paper.id.as_str()];
            stored
                .topics
                .iter()
                .find(|m| m.name == *name)
                .map_or(stored.first_seen, |m| m.first_seen)
        };
        let topic_items: Vec<FeedItem> = newest(
            shown
                .iter()
                .filter(|p| p.topics.contains(&i))
                .map(|p| (joined(p), p))
                .collect(),
        )
        .map(|(first_seen, p)| FeedItem {
            paper: p.paper,
            first_seen,
            topics: vec![name],
            code: p.code,
        })
        .collect();
        let rel = format!("topics/{}.xml", slugs[i]);
        let title = format!("{}: {name}", settings.site.title);
        let id = absolute(&rel).unwrap_or_else(|| format!("urn:paperwatch:topic:{}", slugs[i]));
        let self_url = absolute(&rel);
        let page = absolute(&format!("topics/{}.html", slugs[i]));
        let meta = FeedMeta {
            title: &title,
            id: &id,
            self_url: self_url.as_deref(),
            site_url: page.as_deref(),
            updated_if_empty: as_of,
        };
        write_atomic(&dir.join(&rel), atom(&meta, &topic_items).as_bytes())?;
        written.push(rel);
    }
    Ok(written)
}

/// The papers a feed shows, newest first by `(time, id)` as the feed orders them, at most
/// [`FEED_LIMIT`]: only those become feed items, however many papers the site shows.
fn newest<'s, 'a>(
    mut keyed: Vec<(Timestamp, &'s SitePaper<'a>)>,
) -> impl Iterator<Item = (Timestamp, &'s SitePaper<'a>)> {
    keyed.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.paper.id.cmp(&a.1.paper.id)));
    keyed.into_iter().take(FEED_LIMIT)
}

/// Removes what an earlier run wrote and this one did not: pages and feeds of topics that no
/// longer exist, data files of years that no longer have papers, and the single data files
/// (`papers.json`, `papers.js`) that versions before the per-year files wrote.
fn remove_stale_files(dir: &Path, written: &[String]) -> anyhow::Result<()> {
    let stale = |rel: &str| {
        let ours = match rel.split_once('/') {
            Some(("topics", name)) => name.ends_with(".html") || name.ends_with(".xml"),
            Some(("data", name)) => name.ends_with(".js"),
            _ => rel == "papers.json" || rel == "papers.js",
        };
        ours && !written.iter().any(|w| w == rel)
    };
    let mut candidates = vec!["papers.json".to_string(), "papers.js".to_string()];
    for sub in ["topics", "data"] {
        if let Ok(entries) = std::fs::read_dir(dir.join(sub)) {
            candidates.extend(
                entries
                    .flatten()
                    .map(|e| format!("{sub}/{}", e.file_name().to_string_lossy())),
            );
        }
    }
    for rel in candidates.iter().filter(|r| stale(r)) {
        let path = dir.join(rel);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", path.display())),
        }
    }
    Ok(())
}
