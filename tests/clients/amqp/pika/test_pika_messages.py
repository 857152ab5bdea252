"""basic.* with pika: publish, get, consume, qos windows, ack / nack / reject / recover, the
redelivered flag, content properties byte for byte, and per-message expiration."""
import datetime
import decimal
import time
import unittest

import pika
import pika.exceptions as exc

from amqp_common import AmqpTestCase, connect, pika_socket, unique, wait_until


def drain(connection, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        connection.process_data_events(time_limit=0.05)


class PublishAndGet(AmqpTestCase):
    def test_get_returns_the_message_and_how_many_remain(self):
        q = self.declare()
        for body in (b"one", b"two", b"three"):
            self.publish(q, body)
        m, _, body = self.channel.basic_get(q, auto_ack=True)
        self.assertEqual(body, b"one")
        self.assertEqual(m.message_count, 2)
        self.assertFalse(m.redelivered)
        self.assertEqual(m.routing_key, q)
        self.assertEqual(m.exchange, "")

    def test_get_on_an_empty_queue_is_get_empty(self):
        q = self.declare()
        self.assertEqual(self.channel.basic_get(q), (None, None, None))

    def test_get_from_a_missing_queue_is_404(self):
        self.assertChannelClosed(404, self.channel.basic_get, unique())

    def test_every_property_comes_back_exactly(self):
        q = self.declare()
        props = pika.BasicProperties(
            content_type="application/json", content_encoding="utf-8",
            headers={"s": "text", "i": 42, "big": 2**40, "neg": -7, "t": True,
                     "d": decimal.Decimal("3.14"), "b": b"\x00\xff", "l": [1, "two", {"x": 3}],
                     "n": None, "ts": datetime.datetime(2024, 5, 6, 7, 8, 9), "nested": {"a": 1}},
            delivery_mode=2, priority=5, correlation_id="corr-1", reply_to="replies",
            expiration="600000", message_id="msg-1", timestamp=1700000000, type="order.created",
            user_id="guest", app_id="tests", cluster_id="c1")
        self.publish(q, b'{"id": 1}', props)
        _, got, body = self.get(q, auto_ack=True)
        self.assertEqual(body, b'{"id": 1}')
        for field in ("content_type", "content_encoding", "headers", "delivery_mode", "priority",
                      "correlation_id", "reply_to", "expiration", "message_id", "timestamp",
                      "type", "user_id", "app_id", "cluster_id"):
            self.assertEqual(getattr(got, field), getattr(props, field), field)

    def test_binary_and_empty_bodies_come_back_exactly(self):
        q = self.declare()
        binary = bytes(range(256)) * 4
        self.publish(q, binary)
        self.publish(q, b"")
        self.assertEqual(self.get(q, auto_ack=True)[2], binary)
        self.assertEqual(self.get(q, auto_ack=True)[2], b"")

    def test_body_larger_than_max_message_bytes_is_406(self):
        q = self.declare()

        def publish():
            self.publish(q, b"x" * (1048576 + 1))
            self.channel.queue_declare(q, passive=True)
        self.assertIn("max size", self.assertChannelClosed(406, publish))

    def test_binary_body_over_the_queues_maximum_once_encoded_is_406(self):
        # A binary body is stored base64-encoded (4/3 larger); the queue's MaximumMessageSize
        # (1 MiB by default) applies to the stored form.
        q = self.declare()

        def publish():
            self.publish(q, b"\xff" * 800000)
            self.channel.queue_declare(q, passive=True)
        self.assertIn("larger than the maximum", self.assertChannelClosed(406, publish))

    def test_immediate_publish_is_not_implemented_540(self):
        # pika's channels cannot set immediate; its frame codec can.
        q = self.declare()
        ch = self.channel.channel_number
        frames = [pika.frame.Method(ch, pika.spec.Basic.Publish(routing_key=q, immediate=True)),
                  pika.frame.Header(ch, 1, pika.BasicProperties()),
                  pika.frame.Body(ch, b"x")]
        pika_socket(self.connection).sendall(b"".join(f.marshal() for f in frames))
        self.assertConnectionClosed(540, self.connection.process_data_events, 1)

    def test_invalid_expiration_is_406(self):
        q = self.declare()

        def publish():
            self.publish(q, b"x", pika.BasicProperties(expiration="soon"))
            self.channel.queue_declare(q, passive=True)
        self.assertIn("expiration", self.assertChannelClosed(406, publish))

    def test_expired_message_is_not_delivered(self):
        q = self.declare()
        self.publish(q, b"short-lived", pika.BasicProperties(expiration="1"))
        self.publish(q, b"lasting", pika.BasicProperties(expiration="600000"))
        time.sleep(0.05)
        self.assertEqual(self.get(q, auto_ack=True)[2], b"lasting")
        self.assertIsNone(self.channel.basic_get(q)[0])


class Consume(AmqpTestCase):
    def consume_into(self, channel, queue, **kwargs):
        got = []
        tag = channel.basic_consume(queue, lambda ch, m, p, b: got.append((m, b)), **kwargs)
        return tag, got

    def test_consumer_receives_messages_in_order_with_its_tag(self):
        q = self.declare()
        tag, got = self.consume_into(self.channel, q, auto_ack=True, consumer_tag="my-tag")
        self.assertEqual(tag, "my-tag")
        for i in range(20):
            self.publish(q, str(i))
        self.assertTrue(wait_until(lambda: (drain(self.connection, 0.05), len(got))[1] == 20))
        self.assertEqual([b for _, b in got], [str(i).encode() for i in range(20)])
        self.assertTrue(all(m.consumer_tag == "my-tag" for m, _ in got))
        tags = [m.delivery_tag for m, _ in got]
        self.assertEqual(tags, list(range(1, 21)))

    def test_reusing_a_consumer_tag_is_530(self):
        q = self.declare()
        self.consume_into(self.channel, q, consumer_tag="dup")
        # pika refuses a duplicate tag before sending it; its frame codec does not.
        consume = pika.frame.Method(self.channel.channel_number,
                                    pika.spec.Basic.Consume(queue=q, consumer_tag="dup"))
        pika_socket(self.connection).sendall(consume.marshal())
        self.assertIn("dup", self.assertConnectionClosed(
            530, self.connection.process_data_events, 1))

    def wait_for(self, got, count):
        """Deliveries until `count` arrived, then a while longer to see that no more come."""
        self.assertTrue(wait_until(lambda: (drain(self.connection, 0.05), len(got))[1] >= count))
        drain(self.connection, 0.4)
        return len(got)

    def test_prefetch_window_is_honoured(self):
        q = self.declare()
        for i in range(10):
            self.publish(q, str(i))
        self.channel.basic_qos(prefetch_count=3)
        _, got = self.consume_into(self.channel, q)
        self.assertEqual(self.wait_for(got, 3), 3)
        self.channel.basic_ack(got[0][0].delivery_tag)
        self.assertEqual(self.wait_for(got, 4), 4)
        self.channel.basic_ack(got[3][0].delivery_tag, multiple=True)
        self.assertEqual(self.wait_for(got, 7), 7)

    def test_prefetch_size_is_not_implemented_540(self):
        self.assertConnectionClosed(540, self.channel.basic_qos, prefetch_size=1024,
                                    prefetch_count=1)

    def test_global_prefetch_is_shared_by_the_channels_consumers(self):
        a, b = self.declare(), self.declare()
        for i in range(5):
            self.publish(a, f"a{i}")
            self.publish(b, f"b{i}")
        self.channel.basic_qos(prefetch_count=4, global_qos=True)
        _, got_a = self.consume_into(self.channel, a)
        _, got_b = self.consume_into(self.channel, b)
        both = lambda: got_a + got_b  # noqa: E731
        self.assertTrue(wait_until(lambda: (drain(self.connection, 0.05), len(both()))[1] >= 4))
        drain(self.connection, 0.4)
        self.assertEqual(len(both()), 4)
        self.channel.basic_ack(both()[0][0].delivery_tag)
        self.assertTrue(wait_until(lambda: (drain(self.connection, 0.05), len(both()))[1] >= 5))
        drain(self.connection, 0.4)
        self.assertEqual(len(both()), 5)

    def test_cancel_stops_deliveries(self):
        q = self.declare()
        tag, got = self.consume_into(self.channel, q, auto_ack=True)
        self.publish(q, "before")
        self.assertTrue(wait_until(lambda: (drain(self.connection, 0.05), len(got))[1] == 1))
        self.channel.basic_cancel(tag)
        self.publish(q, "after")
        drain(self.connection, 0.3)
        self.assertEqual(len(got), 1)
        self.assertEqual(self.get(q, auto_ack=True)[2], b"after")

    def test_exclusive_consumer_keeps_other_consumers_out_403(self):
        q = self.declare()
        self.consume_into(self.channel, q, exclusive=True)
        other = self.connection.channel()
        self.assertIn("exclusive", self.assertChannelClosed(403, other.basic_consume, q,
                                                           lambda *a: None))

    def test_exclusive_consume_on_a_queue_with_consumers_is_403(self):
        q = self.declare()
        self.consume_into(self.channel, q)
        other = self.connection.channel()
        self.assertChannelClosed(403, other.basic_consume, q, lambda *a: None, exclusive=True)

    def test_consume_from_a_missing_queue_is_404(self):
        self.assertChannelClosed(404, self.channel.basic_consume, unique(), lambda *a: None)

    def test_two_consumers_share_a_queue_without_duplicates(self):
        q = self.declare()
        other = self.connection.channel()
        _, got1 = self.consume_into(self.channel, q, auto_ack=True)
        _, got2 = self.consume_into(other, q, auto_ack=True)
        for i in range(40):
            self.publish(q, str(i))
        self.assertTrue(wait_until(lambda: (drain(self.connection, 0.05),
                                            len(got1) + len(got2))[1] == 40))
        bodies = sorted(int(b) for _, b in got1 + got2)
        self.assertEqual(bodies, list(range(40)))


class Acknowledgements(AmqpTestCase):
    def test_ack_removes_the_message(self):
        q = self.declare()
        self.publish(q, "x")
        m, _, _ = self.get(q)
        self.channel.basic_ack(m.delivery_tag)
        self.channel.basic_recover(requeue=True)
        self.assertIsNone(self.channel.basic_get(q)[0])

    def test_unknown_delivery_tag_is_406(self):
        def ack():
            self.channel.basic_ack(99)
            self.channel.queue_declare("", exclusive=True)
        self.assertIn("unknown delivery tag 99", self.assertChannelClosed(406, ack))

    def test_double_ack_is_406(self):
        q = self.declare()
        self.publish(q, "x")
        m, _, _ = self.get(q)

        def twice():
            self.channel.basic_ack(m.delivery_tag)
            self.channel.basic_ack(m.delivery_tag)
            self.channel.queue_declare(q, passive=True)
        self.assertChannelClosed(406, twice)

    def test_nack_with_requeue_redelivers_with_the_redelivered_flag(self):
        q = self.declare()
        self.publish(q, "again")
        m, _, _ = self.get(q)
        self.assertFalse(m.redelivered)
        self.channel.basic_nack(m.delivery_tag, requeue=True)
        m2, _, body = self.get(q)
        self.assertEqual(body, b"again")
        self.assertTrue(m2.redelivered)
        self.assertGreater(m2.delivery_tag, m.delivery_tag)

    def test_reject_without_requeue_discards(self):
        q = self.declare()
        self.publish(q, "gone")
        m, _, _ = self.get(q)
        self.channel.basic_reject(m.delivery_tag, requeue=False)
        self.assertIsNone(self.channel.basic_get(q)[0])

    def test_multiple_nack_settles_everything_up_to_the_tag(self):
        q = self.declare()
        for i in range(4):
            self.publish(q, str(i))
        tags = [self.get(q)[0].delivery_tag for _ in range(4)]
        self.channel.basic_nack(tags[2], multiple=True, requeue=False)
        self.channel.basic_nack(tags[3], requeue=True)
        m, _, body = self.get(q, auto_ack=True)
        self.assertEqual(body, b"3")
        self.assertIsNone(self.channel.basic_get(q)[0])

    def test_ack_multiple_with_tag_zero_acknowledges_everything(self):
        q = self.declare()
        for i in range(3):
            self.publish(q, str(i))
        for _ in range(3):
            self.get(q)
        self.channel.basic_ack(0, multiple=True)
        self.channel.basic_recover(requeue=True)
        self.assertIsNone(self.channel.basic_get(q)[0])

    def test_recover_redelivers_everything_unacknowledged(self):
        q = self.declare()
        self.publish(q, "a")
        self.publish(q, "b")
        self.get(q)
        self.get(q)
        self.channel.basic_recover(requeue=True)
        got = [self.get(q, auto_ack=True) for _ in range(2)]
        self.assertEqual(sorted(b for _, _, b in got), [b"a", b"b"])
        self.assertTrue(all(m.redelivered for m, _, _ in got))

    def test_unacked_deliveries_return_when_their_channel_closes(self):
        q = self.declare()
        self.publish(q, "held")
        ch = self.connection.channel()
        got = []
        ch.basic_consume(q, lambda c, m, p, b: got.append(b))
        self.assertTrue(wait_until(lambda: (drain(self.connection, 0.05), got)[1] == [b"held"]))
        ch.close()
        m, _, body = self.get(q, auto_ack=True)
        self.assertEqual(body, b"held")
        self.assertTrue(m.redelivered)

    def test_unacked_deliveries_return_when_their_connection_closes(self):
        q = self.declare()
        self.publish(q, "held")
        conn = self.new_connection()
        m, _, _ = self.get(q, channel=conn.channel())
        self.assertIsNotNone(m)
        conn.close()
        m, _, body = self.get(q, auto_ack=True)
        self.assertEqual(body, b"held")
        self.assertTrue(m.redelivered)

    def test_unacked_deliveries_return_when_the_socket_drops(self):
        q = self.declare()
        self.publish(q, "held")
        conn = connect()
        self.assertIsNotNone(self.get(q, channel=conn.channel())[0])
        pika_socket(conn).close()  # no connection.close: the client just vanishes
        m, _, body = self.get(q, auto_ack=True)
        self.assertEqual(body, b"held")


if __name__ == "__main__":
    unittest.main(verbosity=2)
