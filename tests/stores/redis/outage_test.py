#!/usr/bin/python3
"""Redis killed (SIGKILL) and restarted under load, with appendfsync always.

  usage: outage_test.py SLUICED [--before S] [--down S] [--after S] [--no-aof] [--keep]

Two sluiced brokers share one Redis; boto3 producers send numbered messages (single sends and
batches) and consumers receive and delete, spread over both brokers, retries off. Mid-run Redis is
SIGKILLed, stays down for --down seconds and is started again on the same folder. Checks:
  1. during the outage the brokers answer with errors (ServiceUnavailable), promptly;
  2. after the restart they recover by themselves: sends succeed again within 10 s;
  3. no acknowledged send is lost: after the run the queue is drained and every acknowledged
     body has been received;
  4. no acknowledged delete is undone: a message whose delete was acknowledged never comes back.
Exits 0 when all hold, 1 otherwise (then printing the brokers' and Redis' logs).
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

VISIBILITY = 4  # seconds: receipts lost in the outage come back this soon


class Ledger:
    def __init__(self):
        self.lock = threading.Lock()
        self.acked = set()  # bodies whose send was acknowledged
        self.received = set()
        self.deleted_ids = {}  # MessageId -> when its delete was acknowledged
        self.violations = []
        self.outage_errors = []  # (seconds into outage, seconds the call took, error code)
        self.other_errors = []
        self.down_since = None  # monotonic time Redis went down, None while up
        self.up_since = None
        self.first_ok_after_restart = None

    def violation(self, text):
        with self.lock:
            if len(self.violations) < 50:
                self.violations.append(text)


def error_code(e):
    if isinstance(e, ClientError):
        return e.response.get("Error", {}).get("Code", "?")
    return type(e).__name__


def note_error(ledger, e, took):
    with ledger.lock:
        if ledger.down_since is not None or (
                ledger.up_since is not None and ledger.first_ok_after_restart is None):
            ledger.outage_errors.append((took, error_code(e)))
        elif len(ledger.other_errors) < 20:
            ledger.other_errors.append(f"{error_code(e)}: {e}")


def note_ok(ledger):
    with ledger.lock:
        if ledger.up_since is not None and ledger.first_ok_after_restart is None:
            ledger.first_ok_after_restart = time.monotonic()


def produce(client, url, start, step, ledger, stop):
    n = start
    while not stop.is_set():
        batch = [f"msg-{n + i * step}" for i in range(1 if n % 3 == 0 else 5)]
        n += step * len(batch)
        began = time.monotonic()
        try:
            if len(batch) == 1:
                client.send_message(QueueUrl=url, MessageBody=batch[0])
                ok = batch
            else:
                reply = client.send_message_batch(
                    QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": b}
                                           for i, b in enumerate(batch)])
                ok = [batch[int(e["Id"])] for e in reply.get("Successful", [])]
            with ledger.lock:
                ledger.acked.update(ok)
            note_ok(ledger)
        except (ClientError, BotoCoreError) as e:
            note_error(ledger, e, time.monotonic() - began)
            time.sleep(0.05)


def consume(client, url, ledger, stop):
    while not stop.is_set():
        began = time.monotonic()
        try:
            reply = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=1, VisibilityTimeout=VISIBILITY)
        except (ClientError, BotoCoreError) as e:
            note_error(ledger, e, time.monotonic() - began)
            time.sleep(0.05)
            continue
        messages = reply.get("Messages", [])
        now = time.monotonic()
        with ledger.lock:
            for m in messages:
                ledger.received.add(m["Body"])
                deleted_at = ledger.deleted_ids.get(m["MessageId"])
                if deleted_at is not None:
                    ledger.violations.append(
                        f"{m['Body']} came back {now - deleted_at:.1f} s after its delete was "
                        f"acknowledged")
        if not messages:
            continue
        try:
            reply = client.delete_message_batch(
                QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                                       for i, m in enumerate(messages)])
            done = time.monotonic()
            with ledger.lock:
                for e in reply.get("Successful", []):
                    ledger.deleted_ids[messages[int(e["Id"])]["MessageId"]] = done
        except (ClientError, BotoCoreError) as e:
            note_error(ledger, e, time.monotonic() - began)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sluiced")
    parser.add_argument("--before", type=float, default=3.0, help="seconds of load before the kill")
    parser.add_argument("--down", type=float, default=2.0, help="seconds Redis stays down")
    parser.add_argument("--after", type=float, default=3.0, help="seconds of load after restart")
    parser.add_argument("--no-aof", action="store_true",
                        help="run Redis without its append-only file, to see the test fail")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="sluice-redis-outage-")
    redis = RedisServer(appendonly=not args.no_aof)
    brokers = []
    ok = False
    try:
        redis.start()
        a = Broker(args.sluiced, redis, "A", work)
        b = Broker(args.sluiced, redis, "B", work)
        brokers = [a, b]
        a.start()
        b.start()
        url_a = a.client().create_queue(QueueName="outage")["QueueUrl"]
        time.sleep(1.2)
        url_b = b.client().get_queue_url(QueueName="outage")["QueueUrl"]

        ledger = Ledger()
        stop_producers, stop_consumers = threading.Event(), threading.Event()
        producers = [threading.Thread(target=produce, args=(br.client(), url, i, 2, ledger,
                                                            stop_producers))
                     for i, (br, url) in enumerate([(a, url_a), (b, url_b)])]
        consumers = [threading.Thread(target=consume, args=(br.client(), url, ledger,
                                                            stop_consumers))
                     for br, url in [(a, url_a), (b, url_b), (b, url_b)]]
        for t in producers + consumers:
            t.start()

        time.sleep(args.before)
        with ledger.lock:
            acked_before = len(ledger.acked)
        # Calls running at the moment of the kill fail too: the outage starts just before it.
        with ledger.lock:
            ledger.down_since = time.monotonic()
        redis.kill()
        print(f"Redis SIGKILLed after {acked_before} acknowledged sends")
        time.sleep(args.down)
        redis.start()
        with ledger.lock:
            ledger.down_since = None
            ledger.up_since = time.monotonic()
        print("Redis restarted on its append-only file")
        time.sleep(args.after)
        stop_producers.set()
        for t in producers:
            t.join(15)

        # Drain: in-flight messages whose deletes were lost come back after VISIBILITY.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with ledger.lock:
                if ledger.acked <= ledger.received:
                    break
            time.sleep(0.2)
        time.sleep(VISIBILITY + 1)
        stop_consumers.set()
        for t in consumers:
            t.join(15)

        with ledger.lock:
            errors = list(ledger.outage_errors)
            recovered = (ledger.first_ok_after_restart - ledger.up_since
                         if ledger.first_ok_after_restart is not None else None)
            missing = ledger.acked - ledger.received
        print(f"{len(ledger.acked)} sends acknowledged, {len(ledger.received)} distinct bodies "
              f"received, {len(errors)} errors during the outage "
              f"({', '.join(sorted(set(code for _, code in errors)))}), slowest "
              f"{max((took for took, _ in errors), default=0):.2f} s; first success "
              f"{recovered if recovered is None else round(recovered, 2)} s after the restart")
        if not errors:
            ledger.violation("no request failed while Redis was down")
        slow = [took for took, _ in errors if took > 3.0]
        if slow:
            ledger.violation(f"{len(slow)} requests took over 3 s to fail during the outage")
        if recovered is None or recovered > 10:
            ledger.violation(f"no successful send within 10 s of the restart ({recovered})")
        if missing:
            ledger.violation(f"{len(missing)} acknowledged sends were never received, e.g. "
                             f"{sorted(missing)[:5]}")
        if ledger.other_errors:
            ledger.violation(f"errors outside the outage: {ledger.other_errors[:5]}")
        for broker in brokers:
            broker.stop()
            if "Redis is unavailable" not in broker.log_text():
                ledger.violation(f"sluiced {broker.name} did not log the outage")
        if ledger.violations:
            print("FAIL:", *ledger.violations, sep="\n  ")
            return 1
        ok = True
        print("PASS: Redis outage under load")
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
