import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { loginAs } from './fixtures';

// The server's secret in this suite (playwright.config.ts) and the demo directory's SCIM token
// (read from its module: lib/demo/simulator.ts is server-only and cannot be imported here).
const AUTH_SECRET = 'e2e-secret-e2e-secret-e2e-secret-e2e-secret';
const DEMO_SIM_TOKEN = /DEMO_SIM_TOKEN = '([^']+)'/.exec(readFileSync('lib/demo/simulator.ts', 'utf8'))?.[1] ?? 'missing';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

test('no secret reaches the client bundle or any page a browser gets', async ({ page }) => {
  expect(DEMO_SIM_TOKEN).not.toBe('missing');
  const bundle = files('.next/static');
  expect(bundle.length).toBeGreaterThan(10);
  for (const file of bundle) {
    const text = readFileSync(file, 'latin1');
    expect(text.includes(AUTH_SECRET), file).toBe(false);
    expect(text.includes(DEMO_SIM_TOKEN), file).toBe(false);
  }

  for (const role of ['admin', 'auditor', 'reviewer'] as const) {
    await loginAs(page.request, role);
    for (const path of ['/', '/settings', '/snapshots', '/campaigns', '/stale', '/audit', '/reviews']) {
      const response = await page.request.get(path);
      const html = await response.text();
      expect(html.includes(AUTH_SECRET), `${path} as ${role}`).toBe(false);
      expect(html.includes(DEMO_SIM_TOKEN), `${path} as ${role}`).toBe(false);
    }
  }
});

test('pages carry a per-request nonce CSP that Next’s own scripts satisfy, with HSTS and the other hardening headers', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text());
  });
  await loginAs(page.request, 'admin');
  const response = await page.goto('/campaigns');
  const headers = response?.headers() ?? {};
  const csp = headers['content-security-policy'] ?? '';
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1] ?? '';
  expect(nonce).not.toBe('');
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers['strict-transport-security']).toMatch(/max-age=\d+/);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  const scriptNonces = await page.locator('script').evaluateAll((scripts) => scripts.map((s) => (s as HTMLScriptElement).nonce));
  expect(scriptNonces.length).toBeGreaterThan(0);
  expect(scriptNonces.every((n) => n === nonce)).toBe(true);
  // Hydrated under the policy: client navigation and a client component work.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await page.getByRole('button', { name: 'Save connection' }).click();
  await expect(page.getByText('Enter the access token.')).toBeVisible();
  const again = await page.request.get('/campaigns');
  expect(again.headers()['content-security-policy']).not.toContain(nonce);
  expect(violations).toEqual([]);
});
