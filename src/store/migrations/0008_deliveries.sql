-- 0008: what was sent to which notify destination. A paper enters a destination's queue
-- (sent_at NULL) when first shown there; a delivered row is never sent again. `history` rows
-- are papers stored before the destination existed: they are never sent.

CREATE TABLE destinations (
    name          TEXT PRIMARY KEY,
    started_at    TEXT NOT NULL,
    last_sent_at  TEXT
) STRICT;

CREATE TABLE deliveries (
    destination TEXT NOT NULL,
    paper_id    TEXT NOT NULL,
    version     INTEGER NOT NULL,
    -- 'queued', 'sent' or 'history'.
    state       TEXT NOT NULL,
    revision    INTEGER NOT NULL DEFAULT 0,
    queued_at   TEXT NOT NULL,
    sent_at     TEXT,
    PRIMARY KEY (destination, paper_id, version)
) STRICT;
