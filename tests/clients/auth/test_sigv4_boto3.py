"""SigV4 authentication and IAM-style authorization through Debian's boto3 (query protocol).

Run by with_secure_sluiced.sh: sluiced with the local auth plugin; users alice (everything),
reader (everything but SendMessage) and bob (another account) as in that script.
"""
import contextlib
import datetime
import os
import signal
import time
import unittest
import urllib.error
import urllib.request
import uuid
import warnings
from unittest import mock

import botocore
import botocore.auth
from botocore import UNSIGNED
from botocore.exceptions import ClientError

try:
    import botocore.crt.auth as crt_auth
except ImportError:  # no awscrt: botocore signs in Python
    crt_auth = None

from auth_fixture import ALICE, BOB, ENDPOINT, OWNER_ACCOUNT, READER, client


def unique(prefix="auth"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@contextlib.contextmanager
def shifted_clock(delta):
    """The signers' view of `datetime`, with utcnow() moved by `delta`: the client believes it is
    another time, as a host with a wrong clock would. Debian's botocore signs with the AWS CRT
    (botocore.crt.auth) when awscrt is installed, else with botocore.auth: patch both."""

    class Shifted(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return datetime.datetime.utcnow() + delta

    fake = mock.Mock(datetime=Shifted, timezone=datetime.timezone)
    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch.object(botocore.auth, "datetime", fake))
        if crt_auth is not None:
            stack.enter_context(mock.patch.object(crt_auth, "datetime", fake))
        yield


class AuthTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.alice = client(ALICE)

    def assertError(self, code, fn, *args, **kwargs):
        with self.assertRaises(ClientError) as ctx:
            fn(*args, **kwargs)
        self.assertEqual(ctx.exception.response["Error"]["Code"], code, ctx.exception.response)
        return ctx.exception.response

    def new_queue(self):
        return self.alice.create_queue(QueueName=unique())["QueueUrl"]


class Authentication(AuthTestCase):
    def test_the_right_key_can_use_the_queue(self):
        url = self.new_queue()
        self.alice.send_message(QueueUrl=url, MessageBody="hello")
        got = self.alice.receive_message(QueueUrl=url, AttributeNames=["SenderId"])["Messages"]
        self.assertEqual(got[0]["Body"], "hello")

    def test_sender_id_is_the_authenticated_user(self):
        url = self.new_queue()
        self.alice.send_message(QueueUrl=url, MessageBody="who")
        got = self.alice.receive_message(QueueUrl=url, AttributeNames=["SenderId"])["Messages"]
        self.assertEqual(got[0]["Attributes"]["SenderId"], "alice")

    def test_any_region_in_the_scope_is_accepted(self):
        client(ALICE, region="eu-west-3").list_queues()

    def test_a_wrong_secret_does_not_match(self):
        response = self.assertError("SignatureDoesNotMatch",
                                    client((ALICE[0], "not-alices-secret-0000000")).list_queues)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_an_unknown_key_is_an_invalid_client_token(self):
        response = self.assertError("InvalidClientTokenId",
                                    client(("AKIDNOBODY000000001", ALICE[1])).list_queues)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_an_unsigned_request_is_missing_authentication(self):
        response = self.assertError("MissingAuthenticationToken",
                                    client(ALICE, signature_version=UNSIGNED).list_queues)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_a_client_clock_beyond_the_skew_has_expired(self):
        late = client(ALICE)
        with shifted_clock(datetime.timedelta(minutes=-20)):
            response = self.assertError("RequestExpired", late.list_queues)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 400)

    def test_a_client_clock_ahead_beyond_the_skew_is_not_yet_valid(self):
        early = client(ALICE)
        with shifted_clock(datetime.timedelta(minutes=20)):
            self.assertError("RequestExpired", early.list_queues)

    def test_a_client_clock_within_the_skew_is_fine(self):
        slightly_off = client(ALICE)
        with shifted_clock(datetime.timedelta(minutes=-2)):
            slightly_off.list_queues()


class PresignedUrls(AuthTestCase):
    def presign(self, method, params, expires=300):
        return self.alice.generate_presigned_url(method, Params=params, ExpiresIn=expires,
                                                 HttpMethod="GET")

    def fetch(self, url):
        try:
            with urllib.request.urlopen(url, timeout=10) as reply:
                return reply.status, reply.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def test_a_presigned_url_works_without_credentials(self):
        url = self.new_queue()
        status, body = self.fetch(self.presign("send_message",
                                               {"QueueUrl": url, "MessageBody": "presigned"}))
        self.assertEqual(status, 200, body)
        self.assertIn("<MD5OfMessageBody>", body)
        got = self.alice.receive_message(QueueUrl=url)["Messages"]
        self.assertEqual(got[0]["Body"], "presigned")

    def test_a_tampered_presigned_url_fails(self):
        url = self.new_queue()
        signed = self.presign("send_message", {"QueueUrl": url, "MessageBody": "original"})
        status, body = self.fetch(signed.replace("MessageBody=original", "MessageBody=forged"))
        self.assertEqual(status, 403, body)
        self.assertIn("<Code>SignatureDoesNotMatch</Code>", body)
        self.assertNotIn("Messages", self.alice.receive_message(QueueUrl=url))

    def test_an_expired_presigned_url_fails(self):
        url = self.new_queue()
        with shifted_clock(datetime.timedelta(minutes=-10)):
            signed = self.presign("get_queue_attributes", {"QueueUrl": url}, expires=60)
        status, body = self.fetch(signed)
        self.assertEqual(status, 400, body)
        self.assertIn("<Code>RequestExpired</Code>", body)


class Authorization(AuthTestCase):
    def test_a_policy_that_denies_send_gets_access_denied(self):
        url = self.new_queue()
        reader = client(READER)
        response = self.assertError("AccessDenied", reader.send_message, QueueUrl=url,
                                    MessageBody="no")
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_what_the_policy_does_not_deny_is_allowed(self):
        url = self.new_queue()
        self.alice.send_message(QueueUrl=url, MessageBody="for the reader")
        self.assertEqual(client(READER).receive_message(QueueUrl=url)["Messages"][0]["Body"],
                         "for the reader")

    def test_a_batch_send_is_denied_like_a_single_send(self):
        url = self.new_queue()
        self.assertError("AccessDenied", client(READER).send_message_batch, QueueUrl=url,
                         Entries=[{"Id": "a", "MessageBody": "x"}])

    def test_another_account_needs_a_grant(self):
        url = self.new_queue()
        bob = client(BOB)
        self.assertError("AccessDenied", bob.send_message, QueueUrl=url, MessageBody="x")
        self.alice.add_permission(QueueUrl=url, Label="bob-sends", AWSAccountIds=["111111111111"],
                                  Actions=["SendMessage"])
        bob.send_message(QueueUrl=url, MessageBody="granted")
        self.assertError("AccessDenied", bob.receive_message, QueueUrl=url)
        got = self.alice.receive_message(QueueUrl=url, AttributeNames=["SenderId"])["Messages"]
        self.assertEqual(got[0]["Attributes"]["SenderId"], "AIDABOB")

    def test_removing_the_grant_takes_access_away(self):
        url = self.new_queue()
        self.alice.add_permission(QueueUrl=url, Label="bob", AWSAccountIds=["111111111111"],
                                  Actions=["SendMessage"])
        bob = client(BOB)
        bob.send_message(QueueUrl=url, MessageBody="while granted")
        self.alice.remove_permission(QueueUrl=url, Label="bob")
        self.assertError("AccessDenied", bob.send_message, QueueUrl=url, MessageBody="x")

    def test_another_account_never_gets_owner_only_actions(self):
        url = self.new_queue()
        self.alice.add_permission(QueueUrl=url, Label="all", AWSAccountIds=["111111111111"],
                                  Actions=["*"])
        bob = client(BOB)
        bob.send_message(QueueUrl=url, MessageBody="ok")
        self.assertError("AccessDenied", bob.delete_queue, QueueUrl=url)
        self.assertError("AccessDenied", bob.create_queue, QueueName=unique())
        self.assertError("AccessDenied", bob.list_queues)

    def test_a_deny_in_the_queue_policy_binds_the_owners_users(self):
        url = self.new_queue()
        arn = self.alice.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        policy = ('{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",'
                  '"Action":"sqs:SendMessage","Resource":"' + arn + '"}]}')
        self.alice.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
        self.assertError("AccessDenied", self.alice.send_message, QueueUrl=url, MessageBody="x")
        # The owner can still repair the policy: SetQueueAttributes is not governed by it.
        self.alice.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})
        self.alice.send_message(QueueUrl=url, MessageBody="allowed again")

    def test_access_denied_names_the_queue_url(self):
        url = self.new_queue()
        response = self.assertError("AccessDenied", client(READER).send_message, QueueUrl=url,
                                    MessageBody="x")
        self.assertIn(url.rsplit("/", 1)[1], response["Error"]["Message"])


class Reload(AuthTestCase):
    NEW_KEY = ("AKIDCAROL000000001", "carol-secret-000000000000000000000001")

    def test_sighup_loads_a_new_key_and_keeps_connections(self):
        self.alice.list_queues()  # an open keep-alive connection
        carol = client(self.NEW_KEY)
        self.assertError("InvalidClientTokenId", carol.list_queues)
        with open(os.environ["SLUICE_USERS_FILE"], "a") as users:
            users.write('\n[[user]]\nname = "carol"\naccount = "000000000000"\n'
                        'policies = ["sqs-all"]\n'
                        f'access_keys = [ {{ id = "{self.NEW_KEY[0]}", '
                        f'secret = "{self.NEW_KEY[1]}" }} ]\n')
        os.kill(int(os.environ["SLUICED_PID"]), signal.SIGHUP)
        deadline = time.monotonic() + 10
        while True:  # the reload happens on the daemon's signal thread, soon after the signal
            try:
                carol.list_queues()
                break
            except ClientError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.alice.list_queues()


class Logging(AuthTestCase):
    def test_failures_are_logged_without_the_secret(self):
        wrong = "this-secret-must-not-be-logged-0001"
        with self.assertRaises(ClientError):
            client((ALICE[0], wrong)).list_queues()
        with open(os.environ["SLUICED_LOG"]) as log:
            text = log.read()
        self.assertIn(f"identity={ALICE[0]} peer=127.0.0.1", text)
        self.assertNotIn(wrong, text)
        self.assertNotIn(ALICE[1], text)


if __name__ == "__main__":
    # Each test makes its own short-lived clients; their pooled sockets close at exit.
    warnings.simplefilter("ignore", ResourceWarning)
    unittest.main(verbosity=2)
