#!/usr/bin/env bash
# A local dry run of the GitHub Actions workflow that `paperwatch init` writes, offline: a bare
# git repository plays GitHub, a mock arXiv answers, and every step of the workflow's `update`
# job runs in order (its env, conditions and step outputs), twice: the first run commits and
# pushes once and uploads the site for Pages; the second, with no news, changes and commits
# nothing. Also the keep-alive commit, the site turned off, and a database rebuilt from data/.
# The steps live in tests/it/workflow.rs; this runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo test --locked --test it -- workflow:: "$@"
