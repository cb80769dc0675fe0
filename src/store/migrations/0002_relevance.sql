-- 0002: relevance. Each membership carries the score and, when hidden, the reason; reader
-- labels feed the per-topic feedback model.

ALTER TABLE topic_papers ADD COLUMN score REAL;
ALTER TABLE topic_papers ADD COLUMN reason TEXT;

CREATE TABLE labels (
    topic     TEXT NOT NULL,
    paper_id  TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    relevant  INTEGER NOT NULL,      -- 1 relevant, 0 irrelevant
    marked_at TEXT NOT NULL,
    PRIMARY KEY (topic, paper_id)
) STRICT, WITHOUT ROWID;
