#!/usr/bin/env bash
# An enabled [protocol.<name>] section is loaded, created with its validated options, started on
# the daemon's io_context, and stopped before the broker on SIGTERM. Uses the plugin host's test
# front end (sluice-protocol-schema.so), which logs what it was given and when it stops.
# Usage: front_end_lifecycle.sh SLUICED TEST_PLUGIN_DIR
set -euo pipefail
SLUICED="$1"
TEST_PLUGIN_DIR="$2"
WORK=$(mktemp -d)
PID=""
trap '[[ -n "$PID" ]] && kill -KILL "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
source "$(dirname "$0")/lib.sh"

cfg="$WORK/sluice.toml"
cat >"$cfg" <<TOML
[broker]
plugin_dirs = ["$TEST_PLUGIN_DIR", "$(dirname "$SLUICED")"]
log_level = "debug"

[storage]
plugin = "memory"

[protocol.schema]
port = 4000
users = ["ann"]
TOML
log="$WORK/sluiced.log"
"$SLUICED" --config "$cfg" 2>"$log" &
PID=$!
wait_for_line "$log" "sluiced ready: 1 front end(s)" 10 || fail "not ready: $(cat "$log")"
grep -q "\[protocol.schema\] created protocol.schema host=127.0.0.1 port=4000 verbose=false ratio=0.500000 users=ann;" "$log" ||
  fail "front end did not get its options: $(cat "$log")"
grep -q "\[sluiced\] protocol.schema started" "$log" || fail "no started line: $(cat "$log")"
kill -TERM "$PID"
wait_for_exit "$PID" 5 || fail "still running 5 s after SIGTERM: $(cat "$log")"
set +e
wait "$PID"
rc=$?
set -e
PID=""
[[ $rc -eq 0 ]] || fail "exit $rc: $(cat "$log")"
# The front end stops first, then the broker.
stopped_line=$(grep -n "\[protocol.schema\] stopped protocol.schema" "$log" | cut -d: -f1)
broker_line=$(grep -n "broker stopped" "$log" | cut -d: -f1)
[[ -n "$stopped_line" && -n "$broker_line" && $stopped_line -lt $broker_line ]] ||
  fail "stop order: $(cat "$log")"
echo "front end lifecycle: OK"
