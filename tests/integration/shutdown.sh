#!/usr/bin/env bash
# sluiced runs with the default config (RocksDB store, SQS on 127.0.0.1:9324), ignores SIGHUP, and shuts down gracefully, exit 0 within
# a few seconds, on SIGTERM and on SIGINT.
# Usage: shutdown.sh SLUICED SOURCE_DIR
set -euo pipefail
SLUICED="$1"
SOURCE_DIR="$2"
WORK=$(mktemp -d)
PID=""
trap '[[ -n "$PID" ]] && kill -KILL "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
source "$(dirname "$0")/lib.sh"

# The default config keeps RocksDB data under ./data: run where it is thrown away afterwards.
cd "$WORK"
for signal in TERM INT; do
  log="$WORK/sluiced-$signal.log"
  "$SLUICED" --config "$SOURCE_DIR/conf/sluice.toml" 2>"$log" &
  PID=$!
  wait_for_line "$log" "sluiced ready" 10 || fail "SIG$signal: not ready within 10 s: $(cat "$log")"
  # SIGHUP is logged and ignored (no config reload).
  kill -HUP "$PID"
  wait_for_line "$log" "SIGHUP ignored" 5 || fail "SIGHUP: no log line: $(cat "$log")"
  kill -"$signal" "$PID"
  wait_for_exit "$PID" 5 || fail "SIG$signal: still running 5 s after the signal: $(cat "$log")"
  set +e
  wait "$PID"
  rc=$?
  set -e
  PID=""
  [[ $rc -eq 0 ]] || fail "SIG$signal: exit $rc: $(cat "$log")"
  grep -q "received SIG$signal: shutting down" "$log" || fail "SIG$signal: no shutdown line: $(cat "$log")"
  grep -q "sluiced stopped" "$log" || fail "SIG$signal: no stopped line: $(cat "$log")"
  # Structured lines: timestamp, level, [component], message.
  grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+[+-][0-9:]+ info \[sluiced\] sluiced ready' "$log" ||
    fail "log format: $(cat "$log")"
done
echo "shutdown: OK"
