// Each language once: a link made with `locale` speaks it (lang, heading, a badge), and the
// widget in German (the longest words) and Japanese (broken between phrases) fits a 320 px frame.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, links, test, vendorApi } from './fixtures';

const LOCALES = ['en', 'de', 'fr', 'es', 'ja', 'pt-BR'];

/// A one-line message of a language's words, as its Fluent file says it.
function words(locale: string, key: string): string {
  const file = path.join(__dirname, '..', '..', 'app', 'locales', locale, 'portico.ftl');
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${key} =`));
  if (!line) throw new Error(`${locale} has no ${key}`);
  return line.slice(key.length + 2).trim();
}

test('a link speaks the language it was made with', async ({ page }, testInfo) => {
  const linkedAccount = `languages-${testInfo.project.name}`;
  await vendorApi('linked-account', { linked_account_id: linkedAccount });
  for (const locale of LOCALES) {
    const { hosted_url: url } = await vendorApi('connect-url', {
      linked_account_id: linkedAccount,
      locale,
    });
    await page.goto(url);
    await expect(page.locator('html')).toHaveAttribute('lang', locale);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(words(locale, 'heading-connect-apps'));
    await expect(page.locator('[data-app-card="slack"] .badge').first())
      .toHaveText(words(locale, 'badge-not-connected'));
    await expect(page.getByRole('button', { name: words(locale, 'search-button') })).toBeVisible();
  }
});

for (const locale of ['de', 'ja']) {
  test(`the widget in ${locale} stays inside a 320 px frame`, async ({ page }, testInfo) => {
    const { embed_url: embedUrl } = await vendorApi('embed-token', {
      linked_account_id: `languages-widget-${locale}-${testInfo.project.name}`,
      locale,
    });
    await page.setViewportSize({ width: 360, height: 900 });
    await page.goto(`${links.vendorOrigin}/frame?width=320&src=${encodeURIComponent(embedUrl)}`);
    const frame = page.frameLocator('iframe');
    await expect(frame.locator('[data-apps]')).toBeVisible();
    const edge = await page.locator('iframe').boundingBox();
    expect(edge).not.toBeNull();
    const cards = frame.locator('[data-app-card]');
    const count = await cards.count();
    expect(count).toBeGreaterThan(0);
    for (let index = 0; index < count; index += 1) {
      const card = cards.nth(index);
      const box = (await card.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(edge!.x + edge!.width + 0.5);
      // Words too long for their line would stick out of their own box (inline boxes grow).
      for (const part of await card.locator('.badge, .button, .tag, .accounts__id, h2 + *').all()) {
        const inner = await part.boundingBox();
        if (!inner) continue;
        expect(inner.x + inner.width, await part.innerText()).toBeLessThanOrEqual(box.x + box.width + 0.5);
      }
    }
  });
}
