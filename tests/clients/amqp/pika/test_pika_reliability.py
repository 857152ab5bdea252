"""Publisher confirms, transactions, mandatory returns, back-pressure, and messages crossing
between AMQP (pika) and SQS (the AWS CLI, query protocol) on the same queue."""
import json
import os
import subprocess
import time
import unittest

import pika
import pika.exceptions as exc

from amqp_common import AmqpTestCase, connect, unique, wait_until


def aws(*args):
    out = subprocess.run(["/usr/bin/aws", "--endpoint-url", os.environ["SLUICE_SQS_ENDPOINT"],
                          "--output", "json", "sqs", *args],
                         check=True, capture_output=True, text=True, timeout=60).stdout
    return json.loads(out) if out.strip() else {}


def url_of(queue):
    return f"{os.environ['SLUICE_SQS_ENDPOINT']}/000000000000/{queue}"


def ready_count(channel, queue):
    return channel.queue_declare(queue, passive=True).method.message_count


class Confirms(AmqpTestCase):
    def test_every_publish_is_confirmed_once_stored(self):
        q = self.declare()
        self.channel.confirm_delivery()
        for i in range(50):
            self.publish(q, str(i))  # pika waits for each basic.ack
        self.assertEqual(ready_count(self.channel, q), 50)

    def test_unroutable_mandatory_publish_is_returned_then_confirmed(self):
        self.channel.confirm_delivery()
        with self.assertRaises(exc.UnroutableError) as ctx:
            self.publish(unique("missing"), b"lost", mandatory=True)
        returned = ctx.exception.messages[0]
        self.assertEqual(returned.method.reply_code, 312)
        self.assertEqual(returned.method.reply_text, "NO_ROUTE")
        self.assertEqual(returned.body, b"lost")

    def test_unroutable_publish_without_mandatory_is_confirmed_and_dropped(self):
        self.channel.confirm_delivery()
        self.publish(unique("missing"), b"dropped")
        self.assertTrue(self.channel.is_open)

    def test_mandatory_return_without_confirms_reaches_the_return_callback(self):
        returns = []
        self.channel.add_on_return_callback(lambda ch, m, p, b: returns.append((m, p, b)))
        props = pika.BasicProperties(message_id="r-1")
        self.publish("no.such.queue", b"back", props, mandatory=True)
        self.assertTrue(wait_until(lambda: (self.connection.process_data_events(0.05), returns)[1]))
        method, got, body = returns[0]
        self.assertEqual((method.reply_code, method.routing_key, body), (312, "no.such.queue", b"back"))
        self.assertEqual(got.message_id, "r-1")

    def test_confirm_select_on_a_transactional_channel_is_406(self):
        self.channel.tx_select()
        self.assertChannelClosed(406, self.channel.confirm_delivery)

    def test_tx_select_on_a_confirm_channel_is_406(self):
        self.channel.confirm_delivery()
        self.assertChannelClosed(406, self.channel.tx_select)


class Transactions(AmqpTestCase):
    def test_rollback_discards_publishes_and_commit_stores_them(self):
        q = self.declare()
        self.channel.tx_select()
        for i in range(3):
            self.publish(q, f"rolled-back-{i}")
        self.channel.tx_rollback()
        self.assertEqual(ready_count(self.channel, q), 0)
        self.publish(q, "a")
        self.publish(q, "b")
        self.assertEqual(ready_count(self.channel, q), 0)  # not before the commit
        self.channel.tx_commit()
        self.assertEqual(ready_count(self.channel, q), 2)

    def test_acks_in_a_transaction_apply_on_commit(self):
        q = self.declare()
        self.publish(q, "x")
        self.channel.tx_select()
        m, _, _ = self.get(q)
        self.channel.basic_ack(m.delivery_tag)
        self.channel.tx_rollback()
        # Rolled back: the delivery is unacknowledged again and can be acked in the next one.
        self.channel.basic_ack(m.delivery_tag)
        self.channel.tx_commit()
        self.channel.basic_recover(requeue=True)
        self.assertIsNone(self.channel.basic_get(q)[0])

    def test_commit_without_select_is_406(self):
        self.assertIn("not transactional", self.assertChannelClosed(406, self.channel.tx_commit))

    def test_rollback_without_select_is_406(self):
        self.assertChannelClosed(406, self.channel.tx_rollback)


class Delivery(AmqpTestCase):
    def test_publishes_sent_before_the_connection_closes_are_all_stored(self):
        q = self.declare()
        conn = connect()
        ch = conn.channel()
        for i in range(300):
            ch.basic_publish("", q, str(i))
        conn.close()
        self.assertEqual(ready_count(self.channel, q), 300)

    def test_a_fast_publisher_is_slowed_by_tcp_not_dropped(self):
        # 12 MB of unconfirmed publishes is more than a connection buffers (max_pending_bytes,
        # 8 MiB): the server stops reading until the store catches up, and nothing is lost.
        q = self.declare()
        body = b"p" * 4096
        for _ in range(3000):
            self.publish(q, body)
        self.assertEqual(ready_count(self.channel, q), 3000)
        self.assertEqual(self.channel.queue_purge(q).method.message_count, 3000)

    def test_publish_order_is_kept_per_channel(self):
        q = self.declare()
        for i in range(200):
            self.publish(q, str(i))
        got = [int(self.get(q, auto_ack=True)[2]) for _ in range(200)]
        self.assertEqual(got, list(range(200)))


class CrossProtocol(AmqpTestCase):
    def test_amqp_publish_is_received_by_the_aws_cli(self):
        q = self.declare()
        props = pika.BasicProperties(content_type="application/json", headers={"k": "v"})
        self.publish(q, b'{"order": 7}', props)
        url = url_of(q)
        got = aws("receive-message", "--queue-url", url, "--wait-time-seconds", "2")
        self.assertEqual(got["Messages"][0]["Body"], '{"order": 7}')
        aws("delete-message", "--queue-url", url, "--receipt-handle",
            got["Messages"][0]["ReceiptHandle"])
        self.assertIsNone(self.channel.basic_get(q)[0])

    def test_sqs_send_is_received_by_pika_with_attributes_as_headers(self):
        q = self.declare()
        url = url_of(q)
        sent = aws("send-message", "--queue-url", url, "--message-body", "from sqs",
                   "--message-attributes",
                   '{"color":{"DataType":"String","StringValue":"blue"}}')
        m, props, body = self.get(q, auto_ack=True)
        self.assertEqual(body, b"from sqs")
        self.assertEqual(props.message_id, sent["MessageId"])
        self.assertEqual(props.headers, {"color": "blue"})
        self.assertEqual(m.routing_key, q)

    def test_amqp_message_ttl_is_the_sqs_retention_period(self):
        q = self.declare(arguments={"x-message-ttl": 120000})
        url = url_of(q)
        attrs = aws("get-queue-attributes", "--queue-url", url, "--attribute-names",
                    "MessageRetentionPeriod")["Attributes"]
        self.assertEqual(attrs["MessageRetentionPeriod"], "120")

    def test_a_message_held_by_an_amqp_consumer_is_invisible_to_sqs(self):
        q = self.declare()
        self.publish(q, "held")
        self.assertIsNotNone(self.get(q)[0])
        url = url_of(q)
        self.assertNotIn("Messages", aws("receive-message", "--queue-url", url))
        self.channel.basic_recover(requeue=True)
        self.assertEqual(aws("receive-message", "--queue-url", url)["Messages"][0]["Body"], "held")


if __name__ == "__main__":
    unittest.main(verbosity=2)
