"""AMQP connection level with pika: handshake, login, tuning, heartbeats, channels, and the
connection exceptions for frames no client sends (written to pika's own socket after pika did the
handshake, or to a raw socket for the protocol header)."""
import os
import struct
import time
import unittest

import pika
import pika.exceptions as exc

from amqp_common import AmqpTestCase, connect, params, pika_socket, raw_socket, unique


def frame(kind, channel, payload, end=b"\xce"):
    return struct.pack(">BHI", kind, channel, len(payload)) + payload + end


def method(class_id, method_id, args=b""):
    return struct.pack(">HH", class_id, method_id) + args


class Handshake(unittest.TestCase):
    def test_server_properties_advertise_only_what_works(self):
        with connect() as conn:
            props = conn._impl.server_properties
            caps = props["capabilities"]
            for cap in ("publisher_confirms", "basic.nack", "consumer_cancel_notify",
                        "per_consumer_qos", "authentication_failure_close"):
                self.assertIs(caps.get(cap), True, cap)
            for cap in ("exchange_exchange_bindings", "connection.blocked", "direct_reply_to",
                        "consumer_priorities"):
                self.assertNotIn(cap, caps)
            self.assertEqual(props["product"], "Sluice")

    def test_configured_user_logs_in_with_plain(self):
        with connect(user="alice", password="wonder land:1") as conn:
            self.assertTrue(conn.is_open)

    def test_wrong_password_is_refused_with_403_and_a_reason(self):
        with self.assertRaises(exc.ProbableAuthenticationError) as ctx:
            connect(user="alice", password="wrong")
        self.assertIn("403", str(ctx.exception))
        self.assertIn("ACCESS_REFUSED", str(ctx.exception))
        self.assertIn("alice", str(ctx.exception))

    def test_unknown_user_is_refused_with_403(self):
        with self.assertRaises(exc.ProbableAuthenticationError) as ctx:
            connect(user="mallory", password="guest")
        self.assertIn("403", str(ctx.exception))

    def test_unknown_virtual_host_is_not_allowed_530(self):
        with self.assertRaises(exc.ProbableAccessDeniedError) as ctx:
            connect(virtual_host="/production")
        self.assertIn("530", str(ctx.exception))
        self.assertIn("vhost", str(ctx.exception))

    def test_tune_takes_the_clients_smaller_frame_max_and_bodies_span_frames(self):
        with connect(frame_max=4096) as conn:
            self.assertEqual(conn._impl.params.frame_max, 4096)
            ch = conn.channel()
            q = ch.queue_declare(unique()).method.queue
            body = bytes(range(256)) * 80  # 20480 bytes: 5+ body frames each way
            ch.basic_publish("", q, body)
            for _ in range(100):
                m, _, got = ch.basic_get(q, auto_ack=True)
                if m:
                    break
                time.sleep(0.02)
            self.assertEqual(got, body)
            ch.queue_delete(q)

    def test_tune_takes_the_clients_channel_max(self):
        with connect(channel_max=3) as conn:
            self.assertEqual(conn._impl.params.channel_max, 3)
            for _ in range(3):
                conn.channel()

    def test_heartbeats_keep_an_idle_connection_open(self):
        with connect(heartbeat=1) as conn:
            self.assertEqual(conn._impl.params.heartbeat, 1)
            conn.sleep(3.5)  # pika closes if it hears nothing for 2 intervals; so would we
            ch = conn.channel()
            q = ch.queue_declare("", exclusive=True).method.queue
            self.assertTrue(q.startswith("amq_gen-"))

    def test_missed_client_heartbeats_close_the_connection(self):
        conn = connect(heartbeat=1)
        time.sleep(4)  # pika sends nothing while its I/O loop does not run
        with self.assertRaises((exc.StreamLostError, exc.ConnectionClosed, exc.AMQPConnectionError)):
            conn.channel()
            conn.process_data_events(time_limit=1)
        with open(os.environ["SLUICE_LOG"], encoding="utf-8") as log:
            self.assertIn("missed heartbeats from client", log.read())


class Channels(AmqpTestCase):
    def test_channels_open_close_and_reopen(self):
        channels = [self.connection.channel() for _ in range(5)]
        numbers = [c.channel_number for c in channels]
        channels[1].close()
        channels[3].close()
        again = self.connection.channel()
        self.assertIn(again.channel_number, numbers)
        q = self.declare(channel=again)
        self.assertTrue(channels[4].queue_declare(q, passive=True))

    def test_channel_flow_active_is_acknowledged(self):
        self.assertTrue(self.channel.flow(True))

    def test_channel_flow_inactive_is_not_implemented_540(self):
        self.assertConnectionClosed(540, self.channel.flow, False)

    def test_access_request_leftover_is_answered(self):
        # 0-8's access.request is not in pika's BlockingChannel, but pika's codec still has it;
        # RabbitMQ answers it, so do we.
        request = pika.frame.Method(self.channel.channel_number, pika.spec.Access.Request(realm="/"))
        pika_socket(self.connection).sendall(request.marshal())
        self.connection.process_data_events(time_limit=0.3)
        self.assertTrue(self.connection.is_open)


class MalformedFrames(AmqpTestCase):
    """Frames written to pika's socket after a real handshake; pika reports the close."""

    def expect_close(self, code, data):
        pika_socket(self.connection).sendall(data)
        with self.assertRaises(exc.ConnectionClosedByBroker) as ctx:
            for _ in range(50):
                self.connection.process_data_events(time_limit=0.1)
        self.assertEqual(ctx.exception.reply_code, code, ctx.exception.reply_text)
        return ctx.exception.reply_text

    def test_frame_over_frame_max_is_501(self):
        text = self.expect_close(501, struct.pack(">BHI", 1, 1, 10_000_000) + b"x" * 100)
        self.assertIn("frame_max", text)

    def test_bad_frame_end_octet_is_501(self):
        self.assertIn("0xAB", self.expect_close(501, frame(8, 0, b"", end=b"\xab")))

    def test_truncated_frame_followed_by_the_next_frame_is_501(self):
        # A method frame that announces 10 payload bytes but carries 5, then a heartbeat: the
        # reader takes the heartbeat's bytes as the rest and finds no frame end after them.
        partial = struct.pack(">BHI", 1, self.channel.channel_number, 10) + b"\x00\x3c\x00\x50\x00"
        self.assertIn("frame end", self.expect_close(501, partial + frame(8, 0, b"")))

    def test_unknown_frame_type_is_501(self):
        self.expect_close(501, frame(7, 0, b""))

    def test_truncated_method_arguments_are_501(self):
        ch = self.channel.channel_number
        self.expect_close(501, frame(1, ch, method(60, 80, b"\x00\x00\x00")))  # basic.ack

    def test_malformed_argument_table_is_502(self):
        ch = self.channel.channel_number
        args = b"\x00\x00" + b"\x01q" + b"\x00" + struct.pack(">I", 3) + b"\x01k?"
        self.expect_close(502, frame(1, ch, method(50, 10, args)))

    def test_unknown_method_is_540(self):
        self.expect_close(540, frame(1, self.channel.channel_number, method(60, 99)))

    def test_server_only_method_from_the_client_is_503(self):
        args = b"\x00" + struct.pack(">Q", 1) + b"\x00" + b"\x00" + b"\x00"  # basic.deliver
        self.expect_close(503, frame(1, self.channel.channel_number, method(60, 60, args)))

    def test_method_on_a_channel_that_is_not_open_is_504(self):
        self.assertIn("channel.open",
                      self.expect_close(504, frame(1, 77, method(60, 10, b"\x00" * 7))))

    def test_second_channel_open_is_504(self):
        self.expect_close(504, frame(1, self.channel.channel_number, method(20, 10, b"\x00")))

    def test_channel_above_channel_max_is_530(self):
        self.expect_close(530, frame(1, 4000, method(20, 10, b"\x00")))

    def test_heartbeat_on_a_channel_is_505(self):
        self.expect_close(505, frame(8, 1, b""))

    def test_content_frame_on_channel_zero_is_505(self):
        self.expect_close(505, frame(3, 0, b"body"))

    def test_body_without_a_publish_is_505(self):
        self.expect_close(505, frame(3, self.channel.channel_number, b"body"))

    def test_method_where_a_content_header_belongs_is_505(self):
        ch = self.channel.channel_number
        publish = method(60, 40, b"\x00\x00" + b"\x00" + b"\x01q" + b"\x00")
        self.expect_close(505, frame(1, ch, publish) + frame(1, ch, method(60, 10, b"\x00" * 7)))

    def test_body_longer_than_its_header_announced_is_501(self):
        ch = self.channel.channel_number
        publish = method(60, 40, b"\x00\x00" + b"\x00" + b"\x01q" + b"\x00")
        header = struct.pack(">HHQH", 60, 0, 2, 0)
        self.expect_close(501, frame(1, ch, publish) + frame(2, ch, header) + frame(3, ch, b"xyz"))

    def test_header_of_another_class_is_505(self):
        ch = self.channel.channel_number
        publish = method(60, 40, b"\x00\x00" + b"\x00" + b"\x01q" + b"\x00")
        header = struct.pack(">HHQH", 50, 0, 0, 0)
        self.expect_close(505, frame(1, ch, publish) + frame(2, ch, header))


class ProtocolHeader(unittest.TestCase):
    def exchange(self, data):
        with raw_socket() as sock:
            sock.sendall(data)
            received = b""
            while True:
                chunk = sock.recv(1024)
                if not chunk:
                    return received
                received += chunk

    def test_http_request_gets_our_protocol_header_and_a_close(self):
        self.assertEqual(self.exchange(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"), b"AMQP\x00\x00\x09\x01")

    def test_amqp_1_0_header_gets_our_protocol_header_and_a_close(self):
        self.assertEqual(self.exchange(b"AMQP\x03\x01\x00\x00"), b"AMQP\x00\x00\x09\x01")


if __name__ == "__main__":
    unittest.main(verbosity=2)
