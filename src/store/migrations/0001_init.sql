-- 0001: papers with their latest version, version history, topic membership, run history.
-- Migrations are append-only: never edit this file once released; add 0002_… instead.

CREATE TABLE papers (
    id               TEXT PRIMARY KEY,   -- version-less arXiv id
    version          INTEGER NOT NULL,   -- latest known version
    title            TEXT NOT NULL,
    authors          TEXT NOT NULL,      -- JSON array of names
    abstract         TEXT NOT NULL,
    categories       TEXT NOT NULL,      -- JSON array, API order
    primary_category TEXT NOT NULL,
    published        TEXT NOT NULL,      -- RFC 3339, v1 submission
    updated          TEXT NOT NULL,      -- RFC 3339, latest version's submission
    comment          TEXT,
    journal_ref      TEXT,
    doi              TEXT,
    first_seen       TEXT NOT NULL,
    last_seen        TEXT NOT NULL
) STRICT;

CREATE TABLE paper_versions (
    paper_id   TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    updated    TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (paper_id, version)
) STRICT, WITHOUT ROWID;

CREATE TABLE topic_papers (
    topic      TEXT NOT NULL,
    paper_id   TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    shown      INTEGER NOT NULL DEFAULT 1,
    first_seen TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    PRIMARY KEY (topic, paper_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX topic_papers_by_paper ON topic_papers(paper_id);

CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    command     TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    outcome     TEXT                 -- ok | failed | partial; NULL while running or after a crash
) STRICT;

CREATE TABLE run_topics (
    run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    topic    TEXT NOT NULL,
    outcome  TEXT NOT NULL,          -- ok | failed
    message  TEXT,
    new      INTEGER NOT NULL,
    revised  INTEGER NOT NULL,
    total    INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    PRIMARY KEY (run_id, topic)
) STRICT, WITHOUT ROWID;
