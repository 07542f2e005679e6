import { connectionsOf, expect, links, test } from './fixtures';

// A hosted link is traded for a session cookie on its first visit: the address bar never keeps
// the token, and only the browser that opened the link sees the page.
test('the link leaves the address bar, reloads work, and another browser is told what to do',
  async ({ page, browser, javaScriptEnabled }) => {
    await page.goto(links.demoUrl);
    await expect(page).toHaveURL(`${links.base}/connect`);
    await expect(page.getByRole('heading', { name: 'Connect your apps' })).toBeVisible();
    expect(page.url()).not.toContain('pst_');
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Connect your apps' })).toBeVisible();
    const cookies = await page.context().cookies();
    const session = cookies.find((cookie) => cookie.name === 'portico_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');

    const other = await browser.newContext({ javaScriptEnabled });
    const stranger = await other.newPage();
    const response = await stranger.goto(`${links.base}/connect`);
    expect(response?.status()).toBe(401);
    await expect(stranger.getByRole('heading', { name: 'Open your connect link again' }))
      .toBeVisible();
    await expect(stranger.getByText('Connect your apps')).toHaveCount(0);
    await other.close();
  });

test('a failed key form keeps its messages and values with nothing of them in any address',
  async ({ page }, testInfo) => {
    // The OAuth specs' customer: it never connects Twilio, so the count below is this test's.
    const { linkedAccount, url } = links.oauth[testInfo.project.name];
    const addresses: string[] = [];
    page.on('request', (request) => addresses.push(request.url()));
    page.on('response', (response) => {
      const location = response.headers()['location'];
      if (location) addresses.push(location);
    });
    await page.goto(url);
    await page.locator('[data-app-card="twilio"]').getByRole('link', { name: /Twilio/ }).click();
    await page.locator('#key-twilio-number').fill('call me maybe');
    await page.locator('#key-twilio-sid').fill('ACsecret-value');
    await page.locator('#key-twilio').getByRole('button', { name: 'Save and connect' }).click();
    await expect(page.locator('#key-twilio-number-error'))
      .toContainText('Phone number must contain only digits');
    await expect(page.locator('#key-twilio-number')).toHaveValue('call me maybe');
    await expect(page.locator('#key-twilio-sid')).toHaveValue('');
    for (const address of addresses) {
      const decoded = decodeURIComponent(address);
      expect(decoded).not.toContain('call me');
      expect(decoded).not.toContain('must contain');
      expect(decoded).not.toContain('ACsecret');
      expect(decoded.replace(url, '')).not.toContain('pst_');
    }
    expect(connectionsOf(linkedAccount).filter((c) => c.slug === 'twilio')).toHaveLength(0);
  });

test('a form posted from another site is refused and changes nothing',
  async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, 'the attacking page submits its form with a script');
  await page.goto(links.demoUrl);
  const demoSandbox = () => connectionsOf('demo-customer').filter((c) => c.slug === 'sandbox');
  const before = demoSandbox().length;
  // Another origin's page that auto-submits a form at Portico in this browser.
  const evil = `data:text/html,<form method="post" action="${links.base}/_portal/connect">` +
    '<input name="slug" value="sandbox"></form><script>document.forms[0].submit()</script>';
  const refused = page.waitForResponse(`${links.base}/_portal/connect`);
  await page.goto(evil).catch(() => undefined);
  const response = await refused;
  expect(response.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'This request came from another site' }))
    .toBeVisible();
  expect(demoSandbox()).toHaveLength(before);
});
