#!/usr/bin/env bash
# SigV4 through the Debian AWS CLI v2 (/usr/bin/aws, query protocol), run by
# with_secure_sluiced.sh: alice's key (in the environment) works; a wrong secret, an unknown key
# and an unsigned request are refused with the AWS error codes.
set -euo pipefail

aws=/usr/bin/aws
endpoint=(--endpoint-url "$SLUICE_SQS_ENDPOINT")
failures=0

# expect_error <code> <aws args...>: the command must fail and print the error code.
expect_error() {
  local code=$1
  shift
  local output
  if output=$("$@" 2>&1); then
    echo "FAIL: expected $code, but succeeded: $*" >&2
    failures=$((failures + 1))
  elif [[ "$output" != *"($code)"* ]]; then
    echo "FAIL: expected $code from: $*" >&2
    echo "$output" >&2
    failures=$((failures + 1))
  else
    echo "ok: $code"
  fi
}

name="cli-auth-$RANDOM$RANDOM"
url=$("$aws" "${endpoint[@]}" sqs create-queue --queue-name "$name" --query QueueUrl --output text)
"$aws" "${endpoint[@]}" sqs send-message --queue-url "$url" --message-body hello >/dev/null
body=$("$aws" "${endpoint[@]}" sqs receive-message --queue-url "$url" --query 'Messages[0].Body' \
  --output text)
if [[ "$body" != "hello" ]]; then
  echo "FAIL: the right key could not round-trip a message (got '$body')" >&2
  failures=$((failures + 1))
else
  echo "ok: the right key works"
fi

expect_error SignatureDoesNotMatch env AWS_SECRET_ACCESS_KEY=wrong-secret-00000000000000001 \
  "$aws" "${endpoint[@]}" sqs list-queues
expect_error InvalidClientTokenId env AWS_ACCESS_KEY_ID=AKIDNOBODY000000001 \
  "$aws" "${endpoint[@]}" sqs list-queues
expect_error MissingAuthenticationToken "$aws" "${endpoint[@]}" --no-sign-request sqs list-queues
expect_error AccessDenied env AWS_ACCESS_KEY_ID=AKIDREADER000000001 \
  AWS_SECRET_ACCESS_KEY=reader-secret-0000000000000000000000001 \
  "$aws" "${endpoint[@]}" sqs send-message --queue-url "$url" --message-body denied

if ((failures > 0)); then
  echo "$failures AWS CLI auth check(s) failed" >&2
  exit 1
fi
echo "all AWS CLI auth checks passed"
