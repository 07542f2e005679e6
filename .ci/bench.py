#!/usr/bin/env python3
"""Portico's benchmark: a release `portico serve` on SQLite and on PostgreSQL, seeded with
linked accounts that each have a key-based connection (and the first an OAuth2 one through the
built-in sandbox), measured with `wrk` beside an nginx `return 200` floor on the same machine.

    bash .ci/bench            (builds release, then runs this)
    python3 .ci/bench.py      (with target/release/portico and target/site already built)

Settings: PORTICO_BENCH_ACCOUNTS (100), PORTICO_BENCH_SECONDS (10 per path),
PORTICO_BENCH_CONNECTIONS (64), PORTICO_BENCH_DATABASES ("sqlite postgres").
Prints one table per database: req/s, p50, p99, each path's req/s as a share of the floor, the
RSS idle and under load, and the first load's bytes on the wire.
"""
import html
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target/release/portico")
ACCOUNTS = int(os.environ.get("PORTICO_BENCH_ACCOUNTS", "100"))
SECONDS = int(os.environ.get("PORTICO_BENCH_SECONDS", "10"))
CONNS = int(os.environ.get("PORTICO_BENCH_CONNECTIONS", "64"))
DATABASES = os.environ.get("PORTICO_BENCH_DATABASES", "sqlite postgres").split()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A browser-ish client: cookies kept, redirects followed by hand."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def call(self, method, url, body=None, headers=None, form=None):
        url = url if url.startswith("http") else self.base + url
        data = None
        headers = dict(headers or {})
        if body is not None:
            data = json.dumps(body).encode()
            headers["content-type"] = "application/json"
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["content-type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with self.opener.open(request) as answer:
                return answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def follow(self, url, limit=10):
        """GETs `url` and follows redirects; returns the last status, URL and body."""
        for _ in range(limit):
            status, headers, body = self.call("GET", url)
            location = headers.get("Location") or headers.get("location")
            if status in (301, 302, 303, 307, 308) and location:
                url = urllib.parse.urljoin(url if url.startswith("http") else self.base + url, location)
                continue
            return status, url, body
        raise RuntimeError("too many redirects")


def wait_ready(base, process):
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError("portico exited before it was ready")
        try:
            with urllib.request.urlopen(base + "/health", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("portico did not become ready")


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def wrk(url, headers=()):
    args = ["wrk", "-t2", f"-c{CONNS}", f"-d{SECONDS}s", "--latency"]
    for header in headers:
        args += ["-H", header]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def percentile(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rate": rate,
        "p50": percentile(50),
        "p99": percentile(99),
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def nginx_floor(workdir):
    port = free_port()
    conf = os.path.join(workdir, "nginx.conf")
    with open(conf, "w") as f:
        f.write(
            f"""worker_processes 2;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  server {{ listen 127.0.0.1:{port}; location / {{ return 200 "ok"; }} }}
}}
"""
        )
    nginx = subprocess.Popen(["nginx", "-c", conf, "-g", "daemon off;"])
    time.sleep(0.5)
    try:
        return wrk(f"http://127.0.0.1:{port}/")
    finally:
        nginx.terminate()
        nginx.wait()


def sandbox_connect(client, base, session_token):
    """Connects the sandbox for the token's linked account, as a person in a browser would."""
    status, _, body = client.call(
        "GET", "/api/v1/sandbox/integrate", headers={"authorization": f"Bearer {session_token}"}
    )
    assert status == 200, body
    start = json.loads(body)["auth_url"]
    status, _, _ = client.call("GET", start)
    status, headers, _ = client.call("POST", start, form={})
    consent_url = urllib.parse.urljoin(base, headers.get("Location") or headers["location"])
    status, _, page = client.call("GET", consent_url)
    page = page.decode()
    hidden = dict(
        (name, html.unescape(value))
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    )
    form = dict(hidden, account="Bench user", decision="approve")
    status, headers, _ = client.call("POST", "/sandbox/oauth/authorize", form=form)
    callback = headers.get("Location") or headers["location"]
    status, _, _ = client.follow(callback)
    assert status == 200, status


def seed(base, env):
    demo = json.loads(
        subprocess.run([BIN, "demo", "--format", "json"], env=env, capture_output=True,
                       text=True, check=True).stdout
    )
    key = demo["api_key"]
    client = Client(base)
    tokens = []
    for index in range(ACCOUNTS):
        status, _, body = client.call(
            "POST", "/api/v2/public/session-token",
            body={"linked_account_id": f"bench-{index}", "name": f"Bench customer {index}"},
            headers={"x-api-key": key},
        )
        assert status == 200, body
        token = json.loads(body)["token"]
        tokens.append(token)
        status, _, body = client.call(
            "POST", "/api/v2/app/twilio/save",
            body={"number": "+14155550100", "sid": f"AC{index:032x}"},
            headers={"authorization": f"Bearer {token}"},
        )
        assert status == 200, body
    sandbox_connect(client, base, tokens[0])
    status, _, body = client.call(
        "POST", "/api/v2/public/embed-token", body={"linked_account_id": "bench-0"},
        headers={"x-api-key": key},
    )
    embed = json.loads(body)["embed_url"]
    status, _, body = client.call(
        "POST", "/api/v2/public/connect-url", body={"linked_account_id": "bench-0"},
        headers={"x-api-key": key},
    )
    hosted = json.loads(body)["hosted_url"]
    browser = Client(base)
    browser.follow(hosted)
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.jar)
    return key, tokens[0], embed, cookie


def first_load(base, cookie):
    """Bytes on the wire for the hosted page and what it loads, asking for compression."""
    def fetch(url, encodings):
        headers = {"accept-encoding": encodings, "cookie": cookie}
        request = urllib.request.Request(base + url, headers=headers)
        with urllib.request.urlopen(request) as answer:
            return answer.read()

    # The page as it is, to find what it loads; then everything as a browser takes it.
    text = fetch("/connect", "identity").decode("utf-8", "replace")
    assets = set(re.findall(r'(?:href|src)="(/pkg/[^"]+)"', text))
    wasm = [a[:-3] + ending for a in assets if a.endswith(".js") for ending in (".wasm", "_bg.wasm")]
    total = len(fetch("/connect", "br, gzip"))
    for asset in sorted(assets | set(wasm)):
        try:
            total += len(fetch(asset, "br, gzip"))
        except urllib.error.HTTPError:
            pass
    return total


def run_database(kind, floor, workdir):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data = tempfile.mkdtemp(dir=workdir, prefix=f"{kind}-")
    env = dict(
        os.environ,
        PORTICO_MODE="dev",
        PORTICO_BIND=f"127.0.0.1:{port}",
        PORTICO_DATA_DIR=data,
        PORTICO_SITE_ROOT=os.path.join(ROOT, "target/site"),
        PORTICO_RATE_LIMIT_API="1000000000",
        PORTICO_RATE_LIMIT_SDK="1000000000",
        PORTICO_RATE_LIMIT_PAGES="1000000000",
        PORTICO_SANDBOX_ACCESS_TTL="86400",
        PORTICO_LOG="warn",
    )
    if kind == "postgres":
        admin = subprocess.run(["bash", os.path.join(ROOT, ".ci/postgres")], capture_output=True,
                               text=True, check=True).stdout.strip()
        name = "portico_bench"
        subprocess.run(["su", "postgres", "-c", f"dropdb --if-exists {name}; createdb {name}"],
                       check=True, capture_output=True)
        env["PORTICO_DATABASE_URL"] = admin.rsplit("/", 1)[0] + "/" + name
    server = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(data, "log"), "w"))
    try:
        wait_ready(base, server)
        key, session, embed, cookie = seed(base, env)
        time.sleep(2)
        idle = rss_kb(server.pid)
        vendor = [f"x-api-key: {key}", "linked_account_id: bench-0"]
        paths = [
            ("/health", base + "/health", []),
            ("credentials (key-based)", base + "/api/v2/public/connection/twilio/credentials", vendor),
            ("credentials (OAuth2)", base + "/api/v2/public/connection/sandbox/credentials", vendor),
            ("vendor application list", base + "/api/v2/public/application", vendor),
            ("SDK application list", base + "/api/v2/f-sdk/application", [f"authorization: Bearer {session}"]),
            ("hosted page /connect", base + "/connect", [f"cookie: {cookie}"]),
            ("widget /embed/{token}", embed, []),
        ]
        rows = []
        peak = idle
        for name, url, headers in paths:
            result = wrk(url, headers)
            peak = max(peak, rss_kb(server.pid))
            rows.append((name, result))
        wire = first_load(base, cookie)
        return rows, idle, peak, wire
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def main():
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: bash .ci/bench installs it")
    workdir = tempfile.mkdtemp(prefix="portico-bench-")
    floor = nginx_floor(workdir)
    print(f"# Portico benchmark: {ACCOUNTS} linked accounts, wrk -t2 -c{CONNS} -d{SECONDS}s, "
          f"{os.cpu_count()} cores")
    print(f"\nnginx `return 200` floor: {floor['rate']:,.0f} req/s, p50 {floor['p50']:.2f} ms, "
          f"p99 {floor['p99']:.2f} ms")
    for kind in DATABASES:
        rows, idle, peak, wire = run_database(kind, floor, workdir)
        print(f"\n## {kind}\n")
        print("| path | req/s | p50 ms | p99 ms | ÷ floor | non-2xx |")
        print("|---|---|---|---|---|---|")
        for name, r in rows:
            print(f"| {name} | {r['rate']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
                  f"{r['rate'] / floor['rate']:.4f} | {r['errors']} |")
        print(f"\nRSS idle {idle / 1024:.1f} MB, under load {peak / 1024:.1f} MB; "
              f"first load of the hosted page {wire / 1024:.0f} KB on the wire")


if __name__ == "__main__":
    main()
