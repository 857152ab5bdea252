#!/usr/bin/env bash
# A bad config stops sluiced (with and without --check-config) with exit code 2 and exactly one
# line on stderr: <file>:<line>: <key>: <reason>.
# Usage: config_errors.sh SLUICED
set -euo pipefail
SLUICED="$1"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
source "$(dirname "$0")/lib.sh"
PLUGIN_DIR=$(dirname "$(readlink -f "$SLUICED")")

# check NAME EXPECTED_LINE: writes stdin to $WORK/NAME.toml, then expects the error both ways.
check() {
  local cfg="$WORK/$1.toml"
  cat >"$cfg"
  local expected="${2//@CFG@/$cfg}"
  expect_config_error "$expected" "$SLUICED" --config "$cfg" --check-config
  expect_config_error "$expected" "$SLUICED" --config "$cfg"
}

check unknown_key '@CFG@:3: broker.storage_thread: unknown key' <<'TOML'
[broker]
region = "us-east-1"
storage_thread = 4
TOML

check bad_value '@CFG@:2: broker.storage_threads: out of range: expected 1..256, found 0' <<'TOML'
[broker]
storage_threads = 0
TOML

check wrong_type '@CFG@:4: broker.log_level: expected string, found integer' <<'TOML'
# comment

[broker]
log_level = 3
TOML

check unknown_section '@CFG@:1: sotrage: unknown key (expected [broker], [storage] or [protocol.<name>])' <<'TOML'
[sotrage]
plugin = "memory"
TOML

check plugin_unknown_key '@CFG@:5: storage.memory.size: unknown key (this plugin takes no options)' <<'TOML'
[storage]
plugin = "memory"

[storage.memory]
size = 1
TOML

check missing_plugin "@CFG@:2: storage.plugin: no storage plugin named \"nosuch\": sluice-storage-nosuch.so not found in $PLUGIN_DIR" <<'TOML'
[storage]
plugin = "nosuch"
TOML

# A TOML syntax error has the same shape; its reason comes from the parser.
cfg="$WORK/syntax.toml"
printf '[broker]\nregion = "us-east-1\nstorage_threads = 2\n' >"$cfg"
for mode in --check-config ""; do
  run_capture "$SLUICED" --config "$cfg" $mode
  [[ $RC -eq 2 ]] || fail "syntax error: expected exit 2, got $RC"
  [[ "$ERR" =~ ^"$cfg":2:\ syntax\ error:\ [^$'\n']+$ ]] || fail "syntax error line: $ERR"
done

# A config file that does not exist.
expect_config_error "$WORK/absent.toml: cannot read config file: No such file or directory" \
  "$SLUICED" --config "$WORK/absent.toml" --check-config

echo "config errors: all refused as expected"
