#!/usr/bin/env bash
# Side by side: parsing the same recorded arXiv page with the Python stack the trackers use (the
# `arxiv` package and feedparser, installed from PyPI into a temporary venv) and with paperwatch
# (criterion, `cargo bench --bench parse`). Prints MB/s and the ratios.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fixture="$root/tests/fixtures/arxiv/api-current/search_testing_start0_max100.xml"
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet arxiv feedparser
py=$("$venv/bin/python" - "$fixture" <<'PY'
import sys, time
path = sys.argv[1]
data = open(path, "rb").read()
mb = len(data) / 1e6
def rate(fn, n=30):
    fn()
    t = time.perf_counter()
    for _ in range(n):
        fn()
    return mb * n / (time.perf_counter() - t)
import feedparser
fp = rate(lambda: feedparser.parse(data))
# The package's own parser (arxiv 4.x: `arxiv._feed.parse`, lxml), as its Client calls it.
from arxiv import _feed
ax = rate(lambda: _feed.parse(data))
print(f"{fp:.2f} {ax:.2f}")
PY
)
read -r feedparser_mbs arxiv_mbs <<<"$py"
rust=$(cd "$root" && cargo bench --quiet --bench parse 2>/dev/null | grep -A2 'atom/parse_100_entries' | grep thrpt | sed -E 's/.*\[[^ ]+ [^ ]+ ([0-9.]+) MiB\/s.*/\1/')
rust_mbs=$(python3 -c "print(f'{$rust * 1.048576:.2f}')")
echo "fixture: $(basename "$fixture") ($(wc -c <"$fixture") bytes, 100 entries)"
echo "feedparser:   $feedparser_mbs MB/s"
echo "arxiv (PyPI): $arxiv_mbs MB/s"
echo "paperwatch:   $rust_mbs MB/s"
python3 -c "print(f'paperwatch / arxiv: {$rust_mbs/$arxiv_mbs:.1f}x   paperwatch / feedparser: {$rust_mbs/$feedparser_mbs:.1f}x')"
