#!/usr/bin/env bash
# Secure defaults (docs/security.md): without an auth plugin, sluiced refuses a front end that
# listens beyond loopback (one line, exit 2) unless [broker] allow_anonymous = true. Checked with
# --check-config, which runs the same start-up checks without binding anything, and once for
# real to see the daemon refuse to start.
#   usage: test_secure_defaults.sh <path/to/sluiced>
set -euo pipefail

sluiced=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

write_config() {  # write_config <file> <listen> [extra [broker] lines]
  cat >"$1" <<CONF
[broker]
$3

[storage]
plugin = "memory"

[protocol.sqs]
listen = "$2"
port = 0
CONF
}

# expect <want exit> <want text in output> <sluiced args...>
expect() {
  local want_status=$1 want_text=$2
  shift 2
  local output status=0
  output=$(timeout 20 "$sluiced" "$@" 2>&1) || status=$?
  if ((status != want_status)) || [[ "$output" != *"$want_text"* ]]; then
    echo "FAIL: sluiced $* -> exit $status (want $want_status), output:" >&2
    echo "$output" >&2
    failures=$((failures + 1))
  else
    echo "ok: exit $status, \"$want_text\""
  fi
  LAST_OUTPUT=$output
}

write_config "$work/open.toml" "0.0.0.0" ""
expect 2 'protocol.sqs.listen: "0.0.0.0" is not a loopback address' \
  --config "$work/open.toml" --check-config
lines=$(printf '%s\n' "$LAST_OUTPUT" | wc -l)
if ((lines != 1)); then
  echo "FAIL: the refusal should be one line, got $lines" >&2
  failures=$((failures + 1))
fi
expect 2 "not a loopback address" --config "$work/open.toml"

write_config "$work/allowed.toml" "0.0.0.0" "allow_anonymous = true"
expect 0 "config OK" --config "$work/allowed.toml" --check-config

write_config "$work/loopback.toml" "127.0.0.1" ""
expect 0 "config OK" --config "$work/loopback.toml" --check-config

# With an auth plugin any address is fine, and the users file is read by --check-config.
cat >"$work/users.toml" <<'USERS'
[[user]]
name = "alice"
account = "000000000000"
statement = [ { effect = "Allow", action = "sqs:*", resource = "*" } ]
USERS
chmod 600 "$work/users.toml"
write_config "$work/secure.toml" "0.0.0.0" ""
printf '[auth]\nplugin = "local"\n[auth.local]\nusers_file = "%s"\n' "$work/users.toml" \
  >>"$work/secure.toml"
expect 0 "config OK" --config "$work/secure.toml" --check-config

printf '[[user]]\nname = "bad name!"\n' >"$work/users.toml"
expect 2 "name: must be" --config "$work/secure.toml" --check-config

if ((failures > 0)); then
  echo "$failures secure-default check(s) failed" >&2
  exit 1
fi
echo "all secure-default checks passed"
