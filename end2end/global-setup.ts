// Starts a real `portico serve` on a free port with a fresh SQLite database, seeded through the
// CLI (which calls the domain layer): the demo org, plus a customer with one connected and one
// flagged connection, and a link that has already expired.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitUntilReady } from './servers';

const repo = path.resolve(__dirname, '..');

export default async function globalSetup() {
  const bin = process.env.PORTICO_BIN ?? path.join(repo, 'target/debug/portico');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'portico-e2e-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // Metrics on their own address, read when the suite ends.
  const metrics = `127.0.0.1:${await freePort()}`;
  const env = {
    ...process.env,
    PORTICO_DATA_DIR: dataDir,
    PORTICO_BIND: `127.0.0.1:${port}`,
    PORTICO_PUBLIC_URL: base,
    // The sandbox provider and the generated key are dev-mode conveniences, opted into here.
    PORTICO_MODE: 'dev',
    // Every browser here shares one client address; the limits have tests of their own.
    PORTICO_RATE_LIMIT_PAGES: '100000',
    PORTICO_RATE_LIMIT_SDK: '100000',
    PORTICO_RATE_LIMIT_API: '100000',
    PORTICO_METRICS_BIND: metrics,
  };
  const portico = (...args: string[]) =>
    JSON.parse(execFileSync(bin, [...args, '--format', 'json'], { env, encoding: 'utf8' }));

  const demo = portico('demo');
  const scope = ['--org', demo.org_id, '--environment', 'test'];
  portico('linked-account', 'upsert', ...scope, '--id', 'riley', '--name', 'Riley Chen');
  portico('connection', 'record', ...scope, '--linked-account', 'riley', '--slug', 'slack',
    '--identifier', 'Riley’s workspace');
  const hubspot = portico('connection', 'record', ...scope, '--linked-account', 'riley',
    '--slug', 'hubspot', '--identifier', 'Riley CRM');
  execFileSync(bin, ['connection', 'flag', '--id', hubspot.connection_id, '--reason', 'token_revoked'],
    { env });
  const reauth = portico('link', 'create', ...scope, '--linked-account', 'riley');
  const expired = portico('link', 'create', ...scope, '--linked-account', 'riley', '--ttl-seconds', '1');
  const expiredAt = Date.now() + 1100;
  // One customer per browser project, so the OAuth specs never share connections.
  const customer = (prefix: string) => {
    const links: Record<string, { linkedAccount: string; url: string }> = {};
    for (const project of ['js', 'no-js']) {
      const linkedAccount = `${prefix}-${project}`;
      portico('linked-account', 'upsert', ...scope, '--id', linkedAccount);
      links[project] = {
        linkedAccount,
        url: portico('link', 'create', ...scope, '--linked-account', linkedAccount).hosted_url,
      };
    }
    return links;
  };
  const oauth = customer('oauth');
  const keys = customer('keys');
  const victims = customer('victim');
  const others = customer('other');
  const stale = customer('stale');

  // A vendor's own page on another origin, loading the frontend SDK from npm as published.
  const sdk = readFileSync(require.resolve('@cobaltio/cobalt-js/cobalt.js'));
  const vendor = http.createServer((request, response) => {
    const asked = new URL(request.url ?? '/', 'http://localhost');
    if (asked.pathname === '/frame') {
      // The widget in a plain frame of the width asked, as a vendor's settings page shows it.
      const src = (asked.searchParams.get('src') ?? '').replace(/&/g, '&amp;').replace(/"/g, '&quot;');
      const width = Number(asked.searchParams.get('width') ?? '400');
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Vendor settings</title>' +
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>' +
        '<body style="margin:16px;font-family:sans-serif"><main><h1>Vendor settings</h1>' +
        `<iframe title="Connect your apps" src="${src}" style="width:${width}px;height:1400px;border:0"></iframe>` +
        '</main></body></html>');
    } else if (request.url === '/cobalt.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(sdk);
    } else {
      response.writeHead(200, { 'content-type': 'text/html' }).end(
        '<!DOCTYPE html><title>Vendor app</title><h1>Vendor app</h1>' +
        // The package is CommonJS only: give it an `exports` object to fill.
        '<script>var exports = {};</script><script src="/cobalt.js"></script>' +
        '<script>window.Cobalt = exports.Cobalt;</script>');
    }
  });
  const vendorPort = await freePort();
  await new Promise<void>((resolve) => vendor.listen(vendorPort, '127.0.0.1', resolve));
  const vendorOrigin = `http://127.0.0.1:${vendorPort}`;
  execFileSync(bin, ['org', 'allow-origin', '--org', demo.org_id, vendorOrigin], { env });

  // Another site (`localhost`, not Portico's `127.0.0.1`), which opens whatever link it is
  // given in a popup: by script and closed a moment later, or by a plain link.
  const elsewhere = http.createServer((request, response) => {
    const target = new URL(request.url ?? '/', 'http://localhost').searchParams.get('open') ?? '';
    const href = target.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    response.writeHead(200, { 'content-type': 'text/html' }).end(
      '<!DOCTYPE html><title>Another site</title><h1>Another site</h1>' +
      `<a id="link" href="${href}" target="_blank">Open</a>` +
      `<button id="popup" onclick="const w = window.open(this.dataset.href); ` +
      `setTimeout(() => w.close(), 1500)" data-href="${href}">Popup</button>`);
  });
  const elsewherePort = await freePort();
  await new Promise<void>((resolve) => elsewhere.listen(elsewherePort, '127.0.0.1', resolve));

  // The vendor's webhook receiver: every event of the demo org is delivered here. It fails
  // the first attempt of each Connection Expired about a `console-*` customer, which the
  // console spec then sends again.
  let delivered = 0;
  const failedOnce = new Set<string>();
  const receiver = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      delivered += 1;
      const id = String(request.headers['webhook-id'] ?? '');
      const console = body.includes('"linked_account_id":"console-')
        && body.includes('"Connection Expired"');
      if (console && !failedOnce.has(id)) {
        failedOnce.add(id);
        response.writeHead(500).end();
        return;
      }
      response.writeHead(204).end();
    });
  });
  const receiverPort = await freePort();
  await new Promise<void>((resolve) => receiver.listen(receiverPort, '127.0.0.1', resolve));

  const server = spawn(bin, ['serve'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  await waitUntilReady(`${base}/ready`);
  const subscribed = await fetch(`${base}/api/v2/public/webhook`, {
    method: 'POST',
    headers: { 'x-api-key': demo.api_key, 'content-type': 'application/json' },
    body: JSON.stringify({
      webhook_url: `http://127.0.0.1:${receiverPort}/hooks`,
      webhook_events: ['Connection Created', 'Connection Expired', 'Connection Reconnected',
        'Connection Deleted'],
    }),
  });
  if (subscribed.status !== 201) throw new Error(`webhook subscription: ${subscribed.status}`);
  const sdkTokens: Record<string, string> = {};
  for (const project of ['js', 'no-js']) {
    const answer = await fetch(`${base}/api/v2/public/session-token`, {
      method: 'POST',
      headers: { 'x-api-key': demo.api_key, 'content-type': 'application/json' },
      body: JSON.stringify({ linked_account_id: `sdk-${project}` }),
    });
    sdkTokens[project] = (await answer.json()).token;
  }
  await new Promise((r) => setTimeout(r, Math.max(0, expiredAt - Date.now())));

  process.env.PORTICO_E2E = JSON.stringify({
    base,
    demoUrl: demo.hosted_url,
    reauthUrl: reauth.hosted_url,
    expiredUrl: expired.hosted_url,
    orgId: demo.org_id,
    apiKey: demo.api_key,
    vendorOrigin,
    sdkTokens,
    oauth,
    keys,
    victims,
    others,
    stale,
    elsewhere: `http://localhost:${elsewherePort}`,
    cli: { bin, env: { PORTICO_DATA_DIR: dataDir, PORTICO_BIND: env.PORTICO_BIND,
      PORTICO_PUBLIC_URL: base, PORTICO_LOG: 'warn', PORTICO_MODE: 'dev' } },
  });

  return async () => {
    // What the suite made Portico count: requests, refreshes, flags and deliveries.
    const scraped = await (await fetch(`http://${metrics}/metrics`)).text();
    const outDir = path.join(__dirname, 'test-results');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, 'metrics.txt'), scraped);
    const total = (name: string) => scraped.split('\n')
      .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    const counted = Object.fromEntries(['portico_http_requests_total', 'portico_refreshes_total',
      'portico_flags_total', 'portico_webhook_deliveries_total'].map((name) => [name, total(name)]));
    console.log(`metrics after the suite: ${JSON.stringify(counted)}; the receiver got ${delivered}`);
    vendor.close();
    elsewhere.close();
    receiver.close();
    const publicMetrics = await fetch(`${base}/metrics`);
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
    if (publicMetrics.status !== 404) throw new Error('/metrics is served on the public address');
    // After the whole suite (as CI runs it), each must have counted something.
    if (process.env.PORTICO_E2E_WHOLE_SUITE) {
      for (const [name, value] of Object.entries(counted)) {
        if (!(value > 0)) throw new Error(`${name} is ${value} after the suite`);
      }
    }
  };
}
