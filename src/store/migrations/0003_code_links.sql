-- 0003: what the Hugging Face papers API said about each paper's code, and when, so a paper
-- is asked once (and again only while recent). Links found in a paper's own text are not
-- stored: they are recomputed from the text.

CREATE TABLE hf_answers (
    paper_id TEXT PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
    repo     TEXT,                   -- NULL: no repository known
    asked_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
