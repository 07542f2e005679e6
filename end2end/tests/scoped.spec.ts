import { connectionsOf, expect, portico, test, vendorApi } from './fixtures';

test('a link made for one app opens on it, and on its Reconnect once it is flagged',
  async ({ page }, testInfo) => {
    const linkedAccount = `scoped-${testInfo.project.name}`;
    const account = `Scoped ${testInfo.project.name}`;
    await vendorApi('linked-account', { linked_account_id: linkedAccount });
    const { hosted_url: url } = await vendorApi('connect-url', {
      linked_account_id: linkedAccount,
      app: 'sandbox',
    });
    const cards = page.locator('[data-app-card]');

    await page.goto(url);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connect Portico Sandbox');
    await expect(cards).toHaveCount(1);
    await expect(page.getByRole('searchbox')).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'All apps' })).toHaveCount(0);
    await page.getByRole('button', { name: 'Connect: Portico Sandbox' }).click();
    await page.getByLabel('Account name').fill(account);
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect(page.locator('[data-banner]')).toHaveText('Portico Sandbox is connected.');
    await expect(cards).toHaveCount(1);
    const [first] = connectionsOf(linkedAccount);

    // Revoked at the provider: the same link now opens on the Reconnect, which completes.
    expect(portico('sandbox', 'revoke', '--account', account)).toContain('Portico was told of 1');
    await page.goto(url);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reconnect Portico Sandbox');
    await page.getByRole('button', { name: 'Reconnect: Portico Sandbox' }).click();
    await page.getByLabel('Account name').fill(account);
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect(page.locator('[data-banner]')).toHaveText('Portico Sandbox is connected.');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connect Portico Sandbox');
    const after = connectionsOf(linkedAccount);
    expect(after).toHaveLength(1);
    expect(after[0].id).toBe(first.id);
    expect(after[0].status).toBe('active');
  });

test('a widget made for some apps shows those cards only, and a link leads on to them',
  async ({ page }, testInfo) => {
    const linkedAccount = `scoped-widget-${testInfo.project.name}`;
    const { embed_url: embedUrl } = await vendorApi('embed-token', {
      linked_account_id: linkedAccount,
      apps: ['twilio', 'sandbox'],
    });
    await page.goto(embedUrl);
    await expect(page.locator('[data-app-card]')).toHaveCount(2);
    await expect(page.locator('[data-app-card="slack"]')).toHaveCount(0);

    const { hosted_url: url } = await vendorApi('connect-url', {
      linked_account_id: linkedAccount,
      apps: ['twilio', 'sandbox'],
      app: 'twilio',
    });
    await page.goto(url);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connect Twilio');
    await expect(page.locator('[data-app-card]')).toHaveCount(1);
    await page.getByRole('link', { name: 'Connect: Twilio' }).click();
    await expect(page.getByRole('dialog', { name: 'Connect Twilio' })).toBeVisible();
    await page.getByRole('link', { name: 'Cancel' }).click();
    await page.getByRole('link', { name: 'All apps' }).click();
    await expect(page.locator('[data-app-card]')).toHaveCount(2);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connect your apps');
  });
