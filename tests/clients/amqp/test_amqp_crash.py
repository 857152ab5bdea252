"""Durability across a crash, with pika against sluiced on the RocksDB store: messages whose
publish was confirmed survive SIGKILL, and a delivery that was never acknowledged comes back to
the queue once its lease (delivery_lease_seconds) runs out after the restart.

  usage: test_amqp_crash.py <path/to/sluiced>
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

import pika

SLUICED = sys.argv.pop(1)
LEASE = 5


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Daemon:
    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.config = os.path.join(folder, "sluice.toml")
        with open(self.config, "w", encoding="utf-8") as f:
            f.write(f"""
[broker]
receipt_secret = "crash-test-receipt-secret"
[storage]
plugin = "rocksdb"
[storage.rocksdb]
path = "{os.path.join(folder, 'db')}"
sync = true
[protocol.amqp]
port = {self.port}
delivery_lease_seconds = {LEASE}
""")
        self.process = None
        self.log = open(os.path.join(folder, "sluiced.log"), "ab")

    def start(self):
        self.process = subprocess.Popen([SLUICED, "--config", self.config], stdout=self.log,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError("sluiced did not start; see " + self.log.name)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        """SIGTERM; the exit status (0 = clean)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)

    def connect(self):
        return pika.BlockingConnection(pika.ConnectionParameters(
            "127.0.0.1", self.port, credentials=pika.PlainCredentials("guest", "guest"),
            connection_attempts=1))


class Crash(unittest.TestCase):
    def test_confirmed_messages_survive_and_the_leased_delivery_returns(self):
        with tempfile.TemporaryDirectory() as folder:
            daemon = Daemon(folder)
            daemon.start()
            try:
                conn = daemon.connect()
                ch = conn.channel()
                ch.queue_declare("crash-q", durable=True)
                ch.confirm_delivery()
                for body in (b"delivered-unacked", b"never-delivered"):
                    ch.basic_publish("", "crash-q", body,
                                     pika.BasicProperties(delivery_mode=2, message_id=body.decode()))
                method, props, body = ch.basic_get("crash-q")
                self.assertEqual(body, b"delivered-unacked")
                delivered_at = time.monotonic()
                daemon.kill()  # no connection.close, no release: only the lease brings it back

                daemon.start()
                conn = daemon.connect()
                ch = conn.channel()
                method, props, body = ch.basic_get("crash-q", auto_ack=True)
                self.assertEqual(body, b"never-delivered")
                self.assertEqual(props.message_id, "never-delivered")
                self.assertIsNone(ch.basic_get("crash-q")[0], "still leased after the restart")
                while time.monotonic() - delivered_at < LEASE + 10:
                    method, props, body = ch.basic_get("crash-q", auto_ack=True)
                    if method:
                        break
                    time.sleep(0.2)
                self.assertEqual(body, b"delivered-unacked")
                self.assertTrue(method.redelivered)
                self.assertGreaterEqual(time.monotonic() - delivered_at, LEASE - 0.5)
                self.assertEqual(props.delivery_mode, 2)
                conn.close()
            finally:
                status = daemon.stop()
            self.assertEqual(status, 0, "sluiced did not stop cleanly; see " + daemon.log.name)


if __name__ == "__main__":
    unittest.main(verbosity=2)
