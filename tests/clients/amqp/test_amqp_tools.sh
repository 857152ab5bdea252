#!/usr/bin/env bash
# Debian's amqp-tools (rabbitmq-c) against sluiced, and messages crossing to and from the AWS CLI
# (SQS query protocol) on the same queues. Run by with_sluiced_amqp.sh.
set -euo pipefail

conn=(--url "$SLUICE_AMQP_URL")
aws_sqs() { /usr/bin/aws --endpoint-url "$SLUICE_SQS_ENDPOINT" --output json sqs "$@"; }
q() { echo "tools-$1-$RANDOM$RANDOM"; }
passed=0
failed=0
check() {  # check <name> <expected> <actual>
  if [[ "$2" == "$3" ]]; then
    passed=$((passed + 1))
    echo "ok - $1"
  else
    failed=$((failed + 1))
    echo "not ok - $1: expected [$2], got [$3]"
  fi
}

# amqp-declare-queue prints the queue name; -d makes it durable.
name=$(q declare)
check "amqp-declare-queue declares and names the queue" "$name" \
  "$(amqp-declare-queue "${conn[@]}" -d -q "$name")"

# amqp-publish / amqp-get with properties and a header.
amqp-publish "${conn[@]}" -r "$name" -p -C text/plain -E utf-8 -H "x-origin: tools" -b "hello tools"
check "amqp-get receives what amqp-publish sent" "hello tools" "$(amqp-get "${conn[@]}" -q "$name")"
if amqp-get "${conn[@]}" -q "$name" 2>/dev/null; then
  check "amqp-get on an empty queue fails" "failure" "message"
else
  check "amqp-get on an empty queue fails" "x" "x"
fi

# amqp-consume runs a command per message, acknowledging each; -c stops after that many.
for i in 1 2 3; do amqp-publish "${conn[@]}" -r "$name" -b "line $i"; done
got=$(timeout 20 amqp-consume "${conn[@]}" -q "$name" -c 3 -p 1 -- sh -c 'cat; echo "|"' | tr -d '\n')
check "amqp-consume gets three messages in order" "line 1|line 2|line 3|" "$got"

# Cross-protocol: AMQP in, SQS out.
url="$SLUICE_SQS_ENDPOINT/000000000000/$name"
amqp-publish "${conn[@]}" -r "$name" -C application/json -b '{"via": "amqp"}'
body=$(aws_sqs receive-message --queue-url "$url" --wait-time-seconds 2 |
  python3 -c 'import json,sys; m=json.load(sys.stdin)["Messages"][0]; print(m["Body"])')
check "the AWS CLI receives an amqp-publish message" '{"via": "amqp"}' "$body"

# Cross-protocol: SQS in, AMQP out.
other=$(q sqs)
other_url=$(aws_sqs create-queue --queue-name "$other" | python3 -c 'import json,sys; print(json.load(sys.stdin)["QueueUrl"])')
aws_sqs send-message --queue-url "$other_url" --message-body "via sqs" >/dev/null
check "amqp-get receives an SQS message from a queue SQS created" "via sqs" \
  "$(amqp-get "${conn[@]}" -q "$other")"

# Deleting through AMQP removes the queue for SQS too.
check "amqp-delete-queue reports the messages it deleted" "0" \
  "$(amqp-delete-queue "${conn[@]}" -q "$other")"
if aws_sqs get-queue-url --queue-name "$other" >/dev/null 2>&1; then
  check "amqp-delete-queue deletes the SQS queue" "gone" "still there"
else
  check "amqp-delete-queue deletes the SQS queue" "gone" "gone"
fi
amqp-delete-queue "${conn[@]}" -q "$name" >/dev/null

# A wrong password is refused (rabbitmq-c reports the failed login).
if amqp-get --url "amqp://guest:wrong@$SLUICE_AMQP_HOST:$SLUICE_AMQP_PORT/%2F" -q x 2>/tmp/tools-login.$$; then
  check "a wrong password is refused" "refused" "accepted"
else
  check "a wrong password is refused" "refused" "refused"
fi
rm -f /tmp/tools-login.$$

echo "$passed passed, $failed failed"
((failed == 0))
