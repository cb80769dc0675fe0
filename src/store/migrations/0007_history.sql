-- 0007: how far back each topic's history has been fetched, so a first run pages through
-- everything its query matches, a killed backfill resumes where it stopped, and a cap that
-- cuts the history is remembered and reported.

CREATE TABLE topic_history (
    topic      TEXT PRIMARY KEY,
    -- The search (with its `since` bound) this history belongs to; another one starts over.
    search     TEXT NOT NULL,
    -- `submittedDate` (YYYYMMDDHHMM, GMT) of the oldest paper fetched so far; NULL before the
    -- first page is stored.
    cursor     TEXT,
    complete   INTEGER NOT NULL DEFAULT 0,
    -- The query's totalResults when its history began.
    matches    INTEGER,
    -- Papers kept when `max_results` cut the history; NULL when it was not cut.
    kept       INTEGER,
    updated_at TEXT NOT NULL
) STRICT;
