#!/usr/bin/env bash
# Runs a command while fw-devserver serves on 127.0.0.1: starts the server on
# a free port, exports FW_DEVSERVER_URL and FW_DEVSERVER_OTHER_URL, runs the
# command, and stops the server by its PID whatever happens.
#
#   tools/with-devserver.sh [--bin PATH] COMMAND [ARGS...]
#
# The server: --bin PATH, else $FW_DEVSERVER_BIN, else the clone's
# target/release/fw-devserver (found from this script, so it works from any
# directory, examples/node included).
set -euo pipefail

bin=${FW_DEVSERVER_BIN:-$(cd "$(dirname "$0")/.." && pwd)/target/release/fw-devserver}
if [ "${1:-}" = "--bin" ]; then bin=$2; shift 2; fi
[ -x "$bin" ] || {
    echo "with-devserver: no fw-devserver at $bin; build it (make), or name it with" \
         "--bin PATH or FW_DEVSERVER_BIN=PATH" >&2
    exit 2
}

urls=$(mktemp)
"$bin" --port 0 --quiet >"$urls" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$urls"' EXIT

for _ in $(seq 1 200); do
    [ "$(wc -l <"$urls")" -ge 2 ] && break
    kill -0 "$pid" 2>/dev/null || { echo "with-devserver: the server exited" >&2; exit 2; }
    sleep 0.05
done
[ "$(wc -l <"$urls")" -ge 2 ] || { echo "with-devserver: the server did not start" >&2; exit 2; }
export "$(sed -n 1p "$urls")" "$(sed -n 2p "$urls")"
echo "with-devserver: fw-devserver (pid $pid) at $FW_DEVSERVER_URL"
"$@"
