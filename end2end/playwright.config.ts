import { defineConfig } from '@playwright/test';
import { launchOptions } from './servers';

export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: 'list',
  timeout: 30_000,
  // Debug builds of Portico and Chromium share two cores: a step may wait longer than 5 s.
  expect: { timeout: 10_000 },
  use: { launchOptions, trace: 'off', screenshot: 'off' },
  // Every spec runs twice: once with JavaScript (islands hydrated), once without.
  projects: [
    { name: 'js', use: { javaScriptEnabled: true } },
    { name: 'no-js', use: { javaScriptEnabled: false } },
  ],
});
