# Helpers shared by the integration scripts (sourced, not run). Each script sets WORK to its own
# mktemp folder and removes it with a trap.

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# run_capture CMD...: runs CMD, sets RC, OUT (stdout) and ERR (stderr); never exits the script.
run_capture() {
  local out_file="$WORK/stdout" err_file="$WORK/stderr"
  set +e
  "$@" >"$out_file" 2>"$err_file"
  RC=$?
  set -e
  OUT=$(cat "$out_file")
  ERR=$(cat "$err_file")
}

# expect_config_error EXPECTED_LINE CMD...: CMD must exit 2 with exactly EXPECTED_LINE on stderr
# (one line) and nothing on stdout.
expect_config_error() {
  local expected="$1"
  shift
  run_capture "$@"
  [[ $RC -eq 2 ]] || fail "$*: expected exit 2, got $RC (stderr: $ERR)"
  [[ "$ERR" == "$expected" ]] || fail "$*: expected stderr
  $expected
got
  $ERR"
  [[ -z "$OUT" ]] || fail "$*: expected no stdout, got: $OUT"
}

# wait_for_line FILE TEXT SECONDS: waits until FILE contains TEXT.
wait_for_line() {
  local file="$1" text="$2" deadline=$((SECONDS + $3))
  until grep -qF -- "$text" "$file" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# wait_for_exit PID SECONDS: waits until PID has exited; then `wait PID` gives its status.
wait_for_exit() {
  local pid="$1" deadline=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}
