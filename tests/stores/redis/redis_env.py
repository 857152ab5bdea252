"""A private redis-server and sluiced brokers on it, for the Redis store's end-to-end tests.

RedisServer starts redis-server on 127.0.0.1 on a free port in a temp folder (append-only file,
appendfsync always, no snapshots) and stops it by PID; it can be killed (SIGKILL, a crash) and
started again on the same folder. Broker runs one sluiced with the Redis store and the SQS front
end on its own port; every broker of a test shares the receipt secret, so a receipt from one
broker deletes on another. Use both as context managers (or call stop()) so nothing outlives the
test, even when it fails.

Threads: the objects are driven by one thread (the test's main thread).
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import boto3
from botocore.config import Config

RECEIPT_SECRET = "redis-multi-broker-test-secret-01"
READY_LINE = "sluiced ready"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TestFailure(Exception):
    pass


class RedisServer:
    def __init__(self, redis_server="/usr/bin/redis-server", appendonly=True):
        self.redis_server = redis_server
        self.appendonly = appendonly
        self.dir = tempfile.mkdtemp(prefix="sluice-redis-")
        self.port = free_port()
        self.proc = None

    def args(self):
        return [self.redis_server, "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", self.dir, "--logfile", os.path.join(self.dir, "redis.log"),
                "--save", "", "--appendonly", "yes" if self.appendonly else "no",
                "--appendfsync", "always"]

    def start(self, timeout=10.0):
        # In the foreground (no --daemonize), so this object holds the PID.
        self.proc = subprocess.Popen(self.args(), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise TestFailure(f"redis-server exited with {self.proc.returncode}:\n"
                                  f"{self.log_tail()}")
            if self.ping():
                return
            time.sleep(0.05)
        raise TestFailure(f"redis-server not answering within {timeout} s:\n{self.log_tail()}")

    def ping(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self):
        """SIGKILL: a crash. What the append-only file has (everything acknowledged, with
        appendfsync always) survives."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def log_tail(self, lines=20):
        path = os.path.join(self.dir, "redis.log")
        if not os.path.exists(path):
            return "(no redis log)"
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.cleanup()


class Broker:
    def __init__(self, sluiced, redis, name, work, recheck_ms=250, extra_redis=""):
        self.sluiced = os.path.abspath(sluiced)
        self.redis = redis
        self.name = name
        self.work = work
        self.port = free_port()
        self.recheck_ms = recheck_ms
        self.extra_redis = extra_redis
        self.proc = None
        self.log_path = os.path.join(work, f"sluiced-{name}.log")

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def client(self, read_timeout=10):
        # total_max_attempts = 1: botocore never resends, so every error is seen by the test.
        return boto3.client(
            "sqs", endpoint_url=self.endpoint, region_name="us-east-1", aws_access_key_id="x",
            aws_secret_access_key="x",
            config=Config(retries={"total_max_attempts": 1}, connect_timeout=2,
                          read_timeout=read_timeout, max_pool_connections=20))

    def start(self, timeout=20.0):
        config = os.path.join(self.work, f"sluice-{self.name}.toml")
        with open(config, "w") as f:
            f.write(f"""[broker]
receipt_secret = "{RECEIPT_SECRET}"
long_poll_recheck_ms = {self.recheck_ms}
queue_recreate_delay_ms = 0
log_level = "info"

[storage]
plugin = "redis"

[storage.redis]
host = "127.0.0.1"
port = {self.redis.port}
key_prefix = "e2e"
reconnect_backoff_ms = 100
command_timeout_ms = 2000
{self.extra_redis}

[protocol.sqs]
enabled = true
listen = "127.0.0.1"
port = {self.port}
shutdown_grace_seconds = 1
""")
        log = open(self.log_path, "w")
        self.proc = subprocess.Popen([self.sluiced, "--config", config], stdout=log,
                                     stderr=subprocess.STDOUT, cwd=self.work)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise TestFailure(f"sluiced {self.name} exited with {self.proc.returncode}:\n"
                                  f"{self.log_tail()}")
            with open(self.log_path, errors="replace") as f:
                if READY_LINE in f.read():
                    return
            time.sleep(0.05)
        raise TestFailure(f"sluiced {self.name} not ready within {timeout} s:\n{self.log_tail()}")

    def stop(self, timeout=15.0):
        """SIGTERM; raises TestFailure unless sluiced exits 0."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise TestFailure(f"sluiced {self.name} still running {timeout} s after SIGTERM")
        if rc != 0:
            raise TestFailure(f"sluiced {self.name} exited {rc} after SIGTERM:\n{self.log_tail()}")

    def ensure_dead(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def log_text(self):
        if not os.path.exists(self.log_path):
            return ""
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def log_tail(self, lines=30):
        return "".join(self.log_text().splitlines(keepends=True)[-lines:]) or "(no log)"
