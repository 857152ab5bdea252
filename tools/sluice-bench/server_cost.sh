#!/usr/bin/env bash
# What one request costs the server, in measures that hold up on a busy machine: CPU time,
# system calls and context switches of the sluiced process per request, counted by `perf stat`
# while sluice-bench runs. Run it inside with_store.sh (which exports SLUICED_PID and
# SLUICE_SQS_ENDPOINT); the arguments are sluice-bench's (without --endpoint).
#
#   usage: with_store.sh <sluiced> <store> server_cost.sh <path/to/sluice-bench> [bench args...]
set -euo pipefail

bench=$1
shift
out=$(mktemp)
json=$(mktemp)
trap 'rm -f "$out" "$json"' EXIT

perf stat -x, -e task-clock,raw_syscalls:sys_enter,context-switches -p "$SLUICED_PID" -o "$out" &
perf_pid=$!
sleep 0.2
"$bench" --endpoint "$SLUICE_SQS_ENDPOINT" --server-pid "$SLUICED_PID" --no-progress \
  --json "$json" "$@"
kill -INT "$perf_pid"
wait "$perf_pid" || true
/usr/bin/python3 - "$out" "$json" <<'PY'
import json, sys
counts = {}
for line in open(sys.argv[1]):
    parts = line.strip().split(",")
    if len(parts) > 2 and parts[0] and parts[0][0].isdigit():
        counts[parts[2]] = float(parts[0])
r = json.load(open(sys.argv[2]))
req = r["requests"]
msgs = r.get("send", {}).get("messages", 0) or r.get("delete", {}).get("messages", 0)
cpu_ms = counts.get("task-clock", 0)
print(f"server cost: {cpu_ms * 1000 / req:.1f} us CPU, "
      f"{counts.get('raw_syscalls:sys_enter', 0) / req:.2f} syscalls, "
      f"{counts.get('context-switches', 0) / req:.2f} context switches per request "
      f"({req} requests, {msgs} messages; {cpu_ms * 1000 / max(msgs, 1):.1f} us CPU per message)")
PY
