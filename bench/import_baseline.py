#!/usr/bin/env python3
"""What a user would write instead of `paperwatch import --kaggle`: the Kaggle arXiv snapshot into
SQLite with a full-text index, plain Python and the standard library's sqlite3 (FTS5).

Reads the JSON lines, keeps the papers of one broad topic (`cat:cs.*`, as bench/broad.toml),
inserts them with executemany in batches of 10,000, then builds an external-content FTS5 index
over title, abstract and authors with one INSERT … SELECT.

    /usr/bin/time -v python3 bench/import_baseline.py k100k.jsonl /tmp/base.db
"""
import json
import sqlite3
import sys
import time

source, target = sys.argv[1], sys.argv[2]
start = time.perf_counter()
db = sqlite3.connect(target)
db.executescript(
    """
    CREATE TABLE papers (id TEXT PRIMARY KEY, title TEXT, abstract TEXT, authors TEXT,
                         categories TEXT, published TEXT, updated TEXT, version INTEGER);
    CREATE TABLE members (topic TEXT, paper_id TEXT, PRIMARY KEY (topic, paper_id));
    CREATE VIRTUAL TABLE papers_fts USING fts5(title, abstract, authors,
                                               content='papers', content_rowid='rowid');
    """
)


def flush(rows, members):
    db.executemany("INSERT OR IGNORE INTO papers VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT OR IGNORE INTO members VALUES ('computer_science', ?)", members)
    rows.clear()
    members.clear()


rows, members, count = [], [], 0
with open(source, encoding="utf-8") as lines:
    for line in lines:
        r = json.loads(line)
        versions = r.get("versions") or [{"created": ""}]
        cats = r["categories"].split()
        rows.append((r["id"], " ".join(r["title"].split()), " ".join(r["abstract"].split()),
                     r["authors"], " ".join(cats), versions[0]["created"],
                     versions[-1]["created"], len(versions)))
        if any(c.startswith("cs.") for c in cats):
            members.append((r["id"],))
        count += 1
        if len(rows) >= 10_000:
            flush(rows, members)
flush(rows, members)
db.execute(
    "INSERT INTO papers_fts (rowid, title, abstract, authors) "
    "SELECT rowid, title, abstract, authors FROM papers"
)
db.commit()
db.close()
elapsed = time.perf_counter() - start
print(f"{count} records in {elapsed:.2f} s: {count / elapsed:,.0f} records/s")
