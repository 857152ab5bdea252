#!/usr/bin/python3
"""Crash test: sluiced on the RocksDB store (sync = true) is SIGKILLed at random moments while
boto3 clients send, receive and delete through the SQS front end, and restarted on the same data
directory. Afterwards every acknowledged send must have been received, messages left in flight
must have come back after their visibility timeout, and acknowledged deletes must never come
back (the rules are in crash_ledger.py). Exits 0 if they hold, 1 with the violations otherwise.

  usage: crash_recovery.py SLUICED [--messages N] [--kills K] [--seed S] [...]

The seed fixes the kill points (counted in acknowledged sends), the batch sizes and the
consumers' choices; it is printed first, and --seed replays it (threads still interleave
differently, so a replay is close, not identical). Run it with Debian's /usr/bin/python3, which
has boto3. sluiced finds its plugins in its own folder, so sluice_storage_rocksdb and
sluice_protocol_sqs must be built next to it.
"""
import argparse
import hashlib
import os
import random
import shutil
import sys
import tempfile
import threading
import time

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crash_daemon import Daemon, DaemonError, free_port  # noqa: E402
from crash_ledger import INTACT, Ledger, body_of  # noqa: E402

# Errors that mean "no answer": the request may or may not have taken effect.
NO_ANSWER = (BotoCoreError,)


def make_client(endpoint, read_timeout=5):
    # total_max_attempts = 1: botocore never resends, so every lost answer is seen here. (Its
    # legacy `max_attempts` counts retries, not attempts: max_attempts = 1 would resend once.)
    return boto3.client(
        "sqs", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=1,
                      read_timeout=read_timeout))


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


class Run:
    """State shared by the worker threads."""

    def __init__(self, args, daemon, ledger, queue_url):
        self.args = args
        self.daemon = daemon
        self.ledger = ledger
        self.queue_url = queue_url
        self.lock = threading.Lock()
        self.next_n = 0
        self.failure = None
        self.producers_done = threading.Event()
        self.stop_consumers = threading.Event()
        self.deadline = time.monotonic() + args.timeout
        self.kills = 0
        self.startup_kills = 0
        self.downtime = 0.0

    def fail(self, reason):
        with self.lock:
            if self.failure is None:
                self.failure = reason

    def going(self):
        if time.monotonic() > self.deadline:
            self.fail(f"not finished within --timeout {self.args.timeout} s")
        return self.failure is None

    def take(self, size):
        with self.lock:
            first = self.next_n
            self.next_n = min(self.next_n + size, self.args.messages)
            return list(range(first, self.next_n))


def produce(run, index):
    rng = random.Random(f"{run.args.seed}-producer-{index}")
    sqs = make_client(run.daemon.endpoint)
    ledger = run.ledger
    while run.going():
        pending = run.take(1 if rng.random() < 0.4 else rng.randint(2, 10))
        if not pending:
            return
        while pending and run.going():
            ledger.bump("send_requests")
            try:
                if len(pending) == 1:
                    n = pending[0]
                    reply = sqs.send_message(QueueUrl=run.queue_url, MessageBody=body_of(n))
                    answers = [(n, reply)]
                    refused = []
                else:
                    entries = [{"Id": f"m{n}", "MessageBody": body_of(n)} for n in pending]
                    reply = sqs.send_message_batch(QueueUrl=run.queue_url, Entries=entries)
                    answers = [(int(e["Id"][1:]), e) for e in reply.get("Successful", [])]
                    refused = [int(e["Id"][1:]) for e in reply.get("Failed", [])]
                if reply["ResponseMetadata"].get("RetryAttempts", 0) != 0:
                    run.fail("botocore retried a request although retries are off")
            except NO_ANSWER:
                for n in pending:
                    ledger.record_send_lost(n)
                time.sleep(0.02)
                continue
            except ClientError:
                refused, answers = list(pending), []
            for n, answer in answers:
                if answer["MD5OfMessageBody"] != md5(body_of(n)):
                    ledger.violation(INTACT, f"send of body {n}: MD5OfMessageBody does not match")
                ledger.record_send_acked(n, answer["MessageId"])
            for n in refused:
                ledger.record_send_rejected(n)
            pending = refused
            if refused:
                time.sleep(0.02)


def receive(run, sqs, wait):
    """One receive; records its deliveries. Returns [(message, delivery)], or None on an error."""
    started = time.time()
    incarnation = run.daemon.incarnation
    run.ledger.bump("receive_requests")
    try:
        reply = sqs.receive_message(QueueUrl=run.queue_url, MaxNumberOfMessages=10,
                                    VisibilityTimeout=run.args.visibility, WaitTimeSeconds=wait)
    except (BotoCoreError, ClientError):
        run.ledger.bump("receive_errors")
        return None
    ended = time.time()
    if run.daemon.incarnation != incarnation:
        incarnation = 0  # restarted meanwhile: which daemon served it is unknown
    got = []
    for m in reply.get("Messages", []):
        if m["MD5OfBody"] != md5(m["Body"]):
            run.ledger.violation(INTACT, f"{m['MessageId']}: MD5OfBody does not match its body")
        delivery = run.ledger.record_delivery(m["MessageId"], m["Body"], started, ended,
                                              incarnation)
        if delivery is not None:
            got.append((m, delivery))
    return got


def delete(run, sqs, got, batch):
    """Deletes the given deliveries and settles each with what the client saw."""
    ledger = run.ledger
    ledger.bump("delete_requests")
    try:
        if not batch:
            for m, delivery in got:
                sqs.delete_message(QueueUrl=run.queue_url, ReceiptHandle=m["ReceiptHandle"])
                ledger.settle(delivery, "deleted", time.time())
            return
        entries = [{"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, (m, _) in
                   enumerate(got)]
        reply = sqs.delete_message_batch(QueueUrl=run.queue_url, Entries=entries)
        acked_at = time.time()
        for e in reply.get("Successful", []):
            ledger.settle(got[int(e["Id"][1:])][1], "deleted", acked_at)
        for e in reply.get("Failed", []):
            ledger.settle(got[int(e["Id"][1:])][1], "delete-rejected")
            ledger.bump("delete_refused:" + e.get("Code", "?"))
    except NO_ANSWER:
        for _, delivery in got:
            if delivery.outcome == "held":
                ledger.settle(delivery, "delete-lost")
    except ClientError as error:
        for _, delivery in got:
            if delivery.outcome == "held":
                ledger.settle(delivery, "delete-rejected")
        ledger.bump("delete_refused:" + error.response["Error"]["Code"])


def consume(run, index):
    """Receives; deletes most deliveries, leaves some in flight to come back later."""
    rng = random.Random(f"{run.args.seed}-consumer-{index}")
    sqs = make_client(run.daemon.endpoint)
    while run.going() and not run.stop_consumers.is_set():
        got = receive(run, sqs, wait=1)
        if got is None:
            time.sleep(0.02)
            continue
        keep = []
        for m, delivery in got:
            if rng.random() < run.args.abandon:
                run.ledger.settle(delivery, "abandoned")
            else:
                keep.append((m, delivery))
        if keep:
            delete(run, sqs, keep, batch=len(keep) > 1 and rng.random() < 0.7)


def kill_and_restart(run, rng):
    daemon = run.daemon
    down_at = time.monotonic()
    daemon.kill()
    run.kills += 1
    # Sometimes kill again while the store is still opening (or just after), to crash a recovery.
    if rng.random() < 0.25:
        daemon.start()
        time.sleep(rng.uniform(0.0, 0.2))
        daemon.kill()
        run.startup_kills += 1
    daemon.start()
    daemon.wait_ready()
    run.downtime += time.monotonic() - down_at


def kill_at_random(run):
    """SIGKILLs sluiced when the acknowledged sends reach each seeded kill point."""
    rng = random.Random(f"{run.args.seed}-killer")
    count, kills = run.args.messages, run.args.kills
    points = sorted(rng.randint(1, max(1, count - 1)) for _ in range(kills))
    try:
        for point in points:
            while run.going() and run.ledger.acked_count() < point:
                time.sleep(0.005)
            if not run.going():
                return
            time.sleep(rng.uniform(0.0, 0.05))
            kill_and_restart(run, rng)
        # No more kills: the daemon must stay up until the producers are done.
        while run.going() and not run.producers_done.wait(0.1):
            if run.daemon.proc.poll() is not None:
                raise DaemonError(f"sluiced died on its own with {run.daemon.proc.returncode}:\n"
                                  f"{run.daemon.log_tail()}")
    except DaemonError as error:
        run.fail(str(error))


def why(run, what):
    """`what`, plus the daemon's exit and log if it is no longer running."""
    rc = run.daemon.proc.poll()
    if rc is None:
        return what
    return f"{what}; sluiced exited on its own with {rc}:\n{run.daemon.log_tail()}"


COUNTS = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
          "ApproximateNumberOfMessagesDelayed"]


def counts(run, sqs, when):
    """The queue's three counts, or None after failing the run."""
    try:
        reply = sqs.get_queue_attributes(QueueUrl=run.queue_url, AttributeNames=COUNTS)
    except (BotoCoreError, ClientError) as error:
        run.fail(why(run, f"GetQueueAttributes failed {when}: {error}"))
        return None
    return {k: reply["Attributes"].get(k) for k in COUNTS}


def drain(run):
    """With no more kills: receives and deletes everything left, in flight messages included,
    until the queue's counts are all zero. Any error now is a failure (so a slow machine gets a
    long read timeout)."""
    sqs = make_client(run.daemon.endpoint, read_timeout=30)
    while run.going():
        got = receive(run, sqs, wait=1)
        if got is None:
            run.fail(why(run, "a receive failed during the drain (no kills then)"))
            return
        if got:
            delete(run, sqs, got, batch=True)
            if any(d.outcome != "deleted" for _, d in got):
                run.fail(why(run, "a delete failed during the drain (no kills then)"))
            continue
        now = counts(run, sqs, "during the drain")
        if now is None or all(v == "0" for v in now.values()):
            return


def check_stays_empty(run):
    """One more crash after the drain: nothing deleted may come back, the counts stay zero."""
    kill_and_restart(run, random.Random(0))
    run.kills -= 1  # the report counts the kills under load
    time.sleep(run.args.visibility + 0.5)
    sqs = make_client(run.daemon.endpoint, read_timeout=30)
    got = receive(run, sqs, wait=1)
    if got is None:
        run.fail(why(run, "a receive failed after the final restart"))
    elif got:
        run.fail(f"{len(got)} deleted message(s) came back after the final restart: "
                 f"{[m['MessageId'] for m, _ in got]}")
    now = counts(run, sqs, "after the final restart")
    if now is not None and any(v != "0" for v in now.values()):
        run.fail(f"after the final restart the counts are {now}, expected all 0")


def start_threads(target, run, count):
    threads = [threading.Thread(target=target, args=(run, i), daemon=True) for i in range(count)]
    for t in threads:
        t.start()
    return threads


def exercise(run):
    producers = start_threads(produce, run, run.args.producers)
    consumers = start_threads(consume, run, run.args.consumers)
    killer = threading.Thread(target=kill_at_random, args=(run,), daemon=True)
    killer.start()
    for t in producers:
        t.join()
    run.producers_done.set()
    killer.join()
    run.stop_consumers.set()
    for t in consumers:
        t.join()
    if run.failure is None:
        drain(run)
    if run.failure is None:
        check_stays_empty(run)
    if run.failure is None:
        run.daemon.terminate()


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("sluiced")
    p.add_argument("--messages", type=int, default=2000, help="N: bodies to send")
    p.add_argument("--kills", type=int, default=5, help="K: SIGKILLs while sending")
    p.add_argument("--seed", type=int, default=None, help="replay a printed seed")
    p.add_argument("--producers", type=int, default=2)
    p.add_argument("--consumers", type=int, default=2)
    p.add_argument("--visibility", type=int, default=2, help="seconds, per receive")
    p.add_argument("--abandon", type=float, default=0.2,
                   help="share of deliveries left in flight")
    p.add_argument("--no-sync", action="store_true", help="open the store with sync = false")
    p.add_argument("--timeout", type=float, default=600, help="seconds for the whole run")
    p.add_argument("--keep", action="store_true", help="keep the data and logs folder")
    args = p.parse_args(argv)
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1 << 31)
    return args


def report(figures, stats, run, seconds):
    kills = "0"
    if run is not None:
        kills = (f"{run.kills}+1 final (+{run.startup_kills} during restarts, "
                 f"{run.downtime:.1f} s down)")
    print(f"crash_recovery: acked={figures['acked']} received={figures['messages_received']} "
          f"duplicates={figures['duplicates']} (sends without an answer: "
          f"{figures['lost_send_attempts']}, refused: {figures['refused_send_attempts']}) "
          f"deliveries={figures['deliveries']} redeliveries={figures['redeliveries']} "
          f"left_in_flight={figures['left_in_flight']} (back after a kill: "
          f"{figures['in_flight_across_kill']}) kills={kills} time={seconds:.1f}s")
    print("crash_recovery: requests " + " ".join(f"{k}={v}" for k, v in sorted(stats.items())))


def main(argv):
    args = parse_args(argv)
    for k, v in {"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/dev/null",
                 "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}.items():
        os.environ[k] = v
    print(f"crash_recovery: seed={args.seed} messages={args.messages} kills={args.kills} "
          f"(replay: --seed {args.seed})", flush=True)
    work = tempfile.mkdtemp(prefix="sluice-crash-")
    daemon = Daemon(args.sluiced, work, free_port(), os.path.join(work, "db"),
                    sync=not args.no_sync)
    began = time.monotonic()
    ledger = Ledger(args.messages, args.visibility)
    run = None
    try:
        daemon.start()
        daemon.wait_ready()
        url = make_client(daemon.endpoint).create_queue(
            QueueName="crash", Attributes={"VisibilityTimeout": str(args.visibility)})["QueueUrl"]
        run = Run(args, daemon, ledger, url)
        exercise(run)
    except DaemonError as error:
        if run is not None:
            run.fail(str(error))
        else:
            ledger.violation("run", str(error))
    finally:
        daemon.ensure_dead()
    figures = ledger.verify()
    problems = dict(ledger.violations)
    if run is not None and run.failure is not None:
        problems.setdefault("run", []).insert(0, run.failure)
    report(figures, ledger.stats, run, time.monotonic() - began)
    if problems:
        # The run's own failure (a daemon that died, a timeout) first: it explains the rest.
        for rule, texts in sorted(problems.items(), key=lambda item: item[0] != "run"):
            print(f"FAIL: rule {rule}: {len(texts)} violation(s), e.g.", file=sys.stderr)
            for text in texts[:5]:
                print(f"FAIL:   {text}", file=sys.stderr)
        print(f"crash_recovery: FAILED (seed {args.seed}); data and logs kept in {work}",
              file=sys.stderr)
        return 1
    if args.keep:
        print(f"crash_recovery: data and logs kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print("crash_recovery: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
