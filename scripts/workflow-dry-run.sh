#!/usr/bin/env bash
# A local dry run of the GitHub Actions workflow that `paperwatch init` writes: a bare git
# repository plays GitHub, python3's http.server plays arXiv (a recorded feed for every query),
# and the workflow's own "Commit and push" step is taken from the generated YAML and run as is.
# Needs git and python3; no network. Uses $PAPERWATCH_BIN if set, else `cargo install --path`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

. "$root/scripts/fake-arxiv.sh"
bin=$(paperwatch_bin "$work")

# "arXiv": every request gets the same recorded feed.
serve_feed "$root/tests/fixtures/arxiv/api-current/search_testing_start0_max10.xml" "$work/arxiv"

# "GitHub" and a fork of the tracker.
git init -q --bare "$work/remote.git"
git clone -q "$work/remote.git" "$work/fork" 2>/dev/null
cd "$work/fork"
git config user.email "dry-run@example.org"
git config user.name "dry run"
"$bin" -q init .
git checkout -q -b main
git add -A && git commit -q -m "init tracker" && git push -q -u origin main 2>/dev/null

export PAPERWATCH_ARXIV_API_URL="http://127.0.0.1:$port/query"
export PAPERWATCH_ARXIV_DELAY_SECONDS=0
export PAPERWATCH_LINKS_HUGGINGFACE=false
export PAPERWATCH_ARXIV_MAX_RESULTS=10

# The workflow's commit step, exactly as written in the YAML.
commit_step=$(awk '
  /- name: Commit and push what changed/ { on = 1; next }
  on && /^      - name:/ { exit }
  on && /run: \|/ { body = 1; next }
  on && body { sub(/^          /, ""); print }
' .github/workflows/paperwatch.yml)
[ -n "$commit_step" ] || { echo "no commit step found in the workflow" >&2; exit 1; }

run_workflow() {
  status=0
  "$bin" -q update || status=$?       # the "Update" step (continue-on-error)
  bash -euo pipefail -c "$commit_step" || { echo "the commit step failed" >&2; return 99; }
  return $status                       # the "Fail the run" step
}

commits() { git --git-dir="$work/remote.git" rev-list --count main; }
before=$(commits)
run_workflow
after_first=$(commits)
[ "$after_first" -eq $((before + 1)) ] || { echo "the first run should push one commit" >&2; exit 1; }
[ -s data/papers.jsonl ] && [ -s README.md ] && [ -s site/index.html ] || { echo "outputs missing" >&2; exit 1; }
! git ls-files --error-unmatch paperwatch.db >/dev/null 2>&1 || { echo "the database must not be committed" >&2; exit 1; }

# A clean machine: no database, only what git holds. Rendering gives the same README.
cp README.md "$work/readme-before"
rm -f paperwatch.db paperwatch.db-wal paperwatch.db-shm
"$bin" -q render
cmp -s README.md "$work/readme-before" || { echo "the README changed after rebuilding from data/" >&2; exit 1; }

# The site off and no trend image: the commit step stages only what exists.
git rm -rqf site imgs && git commit -q -m "no site, no chart" && git push -q 2>/dev/null
export PAPERWATCH_SITE_ENABLED=false PAPERWATCH_README_TREND_IMAGE=
run_workflow || { echo "the workflow failed with the site off" >&2; exit 1; }
[ ! -e site ] || { echo "the site was written although it is off" >&2; exit 1; }

echo "workflow dry run passed: $((after_first - before)) commit pushed, database rebuilt from data/papers.jsonl"
