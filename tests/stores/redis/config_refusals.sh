#!/usr/bin/env bash
# sluiced with the Redis store refuses what it cannot do, with one clear line and exit 1:
# tls = true (hiredis 0.14 has no TLS), and a Redis it cannot reach (checked at start-up).
#   usage: config_refusals.sh <path/to/sluiced>
set -euo pipefail

sluiced=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# expect_refusal NAME EXTRA_REDIS_KEYS EXPECTED_TEXT
expect_refusal() {
  cat >"$work/$1.toml" <<CONF
[storage]
plugin = "redis"

[storage.redis]
port = $port
$2

[protocol.sqs]
enabled = false
CONF
  local rc=0
  "$sluiced" --config "$work/$1.toml" >"$work/$1.log" 2>&1 || rc=$?
  if [[ $rc -ne 1 ]]; then
    echo "FAIL: $1: expected exit 1, got $rc" >&2
    cat "$work/$1.log" >&2
    exit 1
  fi
  if ! grep -qF -- "$3" "$work/$1.log"; then
    echo "FAIL: $1: the log does not say: $3" >&2
    cat "$work/$1.log" >&2
    exit 1
  fi
  echo "ok: $1: $(grep -F -- "$3" "$work/$1.log" | sed 's/.*cannot open the store: //' | cut -c1-160)"
}

expect_refusal tls 'tls = true' '[storage.redis] tls: true is not supported: this plugin is built on hiredis 0.14'
expect_refusal unreachable '' "cannot connect to Redis at 127.0.0.1:$port/0: Connection refused"
expect_refusal acl_user_without_password 'user = "sluice"' '[storage.redis] user: an ACL user needs a password'
