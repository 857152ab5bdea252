#!/usr/bin/env bash
# Runs a command against a fresh PostgreSQL 15 server on loopback, then stops and removes the
# server whatever happens (see pg_server.sh). The command finds the server through
# SLUICE_PG_CONNINFO (and PGHOST/PGPORT/PGUSER/PGDATABASE), and can stop and restart it with
# "$SLUICE_PG_CTL stop|crash|start". The server's log is shown when the command fails.
#   usage: run_with_postgres.sh [--async-commit] <command> [args...]
# --async-commit runs the server with synchronous_commit = off: much faster on slow disks, for
# tests that check behaviour rather than durability (a crash of the server could lose the latest
# commits; these tests never crash it).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/pg_server.sh"
settings=()
if [[ "${1:-}" == "--async-commit" ]]; then
  settings+=("synchronous_commit = off")
  shift
fi
pg_start "${settings[@]}"
export SLUICE_PG_CTL="$here/pg_control.sh"
status=0
"$@" || status=$?
if ((status != 0)); then
  echo "--- PostgreSQL server log (command exit $status) ---" >&2
  tail -n 40 "$PG_WORK/server.log" >&2 || true
fi
exit "$status"
