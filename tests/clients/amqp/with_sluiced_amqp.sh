#!/usr/bin/env bash
# Starts sluiced on the in-memory store with the AMQP front end and the SQS front end, each on a
# free loopback port, runs the given command, then stops the daemon with SIGTERM and checks that
# it exits cleanly. The daemon's log is shown when anything fails.
#   usage: with_sluiced_amqp.sh <path/to/sluiced> <command> [args...]
# The command sees:
#   SLUICE_AMQP_HOST, SLUICE_AMQP_PORT, SLUICE_AMQP_URL (guest), SLUICE_SQS_ENDPOINT, dummy AWS
#   credentials, and SLUICE_LOG (the daemon's log file).
# SLUICE_AMQP_EXTRA, if set, is appended to the [protocol.amqp] section, '|' separating lines
# (e.g. "delivery_lease_seconds = 5|handshake_timeout_seconds = 2" for the timeout tests).
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

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
amqp_port=$(free_port)
sqs_port=$(free_port)
while [[ "$sqs_port" == "$amqp_port" ]]; do sqs_port=$(free_port); done

extra=${SLUICE_AMQP_EXTRA:-}
cat >"$work/sluice.toml" <<CONF
[broker]
region = "us-east-1"
account_id = "000000000000"
# AMQP clients delete and re-declare queues and purge them often; RabbitMQ has no such pauses.
queue_recreate_delay_ms = 0
purge_interval_ms = 0

[storage]
plugin = "memory"

[protocol.sqs]
enabled = true
listen = "127.0.0.1"
port = $sqs_port

[protocol.amqp]
enabled = true
listen = "127.0.0.1"
port = $amqp_port
users = ["guest:guest", "alice:wonder land:1"]
heartbeat_seconds = 60
${extra//|/$'\n'}
CONF

"$sluiced" --config "$work/sluice.toml" >"$work/sluiced.log" 2>&1 &
pid=$!
ready=""
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$amqp_port") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$sqs_port") 2>/dev/null; then
    ready=1
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.1
done
if [[ -z "$ready" ]]; then
  echo "sluiced did not start:" >&2
  cat "$work/sluiced.log" >&2
  exit 1
fi

export SLUICE_AMQP_HOST=127.0.0.1 SLUICE_AMQP_PORT=$amqp_port
export SLUICE_AMQP_URL="amqp://guest:guest@127.0.0.1:$amqp_port/%2F"
export SLUICE_SQS_ENDPOINT="http://127.0.0.1:$sqs_port"
export SLUICE_LOG="$work/sluiced.log"
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
