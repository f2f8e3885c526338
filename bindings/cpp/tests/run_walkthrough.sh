#!/bin/sh
# Runs examples/cpp/walkthrough.cpp's binary in a temporary HOME and checks
# what it prints and the secret file it writes.
#   run_walkthrough.sh WALKTHROUGH_BINARY [FW_DEVSERVER_BINARY]
# With a devserver binary, starts it on free ports, passes its URL to the
# example and stops it (by PID) at the end; without, runs offline only.
set -eu
bin=$1
devserver=${2:-}
home=$(mktemp -d "${TMPDIR:-/tmp}/fwcpp-walk-XXXXXX")
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$home"
}
trap cleanup EXIT INT TERM
unset FW_AUTH_TOKEN FW_SECRETS_DIR FW_SECRETS_LAYOUT FW_CA_BUNDLE
export HOME="$home"

url=
if [ -n "$devserver" ]; then
  mkfifo "$home/ds.out"
  "$devserver" --port 0 --other-port 0 --quiet >"$home/ds.out" &
  pid=$!
  exec 3<"$home/ds.out"
  while IFS= read -r line <&3; do
    case $line in
      FW_DEVSERVER_URL=*) url=${line#FW_DEVSERVER_URL=} ;;
      FW_DEVSERVER_OTHER_URL=*) break ;;
    esac
  done
  [ -n "$url" ] || { echo "fw-devserver printed no URL" >&2; exit 1; }
fi

if [ -n "$url" ]; then
  "$bin" minnie65_public "$url" >"$home/out.txt"
else
  "$bin" minnie65_public >"$home/out.txt"
fi
cat "$home/out.txt"

fail=0
expect() {
  if ! grep -qF -- "$1" "$home/out.txt"; then echo "MISSING: $1" >&2; fail=1; fi
}
expect "My current token is: None"
expect "New tokens need to be acquired by hand."
expect 'C++:    auth.save_token("PASTE_YOUR_TOKEN_HERE");'
expect 'C++:    auth.set_token("PASTE_YOUR_TOKEN_HERE");'
expect "My token is now: fake_token_123"
expect "Now my basic token is: fake_token_123"
expect "A directly specified token is: another_fake_token_678"
if [ -n "$url" ]; then
  expect "\"local_server\":\"$url\""
  expect "Without a token: FW_ERR_NOT_AUTHENTICATED"
  expect "With a wrong token: FW_ERR_INVALID_TOKEN (HTTP 401, invalid_token)"
fi
file="$home/.cloudvolume/secrets/chunkedgraph-secret.json"
if ! printf '%s' '{"token": "fake_token_123"}' | cmp -s - "$file"; then
  echo "BAD SECRET FILE: $(cat "$file")" >&2; fail=1
fi
exit $fail
