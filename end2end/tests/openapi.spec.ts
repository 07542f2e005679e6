import { readFileSync } from 'node:fs';
import { expect, links, test } from './fixtures';

// The OpenAPI document as an outside tool reads it: valid against the OpenAPI 3.1 schema, and
// listing every route the frontend SDK calls. The reference page renders it for people.
test.describe('the OpenAPI document', () => {
  test('validates against the OpenAPI 3.1 schema', async ({ javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, 'no page: once is enough');
    const document = await (await fetch(`${links.base}/api/openapi.json`)).json();
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  test('lists every route @cobaltio/cobalt-js calls', async ({ javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, 'no page: once is enough');
    const document = await (await fetch(`${links.base}/api/openapi.json`)).json();
    const documented = new Set(Object.keys(document.paths));
    // Each `${this.baseUrl}/api/…` template in the SDK as published, `${slug}` as `{slug}`.
    const sdk = readFileSync(require.resolve('@cobaltio/cobalt-js/cobalt.js'), 'utf8');
    const called = new Set(
      [...sdk.matchAll(/\$\{this\.baseUrl\}(\/api\/[^`?$]*(?:\$\{slug\}[^`?$]*)*)/g)]
        .map((match) => match[1].replace(/\$\{slug\}/g, '{slug}')),
    );
    expect(called.size).toBeGreaterThan(5);
    // Cobalt's workflow settings (`config`, `getConfig`, `updateConfig`, `deleteConfig`) are
    // not part of Portico; every other route the SDK calls must be documented.
    const workflowSettings = ['/api/v2/f-sdk/config', '/api/v2/f-sdk/slug/{slug}/config'];
    const missing = [...called].filter((path) => !documented.has(path)
      && !documented.has(path.replace('{slug}', '{slug}')));
    expect(missing.sort()).toEqual(workflowSettings.sort());
    for (const path of ['/api/v2/f-sdk/application', '/api/v2/f-sdk/application/{slug}',
      '/api/v1/{slug}/integrate', '/api/v1/linked-acc/integration/{slug}',
      '/api/v2/app/{slug}/save', '/api/v3/org/basics']) {
      expect(documented.has(path), path).toBe(true);
    }
  });
});

test('the reference page shows each section and operation', async ({ page }) => {
  await page.goto(`${links.base}/docs`);
  await expect(page.getByRole('heading', { level: 1, name: 'Portico API' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Linked accounts' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 3, name: 'POST /api/v2/public/webhook', exact: true }))
    .toBeVisible();
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Webhooks' }).click();
  await expect(page).toHaveURL(/#webhooks$/);
});
