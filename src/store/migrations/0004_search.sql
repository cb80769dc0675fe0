-- 0004: full-text search over title, abstract, authors and comment (FTS5, Porter stemming),
-- kept in step with `papers` by triggers; filled from the papers already stored.
-- `papers.rowid` is the link: never VACUUM without rebuilding (INSERT … VALUES('rebuild')).

CREATE VIRTUAL TABLE papers_fts USING fts5(
    title, abstract, authors, comment,
    content = 'papers', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
    INSERT INTO papers_fts (rowid, title, abstract, authors, comment)
    VALUES (new.rowid, new.title, new.abstract, new.authors, new.comment);
END;

CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors, comment)
    VALUES ('delete', old.rowid, old.title, old.abstract, old.authors, old.comment);
END;

CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract, authors, comment ON papers BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors, comment)
    VALUES ('delete', old.rowid, old.title, old.abstract, old.authors, old.comment);
    INSERT INTO papers_fts (rowid, title, abstract, authors, comment)
    VALUES (new.rowid, new.title, new.abstract, new.authors, new.comment);
END;

INSERT INTO papers_fts (papers_fts) VALUES ('rebuild');
