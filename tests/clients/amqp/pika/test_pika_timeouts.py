"""Timeouts, on a daemon started with delivery_lease_seconds = 5 and handshake_timeout_seconds = 2:
a delivery left unacknowledged for its lease closes its channel with 406, as RabbitMQ's
consumer_timeout does, and the message goes back to the queue; a connection that does not finish
its handshake in time is closed."""
import time
import unittest

from amqp_common import AmqpTestCase, raw_socket, wait_until


class Handshake(unittest.TestCase):
    def test_a_connection_that_never_logs_in_is_closed(self):
        with raw_socket() as sock:
            sock.settimeout(10)
            sock.sendall(b"AMQP\x00\x00\x09\x01")  # the header only; no client stops here
            start = time.monotonic()
            received = b""
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                received += chunk
            self.assertTrue(received.startswith(b"\x01\x00\x00"))  # connection.start
            elapsed = time.monotonic() - start
            self.assertGreater(elapsed, 1.5)
            self.assertLess(elapsed, 6)


class Lease(AmqpTestCase):
    def test_unacked_delivery_past_its_lease_closes_the_channel_and_returns(self):
        q = self.declare()
        self.publish(q, "slow")
        holder = self.connection.channel()
        got = []
        holder.basic_consume(q, lambda ch, m, p, b: got.append(b))
        self.assertTrue(wait_until(lambda: (self.connection.process_data_events(0.05), got)[1]))
        closed = []
        holder._impl.add_on_close_callback(lambda ch, reason: closed.append(reason))
        start = time.monotonic()
        self.assertTrue(wait_until(lambda: (self.connection.process_data_events(0.1), closed)[1],
                                   timeout=10))
        self.assertEqual(closed[0].reply_code, 406)
        self.assertIn("timed out", closed[0].reply_text)
        self.assertGreater(time.monotonic() - start, 2)
        m, _, body = self.get(q, auto_ack=True)
        self.assertEqual(body, b"slow")
        self.assertTrue(m.redelivered)

    def test_acknowledged_in_time_is_not_closed(self):
        q = self.declare()
        self.publish(q, "quick")
        m, _, _ = self.get(q)
        self.connection.sleep(1)
        self.channel.basic_ack(m.delivery_tag)
        self.connection.sleep(5)
        self.assertTrue(self.channel.is_open)


if __name__ == "__main__":
    unittest.main(verbosity=2)
