#!/usr/bin/python3
"""Two sluiced brokers on one PostgreSQL database, driven through the SQS query protocol by boto3.

Producers send through both brokers (standard queue: single sends and batches; FIFO queue: each
group's messages in order, alternating brokers); consumers on both brokers receive, then delete.
Visibility timeouts are long, so nothing may be delivered twice. Afterwards:
  1. every acknowledged send was received;
  2. no message was received twice (so none was held by two consumers at once);
  3. per FIFO group, messages arrived in send order, and a consumer received a group's next
     message only after the previous holder had started deleting its messages;
  4. a long poll on one broker is answered soon after a send through the other (the brokers'
     periodic recheck is set to 60 s, so only the store's LISTEN/NOTIFY can wake it); the measured
     latencies are printed.
Exits 0 if all hold, 1 with the violations otherwise.

  usage: run_with_postgres.sh multi_broker_test.py SLUICED [--messages N] [--keep]
"""
import argparse
import collections
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time

from botocore.exceptions import BotoCoreError, ClientError

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pg_broker import Broker, client  # noqa: E402

FIFO_GROUPS = 4
WAKE_ROUNDS = 4
WAKE_LIMIT_S = 1.0  # generous: CI machines are noisy; typical values are a few ms


class Run:
    def __init__(self, messages):
        self.messages = messages
        self.lock = threading.Lock()
        self.acked = {}            # body -> message id
        self.received = collections.defaultdict(list)  # body -> [(consumer, t_received)]
        self.fifo_holds = collections.defaultdict(list)  # group -> [(t_received, t_delete, who, n)]
        self.errors = []
        self.producers_done = threading.Event()
        self.stop = threading.Event()

    def error(self, what):
        with self.lock:
            if len(self.errors) < 30:
                self.errors.append(what)


def produce_standard(run, endpoints, url, index):
    rng = random.Random(index)
    sqs = [client(e) for e in endpoints]
    n = 0
    while n < run.messages:
        size = 1 if rng.random() < 0.4 else rng.randint(2, 10)
        bodies = [f"std-{index}-{i}" for i in range(n, min(n + size, run.messages))]
        n += len(bodies)
        via = sqs[rng.randrange(len(sqs))]
        try:
            if len(bodies) == 1:
                reply = via.send_message(QueueUrl=url, MessageBody=bodies[0])
                answers = [(bodies[0], reply["MessageId"])]
            else:
                reply = via.send_message_batch(QueueUrl=url, Entries=[
                    {"Id": f"e{i}", "MessageBody": b} for i, b in enumerate(bodies)])
                answers = [(bodies[int(e["Id"][1:])], e["MessageId"])
                           for e in reply.get("Successful", [])]
                for e in reply.get("Failed", []):
                    run.error(f"batch entry refused: {e}")
        except (BotoCoreError, ClientError) as e:
            run.error(f"send failed: {e}")
            continue
        with run.lock:
            run.acked.update(answers)


def produce_fifo(run, endpoints, url, group):
    sqs = [client(e) for e in endpoints]
    for n in range(run.messages // 4):
        body = f"fifo-{group}-{n}"
        try:
            reply = sqs[n % len(sqs)].send_message(
                QueueUrl=url, MessageBody=body, MessageGroupId=f"g{group}",
                MessageDeduplicationId=body)
        except (BotoCoreError, ClientError) as e:
            run.error(f"FIFO send failed: {e}")
            continue
        with run.lock:
            run.acked[body] = reply["MessageId"]


def consume(run, endpoint, url, who, fifo):
    sqs = client(endpoint)
    while not run.stop.is_set():
        try:
            reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                        VisibilityTimeout=60)
        except (BotoCoreError, ClientError) as e:
            run.error(f"{who}: receive failed: {e}")
            continue
        got = reply.get("Messages", [])
        if not got:
            continue
        t_received = time.monotonic()
        with run.lock:
            for m in got:
                run.received[m["Body"]].append((who, t_received))
        t_delete = time.monotonic()
        if fifo:
            with run.lock:
                for m in got:
                    _, group, n = m["Body"].split("-")
                    run.fifo_holds[group].append((t_received, t_delete, who, int(n)))
        try:
            reply = sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)])
            for e in reply.get("Failed", []):
                run.error(f"{who}: delete refused: {e}")
        except (BotoCoreError, ClientError) as e:
            run.error(f"{who}: delete failed: {e}")


def measure_wake_ups(brokers, url):
    """Long-polls on one broker, sends through the other; returns latencies in seconds."""
    latencies = []
    for round_ in range(WAKE_ROUNDS):
        waiter, sender = (brokers[0], brokers[1]) if round_ % 2 == 0 else (brokers[1], brokers[0])
        waiting = client(waiter.endpoint)
        sending = client(sender.endpoint)
        result = {}

        def poll():
            reply = waiting.receive_message(QueueUrl=url, WaitTimeSeconds=10,
                                            MaxNumberOfMessages=1)
            result["at"] = time.monotonic()
            result["messages"] = reply.get("Messages", [])

        thread = threading.Thread(target=poll)
        thread.start()
        time.sleep(0.7)  # the poll is parked on the empty queue by now
        sending.send_message(QueueUrl=url, MessageBody=f"wake-{round_}")
        sent_at = time.monotonic()
        thread.join()
        if not result.get("messages"):
            raise AssertionError(f"round {round_}: the long poll on {waiter.name} returned empty "
                                 f"after a send through {sender.name}")
        latencies.append(result["at"] - sent_at)
        waiting.delete_message(QueueUrl=url, ReceiptHandle=result["messages"][0]["ReceiptHandle"])
    return latencies


def check(run):
    violations = list(run.errors)
    missing = [b for b in run.acked if b not in run.received]
    if missing:
        violations.append(f"{len(missing)} acknowledged sends never received, e.g. {missing[:5]}")
    twice = {b: r for b, r in run.received.items() if len(r) > 1}
    if twice:
        example = next(iter(twice.items()))
        violations.append(f"{len(twice)} messages received more than once (held by two "
                          f"consumers), e.g. {example}")
    for group, holds in run.fifo_holds.items():
        holds.sort()
        order = [n for _, _, _, n in holds]
        if order != sorted(order):
            violations.append(f"group {group} received out of order: {order[:40]}")
        for prev, cur in zip(holds, holds[1:]):
            if cur[2] != prev[2] and cur[0] <= prev[1]:
                violations.append(f"group {group}: message {cur[3]} reached {cur[2]} before "
                                  f"{prev[2]} released message {prev[3]}")
                break
    return violations


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sluiced")
    parser.add_argument("--messages", type=int, default=300,
                        help="messages per standard producer (4 producers), and in total over "
                             "the FIFO groups")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="sluice-pg-multi-")
    schema = f"multi_{random.randrange(1 << 30)}"
    # Only the store's notifications may wake a long poll parked on the other broker.
    extra = "long_poll_recheck_ms = 60000\nstorage_threads = 4"
    brokers = [Broker(args.sluiced, work, name, schema, extra_broker=extra)
               for name in ("broker-a", "broker-b")]
    ok = False
    try:
        for broker in brokers:
            broker.start()
        admin = client(brokers[0].endpoint)
        std_url = admin.create_queue(QueueName="multi-std")["QueueUrl"]
        fifo_url = admin.create_queue(QueueName="multi.fifo",
                                      Attributes={"FifoQueue": "true"})["QueueUrl"]
        wake_url = admin.create_queue(QueueName="multi-wake")["QueueUrl"]

        latencies = measure_wake_ups(brokers, wake_url)
        print("cross-broker long-poll wake-up latency (send acknowledged -> receive answered): " +
              ", ".join(f"{x * 1000:.1f} ms" for x in latencies) +
              f"; median {statistics.median(latencies) * 1000:.1f} ms")

        run = Run(args.messages)
        endpoints = [b.endpoint for b in brokers]
        started = time.monotonic()
        producers = [threading.Thread(target=produce_standard, args=(run, endpoints, std_url, i))
                     for i in range(4)]
        producers += [threading.Thread(target=produce_fifo, args=(run, endpoints, fifo_url, g))
                      for g in range(FIFO_GROUPS)]
        consumers = []
        for b in brokers:
            for i in range(3):
                consumers.append(threading.Thread(
                    target=consume, args=(run, b.endpoint, std_url, f"{b.name}/std{i}", False)))
            for i in range(2):
                consumers.append(threading.Thread(
                    target=consume, args=(run, b.endpoint, fifo_url, f"{b.name}/fifo{i}", True)))
        for t in producers + consumers:
            t.start()
        for t in producers:
            t.join()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with run.lock:
                if all(b in run.received for b in run.acked):
                    break
            time.sleep(0.1)
        run.stop.set()
        for t in consumers:
            t.join()
        elapsed = time.monotonic() - started
        print(f"{len(run.acked)} messages acknowledged, {len(run.received)} distinct received, "
              f"{sum(len(r) for r in run.received.values())} deliveries in {elapsed:.1f} s "
              f"through {len(brokers)} brokers")

        violations = check(run)
        slow = [x for x in latencies if x >= WAKE_LIMIT_S]
        if slow:
            violations.append(f"cross-broker wake-ups took {slow} s (limit {WAKE_LIMIT_S} s)")
        for b in brokers:
            rc = b.stop()
            if rc != 0:
                violations.append(f"{b.name} exited with {rc}:\n{b.log_tail()}")
        if violations:
            print("FAILED:")
            for v in violations:
                print("  " + v)
            return 1
        ok = True
        print("PASSED")
        return 0
    finally:
        for b in brokers:
            b.kill()
        if not ok:
            for b in brokers:
                print(f"--- {b.name} log ---\n{b.log_tail()}")
        if args.keep or not ok:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
