#!/usr/bin/env python3
"""The measurements of docs/PERFORMANCE.md, end to end.

Starts a fresh sluiced for every run (a config in a temp dir, a free loopback port), drives it
with sluice-bench, and writes every run's JSON, the exact command lines, the machine's
description and a summary of medians (summary.md, results.json) into --out.

    tools/sluice-bench/perf_report.py --build build/release --out /tmp/perf [--runs 3]
        [--duration 10] [--stores memory,rocksdb-sync,rocksdb-nosync]
        [--sections floor,batched,cycle,latency,depth,footprint] [--quiet-load 2.5]

Sections:
  floor      nginx answering a fixed 200 (nginx_floor.sh) and each store's unbatched SendMessage,
             interleaved run by run (the same client load: 64 connections, 1 KiB bodies)
  unbatched  the same without nginx
  batched    SendMessageBatch of 10, 64 connections
  cycle      send batch 10 -> receive 10 (long poll) -> delete batch, 32 + 32 connections, delivery
             verified; for rocksdb-sync also with [broker] storage_threads = 32
  latency    unbatched SendMessage paced at half the median unbatched rate of the floor section
  depth      RocksDB (sync): ReceiveMessage latency with 10 and with 1,000,000 messages queued
             (receive mode, visibility 0: every request is a claim at that depth)
  footprint  RocksDB (sync): sluiced's RSS with 1,000,000 x 1 KiB queued; disk use before and
             after deleting them all (and after DeleteQueue)

Before each measured run it waits (up to --quiet-wait seconds) for the 1-minute load average to
fall below --quiet-load, and records the load it started at. Stores that need a server: postgres
reads SLUICE_PG_CONNINFO, redis SLUICE_REDIS_PORT (tests/stores/postgres/pg_server.sh and
tests/stores/redis/with_redis.sh start such servers and export them).
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def rss_kib(pid):
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values


def du_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except FileNotFoundError:
                pass
    return total


def fsync_latency_ms(directory, count=100):
    """fdatasync latency of 4 KiB appends in `directory` (what a synced WAL write waits for)."""
    path = os.path.join(directory, "fsync-probe")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    samples = []
    try:
        for _ in range(count):
            os.write(fd, b"x" * 4096)
            start = time.perf_counter()
            os.fdatasync(fd)
            samples.append((time.perf_counter() - start) * 1000)
    finally:
        os.close(fd)
        os.unlink(path)
    samples.sort()
    return {"p50": samples[len(samples) // 2], "p90": samples[int(len(samples) * 0.9)],
            "p99": samples[int(len(samples) * 0.99)], "max": samples[-1]}


def machine(directory):
    def run(*cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
        except FileNotFoundError:
            return ""
    return {
        "date": run("date", "-u", "+%Y-%m-%dT%H:%M:%SZ"),
        "nproc": run("nproc"),
        "lscpu": run("lscpu"),
        "memory": run("free", "-m"),
        "kernel": run("uname", "-srvm"),
        "load_at_start": load_average(),
        "fsync_ms": fsync_latency_ms(directory),
    }


class Daemon:
    """sluiced with one storage configuration, in a temp dir, on a free port."""

    def __init__(self, build, store, extra_broker=None):
        self.build = build
        self.store = store
        self.extra_broker = extra_broker or {}
        self.dir = tempfile.mkdtemp(prefix="sluice-perf-")
        self.port = free_port()
        self.proc = None

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def data_dir(self):
        return os.path.join(self.dir, "rocksdb")

    def config(self):
        broker = "".join(f"{k} = {v}\n" for k, v in self.extra_broker.items())
        if self.store == "memory":
            storage = 'plugin = "memory"\n'
        elif self.store in ("rocksdb-sync", "rocksdb-nosync"):
            sync = "true" if self.store == "rocksdb-sync" else "false"
            storage = f'plugin = "rocksdb"\n[storage.rocksdb]\npath = "{self.data_dir}"\nsync = {sync}\n'
        elif self.store == "postgres":
            storage = (f'plugin = "postgres"\n[storage.postgres]\n'
                       f'conninfo = "{os.environ["SLUICE_PG_CONNINFO"]}"\n')
        elif self.store == "redis":
            storage = (f'plugin = "redis"\n[storage.redis]\nhost = "127.0.0.1"\n'
                       f'port = {os.environ["SLUICE_REDIS_PORT"]}\n')
        else:
            raise ValueError(f"unknown store {self.store}")
        return (f'[broker]\nlog_level = "warn"\n{broker}\n[storage]\n{storage}\n'
                f'[protocol.sqs]\nenabled = true\nlisten = "127.0.0.1"\nport = {self.port}\n')

    def __enter__(self):
        path = os.path.join(self.dir, "sluice.toml")
        with open(path, "w") as f:
            f.write(self.config())
        self.log = open(os.path.join(self.dir, "sluiced.log"), "w")
        self.proc = subprocess.Popen([os.path.join(self.build, "bin", "sluiced"), "--config", path],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(400):
            if self.proc.poll() is not None:
                raise RuntimeError(f"sluiced exited: {open(self.log.name).read()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("sluiced did not start listening")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class Report:
    def __init__(self, args):
        self.args = args
        self.bench = os.path.join(args.build, "bin", "sluice-bench")
        os.makedirs(args.out, exist_ok=True)
        self.results = {"machine": machine(args.out), "runs": {}, "derived": {}}
        self.commands = []
        self.counter = 0

    def wait_quiet(self):
        deadline = time.time() + self.args.quiet_wait
        while load_average() > self.args.quiet_load and time.time() < deadline:
            time.sleep(5)
        return load_average()

    def record(self, key, result):
        self.results["runs"].setdefault(key, []).append(result)
        with open(os.path.join(self.args.out, "results.json"), "w") as f:
            json.dump(self.results, f, indent=1)

    def run_bench(self, key, args, daemon=None, nginx=False, quiet=True):
        """One sluice-bench run; returns its JSON (plus load, exit code)."""
        self.counter += 1
        out = os.path.join(self.args.out, f"{self.counter:03d}-{key.replace('/', '_')}.json")
        cmd = [self.bench, "--no-progress", "--json", out] + args
        if nginx:
            cmd = [os.path.join(HERE, "nginx_floor.sh"), self.bench, "--endpoint", "{endpoint}",
                   "--no-progress", "--json", out] + args
        else:
            cmd[1:1] = ["--endpoint", daemon.endpoint, "--server-pid", str(daemon.proc.pid)]
        load = self.wait_quiet() if quiet else load_average()
        shown = " ".join(cmd).replace(self.bench, "sluice-bench")
        if daemon:
            shown = shown.replace(daemon.endpoint, "$ENDPOINT").replace(
                f"--server-pid {daemon.proc.pid}", "--server-pid $SLUICED_PID")
        self.commands.append(f"[{key}] {shown}")
        proc = subprocess.run(cmd, capture_output=True, text=True)
        print(f"  {key}: exit {proc.returncode} (load {load:.2f})", flush=True)
        if proc.returncode not in (0, 1) or not os.path.exists(out):
            print(proc.stdout, proc.stderr, file=sys.stderr)
            return None
        with open(out) as f:
            result = json.load(f)
        result["load_at_start"] = load
        result["exit_code"] = proc.returncode
        self.record(key, result)
        return result

    # --- sections -------------------------------------------------------------------------------

    def floor(self, with_nginx=True):
        common = ["--mode", "send", "--connections", "64", "--batch", "1", "--message-size", "1024",
                  "--duration", str(self.args.duration)]
        for r in range(self.args.runs):
            print(f"floor run {r + 1}", flush=True)
            if with_nginx:
                self.run_bench("floor/nginx",
                               ["--mode", "floor", "--connections", "64", "--batch", "1",
                                "--message-size", "1024", "--duration", str(self.args.duration)],
                               nginx=True)
            for store in self.args.stores:
                with Daemon(self.args.build, store) as d:
                    self.run_bench(f"unbatched/{store}", common, d)

    def batched(self):
        for r in range(self.args.runs):
            print(f"batched run {r + 1}", flush=True)
            for store in self.args.stores:
                with Daemon(self.args.build, store) as d:
                    self.run_bench(f"batched/{store}",
                                   ["--mode", "send", "--connections", "64", "--batch", "10",
                                    "--duration", str(self.args.duration)], d)

    def cycle(self):
        variants = [(store, None) for store in self.args.stores]
        if "rocksdb-sync" in self.args.stores:
            variants.append(("rocksdb-sync", {"storage_threads": 32}))
        for r in range(self.args.runs):
            print(f"cycle run {r + 1}", flush=True)
            for store, broker in variants:
                key = f"cycle/{store}" + ("+32threads" if broker else "")
                with Daemon(self.args.build, store, broker) as d:
                    self.run_bench(key, ["--mode", "cycle", "--connections", "64", "--batch", "10",
                                         "--wait", "20", "--duration", str(self.args.duration),
                                         "--drain-timeout", "30"], d)

    def latency(self):
        for store in self.args.stores:
            rates = [r["send"]["messages_per_s"] for r in self.results["runs"].get(f"unbatched/{store}", [])]
            if not rates:
                continue
            rate = round(statistics.median(rates) / 2)
            self.results["derived"][f"latency_rate/{store}"] = rate
            for r in range(self.args.runs):
                print(f"latency {store} run {r + 1} at {rate} msg/s", flush=True)
                with Daemon(self.args.build, store) as d:
                    self.run_bench(f"latency/{store}",
                                   ["--mode", "send", "--connections", "64", "--batch", "1",
                                    "--rate", str(rate), "--duration", str(self.args.duration)], d)

    def depth(self):
        with Daemon(self.args.build, "rocksdb-sync") as d:
            self.depth_and_footprint(d, footprint="footprint" in self.args.sections)

    def depth_and_footprint(self, d, footprint):
        receive = ["--mode", "receive", "--connections", "1", "--batch", "10", "--wait", "0",
                   "--visibility", "0", "--duration", str(self.args.duration), "--no-create"]
        self.run_bench("depth/load10", ["--mode", "send", "--messages", "10", "--connections", "1",
                                        "--queue", "depth-10"], d, quiet=False)
        for r in range(self.args.runs):
            self.run_bench("depth/10", receive + ["--queue", "depth-10"], d)
        print(f"loading {self.args.depth_messages:,} messages", flush=True)
        self.run_bench("depth/load1m", ["--mode", "send", "--messages",
                                        str(self.args.depth_messages), "--batch", "10",
                                        "--connections", "64", "--queue", "depth-1m"], d,
                       quiet=False)
        time.sleep(5)
        loaded = {"rss_kib": rss_kib(d.proc.pid), "disk_bytes": du_bytes(d.data_dir)}
        self.results["derived"]["footprint/loaded"] = loaded
        for r in range(self.args.runs):
            self.run_bench("depth/1m", receive + ["--queue", "depth-1m"], d)
        if not footprint:
            return
        after_receives = {"rss_kib": rss_kib(d.proc.pid), "disk_bytes": du_bytes(d.data_dir)}
        self.results["derived"]["footprint/after_depth_runs"] = after_receives
        print(f"draining {self.args.depth_messages:,} messages", flush=True)
        # Drain ends when a receive comes back empty; the duration is only a backstop.
        self.run_bench("footprint/drain", ["--mode", "drain", "--connections", "32", "--batch", "10",
                                           "--wait", "1", "--duration", "1800",
                                           "--queue", "depth-1m", "--no-create"], d,
                       quiet=False)
        drained = {"rss_kib": rss_kib(d.proc.pid), "disk_bytes": du_bytes(d.data_dir)}
        time.sleep(self.args.settle_seconds)
        settled = {"rss_kib": rss_kib(d.proc.pid), "disk_bytes": du_bytes(d.data_dir)}
        self.results["derived"]["footprint/drained"] = drained
        self.results["derived"][f"footprint/drained+{self.args.settle_seconds}s"] = settled
        # DeleteQueue: the store drops the queue's key ranges and compacts them.
        body = urllib.parse.urlencode({"Action": "DeleteQueue", "Version": "2012-11-05",
                                       "QueueUrl": f"{d.endpoint}/000000000000/depth-1m"}).encode()
        urllib.request.urlopen(urllib.request.Request(d.endpoint + "/", data=body), timeout=120).read()
        time.sleep(5)
        self.results["derived"]["footprint/queue_deleted"] = {
            "rss_kib": rss_kib(d.proc.pid), "disk_bytes": du_bytes(d.data_dir)}
        self.record("footprint/done", {})

    # --- summary --------------------------------------------------------------------------------

    def summary(self):
        runs = self.results["runs"]
        lines = ["# sluice-bench summary", ""]
        m = self.results["machine"]
        lines += [f"date {m['date']}, {m['nproc']} CPUs, kernel {m['kernel']}, "
                  f"fdatasync p50 {m['fsync_ms']['p50']:.2f} ms p99 {m['fsync_ms']['p99']:.2f} ms", ""]

        def med(values):
            values = [v for v in values if v is not None]
            if not values:
                return None
            return statistics.median(values)

        def spread(values):
            values = [v for v in values if v is not None]
            if not values:
                return "-"
            return f"{statistics.median(values):,.0f} ({min(values):,.0f}–{max(values):,.0f})"

        def lat(rs, section, q):
            return med([r[section]["latency_ms"][q] for r in rs if section in r])

        lines += ["| run | store | msg/s median (min–max) | req/s | send p50 / p99 ms | "
                  "server µs CPU/msg | load | clean |", "|---|---|---|---|---|---|---|---|"]
        for key, rs in runs.items():
            if not rs or "send" not in rs[0] and "receive" not in rs[0]:
                continue
            kind, _, store = key.partition("/")
            if "send" in rs[0]:
                rate = spread([r["send"]["messages_per_s"] for r in rs])
                reqs = spread([r["send"]["requests_per_s"] for r in rs])
            else:
                rate = spread([r["receive"]["messages_per_s"] for r in rs])
                reqs = spread([r["requests_per_s"] for r in rs])
            if kind == "cycle":
                rate = spread([r["delete"]["messages_per_s"] for r in rs])
            sec = "send" if "send" in rs[0] else "receive"
            p50, p99 = lat(rs, sec, "p50"), lat(rs, sec, "p99")
            cpu = med([r["server_cpu_s"] * 1e6 / max(1, (r.get("send", {}).get("messages") or
                                                         r.get("receive", {}).get("messages") or 1))
                       for r in rs if r.get("server_cpu_s", -1) >= 0])
            loads = ", ".join(f"{r['load_at_start']:.1f}" for r in rs)
            clean = all(r["clean"] for r in rs)
            lines.append(f"| {kind} | {store} | {rate} | {reqs} | "
                         f"{p50 if p50 is None else f'{p50:.2f}'} / {p99 if p99 is None else f'{p99:.2f}'} | "
                         f"{'-' if cpu is None else f'{cpu:.0f}'} | {loads} | {clean} |")
        nginx = [r["send"]["requests_per_s"] for r in runs.get("floor/nginx", [])]
        if nginx:
            lines.append("")
            for store in self.args.stores:
                ours = [r["send"]["requests_per_s"] for r in runs.get(f"unbatched/{store}", [])]
                if ours:
                    ratio = statistics.median(ours) / statistics.median(nginx)
                    self.results["derived"][f"floor_ratio/{store}"] = ratio
                    lines.append(f"* unbatched {store} / nginx floor (medians): {ratio:.1%}")
        for key, value in self.results["derived"].items():
            if key.startswith("footprint/"):
                lines.append(f"* {key}: RSS {value['rss_kib'].get('VmRSS', 0) / 1024:.0f} MiB "
                             f"(peak {value['rss_kib'].get('VmHWM', 0) / 1024:.0f} MiB), disk "
                             f"{value['disk_bytes'] / 2**20:.0f} MiB")
        text = "\n".join(lines) + "\n\n## Commands\n\n```\n" + "\n".join(self.commands) + "\n```\n"
        with open(os.path.join(self.args.out, "summary.md"), "w") as f:
            f.write(text)
        with open(os.path.join(self.args.out, "results.json"), "w") as f:
            json.dump(self.results, f, indent=1)
        print(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--stores", default="memory,rocksdb-sync,rocksdb-nosync")
    parser.add_argument("--sections", default="floor,batched,cycle,latency,depth,footprint")
    parser.add_argument("--depth-messages", type=int, default=1000000)
    parser.add_argument("--settle-seconds", type=int, default=60)
    parser.add_argument("--quiet-load", type=float, default=2.5)
    parser.add_argument("--quiet-wait", type=int, default=120)
    args = parser.parse_args()
    args.stores = args.stores.split(",")
    args.sections = args.sections.split(",")
    report = Report(args)
    if "floor" in args.sections:
        report.floor()
    elif "unbatched" in args.sections:
        report.floor(with_nginx=False)
    for section in ("batched", "cycle", "latency"):
        if section in args.sections:
            getattr(report, section)()
    if "depth" in args.sections or "footprint" in args.sections:
        report.depth()
    report.summary()


if __name__ == "__main__":
    main()
