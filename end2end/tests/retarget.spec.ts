import type { Page } from '@playwright/test';
import { connectionsOf, expect, links, test } from './fixtures';

const SID = 'AC0123456789abcdef0123456789abcdef';

/// Another site opens `url` in this browser and the popup goes away again: closed by the
/// other site's script, or (without JavaScript) by the person.
async function openedElsewhere(page: Page, url: string, javaScriptEnabled: boolean) {
  const other = await page.context().newPage();
  await other.goto(`${links.elsewhere}/?open=${encodeURIComponent(url)}`);
  const opened = other.waitForEvent('popup');
  await other.locator(javaScriptEnabled ? '#popup' : '#link').click();
  const popup = await opened;
  await expect(popup.getByRole('heading', { name: 'Open this connect link?' })).toBeVisible();
  await expect(popup.getByText('You are in the middle of connecting apps for')).toBeVisible();
  await popup.screenshot({ path: test.info().outputPath(`choice-${Date.now()}.png`) });
  if (javaScriptEnabled) await popup.waitForEvent('close');
  else await popup.close();
  await other.close();
}

test('a link pushed in from another site cannot take over the page the customer has open',
  async ({ page, javaScriptEnabled }, testInfo) => {
    const victim = links.victims[testInfo.project.name];
    const other = links.others[testInfo.project.name];
    const sandbox = page.locator('[data-app-card="sandbox"]');
    const twilio = page.locator('[data-app-card="twilio"]');

    await page.goto(victim.url);
    await expect(page).toHaveURL(`${links.base}/connect`);
    await openedElsewhere(page, other.url, javaScriptEnabled);

    // Connect in the tab the customer already had: it lands on their own account.
    await sandbox.getByRole('button', { name: 'Connect: Portico Sandbox' }).click();
    await page.getByLabel('Account name').fill(`Victim ${testInfo.project.name}`);
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect(page.locator('[data-banner]')).toHaveText('Portico Sandbox is connected.');
    expect(connectionsOf(victim.linkedAccount).map((c) => c.slug)).toEqual(['sandbox']);
    expect(connectionsOf(other.linkedAccount)).toHaveLength(0);

    // The same for a key form, with the other link pushed in again while it is open.
    await twilio.getByRole('link', { name: 'Connect: Twilio' }).click();
    await openedElsewhere(page, other.url, javaScriptEnabled);
    await page.locator('#key-twilio-number').fill('+14155550100');
    await page.locator('#key-twilio-sid').fill(SID);
    await page.locator('#key-twilio').getByRole('button', { name: 'Save and connect' }).click();
    await expect(page.locator('[data-banner]')).toHaveText('Twilio is connected.');
    expect(connectionsOf(victim.linkedAccount).map((c) => c.slug).sort())
      .toEqual(['sandbox', 'twilio']);
    expect(connectionsOf(other.linkedAccount)).toHaveLength(0);
  });

test('a page left open after this browser moved to another link refuses as out of date',
  async ({ page }, testInfo) => {
    const victim = links.stale[testInfo.project.name];
    const other = links.others[testInfo.project.name];
    await page.goto(victim.url);
    const before = connectionsOf(victim.linkedAccount).length;

    // The person chooses to open the other link in a second tab.
    const second = await page.context().newPage();
    await second.goto(`${links.elsewhere}/?open=${encodeURIComponent(other.url)}`);
    const opened = second.waitForEvent('popup');
    await second.locator('#link').click();
    const popup = await opened;
    await popup.getByRole('button', { name: 'Open this link' }).click();
    await expect(popup).toHaveURL(`${links.base}/connect`);

    // The first tab still shows the customer's list; its buttons act for nobody. (Opening a
    // key form without JavaScript loads the page again, for the link the browser has now.)
    const sandbox = page.locator('[data-app-card="sandbox"]');
    await sandbox.getByRole('button', { name: 'Connect: Portico Sandbox' }).click();
    await expect(page).toHaveURL(`${links.base}/connect/out-of-date`);
    await expect(page.getByRole('heading', { name: 'This page is out of date' })).toBeVisible();
    await expect(page.getByText('It was opened for another link')).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('out-of-date.png') });
    expect(connectionsOf(victim.linkedAccount)).toHaveLength(before);
    expect(connectionsOf(other.linkedAccount)).toHaveLength(0);
    await page.getByRole('link', { name: 'Reload' }).click();
    await expect(page).toHaveURL(`${links.base}/connect`);
    await expect(sandbox.getByText('Not connected')).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('reloaded.png'), fullPage: false });
  });
