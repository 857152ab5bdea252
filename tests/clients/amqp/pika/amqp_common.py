"""Shared setup for the pika tests: connections to the daemon that with_sluiced_amqp.sh started."""
import os
import socket
import time
import unittest
import uuid

import pika

HOST = os.environ["SLUICE_AMQP_HOST"]
PORT = int(os.environ["SLUICE_AMQP_PORT"])


def params(user="guest", password="guest", **kwargs):
    return pika.ConnectionParameters(
        host=HOST,
        port=PORT,
        credentials=pika.PlainCredentials(user, password),
        connection_attempts=1,
        retry_delay=0,
        socket_timeout=5,
        blocked_connection_timeout=None,
        **kwargs,
    )


def connect(**kwargs):
    return pika.BlockingConnection(params(**kwargs))


def unique(prefix="q"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def wait_until(predicate, timeout=10.0, step=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


class AmqpTestCase(unittest.TestCase):
    """One connection and channel per test; every queue a test declares is deleted after it."""

    def setUp(self):
        self.connection = connect()
        self.channel = self.connection.channel()
        self._queues = []
        self._extra = []

    def tearDown(self):
        for conn in self._extra:
            if conn.is_open:
                conn.close()
        if self.connection.is_open:
            cleanup = self.connection.channel()
            for q in self._queues:
                cleanup.queue_delete(q)
            self.connection.close()
        else:
            with connect() as conn:
                ch = conn.channel()
                for q in self._queues:
                    ch.queue_delete(q)

    def new_connection(self, **kwargs):
        conn = connect(**kwargs)
        self._extra.append(conn)
        return conn

    def declare(self, name=None, channel=None, **kwargs):
        name = unique() if name is None else name
        ok = (channel or self.channel).queue_declare(name, **kwargs)
        self._queues.append(ok.method.queue)
        return ok.method.queue

    def publish(self, queue, body, properties=None, channel=None, **kwargs):
        (channel or self.channel).basic_publish("", queue, body, properties=properties, **kwargs)

    def assertChannelClosed(self, code, fn, *args, **kwargs):
        with self.assertRaises(pika.exceptions.ChannelClosedByBroker) as ctx:
            fn(*args, **kwargs)
        self.assertEqual(ctx.exception.reply_code, code, ctx.exception.reply_text)
        return ctx.exception.reply_text

    def assertConnectionClosed(self, code, fn, *args, **kwargs):
        with self.assertRaises(pika.exceptions.ConnectionClosedByBroker) as ctx:
            fn(*args, **kwargs)
        self.assertEqual(ctx.exception.reply_code, code, ctx.exception.reply_text)
        return ctx.exception.reply_text

    def get(self, queue, channel=None, auto_ack=False, timeout=10.0):
        """basic.get until a message arrives (deliveries come back asynchronously)."""
        ch = channel or self.channel
        deadline = time.monotonic() + timeout
        while True:
            method, props, body = ch.basic_get(queue, auto_ack=auto_ack)
            if method is not None or time.monotonic() > deadline:
                return method, props, body
            time.sleep(0.02)


def pika_socket(connection):
    """The TCP socket under a pika BlockingConnection, for writing frames no client would send."""
    return connection._impl._transport._sock  # pylint: disable=protected-access


def raw_socket():
    return socket.create_connection((HOST, PORT), timeout=5)
