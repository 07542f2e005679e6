// The embedded widget, inside a vendor's page on another site: a host page served on
// http://localhost:A frames Portico on http://127.0.0.1:B, in Chromium with third-party cookies
// blocked. Each worker runs its own Portico whose sandbox isolates its sign-in page
// (Cross-Origin-Opener-Policy), as the large providers' sign-in pages do.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Frame, Page } from '@playwright/test';
import { freePort, launchOptions, waitUntilReady } from '../servers';
import { expect, test } from './fixtures';

test.use({
  launchOptions: {
    ...launchOptions,
    args: [...launchOptions.args, '--test-third-party-cookie-phaseout'],
  },
});

interface Portico {
  base: string;
  apiKey: string;
  env: Record<string, string>;
  process: ChildProcess;
  dataDir: string;
}

let portico: Portico;
/// A vendor page the org allows, and one it does not.
let host: { origin: string; server: http.Server };
let stranger: { origin: string; server: http.Server };

const bin = process.env.PORTICO_BIN ?? path.resolve(__dirname, '../../target/debug/portico');

function cli(...args: string[]): string {
  return execFileSync(bin, args, { env: { ...process.env, ...portico.env }, encoding: 'utf8' });
}

/// A vendor's page: `/?token=` embeds the widget with `/portico.js` and records every message
/// the window receives (origin and data); `/static?token=` is a bare `<iframe>` for pages (and
/// browsers) without JavaScript.
async function vendorPage(): Promise<{ origin: string; server: http.Server }> {
  const port = await freePort();
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const token = url.searchParams.get('token') ?? '';
    const width = Number(url.searchParams.get('width') ?? '400');
    const head = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Vendor settings</title>' +
      `<style>body{margin:24px;font-family:sans-serif}#apps{width:${width}px}</style></head><body>` +
      '<h1>Vendor settings</h1><div id="apps"></div>';
    const body = url.pathname === '/static'
      ? `<iframe title="Connect your apps" src="${portico.base}/embed/${encodeURIComponent(token)}" style="width:${width}px;height:900px;border:0"></iframe>`
      : '<script>window.received = [];' +
        'window.addEventListener("message", function (e) { received.push({ origin: e.origin, data: e.data }); });</script>' +
        `<script src="${portico.base}/portico.js"></script>` +
        `<script>window.events = []; Portico.embed({ token: ${JSON.stringify(token)}, container: "#apps",` +
        ' onEvent: function (e) { events.push(e); } });</script>';
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`${head}${body}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(port, 'localhost', resolve));
  return { origin: `http://localhost:${port}`, server };
}

test.beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'portico-embed-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    PORTICO_DATA_DIR: dataDir,
    PORTICO_BIND: `127.0.0.1:${port}`,
    PORTICO_PUBLIC_URL: base,
    PORTICO_SITE_ROOT: path.resolve(__dirname, '../../target/site'),
    PORTICO_MODE: 'dev',
    PORTICO_SANDBOX_ISOLATE: 'true',
    PORTICO_LOG: 'warn',
    PORTICO_RATE_LIMIT_PAGES: '100000',
  };
  portico = { base, apiKey: '', env, process: undefined as unknown as ChildProcess, dataDir };
  const demo = JSON.parse(cli('demo', '--format', 'json'));
  portico.apiKey = demo.api_key;
  host = await vendorPage();
  stranger = await vendorPage();
  cli('org', 'allow-origin', '--org', demo.org_id, host.origin);
  portico.process = spawn(bin, ['serve'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitUntilReady(`${base}/ready`);
});

test.afterAll(async () => {
  host?.server.close();
  stranger?.server.close();
  if (portico?.process) {
    portico.process.kill('SIGTERM');
    await new Promise((r) => portico.process.once('exit', r));
  }
  if (portico?.dataDir) rmSync(portico.dataDir, { recursive: true, force: true });
});

/// An embed token for a linked account of the demo org, from the vendor API.
async function embedToken(linkedAccount: string): Promise<string> {
  const answer = await fetch(`${portico.base}/api/v2/public/embed-token`, {
    method: 'POST',
    headers: { 'x-api-key': portico.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ linked_account_id: linkedAccount }),
  });
  expect(answer.status).toBe(200);
  return (await answer.json()).token;
}

type Received = { origin: string; data: Record<string, unknown> };

/// What the host page received, the frame's size and its knock (which portico.js answers)
/// aside.
async function received(page: Page): Promise<Received[]> {
  const all: Received[] = await page.evaluate(() => (window as any).received);
  return all.filter((message) =>
    !['portico:resize', 'portico:knock'].includes(String(message.data?.type)));
}

/// Waits for the widget to say it is ready (its first load compiles the wasm bundle).
async function ready(page: Page) {
  await expect.poll(() => kinds(page), { timeout: 20_000 }).toEqual(['portico:ready']);
}

async function kinds(page: Page): Promise<string[]> {
  return (await received(page)).map((message) => String(message.data.type));
}

/// The widget's frame, once it is there.
async function widgetFrame(page: Page): Promise<Frame> {
  await expect.poll(() => page.frames().some((f) => f.url().includes('/embed/'))).toBe(true);
  return page.frames().find((f) => f.url().includes('/embed/')) as Frame;
}

/// Approves the sandbox's consent page in a popup as `account`.
async function approve(popup: Page, account: string) {
  await expect(popup.getByRole('heading', { name: 'Allow access to your sandbox account?' }))
    .toBeVisible();
  await popup.getByLabel('Account name').fill(account);
  await popup.getByRole('button', { name: 'Approve' }).click();
}

test('the widget connects, sees a revoke, reconnects and disconnects, and tells its host each time',
  async ({ page, javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, 'popups and events need JavaScript; the no-JS widget is below');
    const token = await embedToken('embed-cycle');
    await page.goto(`${host.origin}/?token=${token}`);
    const frame = page.frameLocator('iframe');
    await ready(page);
    const widget = await widgetFrame(page);
    // The frame is on another site and can keep no cookie: everything rides in the page.
    expect(await widget.evaluate(() => {
      document.cookie = 'probe=1; SameSite=None; Secure';
      document.cookie = 'lax=1';
      return document.cookie;
    })).toBe('');
    // A mark on the frame's window: it survives only if the frame is never reloaded.
    await widget.evaluate(() => { (window as any).stillHere = true; });
    const card = frame.locator('[data-app-card="sandbox"]');
    // A search submitted with Enter filters in place: the widget keeps following its cards.
    await frame.getByLabel('Search apps').press('Enter');

    const popupOpened = page.waitForEvent('popup');
    await frame.getByRole('button', { name: 'Connect: Portico Sandbox' }).click();
    const popup = await popupOpened;
    await expect(card.getByText('Waiting for you to finish signing in…')).toBeVisible();
    await expect(popup.getByRole('heading', { name: 'Allow access to your sandbox account?' }))
      .toBeVisible();
    expect(await popup.evaluate(() => window.opener)).toBeNull();
    await approve(popup, 'Embed cycle');
    // The sandbox's sign-in page severed the popup from the widget, yet the widget knows.
    await expect(card.locator('.badge--ok')).toContainText('Connected');
    expect(await widget.evaluate(() => (window as any).stillHere)).toBe(true);
    await expect(frame.getByRole('button', { name: 'Connect another account: Portico Sandbox' }))
      .toBeFocused();
    await expect(frame.locator('#embed-live')).toHaveText('Portico Sandbox is connected.');
    await expect.poll(() => kinds(page)).toEqual(['portico:ready', 'portico:connected']);
    const connected = (await received(page))[1];
    expect(connected.origin).toBe(portico.base);
    expect(connected.data).toEqual({
      type: 'portico:connected',
      slug: 'sandbox',
      connection_id: expect.stringMatching(/^[0-9a-f]{24}$/),
      identifier: 'Embed cycle',
    });

    // Revoked at the provider: the card changes to Reconnect by itself.
    cli('sandbox', 'revoke', '--account', 'Embed cycle');
    await expect(card.getByText('Reconnect needed')).toBeVisible();
    await expect(card.locator('[data-reason]')).toHaveAttribute('data-reason', 'token_revoked');
    await expect.poll(() => kinds(page)).toContain('portico:reauth_required');
    const flagged = (await received(page)).find((m) => m.data.type === 'portico:reauth_required');
    expect(flagged?.data).toEqual({
      type: 'portico:reauth_required',
      slug: 'sandbox',
      connection_id: connected.data.connection_id,
      identifier: 'Embed cycle',
      reason: 'token_revoked',
      reauth_action: 'reconnect',
      retryable: true,
    });

    const again = page.waitForEvent('popup');
    await frame.getByRole('button', { name: 'Reconnect: Portico Sandbox' }).click();
    await approve(await again, 'Embed cycle');
    await expect(card.locator('.badge--ok')).toContainText('Connected');
    await expect.poll(async () => (await kinds(page)).filter((k) => k === 'portico:connected'))
      .toHaveLength(2);
    expect(await widget.evaluate(() => (window as any).stillHere)).toBe(true);

    await frame.getByRole('button', { name: 'Disconnect Portico Sandbox' }).click();
    await expect(frame.locator('[data-banner]')).toHaveText('Portico Sandbox was disconnected.');
    // The message is shown once: the frame's address no longer carries it.
    await expect.poll(() => widget.url()).not.toContain('done=');
    await expect.poll(() => kinds(page)).toContain('portico:disconnected');
    const gone = (await received(page)).find((m) => m.data.type === 'portico:disconnected');
    expect(gone?.data).toEqual({
      type: 'portico:disconnected',
      slug: 'sandbox',
      connection_id: connected.data.connection_id,
      identifier: 'Embed cycle',
    });

    // Everything came from Portico's origin, through portico.js too, and nothing else.
    const [all, viaScript]: [Received[], unknown[]] = await page.evaluate(
      () => [(window as any).received.slice(), (window as any).events.slice()]);
    expect(all.every((message) => message.origin === portico.base)).toBe(true);
    const fields = new Set(all.flatMap((message) => Object.keys(message.data)));
    expect([...fields].sort()).toEqual(
      ['code', 'connection_id', 'height', 'identifier', 'reason', 'reauth_action', 'retryable',
        'slug', 'type']
        .filter((field) => fields.has(field)));
    expect(viaScript).toEqual(all.map((message) => message.data)
      .filter((data) => data.type !== 'portico:knock'));
    // The widget itself set no cookie; the only one is the sign-in window's own flow cookie.
    const names = (await page.context().cookies(portico.base)).map((cookie) => cookie.name);
    expect(names.filter((name) => name !== 'portico_flow')).toEqual([]);
  });

test('a sign-in window opened without an opener (noopener) still ends in Connected, no reload',
  async ({ page, javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, 'the popup is JavaScript');
    const token = await embedToken('embed-noopener');
    await page.goto(`${host.origin}/?token=${token}`);
    const frame = page.frameLocator('iframe');
    await ready(page);
    const widget = await widgetFrame(page);
    // As when a browser refuses scripted popups: the form's own target="_blank" opens the
    // sign-in, and target=_blank means noopener.
    await widget.evaluate(() => {
      (window as any).stillHere = true;
      window.open = () => null;
    });
    const opened = page.waitForEvent('popup');
    await frame.getByRole('button', { name: 'Connect: Portico Sandbox' }).click();
    const popup = await opened;
    expect(await popup.evaluate(() => window.opener)).toBeNull();
    await approve(popup, 'No opener');
    await expect(frame.locator('[data-app-card="sandbox"] .badge--ok')).toContainText('Connected');
    expect(await widget.evaluate(() => (window as any).stillHere)).toBe(true);
    await expect.poll(() => kinds(page)).toEqual(['portico:ready', 'portico:connected']);
  });

test('a sign-in that cannot start says why in its window, each time it is pressed',
  async ({ page, javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, 'the popup is JavaScript');
    const token = await embedToken('embed-not-set-up');
    await page.goto(`${host.origin}/?token=${token}`);
    await ready(page);
    const frame = page.frameLocator('iframe');
    for (let press = 0; press < 2; press++) {
      const opened = page.waitForEvent('popup');
      await frame.getByRole('button', { name: 'Connect: Asana' }).click();
      const popup = await opened;
      await expect(popup.getByRole('heading', { name: 'This app cannot be connected now' }))
        .toBeVisible();
      await expect(popup.getByText('Asana is not set up yet.')).toBeVisible();
      expect(popup.url()).not.toContain(token);
      expect(await popup.evaluate(() => window.opener)).toBeNull();
      await popup.close();
    }
    await expect(frame.locator('[data-app-card="asana"] .badge')).toHaveText('Not connected');
  });

test('a host page on an origin the org did not allow gets no widget and no messages',
  async ({ page, context, javaScriptEnabled, consoleErrors }) => {
    test.skip(!javaScriptEnabled, 'the host pages here use portico.js');
    const token = await embedToken('embed-stranger');
    const refused = page.waitForResponse((r) => r.url().includes('/embed/'));
    await page.goto(`${stranger.origin}/?token=${token}`);
    // Portico answered, with a policy that names only the allowed host…
    const answer = await refused;
    expect(answer.status()).toBe(200);
    expect(answer.headers()['content-security-policy'])
      .toContain(`frame-ancestors ${host.origin};`);
    expect(answer.headers()['x-frame-options']).toBeUndefined();
    // …so the browser refused to show it in this page, and said why.
    await expect.poll(() => page.frames().length).toBe(2);
    await expect.poll(() => page.frames()[1].url()).toBe('chrome-error://chromewebdata/');
    await expect(page.frameLocator('iframe').locator('[data-apps]')).toHaveCount(0);
    expect(consoleErrors.join('\n')).toContain(`violates the following Content Security Policy directive: "frame-ancestors ${host.origin}"`);
    consoleErrors.length = 0;

    // The same token on the allowed host, opened after: the widget loads and talks there. By
    // the time that page heard from it, the refused page has received nothing: its frame
    // holds no widget to post.
    const allowed = await context.newPage();
    await allowed.goto(`${host.origin}/?token=${token}`);
    await ready(allowed);
    expect(await page.evaluate(() => (window as any).received)).toEqual([]);
  });

test('without JavaScript the widget is plain forms: a key form connects, OAuth opens a tab',
  async ({ page, context, javaScriptEnabled }) => {
    test.skip(javaScriptEnabled, 'this is the widget without JavaScript');
    const token = await embedToken('embed-nojs');
    await page.goto(`${host.origin}/static?token=${token}&width=320`);
    const frame = page.frameLocator('iframe');
    const card = frame.locator('[data-app-card="twilio"]');
    await card.getByRole('link', { name: 'Connect: Twilio' }).click();
    const dialog = frame.locator('#key-twilio');
    await expect(dialog).toBeVisible();
    await frame.locator('#key-twilio-number').fill('call me maybe');
    await frame.locator('#key-twilio-sid').fill('AC0123456789abcdef0123456789abcdef');
    await dialog.getByRole('button', { name: 'Save and connect' }).click();
    await expect(frame.locator('#key-twilio-number-error'))
      .toContainText('Phone number must contain only digits');
    await expect(frame.locator('#key-twilio-number')).toHaveValue('call me maybe');
    await expect(frame.locator('#key-twilio-sid')).toHaveValue('');
    await frame.locator('#key-twilio-number').fill('+14155550100');
    await frame.locator('#key-twilio-sid').fill('AC0123456789abcdef0123456789abcdef');
    await dialog.getByRole('button', { name: 'Save and connect' }).click();
    await expect(frame.locator('[data-banner]')).toHaveText('Twilio is connected.');
    await expect(card.locator('.badge--ok')).toContainText('Connected');
    // No cookie was needed for any of it.
    expect(await context.cookies(portico.base)).toEqual([]);

    // OAuth opens the provider in a new tab, which ends on Portico's "Connected" page.
    const tab = context.waitForEvent('page');
    await frame.getByRole('button', { name: 'Connect: Portico Sandbox' }).click();
    const signIn = await tab;
    await approve(signIn, 'No script');
    await expect(signIn.getByRole('heading', { name: 'Connected' })).toBeVisible();
    await page.reload();
    await expect(page.frameLocator('iframe').locator('[data-app-card="sandbox"] .badge--ok'))
      .toContainText('Connected');
  });
