-- 0006: small facts about the database itself (e.g. which text snapshot it matches).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT, WITHOUT ROWID;
