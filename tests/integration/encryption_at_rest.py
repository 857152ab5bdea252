"""Encryption at rest, end to end: the real sluiced on RocksDB with the local encryption plugin,
driven by boto3 (query protocol; run with /usr/bin/python3, which has Debian's boto3).

1. A marker string is sent through an SSE queue (SqsManagedSseEnabled, on by default) and, as a
   control, another marker through a queue with SSE off.
2. sluiced stops; every file of the RocksDB folder (SST files, the write-ahead log, the manifest,
   everything) is searched for both markers: the encrypted one must not be found anywhere, the
   control must be found in an SST file (so the search can see what is there). Filler traffic
   overflows the memtable first, so the markers are in SST files as well as the log.
3. sluiced restarts and the encrypted marker is read back, MD5 included.
4. A wrong master key and a missing key file each stop start-up with exit code 2 and one line.
5. Master-key rotation: sluiced starts with a new key and the old one as previous_master_key_files
   (re-wraps the data keys), then with the new key alone, and still reads the old message.

Needs sluiced, sluice_storage_rocksdb, sluice_protocol_sqs and sluice_encryption_local built into
one folder (sluiced finds its plugins next to itself).

Usage: encryption_at_rest.py SLUICED [--keep]
"""
import argparse
import hashlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile

import boto3
from botocore.config import Config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crash_daemon import Daemon, free_port  # noqa: E402


class EncryptedDaemon(Daemon):
    """crash_daemon's daemon with an [encryption] section."""

    def __init__(self, sluiced, work, port, db_path, master_key, previous=()):
        super().__init__(sluiced, work, port, db_path, sync=True)
        self.master_key = master_key
        self.previous = list(previous)

    def write_config(self):
        path = super().write_config()
        previous = ", ".join(f'"{p}"' for p in self.previous)
        with open(path, "a") as f:
            f.write(f"""
[encryption]
plugin = "local"

[encryption.local]
master_key_file = "{self.master_key}"
previous_master_key_files = [{previous}]
""")
        return path

    def expect_refusal(self, timeout=20.0):
        """Starts an incarnation that must exit 2 during start-up; returns its log."""
        self.start()
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.ensure_dead()
            raise AssertionError(f"sluiced still running {timeout} s after start; expected exit 2:"
                                 f"\n{self.log_tail()}")
        with open(self.log_path, errors="replace") as f:
            log = f.read()
        if rc != 2:
            raise AssertionError(f"sluiced exited {rc}, expected 2:\n{log}")
        return log


def write_key(path):
    with open(path, "w") as f:
        f.write(secrets.token_hex(32) + "\n")
    os.chmod(path, 0o600)
    return path


def client(endpoint):
    return boto3.client(
        "sqs", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=2, read_timeout=10))


def files_containing(folder, needles):
    """{needle: [files whose bytes contain it]} over every file under folder; also the file list."""
    found = {n: [] for n in needles}
    files = []
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            files.append(path)
            with open(path, "rb") as f:
                data = f.read()
            for needle in needles:
                if needle.encode() in data:
                    found[needle].append(os.path.relpath(path, folder))
    return found, files


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def run(daemon, work):
    db = daemon.db_path
    old_key = daemon.master_key
    body_marker = "sluice-secret-body-" + secrets.token_hex(8)
    attribute_marker = "sluice-secret-attr-" + secrets.token_hex(8)
    control_marker = "sluice-plain-control-" + secrets.token_hex(8)

    # 1. Send.
    daemon.start()
    daemon.wait_ready()
    sqs = client(daemon.endpoint)
    secret_url = sqs.create_queue(QueueName="secret")["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=secret_url,
                                          AttributeNames=["SqsManagedSseEnabled"])["Attributes"]
    check(attributes.get("SqsManagedSseEnabled") == "true", f"SSE not on by default: {attributes}")
    plain_url = sqs.create_queue(QueueName="plain",
                                 Attributes={"SqsManagedSseEnabled": "false"})["QueueUrl"]
    bodies = [f"{body_marker} #{i}" for i in range(2)]
    for body in bodies:
        sent = sqs.send_message(QueueUrl=secret_url, MessageBody=body, MessageAttributes={
            "note": {"DataType": "String", "StringValue": attribute_marker}})
        check(sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest(),
              f"MD5OfMessageBody {sent['MD5OfMessageBody']} is not the MD5 of the plaintext")
    sqs.send_message(QueueUrl=plain_url, MessageBody=control_marker)
    # ~2.4 MB of filler overflows the 1 MB memtable, so what came before is flushed into SST files
    # and the search covers those as well as the write-ahead log.
    filler = "f" * 60000
    for _ in range(40):
        sqs.send_message(QueueUrl=plain_url, MessageBody=filler)
    daemon.terminate()

    # 2. Search the store.
    found, files = files_containing(db, [body_marker, attribute_marker, control_marker])
    wal = [f for f in files if f.endswith(".log") and os.path.basename(f)[0].isdigit()]
    print(f"searched {len(files)} files under {db} (write-ahead logs: "
          f"{[os.path.basename(f) for f in wal]})")
    check(files, "the RocksDB folder is empty")
    check(not found[body_marker], f"body marker found in plaintext in {found[body_marker]}")
    check(not found[attribute_marker],
          f"attribute marker found in plaintext in {found[attribute_marker]}")
    check(any(f.endswith(".sst") for f in found[control_marker]),
          f"control marker (SSE off) not found in any SST file (found in {found[control_marker]}):"
          " the search would not have seen the encrypted marker there either")
    print(f"encrypted markers: in no file; control marker: in {found[control_marker]}")

    # 3. Restart and read back.
    daemon.start()
    daemon.wait_ready()
    sqs = client(daemon.endpoint)
    got = sqs.receive_message(QueueUrl=secret_url, MaxNumberOfMessages=1, WaitTimeSeconds=2,
                              MessageAttributeNames=["All"])["Messages"]
    check(len(got) == 1, f"expected 1 message, got {got}")
    message = got[0]
    check(message["Body"] in bodies, f"wrong body {message['Body']!r}")
    check(message["MD5OfBody"] == hashlib.md5(message["Body"].encode()).hexdigest(), "bad MD5")
    check(message["MessageAttributes"]["note"]["StringValue"] == attribute_marker,
          f"wrong attributes {message.get('MessageAttributes')}")
    sqs.delete_message(QueueUrl=secret_url, ReceiptHandle=message["ReceiptHandle"])
    remaining = [b for b in bodies if b != message["Body"]][0]
    daemon.terminate()
    print("restarted and read the encrypted message back")

    # 4. Wrong and missing master keys stop start-up.
    wrong_key = write_key(os.path.join(work, "master-wrong.key"))
    daemon.master_key = wrong_key
    log = daemon.expect_refusal()
    check("encryption at rest cannot start" in log and "wrapped under a master key" in log,
          f"no clear line for a wrong master key:\n{log}")
    check(len([l for l in log.splitlines() if "encryption at rest cannot start" in l]) == 1,
          f"expected exactly one line:\n{log}")
    daemon.master_key = os.path.join(work, "no-such.key")
    log = daemon.expect_refusal()
    check("no-such.key: no such file" in log, f"no clear line for a missing key file:\n{log}")
    print("wrong and missing master keys: exit 2 with one line each")

    # 5. Rotation: new key with the old one as previous, then the new key alone.
    new_key = write_key(os.path.join(work, "master-new.key"))
    daemon.master_key = new_key
    daemon.previous = [old_key]
    daemon.start()
    daemon.wait_ready()
    with open(daemon.log_path) as f:
        log = f.read()
    check("1 re-wrapped under the current master key" in log,
          f"rotation did not re-wrap the secret queue's data key:\n{daemon.log_tail()}")
    daemon.terminate()
    daemon.previous = []
    os.remove(old_key)  # the old key is no longer needed by anything
    daemon.start()
    daemon.wait_ready()
    sqs = client(daemon.endpoint)
    got = sqs.receive_message(QueueUrl=secret_url, MaxNumberOfMessages=1,
                              WaitTimeSeconds=2)["Messages"]
    check(len(got) == 1 and got[0]["Body"] == remaining,
          f"after rotation expected {remaining!r}, got {got}")
    daemon.terminate()
    print("rotated to a new master key; the old message reads back without the old key")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sluiced")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="sluice-encryption-")
    old_key = write_key(os.path.join(work, "master-old.key"))
    daemon = EncryptedDaemon(args.sluiced, work, free_port(), os.path.join(work, "db"), old_key)
    try:
        run(daemon, work)
        print("PASS")
        return 0
    except AssertionError as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        daemon.ensure_dead()
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
