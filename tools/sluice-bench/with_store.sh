#!/usr/bin/env bash
# Starts sluiced with one storage configuration in a mktemp dir on a free loopback port, runs the
# given command with SLUICE_SQS_ENDPOINT and SLUICED_PID exported (and every literal "{endpoint}"
# and "{pid}" argument replaced by them), then stops sluiced with SIGTERM. The command's exit
# status is the script's; the daemon's log is shown if it fails to start.
#
#   usage: with_store.sh <path/to/sluiced> <store> <command> [args...]
#   store: memory | rocksdb-sync | rocksdb-nosync | postgres | redis
#          (postgres needs SLUICE_PG_CONNINFO, redis SLUICE_REDIS_PORT (on 127.0.0.1): the
#          servers that tests/stores/postgres/pg_server.sh and tests/stores/redis/with_redis.sh
#          start export them)
#
# Environment: SLUICE_BENCH_KEEP=1 keeps the temp dir (data, log) and prints it;
# SLUICE_IO_THREADS, SLUICE_STORAGE_THREADS and SLUICE_MAX_APPEND_BATCH override the front end's
# io_threads and the broker's storage_threads and max_append_batch (unset: sluiced's defaults);
# SLUICE_ENCRYPTION=1 turns on the local encryption plugin with a fresh master key (queues are
# then encrypted by default, SqsManagedSseEnabled).
set -euo pipefail

sluiced=$1
store=$2
shift 2
work=$(mktemp -d)
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [[ "${SLUICE_BENCH_KEEP:-0}" == 1 ]]; then
    echo "with_store.sh: kept $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

case "$store" in
  memory) storage='plugin = "memory"' ;;
  rocksdb-sync | rocksdb-nosync)
    sync=true
    [[ "$store" == rocksdb-nosync ]] && sync=false
    storage=$(printf 'plugin = "rocksdb"\n[storage.rocksdb]\npath = "%s/rocksdb"\nsync = %s' \
      "$work" "$sync")
    ;;
  postgres)
    storage=$(printf 'plugin = "postgres"\n[storage.postgres]\nconninfo = "%s"' "${SLUICE_PG_CONNINFO:?}")
    ;;
  redis)
    storage=$(printf 'plugin = "redis"\n[storage.redis]\nhost = "127.0.0.1"\nport = %s' "${SLUICE_REDIS_PORT:?}")
    ;;
  *)
    echo "with_store.sh: unknown store '$store'" >&2
    exit 2
    ;;
esac

encryption=""
if [[ "${SLUICE_ENCRYPTION:-0}" == 1 ]]; then
  (umask 077 && openssl rand -hex 32 >"$work/master.key")
  encryption=$(printf '[encryption]\nplugin = "local"\n[encryption.local]\nmaster_key_file = "%s"' \
    "$work/master.key")
fi

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/sluice.toml" <<CONF
[broker]
log_level = "warn"
${SLUICE_STORAGE_THREADS:+storage_threads = $SLUICE_STORAGE_THREADS}
${SLUICE_MAX_APPEND_BATCH:+max_append_batch = $SLUICE_MAX_APPEND_BATCH}

[storage]
$storage

$encryption

[protocol.sqs]
enabled = true
listen = "127.0.0.1"
port = $port
${SLUICE_IO_THREADS:+io_threads = $SLUICE_IO_THREADS}
CONF

"$sluiced" --config "$work/sluice.toml" >"$work/sluiced.log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "with_store.sh: sluiced exited during start-up:" >&2
    cat "$work/sluiced.log" >&2
    exit 1
  fi
  sleep 0.05
done

export SLUICE_SQS_ENDPOINT="http://127.0.0.1:$port" SLUICED_PID=$pid SLUICE_BENCH_DIR=$work
args=()
for a in "$@"; do
  a=${a//\{endpoint\}/$SLUICE_SQS_ENDPOINT}
  args+=("${a//\{pid\}/$SLUICED_PID}")
done
status=0
"${args[@]}" || status=$?
exit "$status"
