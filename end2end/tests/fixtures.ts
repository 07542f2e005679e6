import { test as base, expect } from '@playwright/test';

export interface Links {
  base: string;
  demoUrl: string;
  reauthUrl: string;
  expiredUrl: string;
}

export const links: Links = JSON.parse(process.env.PORTICO_E2E ?? '{}');

/// Fails a JavaScript-on test on any console error (a failed hydration shows up there).
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page, javaScriptEnabled }, use) => {
      const errors: string[] = [];
      page.on('console', (message) => {
        // A page answered with 401/410 on purpose is logged as a failed load of itself.
        const ownStatus = message.location().url === page.url();
        if (message.type() === 'error' && !ownStatus) errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await use(errors);
      if (javaScriptEnabled) expect(errors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
