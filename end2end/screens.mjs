// Screenshots to look at: the hosted page and the widget at 360 px, light and dark, in each
// language asked. `node end2end/screens.mjs OUT_DIR [locale ...]` starts its own Portico
// (target/debug/portico, or PORTICO_BIN) on a fresh SQLite database.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';

const here = path.dirname(new URL(import.meta.url).pathname);
const bin = process.env.PORTICO_BIN ?? path.join(here, '..', 'target/debug/portico');
const [out = 'screens', ...locales] = process.argv.slice(2);
mkdirSync(out, { recursive: true });

const freePort = () => new Promise((resolve) => {
  const server = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'portico-screens-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const env = {
  ...process.env, PORTICO_DATA_DIR: dataDir, PORTICO_BIND: `127.0.0.1:${port}`,
  PORTICO_PUBLIC_URL: base, PORTICO_MODE: 'dev', PORTICO_LOG: 'warn',
};
const cli = (...args) => JSON.parse(execFileSync(bin, [...args, '--format', 'json'], { env, encoding: 'utf8' }));
const demo = cli('demo');
const scope = ['--org', demo.org_id, '--environment', 'test'];
cli('linked-account', 'upsert', ...scope, '--id', 'riley', '--name', 'Riley Chen');
cli('connection', 'record', ...scope, '--linked-account', 'riley', '--slug', 'slack', '--identifier', 'Riley’s workspace');
const hubspot = cli('connection', 'record', ...scope, '--linked-account', 'riley', '--slug', 'hubspot', '--identifier', 'Riley CRM');
execFileSync(bin, ['connection', 'flag', '--id', hubspot.connection_id, '--reason', 'refresh_token_expired'], { env });

const hostPort = await freePort();
const host = http.createServer((request, response) => {
  const src = new URL(request.url, 'http://localhost').searchParams.get('src') ?? '';
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
    '<!DOCTYPE html><html lang="en"><meta name="viewport" content="width=device-width"><title>Host</title>' +
    `<body style="margin:0"><iframe title="Apps" src="${src.replace(/"/g, '&quot;')}" style="width:320px;height:2400px;border:0"></iframe>`);
}).listen(hostPort, '127.0.0.1');
execFileSync(bin, ['org', 'allow-origin', '--org', demo.org_id, `http://127.0.0.1:${hostPort}`], { env });

const server = spawn(bin, ['serve'], { env, stdio: 'inherit' });
for (let i = 0; i < 100; i++) {
  try { if ((await fetch(`${base}/ready`)).ok) break; } catch { /* not yet */ }
  await new Promise((r) => setTimeout(r, 100));
}
const api = async (route, body) => (await fetch(`${base}/api/v2/public/${route}`, {
  method: 'POST', headers: { 'x-api-key': demo.api_key, 'content-type': 'application/json' },
  body: JSON.stringify(body),
})).json();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
// The demo org's branding: a name, an accent and a logo (a picture drawn here, as a PNG).
{
  const context = await browser.newContext({ viewport: { width: 200, height: 200 } });
  const page = await context.newPage();
  await page.setContent('<div id="logo" style="width:96px;height:96px;border-radius:24px;' +
    'background:linear-gradient(135deg,#0f766e,#22d3ee);display:grid;place-items:center;' +
    'font:700 44px system-ui;color:#fff">A</div>');
  const logo = await page.locator('#logo').screenshot();
  await context.close();
  const put = (route, body, type) => fetch(`${base}/api/v2/public/${route}`, {
    method: 'PUT', headers: { 'x-api-key': demo.api_key, 'content-type': type }, body,
  });
  await put('branding', JSON.stringify({ name: 'Acme Analytics', accent: '#0f766e' }), 'application/json');
  await put('branding/logo', logo, 'image/png');
}
for (const locale of locales.length ? locales : ['en']) {
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({
      viewport: { width: 360, height: 800 }, colorScheme: scheme, locale, deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    const { hosted_url: hosted } = await api('connect-url', { linked_account_id: 'riley' });
    await page.goto(hosted);
    await page.screenshot({ path: path.join(out, `hosted-${locale}-${scheme}.png`), fullPage: true, clip: { x: 0, y: 0, width: 360, height: 1400 } });
    const { embed_url: embed } = await api('embed-token', { linked_account_id: 'riley' });
    await page.goto(`http://127.0.0.1:${hostPort}/?src=${encodeURIComponent(embed)}`);
    await page.frameLocator('iframe').locator('[data-apps]').waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(out, `widget-${locale}-${scheme}.png`), clip: { x: 0, y: 0, width: 360, height: 1600 } });
    await context.close();
  }
}
await browser.close();
host.close();
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
rmSync(dataDir, { recursive: true, force: true });
console.log(`screenshots in ${out}`);
