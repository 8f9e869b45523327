import { expect, test } from '@playwright/test';
import { DEMO_ACCOUNTS } from '@/lib/demo/accounts';
import { demoAccount, expectAccessible } from './fixtures';

const NAV: Record<'admin' | 'reviewer' | 'auditor', string[]> = {
  admin: ['Dashboard', 'Snapshots', 'Campaigns', 'My reviews', 'Stale accounts', 'Licenses', 'Audit log', 'Settings'],
  reviewer: ['Dashboard', 'My reviews'],
  auditor: ['Dashboard', 'Snapshots', 'Campaigns', 'Stale accounts', 'Licenses', 'Audit log'],
};

test('the sign-in page is accessible and offers every demo account', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole('heading', { name: 'Demo accounts' })).toBeVisible();
  for (const account of DEMO_ACCOUNTS) {
    await expect(page.getByRole('form', { name: `Sign in as ${account.name}` }).getByRole('button', { name: `Sign in as ${account.role}` })).toBeVisible();
  }
  await expectAccessible(page);
});

for (const role of ['admin', 'reviewer', 'auditor'] as const) {
  test(`${role} signs in through the page and sees only the allowed navigation`, async ({ page }) => {
    await page.goto('/sign-in');
    await page.getByRole('form', { name: `Sign in as ${demoAccount(role).name}` }).getByRole('button', { name: `Sign in as ${role}` }).click();
    await expect(page.getByRole('heading', { level: 1, name: `Welcome, ${demoAccount(role).name}` })).toBeVisible();
    const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
    await expect(links).toHaveText(NAV[role]);
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto('/');
    await expect(page).toHaveURL(/\/sign-in/);
  });
}
