"""queue.* and exchange.* with pika: declare (passive, exclusive, auto-delete, server-named,
arguments and equivalence), purge, delete, and the exchange and binding methods phase 1 refuses."""
import time
import unittest

import pika
import pika.exceptions as exc

from amqp_common import AmqpTestCase, connect, unique, wait_until


class Declare(AmqpTestCase):
    def test_declare_creates_a_queue_and_counts_its_messages(self):
        q = self.declare(durable=True)
        for i in range(3):
            self.publish(q, f"m{i}")
        self.assertTrue(wait_until(
            lambda: self.channel.queue_declare(q, passive=True).method.message_count == 3))
        ok = self.channel.queue_declare(q, durable=True)
        self.assertEqual(ok.method.queue, q)
        self.assertEqual(ok.method.message_count, 3)
        self.assertEqual(ok.method.consumer_count, 0)

    def test_server_named_queue_gets_a_generated_name(self):
        q = self.declare("", exclusive=True)
        self.assertRegex(q, r"^amq_gen-[A-Za-z0-9_-]{22}$")

    def test_passive_declare_of_a_missing_queue_is_404(self):
        text = self.assertChannelClosed(404, self.channel.queue_declare, unique(), passive=True)
        self.assertIn("no queue", text)

    def test_consumer_count_reports_consumers(self):
        q = self.declare()
        self.channel.basic_consume(q, lambda *a: None)
        other = self.connection.channel()
        self.assertEqual(other.queue_declare(q, passive=True).method.consumer_count, 1)

    def test_exclusive_queue_is_locked_for_other_connections_405(self):
        q = self.declare(unique(), exclusive=True)
        other = self.new_connection().channel()
        self.assertIn("exclusive", self.assertChannelClosed(405, other.queue_declare, q, passive=True))

    def test_exclusive_queue_is_deleted_when_its_connection_closes(self):
        conn = connect()
        q = conn.channel().queue_declare(unique(), exclusive=True).method.queue
        conn.close()
        self.assertChannelClosed(404, self.channel.queue_declare, q, passive=True)

    def test_auto_delete_queue_goes_with_its_last_consumer(self):
        q = self.declare(auto_delete=True)
        tag = self.channel.basic_consume(q, lambda *a: None)
        self.channel.basic_cancel(tag)
        self.assertTrue(wait_until(lambda: self._missing(q)))

    def _missing(self, q):
        ch = self.connection.channel()
        try:
            ch.queue_declare(q, passive=True)
            ch.close()
            return False
        except exc.ChannelClosedByBroker as e:
            return e.reply_code == 404

    def test_auto_delete_mismatch_on_redeclare_is_406(self):
        q = self.declare(auto_delete=True)
        self.assertIn("auto_delete",
                      self.assertChannelClosed(406, self.connection.channel().queue_declare, q))

    def test_reserved_amq_prefix_is_403(self):
        self.assertIn("amq.", self.assertChannelClosed(403, self.channel.queue_declare, "amq.mine"))

    def test_names_sqs_cannot_hold_are_refused_with_the_rule(self):
        text = self.assertChannelClosed(406, self.channel.queue_declare, "orders.created")
        self.assertIn("letters, digits", text)
        ch = self.connection.channel()
        self.assertChannelClosed(406, ch.queue_declare, "x" * 81)

    def test_fifo_queue_cannot_be_declared_yet_540(self):
        self.assertConnectionClosed(540, self.channel.queue_declare, unique() + ".fifo")

    def test_empty_queue_name_means_the_last_declared_queue(self):
        q = self.declare()
        self.publish(q, "x")
        # Methods run in order, so the purge sees the publish before it.
        self.assertEqual(self.channel.queue_purge("").method.message_count, 1)


class Arguments(AmqpTestCase):
    def test_message_ttl_redeclared_with_the_same_value_is_fine(self):
        q = self.declare(arguments={"x-message-ttl": 120000})
        self.assertEqual(self.channel.queue_declare(q, arguments={"x-message-ttl": 120000})
                         .method.queue, q)

    def test_message_ttl_redeclared_differently_is_406_naming_the_argument(self):
        q = self.declare(arguments={"x-message-ttl": 120000})
        text = self.assertChannelClosed(406, self.channel.queue_declare, q,
                                        arguments={"x-message-ttl": 60000})
        self.assertIn("inequivalent arg 'x-message-ttl'", text)

    def test_redeclare_without_the_ttl_the_queue_has_is_406(self):
        q = self.declare(arguments={"x-message-ttl": 120000})
        self.assertChannelClosed(406, self.channel.queue_declare, q)

    def test_passive_declare_ignores_arguments(self):
        q = self.declare(arguments={"x-message-ttl": 120000})
        self.channel.queue_declare(q, passive=True, arguments={"x-message-ttl": 1})

    def test_mistyped_argument_is_406(self):
        self.assertChannelClosed(406, self.channel.queue_declare, unique(),
                                 arguments={"x-message-ttl": "soon"})

    def test_unknown_argument_is_406(self):
        text = self.assertChannelClosed(406, self.channel.queue_declare, unique(),
                                        arguments={"x-whatever": 1})
        self.assertIn("x-whatever", text)

    def test_unsupported_rabbitmq_argument_is_540(self):
        text = self.assertConnectionClosed(540, self.channel.queue_declare, unique(),
                                           arguments={"x-max-length": 10})
        self.assertIn("x-max-length", text)

    def test_named_dead_letter_exchange_is_540(self):
        self.assertConnectionClosed(540, self.channel.queue_declare, unique(),
                                    arguments={"x-dead-letter-exchange": "dlx"})

    def test_quorum_type_and_lazy_mode_are_accepted(self):
        self.declare(arguments={"x-queue-type": "quorum", "x-queue-mode": "lazy"})

    def test_delivery_limit_moves_a_message_to_the_dead_letter_queue(self):
        dlq = self.declare()
        q = self.declare(arguments={"x-dead-letter-exchange": "",
                                    "x-dead-letter-routing-key": dlq,
                                    "x-delivery-limit": 1})
        self.publish(q, "poison")
        for _ in range(2):  # delivered twice (limit 1 = one redelivery), requeued each time
            m, _, _ = self.get(q)
            self.assertIsNotNone(m)
            self.channel.basic_nack(m.delivery_tag, requeue=True)
        self.assertEqual(self.channel.basic_get(q)[0], None)
        m, _, body = self.get(dlq, auto_ack=True)
        self.assertEqual(body, b"poison")

    def test_rejected_message_goes_to_the_dead_letter_queue(self):
        dlq = self.declare()
        q = self.declare(arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": dlq})
        props = pika.BasicProperties(content_type="text/plain", headers={"k": "v"})
        self.publish(q, "rejected", props)
        m, _, _ = self.get(q)
        self.channel.basic_reject(m.delivery_tag, requeue=False)
        m, got, body = self.get(dlq, auto_ack=True)
        self.assertEqual(body, b"rejected")
        self.assertEqual(got.content_type, "text/plain")
        self.assertEqual(got.headers, {"k": "v"})
        self.assertIsNone(self.channel.basic_get(q)[0])


class PurgeAndDelete(AmqpTestCase):
    def test_purge_reports_how_many_messages_it_removed(self):
        q = self.declare()
        for i in range(4):
            self.publish(q, str(i))
        self.channel.queue_declare(q, passive=True)  # a sync method: the publishes are stored
        self.assertEqual(self.channel.queue_purge(q).method.message_count, 4)
        self.assertIsNone(self.channel.basic_get(q)[0])

    def test_purge_of_a_missing_queue_is_404(self):
        self.assertChannelClosed(404, self.channel.queue_purge, unique())

    def test_delete_reports_the_messages_and_removes_the_queue(self):
        q = unique()
        self.channel.queue_declare(q)
        self.publish(q, "a")
        self.publish(q, "b")
        self.assertEqual(self.channel.queue_delete(q).method.message_count, 2)
        self.assertChannelClosed(404, self.channel.queue_declare, q, passive=True)

    def test_delete_of_a_missing_queue_succeeds(self):
        self.assertEqual(self.channel.queue_delete(unique()).method.message_count, 0)

    def test_delete_if_unused_refuses_a_queue_with_consumers_406(self):
        q = self.declare()
        self.channel.basic_consume(q, lambda *a: None)
        ch = self.connection.channel()
        self.assertIn("in use", self.assertChannelClosed(406, ch.queue_delete, q, if_unused=True))

    def test_delete_if_empty_refuses_a_queue_with_messages_406(self):
        q = self.declare()
        self.publish(q, "x")
        self.assertIn("not empty",
                      self.assertChannelClosed(406, self.channel.queue_delete, q, if_empty=True))

    def test_deleting_a_queue_cancels_its_consumers_with_notification(self):
        q = self.declare()
        cancelled = []
        self.channel.add_on_cancel_callback(lambda frame: cancelled.append(frame.method.consumer_tag))
        tag = self.channel.basic_consume(q, lambda *a: None)
        self.new_connection().channel().queue_delete(q)
        self.assertTrue(wait_until(lambda: (self.connection.process_data_events(0.05),
                                            cancelled)[1] == [tag]))


class Exchanges(AmqpTestCase):
    def test_exchange_declare_is_not_implemented_yet_540(self):
        text = self.assertConnectionClosed(540, self.channel.exchange_declare, "logs", "fanout")
        self.assertIn("default exchange", text)

    def test_default_exchange_cannot_be_declared_403(self):
        self.assertChannelClosed(403, self.channel.exchange_declare, "", "direct", passive=True)

    def test_passive_declare_of_an_unknown_exchange_is_404(self):
        self.assertChannelClosed(404, self.channel.exchange_declare, "nope", passive=True)

    def test_predeclared_amq_exchanges_are_not_implemented_yet_540(self):
        self.assertConnectionClosed(540, self.channel.exchange_declare, "amq.topic", "topic",
                                    passive=True)

    def test_exchange_delete_of_an_unknown_exchange_is_404(self):
        self.assertChannelClosed(404, self.channel.exchange_delete, "nope")

    def test_queue_bind_is_not_implemented_yet_540(self):
        q = self.declare()
        self.assertConnectionClosed(540, self.channel.queue_bind, q, "amq.direct", "key")

    def test_binding_to_the_default_exchange_is_403(self):
        q = self.declare()
        self.assertChannelClosed(403, self.channel.queue_bind, q, "", q)

    def test_publishing_to_an_unknown_exchange_is_404(self):
        def publish():
            self.channel.basic_publish("nope", "q", b"x")
            self.channel.queue_declare("", exclusive=True)  # a sync call surfaces the close
        self.assertChannelClosed(404, publish)


if __name__ == "__main__":
    unittest.main(verbosity=2)
