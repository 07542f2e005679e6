#!/usr/bin/env python3
"""Portico's soak: key-based credentials read at a steady rate for minutes on end from one
release `portico serve`, one line a minute with the rate reached, p50, p99, non-2xx answers
and the server's RSS.

    bash .ci/bench            (builds target/release/portico; then)
    python3 .ci/soak.py

wrk keeps PORTICO_SOAK_CONNECTIONS (32) connections open, each pausing between requests so
that together they ask about the target rate: 3,000 req/s on SQLite and 2,000 on PostgreSQL
unless PORTICO_SOAK_RATE says otherwise. Settings: PORTICO_SOAK_MINUTES (10),
PORTICO_BENCH_DATABASES ("sqlite postgres").
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

MINUTES = int(os.environ.get("PORTICO_SOAK_MINUTES", "10"))
CONNECTIONS = int(os.environ.get("PORTICO_SOAK_CONNECTIONS", "32"))
RATES = {"sqlite": 3000, "postgres": 2000}


def paced(workdir, rate):
    """A wrk script whose connections pause so that together they ask `rate` requests/s."""
    path = os.path.join(workdir, f"paced-{rate}.lua")
    with open(path, "w") as script:
        script.write(f"function delay() return {CONNECTIONS * 1000 // rate} end\n")
    return path


def soak(kind, workdir):
    rate = int(os.environ.get("PORTICO_SOAK_RATE", RATES[kind]))
    base, data, env = bench.server_settings(workdir, f"{kind}-")
    if kind == "postgres":
        env["PORTICO_DATABASE_URL"] = bench.postgres_url("portico_soak")
        bench.psql("postgres", "DROP DATABASE IF EXISTS portico_soak")
        bench.psql("postgres", "CREATE DATABASE portico_soak")
    server = bench.start(base, env, data)
    try:
        seeded = bench.seed(base, env, 100)
        url = f"{base}/api/v2/public/connection/twilio/credentials"
        script = paced(workdir, rate)
        print(f"\n## {kind}: {rate:,} req/s asked, {CONNECTIONS} connections, {MINUTES} minutes\n")
        print("| minute | req/s | p50 ms | p99 ms | non-2xx | RSS MB |")
        print("|---|---|---|---|---|---|")
        for minute in range(1, MINUTES + 1):
            out = subprocess.run(
                ["wrk", "-t2", f"-c{CONNECTIONS}", "-d60s", "--latency", "-s", script,
                 "-H", f"x-api-key: {seeded['key']}", "-H", "linked_account_id: bench-0", url],
                capture_output=True, text=True, check=True).stdout
            r = bench.parse_wrk(out)
            print(f"| {minute} | {r['rate']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
                  f"{r['errors']} | {bench.rss_kb(server.pid) / 1024:.1f} |", flush=True)
    finally:
        bench.stop(server)
        if kind == "postgres":
            bench.psql("postgres", "DROP DATABASE IF EXISTS portico_soak")


def main():
    workdir = tempfile.mkdtemp(prefix="portico-soak-")
    for kind in bench.DATABASES:
        soak(kind, workdir)


if __name__ == "__main__":
    main()
