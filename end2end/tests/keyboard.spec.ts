// Keyboard only: connect, reconnect, a key form and disconnect with Tab, Enter and Escape, with
// JavaScript on and off. Focus is visible, moves into a form and back after it, and lands on
// the outcome (a live region) when the page comes back.
import type { Locator, Page } from '@playwright/test';
import { connectionsOf, expect, portico, test, vendorApi } from './fixtures';

/// Presses Tab until `target` has focus (at most 80 times), and checks its focus is visible.
async function tabTo(page: Page, target: Locator) {
  const focused = target.and(page.locator(':focus'));
  for (let presses = 0; presses < 80; presses += 1) {
    if ((await focused.count()) === 1) break;
    await page.keyboard.press('Tab');
  }
  await expect(focused).toHaveCount(1);
  await expect(target).toHaveCSS('outline-style', 'solid');
}

/// The outcome of the last button: a live region, with focus on it.
async function outcome(page: Page, text: string) {
  const banner = page.getByRole('status').filter({ hasText: text });
  await expect(banner).toBeVisible();
  await expect(banner).toBeFocused();
}

async function customer(id: string, extra: object = {}): Promise<string> {
  await vendorApi('linked-account', { linked_account_id: id });
  return (await vendorApi('connect-url', { linked_account_id: id, ...extra })).hosted_url;
}

test('a key form by keyboard: open, refuse, fix, save, then disconnect',
  async ({ page, javaScriptEnabled }, testInfo) => {
    const linkedAccount = `keyboard-keys-${testInfo.project.name}`;
    await page.goto(await customer(linkedAccount));
    if (javaScriptEnabled) {
      await expect(page.locator('html[data-key-dialogs="ready"]')).toHaveCount(1);
    }
    const open = page.getByRole('link', { name: 'Connect: Twilio' });
    const number = page.getByLabel('Phone number');
    await tabTo(page, open);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('dialog', { name: 'Connect Twilio' })).toBeVisible();
    await expect(number).toBeFocused();

    if (javaScriptEnabled) {
      // Escape closes the dialog and gives focus back to what opened it.
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog', { name: 'Connect Twilio' })).toBeHidden();
      await expect(open).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(number).toBeFocused();
    } else {
      // Cancel goes back to the list at this app's card: Tab goes on from there.
      await tabTo(page, page.getByRole('link', { name: 'Cancel' }));
      await page.keyboard.press('Enter');
      await expect(page.getByRole('dialog', { name: 'Connect Twilio' })).toBeHidden();
      await page.keyboard.press('Tab');
      await expect(open).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(number).toBeFocused();
    }

    await page.keyboard.type('call me maybe');
    await page.keyboard.press('Tab');
    await page.keyboard.type('AC0123456789abcdef0123456789abcdef');
    await page.keyboard.press('Enter');
    // Back with the refusal: focus on the field to fix, which says why.
    await expect(number).toBeFocused();
    await expect(number).toHaveAttribute('aria-invalid', 'true');
    await expect(number).toHaveAccessibleDescription(/Phone number must contain only digits/);

    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('+14155550100');
    await page.keyboard.press('Tab');
    await page.keyboard.type('AC0123456789abcdef0123456789abcdef');
    await page.keyboard.press('Enter');
    await outcome(page, 'Twilio is connected.');
    expect(connectionsOf(linkedAccount)).toHaveLength(1);

    await tabTo(page, page.getByRole('button', { name: 'Disconnect Twilio' }));
    await page.keyboard.press('Enter');
    await outcome(page, 'Twilio was disconnected.');
    expect(connectionsOf(linkedAccount)).toHaveLength(0);
  });

test('an OAuth2 app by keyboard: connect, reconnect after a revoke, disconnect',
  async ({ page }, testInfo) => {
    const linkedAccount = `keyboard-oauth-${testInfo.project.name}`;
    const account = `Keyboard ${testInfo.project.name}`;
    await page.goto(await customer(linkedAccount));

    const signIn = async (button: string) => {
      await tabTo(page, page.getByRole('button', { name: button }));
      await page.keyboard.press('Enter');
      const name = page.getByLabel('Account name');
      await tabTo(page, name);
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type(account);
      await tabTo(page, page.getByRole('button', { name: 'Approve' }));
      await page.keyboard.press('Enter');
      await outcome(page, 'Portico Sandbox is connected.');
    };

    await signIn('Connect: Portico Sandbox');
    expect(connectionsOf(linkedAccount)).toHaveLength(1);

    portico('sandbox', 'revoke', '--account', account);
    await page.reload();
    await expect(page.getByText('Reconnect needed')).toBeVisible();
    await signIn('Reconnect: Portico Sandbox');
    expect(connectionsOf(linkedAccount)[0].status).toBe('active');

    await tabTo(page, page.getByRole('button', { name: 'Disconnect Portico Sandbox' }));
    await page.keyboard.press('Enter');
    await outcome(page, 'Portico Sandbox was disconnected.');
    expect(connectionsOf(linkedAccount)).toHaveLength(0);
  });
