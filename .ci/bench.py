#!/usr/bin/env python3
"""Portico's benchmark: a release `portico serve` on SQLite and on PostgreSQL, measured with
`wrk` beside an nginx `return 200` floor on the same machine, at each scale of linked accounts.

    bash .ci/bench            (builds release, then runs this)
    python3 .ci/bench.py      (with target/release/portico and target/site already built)

The smallest scale is seeded through the API: linked accounts that each have a key-based
connection (twilio), the first also an OAuth2 one through the built-in sandbox. Each larger
scale is made from it with the server stopped, by copying those rows in SQL: more linked
accounts, and three connections each (twilio and stripe, key-based; slack, OAuth2), with
their connection events, expiries spread over the next 90 days (some never expire) and
checks spread over the last day. The copies keep their sealed credentials as they are: sealed
for another row, they never open, so no copy calls a provider; the measured requests read only
bench-0's. `portico serve` then starts again on the same database and the same paths are
measured.

Settings: PORTICO_BENCH_SCALES ("100 1000000" linked accounts; the first seeded through the
API, each larger one copied from it, three connections an account),
PORTICO_BENCH_SECONDS (10 per path), PORTICO_BENCH_CONNECTIONS (64),
PORTICO_BENCH_IDLE_SECONDS (60), PORTICO_BENCH_DATABASES ("sqlite postgres").
Prints per database and scale one table: req/s, p50, p99, each path's req/s as a share of the
floor; then the server's CPU while idle (after a settle pause, over the idle window, as % of
one core; on PostgreSQL also the database's backends), the RSS idle and under load and the
first load's bytes on the wire. Last, per path, p50 and p99 at the largest scale ÷ at the
smallest.
"""
import html
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target/release/portico")
SCALES = sorted({int(n) for n in os.environ.get("PORTICO_BENCH_SCALES", "100 1000000").split()})
SECONDS = int(os.environ.get("PORTICO_BENCH_SECONDS", "10"))
CONNS = int(os.environ.get("PORTICO_BENCH_CONNECTIONS", "64"))
IDLE_SECONDS = int(os.environ.get("PORTICO_BENCH_IDLE_SECONDS", "60"))
DATABASES = os.environ.get("PORTICO_BENCH_DATABASES", "sqlite postgres").split()
# After seeding or a start, before the idle window.
SETTLE_SECONDS = 5
DAY = 86400


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


def cpu_ticks(pid):
    """utime + stime of a process, in clock ticks."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def backend_ticks(database):
    """Clock ticks used so far by each PostgreSQL backend connected to `database`."""
    ticks = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                command = cmdline.read().decode("utf-8", "replace")
            if command.startswith("postgres: ") and f" {database} " in command:
                ticks[pid] = cpu_ticks(pid)
        except OSError:
            pass
    return ticks


def idle_cpu(pid, database=None):
    """% of one core the server used over the idle window, and on PostgreSQL the database's
    backends (one that ends within the window is not counted)."""
    if IDLE_SECONDS <= 0:
        return None, None
    backends = backend_ticks(database) if database else {}
    ticks, started = cpu_ticks(pid), time.monotonic()
    time.sleep(IDLE_SECONDS)
    used = cpu_ticks(pid) - ticks
    per_cent = 100 / os.sysconf("SC_CLK_TCK") / (time.monotonic() - started)
    if not database:
        return used * per_cent, None
    after = backend_ticks(database)
    return used * per_cent, sum(now - backends.get(p, 0) for p, now in after.items()) * per_cent


def wrk(url, headers=()):
    args = ["wrk", "-t2", f"-c{CONNS}", f"-d{SECONDS}s", "--latency"]
    for header in headers:
        args += ["-H", header]
    return parse_wrk(subprocess.run(args + [url], capture_output=True, text=True,
                                    check=True).stdout)


def parse_wrk(out):
    """The rate, p50, p99 (ms) and non-2xx count of one wrk run's report."""
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


def seed(base, env, accounts):
    """Seeds `accounts` linked accounts through the API; returns what the measured requests
    present, and the demo's own linked account."""
    demo = json.loads(
        subprocess.run([BIN, "demo", "--format", "json"], env=env, capture_output=True,
                       text=True, check=True).stdout
    )
    key = demo["api_key"]
    client = Client(base)
    tokens = []
    for index in range(accounts):
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
    return {"key": key, "session": tokens[0], "embed": embed, "cookie": cookie,
            "demo_account": demo["linked_account_id"]}


def first_load(base, cookie):
    """Bytes on the wire for the hosted page and what it loads, as a browser takes them:
    compressed on a first visit; on a repeat visit the page again, files kept as immutable not
    asked for, the others asked with their ETag (a 304 has no body)."""
    def fetch(url, encodings, etag=None):
        headers = {"accept-encoding": encodings, "cookie": cookie}
        if etag:
            headers["if-none-match"] = etag
        request = urllib.request.Request(base + url, headers=headers)
        try:
            with urllib.request.urlopen(request) as answer:
                return answer.read(), answer.headers
        except urllib.error.HTTPError as error:
            return error.read(), error.headers

    # The page as it is, to find what it loads; then everything as a browser takes it.
    text = fetch("/connect", "identity")[0].decode("utf-8", "replace")
    assets = set(re.findall(r'(?:href|src)="(/pkg/[^"]+|/favicon\.svg)"', text))
    page = len(fetch("/connect", "br, gzip")[0])
    first, repeat = page, page
    for asset in sorted(assets):
        body, headers = fetch(asset, "br, gzip")
        first += len(body)
        if "immutable" not in (headers.get("cache-control") or ""):
            repeat += len(fetch(asset, "br, gzip", headers.get("etag"))[0])
    return first, repeat


def sqlite_at(offset):
    """SQLite: the instant `offset` seconds from :now, written as Portico writes timestamps."""
    return f"strftime('%Y-%m-%dT%H:%M:%f+00:00', :now + ({offset}), 'unixepoch')"


def postgres_at(offset):
    return f"now() + ({offset}) * interval '1 second'"


def copy_plan(first, low, scale, series, at):
    """The SELECT of the connections copied for linked accounts `low` to `scale` - 1: slot 0
    twilio (the first accounts were made with theirs), 1 stripe, 2 slack (OAuth2, copied from
    bench-0's sandbox connection). Expiries, creation and last check are spread by the row
    number: a third of the keys and four fifths of the expiring OAuth2 connections have a
    known expiry within 90 days, a quarter of the OAuth2 tokens never expire; one within
    Portico's default 7 days is already warned about, as a running server would have."""
    return f"""
    WITH plan AS (
        SELECT i, slot, slug, 3 * i + slot AS n, s.id AS original,
            s.identifier, s.credentials, s.key_id,
            CASE WHEN slot = 2 AND i % 4 <> 0
                 THEN 3600 + (3 * i + slot) * 2654435761 % {90 * DAY - 3600} END AS access_in,
            CASE WHEN slot < 2 AND (i + slot) % 3 = 0 OR slot = 2 AND i % 4 <> 0 AND i % 5 <> 0
                 THEN (3 * i + slot) * 40503 % {90 * DAY} END AS refresh_in,
            i * 7919 % {365 * DAY} * (3 - slot) / 3 AS age,
            (3 * i + slot) * 104729 % {DAY} AS checked_ago
        FROM {series(low, scale - 1)} JOIN source s ON s.k = i % {first}
        CROSS JOIN (SELECT 0 AS slot, 'twilio' AS slug UNION ALL SELECT 1, 'stripe'
                    UNION ALL SELECT 2, 'slack') AS slots
        WHERE i >= {first} OR slot > 0)
    SELECT {{connection_id}},
        CASE WHEN i < {first} THEN original ELSE {{account_id}} END, slug,
        CASE slot WHEN 0 THEN plan.identifier WHEN 2 THEN o.identifier END, 'active',
        CASE WHEN slot = 2 THEN o.credentials ELSE plan.credentials END,
        CASE WHEN slot = 2 THEN o.key_id ELSE plan.key_id END,
        CASE WHEN access_in IS NOT NULL THEN {at("access_in")} END,
        CASE WHEN refresh_in IS NOT NULL THEN {at("refresh_in")} END,
        1, {at("-age")}, {at("-age")}, CASE WHEN slot = 2 THEN {{account}} END, 0,
        {at("{least}(checked_ago, age)")},
        CASE WHEN refresh_in < {7 * DAY} THEN {at(-3600)} END
    FROM plan CROSS JOIN oauth o"""


CONNECTION_COLUMNS = """id, linked_account_id, slug, identifier, status, credentials, key_id,
    access_expires_at, refresh_expires_at, version, connected_at, updated_at, account_id,
    failures, checked_at, expiring_sent_at"""
EVENT_COLUMNS = """org_id, environment, linked_account_id, connection_id, slug, identifier, kind,
    actor, created_at"""


def grow_sqlite(path, first, previous, scale, demo_account):
    """Copies rows in the SQLite file so that it holds `scale` linked accounts with three
    connections each, from `previous`; the rows Portico made are the first `first`, which (but
    bench-0) get their other two connections at the first copy. Not analyzed: Portico never
    runs ANALYZE on SQLite."""
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = DELETE", "synchronous = OFF", "cache_size = -524288",
                   "temp_store = MEMORY"):
        db.execute(f"PRAGMA {pragma}")
    low = 1 if previous == first else previous
    params = {"first": first, "previous": previous, "scale": scale, "now": time.time(),
              "demo": demo_account}
    db.execute("BEGIN IMMEDIATE")
    db.execute("""CREATE TEMP TABLE source AS
        SELECT CAST(substr(la.external_id, 7) AS INTEGER) AS k, la.id, la.org_id,
               la.environment, la.udf, c.identifier, c.credentials, c.key_id
        FROM linked_account la
        JOIN connection c ON c.linked_account_id = la.id AND c.slug = 'twilio'
        WHERE la.external_id LIKE 'bench-%'
          AND CAST(substr(la.external_id, 7) AS INTEGER) < :first""",
               params)
    db.execute("""CREATE TEMP TABLE oauth AS SELECT c.identifier, c.credentials, c.key_id
        FROM linked_account la JOIN connection c ON c.linked_account_id = la.id
        WHERE la.external_id = 'bench-0' AND c.slug = 'sandbox'""")
    def series(low, high):
        return (f"(WITH RECURSIVE seq(i) AS (SELECT {low} UNION ALL "
                f"SELECT i + 1 FROM seq WHERE i < {high}) SELECT i FROM seq) AS seq")

    created = sqlite_at(f"-(i * 7919 % {365 * DAY})")
    db.execute(f"""INSERT INTO linked_account (id, org_id, environment, external_id, name, udf,
            created_at, updated_at)
        SELECT printf('a0%022x', i), s.org_id, s.environment, 'bench-' || i,
               'Bench customer ' || i, s.udf, {created}, {created}
        FROM {series(previous, scale - 1)} JOIN source s ON s.k = i % :first""", params)
    # Each connection made has its `connected` event, as through the API.
    mark = db.execute("SELECT coalesce(max(rowid), 0) FROM connection").fetchone()[0]
    plan = copy_plan(first, low, scale, series, sqlite_at).format(
        connection_id="printf('c0%022x', n)", account_id="printf('a0%022x', i)",
        account="printf('acct_%016x', n)", least="min")
    db.execute(f"INSERT INTO connection ({CONNECTION_COLUMNS}) {plan}", params)
    if previous == first:
        # The demo's own linked account gets a twilio connection too: bench-0 keeps the two
        # the measured requests read, and the connections come to three an account.
        db.execute(f"""INSERT INTO connection ({CONNECTION_COLUMNS})
            SELECT printf('d0%022x', :scale), la.id, 'twilio', s.identifier, 'active',
                   s.credentials, s.key_id, NULL, NULL, 1, {sqlite_at(0)}, {sqlite_at(0)},
                   NULL, 0, {sqlite_at(0)}, NULL
            FROM source s JOIN linked_account la ON la.org_id = s.org_id
                 AND la.environment = s.environment AND la.external_id = :demo
            WHERE s.k = 0""", params)
    db.execute(f"""INSERT INTO connection_event ({EVENT_COLUMNS})
        SELECT s.org_id, s.environment, c.linked_account_id, c.id, c.slug, c.identifier,
               'connected', 'end_customer', c.connected_at
        FROM connection c CROSS JOIN (SELECT org_id, environment FROM source WHERE k = 0) s
        WHERE c.rowid > :mark ORDER BY c.rowid""", dict(params, mark=mark))
    db.execute("COMMIT")
    db.execute("PRAGMA journal_mode = WAL")
    db.close()


def psql(database, sql):
    """Runs `sql` on `database` as the postgres user; returns what it printed."""
    command = f"psql -X -q -At -v ON_ERROR_STOP=1 -d {database}"
    return subprocess.run(["su", "postgres", "-c", command], input=sql, stdout=subprocess.PIPE,
                          text=True, check=True).stdout


def grow_postgres(database, first, previous, scale, demo_account):
    """As `grow_sqlite`, on PostgreSQL; then vacuums and analyzes, as autovacuum would soon."""
    low = 1 if previous == first else previous
    def series(low, high):
        return f"generate_series({low}::bigint, {high}) AS seq (i)"

    created = postgres_at(f"-(i * 7919 % {365 * DAY})")
    plan = copy_plan(first, low, scale, series, postgres_at).format(
        connection_id="'c0' || lpad(to_hex(n), 22, '0')",
        account_id="'a0' || lpad(to_hex(i), 22, '0')",
        account="'acct_' || lpad(to_hex(n), 16, '0')", least="least")
    demo = ""
    if previous == first:
        demo = f"""
        UNION ALL
        SELECT 'd0' || lpad(to_hex({scale}), 22, '0'), la.id, 'twilio', s.identifier, 'active',
               s.credentials, s.key_id, NULL, NULL, 1, now(), now(), NULL, 0, now(), NULL
        FROM source s JOIN linked_account la ON la.org_id = s.org_id
             AND la.environment = s.environment AND la.external_id = '{demo_account}'
        WHERE s.k = 0"""
    psql(database, f"""
SET synchronous_commit = off;
BEGIN;
CREATE TEMP TABLE source ON COMMIT DROP AS
    SELECT substr(la.external_id, 7)::bigint AS k, la.id, la.org_id, la.environment, la.udf,
           c.identifier, c.credentials, c.key_id
    FROM linked_account la JOIN connection c ON c.linked_account_id = la.id AND c.slug = 'twilio'
    WHERE la.external_id ~ '^bench-[0-9]+$' AND substr(la.external_id, 7)::bigint < {first};
CREATE TEMP TABLE oauth ON COMMIT DROP AS
    SELECT c.identifier, c.credentials, c.key_id
    FROM linked_account la JOIN connection c ON c.linked_account_id = la.id
    WHERE la.external_id = 'bench-0' AND c.slug = 'sandbox';
INSERT INTO linked_account (id, org_id, environment, external_id, name, udf, created_at, updated_at)
    SELECT 'a0' || lpad(to_hex(i), 22, '0'), s.org_id, s.environment, 'bench-' || i,
           'Bench customer ' || i, s.udf, {created}, {created}
    FROM {series(previous, scale - 1)} JOIN source s ON s.k = i % {first};
WITH made AS (
    INSERT INTO connection ({CONNECTION_COLUMNS})
    {plan}{demo}
    RETURNING linked_account_id, id, slug, identifier, connected_at)
INSERT INTO connection_event ({EVENT_COLUMNS})
    SELECT s.org_id, s.environment, made.linked_account_id, made.id, made.slug,
           made.identifier, 'connected', 'end_customer', made.connected_at
    FROM made CROSS JOIN (SELECT org_id, environment FROM source WHERE k = 0) s;
COMMIT;
VACUUM ANALYZE linked_account;
VACUUM ANALYZE connection;
VACUUM ANALYZE connection_event;
""")


def counts(kind, target):
    """Rows in linked_account and connection."""
    sql = "SELECT (SELECT count(*) FROM linked_account), (SELECT count(*) FROM connection)"
    if kind == "postgres":
        return tuple(int(n) for n in psql(target, sql).split("|"))
    db = sqlite3.connect(target)
    try:
        return db.execute(sql).fetchone()
    finally:
        db.close()


def start(base, env, data):
    server = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(data, "log"), "a"))
    try:
        wait_ready(base, server)
    except Exception:
        stop(server)
        raise
    return server


def stop(server):
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def measure(base, server, seeded, database):
    """Idle CPU and RSS after a settle pause, then each path under wrk, then the first load."""
    time.sleep(SETTLE_SECONDS)
    cpu, backends = idle_cpu(server.pid, database)
    idle = rss_kb(server.pid)
    vendor = [f"x-api-key: {seeded['key']}", "linked_account_id: bench-0"]
    paths = [
        ("/health", base + "/health", []),
        ("credentials (key-based)", base + "/api/v2/public/connection/twilio/credentials", vendor),
        ("credentials (OAuth2)", base + "/api/v2/public/connection/sandbox/credentials", vendor),
        ("vendor application list", base + "/api/v2/public/application", vendor),
        ("SDK application list", base + "/api/v2/f-sdk/application",
         [f"authorization: Bearer {seeded['session']}"]),
        ("hosted page /connect", base + "/connect", [f"cookie: {seeded['cookie']}"]),
        ("widget /embed/{token}", seeded["embed"], []),
    ]
    rows = []
    peak = idle
    for name, url, headers in paths:
        result = wrk(url, headers)
        peak = max(peak, rss_kb(server.pid))
        rows.append((name, result))
    wire = first_load(base, seeded["cookie"])
    return {"rows": rows, "idle": idle, "peak": peak, "wire": wire, "cpu": cpu,
            "backends": backends}


def server_settings(workdir, prefix, **settings):
    """Where a dev-mode `portico serve` will listen and keep its data, and its settings, with
    the rate limits out of the way so the work is measured: base URL, data directory, env."""
    port = free_port()
    data = tempfile.mkdtemp(dir=workdir, prefix=prefix)
    env = dict(
        os.environ,
        PORTICO_MODE="dev",
        PORTICO_BIND=f"127.0.0.1:{port}",
        PORTICO_DATA_DIR=data,
        PORTICO_RATE_LIMIT_API="1000000000",
        PORTICO_RATE_LIMIT_SDK="1000000000",
        PORTICO_RATE_LIMIT_PAGES="1000000000",
        PORTICO_LOG="warn",
        **settings,
    )
    return f"http://127.0.0.1:{port}", data, env


def postgres_url(database):
    """The URL of `database` on the test PostgreSQL server (started when it is not)."""
    admin = subprocess.run(["bash", os.path.join(ROOT, ".ci/postgres")], capture_output=True,
                           text=True, check=True).stdout.strip()
    return admin.rsplit("/", 1)[0] + "/" + database


def run_database(kind, workdir):
    """Every scale on one database: the first seeded through the API, each next one copied
    from it with the server stopped. Returns one result per scale."""
    base, data, env = server_settings(workdir, f"{kind}-", PORTICO_SANDBOX_ACCESS_TTL="86400")
    database, target = None, os.path.join(data, "portico.db")
    if kind == "postgres":
        database = target = "portico_bench"
        env["PORTICO_DATABASE_URL"] = postgres_url(database)
        subprocess.run(["su", "postgres", "-c", f"dropdb --if-exists {database}; createdb {database}"],
                       check=True, capture_output=True)
    results = []
    try:
        server = start(base, env, data)
        try:
            seeded = seed(base, env, SCALES[0])
            result = measure(base, server, seeded, database)
        finally:
            stop(server)
        results.append(dict(result, scale=SCALES[0], copied=None, rows_now=counts(kind, target)))
        for previous, scale in zip(SCALES, SCALES[1:]):
            began = time.monotonic()
            grow = grow_postgres if kind == "postgres" else grow_sqlite
            grow(target, SCALES[0], previous, scale, seeded["demo_account"])
            copied = time.monotonic() - began
            server = start(base, env, data)
            try:
                result = measure(base, server, seeded, database)
            finally:
                stop(server)
            results.append(dict(result, scale=scale, copied=copied, rows_now=counts(kind, target)))
        return results
    finally:
        if database:
            subprocess.run(["su", "postgres", "-c", f"dropdb --if-exists {database}"],
                           capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


def report(kind, floor, result):
    accounts, connections = result["rows_now"]
    made = ("seeded through the API" if result["copied"] is None
            else f"copied in SQL in {result['copied']:.0f} s")
    print(f"\n## {kind}, {result['scale']:,} linked accounts\n")
    print(f"{accounts:,} linked_account rows, {connections:,} connection rows, {made}\n")
    print("| path | req/s | p50 ms | p99 ms | ÷ floor | non-2xx |")
    print("|---|---|---|---|---|---|")
    for name, r in result["rows"]:
        print(f"| {name} | {r['rate']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
              f"{r['rate'] / floor['rate']:.4f} | {r['errors']} |")
    if result["cpu"] is None:
        cpu = "not measured"
    else:
        cpu = f"{result['cpu']:.1f} % of a core"
        if result["backends"] is not None:
            cpu += f" (PostgreSQL's backends {result['backends']:.1f} %)"
    print(f"\nIdle CPU over {IDLE_SECONDS} s: {cpu}; RSS idle {result['idle'] / 1024:.1f} MB, "
          f"under load {result['peak'] / 1024:.1f} MB; first load of the hosted page "
          f"{result['wire'][0] / 1024:.0f} KB on the wire, a repeat visit "
          f"{result['wire'][1] / 1024:.1f} KB")


def compare(kind, results):
    """Per path: p50 and p99 at the largest scale ÷ at the smallest."""
    small, large = results[0], results[-1]
    print(f"\n### {kind}: {large['scale']:,} ÷ {small['scale']:,} linked accounts\n")
    for (name, before), (_, after) in zip(small["rows"], large["rows"]):
        print(f"- {name}: p50 ×{after['p50'] / before['p50']:.2f}, "
              f"p99 ×{after['p99'] / before['p99']:.2f}")


def main():
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: bash .ci/bench installs it")
    workdir = tempfile.mkdtemp(prefix="portico-bench-")
    floor = nginx_floor(workdir)
    scales = ", ".join(f"{n:,}" for n in SCALES)
    print(f"# Portico benchmark: {scales} linked accounts, wrk -t2 -c{CONNS} -d{SECONDS}s, "
          f"{os.cpu_count()} cores")
    print(f"\nnginx `return 200` floor: {floor['rate']:,.0f} req/s, p50 {floor['p50']:.2f} ms, "
          f"p99 {floor['p99']:.2f} ms")
    for kind in DATABASES:
        results = run_database(kind, workdir)
        for result in results:
            report(kind, floor, result)
        if len(results) > 1:
            compare(kind, results)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
