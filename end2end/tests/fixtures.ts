import { execFileSync } from 'node:child_process';
import { test as base, expect } from '@playwright/test';

export interface Links {
  base: string;
  demoUrl: string;
  reauthUrl: string;
  expiredUrl: string;
  orgId: string;
  /// The demo org's test API key, for the vendor API.
  apiKey: string;
  /// A vendor page on another origin that loads `@cobaltio/cobalt-js`; the demo org allows it.
  vendorOrigin: string;
  /// Per browser project: a session token for the SDK.
  sdkTokens: Record<string, string>;
  /// Per browser project: a customer of the demo org and its hosted link.
  oauth: Record<string, { linkedAccount: string; url: string }>;
  /// Per browser project: a customer for the key-form specs.
  keys: Record<string, { linkedAccount: string; url: string }>;
  /// Per browser project: two customers of the demo org, for the specs where one's link is
  /// pushed into the other's browser.
  victims: Record<string, { linkedAccount: string; url: string }>;
  others: Record<string, { linkedAccount: string; url: string }>;
  stale: Record<string, { linkedAccount: string; url: string }>;
  /// A page on another site: `?open=URL` opens URL in a popup (`#popup`, by script) or a new
  /// tab (`#link`).
  elsewhere: string;
  cli: { bin: string; env: Record<string, string> };
}

export const links: Links = JSON.parse(process.env.PORTICO_E2E ?? '{}');

/// Runs the `portico` command against the server under test; returns its standard output.
export function portico(...args: string[]): string {
  return execFileSync(links.cli.bin, args, {
    env: { ...process.env, ...links.cli.env },
    encoding: 'utf8',
  });
}

/// A linked account's connections, as `portico connection list --format json` prints them.
export function connectionsOf(linkedAccount: string): Array<Record<string, string | null>> {
  const out = portico('connection', 'list', '--org', links.orgId, '--environment', 'test',
    '--linked-account', linkedAccount, '--format', 'json');
  return JSON.parse(out).connections;
}

/// `POST /api/v2/public/{path}` with the demo org's API key; returns the JSON answer.
export async function vendorApi(path: string, body: object): Promise<Record<string, string>> {
  const answer = await fetch(`${links.base}/api/v2/public/${path}`, {
    method: 'POST',
    headers: { 'x-api-key': links.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(answer.ok, `${path} answers ${answer.status}`).toBe(true);
  return answer.json();
}

/// Fails a JavaScript-on test on any console error (a failed hydration shows up there).
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page, javaScriptEnabled }, use) => {
      const errors: string[] = [];
      page.on('console', (message) => {
        // A page answered with 401/410 on purpose is logged as a failed load of itself.
        const ownStatus = message.location().url === page.url();
        if (message.type() === 'error' && !ownStatus) {
          errors.push(`${message.text()} (${message.location().url})`);
        }
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await use(errors);
      if (javaScriptEnabled) expect(errors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/// A new org and an API key for its test environment.
export function ownOrg(name: string): { org: string; key: string } {
  const org = JSON.parse(portico('org', 'create', '--name', name, '--format', 'json')).org_id;
  const key = JSON.parse(portico('api-key', 'create', '--org', org, '--environment', 'test',
    '--format', 'json')).api_key;
  return { org, key };
}
