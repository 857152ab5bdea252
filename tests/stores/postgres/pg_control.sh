#!/usr/bin/env bash
# Stops or starts the test server run_with_postgres.sh created (SLUICE_PG_WORK): the outage tests
# take the database away under load and bring it back on the same data and port.
#   usage: pg_control.sh stop|crash|start
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${SLUICE_PG_WORK:?run this under run_with_postgres.sh}"
PG_WORK=$SLUICE_PG_WORK
source "$here/pg_server.sh"
case "${1:-}" in
  stop) pg_stop ;;
  start) pg_resume ;;
  # Immediate shutdown: every server process quits at once, no checkpoint, as in a crash; the
  # next start recovers from the WAL.
  crash) pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_WORK/data" -m immediate -w -t 60 stop >/dev/null ;;
  *) echo "usage: pg_control.sh stop|crash|start" >&2; exit 2 ;;
esac
