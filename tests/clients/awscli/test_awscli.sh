#!/usr/bin/env bash
# SQS front end driven by the Debian AWS CLI v2 (/usr/bin/aws, query protocol): the README's
# quick start as written, plus error exits.
set -euo pipefail
aws() { /usr/bin/aws --endpoint-url "$SLUICE_SQS_ENDPOINT" "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

name="cli-$RANDOM$RANDOM"
url=$(aws sqs create-queue --queue-name "$name" --query QueueUrl --output text)
[[ "$url" == "$SLUICE_SQS_ENDPOINT/000000000000/$name" ]] || fail "queue url $url"

aws sqs send-message --queue-url "$url" --message-body hello >/dev/null
read -r body handle < <(aws sqs receive-message --queue-url "$url" --wait-time-seconds 1 \
  --query 'Messages[0].[Body,ReceiptHandle]' --output text)
[[ "$body" == "hello" ]] || fail "received '$body'"
aws sqs delete-message --queue-url "$url" --receipt-handle "$handle"
left=$(aws sqs get-queue-attributes --queue-url "$url" --attribute-names All \
  --query 'Attributes.[ApproximateNumberOfMessages,ApproximateNumberOfMessagesNotVisible]' --output text)
[[ "$left" == $'0\t0' ]] || fail "counts after delete: $left"

aws sqs send-message-batch --queue-url "$url" \
  --entries Id=a,MessageBody=one Id=b,MessageBody=two >/dev/null
count=$(aws sqs get-queue-attributes --queue-url "$url" --attribute-names ApproximateNumberOfMessages \
  --query Attributes.ApproximateNumberOfMessages --output text)
[[ "$count" == "2" ]] || fail "batch count $count"

aws sqs tag-queue --queue-url "$url" --tags env=test
[[ $(aws sqs list-queue-tags --queue-url "$url" --query Tags.env --output text) == test ]] || fail tags

aws sqs list-queues --queue-name-prefix "$name" --query 'QueueUrls[0]' --output text | grep -qx "$url" \
  || fail "list-queues"

# Errors exit non-zero with the service's code on stderr.
if out=$(aws sqs get-queue-url --queue-name "missing-$RANDOM" 2>&1); then fail "missing queue found"; fi
grep -q "NonExistentQueue" <<<"$out" || fail "missing queue error: $out"
if out=$(aws sqs receive-message --queue-url "$url" --max-number-of-messages 11 2>&1); then fail "11 accepted"; fi
grep -q "InvalidParameterValue" <<<"$out" || fail "range error: $out"

aws sqs delete-queue --queue-url "$url"
if out=$(aws sqs delete-queue --queue-url "$url" 2>&1); then fail "deleted twice"; fi
echo "awscli: all checks passed"
