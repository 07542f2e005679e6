// Accessibility: every page an end customer can reach, scanned by axe-core against the WCAG 2.x
// A and AA rules at 1280 and 360 px (the widget in its frame at 480 and 320 px), the narrow
// one in dark colours too, with JavaScript on and off (the two projects). Each scan that ran is counted in
// test-results/axe-scans.txt.
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Page, TestInfo } from '@playwright/test';
import { expect, links, ownOrg, portico, test, vendorApi } from './fixtures';

const RULES = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

// Each test scans many pages, three times each (and, without JavaScript, each from a copy).
test.describe.configure({ timeout: 120_000 });
const WIDTHS = [1280, 360];
const COUNT = path.join(__dirname, '..', 'test-results', 'axe-scans.txt');

/// Scans the page as it is now at each width: no violation of any rule. axe is a script, so
/// a page shown without JavaScript is scanned as a copy of its HTML, opened where scripts may
/// run but Portico's own (its islands) are not loaded: the same document, as shown.
async function scan(page: Page, state: string, info: TestInfo, widths = WIDTHS) {
  // After a form is sent the new page's fields can be checked before its stylesheet has
  // arrived; a scan then would measure an unstyled page.
  await page.waitForLoadState('load');
  const js = info.project.use.javaScriptEnabled !== false;
  let scanned = page;
  let context: BrowserContext | undefined;
  if (!js) {
    const url = page.url();
    const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
    context = await page.context().browser()!.newContext({ javaScriptEnabled: true });
    scanned = await context.newPage();
    await scanned.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
    await scanned.route(url, (route) =>
      route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
    await scanned.goto(url);
  }
  // Each width in light colours, and the narrowest in dark ones too.
  const looks = widths.map((width) => [width, 'light'] as const);
  looks.push([Math.min(...widths), 'dark']);
  for (const [width, scheme] of looks) {
    await scanned.setViewportSize({ width, height: 900 });
    // Reduced motion: colours change at once when the scheme does (no transition to catch
    // half-way).
    await scanned.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    const results = await new AxeBuilder({ page: scanned }).withTags(RULES).analyze();
    const violations = results.violations.map((violation) =>
      `${violation.id} (${violation.impact}): ${violation.help} — ` +
      violation.nodes.map((node) => `${node.target.join(' ')} ${node.failureSummary ?? ''}`).join('; '));
    expect(violations, `${state} at ${width} px, ${scheme}`).toEqual([]);
    mkdirSync(path.dirname(COUNT), { recursive: true });
    appendFileSync(COUNT, `${info.project.name}\t${state}\t${width}\t${scheme}\n`);
  }
  await scanned.emulateMedia({ colorScheme: 'light' });
  await context?.close();
}

/// A fresh customer of the demo org and a hosted link for it.
async function customer(id: string, extra: object = {}): Promise<string> {
  await vendorApi('linked-account', { linked_account_id: id });
  return (await vendorApi('connect-url', { linked_account_id: id, ...extra })).hosted_url;
}

/// Shows the page Portico answers to a form posted to `action` (with these headers), at a
/// Portico address, so the page can be scanned with JavaScript on or off.
async function showPost(page: Page, action: string, form: string, headers: Record<string, string>) {
  const shown = `${links.base}/connect/a11y-shown-post`;
  await page.route(shown, async (route) => {
    const response = await route.fetch({
      url: `${links.base}${action}`,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      postData: form,
    });
    await route.fulfill({ response });
  });
  await page.goto(shown);
}

/// Waits for the islands when JavaScript runs, so the page is scanned as people use it.
async function settled(page: Page, javaScriptEnabled: boolean) {
  if (javaScriptEnabled) {
    await expect(page.locator('html[data-key-dialogs="ready"]')).toHaveCount(1);
  }
}

test('the hosted page: the list, a flagged card, an empty search, one app, and a banner',
  async ({ page, javaScriptEnabled }, testInfo) => {
    const project = testInfo.project.name;
    await page.goto(links.reauthUrl);
    await settled(page, javaScriptEnabled);
    await expect(page.locator('.app-card--reauth').first()).toBeVisible();
    await scan(page, 'hosted list with a flagged card', testInfo);

    await page.goto(`${links.base}/connect?q=nothing-matches-this`);
    await expect(page.locator('#no-match')).toBeVisible();
    await scan(page, 'hosted list, no search match', testInfo);

    await page.goto(await customer(`a11y-one-${project}`, { apps: ['sandbox', 'twilio'], app: 'sandbox' }));
    await expect(page.getByRole('link', { name: 'All apps' })).toBeVisible();
    await scan(page, 'hosted page opened on one app', testInfo);

    await page.goto(`${links.base}/connect?all=1`);
    await page.getByRole('link', { name: 'Connect: Twilio' }).click();
    await page.getByLabel('Phone number').fill('call me maybe');
    await page.getByRole('button', { name: 'Save and connect' }).click();
    await expect(page.locator('.key-field__error').first()).toBeVisible();
    await scan(page, 'key form with errors', testInfo);

    await page.getByLabel('Phone number').fill('+14155550100');
    await page.getByLabel('Account SID').fill('AC0123456789abcdef0123456789abcdef');
    await page.getByRole('button', { name: 'Save and connect' }).click();
    await expect(page.locator('[data-banner]')).toHaveText('Twilio is connected.');
    await scan(page, 'hosted list with a banner', testInfo);
  });

test('the key form, opened fresh', async ({ page, javaScriptEnabled }, testInfo) => {
  await page.goto(await customer(`a11y-form-${testInfo.project.name}`));
  await settled(page, javaScriptEnabled);
  await page.getByRole('link', { name: 'Connect: Twilio' }).click();
  await expect(page.getByRole('dialog', { name: 'Connect Twilio' })).toBeVisible();
  await scan(page, 'key form', testInfo);
});

test('the widget in its frame at 480 and 320 px, with its key form open', async ({ page }, testInfo) => {
  const project = testInfo.project.name;
  const { embed_url: embedUrl } = await vendorApi('embed-token', { linked_account_id: `a11y-widget-${project}` });
  for (const [viewport, frame] of [[1280, 480], [360, 320]]) {
    for (const [state, src] of [['widget', embedUrl], ['widget key form', `${embedUrl}?connect=twilio`]]) {
      await page.setViewportSize({ width: viewport, height: 900 });
      await page.goto(`${links.vendorOrigin}/frame?width=${frame}&src=${encodeURIComponent(src)}`);
      await expect(page.frameLocator('iframe').locator('[data-apps]')).toBeVisible();
      await scan(page, `${state} in a ${frame} px frame`, testInfo, [viewport]);
    }
  }
});

test('the sign-in pages: start, consent, cancelled, and signed in as another account',
  async ({ page }, testInfo) => {
    const project = testInfo.project.name;
    // A customer of its own: the SDK specs sign in to the sandbox with theirs meanwhile.
    const { token } = await vendorApi('session-token', { linked_account_id: `a11y-sdk-${project}` });
    const answer = await fetch(`${links.base}/api/v1/sandbox/integrate`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const start = (await answer.json()).auth_url;
    await page.goto(start);
    await expect(page.getByRole('button', { name: /Continue to/ })).toBeVisible();
    await scan(page, 'start page', testInfo);
    await page.getByRole('button', { name: /Continue to/ }).click();
    await expect(page.getByRole('button', { name: 'Approve' })).toBeVisible();
    await scan(page, 'consent page', testInfo);
    await page.getByRole('button', { name: 'Deny' }).click();
    await expect(page.getByRole('heading', { name: 'You cancelled the connection' })).toBeVisible();
    await scan(page, 'cancelled sign-in', testInfo);

    // Connected as one account, revoked, then signed in again as another.
    const first = `A11y first ${project}`;
    await page.goto(await customer(`a11y-another-${project}`, { app: 'sandbox' }));
    await page.getByRole('button', { name: 'Connect: Portico Sandbox' }).click();
    await page.getByLabel('Account name').fill(first);
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect(page.locator('[data-banner]')).toHaveText('Portico Sandbox is connected.');
    portico('sandbox', 'revoke', '--account', first);
    await page.reload();
    await page.getByRole('button', { name: 'Reconnect: Portico Sandbox' }).click();
    await page.getByLabel('Account name').fill(`A11y second ${project}`);
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect(page.getByText('You signed in as')).toBeVisible();
    await scan(page, 'signed in as another account', testInfo);
  });

test('every error page', async ({ page, context }, testInfo) => {
  const project = testInfo.project.name;
  const pages: Array<[string, string]> = [
    ['unknown link', `${links.base}/connect/pst_forged`],
    ['expired link', links.expiredUrl],
    ['out-of-date list', `${links.base}/connect/out-of-date`],
    ['page not found', `${links.base}/no-such-page`],
    ['tampered callback', `${links.base}/oauth/callback?state=forged&code=x`],
    ['unknown widget token', `${links.base}/embed/pst_forged`],
    ['widget sign-in refused', `${links.base}/embed/sign-in`],
    ['unknown start page', `${links.base}/oauth/start/forged`],
    ['home', `${links.base}/`],
  ];
  for (const [state, url] of pages) {
    await page.goto(url);
    await scan(page, state, testInfo);
  }

  // A browser with no session on the hosted page.
  await context.clearCookies();
  await page.goto(`${links.base}/connect`);
  await scan(page, 'hosted page without a session', testInfo);

  // A form posted from another site, and one too large to take.
  await showPost(page, '/_portal/disconnect', 'slug=slack', {
    origin: 'http://elsewhere.example',
    'sec-fetch-site': 'cross-site',
  });
  await scan(page, 'cross-site form refused', testInfo);
  await showPost(page, '/_portal/save-keys', `slug=twilio&values%5Bnumber%5D=${'9'.repeat(300_000)}`, {
    origin: links.base,
    'sec-fetch-site': 'same-origin',
  });
  await expect(page.getByText('That is more than this form takes')).toBeVisible();
  await scan(page, 'form too large', testInfo);
});

for (const locale of ['en', 'de', 'fr', 'es', 'ja', 'pt-BR']) {
  test(`the hosted page, the widget and an error page in ${locale}`, async ({ page }, testInfo) => {
    const linkedAccount = `a11y-${locale}-${testInfo.project.name}`;
    await vendorApi('linked-account', { linked_account_id: linkedAccount });
    await page.goto((await vendorApi('connect-url', { linked_account_id: linkedAccount, locale })).hosted_url);
    await expect(page.locator('html')).toHaveAttribute('lang', locale);
    await scan(page, `hosted list in ${locale}`, testInfo);

    const { embed_url: embedUrl } = await vendorApi('embed-token', { linked_account_id: linkedAccount, locale });
    await page.setViewportSize({ width: 360, height: 900 });
    await page.goto(`${links.vendorOrigin}/frame?width=320&src=${encodeURIComponent(embedUrl)}`);
    await expect(page.frameLocator('iframe').locator('[data-apps]')).toBeVisible();
    await scan(page, `widget in ${locale} in a 320 px frame`, testInfo, [360]);

    // A browser set to the language, on a page no link speaks for.
    const context = await page.context().browser()!.newContext({
      locale,
      javaScriptEnabled: testInfo.project.use.javaScriptEnabled !== false,
    });
    const browsing = await context.newPage();
    await browsing.goto(links.expiredUrl);
    await expect(browsing.locator('html')).toHaveAttribute('lang', locale);
    await scan(browsing, `expired link in ${locale}`, testInfo);
    await context.close();
  });
}

test('the API reference', async ({ page }, testInfo) => {
  await page.goto(`${links.base}/docs`);
  await expect(page.getByRole('heading', { level: 1, name: 'Portico API' })).toBeVisible();
  await scan(page, 'API reference', testInfo);
});

test('the console: sign-in, a refused key and link, the overview', async ({ page }, testInfo) => {
  await page.goto(`${links.base}/console/sign-in`);
  await scan(page, 'console sign-in', testInfo);
  await page.getByLabel('API key').fill('pk_test_wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByLabel('API key')).toHaveAttribute('aria-invalid', 'true');
  await scan(page, 'console sign-in, refused key', testInfo);
  await page.goto(`${links.base}/console/sign-in/pcl_forged`);
  await scan(page, 'console link refused', testInfo);
  const link = JSON.parse(portico('console', 'link', '--org', links.orgId, '--environment', 'test',
    '--format', 'json')).console_url;
  await page.goto(link);
  await scan(page, 'console link', testInfo);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await scan(page, 'console overview', testInfo);
  // A customer of this test's own, so no other spec changes what is scanned.
  const customer = `a11y-console-${testInfo.project.name}`;
  const scope = ['--org', links.orgId, '--environment', 'test'];
  portico('linked-account', 'upsert', ...scope, '--id', customer, '--name', 'Ada Scan');
  const recorded = JSON.parse(portico('connection', 'record', ...scope, '--linked-account', customer,
    '--slug', 'slack', '--identifier', 'Ada’s workspace', '--format', 'json'));
  portico('connection', 'flag', '--id', recorded.connection_id, '--reason', 'token_revoked');
  await page.goto(`${links.base}/console/connections?reason=token_revoked&q=${customer}`);
  await scan(page, 'console connections', testInfo);
  await page.locator(`tr[data-connection="${recorded.connection_id}"] a`).click();
  await expect(page.getByRole('heading', { name: 'Audit trail' })).toBeVisible();
  await scan(page, 'console connection', testInfo);
  await page.goto(`${links.base}/console/webhooks`);
  await scan(page, 'console webhooks', testInfo);
  await page.goto(`${links.base}/console/settings`);
  await page.getByLabel('Origin', { exact: true }).fill('https://app.example.com/settings');
  await page.getByRole('button', { name: 'Allow' }).click();
  await expect(page.getByLabel('Origin', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await scan(page, 'console settings, refused origin', testInfo);
});

test('the console: apps, an own app refused and shown, branding and a webhook range refused', async ({ page }, testInfo) => {
  await page.goto(`${links.base}/console/sign-in`);
  await page.getByLabel('API key').fill(links.apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The demo org's webhook page, with its subscription.
  await page.goto(`${links.base}/console/webhooks`);
  await page.getByLabel('From (UTC)').fill('yesterday');
  await page.getByRole('button', { name: 'Send the range again' }).click();
  await expect(page.getByLabel('From (UTC)')).toHaveAttribute('aria-invalid', 'true');
  await scan(page, 'console webhooks, refused range', testInfo);
  // An org of this test's own for the rest: no other spec sees its app or branding.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.goto(`${links.base}/console/sign-in`);
  await page.getByLabel('API key').fill(ownOrg(`Scans ${testInfo.project.name}`).key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.goto(`${links.base}/console/apps`);
  await scan(page, 'console apps', testInfo);
  await page.goto(`${links.base}/console/apps/slack`);
  await expect(page.getByLabel('Slack signing secret')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Offer Slack' })).toBeVisible();
  await scan(page, 'console app (catalog)', testInfo);
  await page.goto(`${links.base}/console/custom-apps/new`);
  await page.getByRole('button', { name: 'Add the app' }).click();
  await expect(page.getByLabel('Slug')).toHaveAttribute('aria-invalid', 'true');
  await scan(page, 'console new app, refused', testInfo);
  // An app of this test's own, shown with its edit form and removed after.
  const slug = `a11y-own-${testInfo.project.name}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  await page.getByLabel('Slug').fill(slug);
  await page.getByLabel('Name', { exact: true }).fill('Scan CRM');
  await page.getByLabel('API keys (fill in the key form part)').check();
  await page.getByRole('button', { name: 'Add the app' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Scan CRM' })).toBeVisible();
  await scan(page, 'console app (own)', testInfo);
  await page.getByLabel('Flag no connection and delete Scan CRM').check();
  await page.getByRole('button', { name: 'Delete Scan CRM' }).click();
  await expect(page).toHaveURL(`${links.base}/console/apps?done=deleted`);
  await page.goto(`${links.base}/console/settings`);
  await page.getByLabel('Accent colour').fill('#ffcc00');
  await page.getByRole('button', { name: 'Save branding' }).click();
  await expect(page.getByLabel('Accent colour')).toHaveAttribute('aria-invalid', 'true');
  await scan(page, 'console settings, refused accent', testInfo);
});

