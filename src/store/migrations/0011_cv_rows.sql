-- 0011: rows migrated from a cv-arxiv-daily fork, exactly as its JSON databases held them, by
-- topic, paper and the file they render into (readme, gitpage, wechat): a cv layout shows a
-- migrated paper as the fork's generator wrote it.

CREATE TABLE cv_rows (
    topic    TEXT NOT NULL,
    paper_id TEXT NOT NULL,
    kind     TEXT NOT NULL,
    row      TEXT NOT NULL,
    PRIMARY KEY (topic, paper_id, kind)
) STRICT, WITHOUT ROWID;
