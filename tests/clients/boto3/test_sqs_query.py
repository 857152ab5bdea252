"""SQS front end, query protocol, driven by Debian's boto3 (run with /usr/bin/python3).

Every action and its error paths, through the real client: botocore builds the flattened form
requests and parses our XML, so a wire mistake shows up as a client-side failure here.
"""
import base64
import hashlib
import os
import threading
import time
import unittest
import uuid

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["SLUICE_SQS_ENDPOINT"]


def client():
    return boto3.client(
        "sqs",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"total_max_attempts": 1}, read_timeout=40),
    )


def unique(prefix="q"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class SqsTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sqs = client()

    def assertError(self, code, fn, *args, **kwargs):
        with self.assertRaises(ClientError) as ctx:
            fn(*args, **kwargs)
        self.assertEqual(ctx.exception.response["Error"]["Code"], code, ctx.exception.response)
        return ctx.exception.response

    def new_queue(self, prefix="q", fifo=False, **attributes):
        name = unique(prefix) + (".fifo" if fifo else "")
        attrs = {k: str(v) for k, v in attributes.items()}
        if fifo:
            attrs["FifoQueue"] = "true"
        return self.sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]


class QueueActions(SqsTestCase):
    def test_query_client_speaks_query_protocol(self):
        self.assertEqual(self.sqs.meta.service_model.protocol, "query")

    def test_create_queue_returns_a_url_on_this_server(self):
        name = unique()
        url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        self.assertEqual(url, f"{ENDPOINT}/000000000000/{name}")

    def test_create_queue_is_idempotent_with_same_attributes(self):
        name = unique()
        a = self.sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "40"})
        b = self.sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "40"})
        self.assertEqual(a["QueueUrl"], b["QueueUrl"])

    def test_create_queue_with_different_attributes_fails(self):
        name = unique()
        self.sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "40"})
        self.assertError("QueueAlreadyExists", self.sqs.create_queue, QueueName=name,
                         Attributes={"VisibilityTimeout": "41"})

    def test_invalid_queue_name_is_rejected(self):
        self.assertError("InvalidParameterValue", self.sqs.create_queue, QueueName="bad name!")
        self.assertError("InvalidParameterValue", self.sqs.create_queue, QueueName="x" * 81)

    def test_out_of_range_attribute_is_rejected(self):
        self.assertError("InvalidAttributeValue", self.sqs.create_queue, QueueName=unique(),
                         Attributes={"VisibilityTimeout": "43201"})

    def test_unknown_attribute_is_rejected(self):
        self.assertError("InvalidAttributeName", self.sqs.create_queue, QueueName=unique(),
                         Attributes={"NoSuchThing": "1"})

    def test_get_queue_url_and_missing_queue(self):
        name = unique()
        url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        self.assertEqual(self.sqs.get_queue_url(QueueName=name)["QueueUrl"], url)
        self.assertError("AWS.SimpleQueueService.NonExistentQueue", self.sqs.get_queue_url,
                         QueueName=unique("missing"))

    def test_missing_queue_maps_to_the_modeled_exception(self):
        with self.assertRaises(self.sqs.exceptions.QueueDoesNotExist):
            self.sqs.get_queue_url(QueueName=unique("missing"))

    def test_list_queues_with_prefix_and_pages(self):
        prefix = unique("list")
        urls = sorted(self.sqs.create_queue(QueueName=f"{prefix}-{i}")["QueueUrl"] for i in range(3))
        listed = self.sqs.list_queues(QueueNamePrefix=prefix)["QueueUrls"]
        self.assertEqual(sorted(listed), urls)
        page = self.sqs.list_queues(QueueNamePrefix=prefix, MaxResults=2)
        self.assertEqual(len(page["QueueUrls"]), 2)
        rest = self.sqs.list_queues(QueueNamePrefix=prefix, MaxResults=2, NextToken=page["NextToken"])
        self.assertEqual(sorted(page["QueueUrls"] + rest["QueueUrls"]), urls)
        self.assertNotIn("NextToken", rest)

    def test_list_queues_with_no_match_is_empty(self):
        self.assertNotIn("QueueUrls", self.sqs.list_queues(QueueNamePrefix=unique("none")))

    def test_get_all_attributes_has_defaults(self):
        url = self.new_queue()
        attrs = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertEqual(attrs["VisibilityTimeout"], "30")
        self.assertEqual(attrs["MaximumMessageSize"], "1048576")
        self.assertEqual(attrs["MessageRetentionPeriod"], "345600")
        self.assertEqual(attrs["DelaySeconds"], "0")
        self.assertEqual(attrs["ApproximateNumberOfMessages"], "0")
        self.assertTrue(attrs["QueueArn"].startswith("arn:aws:sqs:us-east-1:000000000000:"))

    def test_set_queue_attributes_round_trips(self):
        url = self.new_queue()
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "45", "DelaySeconds": "3"})
        attrs = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout", "DelaySeconds"])
        self.assertEqual(attrs["Attributes"], {"VisibilityTimeout": "45", "DelaySeconds": "3"})

    def test_set_queue_attributes_rejects_bad_values(self):
        url = self.new_queue()
        self.assertError("InvalidAttributeValue", self.sqs.set_queue_attributes, QueueUrl=url,
                         Attributes={"DelaySeconds": "901"})

    def test_fifo_attributes_on_standard_queue_are_rejected(self):
        url = self.new_queue()
        self.assertError("InvalidAttributeName", self.sqs.set_queue_attributes, QueueUrl=url,
                         Attributes={"ContentBasedDeduplication": "true"})

    def test_delete_queue_then_it_is_gone(self):
        url = self.new_queue()
        self.sqs.delete_queue(QueueUrl=url)
        self.assertError("AWS.SimpleQueueService.NonExistentQueue", self.sqs.get_queue_attributes,
                         QueueUrl=url, AttributeNames=["All"])
        self.assertError("AWS.SimpleQueueService.NonExistentQueue", self.sqs.delete_queue, QueueUrl=url)

    def test_recreating_a_deleted_queue_within_60_seconds_fails(self):
        name = unique()
        url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        self.sqs.delete_queue(QueueUrl=url)
        self.assertError("AWS.SimpleQueueService.QueueDeletedRecently", self.sqs.create_queue, QueueName=name)

    def test_purge_removes_messages_and_is_paced(self):
        url = self.new_queue()
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        self.sqs.purge_queue(QueueUrl=url)
        attrs = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        self.assertEqual(attrs["Attributes"]["ApproximateNumberOfMessages"], "0")
        response = self.assertError("AWS.SimpleQueueService.PurgeQueueInProgress", self.sqs.purge_queue, QueueUrl=url)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_tags(self):
        name = unique()
        url = self.sqs.create_queue(QueueName=name, tags={"team": "a"})["QueueUrl"]
        self.sqs.tag_queue(QueueUrl=url, Tags={"env": "test"})
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url)["Tags"], {"team": "a", "env": "test"})
        self.sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url)["Tags"], {"env": "test"})

    def test_permissions_show_up_in_policy_and_can_be_removed(self):
        url = self.new_queue()
        self.sqs.add_permission(QueueUrl=url, Label="p1", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
        policy = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"]
        self.assertIn("p1", policy)
        self.assertError("InvalidParameterValue", self.sqs.add_permission, QueueUrl=url, Label="p1",
                         AWSAccountIds=["111122223333"], Actions=["SendMessage"])
        self.sqs.remove_permission(QueueUrl=url, Label="p1")
        self.assertError("InvalidParameterValue", self.sqs.remove_permission, QueueUrl=url, Label="p1")

    def test_dead_letter_source_queues(self):
        dlq = self.new_queue("dlq")
        arn = self.sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        src = self.new_queue("src", RedrivePolicy=f'{{"deadLetterTargetArn":"{arn}","maxReceiveCount":"2"}}')
        self.assertEqual(self.sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"], [src])

    def test_queue_url_may_be_a_bare_name(self):
        name = unique()
        self.sqs.create_queue(QueueName=name)
        self.sqs.send_message(QueueUrl=name, MessageBody="bare")
        self.assertEqual(self.sqs.receive_message(QueueUrl=name)["Messages"][0]["Body"], "bare")


class MessageActions(SqsTestCase):
    def test_send_receive_delete_with_md5s(self):
        url = self.new_queue()
        sent = self.sqs.send_message(
            QueueUrl=url, MessageBody="hello",
            MessageAttributes={
                "city": {"DataType": "String", "StringValue": "Paris"},
                "count": {"DataType": "Number", "StringValue": "42"},
                "blob": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
            })
        self.assertEqual(sent["MD5OfMessageBody"], "5d41402abc4b2a76b9719d911017c592")
        self.assertEqual(sent["MD5OfMessageAttributes"], "19751fd942123fac5eb9de20f9407dfd")
        got = self.sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"], AttributeNames=["All"])
        m = got["Messages"][0]
        self.assertEqual(m["Body"], "hello")
        self.assertEqual(m["MessageId"], sent["MessageId"])
        self.assertEqual(m["MD5OfBody"], hashlib.md5(b"hello").hexdigest())
        self.assertEqual(m["MD5OfMessageAttributes"], "19751fd942123fac5eb9de20f9407dfd")
        self.assertEqual(m["MessageAttributes"]["blob"]["BinaryValue"], b"\x00\xff")
        self.assertEqual(m["MessageAttributes"]["count"], {"DataType": "Number", "StringValue": "42"})
        self.assertEqual(m["Attributes"]["ApproximateReceiveCount"], "1")
        self.assertIn("SentTimestamp", m["Attributes"])
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=url))

    def test_body_with_carriage_returns_and_markup_survives(self):
        url = self.new_queue()
        body = "line1\r\nline2 <tag> & \"quotes\" 'apos' \t tab ünïcödé 😀"
        self.sqs.send_message(QueueUrl=url, MessageBody=body)
        m = self.sqs.receive_message(QueueUrl=url)["Messages"][0]
        self.assertEqual(m["Body"], body)
        self.assertEqual(m["MD5OfBody"], hashlib.md5(body.encode()).hexdigest())

    def test_only_requested_message_attributes_are_returned_and_hashed(self):
        url = self.new_queue()
        self.sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes={
            "a.one": {"DataType": "String", "StringValue": "1"},
            "b": {"DataType": "String", "StringValue": "2"}})
        m = self.sqs.receive_message(QueueUrl=url, MessageAttributeNames=["a.*"])["Messages"][0]
        self.assertEqual(list(m["MessageAttributes"]), ["a.one"])

    def test_invalid_characters_are_rejected(self):
        url = self.new_queue()
        self.assertError("InvalidMessageContents", self.sqs.send_message, QueueUrl=url, MessageBody="bad\x01char")

    def test_empty_body_is_missing_parameter(self):
        url = self.new_queue()
        self.assertError("MissingParameter", self.sqs.send_message, QueueUrl=url, MessageBody="")

    def test_too_large_message_is_rejected(self):
        url = self.new_queue(MaximumMessageSize=1024)
        self.assertError("InvalidParameterValue", self.sqs.send_message, QueueUrl=url, MessageBody="x" * 1025)

    def test_one_mebibyte_message_round_trips(self):
        url = self.new_queue()
        body = "é" * (1048576 // 2)
        self.sqs.send_message(QueueUrl=url, MessageBody=body)
        self.assertEqual(self.sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"], body)

    def test_bad_attribute_type_is_rejected(self):
        url = self.new_queue()
        self.assertError("InvalidParameterValue", self.sqs.send_message, QueueUrl=url, MessageBody="x",
                         MessageAttributes={"a": {"DataType": "Blob", "StringValue": "1"}})

    def test_receive_parameter_ranges(self):
        url = self.new_queue()
        self.assertError("InvalidParameterValue", self.sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=11)
        self.assertError("InvalidParameterValue", self.sqs.receive_message, QueueUrl=url, WaitTimeSeconds=21)

    def test_delay_hides_a_message(self):
        url = self.new_queue()
        self.sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=2)
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=url))
        got = self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)
        self.assertEqual(got["Messages"][0]["Body"], "later")

    def test_visibility_timeout_and_change(self):
        url = self.new_queue()
        self.sqs.send_message(QueueUrl=url, MessageBody="v")
        m = self.sqs.receive_message(QueueUrl=url, VisibilityTimeout=30)["Messages"][0]
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=url))
        self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
        again = self.sqs.receive_message(QueueUrl=url, AttributeNames=["ApproximateReceiveCount"])["Messages"][0]
        self.assertEqual(again["Attributes"]["ApproximateReceiveCount"], "2")
        self.assertError("InvalidParameterValue", self.sqs.change_message_visibility, QueueUrl=url,
                         ReceiptHandle=again["ReceiptHandle"], VisibilityTimeout=43201)

    def test_forged_receipt_handle_is_rejected(self):
        url = self.new_queue()
        response = self.assertError("ReceiptHandleIsInvalid", self.sqs.delete_message, QueueUrl=url,
                                    ReceiptHandle="not-a-receipt")
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_batch_send_delete_and_visibility_with_partial_failures(self):
        url = self.new_queue()
        sent = self.sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": "a", "MessageBody": "one"},
            {"Id": "b", "MessageBody": "two", "DelaySeconds": 901},
            {"Id": "c", "MessageBody": "three"}])
        self.assertEqual(sorted(e["Id"] for e in sent["Successful"]), ["a", "c"])
        self.assertEqual(sent["Failed"][0]["Id"], "b")
        self.assertEqual(sent["Failed"][0]["Code"], "InvalidParameterValue")
        self.assertTrue(sent["Failed"][0]["SenderFault"])
        msgs = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        self.assertEqual(sorted(m["Body"] for m in msgs), ["one", "three"])
        changed = self.sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
            {"Id": "x", "ReceiptHandle": msgs[0]["ReceiptHandle"], "VisibilityTimeout": 60},
            {"Id": "y", "ReceiptHandle": "garbage", "VisibilityTimeout": 60}])
        self.assertEqual([e["Id"] for e in changed["Successful"]], ["x"])
        self.assertEqual(changed["Failed"][0]["Code"], "ReceiptHandleIsInvalid")
        deleted = self.sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)])
        self.assertEqual(len(deleted["Successful"]), 2)

    def test_batch_shape_errors(self):
        url = self.new_queue()
        self.assertError("AWS.SimpleQueueService.EmptyBatchRequest", self.sqs.send_message_batch, QueueUrl=url, Entries=[])
        self.assertError("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", self.sqs.send_message_batch,
                         QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "x"} for i in range(11)])
        self.assertError("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", self.sqs.delete_message_batch,
                         QueueUrl=url, Entries=[{"Id": "a", "ReceiptHandle": "r"}, {"Id": "a", "ReceiptHandle": "r"}])
        self.assertError("AWS.SimpleQueueService.InvalidBatchEntryId", self.sqs.send_message_batch,
                         QueueUrl=url, Entries=[{"Id": "bad id", "MessageBody": "x"}])
        self.assertError("AWS.SimpleQueueService.BatchRequestTooLong", self.sqs.send_message_batch,
                         QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "x" * 200000} for i in range(6)])

    def test_dead_letter_queue_receives_after_max_receives(self):
        dlq = self.new_queue("dlq")
        arn = self.sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        src = self.new_queue("src", RedrivePolicy=f'{{"deadLetterTargetArn":"{arn}","maxReceiveCount":1}}')
        self.sqs.send_message(QueueUrl=src, MessageBody="poison")
        self.sqs.receive_message(QueueUrl=src, VisibilityTimeout=0)
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=src))
        m = self.sqs.receive_message(QueueUrl=dlq, AttributeNames=["All"])["Messages"][0]
        self.assertEqual(m["Body"], "poison")
        src_arn = self.sqs.get_queue_attributes(QueueUrl=src, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.assertEqual(m["Attributes"]["DeadLetterQueueSourceArn"], src_arn)

    def test_long_poll_answers_when_a_message_arrives(self):
        url = self.new_queue()
        other = client()
        timer = threading.Timer(0.5, lambda: other.send_message(QueueUrl=url, MessageBody="wake"))
        start = time.monotonic()
        timer.start()
        got = self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10)
        elapsed = time.monotonic() - start
        timer.join()
        self.assertEqual(got["Messages"][0]["Body"], "wake")
        self.assertLess(elapsed, 5)

    def test_long_poll_returns_empty_after_its_wait(self):
        url = self.new_queue()
        start = time.monotonic()
        got = self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)
        self.assertNotIn("Messages", got)
        self.assertGreaterEqual(time.monotonic() - start, 0.9)

    def test_trace_header_system_attribute(self):
        url = self.new_queue()
        sent = self.sqs.send_message(QueueUrl=url, MessageBody="t", MessageSystemAttributes={
            "AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"}})
        self.assertEqual(sent["MD5OfMessageSystemAttributes"], "5ae4d5d7636402d80f4eb6d213245a88")
        m = self.sqs.receive_message(QueueUrl=url, AttributeNames=["AWSTraceHeader"])["Messages"][0]
        self.assertTrue(m["Attributes"]["AWSTraceHeader"].startswith("Root=1-5759e988"))


class FifoQueues(SqsTestCase):
    def test_fifo_order_sequence_numbers_and_dedup(self):
        url = self.new_queue("f", fifo=True)
        first = self.sqs.send_message(QueueUrl=url, MessageBody="1", MessageGroupId="g", MessageDeduplicationId="d1")
        dup = self.sqs.send_message(QueueUrl=url, MessageBody="1", MessageGroupId="g", MessageDeduplicationId="d1")
        self.assertEqual(dup["MessageId"], first["MessageId"])
        self.assertEqual(dup["SequenceNumber"], first["SequenceNumber"])
        second = self.sqs.send_message(QueueUrl=url, MessageBody="2", MessageGroupId="g", MessageDeduplicationId="d2")
        self.assertGreater(int(second["SequenceNumber"]), int(first["SequenceNumber"]))
        msgs = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
        self.assertEqual([m["Body"] for m in msgs], ["1", "2"])
        self.assertEqual(msgs[0]["Attributes"]["MessageGroupId"], "g")

    def test_fifo_group_is_locked_while_in_flight(self):
        url = self.new_queue("f", fifo=True, ContentBasedDeduplication="true")
        for body in ["a1", "a2"]:
            self.sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="a")
        self.sqs.send_message(QueueUrl=url, MessageBody="b1", MessageGroupId="b")
        first = self.sqs.receive_message(QueueUrl=url)["Messages"][0]
        self.assertEqual(first["Body"], "a1")
        nxt = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        self.assertEqual([m["Body"] for m in nxt], ["b1"])

    def test_fifo_requires_group_and_dedup(self):
        url = self.new_queue("f", fifo=True)
        self.assertError("MissingParameter", self.sqs.send_message, QueueUrl=url, MessageBody="x")
        self.assertError("InvalidParameterValue", self.sqs.send_message, QueueUrl=url, MessageBody="x", MessageGroupId="g")

    def test_fifo_rejects_per_message_delay(self):
        url = self.new_queue("f", fifo=True, ContentBasedDeduplication="true")
        self.assertError("InvalidParameterValue", self.sqs.send_message, QueueUrl=url, MessageBody="x",
                         MessageGroupId="g", DelaySeconds=5)

    def test_fifo_name_needs_fifo_attribute(self):
        self.assertError("InvalidParameterValue", self.sqs.create_queue, QueueName=unique() + ".fifo")


class QueueErrorPaths(SqsTestCase):
    """The error paths of the queue-level actions, as botocore (query) reports them."""

    def arn(self, url):
        return self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def test_every_queue_action_on_a_missing_queue_is_non_existent_queue(self):
        url = f"{ENDPOINT}/000000000000/{unique('gone')}"
        calls = [
            (self.sqs.delete_queue, {}),
            (self.sqs.get_queue_attributes, {"AttributeNames": ["All"]}),
            (self.sqs.set_queue_attributes, {"Attributes": {"DelaySeconds": "1"}}),
            (self.sqs.purge_queue, {}),
            (self.sqs.tag_queue, {"Tags": {"a": "b"}}),
            (self.sqs.untag_queue, {"TagKeys": ["a"]}),
            (self.sqs.list_queue_tags, {}),
            (self.sqs.list_dead_letter_source_queues, {}),
            (self.sqs.add_permission, {"Label": "l", "AWSAccountIds": ["111122223333"], "Actions": ["SendMessage"]}),
            (self.sqs.remove_permission, {"Label": "l"}),
            (self.sqs.send_message, {"MessageBody": "x"}),
            (self.sqs.send_message_batch, {"Entries": [{"Id": "a", "MessageBody": "x"}]}),
            (self.sqs.receive_message, {}),
            (self.sqs.delete_message, {"ReceiptHandle": "r"}),
            (self.sqs.delete_message_batch, {"Entries": [{"Id": "a", "ReceiptHandle": "r"}]}),
            (self.sqs.change_message_visibility, {"ReceiptHandle": "r", "VisibilityTimeout": 1}),
            (self.sqs.change_message_visibility_batch, {"Entries": [{"Id": "a", "ReceiptHandle": "r", "VisibilityTimeout": 1}]}),
        ]
        for fn, kwargs in calls:
            with self.subTest(action=fn.__name__):
                response = self.assertError("AWS.SimpleQueueService.NonExistentQueue", fn, QueueUrl=url, **kwargs)
                self.assertEqual(response["Error"]["Type"], "Sender")
                self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 400)

    def test_queue_url_without_a_queue_is_an_invalid_address(self):
        response = self.assertError("InvalidAddress", self.sqs.get_queue_attributes, QueueUrl=ENDPOINT + "/",
                                    AttributeNames=["All"])
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_get_queue_url_of_another_account_is_non_existent_queue(self):
        name = unique()
        self.sqs.create_queue(QueueName=name)
        self.assertEqual(self.sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId="000000000000")["QueueUrl"],
                         f"{ENDPOINT}/000000000000/{name}")
        self.assertError("AWS.SimpleQueueService.NonExistentQueue", self.sqs.get_queue_url, QueueName=name,
                         QueueOwnerAWSAccountId="111122223333")

    def test_list_queues_page_size_out_of_range(self):
        self.assertError("InvalidParameterValue", self.sqs.list_queues, MaxResults=0)
        self.assertError("InvalidParameterValue", self.sqs.list_queues, MaxResults=1001)

    def test_attribute_names_that_do_not_apply_are_invalid(self):
        url = self.new_queue()
        self.assertError("InvalidAttributeName", self.sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["Nope"])
        self.assertError("InvalidAttributeName", self.sqs.set_queue_attributes, QueueUrl=url,
                         Attributes={"QueueArn": "arn:aws:sqs:us-east-1:000000000000:x"})
        self.assertError("InvalidAttributeName", self.sqs.set_queue_attributes, QueueUrl=url,
                         Attributes={"FifoQueue": "true"})
        self.assertError("InvalidAttributeName", self.sqs.create_queue, QueueName=unique(),
                         Attributes={"FifoQueue": "false"})

    def test_get_queue_attributes_without_names_returns_none(self):
        url = self.new_queue()
        self.assertNotIn("Attributes", self.sqs.get_queue_attributes(QueueUrl=url))

    def test_fifo_queue_reports_its_fifo_attributes(self):
        url = self.new_queue("f", fifo=True)
        attrs = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertEqual(attrs["FifoQueue"], "true")
        self.assertEqual(attrs["ContentBasedDeduplication"], "false")
        self.assertEqual(attrs["DeduplicationScope"], "queue")
        self.assertEqual(attrs["FifoThroughputLimit"], "perQueue")
        self.assertError("InvalidAttributeValue", self.sqs.set_queue_attributes, QueueUrl=url,
                         Attributes={"FifoThroughputLimit": "perMessageGroupId"})
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={
            "DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"})

    def test_encryption_attributes_are_stored_and_exclusive(self):
        url = self.new_queue(KmsMasterKeyId="alias/aws/sqs", KmsDataKeyReusePeriodSeconds=600)
        attrs = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertEqual(attrs["KmsMasterKeyId"], "alias/aws/sqs")
        self.assertEqual(attrs["KmsDataKeyReusePeriodSeconds"], "600")
        self.assertEqual(attrs["SqsManagedSseEnabled"], "false")
        self.assertError("InvalidAttributeValue", self.sqs.create_queue, QueueName=unique(),
                         Attributes={"KmsMasterKeyId": "alias/aws/sqs", "SqsManagedSseEnabled": "true"})

    def test_policy_is_stored_and_an_empty_value_removes_it(self):
        url = self.new_queue()
        policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}]}'
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
        self.assertIn("Policy", self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"])
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})
        self.assertNotIn("Attributes", self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]))
        self.assertError("InvalidAttributeValue", self.sqs.set_queue_attributes, QueueUrl=url,
                         Attributes={"Policy": "{not json"})

    def test_redrive_policy_must_name_a_permitting_queue_of_the_same_type(self):
        missing = "arn:aws:sqs:us-east-1:000000000000:" + unique("none")
        self.assertError("InvalidParameterValue", self.new_queue,
                         RedrivePolicy=f'{{"deadLetterTargetArn":"{missing}","maxReceiveCount":2}}')
        fifo_arn = self.arn(self.new_queue("fdlq", fifo=True))
        self.assertError("InvalidParameterValue", self.new_queue,
                         RedrivePolicy=f'{{"deadLetterTargetArn":"{fifo_arn}","maxReceiveCount":2}}')
        closed = self.arn(self.new_queue("closed", RedriveAllowPolicy='{"redrivePermission":"denyAll"}'))
        self.assertError("InvalidParameterValue", self.new_queue,
                         RedrivePolicy=f'{{"deadLetterTargetArn":"{closed}","maxReceiveCount":2}}')

    def test_dead_letter_source_queues_page(self):
        dlq = self.new_queue("dlq")
        policy = f'{{"deadLetterTargetArn":"{self.arn(dlq)}","maxReceiveCount":3}}'
        sources = sorted(self.new_queue("src", RedrivePolicy=policy) for _ in range(3))
        first = self.sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=2)
        self.assertEqual(len(first["queueUrls"]), 2)
        rest = self.sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=2, NextToken=first["NextToken"])
        self.assertEqual(sorted(first["queueUrls"] + rest["queueUrls"]), sources)
        # An empty flattened list is no XML at all, so botocore leaves the key out (as with AWS).
        self.assertNotIn("queueUrls", self.sqs.list_dead_letter_source_queues(QueueUrl=self.new_queue()))

    def test_tag_errors(self):
        url = self.new_queue()
        self.assertError("MissingParameter", self.sqs.tag_queue, QueueUrl=url, Tags={})
        self.assertError("InvalidParameterValue", self.sqs.untag_queue, QueueUrl=url, TagKeys=[])
        self.assertError("InvalidParameterValue", self.sqs.tag_queue, QueueUrl=url,
                         Tags={f"k{i}": "v" for i in range(51)})
        self.assertNotIn("Tags", self.sqs.list_queue_tags(QueueUrl=url))

    def test_permission_errors(self):
        url = self.new_queue()
        response = self.assertError("OverLimit", self.sqs.add_permission, QueueUrl=url, Label="many",
                                    AWSAccountIds=["111122223333"], Actions=["SendMessage"] * 8)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertError("InvalidParameterValue", self.sqs.add_permission, QueueUrl=url, Label="owner",
                         AWSAccountIds=["111122223333"], Actions=["DeleteQueue"])
        self.assertError("InvalidParameterValue", self.sqs.add_permission, QueueUrl=url, Label="bad label",
                         AWSAccountIds=["111122223333"], Actions=["SendMessage"])


class MessageErrorPaths(SqsTestCase):
    """The error paths of the message actions, as botocore (query) reports them."""

    def test_message_attribute_rules(self):
        url = self.new_queue()
        string = {"DataType": "String", "StringValue": "v"}
        for attrs in ({f"a{i}": string for i in range(11)}, {"AWS.reserved": string}, {".dot": string},
                      {"a": {"DataType": "String", "StringValue": ""}},
                      {"a": {"DataType": "Number", "StringValue": "not a number"}}):
            with self.subTest(attrs=list(attrs)[:2]):
                self.assertError("InvalidParameterValue", self.sqs.send_message, QueueUrl=url, MessageBody="x",
                                 MessageAttributes=attrs)
        self.assertError("InvalidMessageContents", self.sqs.send_message, QueueUrl=url, MessageBody="x",
                         MessageAttributes={"a": {"DataType": "String", "StringValue": "\x02"}})

    def test_custom_data_type_labels_are_kept_and_hashed(self):
        url = self.new_queue()
        attrs = {"n": {"DataType": "Number.int", "StringValue": "7"}, "b": {"DataType": "Binary.gif", "BinaryValue": b"GIF"}}
        sent = self.sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes=attrs)
        m = self.sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"][0]
        self.assertEqual(m["MessageAttributes"], attrs)
        self.assertEqual(m["MD5OfMessageAttributes"], sent["MD5OfMessageAttributes"])

    def test_system_attribute_rules(self):
        url = self.new_queue()
        self.assertError("InvalidParameterValue", self.sqs.send_message, QueueUrl=url, MessageBody="x",
                         MessageSystemAttributes={"Other": {"DataType": "String", "StringValue": "v"}})

    def test_deduplication_id_is_for_fifo_queues_only(self):
        url = self.new_queue()
        self.assertError("InvalidParameterValue", self.sqs.send_message, QueueUrl=url, MessageBody="x",
                         MessageDeduplicationId="d")

    def test_group_id_on_a_standard_queue_is_kept(self):
        url = self.new_queue()
        self.sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="tenant-1")
        m = self.sqs.receive_message(QueueUrl=url, AttributeNames=["MessageGroupId"])["Messages"][0]
        self.assertEqual(m["Attributes"], {"MessageGroupId": "tenant-1"})

    def test_receive_and_send_parameter_ranges(self):
        url = self.new_queue()
        for kwargs in ({"MaxNumberOfMessages": 0}, {"VisibilityTimeout": 43201}, {"VisibilityTimeout": -1},
                       {"WaitTimeSeconds": -1}):
            with self.subTest(**kwargs):
                self.assertError("InvalidParameterValue", self.sqs.receive_message, QueueUrl=url, **kwargs)
        self.assertError("InvalidParameterValue", self.sqs.send_message, QueueUrl=url, MessageBody="x", DelaySeconds=-1)

    def test_visibility_change_on_a_message_not_in_flight(self):
        url = self.new_queue()
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        m = self.sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]
        self.assertError("AWS.SimpleQueueService.MessageNotInflight", self.sqs.change_message_visibility,
                         QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=10)
        changed = self.sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
            {"Id": "a", "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 10}])
        self.assertEqual(changed["Failed"][0]["Code"], "AWS.SimpleQueueService.MessageNotInflight")

    def test_a_superseded_receipt_handle_is_rejected_and_deletes_are_idempotent(self):
        url = self.new_queue()
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        old = self.sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]["ReceiptHandle"]
        new = self.sqs.receive_message(QueueUrl=url)["Messages"][0]["ReceiptHandle"]
        self.assertError("ReceiptHandleIsInvalid", self.sqs.delete_message, QueueUrl=url, ReceiptHandle=old)
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=new)
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=new)

    def test_a_receipt_handle_of_another_queue_is_rejected(self):
        url, other = self.new_queue(), self.new_queue()
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        handle = self.sqs.receive_message(QueueUrl=url)["Messages"][0]["ReceiptHandle"]
        self.assertError("ReceiptHandleIsInvalid", self.sqs.delete_message, QueueUrl=other, ReceiptHandle=handle)

    def test_batch_entries_fail_one_by_one(self):
        url = self.new_queue(MaximumMessageSize=1024)
        sent = self.sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": "big", "MessageBody": "x" * 1025}, {"Id": "empty", "MessageBody": ""},
            {"Id": "bad", "MessageBody": "\x01"}, {"Id": "ok", "MessageBody": "fine"}])
        self.assertEqual([e["Id"] for e in sent["Successful"]], ["ok"])
        codes = {e["Id"]: e["Code"] for e in sent["Failed"]}
        self.assertEqual(codes, {"big": "InvalidParameterValue", "empty": "MissingParameter",
                                 "bad": "InvalidMessageContents"})
        deleted = self.sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": "a", "ReceiptHandle": "forged"}])
        self.assertEqual(deleted["Failed"][0]["Code"], "ReceiptHandleIsInvalid")
        self.assertTrue(deleted["Failed"][0]["SenderFault"])

    def test_batch_id_and_size_rules_apply_to_every_batch_action(self):
        url = self.new_queue()
        self.assertError("AWS.SimpleQueueService.EmptyBatchRequest", self.sqs.delete_message_batch, QueueUrl=url, Entries=[])
        self.assertError("AWS.SimpleQueueService.EmptyBatchRequest", self.sqs.change_message_visibility_batch,
                         QueueUrl=url, Entries=[])
        self.assertError("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", self.sqs.change_message_visibility_batch,
                         QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": "r", "VisibilityTimeout": 1} for i in range(11)])
        self.assertError("AWS.SimpleQueueService.InvalidBatchEntryId", self.sqs.delete_message_batch, QueueUrl=url,
                         Entries=[{"Id": "x" * 81, "ReceiptHandle": "r"}])
        self.assertError("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", self.sqs.send_message_batch, QueueUrl=url,
                         Entries=[{"Id": "a", "MessageBody": "x"}, {"Id": "a", "MessageBody": "y"}])

    def test_in_flight_limit_is_over_limit_on_a_short_poll_only(self):
        # The test daemon runs with in_flight_limit = 100 (with_sluiced.sh).
        url = self.new_queue()
        for batch in range(10):
            self.sqs.send_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "MessageBody": f"{batch}-{i}"} for i in range(10)])
        self.sqs.send_message(QueueUrl=url, MessageBody="one too many")
        for _ in range(10):
            self.assertEqual(len(self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]), 10)
        response = self.assertError("OverLimit", self.sqs.receive_message, QueueUrl=url)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1))

    def test_request_body_over_the_server_limit_is_an_sqs_error(self):
        url = self.new_queue()
        response = self.assertError("InvalidParameterValue", self.sqs.send_message, QueueUrl=url,
                                    MessageBody="x" * (7 * 1024 * 1024))
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 413)
        self.assertEqual(self.sqs.get_queue_url(QueueName=url.rsplit("/", 1)[1])["QueueUrl"], url)


class FifoDetails(SqsTestCase):
    def test_content_based_deduplication_uses_the_body_hash(self):
        url = self.new_queue("f", fifo=True, ContentBasedDeduplication="true")
        first = self.sqs.send_message(QueueUrl=url, MessageBody="hello", MessageGroupId="g")
        again = self.sqs.send_message(QueueUrl=url, MessageBody="hello", MessageGroupId="g")
        self.assertEqual(again["MessageId"], first["MessageId"])
        m = self.sqs.receive_message(QueueUrl=url, AttributeNames=["All"])["Messages"][0]
        self.assertEqual(m["Attributes"]["MessageDeduplicationId"], hashlib.sha256(b"hello").hexdigest())
        self.assertEqual(m["Attributes"]["SequenceNumber"], first["SequenceNumber"])
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=url))

    def test_receive_request_attempt_id_returns_the_same_messages_on_retry(self):
        url = self.new_queue("f", fifo=True, ContentBasedDeduplication="true")
        for body in ["1", "2"]:
            self.sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g")
        first = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, ReceiveRequestAttemptId="try-1")
        retry = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, ReceiveRequestAttemptId="try-1")
        self.assertEqual([m["ReceiptHandle"] for m in retry["Messages"]],
                         [m["ReceiptHandle"] for m in first["Messages"]])
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=url, ReceiveRequestAttemptId="try-2"))
        self.assertError("InvalidParameterValue", self.sqs.receive_message, QueueUrl=url,
                         ReceiveRequestAttemptId="no spaces")

    def test_receive_request_attempt_id_is_ignored_on_standard_queues(self):
        url = self.new_queue()
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        self.assertEqual(len(self.sqs.receive_message(QueueUrl=url, ReceiveRequestAttemptId="a")["Messages"]), 1)
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=url, ReceiveRequestAttemptId="a"))

    def test_group_and_deduplication_ids_are_checked(self):
        url = self.new_queue("f", fifo=True)
        self.assertError("InvalidParameterValue", self.sqs.send_message, QueueUrl=url, MessageBody="x",
                         MessageGroupId="has space", MessageDeduplicationId="d")
        self.assertError("InvalidParameterValue", self.sqs.send_message, QueueUrl=url, MessageBody="x",
                         MessageGroupId="g", MessageDeduplicationId="d" * 129)
        sent = self.sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": "nogroup", "MessageBody": "x", "MessageDeduplicationId": "d1"},
            {"Id": "ok", "MessageBody": "y", "MessageGroupId": "g", "MessageDeduplicationId": "d2"}])
        self.assertEqual(sent["Failed"][0]["Code"], "MissingParameter")
        self.assertIn("SequenceNumber", sent["Successful"][0])


class FairQueues(SqsTestCase):
    """MessageGroupId on a standard queue names a tenant; a noisy tenant (>= 30 in flight and more
    than 10 % of the queue's in-flight messages) waits behind the others."""

    def send_tenant(self, url, tenant, count, tag):
        for start in range(0, count, 10):
            entries = [
                {"Id": str(i), "MessageBody": f"{tag}-{i}", "MessageGroupId": tenant}
                for i in range(start, min(count, start + 10))
            ]
            result = self.sqs.send_message_batch(QueueUrl=url, Entries=entries)
            self.assertEqual(len(result.get("Successful", [])), len(entries), result)

    def receive_bodies(self, url, count):
        bodies = []
        while len(bodies) < count:
            got = self.sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=min(10, count - len(bodies)),
                VisibilityTimeout=120, AttributeNames=["All"]).get("Messages", [])
            if not got:
                break
            bodies += [m["Body"] for m in got]
        return bodies

    def test_a_quiet_tenant_is_served_before_a_noisy_tenants_backlog(self):
        url = self.new_queue("fair")
        self.send_tenant(url, "noisy", 35, "held")
        self.assertEqual(len(self.receive_bodies(url, 35)), 35)
        self.send_tenant(url, "noisy", 5, "backlog")
        self.sqs.send_message(QueueUrl=url, MessageBody="quiet-0", MessageGroupId="quiet")
        got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=120,
                                       AttributeNames=["All"])["Messages"]
        self.assertEqual(got[0]["Body"], "quiet-0")
        self.assertEqual(got[0]["Attributes"]["MessageGroupId"], "quiet")
        self.assertEqual(sorted(m["Body"] for m in got[1:]), [f"backlog-{i}" for i in range(5)])

    def test_without_a_noisy_tenant_the_oldest_message_comes_first(self):
        url = self.new_queue("fair")
        self.send_tenant(url, "busy", 20, "held")
        self.assertEqual(len(self.receive_bodies(url, 20)), 20)
        self.send_tenant(url, "busy", 1, "older")
        self.sqs.send_message(QueueUrl=url, MessageBody="quiet-0", MessageGroupId="quiet")
        got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"]
        self.assertEqual(got[0]["Body"], "older-0")


class ProtocolErrors(unittest.TestCase):
    """Raw HTTP against the query endpoint for errors no SDK lets you make."""

    def post(self, body, headers=None):
        import urllib.request
        import urllib.error
        req = urllib.request.Request(ENDPOINT + "/", data=body.encode(), headers=headers or {
            "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(req) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def test_missing_action(self):
        status, body = self.post("Version=2012-11-05")
        self.assertEqual(status, 400)
        self.assertIn("<Code>MissingAction</Code>", body)

    def test_unknown_action(self):
        status, body = self.post("Action=Frobnicate")
        self.assertEqual(status, 400)
        self.assertIn("<Code>InvalidAction</Code>", body)

    def test_malformed_form_body(self):
        status, body = self.post("Action=ListQueues&x=%G1")
        self.assertEqual(status, 404)
        self.assertIn("MalformedQueryString", body)


if __name__ == "__main__":
    unittest.main(verbosity=2)
