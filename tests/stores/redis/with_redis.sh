#!/usr/bin/env bash
# Starts a private redis-server on 127.0.0.1 on a free port in a mktemp folder (append-only file,
# appendfsync always, no RDB snapshots), runs the given command with these set:
#   SLUICE_REDIS_PORT         the port
#   SLUICE_REDIS_DIR          the server's folder (its log is redis.log there)
#   SLUICE_REDIS_SERVER_ARGS  the server's arguments, shell-quoted, so a test can restart it the
#                             same way (same pidfile: the cleanup stops that incarnation too)
#   SLUICE_TEST_PLUGIN_CONFIG a [storage.redis] config file pointing at it (for the kit runner)
# and stops the server afterwards (by PID, also when the command fails). Exits with the command's
# status; shows the server log when it failed.
#   usage: with_redis.sh <command> [args...]
set -euo pipefail

redis_server=${REDIS_SERVER:-/usr/bin/redis-server}
work=$(mktemp -d)
cleanup() {
  if [[ -f "$work/redis.pid" ]]; then
    local pid
    pid=$(cat "$work/redis.pid" 2>/dev/null || true)
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
args=(--port "$port" --bind 127.0.0.1 --dir "$work" --daemonize yes --pidfile "$work/redis.pid"
  --logfile "$work/redis.log" --save '' --appendonly yes --appendfsync always)
"$redis_server" "${args[@]}"
for _ in $(seq 1 100); do
  if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then break; fi
  sleep 0.05
done
redis-cli -p "$port" ping >/dev/null

cat >"$work/plugin.toml" <<CONF
host = "127.0.0.1"
port = $port
key_prefix = "kit"
CONF

export SLUICE_REDIS_PORT=$port SLUICE_REDIS_DIR=$work
printf -v quoted_args '%q ' "${args[@]}"
export SLUICE_REDIS_SERVER_ARGS="$quoted_args"
export SLUICE_TEST_PLUGIN_CONFIG=$work/plugin.toml

status=0
"$@" || status=$?
if ((status != 0)); then
  echo "--- redis.log (command exit $status) ---" >&2
  tail -n 40 "$work/redis.log" >&2 || true
fi
exit "$status"
