// The catalog's brand icons, made at build time from simple-icons: a tile in the brand's colour
// with its mark in black or white, whichever reads; apps simple-icons lacks keep a monogram.
import { expect, links, test } from './fixtures';

test('catalog apps show their brand icon, or their monogram when there is none',
  async ({ page, request }) => {
    const stripe = await request.get(`${links.base}/icons/stripe.svg`);
    expect(stripe.ok()).toBe(true);
    expect(stripe.headers()['content-type']).toContain('image/svg+xml');
    const mark = await stripe.text();
    expect(mark).toContain('aria-label="Stripe"');
    expect(mark).toContain('fill="#635BFF"');
    expect(mark).toContain('<path');
    expect(mark).not.toContain('<text');

    const twilio = await (await request.get(`${links.base}/icons/twilio.svg`)).text();
    expect(twilio).toContain('<text');

    await page.goto(links.demoUrl);
    const icon = page.locator('[data-app-card="stripe"] img.app-card__icon');
    await expect(icon).toHaveAttribute('src', '/icons/stripe.svg');
    await expect(icon).toHaveAttribute('alt', /Stripe/);
  });
