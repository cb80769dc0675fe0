#!/usr/bin/env python3
"""Search side by side on one paperwatch database: `paperwatch search` (a process per query, as a
user runs it: top 20, every match ranked, titles highlighted, snippets) beside what a user would
run instead, bare sqlite3 FTS5 bm25 with the same column weights and the same top 20, from the
standard library's sqlite3 (one connection, warm).

    python3 bench/search_compare.py PAPERWATCH_BINARY DATABASE [RUNS]

Prints each query's median, then p50 and p95 over all runs of all queries: paperwatch, the
one-statement sqlite3 query (bm25 order, highlight and snippet), and the floor, sqlite3 ranking
alone (rowids only).
"""
import os
import sqlite3
import statistics
import subprocess
import sys
import time

# The queries of benches/search.rs: words and phrases of the default topics, one off-topic word,
# a prefix with NOT. In the synthetic corpus every field word is in about a third of the papers,
# so the broad ones are a worst case.
QUERIES = [
    "speculative decoding",
    '"large language model"',
    "galaxy",
    "npu latency",
    '"kv cache"',
    "title:quantization",
    "mobile energy inference",
    "quantiz* NOT galaxy",
]

binary, database = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5

bare = sqlite3.connect(database)
BARE = """SELECT p.id, highlight(papers_fts, 0, '[', ']'), snippet(papers_fts, 1, '[', ']', '…', 24)
          FROM papers_fts JOIN papers p ON p.rowid = papers_fts.rowid
          WHERE papers_fts MATCH ?
          ORDER BY bm25(papers_fts, 10.0, 1.0, 2.0, 1.0) LIMIT 20"""
# The floor: ranking alone, no highlights, no paper rows.
RANK_ONLY = """SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?
               ORDER BY bm25(papers_fts, 10.0, 1.0, 2.0, 1.0) LIMIT 20"""


def timed(fn):
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


env = dict(os.environ, PAPERWATCH_DATABASE_PATH=database)
rows = []
for q in QUERIES:
    bare.execute(BARE, (q,)).fetchall()  # warm the page cache for both
    ours = [
        timed(lambda: subprocess.run([binary, "-q", "search", "--json", q], env=env,
                                     check=True, stdout=subprocess.DEVNULL))
        for _ in range(runs)
    ]
    theirs = [timed(lambda: bare.execute(BARE, (q,)).fetchall()) for _ in range(runs)]
    floor = [timed(lambda: bare.execute(RANK_ONLY, (q,)).fetchall()) for _ in range(runs)]
    rows.append((q, ours, theirs, floor))


def p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


print(f"{'query':28} {'paperwatch':>12} {'sqlite3':>10} {'rank only':>10}")
for q, ours, theirs, floor in rows:
    print(f"{q:28} {statistics.median(ours):9.1f} ms {statistics.median(theirs):7.1f} ms "
          f"{statistics.median(floor):7.1f} ms")
for name, at in [("p50", 0.5), ("p95", 0.95)]:
    cols = [[t for row in rows for t in row[k]] for k in (1, 2, 3)]
    print(f"{name:28} {p(cols[0], at):9.1f} ms {p(cols[1], at):7.1f} ms {p(cols[2], at):7.1f} ms")
