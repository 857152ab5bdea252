#!/usr/bin/env bash
# --list-plugins lists the memory store next to sluiced, and lists refused plugins with their
# one-line reason.
# Usage: list_plugins.sh SLUICED SOURCE_DIR TEST_PLUGIN_DIR
set -euo pipefail
SLUICED="$1"
SOURCE_DIR="$2"
TEST_PLUGIN_DIR="$3"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
source "$(dirname "$0")/lib.sh"
PLUGIN_DIR=$(dirname "$(readlink -f "$SLUICED")")

run_capture "$SLUICED" --config "$SOURCE_DIR/conf/sluice.toml" --list-plugins
[[ $RC -eq 0 ]] || fail "exit $RC: $ERR"
grep -Eq "^storage +memory +[^ ]+ +[a-z]+ +$PLUGIN_DIR/sluice-storage-memory.so\$" <<<"$OUT" ||
  fail "memory store not listed: $OUT"

# Folders from the config (relative to the config file), refusals included.
mkdir "$WORK/conf"
ln -s "$TEST_PLUGIN_DIR" "$WORK/plugins"
printf '[broker]\nplugin_dirs = ["../plugins"]\n' >"$WORK/conf/sluice.toml"
run_capture "$SLUICED" --config "$WORK/conf/sluice.toml" --list-plugins
[[ $RC -eq 0 ]] || fail "exit $RC: $ERR"
grep -Fxq "refused  plugin $WORK/plugins/sluice-storage-abi99.so: ABI version mismatch: expected 1, found 99" <<<"$OUT" ||
  fail "abi99 refusal not listed: $OUT"
grep -Eq "^protocol +schema +1\.2\.3 +experimental +$WORK/plugins/sluice-protocol-schema.so\$" <<<"$OUT" ||
  fail "schema plugin not listed: $OUT"
echo "list plugins: OK"
