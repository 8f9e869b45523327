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
