#!/usr/bin/env bash
# Where a daily `paperwatch update` of the embedded default config (six topics) spends its
# time: python3's http.server plays arXiv (the recorded 100-entry page for every request), the
# pause between requests is the real 3 s, Hugging Face is off. Runs a first day (empty
# database) and a second day, and prints the split that `update -v` logs.
# Uses $PAPERWATCH_BIN if set, else `cargo install --path` into a temporary folder. Needs
# python3; no network.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

. "$root/scripts/fake-arxiv.sh"
bin=$(paperwatch_bin "$work")
mkdir -p "$work/run"
serve_feed "$root/tests/fixtures/arxiv/api-current/search_testing_start0_max100.xml" "$work/arxiv"

cd "$work/run"
export PAPERWATCH_ARXIV_API_URL="http://127.0.0.1:$port/query"
export PAPERWATCH_LINKS_HUGGINGFACE=false
export SOURCE_DATE_EPOCH=1770465600
for day in 1 2; do
  /usr/bin/time -f "day $day: %e s wall, %U s user + %S s system CPU, peak RSS %M KB" \
    "$bin" -v update 2>&1 | grep -E "update took|^day|requests" | sed "s/^/day $day: /; s/^day $day: day/day/"
done
