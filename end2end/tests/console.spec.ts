import { connectionsOf, expect, links, ownOrg, portico, test } from './fixtures';

/// A one-time sign-in link to the demo org's console, as `portico console link` prints it.
function consoleLink(): string {
  return JSON.parse(portico('console', 'link', '--org', links.orgId, '--environment', 'test',
    '--format', 'json')).console_url;
}

test('a console link signs in once; the overview counts the flagged connection; sign out ends it',
  async ({ page }) => {
    const link = consoleLink();
    await page.goto(link);
    await expect(page.getByRole('heading', { name: 'Sign in to the Portico console' })).toBeVisible();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(`${links.base}/console`);
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
    await expect(page.getByText('Acme Demo')).toBeVisible();
    // Riley's HubSpot was flagged token_revoked when the suite began.
    const revoked = page.locator('tr[data-reason="token_revoked"] td');
    expect(Number(await revoked.textContent())).toBeGreaterThanOrEqual(1);
    await expect(page.getByRole('link', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');

    // The link worked once.
    const again = await page.context().browser()!.newPage();
    await again.goto(link);
    await expect(again.getByRole('heading', { name: 'This sign-in link does not work' })).toBeVisible();
    await again.close();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByText('You are signed out.')).toBeVisible();
    await page.goto(`${links.base}/console`);
    await expect(page).toHaveURL(`${links.base}/console/sign-in`);
  });

test('an API key signs in, by keyboard; a wrong one is told at its field', async ({ page }) => {
  await page.goto(`${links.base}/console/sign-in`);
  const field = page.getByLabel('API key');
  await expect(field).toBeFocused();
  await field.fill('pk_test_not-a-real-key');
  await field.press('Enter');
  await expect(page.getByText('That is not an API key Portico knows, or it was revoked.')).toBeVisible();
  await expect(page.getByLabel('API key')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('API key').fill(links.apiKey);
  await page.getByLabel('API key').press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await expect(page.locator('#count-accounts')).not.toHaveText('0');
  // The key is not in the page.
  expect(await page.content()).not.toContain(links.apiKey);
});

test('a form posted to the console from another site is refused and changes nothing',
  async ({ page }) => {
    await page.goto(consoleLink());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
    const csrf = await page.locator('input[name="csrf"]').getAttribute('value');
    // Another site's page submits a sign-out form into Portico, with the right token even.
    await page.goto(`${links.elsewhere}/?open=about:blank`);
    await page.setContent(`<form method="post" action="${links.base}/console/sign-out">
      <input type="hidden" name="csrf" value="${csrf}"><button>Go</button></form>`);
    await page.getByRole('button', { name: 'Go' }).click();
    await expect(page.getByRole('heading', { name: 'This request came from another site' }))
      .toBeVisible();
    await page.goto(`${links.base}/console`);
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  });

test('find the customer whose Slack was revoked by its reason, open its trail, send its failed webhook again, disconnect it',
  async ({ page }, testInfo) => {
    const customer = `console-${testInfo.project.name}`;
    const scope = ['--org', links.orgId, '--environment', 'test'];
    portico('linked-account', 'upsert', ...scope, '--id', customer, '--name', 'Casey Console');
    const recorded = JSON.parse(portico('connection', 'record', ...scope, '--linked-account', customer,
      '--slug', 'slack', '--identifier', `Casey's workspace ${testInfo.project.name}`, '--format', 'json'));
    portico('connection', 'flag', '--id', recorded.connection_id, '--reason', 'token_revoked');

    await page.goto(consoleLink());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Connections' }).click();
    await page.getByLabel('Reason').selectOption('token_revoked');
    await page.getByLabel('Customer id or name').fill('casey');
    await page.getByRole('button', { name: 'Filter' }).click();
    const row = page.locator(`tr[data-connection="${recorded.connection_id}"]`);
    await expect(row).toContainText('To reconnect: token_revoked');
    await row.getByRole('link').click();
    await expect(page.getByRole('heading', { level: 1, name: `slack for ${customer}` })).toBeVisible();
    await expect(page.locator('#trail tr[data-kind="flagged"]')).toContainText('token_revoked');

    // Its Connection Expired webhook failed (the vendor's receiver answered 500): send it again.
    const trailUrl = page.url();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('link', { name: 'Show the failing only' }).click();
    const delivery = page.locator('#deliveries tr', { hasText: `Connection Expired: slack of ${customer}` });
    await expect(async () => {
      await page.reload();
      await expect(delivery).toContainText('failing, to be tried again', { timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    await expect(delivery).toContainText('500 at ');
    await delivery.getByRole('button', { name: /^Send again/ }).click();
    await expect(page.getByText('Queued again; it is sent within seconds.')).toBeVisible();
    await expect(async () => {
      await page.goto(`${links.base}/console/webhooks`);
      await expect(delivery).toContainText('delivered', { timeout: 1000 });
    }).toPass({ timeout: 20_000 });

    await page.goto(trailUrl);
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await expect(page.getByText('Disconnected; the vendor\'s webhook says so.')).toBeVisible();
    await expect(page.locator(`tr[data-connection="${recorded.connection_id}"]`)).toHaveCount(0);
    expect(connectionsOf(customer)).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByText('You are signed out.')).toBeVisible();
  });

test('an app of our own is added from the console, refused at its field first, and deleted with the box ticked',
  async ({ page }, testInfo) => {
    // An org of this test's own: no other spec's page lists the app while it exists.
    const { org, key } = ownOrg(`Own apps ${testInfo.project.name}`);
    await page.goto(`${links.base}/console/sign-in`);
    await page.getByLabel('API key').fill(key);
    await page.getByLabel('API key').press('Enter');
    await page.getByRole('link', { name: 'Apps' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Apps' })).toBeVisible();
    await expect(page.locator('tr[data-app="slack"]')).toContainText('Off');
    await page.getByRole('link', { name: 'Add your own app' }).click();

    const slug = `own-${testInfo.project.name}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
    await page.getByLabel('Slug').fill(slug);
    await page.getByLabel('API keys (fill in the key form part)').check();
    await page.getByRole('button', { name: 'Add the app' }).click();
    // No name: said at the field, what was typed kept.
    await expect(page.locator('#name-error')).toHaveText('must not be empty');
    await expect(page.getByLabel('Name', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Slug')).toHaveValue(slug);
    await page.getByLabel('Name', { exact: true }).fill('Ledger Café');
    await page.getByRole('button', { name: 'Add the app' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Ledger Café' })).toBeVisible();
    await expect(page.getByText('Offered: customers can connect it now.')).toBeVisible();

    // Customers see it.
    portico('linked-account', 'upsert', '--org', org, '--environment', 'test', '--id', 'riley');
    const listed = await fetch(`${links.base}/api/v2/public/application`, {
      headers: { 'x-api-key': key, linked_account_id: 'riley' },
    }).then((answer) => answer.json());
    expect(listed.map((app: { slug: string }) => app.slug)).toContain(slug);

    // Deleting asks for the box first (the browser insists without JavaScript too).
    await expect(page.getByText('Deleting Ledger Café removes it and its settings, and flags no connection of it'))
      .toBeVisible();
    await page.getByLabel('Flag no connection and delete Ledger Café').check();
    await page.getByRole('button', { name: 'Delete Ledger Café' }).click();
    await expect(page).toHaveURL(`${links.base}/console/apps?done=deleted`);
    await expect(page.locator(`tr[data-app="${slug}"]`)).toHaveCount(0);
  });
