#!/usr/bin/python3
"""PostgreSQL goes away under load and comes back; sluiced must ride it out without a restart.

One sluiced broker on the PostgreSQL store; two producers send numbered messages (client retries
off) and two consumers receive and delete, all the time. Twice during the run the database is
taken away and brought back on the same data: first a fast shutdown, then an immediate one (every
server process quits at once, as in a crash; the restart recovers from the WAL). Then:
  1. during each outage requests fail with ServiceUnavailable, and fail fast;
  2. after each restart sluiced serves again by itself, within a few seconds;
  3. every send that was acknowledged (a MessageId came back) is received once the queue is
     drained: with synchronous_commit = on an acknowledged send was committed, so even the crash
     cannot lose it. A send that got an error may or may not have been stored; the test only
     counts those.
Exits 0 if all hold, 1 with the violations otherwise.

  usage: run_with_postgres.sh outage_test.py SLUICED [--keep]
"""
import argparse
import collections
import os
import random
import shutil
import sys
import tempfile
import threading
import time

from botocore.exceptions import BotoCoreError, ClientError

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pg_broker import Broker, client, database  # noqa: E402

OUTAGES = [("stop", 1.5), ("crash", 1.5)]  # (how, seconds down)
RECOVERY_LIMIT_S = 10.0
FAIL_FAST_LIMIT_S = 5.0


class Run:
    def __init__(self):
        self.lock = threading.Lock()
        self.acked = {}                 # body -> message id
        self.unacked = set()            # bodies whose send failed
        self.received = collections.Counter()
        self.codes = collections.Counter()  # error code -> count
        self.slowest_error = 0.0        # the longest a failing request took
        self.last_success = 0.0         # monotonic time of the latest successful request
        self.stop_producers = threading.Event()
        self.stop_consumers = threading.Event()

    def failed(self, error, took):
        code = (error.response["Error"]["Code"] if isinstance(error, ClientError)
                else type(error).__name__)
        with self.lock:
            self.codes[code] += 1
            self.slowest_error = max(self.slowest_error, took)

    def succeeded(self):
        with self.lock:
            self.last_success = time.monotonic()


def produce(run, endpoint, url, index):
    sqs = client(endpoint, read_timeout=15)
    n = 0
    while not run.stop_producers.is_set():
        body = f"p{index}-{n}"
        n += 1
        started = time.monotonic()
        try:
            reply = sqs.send_message(QueueUrl=url, MessageBody=body)
        except (BotoCoreError, ClientError) as error:
            run.failed(error, time.monotonic() - started)
            with run.lock:
                run.unacked.add(body)
            time.sleep(0.05)
            continue
        run.succeeded()
        with run.lock:
            run.acked[body] = reply["MessageId"]


def consume(run, endpoint, url):
    sqs = client(endpoint, read_timeout=15)
    while not run.stop_consumers.is_set():
        started = time.monotonic()
        try:
            reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                        VisibilityTimeout=2)
        except (BotoCoreError, ClientError) as error:
            run.failed(error, time.monotonic() - started)
            time.sleep(0.05)
            continue
        run.succeeded()
        got = reply.get("Messages", [])
        if not got:
            continue
        # Received counts as received, before the delete: a delete that fails may still have
        # happened (its outcome is unknown when the database dies under it).
        with run.lock:
            for m in got:
                run.received[m["Body"]] += 1
        started = time.monotonic()
        try:
            sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)])
        except (BotoCoreError, ClientError) as error:
            # Deliveries whose delete failed come back after their visibility timeout.
            run.failed(error, time.monotonic() - started)
            time.sleep(0.05)
            continue
        run.succeeded()


def wait_for_success_after(run, moment, limit):
    """Seconds from `moment` until a request succeeded after it, or None within `limit`."""
    deadline = moment + limit
    while time.monotonic() < deadline:
        with run.lock:
            if run.last_success > moment:
                return run.last_success - moment
        time.sleep(0.02)
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sluiced")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="sluice-pg-outage-")
    broker = Broker(args.sluiced, work, "broker", f"outage_{random.randrange(1 << 30)}",
                    extra_store='synchronous_commit = "on"')
    violations = []
    ok = False
    try:
        broker.start()
        url = client(broker.endpoint).create_queue(QueueName="outage")["QueueUrl"]
        run = Run()
        producers = [threading.Thread(target=produce, args=(run, broker.endpoint, url, i))
                     for i in range(2)]
        consumers = [threading.Thread(target=consume, args=(run, broker.endpoint, url))
                     for _ in range(2)]
        for t in producers + consumers:
            t.start()

        for how, down_for in OUTAGES:
            time.sleep(1.0)
            with run.lock:
                errors_before = sum(run.codes.values())
                acked_before = len(run.acked)
            database(how)
            print(f"database {how}: down for {down_for} s "
                  f"({acked_before} sends acknowledged so far)")
            time.sleep(down_for)
            with run.lock:
                unavailable = sum(run.codes.values()) - errors_before
            if unavailable == 0:
                violations.append(f"no request failed while the database was down ({how})")
            database("start")
            back = time.monotonic()
            recovered = wait_for_success_after(run, back, RECOVERY_LIMIT_S)
            if recovered is None:
                violations.append(f"sluiced did not serve again within {RECOVERY_LIMIT_S} s of "
                                  f"the database's restart after the {how}")
            else:
                print(f"database back: sluiced served again {recovered * 1000:.0f} ms later")

        time.sleep(1.0)
        run.stop_producers.set()
        for t in producers:
            t.join()
        # Drain: everything acknowledged must come out (deliveries whose delete failed during an
        # outage come back after their 2 s visibility timeout).
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with run.lock:
                missing = [b for b in run.acked if run.received[b] == 0]
            if not missing:
                break
            time.sleep(0.2)
        run.stop_consumers.set()
        for t in consumers:
            t.join()

        with run.lock:
            missing = [b for b in run.acked if run.received[b] == 0]
            codes = dict(run.codes)
            stored_unacked = sum(1 for b in run.unacked if run.received[b] > 0)
            print(f"{len(run.acked)} sends acknowledged, {len(run.unacked)} failed "
                  f"({stored_unacked} of those were stored anyway); errors by code: {codes}; "
                  f"slowest failing request {run.slowest_error * 1000:.0f} ms")
        if missing:
            violations.append(f"{len(missing)} acknowledged sends were lost, e.g. {missing[:5]}")
        wrong = {c: n for c, n in codes.items() if c != "ServiceUnavailable"}
        if wrong:
            violations.append(f"requests failed with codes other than ServiceUnavailable: {wrong}")
        if run.slowest_error > FAIL_FAST_LIMIT_S:
            violations.append(f"a failing request took {run.slowest_error:.1f} s (limit "
                              f"{FAIL_FAST_LIMIT_S} s): outages must fail fast")
        rc = broker.stop()
        if rc != 0:
            violations.append(f"sluiced exited with {rc}")
        if violations:
            print("FAILED:")
            for v in violations:
                print("  " + v)
            return 1
        ok = True
        print("PASSED")
        return 0
    finally:
        broker.kill()
        if not ok:
            print(f"--- sluiced log ---\n{broker.log_tail(60)}")
        if args.keep or not ok:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
