-- 0013: what arXiv's daily listing announced, and what became of each paper: one row per paper
-- per announcement day (US Eastern), with the topics whose query matches it and its outcome:
-- 'unmatched' (no topic's query), 'stored' (already stored when checked), 'fetched' (fetched by
-- id in that run: the search had not returned it yet), 'missing' (the fetch by id failed; `reason`).
-- `listing_checks` keeps each run's check of the listing, whatever it found.

CREATE TABLE announcements (
    day        TEXT NOT NULL,
    paper_id   TEXT NOT NULL,
    version    INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    categories TEXT NOT NULL,
    topics     TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    reason     TEXT,
    checked_at TEXT NOT NULL,
    PRIMARY KEY (day, paper_id)
) STRICT;

CREATE TABLE listing_checks (
    checked_at TEXT NOT NULL,
    categories TEXT NOT NULL,
    day        TEXT,
    -- 'announced', 'empty', 'unchanged' or 'failed'.
    outcome    TEXT NOT NULL,
    announced  INTEGER NOT NULL DEFAULT 0,
    matched    INTEGER NOT NULL DEFAULT 0,
    fetched    INTEGER NOT NULL DEFAULT 0,
    missing    INTEGER NOT NULL DEFAULT 0,
    message    TEXT,
    PRIMARY KEY (checked_at, categories)
) STRICT;
