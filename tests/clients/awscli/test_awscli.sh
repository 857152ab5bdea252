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

aws sqs set-queue-attributes --queue-url "$url" --attributes VisibilityTimeout=45,DelaySeconds=0
[[ $(aws sqs get-queue-attributes --queue-url "$url" --attribute-names VisibilityTimeout \
  --query Attributes.VisibilityTimeout --output text) == 45 ]] || fail "set-queue-attributes"
aws sqs purge-queue --queue-url "$url"
if out=$(aws sqs purge-queue --queue-url "$url" 2>&1); then fail "purged twice within 60 s"; fi
grep -q "PurgeQueueInProgress" <<<"$out" || fail "purge pacing error: $out"
if out=$(aws sqs change-message-visibility --queue-url "$url" --receipt-handle forged \
  --visibility-timeout 5 2>&1); then fail "forged receipt accepted"; fi
grep -q "ReceiptHandleIsInvalid" <<<"$out" || fail "forged receipt error: $out"

fifo=$(aws sqs create-queue --queue-name "$name.fifo" \
  --attributes FifoQueue=true,ContentBasedDeduplication=true --query QueueUrl --output text)
aws sqs send-message --queue-url "$fifo" --message-body first --message-group-id g >/dev/null
aws sqs send-message --queue-url "$fifo" --message-body second --message-group-id g >/dev/null
bodies=$(aws sqs receive-message --queue-url "$fifo" --max-number-of-messages 10 \
  --query 'Messages[].Body' --output text)
[[ "$bodies" == $'first\tsecond' ]] || fail "fifo order: $bodies"
if out=$(aws sqs send-message --queue-url "$fifo" --message-body x 2>&1); then fail "no group id"; fi
grep -q "MissingParameter" <<<"$out" || fail "missing group id error: $out"
aws sqs delete-queue --queue-url "$fifo"

aws sqs delete-queue --queue-url "$url"
if out=$(aws sqs delete-queue --queue-url "$url" 2>&1); then fail "deleted twice"; fi
echo "awscli: all checks passed"
