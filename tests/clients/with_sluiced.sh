#!/usr/bin/env bash
# Starts sluiced on the in-memory store with the SQS front end on a free loopback port, runs the
# given command with SLUICE_SQS_ENDPOINT and dummy AWS credentials set, then stops the daemon with
# SIGTERM and checks that it exits cleanly. The daemon's log is shown when anything fails.
#   usage: with_sluiced.sh <path/to/sluiced> <command> [args...]
set -euo pipefail

sluiced=$1
shift
work=$(mktemp -d)
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/sluice.toml" <<CONF
[broker]
region = "us-east-1"
account_id = "000000000000"
# Low enough that the tests can reach it and see OverLimit; no other test holds this many
# messages in flight on one queue.
in_flight_limit = 100

[storage]
plugin = "memory"

[protocol.sqs]
enabled = true
listen = "127.0.0.1"
port = $port
CONF

"$sluiced" --config "$work/sluice.toml" >"$work/sluiced.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "sluiced exited during start-up:" >&2
    cat "$work/sluiced.log" >&2
    exit 1
  fi
  sleep 0.1
done

export SLUICE_SQS_ENDPOINT="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

status=0
"$@" || status=$?

kill -TERM "$pid"
daemon_status=0
wait "$pid" || daemon_status=$?
pid=""
if ((status != 0 || daemon_status != 0)); then
  echo "--- sluiced log (client exit $status, daemon exit $daemon_status) ---" >&2
  cat "$work/sluiced.log" >&2
fi
((status == 0)) || exit "$status"
exit "$daemon_status"
