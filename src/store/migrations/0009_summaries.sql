-- 0009: summaries from a language model, per paper, model and language, asked once.

CREATE TABLE summaries (
    paper_id   TEXT NOT NULL,
    model      TEXT NOT NULL,
    language   TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (paper_id, model, language)
) STRICT;
