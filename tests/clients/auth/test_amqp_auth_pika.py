"""AMQP logins and permissions through the local auth plugin, with pika (Debian).

Runs under with_secure_sluiced.sh: the AMQP front end on SLUICE_AMQP_PORT authenticates SASL
PLAIN against the users file's password hashes and authorizes every queue operation with the
same IAM policies as SQS (docs/amqp.md, "Authentication and authorization").
"""
import os
import unittest
import uuid

import pika
import pika.exceptions as exc

from auth_fixture import client, ALICE

PORT = int(os.environ["SLUICE_AMQP_PORT"])
PASSWORDS = {
    "alice": "alice-amqp-password",
    "reader": "reader-amqp-password",
    "bob": "bob-amqp-password",
}


def connect(user, password=None):
    params = pika.ConnectionParameters(
        host="127.0.0.1", port=PORT,
        credentials=pika.PlainCredentials(user, password if password is not None else PASSWORDS[user]),
        connection_attempts=1, socket_timeout=10, blocked_connection_timeout=10)
    return pika.BlockingConnection(params)


def queue_name():
    return "amqp-auth-" + uuid.uuid4().hex[:12]


class Logins(unittest.TestCase):
    def test_a_user_of_the_auth_plugin_logs_in_and_uses_a_queue(self):
        name = queue_name()
        with connect("alice") as conn:
            ch = conn.channel()
            ch.queue_declare(name)
            ch.basic_publish("", name, b"hello through the auth plugin")
            method, _, body = ch.basic_get(name, auto_ack=True)
            self.assertIsNotNone(method)
            self.assertEqual(body, b"hello through the auth plugin")
            ch.queue_delete(name)

    def test_wrong_password_is_refused_with_403(self):
        with self.assertRaises(exc.ProbableAuthenticationError) as ctx:
            connect("alice", "not-the-password")
        self.assertIn("403", str(ctx.exception))
        self.assertIn("ACCESS_REFUSED", str(ctx.exception))

    def test_unknown_user_is_refused_with_403_and_the_same_words(self):
        with self.assertRaises(exc.ProbableAuthenticationError) as wrong_user:
            connect("mallory", "alice-amqp-password")
        with self.assertRaises(exc.ProbableAuthenticationError) as wrong_password:
            connect("alice", "guess")
        # Nothing tells a guesser whether the name exists.
        self.assertEqual(str(wrong_user.exception), str(wrong_password.exception))

    def test_an_sqs_access_key_is_not_an_amqp_password(self):
        with self.assertRaises(exc.ProbableAuthenticationError):
            connect(ALICE[0], ALICE[1])

    def test_the_failed_login_is_logged_without_the_password(self):
        with self.assertRaises(exc.ProbableAuthenticationError):
            connect("alice", "secret-that-must-not-be-logged")
        with open(os.environ["SLUICED_LOG"]) as f:
            log = f.read()
        self.assertIn("mechanism=PLAIN identity=alice", log)
        self.assertNotIn("secret-that-must-not-be-logged", log)


class Permissions(unittest.TestCase):
    def setUp(self):
        self.name = queue_name()
        with connect("alice") as conn:
            conn.channel().queue_declare(self.name)

    def tearDown(self):
        with connect("alice") as conn:
            conn.channel().queue_delete(self.name)

    def test_a_policy_that_denies_send_message_refuses_basic_publish_with_403(self):
        with connect("reader") as conn:
            ch = conn.channel()
            ch.confirm_delivery()
            with self.assertRaises(exc.ChannelClosedByBroker) as ctx:
                ch.basic_publish("", self.name, b"not allowed")
            self.assertEqual(ctx.exception.reply_code, 403)
            self.assertIn("ACCESS_REFUSED", ctx.exception.reply_text)
            self.assertIn("sqs:SendMessage", ctx.exception.reply_text)
        # Nothing was stored.
        with connect("alice") as conn:
            method, _, _ = conn.channel().basic_get(self.name, auto_ack=True)
            self.assertIsNone(method)

    def test_the_same_user_may_still_receive(self):
        with connect("alice") as conn:
            conn.channel().basic_publish("", self.name, b"for the reader")
        with connect("reader") as conn:
            method, _, body = conn.channel().basic_get(self.name, auto_ack=True)
            self.assertIsNotNone(method)
            self.assertEqual(body, b"for the reader")

    def test_the_sqs_deny_holds_for_sqs_too(self):
        # The same user, the same policy, the other protocol: one decision.
        from auth_fixture import READER
        sqs = client(READER)
        url = client(ALICE).get_queue_url(QueueName=self.name)["QueueUrl"]
        with self.assertRaises(Exception) as ctx:
            sqs.send_message(QueueUrl=url, MessageBody="x")
        self.assertIn("AccessDenied", str(ctx.exception))

    def test_a_user_of_another_account_is_refused_on_the_owners_queues(self):
        with connect("bob") as conn:
            ch = conn.channel()
            with self.assertRaises(exc.ChannelClosedByBroker) as ctx:
                ch.basic_get(self.name, auto_ack=True)
            self.assertEqual(ctx.exception.reply_code, 403)

    def test_consuming_needs_receive_message_permission(self):
        with connect("bob") as conn:
            ch = conn.channel()
            with self.assertRaises(exc.ChannelClosedByBroker) as ctx:
                ch.basic_consume(self.name, lambda *args: None)
            self.assertEqual(ctx.exception.reply_code, 403)
            self.assertIn("sqs:ReceiveMessage", ctx.exception.reply_text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
