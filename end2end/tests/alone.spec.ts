// The `portico` binary is the whole server: copied alone into an empty directory, with no
// site folder beside it, it serves the hosted page with its styles and its island working.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitUntilReady } from '../servers';
import { expect, links, test } from './fixtures';

test('the binary copied alone into an empty directory serves a styled, working hosted page',
  async ({ page, javaScriptEnabled }) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-alone-'));
    const binary = path.join(dir, 'portico');
    copyFileSync(links.cli.bin, binary);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // Nothing of the build: no PORTICO_SITE_ROOT, and the working directory is empty.
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      PORTICO_MODE: 'dev',
      PORTICO_DATA_DIR: path.join(dir, 'data'),
      PORTICO_BIND: `127.0.0.1:${port}`,
      PORTICO_PUBLIC_URL: base,
      PORTICO_LOG: 'warn',
    };
    let server: ChildProcess | undefined;
    try {
      const demo = JSON.parse(execFileSync(binary, ['demo', '--format', 'json'],
        { cwd: dir, env, encoding: 'utf8' }));
      server = spawn(binary, ['serve'], { cwd: dir, env, stdio: 'ignore' });
      await waitUntilReady(`${base}/ready`);

      await page.goto(demo.hosted_url);
      // The styles come from the binary, under the bundle's content hash, kept for a year.
      const href = await page.locator('link[rel="stylesheet"]#portico').getAttribute('href');
      expect(href).toMatch(/^\/pkg\/[0-9a-f]{12}\/portico\.css$/);
      const css = await page.request.get(`${base}${href}`);
      expect(css.status()).toBe(200);
      expect(css.headers()['content-type']).toContain('text/css');
      expect(css.headers()['cache-control']).toContain('immutable');
      // Styled: the card grid lays cards out as the stylesheet says, not as bare blocks.
      const card = page.locator('[data-app-card="twilio"]');
      await expect(card).toHaveCSS('border-top-style', 'solid');

      const dialog = page.locator('#key-twilio');
      if (javaScriptEnabled) {
        // The island woke from the embedded bundle: the key form opens in place.
        await expect(page.locator('html[data-key-dialogs="ready"]')).toHaveCount(1);
        await card.getByRole('link', { name: 'Connect: Twilio' }).click();
        await expect(dialog).toBeVisible();
        expect(await dialog.evaluate((element) => element.matches(':modal'))).toBe(true);
      } else {
        await card.getByRole('link', { name: 'Connect: Twilio' }).click();
        await expect(page).toHaveURL(/\?connect=twilio/);
        await expect(dialog).toBeVisible();
      }
    } finally {
      server?.kill('SIGTERM');
      if (server) await new Promise((r) => server?.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
