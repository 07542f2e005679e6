#!/usr/bin/env python3
"""Portico on several replicas: 1, 2 and 4 release `portico serve` processes on one PostgreSQL
database, with the same keyring, measured and checked.

    bash .ci/bench            (builds target/release/portico; then)
    python3 .ci/replicas.py

For each count of replicas it prints:
- the credentials API (key-based and OAuth2) under wrk spread evenly over the replicas: the
  summed req/s and the worst p99;
- single-flight: every replica reads one OAuth2 connection whose access token lasts 75 s (so
  one is due every 15 s, inside the minute's margin) for PORTICO_REPLICAS_FLIGHT_SECONDS; the
  refreshes recorded against it, the shortest time between two (never under 15 s when only
  one replica refreshed each time), and whether the connection is still active (the
  practice provider flags a refresh token used twice);
- the outbox: 99 linked accounts deleted through the replicas in turn, each a `Connection
  Deleted` event; how many deliveries reached a local receiver, and how many arrived twice.

Settings: PORTICO_REPLICAS ("1 2 4"), PORTICO_BENCH_SECONDS (10 per path),
PORTICO_BENCH_CONNECTIONS (64 in all), PORTICO_REPLICAS_FLIGHT_SECONDS (40).
"""
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

REPLICAS = [int(n) for n in os.environ.get("PORTICO_REPLICAS", "1 2 4").split()]
FLIGHT_SECONDS = int(os.environ.get("PORTICO_REPLICAS_FLIGHT_SECONDS", "40"))
DATABASE = "portico_replicas"
DELETED = 99


class Receiver(http.server.BaseHTTPRequestHandler):
    """Counts webhook deliveries by their `webhook-id`."""
    seen = {}
    lock = threading.Lock()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", "0")))
        with Receiver.lock:
            key = self.headers.get("webhook-id")
            Receiver.seen[key] = Receiver.seen.get(key, 0) + 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def wrk_spread(urls, headers, connections, seconds):
    """wrk against every replica at once, the connections shared out; summed rate, worst p99."""
    each = max(1, connections // len(urls))
    args = lambda url: ["wrk", "-t1", f"-c{each}", f"-d{seconds}s", "--latency"] + [
        part for header in headers for part in ("-H", header)] + [url]
    with ThreadPoolExecutor(len(urls)) as pool:
        outs = list(pool.map(lambda url: subprocess.run(
            args(url), capture_output=True, text=True, check=True).stdout, urls))
    results = [bench.parse_wrk(out) for out in outs]
    return {
        "rate": sum(r["rate"] for r in results),
        "p99": max(r["p99"] for r in results),
        "errors": sum(r["errors"] for r in results),
    }


def run(count, url, workdir):
    bench.psql("postgres", f"DROP DATABASE IF EXISTS {DATABASE}")
    bench.psql("postgres", f"CREATE DATABASE {DATABASE}")
    keyring = subprocess.run([bench.BIN, "keys", "generate", "--id", "replicas"],
                             capture_output=True, text=True, check=True).stdout.strip()
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    Receiver.seen = {}
    servers, bases, envs = [], [], []
    try:
        for index in range(count):
            base, data, env = bench.server_settings(
                workdir, f"replica-{index}-",
                PORTICO_DATABASE_URL=url,
                PORTICO_ENCRYPTION_KEYS=keyring,
                PORTICO_SANDBOX_ACCESS_TTL="75",
            )
            servers.append(bench.start(base, env, data))
            bases.append(base)
            envs.append(env)
        seeded = bench.seed(bases[0], envs[0], DELETED + 1)
        key = seeded["key"]
        client = bench.Client(bases[0])
        status, _, body = client.call(
            "POST", "/api/v2/public/webhook", headers={"x-api-key": key},
            body={"webhook_url": f"http://127.0.0.1:{receiver.server_address[1]}/hooks",
                  "webhook_events": ["Connection Deleted"], "is_enabled": True})
        assert status in (200, 201), body

        vendor = [f"x-api-key: {key}", "linked_account_id: bench-0"]
        rows = {}
        for name, slug in (("key-based", "twilio"), ("OAuth2", "sandbox")):
            urls = [f"{base}/api/v2/public/connection/{slug}/credentials" for base in bases]
            rows[name] = wrk_spread(urls, vendor, bench.CONNS, bench.SECONDS)

        # Single-flight: everyone reads the one OAuth2 connection while its token comes due.
        started = time.time()
        urls = [f"{base}/api/v2/public/connection/sandbox/credentials" for base in bases]
        flight = wrk_spread(urls, vendor, 8 * count, FLIGHT_SECONDS)
        refreshes = bench.psql(DATABASE, (
            "SELECT extract(epoch FROM e.created_at) FROM connection_event e "
            "JOIN linked_account a ON a.id = e.linked_account_id "
            "WHERE a.external_id = 'bench-0' AND e.slug = 'sandbox' AND e.kind = 'refreshed' "
            f"AND e.created_at >= to_timestamp({started - 1}) ORDER BY e.created_at")).split()
        times = [float(t) for t in refreshes]
        gaps = [b - a for a, b in zip(times, times[1:])]
        status = bench.psql(DATABASE, (
            "SELECT c.status FROM connection c JOIN linked_account a ON a.id = c.linked_account_id "
            "WHERE a.external_id = 'bench-0' AND c.slug = 'sandbox'")).strip()

        # The outbox: deletions through the replicas in turn, each delivered exactly once.
        def delete(index):
            replica = bench.Client(bases[index % count])
            status, _, body = replica.call(
                "DELETE", f"/api/v2/public/linked-account/bench-{index}",
                headers={"x-api-key": key})
            assert status in (200, 204), body

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(delete, range(1, DELETED + 1)))
        deadline = time.time() + 90
        while time.time() < deadline and len(Receiver.seen) < DELETED:
            time.sleep(0.5)
        time.sleep(3)
        return {
            "rows": rows,
            "flight": flight,
            "refreshes": len(times),
            "min_gap": min(gaps) if gaps else None,
            "status": status,
            "delivered": len(Receiver.seen),
            "twice": sum(1 for n in Receiver.seen.values() if n > 1),
        }
    finally:
        for server in servers:
            bench.stop(server)
        receiver.shutdown()
        bench.psql("postgres", f"DROP DATABASE IF EXISTS {DATABASE}")


def main():
    url = bench.postgres_url(DATABASE)
    workdir = tempfile.mkdtemp(prefix="portico-replicas-")
    print(f"# Portico replicas on one PostgreSQL: wrk -c{bench.CONNS} shared out, "
          f"{bench.SECONDS} s per path, {os.cpu_count()} cores")
    print("\n| replicas | key-based req/s (p99 ms) | OAuth2 req/s (p99 ms) | refreshes in "
          f"{FLIGHT_SECONDS} s | shortest gap s | connection | deliveries of {DELETED} | twice |")
    print("|---|---|---|---|---|---|---|---|")
    for count in REPLICAS:
        r = run(count, url, workdir)
        cell = lambda row: f"{row['rate']:,.0f} ({row['p99']:.1f})" + (
            f", {row['errors']} non-2xx" if row["errors"] else "")
        gap = "—" if r["min_gap"] is None else f"{r['min_gap']:.1f}"
        print(f"| {count} | {cell(r['rows']['key-based'])} | {cell(r['rows']['OAuth2'])} | "
              f"{r['refreshes']} | {gap} | {r['status']} | {r['delivered']} | {r['twice']} |",
              flush=True)


if __name__ == "__main__":
    main()
