import { expect, test } from '@playwright/test';
import { expectAccessible, loginAs } from './fixtures';

// Every page that exists, as a role that may open it. Later features add their pages here.
const PAGES: Array<{ role: 'admin' | 'reviewer' | 'auditor'; path: string }> = [
  { role: 'admin', path: '/' },
  { role: 'admin', path: '/audit' },
  { role: 'admin', path: '/settings' },
  { role: 'admin', path: '/settings/users' },
  { role: 'admin', path: '/settings/directory' },
  { role: 'admin', path: '/settings/group-owners' },
  { role: 'admin', path: '/snapshots' },
  { role: 'admin', path: '/snapshots/diff' },
  { role: 'auditor', path: '/snapshots' },
  { role: 'admin', path: '/campaigns' },
  { role: 'admin', path: '/campaigns/new' },
  { role: 'auditor', path: '/campaigns' },
  { role: 'admin', path: '/campaigns/templates' },
  { role: 'admin', path: '/campaigns/templates/new' },
  { role: 'auditor', path: '/campaigns/templates' },
  { role: 'admin', path: '/settings/notifications' },
  { role: 'reviewer', path: '/notifications' },
  { role: 'admin', path: '/stale' },
  { role: 'admin', path: '/stale/imports' },
  { role: 'admin', path: '/chargeback' },
  { role: 'auditor', path: '/stale' },
  { role: 'auditor', path: '/chargeback' },
  { role: 'reviewer', path: '/reviews' },
  { role: 'reviewer', path: '/' },
  { role: 'reviewer', path: '/settings' },
  { role: 'auditor', path: '/' },
  { role: 'auditor', path: '/audit' },
  { role: 'auditor', path: '/does-not-exist' },
];

for (const { role, path } of PAGES) {
  test(`axe: ${path} as ${role}`, async ({ page }) => {
    await loginAs(page.request, role);
    await page.goto(path);
    await expect(page.getByRole('main')).toBeVisible();
    await expectAccessible(page);
  });
}
