import Database from 'better-sqlite3';
import { expect, test } from '@playwright/test';
import { expectAccessible, loginAs } from './fixtures';

test.beforeEach(async ({ page }) => {
  await loginAs(page.request, 'admin');
});

test('bad connection input gets a clear error and nothing is saved', async ({ page }) => {
  await page.goto('/settings');
  await expectAccessible(page);
  const url = page.getByLabel('SCIM base URL');
  const token = page.getByLabel('Access token');
  const save = page.getByRole('button', { name: 'Save connection' });

  await url.fill('not a url');
  await token.fill('pat-token-value-0001');
  await save.click();
  await expect(page.getByText('Enter a full URL such as https://airtable.com/scim/v2.')).toBeVisible();
  await expect(url).toHaveAttribute('aria-invalid', 'true');

  await url.fill('https://airtable.com/scim/v2');
  await token.fill('');
  await save.click();
  await expect(page.getByText('Enter the access token.')).toBeVisible();

  await url.fill(`https://airtable.com/${'a'.repeat(2100)}`);
  await token.fill('pat-token-value-0001');
  await save.click();
  await expect(page.getByText('The URL is too long (2,048 characters at most).')).toBeVisible();

  await url.fill('http://scim.example.com/v2');
  await save.click();
  await expect(page.getByText('Use https:// (plain http is only allowed for localhost).')).toBeVisible();
  await expectAccessible(page);

  await page.reload();
  await expect(page.getByText('Demo mode: the built-in Airtable simulator')).toBeVisible();
  await page.goto('/audit?action=settings.connection_saved');
  await expect(page.getByRole('cell', { name: 'No entries match these filters.' })).toBeVisible();
});

test('save, test and remove a connection; the token never reaches the browser', async ({ page, baseURL }) => {
  const simUrl = `${baseURL}/api/sim/scim/v2`;
  const secretToken = 'attest-demo-directory-token';
  await page.goto('/settings');

  // A wrong token: the server's own message comes back.
  await page.getByLabel('SCIM base URL').fill(simUrl);
  await page.getByLabel('Access token').fill('wrong-token-9999');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('status').or(page.getByRole('alert')).filter({ hasText: 'Authentication failed' })).toBeVisible();

  await page.getByLabel('Access token').fill(secretToken);
  await page.getByRole('button', { name: 'Save connection' }).click();
  await expect(page.getByText('Saved in Attest (encrypted)')).toBeVisible();
  await expect(page.getByText(`…${secretToken.slice(-4)}`, { exact: true })).toBeVisible();
  expect(await page.content()).not.toContain(secretToken);
  await expect(page.getByRole('note', { name: 'Demo mode' })).toHaveCount(0);

  // At rest: the database holds ciphertext only (nor the token in base64 / hex), and the last 4 characters.
  const db = new Database('.tmp/e2e/attest.db', { readonly: true, fileMustExist: true });
  const stored = db.prepare('SELECT token_ciphertext AS c, token_last4 AS l FROM scim_connection').get() as { c: string; l: string };
  db.close();
  expect(stored.l).toBe(secretToken.slice(-4));
  for (const form of [secretToken, Buffer.from(secretToken).toString('base64'), Buffer.from(secretToken).toString('hex')]) expect(stored.c).not.toContain(form);
  expect(stored.c.length).toBeGreaterThan(secretToken.length);

  // Empty token field: tests the saved connection.
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByText(/answered: [\d,]+ users/)).toBeVisible();

  await page.getByRole('button', { name: 'Remove saved connection' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove connection' }).click();
  await expect(page.getByText('Demo mode: the built-in Airtable simulator')).toBeVisible();

  await page.goto('/audit');
  for (const action of ['settings.connection_saved', 'settings.connection_tested', 'settings.connection_cleared']) {
    await expect(page.getByRole('cell', { name: action }).first()).toBeVisible();
  }
  expect(await page.content()).not.toContain(secretToken);
});

test('an admin manages roles; the last admin cannot be demoted', async ({ page }) => {
  await page.goto('/settings/users');
  await expectAccessible(page);
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByText('Enter a valid email address.')).toBeVisible();

  await page.getByLabel('Email').fill('new.auditor@audit-partners.example');
  await page.getByLabel('Name').fill('New Auditor');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('cell', { name: 'new.auditor@audit-partners.example' })).toBeVisible();

  const adminEmail = 'alex.admin@';
  const adminSelect = page.getByRole('combobox', { name: new RegExp(`Role of ${adminEmail}`) });
  await adminSelect.selectOption('reviewer');
  await expect(page.getByText('This is the last admin. Make someone else an admin first.')).toBeVisible();
  await expect(adminSelect).toHaveValue('admin');
});
