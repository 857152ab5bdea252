#!/usr/bin/env bash
# Starts sluiced with the local auth plugin (docs/security.md) on the in-memory store and the SQS
# front end on a free loopback port, runs the given command, then stops the daemon with SIGTERM
# and checks that it exits cleanly. The daemon's log is shown when anything fails.
#   usage: with_secure_sluiced.sh <path/to/sluiced> <command> [args...]
# Environment for the command:
#   SLUICE_SQS_ENDPOINT   http://127.0.0.1:<port>
#   SLUICE_AMQP_PORT      the AMQP front end's port (on 127.0.0.1; the users log in with the
#                         passwords below)
#   SLUICE_USERS_FILE     the users file (tests may rewrite it and send SIGHUP)
#   SLUICED_PID           the daemon's pid
#   SLUICED_LOG           the daemon's log file
#   AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY   user alice's key (every sqs action allowed)
# Optional input: SLUICE_FAILED_AUTH_BURST (default 1000: the tests fail on purpose a lot).
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
port=$(free_port)
amqp_port=$(free_port)
# AMQP passwords (test fixtures, repeated in auth_fixture.py and ../js/amqp_auth.test.mjs),
# hashed with few iterations to keep the tests quick.
hash_password() {
  printf '%s\n' "$1" | "$(dirname "$sluiced")/sluice-hash-password" --iterations 10000
}
alice_hash=$(hash_password 'alice-amqp-password')
reader_hash=$(hash_password 'reader-amqp-password')
bob_hash=$(hash_password 'bob-amqp-password')

# The keys are test fixtures, repeated in auth_fixture.py and ../js/auth_sigv4.test.mjs.
cat >"$work/users.toml" <<USERS
[policy.sqs-all]
statement = [ { effect = "Allow", action = "sqs:*", resource = "*" } ]

[[user]]
name = "alice"
account = "000000000000"
password_hash = "$alice_hash"
policies = ["sqs-all"]
access_keys = [ { id = "AKIDALICE0000000001", secret = "alice/Secret+Key/0000000000000000000001" } ]

# May do everything but send.
[[user]]
name = "reader"
account = "000000000000"
password_hash = "$reader_hash"
policies = ["sqs-all"]
statement = [ { effect = "Deny", action = "sqs:SendMessage", resource = "*" } ]
access_keys = [ { id = "AKIDREADER000000001", secret = "reader-secret-0000000000000000000000001" } ]

# Another account: needs a grant in a queue's Policy (AddPermission) as well.
[[user]]
name = "bob"
account = "111111111111"
sender_id = "AIDABOB"
password_hash = "$bob_hash"
policies = ["sqs-all"]
access_keys = [ { id = "AKIDBOB000000000001", secret = "bob-secret-000000000000000000000000001" } ]
USERS
chmod 600 "$work/users.toml"

cat >"$work/sluice.toml" <<CONF
[broker]
region = "us-east-1"
account_id = "000000000000"

[storage]
plugin = "memory"

[auth]
plugin = "local"

[auth.local]
users_file = "$work/users.toml"
failed_auth_burst = ${SLUICE_FAILED_AUTH_BURST:-1000}
failed_auth_per_minute = 1

[protocol.sqs]
enabled = true
listen = "127.0.0.1"
port = $port

[protocol.amqp]
enabled = true
listen = "127.0.0.1"
port = $amqp_port
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

export SLUICE_SQS_ENDPOINT="http://127.0.0.1:$port" SLUICE_AMQP_PORT="$amqp_port"
export SLUICE_USERS_FILE="$work/users.toml" SLUICED_PID="$pid" SLUICED_LOG="$work/sluiced.log"
export AWS_ACCESS_KEY_ID=AKIDALICE0000000001
export AWS_SECRET_ACCESS_KEY=alice/Secret+Key/0000000000000000000001
export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
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
