#!/usr/bin/env bash
# Smoke test of sluice-bench against a running sluiced (SLUICE_SQS_ENDPOINT, set by
# tests/clients/with_sluiced.sh): full-cycle runs with a small message count on one wire
# protocol, a standard queue with batches of 10 and a FIFO queue unbatched. Asserts correctness
# only (exit 0, delivery verified, every message deleted, zero errors), never timing.
#   usage: bench_smoke.sh <path/to/sluice-bench> <query|json>
set -euo pipefail

bench=$1
protocol=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

check() {  # <json file> <expected message count>
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
problems = []
if r["error_count"] != 0: problems.append(f"errors: {r['errors']}")
d = r["delivery"]
if not d["verified"] or d["missing"] != 0: problems.append(f"delivery not verified: {d}")
if d["acked"] != n: problems.append(f"{d['acked']} sends acknowledged, expected {n}")
if r["delete"]["messages"] < n: problems.append(f"only {r['delete']['messages']} deleted")
if r["send"]["latency_ms"]["count"] == 0: problems.append("no send latency recorded")
if r["end_to_end"]["latency_ms"]["count"] < n: problems.append("end-to-end latencies missing")
if problems:
    print("FAILED: " + "; ".join(problems))
    sys.exit(1)
print(f"ok: {n} messages sent, received and deleted, delivery verified")
PY
}

run() {  # <name> <expected> <sluice-bench args...>
  local name=$1 expected=$2
  shift 2
  echo "--- $name"
  "$bench" --endpoint "$SLUICE_SQS_ENDPOINT" --protocol "$protocol" --mode cycle --no-progress \
    --wait 1 --drain-timeout 5 --json "$work/$name.json" "$@"
  check "$work/$name.json" "$expected"
}

run standard-batch10 600 --messages 600 --batch 10 --producers 2 --consumers 2
run fifo-unbatched 200 --messages 200 --batch 1 --queue-type fifo --groups 4 --producers 2 \
  --consumers 2
