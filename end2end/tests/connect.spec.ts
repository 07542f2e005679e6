import { links, test, expect } from './fixtures';

test('the demo link lists every enabled app, server-rendered', async ({ page }) => {
  const response = await page.goto(links.demoUrl);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1, name: 'Connect your apps' })).toBeVisible();
  const cards = page.locator('[data-app-card]');
  await expect(cards).toHaveCount(16);
  const slack = page.locator('[data-app-card="slack"]');
  await expect(slack.getByRole('heading', { name: 'Slack' })).toBeVisible();
  await expect(slack.getByRole('img', { name: 'Slack icon' })).toBeVisible();
  await expect(slack.getByText('Not connected')).toBeVisible();
  await expect(page.getByText('16 apps')).toBeVisible();
  await expect(page.getByText('Signed in as Demo Customer')).toBeVisible();
});

test('a flagged connection shows the Reconnect badge and its reason', async ({ page }) => {
  await page.goto(links.reauthUrl);
  const hubspot = page.locator('[data-app-card="hubspot"]');
  await expect(hubspot.getByText('Reconnect needed')).toBeVisible();
  await expect(hubspot.getByText('Access to your account was revoked.')).toBeVisible();
  await expect(hubspot.getByText('Riley CRM')).toBeVisible();
  const slack = page.locator('[data-app-card="slack"]');
  await expect(slack.locator('.badge', { hasText: 'Connected' })).toBeVisible();
  await expect(slack.getByText('Riley’s workspace')).toBeVisible();
  await expect(slack.getByText('Reconnect needed')).toHaveCount(0);
});

test('search and category filter narrow the list', async ({ page, javaScriptEnabled }) => {
  await page.goto(links.demoUrl);
  await page.getByLabel('Search apps').fill('crm');
  if (!javaScriptEnabled) {
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/\?q=crm/);
  }
  const visible = page.locator('[data-app-card]:visible');
  await expect(visible).toHaveCount(3);
  await expect(page.locator('[data-app-card="hubspot"]')).toBeVisible();
  await expect(page.locator('[data-app-card="slack"]')).toBeHidden();
  await expect(page.getByText('3 of 16 apps')).toBeVisible();

  await page.getByLabel('Search apps').fill('no such thing');
  if (!javaScriptEnabled) await page.getByRole('button', { name: 'Search' }).click();
  await expect(visible).toHaveCount(0);
  await expect(page.getByText('No apps match your search.')).toBeVisible();

  await page.getByLabel('Search apps').fill('');
  await page.getByLabel('Category').selectOption('Payments');
  if (!javaScriptEnabled) await page.getByRole('button', { name: 'Search' }).click();
  await expect(visible).toHaveCount(1);
  await expect(page.locator('[data-app-card="stripe"]')).toBeVisible();
});

test('an expired link shows a readable 410 page', async ({ page }) => {
  const response = await page.goto(links.expiredUrl);
  expect(response?.status()).toBe(410);
  await expect(page.getByRole('heading', { name: 'This link has expired' })).toBeVisible();
  await expect(page.getByText('Ask the app that sent you here for a new link.')).toBeVisible();
});

test('an unknown link shows a readable 401 page', async ({ page }) => {
  const response = await page.goto(`${links.base}/connect/pst_made-up`);
  expect(response?.status()).toBe(401);
  await expect(page.getByRole('heading', { name: 'This link is not valid' })).toBeVisible();
});

test('keyboard focus is visible on the search box', async ({ page }) => {
  await page.goto(links.demoUrl);
  await page.keyboard.press('Tab');
  const focused = page.locator(':focus');
  await expect(focused).toHaveAttribute('id', 'app-search');
  const outline = await focused.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).toBe('solid');
});

for (const width of [1280, 360]) {
  test(`the page fits ${width} px without sideways scrolling`, async ({ page }, testInfo) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(links.reauthUrl);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({
      path: testInfo.outputPath(`connect-${width}.png`),
      fullPage: true,
    });
  });
}
