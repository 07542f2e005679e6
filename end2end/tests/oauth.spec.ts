import { connectionsOf, expect, links, portico, test } from './fixtures';

test('the sandbox app connects, is revoked at the provider, and reconnects in place',
  async ({ page }, testInfo) => {
    const { linkedAccount, url } = links.oauth[testInfo.project.name];
    const account = `Sandbox ${testInfo.project.name}`;
    const card = page.locator('[data-app-card="sandbox"]');

    await page.goto(url);
    await card.getByRole('button', { name: 'Connect: Portico Sandbox' }).click();
    await expect(page).toHaveURL(/\/sandbox\/oauth\/authorize\?/);
    await expect(page.getByRole('heading', { name: 'Allow access to your sandbox account?' }))
      .toBeVisible();
    await page.getByLabel('Account name').fill(account);
    await page.getByRole('button', { name: 'Approve' }).click();

    await expect(page).toHaveURL(`${links.base}/connect`);
    await expect(page.locator('[data-banner]')).toHaveText('Portico Sandbox is connected.');
    await expect(card.locator('.badge', { hasText: 'Connected' })).toBeVisible();
    await expect(card.getByText(account)).toBeVisible();
    const [first] = connectionsOf(linkedAccount);
    expect(first.status).toBe('active');

    // The provider revokes access and tells Portico at once, as Slack sends tokens_revoked.
    expect(portico('sandbox', 'revoke', '--account', account)).toContain('Portico was told of 1');
    await page.goto(url);
    await expect(card.getByText('Reconnect needed')).toBeVisible();
    await expect(card.getByText('Access to your account was revoked.')).toBeVisible();

    await card.getByRole('button', { name: 'Reconnect: Portico Sandbox' }).click();
    await page.getByLabel('Account name').fill(account);
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect(page.locator('[data-banner]')).toHaveText('Portico Sandbox is connected.');
    await expect(card.getByText('Reconnect needed')).toHaveCount(0);
    await expect(card.locator('.badge', { hasText: 'Connected' })).toBeVisible();

    const after = connectionsOf(linkedAccount);
    expect(after).toHaveLength(1);
    expect(after[0].id).toBe(first.id);
    expect(after[0].connected_at).toBe(first.connected_at);
    expect(after[0].status).toBe('active');
    expect(after[0].reauth_reason).toBeNull();

    // Disconnect removes it and revokes at the provider.
    await card.getByRole('button', { name: 'Disconnect Portico Sandbox' }).click();
    await expect(page.locator('[data-banner]')).toHaveText('Portico Sandbox was disconnected.');
    await expect(card.getByText('Not connected')).toBeVisible();
    expect(connectionsOf(linkedAccount)).toHaveLength(0);
  });

test('denying at the provider says so and connects nothing', async ({ page }) => {
  await page.goto(links.demoUrl);
  const card = page.locator('[data-app-card="sandbox"]');
  await card.getByRole('button', { name: /^(Connect|Reconnect): Portico Sandbox$/ }).click();
  await page.getByRole('button', { name: 'Deny' }).click();
  await expect(page.getByRole('heading', { name: 'You cancelled the connection' })).toBeVisible();
  await page.getByRole('link', { name: 'Back to your apps' }).click();
  await expect(card.getByText('Not connected')).toBeVisible();
});

test('a tampered callback gets a readable page', async ({ page }) => {
  const response = await page.goto(`${links.base}/oauth/callback?state=forged&code=x`);
  expect(response?.status()).toBe(400);
  await expect(page.getByRole('heading', { name: 'This sign-in is not valid' })).toBeVisible();
});
