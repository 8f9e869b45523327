import { expect, test } from '@playwright/test';
import { callServerAction, captureServerAction, loginAs } from './fixtures';

test('a reviewer calling an admin server action over HTTP gets 403 and nothing is saved', async ({ page, browser, baseURL }) => {
  // Learn the action id the way an attacker could: from an admin's own browser traffic.
  await loginAs(page.request, 'admin');
  await page.goto('/settings');
  const captured = captureServerAction(page);
  await page.getByRole('button', { name: 'Save connection' }).click();
  const action = await captured;
  await expect(page.getByText('Enter the access token.')).toBeVisible();

  const reviewer = await browser.newContext({ baseURL });
  await loginAs(reviewer.request, 'reviewer');
  const asReviewer = await callServerAction(reviewer.request, action, [{ baseUrl: 'https://scim.attacker.example/v2', token: 'stolen-token-1234' }]);
  expect(asReviewer.result).toMatchObject({ ok: false, code: 'forbidden', status: 403 });

  const anonymous = await browser.newContext({ baseURL });
  const asAnonymous = await callServerAction(anonymous.request, action, [{ baseUrl: 'https://scim.attacker.example/v2', token: 'stolen-token-1234' }]);
  expect(asAnonymous.result).toMatchObject({ ok: false, code: 'unauthorized', status: 401 });

  // Nothing changed: still in demo mode, and no connection change in the audit log.
  await page.reload();
  await expect(page.getByText('Demo mode: the built-in Airtable simulator')).toBeVisible();
  await page.goto('/audit?action=settings.connection_saved');
  await expect(page.getByRole('cell', { name: 'No entries match these filters.' })).toBeVisible();
  await reviewer.close();
  await anonymous.close();
});

test('pages refuse the wrong role with a real 403', async ({ page }) => {
  await loginAs(page.request, 'reviewer');
  for (const path of ['/settings', '/settings/users', '/audit']) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(page.getByRole('heading', { name: 'You don’t have access to this page' })).toBeVisible();
  }
});

test('an auditor can read the audit log but not settings', async ({ page }) => {
  await loginAs(page.request, 'auditor');
  expect((await page.goto('/audit'))?.status()).toBe(200);
  expect((await page.goto('/settings'))?.status()).toBe(403);
});
