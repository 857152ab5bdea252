"""One sluiced daemon on a RocksDB directory that the crash test kills and restarts.

The daemon gets a temp config: the RocksDB store at <work>/db (fsynced writes unless told
otherwise, tiny memtables so flushes and compactions happen during the test), the SQS front end on
a fixed loopback port, and a fixed receipt secret so receipts handed out before a restart can still
delete after it. Every incarnation logs to its own file, <work>/sluiced-<n>.log.

Threads: start(), kill() and terminate() are called by one thread at a time (the killer, then the
main thread); `incarnation` may be read from any thread.
"""
import os
import signal
import socket
import subprocess
import time

RECEIPT_SECRET = "crash-test-receipt-secret-0001"
READY_LINE = "sluiced ready"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DaemonError(Exception):
    pass


class Daemon:
    def __init__(self, sluiced, work, port, db_path, sync=True):
        self.sluiced = os.path.abspath(sluiced)
        self.work = work
        self.port = port
        self.db_path = db_path
        self.sync = sync
        self.incarnation = 0
        self.proc = None
        self.log_path = None

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def write_config(self):
        path = os.path.join(self.work, f"sluice-{self.incarnation}.toml")
        with open(path, "w") as f:
            f.write(f"""[broker]
receipt_secret = "{RECEIPT_SECRET}"
log_level = "info"

[storage]
plugin = "rocksdb"

[storage.rocksdb]
path = "{self.db_path}"
sync = {"true" if self.sync else "false"}
block_cache_mb = 8
write_buffer_mb = 1

[protocol.sqs]
enabled = true
listen = "127.0.0.1"
port = {self.port}
shutdown_grace_seconds = 1
""")
        return path

    def start(self):
        """Starts a new incarnation; returns once it serves, or raises DaemonError."""
        self.incarnation += 1
        config = self.write_config()
        self.log_path = os.path.join(self.work, f"sluiced-{self.incarnation}.log")
        log = open(self.log_path, "w")
        self.proc = subprocess.Popen([self.sluiced, "--config", config], stdout=log,
                                     stderr=subprocess.STDOUT, cwd=self.work)
        log.close()

    def wait_ready(self, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise DaemonError(f"sluiced incarnation {self.incarnation} exited with "
                                  f"{self.proc.returncode} during start-up:\n{self.log_tail()}")
            with open(self.log_path) as f:
                if READY_LINE in f.read():
                    return
            time.sleep(0.02)
        raise DaemonError(f"sluiced incarnation {self.incarnation} not ready within {timeout} s:\n"
                          f"{self.log_tail()}")

    def kill(self):
        """SIGKILL: no shutdown code runs; whatever was not on disk (or in the page cache) is gone.
        Fails if the daemon had already died on its own."""
        if self.proc.poll() is not None:
            raise DaemonError(f"sluiced incarnation {self.incarnation} died on its own with "
                              f"{self.proc.returncode}:\n{self.log_tail()}")
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def terminate(self, timeout=15.0):
        """Graceful stop; raises DaemonError unless sluiced exits 0."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise DaemonError(f"sluiced still running {timeout} s after SIGTERM:\n"
                              f"{self.log_tail()}")
        if rc != 0:
            raise DaemonError(f"sluiced exited {rc} after SIGTERM:\n{self.log_tail()}")

    def ensure_dead(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def log_tail(self, lines=30):
        if not self.log_path or not os.path.exists(self.log_path):
            return "(no log)"
        with open(self.log_path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
