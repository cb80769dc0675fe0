-- 0012: destinations you can change, papers set aside, publication news.
-- `scope` is what a destination was last shown (its topics and min_score): when it widens, the
-- papers it brings in are history, not a flood. `removed_at` is when the config stopped naming
-- a destination: re-added, it starts from now. A delivery row a service refused even alone and
-- plain is `failed`, with the service's `answer`. `published_at` is when a stored paper first
-- gained a journal reference or DOI; `publication_news` is what each destination was told of it.

ALTER TABLE destinations ADD COLUMN scope TEXT;
ALTER TABLE destinations ADD COLUMN removed_at TEXT;
ALTER TABLE deliveries ADD COLUMN answer TEXT;
ALTER TABLE papers ADD COLUMN published_at TEXT;

CREATE TABLE publication_news (
    destination TEXT NOT NULL,
    paper_id    TEXT NOT NULL,
    -- 'queued' or 'sent'.
    state       TEXT NOT NULL,
    queued_at   TEXT NOT NULL,
    sent_at     TEXT,
    PRIMARY KEY (destination, paper_id)
) STRICT;
