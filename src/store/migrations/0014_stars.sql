-- 0014: the reader's reading list (⭐, kept to read later) and what the local inbox has shown.
-- `inbox_read` holds the papers the inbox (`paperwatch serve`) has marked read.

CREATE TABLE stars (
    paper_id   TEXT PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
    starred_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE inbox_read (
    paper_id TEXT PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
    read_at  TEXT NOT NULL
) STRICT, WITHOUT ROWID;
