"""sluiced processes on the PostgreSQL store, for the multi-broker and outage tests.

run_with_postgres.sh provides the server (SLUICE_PG_CONNINFO) and a way to stop and start it
(SLUICE_PG_CTL). Each Broker gets its own config and log in a temp folder, a free loopback port
for the SQS front end, and the receipt secret every broker of one store must share.

Threads: start(), stop() and the Database methods are called from the test's main thread; the
clients may be used from any thread (one client per thread).
"""
import os
import signal
import socket
import subprocess
import time

import boto3
from botocore.config import Config

RECEIPT_SECRET = "postgres-store-test-receipt-secret"
READY_LINE = "sluiced ready"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client(endpoint, read_timeout=30):
    """A boto3 SQS client (query protocol) that never retries, so every error is seen."""
    return boto3.client(
        "sqs", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=2,
                      read_timeout=read_timeout))


class Broker:
    def __init__(self, sluiced, work, name, schema, extra_broker="", extra_store=""):
        self.sluiced = os.path.abspath(sluiced)
        self.work = work
        self.name = name
        self.port = free_port()
        self.log_path = os.path.join(work, f"{name}.log")
        self.config_path = os.path.join(work, f"{name}.toml")
        with open(self.config_path, "w") as f:
            f.write(f"""[broker]
receipt_secret = "{RECEIPT_SECRET}"
log_level = "info"
{extra_broker}

[storage]
plugin = "postgres"

[storage.postgres]
conninfo = "{os.environ["SLUICE_PG_CONNINFO"]}"
schema = "{schema}"
pool_size = 6
reconnect_interval_ms = 200
{extra_store}

[protocol.sqs]
enabled = true
listen = "127.0.0.1"
port = {self.port}
shutdown_grace_seconds = 1
""")
        self.proc = None

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=30.0):
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen([self.sluiced, "--config", self.config_path], stdout=log,
                                     stderr=subprocess.STDOUT, cwd=self.work)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} during "
                                   f"start-up:\n{self.log_tail()}")
            with open(self.log_path, errors="replace") as f:
                if READY_LINE in f.read():
                    return
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} not ready within {timeout} s:\n{self.log_tail()}")

    def stop(self, timeout=20.0):
        """SIGTERM; returns sluiced's exit status (killing it if it does not stop)."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return "killed after SIGTERM timeout"

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def log_tail(self, lines=40):
        if not os.path.exists(self.log_path):
            return "(no log)"
        with open(self.log_path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])


def database(action):
    """Stops ("stop": fast shutdown; "crash": immediate, as a crash) or starts the server."""
    subprocess.run([os.environ["SLUICE_PG_CTL"], action], check=True)
