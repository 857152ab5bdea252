"""The store never sees plaintext, on the server stores: the real sluiced with the local
encryption plugin on PostgreSQL or Redis, driven by boto3 (query protocol; run with
/usr/bin/python3, which has Debian's boto3).

1. A marker string is sent through an SSE queue (body and a message attribute) and, as a
   control, another marker through a queue with SSE off.
2. What the store server holds is searched for the markers:
   * postgres: the rows themselves (the `envelope` bytes of every row of the messages table,
     searched by PostgreSQL) and, after a CHECKPOINT, every file of the server's data directory
     (tables, indexes, the WAL);
   * redis: every value (DUMP of every key) and every file of the server's folder (the
     append-only file, which Redis writes with appendfsync always).
   The encrypted markers must be found nowhere; the control marker must be found in the rows or
   values and in the files (so the search can see what is there).
3. The encrypted message is read back through SQS, body, attribute and MD5 intact.

Usage:
  run_with_postgres.sh encryption_marker_stores.py SLUICED --store postgres
      (needs SLUICE_PG_CONNINFO and SLUICE_PG_WORK, which run_with_postgres.sh exports)
  encryption_marker_stores.py SLUICED --store redis    (starts its own redis-server)
"""
import argparse
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "stores", "redis"))
from encryption_at_rest import check, client, files_containing, write_key  # noqa: E402
from redis_env import RedisServer, free_port  # noqa: E402

READY_LINE = "sluiced ready"


def start_sluiced(sluiced, work, storage_section, key_file):
    port = free_port()
    config = os.path.join(work, "sluice.toml")
    with open(config, "w") as f:
        f.write(f"""[broker]
log_level = "info"

[storage]
{storage_section}

[encryption]
plugin = "local"

[encryption.local]
master_key_file = "{key_file}"

[protocol.sqs]
enabled = true
listen = "127.0.0.1"
port = {port}
shutdown_grace_seconds = 1
""")
    log_path = os.path.join(work, "sluiced.log")
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sluiced, "--config", config], stdout=log,
                                stderr=subprocess.STDOUT, cwd=work)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"sluiced exited with {proc.returncode}:\n{open(log_path).read()}")
        with open(log_path, errors="replace") as f:
            if READY_LINE in f.read():
                return proc, f"http://127.0.0.1:{port}", log_path
        time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"sluiced not ready:\n{open(log_path).read()}")


def stop_sluiced(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError("sluiced did not stop within 20 s")


def send_markers(endpoint):
    sqs = client(endpoint)
    markers = {
        "body": "sluice-secret-body-" + secrets.token_hex(8),
        "attribute": "sluice-secret-attr-" + secrets.token_hex(8),
        "control": "sluice-plain-control-" + secrets.token_hex(8),
    }
    secret_url = sqs.create_queue(QueueName="marker-sse")["QueueUrl"]
    plain_url = sqs.create_queue(QueueName="marker-plain",
                                 Attributes={"SqsManagedSseEnabled": "false"})["QueueUrl"]
    attrs = sqs.get_queue_attributes(QueueUrl=secret_url, AttributeNames=["All"])["Attributes"]
    check(attrs.get("SqsManagedSseEnabled") == "true", f"SSE is not on by default: {attrs}")
    sqs.send_message(QueueUrl=secret_url, MessageBody=markers["body"], MessageAttributes={
        "note": {"DataType": "String", "StringValue": markers["attribute"]}})
    sqs.send_message(QueueUrl=plain_url, MessageBody=markers["control"])
    return sqs, secret_url, markers


def read_back(sqs, url, markers):
    got = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"], WaitTimeSeconds=5)
    messages = got.get("Messages", [])
    check(len(messages) == 1, f"expected the encrypted message back, got {got}")
    message = messages[0]
    check(message["Body"] == markers["body"], f"body came back as {message['Body']!r}")
    check(message["MD5OfBody"] == hashlib.md5(markers["body"].encode()).hexdigest(), "MD5 differs")
    check(message["MessageAttributes"]["note"]["StringValue"] == markers["attribute"],
          "attribute came back wrong")


def verdict(where, found, markers):
    for name in ("body", "attribute"):
        check(not found[markers[name]],
              f"{name} marker found in plaintext in the {where}: {found[markers[name]]}")
    check(found[markers["control"]],
          f"control marker (SSE off) not found in the {where}: the search would not have seen "
          "the encrypted markers there either")
    print(f"{where}: encrypted markers nowhere; control marker in {found[markers['control']]}")


def psql(sql):
    out = subprocess.run(["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                          os.environ["SLUICE_PG_CONNINFO"], "-c", sql],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def run_postgres(sluiced, work, key_file):
    storage = f'plugin = "postgres"\n[storage.postgres]\nconninfo = "{os.environ["SLUICE_PG_CONNINFO"]}"'
    proc, endpoint, _ = start_sluiced(sluiced, work, storage, key_file)
    try:
        sqs, url, markers = send_markers(endpoint)
        # The rows, as PostgreSQL holds them (position() on bytea: no text decoding in the way).
        found = {}
        for marker in markers.values():
            hits = psql(f"SELECT count(*) FROM sluice.messages WHERE "
                        f"position(convert_to('{marker}', 'UTF8') in envelope) > 0")
            found[marker] = ["sluice.messages"] if int(hits) > 0 else []
        verdict("messages rows", found, markers)
        psql("CHECKPOINT")
        data = os.path.join(os.environ["SLUICE_PG_WORK"], "data")
        found, files = files_containing(data, list(markers.values()))
        check(len(files) > 100, f"searched only {len(files)} files under {data}")
        verdict(f"PostgreSQL data directory ({len(files)} files)", found, markers)
        read_back(sqs, url, markers)
    finally:
        stop_sluiced(proc)


def run_redis(sluiced, work, key_file):
    with RedisServer() as redis:
        storage = f'plugin = "redis"\n[storage.redis]\nhost = "127.0.0.1"\nport = {redis.port}'
        proc, endpoint, _ = start_sluiced(sluiced, work, storage, key_file)
        try:
            sqs, url, markers = send_markers(endpoint)
            def cli(*words):
                # Not a terminal: redis-cli prints values raw.
                return subprocess.run(["redis-cli", "-p", str(redis.port), *words],
                                      capture_output=True, check=True).stdout
            keys = cli("--scan").decode().split()
            check(keys, "no keys in Redis")
            # Every value as Redis returns it (DUMP would hide strings behind LZF compression).
            read = {"string": ("GET",), "hash": ("HGETALL",), "list": ("LRANGE", "0", "-1"),
                    "set": ("SMEMBERS",), "zset": ("ZRANGE", "0", "-1", "WITHSCORES"),
                    "stream": ("XRANGE", "-", "+")}
            values = {}
            for key in keys:
                kind = cli("TYPE", key).decode().strip()
                check(kind in read, f"key {key} has type {kind}, which this test cannot read")
                command = read[kind]
                values[key] = cli(command[0], key, *command[1:])
            found = {m: [k for k, v in values.items() if m.encode() in v]
                     for m in markers.values()}
            verdict(f"values of {len(keys)} keys", found, markers)
            found, files = files_containing(redis.dir, list(markers.values()))
            verdict(f"Redis folder ({len(files)} files)", found, markers)
            read_back(sqs, url, markers)
        finally:
            stop_sluiced(proc)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sluiced")
    parser.add_argument("--store", choices=["postgres", "redis"], required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="sluice-marker-")
    try:
        key_file = write_key(os.path.join(work, "master.key"))
        if args.store == "postgres":
            run_postgres(os.path.abspath(args.sluiced), work, key_file)
        else:
            run_redis(os.path.abspath(args.sluiced), work, key_file)
        print("ok")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
