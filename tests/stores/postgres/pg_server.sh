# A throw-away PostgreSQL 15 server for the store tests (sourced, not run).
#
#   source pg_server.sh
#   pg_start [setting...]  # initdb and start on 127.0.0.1, a free non-default port, in a mktemp
#                # dir, with extra postgresql.conf lines (e.g. "synchronous_commit = off");
#                # exports PGHOST PGPORT PGUSER PGDATABASE and SLUICE_PG_CONNINFO; installs an
#                # EXIT trap that stops the server (by its data directory and PID) and removes it
#   pg_stop      # fast shutdown, keeping the data (outage tests)
#   pg_resume    # start again on the same data directory and port
#
# PostgreSQL refuses to run as root: as root, the directory is handed to the postgres user and
# every server command runs under runuser. Everything lives in $PG_WORK.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_WORK=${PG_WORK:-}

pg_as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_cleanup() {
  if [[ -n "$PG_WORK" && -f "$PG_WORK/data/postmaster.pid" ]]; then
    local pid
    pid=$(head -1 "$PG_WORK/data/postmaster.pid" 2>/dev/null || true)
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_WORK/data" -m immediate -w -t 10 stop >/dev/null 2>&1 ||
      true
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  [[ -n "$PG_WORK" ]] && rm -rf "$PG_WORK"
  PG_WORK=""
}

pg_start() {
  PG_WORK=$(mktemp -d)
  chmod 755 "$PG_WORK"
  trap pg_cleanup EXIT
  if [[ $(id -u) -eq 0 ]]; then chown postgres "$PG_WORK"; fi
  PGPORT=$(/usr/bin/python3 -c \
    'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # --no-sync: the cluster is thrown away; the server itself still fsyncs (fsync = on).
  pg_as_owner "$PG_BIN/initdb" -D "$PG_WORK/data" -U postgres --auth=trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >"$PG_WORK/initdb.log" 2>&1 || {
    cat "$PG_WORK/initdb.log" >&2
    return 1
  }
  cat >>"$PG_WORK/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$PG_WORK'
max_connections = 200
shared_buffers = 64MB
synchronous_commit = on
log_min_messages = warning
log_min_error_statement = panic
CONF
  local setting
  for setting in "$@"; do echo "$setting" >>"$PG_WORK/data/postgresql.conf"; done
  pg_resume
  export PGHOST=127.0.0.1 PGPORT PGUSER=postgres PGDATABASE=postgres
  export SLUICE_PG_CONNINFO="host=127.0.0.1 port=$PGPORT user=postgres dbname=postgres"
  export SLUICE_PG_WORK="$PG_WORK"
}

pg_resume() {
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_WORK/data" -l "$PG_WORK/server.log" -w -t 60 start \
    >/dev/null || {
    cat "$PG_WORK/server.log" >&2
    return 1
  }
}

pg_stop() {
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_WORK/data" -m fast -w -t 60 stop >/dev/null
}
