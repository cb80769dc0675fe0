-- 0010: what the Hugging Face papers API says of a paper besides its code: its AI-written
-- summary and its upvotes, kept where the code-link lookup already asks.

CREATE TABLE hf_extras (
    paper_id   TEXT PRIMARY KEY,
    ai_summary TEXT,
    upvotes    INTEGER
) STRICT, WITHOUT ROWID;
