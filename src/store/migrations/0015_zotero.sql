-- 0015: Zotero. `zotero_items` keeps the items of each Zotero example source
-- (`zotero:users/123`, `zotero:groups/7/collections/KEY`) with the arXiv paper each is, and
-- `zotero_sync` the library version last read, so the next run asks only for changes.
-- `zotero_queue` holds starred papers on their way into `[zotero] library`: 'queued' (with the
-- write token of the batch it was sent in, kept for a retry), 'written' (with the item's key)
-- or 'failed' (Zotero refused the item; `message`).

CREATE TABLE zotero_items (
    source   TEXT NOT NULL,
    item_key TEXT NOT NULL,
    paper_id TEXT,
    version  INTEGER NOT NULL,
    PRIMARY KEY (source, item_key)
) STRICT, WITHOUT ROWID;

CREATE TABLE zotero_sync (
    source    TEXT PRIMARY KEY,
    version   INTEGER NOT NULL,
    synced_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE zotero_queue (
    paper_id  TEXT NOT NULL,
    library   TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    state     TEXT NOT NULL DEFAULT 'queued',
    token     TEXT,
    item_key  TEXT,
    message   TEXT,
    PRIMARY KEY (library, paper_id)
) STRICT, WITHOUT ROWID;
