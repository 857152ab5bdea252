#!/usr/bin/env bash
# The kit's plugin runner (sluice_store_conformance) on sluice-storage-postgres.so, loaded by the
# plugin host exactly as sluiced loads it, with a TOML config section pointing at the test server.
#   usage: plugin_runner.sh <sluice_store_conformance> <sluice-storage-postgres.so>
set -euo pipefail
runner=$1
plugin=$2
: "${SLUICE_PG_CONNINFO:?run this under run_with_postgres.sh}"
config=$(mktemp)
trap 'rm -f "$config"' EXIT
cat >"$config" <<CONF
conninfo = "$SLUICE_PG_CONNINFO"
schema = "plugin_runner"
pool_size = 4
CONF
SLUICE_TEST_PLUGIN=$plugin SLUICE_TEST_PLUGIN_CONFIG=$config \
  "$runner" --gtest_filter='*QueueStoreMessages*'
