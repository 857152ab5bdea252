#!/usr/bin/env bash
# --check-config accepts the shipped default config and prints "config OK".
# Usage: check_config.sh SLUICED SOURCE_DIR
set -euo pipefail
SLUICED="$1"
SOURCE_DIR="$2"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
source "$(dirname "$0")/lib.sh"

run_capture "$SLUICED" --config "$SOURCE_DIR/conf/sluice.toml" --check-config
[[ $RC -eq 0 ]] || fail "exit $RC: $ERR"
[[ "$OUT" == "config OK" ]] || fail "stdout: $OUT"

# The default --config is conf/sluice.toml relative to the current folder.
cd "$SOURCE_DIR"
run_capture "$SLUICED" --check-config
[[ $RC -eq 0 && "$OUT" == "config OK" ]] || fail "default config path: exit $RC, $OUT $ERR"

# Every example config is valid too.
for example in "$SOURCE_DIR"/conf/*.toml; do
  run_capture "$SLUICED" --config "$example" --check-config
  [[ $RC -eq 0 ]] || fail "$example: $ERR"
done
echo "default config: OK"
