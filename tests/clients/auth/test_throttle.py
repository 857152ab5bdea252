"""Brute-force protection through a real client (boto3, query protocol).

Run by with_secure_sluiced.sh with SLUICE_FAILED_AUTH_BURST=3 and one failure forgiven per
minute: after three bad signatures from 127.0.0.1, every attempt from there is refused unchecked,
even with the right key, until the address earns attempts back.
"""
import unittest

from botocore.exceptions import ClientError

from auth_fixture import ALICE, client


class Throttling(unittest.TestCase):
    def code_of(self, fn):
        with self.assertRaises(ClientError) as ctx:
            fn()
        return ctx.exception.response["Error"]["Code"], ctx.exception.response

    def test_repeated_failures_throttle_the_source_address(self):
        good = client(ALICE)
        good.list_queues()
        wrong = client((ALICE[0], "guess-000000000000000000000001"))
        for _ in range(3):
            self.assertEqual(self.code_of(wrong.list_queues)[0], "SignatureDoesNotMatch")
        code, response = self.code_of(good.list_queues)
        self.assertEqual(code, "RequestThrottled", response)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 403)


if __name__ == "__main__":
    unittest.main(verbosity=2)
