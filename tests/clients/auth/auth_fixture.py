"""Users and clients shared by the auth client tests (keys match with_secure_sluiced.sh)."""
import os

import boto3
from botocore.config import Config

ENDPOINT = os.environ["SLUICE_SQS_ENDPOINT"]
OWNER_ACCOUNT = "000000000000"

ALICE = ("AKIDALICE0000000001", "alice/Secret+Key/0000000000000000000001")
READER = ("AKIDREADER000000001", "reader-secret-0000000000000000000000001")
BOB = ("AKIDBOB000000000001", "bob-secret-000000000000000000000000001")


def client(key, region="us-east-1", **config):
    """A query-protocol SQS client (Debian boto3) for `key` = (id, secret), one attempt only."""
    return boto3.client(
        "sqs",
        endpoint_url=ENDPOINT,
        region_name=region,
        aws_access_key_id=key[0],
        aws_secret_access_key=key[1],
        config=Config(retries={"total_max_attempts": 1}, read_timeout=30, **config),
    )
