//! Zotero in and out: each `zotero:` example library read since the version last seen (its
//! arXiv papers become graded-2 examples), and the starred papers written into `[zotero]
//! library` once each, a batch per write token.

use std::time::Duration;

use anyhow::Context;
use jiff::Timestamp;
use tracing::{info, warn};

use crate::config::{ExampleSource, Settings};
use crate::model::ArxivId;
use crate::store::Store;
use crate::zotero::client::{Changes, Client};
use crate::zotero::{archive_id, preprint};

/// Items per write (the API's most).
const BATCH: usize = 50;

/// The client `[zotero]` describes, with the key from its environment variable; a key goes
/// only over https or to a loopback host.
pub(super) fn client(settings: &Settings) -> anyhow::Result<Client> {
    let z = &settings.zotero;
    let key = std::env::var(&z.api_key_env)
        .ok()
        .filter(|k| !k.trim().is_empty());
    let host = url::Url::parse(&z.api_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    if key.is_some() && !z.api_url.starts_with("https://") && !crate::text::is_loopback_host(&host)
    {
        anyhow::bail!(
            "the Zotero key ({}) is sent only over https or to a loopback host, and [zotero] api_url is plain http",
            z.api_key_env
        );
    }
    // Tests and stand-ins answer at once; Zotero's own waits are honoured up to a minute.
    Ok(Client::new(
        &z.api_url,
        key,
        Duration::from_secs(30),
        Duration::from_secs(60),
    ))
}

/// The `zotero:` example sources, as `(source text, library, collection)`.
fn sources(settings: &Settings) -> Vec<(String, &str, Option<&str>)> {
    settings
        .relevance
        .examples
        .iter()
        .filter_map(|s| match s {
            ExampleSource::Zotero {
                library,
                collection,
            } => Some((s.to_string(), library.as_str(), collection.as_deref())),
            _ => None,
        })
        .collect()
}

/// Reads each `zotero:` example library's changes since the version last seen. A library that
/// cannot be read is a warning: its stored items keep training the model.
pub(super) fn sync_examples(
    settings: &Settings,
    store: &mut Store,
    now: Timestamp,
) -> anyhow::Result<()> {
    let sources = sources(settings);
    if sources.is_empty() {
        return Ok(());
    }
    let client = client(settings)?;
    for (source, library, collection) in sources {
        let since = store.zotero_version(&source)?;
        match client.changes(library, collection, since) {
            Ok(Changes::Unchanged) => {
                info!("{source}: unchanged since version {}", since.unwrap_or(0))
            }
            Ok(Changes::Changed {
                version,
                items,
                deleted,
            }) => {
                let papers = items.iter().filter(|i| i.id.is_some()).count();
                info!(
                    "{source}: version {version}, {} items changed ({papers} arXiv papers), {} deleted",
                    items.len(),
                    deleted.len()
                );
                let rows: Vec<(String, u64, Option<ArxivId>)> = items
                    .into_iter()
                    .map(|i| (i.key, i.version, i.id))
                    .collect();
                store.apply_zotero(&source, version, &rows, &deleted, since.is_none(), now)?;
            }
            Err(e) => warn!("cannot read {source} ({e}); its stored items still count"),
        }
    }
    Ok(())
}

/// The arXiv papers of a `zotero:` example source, as stored by the last read.
pub(super) fn example_ids(store: &Store, source: &ExampleSource) -> anyhow::Result<Vec<ArxivId>> {
    Ok(store.zotero_papers(&source.to_string())?.0)
}

/// Writes the starred papers queued for `[zotero] library`: a paper the library already holds
/// (by `archiveID`) is not written again; the others go in batches, each with a write token kept
/// with its papers, so a batch retried after a lost answer is applied once. A failed request
/// leaves the papers queued for the next run. Returns a line saying what happened, if anything.
pub(super) fn push_stars(
    settings: &Settings,
    store: &mut Store,
    code: &dyn Fn(&crate::model::Paper) -> Option<String>,
) -> anyhow::Result<Option<String>> {
    let Some(library) = settings.zotero.library.as_deref() else {
        return Ok(None);
    };
    let queued = store.zotero_queue(library)?;
    if queued.is_empty() {
        return Ok(None);
    }
    let client = client(settings)?;
    let (mut written, mut present, mut refused) = (0, 0, 0);
    // Batches sent before keep their token; new papers get new batches.
    let mut batches: Vec<(String, Vec<ArxivId>)> = Vec::new();
    let mut fresh = Vec::new();
    for q in queued {
        match q.token {
            Some(t) => match batches.iter_mut().find(|(token, _)| *token == t) {
                Some((_, ids)) => ids.push(q.id),
                None => batches.push((t, vec![q.id])),
            },
            None => {
                let found = client
                    .find(library, &archive_id(&q.id))
                    .with_context(|| format!("cannot search {library} in Zotero"))?;
                match found {
                    Some(key) => {
                        store.zotero_done(library, &q.id, Ok(&key))?;
                        present += 1;
                    }
                    None => fresh.push(q.id),
                }
            }
        }
    }
    for chunk in fresh.chunks(BATCH) {
        let token = crate::text::random_hex()
            .map_err(|e| anyhow::anyhow!("no random source for a write token: {e}"))?;
        store.zotero_token(library, chunk, &token)?;
        batches.push((token, chunk.to_vec()));
    }
    for (token, ids) in batches {
        let papers = store.papers_by_ids(&ids)?;
        let items: Vec<serde_json::Value> = papers
            .iter()
            .map(|p| preprint(p, code(p).as_deref(), settings.zotero.collection.as_deref()))
            .collect();
        let outcome = client.create(library, &items, &token).with_context(|| {
            format!(
                "cannot add {} starred papers to {library} in Zotero; they stay queued",
                papers.len()
            )
        })?;
        if outcome.already {
            // Zotero applied this batch before (its answer was lost): find the items it made.
            for p in &papers {
                match client.find(library, &archive_id(&p.id))? {
                    Some(key) => {
                        store.zotero_done(library, &p.id, Ok(&key))?;
                        present += 1;
                    }
                    None => store.zotero_done(
                        library,
                        &p.id,
                        Err("the batch was applied but the item is gone"),
                    )?,
                }
            }
            continue;
        }
        for (i, key) in &outcome.created {
            if let Some(p) = papers.get(*i) {
                store.zotero_done(library, &p.id, Ok(key))?;
                written += 1;
            }
        }
        for (i, why) in &outcome.failed {
            if let Some(p) = papers.get(*i) {
                warn!("Zotero refused {}: {why}", p.id);
                store.zotero_done(library, &p.id, Err(why))?;
                refused += 1;
            }
        }
    }
    let mut parts = vec![format!(
        "{written} starred papers added to Zotero ({library})"
    )];
    if present > 0 {
        parts.push(format!("{present} already there"));
    }
    if refused > 0 {
        parts.push(format!("{refused} refused"));
    }
    Ok(Some(parts.join(", ")))
}
