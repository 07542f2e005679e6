import { connectionsOf, expect, links, test } from './fixtures';

const SID = 'AC0123456789abcdef0123456789abcdef';

test('the Twilio form explains each bad value, keeps what is not secret, then connects',
  async ({ page, javaScriptEnabled }, testInfo) => {
    const { linkedAccount, url } = links.keys[testInfo.project.name];
    const card = page.locator('[data-app-card="twilio"]');
    const dialog = page.locator('#key-twilio');
    const number = page.locator('#key-twilio-number');
    const sid = page.locator('#key-twilio-sid');
    let alerts = 0;
    page.on('dialog', async (alert) => {
      alerts += 1;
      await alert.dismiss();
    });

    await page.goto(url);
    await expect(dialog).toBeHidden();
    if (javaScriptEnabled) {
      // Until the island wakes, Connect is the link that works without JavaScript.
      await expect(page.locator('html[data-key-dialogs="ready"]')).toHaveCount(1);
    }
    await card.getByRole('link', { name: 'Connect: Twilio' }).click();
    await expect(dialog).toBeVisible();
    if (javaScriptEnabled) {
      // A modal dialog on the same page, with focus inside it.
      expect(page.url()).toBe(`${links.base}/connect`);
      expect(await dialog.evaluate((element) => element.matches(':modal'))).toBe(true);
      await expect(number).toBeFocused();
    } else {
      await expect(page).toHaveURL(/\?connect=twilio/);
    }
    await expect(sid).toHaveAttribute('type', 'password');

    const attempts: Array<[string, string, string, string]> = [
      ['', SID, 'number', 'Enter your Phone number'],
      ['call me maybe', SID, 'number', 'Phone number must contain only digits'],
      [`+1${'5'.repeat(15)}`, SID, 'number', 'Phone number must be at most 16 characters'],
      ['+14155550100', 'ACnot-a-sid', 'sid', 'Account SID is not in the expected format'],
      ['<script>alert(1)</script>', SID, 'number', 'Phone number must be at most 16 characters'],
      ['<b>5</b>', SID, 'number', 'Phone number must contain only digits'],
    ];
    for (const [numberValue, sidValue, field, message] of attempts) {
      await number.fill(numberValue);
      await sid.fill(sidValue);
      await dialog.getByRole('button', { name: 'Save and connect' }).click();
      await expect(dialog).toBeVisible();
      const input = page.locator(`#key-twilio-${field}`);
      await expect(page.locator(`#key-twilio-${field}-error`)).toContainText(message);
      await expect(input).toHaveAttribute('aria-invalid', 'true');
      await expect(input).toBeFocused();
      // Non-secret values come back as typed (as text, never as markup); secrets never do.
      await expect(number).toHaveValue(numberValue.trim());
      await expect(sid).toHaveValue('');
      expect(await page.content()).not.toContain(sidValue === SID ? SID : sidValue);
      expect(connectionsOf(linkedAccount)).toHaveLength(0);
    }
    expect(alerts).toBe(0);

    await number.fill('  +14155550100 ');
    await sid.fill(SID);
    await dialog.getByRole('button', { name: 'Save and connect' }).click();
    await expect(page.locator('[data-banner]')).toHaveText('Twilio is connected.');
    await expect(card.locator('.badge', { hasText: 'Connected' })).toBeVisible();
    await expect(card.getByText('+14155550100')).toBeVisible();
    await expect(dialog).toBeHidden();
    expect(await page.content()).not.toContain(SID);
    const [connection] = connectionsOf(linkedAccount);
    expect(connection.slug).toBe('twilio');
    expect(connection.identifier).toBe('+14155550100');
  });

test('what a browser form cannot send is refused too: control characters, unknown fields, 16 KiB',
  async ({ page }, testInfo) => {
    const { linkedAccount, url } = links.keys[testInfo.project.name];
    await page.goto(url);
    const link = await page.locator('input[name="link"]').first().inputValue();
    const post = (form: Record<string, string>) =>
      page.request.post(`${links.base}/_portal/save-keys`, {
        form: { slug: 'sendgrid', link, ...form },
        headers: { accept: 'text/html', origin: links.base },
        maxRedirects: 0,
      });
    // The answer goes back to the page; the message waits in the session, not in the address.
    const pageAfter = async (response: Awaited<ReturnType<typeof post>>) => {
      expect(response.status()).toBe(302);
      expect(response.headers()['location']).toBe('/connect');
      return (await page.request.get(`${links.base}/connect`)).text();
    };

    const control = await post({ 'values[api_key]': 'SG.abc\u0000def' });
    expect(await pageAfter(control)).toContain('must not contain control characters');

    const unknown = await post({ 'values[api_key]': 'SG.abcdef', 'values[password]': 'x' });
    expect(await pageAfter(unknown)).toContain('is not a field of SendGrid');

    const huge = await post({ 'values[api_key]': `SG.${'a'.repeat(17 * 1024)}` });
    expect(huge.status()).toBe(413);
    expect(await huge.text()).toContain('up to 16 KB');

    expect(connectionsOf(linkedAccount).filter((c) => c.slug === 'sendgrid')).toHaveLength(0);
  });
