import { connectionsOf, expect, links, test } from './fixtures';

// `@cobaltio/cobalt-js` 8.0.0, loaded from npm into a page on another origin, against Portico.
test('cobalt-js lists the apps and connects the sandbox through a popup',
  async ({ page, javaScriptEnabled }, testInfo) => {
    test.skip(!javaScriptEnabled, 'the SDK is JavaScript');
    const token = links.sdkTokens[testInfo.project.name];
    await page.goto(links.vendorOrigin);
    expect(new URL(page.url()).origin).not.toBe(new URL(links.base).origin);

    const apps = await page.evaluate(async ({ base, token }) => {
      const cobalt = new (window as any).Cobalt({ baseUrl: base, token });
      return cobalt.getApp();
    }, { base: links.base, token });
    expect(apps).toHaveLength(16);
    const sandbox = apps.find((app: { slug: string }) => app.slug === 'sandbox');
    expect(sandbox).toMatchObject({ auth_type: 'oauth2', connected: false, type: 'sandbox' });

    const popupOpened = page.waitForEvent('popup');
    const connected = page.evaluate(async ({ base, token }) => {
      const cobalt = new (window as any).Cobalt({ baseUrl: base, token });
      return cobalt.connect('sandbox');
    }, { base: links.base, token });
    const popup = await popupOpened;
    // Portico's start page says what is connected for whom; one click binds the popup.
    await expect(popup.getByRole('heading', { name: 'Connect Portico Sandbox to Acme Demo' }))
      .toBeVisible();
    await popup.getByRole('button', { name: 'Continue to Portico Sandbox' }).click();
    await expect(popup.getByRole('heading', { name: 'Allow access to your sandbox account?' }))
      .toBeVisible();
    await popup.getByLabel('Account name').fill('SDK user');
    await popup.getByRole('button', { name: 'Approve' }).click();
    expect(await connected).toBe(true);

    const after = await page.evaluate(async ({ base, token }) => {
      const cobalt = new (window as any).Cobalt({ baseUrl: base, token });
      return cobalt.getApp('sandbox');
    }, { base: links.base, token });
    expect(after.connected).toBe(true);
    expect(after.connected_accounts[0].identifier).toBe('SDK user');
    const sandboxOf = () =>
      connectionsOf(`sdk-${testInfo.project.name}`).filter((c) => c.slug === 'sandbox');
    expect(sandboxOf()).toHaveLength(1);

    await page.evaluate(async ({ base, token }) => {
      const cobalt = new (window as any).Cobalt({ baseUrl: base, token });
      await cobalt.disconnect('sandbox');
    }, { base: links.base, token });
    expect(sandboxOf()).toHaveLength(0);
  });

test('cobalt-js saves a key-based app with connect(slug, values)',
  async ({ page, javaScriptEnabled, consoleErrors }, testInfo) => {
    test.skip(!javaScriptEnabled, 'the SDK is JavaScript');
    const token = links.sdkTokens[testInfo.project.name];
    await page.goto(links.vendorOrigin);
    const run = (values: Record<string, string>) =>
      page.evaluate(async ({ base, token, values }) => {
        const cobalt = new (window as any).Cobalt({ baseUrl: base, token });
        try {
          return await cobalt.connect('twilio', values);
        } catch (error) {
          return `rejected: ${(error as Error).message}`;
        }
      }, { base: links.base, token, values });

    // A bad value is a 422, which the SDK turns into a rejection; nothing is stored.
    expect(await run({ number: 'not a number', sid: 'AC0123456789abcdef0123456789abcdef' }))
      .toMatch(/^rejected:/);
    // Chromium logs the 422 the SDK received; that refusal is what this step wants.
    expect(consoleErrors.join('\n')).toContain('422');
    consoleErrors.length = 0;
    expect(connectionsOf(`sdk-${testInfo.project.name}`).filter((c) => c.slug === 'twilio'))
      .toHaveLength(0);

    expect(await run({ number: '+14155550123', sid: 'AC0123456789abcdef0123456789abcdef' }))
      .toBe(true);
    const twilio = await page.evaluate(async ({ base, token }) => {
      const cobalt = new (window as any).Cobalt({ baseUrl: base, token });
      return cobalt.getApp('twilio');
    }, { base: links.base, token });
    expect(twilio.connected).toBe(true);
    expect(twilio.connected_accounts[0].identifier).toBe('+14155550123');
    expect(JSON.stringify(twilio)).not.toContain('AC0123456789abcdef0123456789abcdef');
  });

test('a page on an origin the org has not allowed cannot use the SDK routes',
  async ({ page, javaScriptEnabled, consoleErrors }, testInfo) => {
    test.skip(!javaScriptEnabled, 'the SDK is JavaScript');
    // Portico's own origin serves no SDK page; use a data: URL's opaque origin instead.
    await page.goto('data:text/html,<title>elsewhere</title>');
    const outcome = await page.evaluate(async ({ base, token }) => {
      try {
        await fetch(`${base}/api/v2/f-sdk/application`, {
          headers: { authorization: `Bearer ${token}` },
        });
        return 'read';
      } catch {
        return 'blocked';
      }
    }, { base: links.base, token: links.sdkTokens[testInfo.project.name] });
    expect(outcome).toBe('blocked');
    // Chromium logs the refused request; that refusal is what this test wants.
    expect(consoleErrors.join('\n')).toMatch(/CORS|Failed to fetch|ERR_FAILED/);
    consoleErrors.length = 0;
  });
