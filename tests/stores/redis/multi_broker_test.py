#!/usr/bin/python3
"""Two sluiced brokers on one Redis, driven through the SQS front end with boto3.

  usage: multi_broker_test.py SLUICED [--messages N] [--fifo-groups G] [--fifo-per-group M]

Checks, with producers and consumers spread over both brokers:
  1. long-poll wake-ups cross brokers: a ReceiveMessage waiting on one broker returns soon after
     a send on the other (the brokers' own recheck tick is set to 60 s, so only the Redis
     pub/sub wake-up can explain a quick answer); the latencies are printed, the assertion is a
     generous 1 s;
  2. standard queue: every acknowledged send is received, and no message is ever held by two
     consumers at once (visibility 30 s, far longer than the test);
  3. FIFO queue: each group arrives complete and in send order, and no two consumers ever hold
     messages of one group at the same time;
  4. afterwards both queues are empty on both brokers.
Exits 0 when all hold, 1 with the violations otherwise. Redis and the brokers run in a temp
folder and are stopped at the end, also on failure (their logs are printed then).
"""
import argparse
import os
import shutil
import sys
import tempfile
import threading
import time

from botocore.exceptions import BotoCoreError, ClientError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from redis_env import Broker, RedisServer, TestFailure  # noqa: E402

WAKE_ROUNDS = 6
WAKE_LIMIT_S = 1.0


class Checks:
    """Shared by the worker threads: what was sent, who holds what, what went wrong."""

    def __init__(self):
        self.lock = threading.Lock()
        self.violations = []
        self.acked = set()  # bodies acknowledged by a send
        self.received = {}  # body -> times received
        self.holder = {}  # body -> consumer holding it now
        self.group_holder = {}  # FIFO group -> (consumer, messages held)
        self.group_seen = {}  # FIFO group -> sequence numbers in arrival order
        self.errors = []

    def violation(self, text):
        with self.lock:
            if len(self.violations) < 50:
                self.violations.append(text)

    def error(self, text):
        with self.lock:
            if len(self.errors) < 50:
                self.errors.append(text)


def check_wake_ups(a, b, queue_url_a, queue_url_b):
    """A long poll on one broker, a send on the other; returns the latencies in ms."""
    latencies = []
    for round_ in range(WAKE_ROUNDS):
        waiter, sender = (a, b) if round_ % 2 == 0 else (b, a)
        wait_url, send_url = (queue_url_a, queue_url_b) if round_ % 2 == 0 else (
            queue_url_b, queue_url_a)
        result = {}

        def poll():
            reply = waiter.receive_message(QueueUrl=wait_url, WaitTimeSeconds=10,
                                           MaxNumberOfMessages=1)
            result["at"] = time.monotonic()
            result["messages"] = reply.get("Messages", [])

        poller = threading.Thread(target=poll)
        poller.start()
        time.sleep(0.7)  # let the poll find the queue empty and start waiting
        sent_at = time.monotonic()
        sender.send_message(QueueUrl=send_url, MessageBody=f"wake-{round_}")
        poller.join(15)
        if not result.get("messages"):
            raise TestFailure(f"wake-up round {round_}: the long poll returned no message")
        latency = result["at"] - sent_at
        latencies.append(latency * 1000)
        for m in result["messages"]:
            waiter.delete_message(QueueUrl=wait_url, ReceiptHandle=m["ReceiptHandle"])
        if latency > WAKE_LIMIT_S:
            raise TestFailure(f"wake-up round {round_}: the long poll answered {latency:.3f} s "
                              f"after the send on the other broker (limit {WAKE_LIMIT_S} s)")
    return latencies


def produce_standard(client, url, first, count, checks):
    n = first
    while n < first + count:
        size = min(1 if n % 7 == 0 else 10, first + count - n)
        bodies = [f"std-{i}" for i in range(n, n + size)]
        try:
            if size == 1:
                client.send_message(QueueUrl=url, MessageBody=bodies[0])
                ok = bodies
            else:
                reply = client.send_message_batch(
                    QueueUrl=url,
                    Entries=[{"Id": str(i), "MessageBody": b} for i, b in enumerate(bodies)])
                ok = [bodies[int(e["Id"])] for e in reply.get("Successful", [])]
                for e in reply.get("Failed", []):
                    checks.error(f"send of {bodies[int(e['Id'])]} failed: {e}")
        except (ClientError, BotoCoreError) as e:
            checks.error(f"send of {bodies}: {e}")
            ok = []
        with checks.lock:
            checks.acked.update(ok)
        n += size


def produce_fifo(clients, url, group, count, checks):
    """One group, in order; each message through the next broker in turn."""
    for seq in range(count):
        client = clients[seq % len(clients)]
        body = f"{group}:{seq}"
        try:
            client.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group,
                                MessageDeduplicationId=body)
            with checks.lock:
                checks.acked.add(body)
        except (ClientError, BotoCoreError) as e:
            checks.error(f"send of {body}: {e}")
            return  # a gap would break the order check for this group


def consume(client, name, url, fifo, checks, done):
    while not done.is_set():
        try:
            reply = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=1, VisibilityTimeout=30,
                                           AttributeNames=["All"])
        except (ClientError, BotoCoreError) as e:
            checks.error(f"{name} receive: {e}")
            time.sleep(0.1)
            continue
        messages = reply.get("Messages", [])
        if not messages:
            continue
        held_groups = {}
        with checks.lock:
            for m in messages:
                body = m["Body"]
                checks.received[body] = checks.received.get(body, 0) + 1
                other = checks.holder.get(body)
                if other is not None:
                    checks.violations.append(f"{body} received by {name} while {other} held it")
                checks.holder[body] = name
                if fifo:
                    group, seq = body.split(":")
                    checks.group_seen.setdefault(group, []).append(int(seq))
                    held_groups[group] = held_groups.get(group, 0) + 1
            for group, count in held_groups.items():
                holder = checks.group_holder.get(group)
                if holder is not None and holder[0] != name:
                    checks.violations.append(
                        f"group {group} delivered to {name} while {holder[0]} held "
                        f"{holder[1]} of its messages")
                checks.group_holder[group] = (name, count)
        # Release the marks before deleting: once a delete is acknowledged another consumer may
        # rightly get the message's group, so the mark must already be gone then.
        with checks.lock:
            for m in messages:
                checks.holder.pop(m["Body"], None)
            for group in held_groups:
                checks.group_holder.pop(group, None)
        try:
            reply = client.delete_message_batch(
                QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                                       for i, m in enumerate(messages)])
            for e in reply.get("Failed", []):
                checks.error(f"{name} delete failed: {e}")
        except (ClientError, BotoCoreError) as e:
            checks.error(f"{name} delete: {e}")


def run_load(a, b, args, checks):
    ca, cb = a.client(), b.client()
    std_url = ca.create_queue(QueueName="load",
                              Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
    fifo_url = ca.create_queue(QueueName="load.fifo", Attributes={
        "FifoQueue": "true", "VisibilityTimeout": "30"})["QueueUrl"]
    time.sleep(1.2)  # the brokers cache queue settings for 1 s
    std_url_b = cb.get_queue_url(QueueName="load")["QueueUrl"]
    fifo_url_b = cb.get_queue_url(QueueName="load.fifo")["QueueUrl"]

    done = threading.Event()
    consumers = []
    for i, (broker, url, fifo) in enumerate([(a, std_url, False), (b, std_url_b, False),
                                             (a, std_url, False), (b, std_url_b, False),
                                             (a, fifo_url, True), (b, fifo_url_b, True),
                                             (b, fifo_url_b, True)]):
        name = f"consumer-{i}@{broker.name}"
        t = threading.Thread(target=consume,
                             args=(broker.client(), name, url, fifo, checks, done))
        t.start()
        consumers.append(t)

    started = time.monotonic()
    producers = []
    per_producer = args.messages // 3
    for i, (broker, url) in enumerate([(a, std_url), (b, std_url_b), (a, std_url)]):
        count = per_producer if i < 2 else args.messages - 2 * per_producer
        producers.append(threading.Thread(
            target=produce_standard, args=(broker.client(), url, i * per_producer, count,
                                           checks)))
    for g in range(args.fifo_groups):
        producers.append(threading.Thread(
            target=produce_fifo, args=([a.client(), b.client()], fifo_url, f"g{g}",
                                       args.fifo_per_group, checks)))
    for t in producers:
        t.start()
    for t in producers:
        t.join()
    sent_in = time.monotonic() - started

    expected = args.messages + args.fifo_groups * args.fifo_per_group
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with checks.lock:
            if checks.acked and checks.acked <= set(checks.received):
                break
        time.sleep(0.2)
    took = time.monotonic() - started
    time.sleep(1.5)  # would anything arrive twice?
    done.set()
    for t in consumers:
        t.join(15)
    print(f"load: {len(checks.acked)} of {expected} sends acknowledged in {sent_in:.1f} s, "
          f"{sum(checks.received.values())} deliveries, all received after {took:.1f} s")

    missing = checks.acked - set(checks.received)
    if missing:
        checks.violation(f"{len(missing)} acknowledged messages never received, e.g. "
                         f"{sorted(missing)[:5]}")
    twice = [b for b, n in checks.received.items() if n > 1]
    if twice:
        checks.violation(f"{len(twice)} messages delivered more than once, e.g. {twice[:5]}")
    if len(checks.acked) != expected:
        checks.violation(f"only {len(checks.acked)} of {expected} sends were acknowledged")
    for group, seqs in sorted(checks.group_seen.items()):
        if seqs != list(range(len(seqs))):
            checks.violation(f"FIFO group {group} arrived out of order: {seqs[:20]}...")
        elif len(seqs) != args.fifo_per_group:
            checks.violation(f"FIFO group {group}: {len(seqs)} of {args.fifo_per_group} arrived")
    for client, urls in ((ca, (std_url, fifo_url)), (cb, (std_url_b, fifo_url_b))):
        for url in urls:
            attrs = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
            counts = {k: attrs["Attributes"][k] for k in (
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                "ApproximateNumberOfMessagesDelayed")}
            if any(v != "0" for v in counts.values()):
                checks.violation(f"{url} is not empty at the end: {counts}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sluiced")
    parser.add_argument("--messages", type=int, default=900)
    parser.add_argument("--fifo-groups", type=int, default=4)
    parser.add_argument("--fifo-per-group", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="sluice-multi-broker-")
    redis = RedisServer()
    brokers = []
    ok = False
    try:
        redis.start()
        # Recheck every 60 s: a quick long-poll answer can only come from a Redis wake-up.
        a = Broker(args.sluiced, redis, "A", work, recheck_ms=60000)
        b = Broker(args.sluiced, redis, "B", work, recheck_ms=60000)
        brokers = [a, b]
        a.start()
        b.start()
        ca, cb = a.client(read_timeout=20), b.client(read_timeout=20)
        url_a = ca.create_queue(QueueName="wake")["QueueUrl"]
        time.sleep(1.2)
        url_b = cb.get_queue_url(QueueName="wake")["QueueUrl"]
        latencies = check_wake_ups(ca, cb, url_a, url_b)
        print("cross-broker long-poll wake-up (send on one broker -> ReceiveMessage returns on "
              "the other), ms: " + ", ".join(f"{ms:.1f}" for ms in latencies) +
              f"; max {max(latencies):.1f}")

        checks = Checks()
        run_load(a, b, args, checks)
        for broker in brokers:
            broker.stop()
        if checks.errors:
            print(f"{len(checks.errors)} request errors, e.g.:", *checks.errors[:5], sep="\n  ")
            checks.violation("requests failed although nothing was broken")
        if checks.violations:
            print("FAIL:", *checks.violations, sep="\n  ")
            return 1
        ok = True
        print("PASS: two brokers on one Redis")
        return 0
    except TestFailure as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        for broker in brokers:
            broker.ensure_dead()
        if not ok:
            for broker in brokers:
                print(f"--- sluiced {broker.name} log (tail) ---\n{broker.log_tail()}")
            print(f"--- redis log (tail) ---\n{redis.log_tail()}")
        redis.cleanup()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
