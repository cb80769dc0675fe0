# Sourced by scripts/workflow-dry-run.sh and bench/update-split.sh: python3's http.server plays
# arXiv, answering every request with one recorded feed. After `serve_feed FEED DIR`, $port is
# the port and $server the server's pid (kill it when done); `paperwatch_bin DIR` prints a
# binary: $PAPERWATCH_BIN if set, else one built with `cargo install --path` into DIR.

serve_feed() {
  local feed=$1 dir=$2
  mkdir -p "$dir"
  cp "$feed" "$dir/query"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  (cd "$dir" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
  server=$!
  for _ in $(seq 50); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/query')" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "the fake arXiv did not start" >&2
  return 1
}

paperwatch_bin() {
  if [ -n "${PAPERWATCH_BIN:-}" ]; then
    echo "$PAPERWATCH_BIN"
  else
    cargo install --quiet --locked --path "$root" --root "$1/cargo"
    echo "$1/cargo/bin/paperwatch"
  fi
}
