#!/usr/bin/env bash
# A storage plugin the loader refuses stops start-up with exit 2 and the loader's one line.
# Usage: plugin_refusal.sh SLUICED TEST_PLUGIN_DIR
set -euo pipefail
SLUICED="$1"
TEST_PLUGIN_DIR="$2"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
source "$(dirname "$0")/lib.sh"

cfg="$WORK/sluice.toml"
printf '[broker]\nplugin_dirs = ["%s"]\n[storage]\nplugin = "abi99"\n' "$TEST_PLUGIN_DIR" >"$cfg"
expect_config_error "plugin $TEST_PLUGIN_DIR/sluice-storage-abi99.so: ABI version mismatch: expected 1, found 99" \
  "$SLUICED" --config "$cfg"

printf '[broker]\nplugin_dirs = ["%s"]\n[storage]\nplugin = "wrong-kind"\n' "$TEST_PLUGIN_DIR" >"$cfg"
expect_config_error "plugin $TEST_PLUGIN_DIR/sluice-storage-wrong-kind.so: kind mismatch: expected storage, found protocol" \
  "$SLUICED" --config "$cfg" --check-config

# A front end's own keys are checked against its schema.
printf '[broker]\nplugin_dirs = ["%s", "%s"]\n[storage]\nplugin = "memory"\n[protocol.schema]\nenabled = true\nport = 0\n' \
  "$TEST_PLUGIN_DIR" "$(dirname "$SLUICED")" >"$cfg"
expect_config_error "$cfg:7: protocol.schema.port: out of range: expected 1..65535, found 0" \
  "$SLUICED" --config "$cfg" --check-config

# A disabled front end is not even loaded.
sed -i 's/enabled = true/enabled = false/' "$cfg"
run_capture "$SLUICED" --config "$cfg" --check-config
[[ $RC -eq 0 && "$OUT" == "config OK" ]] || fail "disabled front end: exit $RC: $OUT $ERR"
echo "plugin refusal: OK"
