import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { callServerAction, captureServerAction, expectAccessible, loginAs } from './fixtures';

test('an admin takes a snapshot, watches it finish, browses and searches it, and downloads the CSV', async ({ page }) => {
  await loginAs(page.request, 'admin');
  await page.goto('/snapshots');
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Take snapshot' }).click();
  const running = page.getByRole('heading', { name: /Snapshot #\d+ running/ });
  await expect(running).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Users' })).toBeVisible();
  await expectAccessible(page);

  // Progress lives in the database: a reload shows the same run (it lasts several seconds at 10 requests/s).
  await page.reload();
  await expect(running).toBeVisible();

  // The demo directory at the e2e server's 10 requests/s takes several seconds.
  await expect(page.getByRole('button', { name: 'Take snapshot' })).toBeVisible({ timeout: 45_000 });
  const firstRow = page.getByRole('table', { name: 'Snapshot history' }).getByRole('row').nth(1);
  await expect(firstRow.getByText('Complete')).toBeVisible();
  await expect(firstRow.getByRole('cell', { name: '1,000' })).toBeVisible();

  await firstRow.getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1, name: /Snapshot #\d+/ })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('searchbox', { name: 'Search' }).fill('morgan.manager');
  await page.getByRole('button', { name: 'Apply' }).click();
  const users = page.getByRole('table', { name: 'Users in this snapshot' });
  await expect(users.getByRole('row')).toHaveCount(2);
  await users.getByRole('link', { name: 'Morgan Manager' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Morgan Manager' })).toBeVisible();
  await expectAccessible(page);

  await page.goBack();
  await page.getByRole('link', { name: 'Groups' }).first().click();
  await expect(page.getByRole('table', { name: 'Groups in this snapshot' })).toBeVisible();
  await expectAccessible(page);

  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Users CSV' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
  expect(csv[0]).toContain('email');
  expect(csv).toHaveLength(1001);

  await page.goto('/');
  await expect(page.getByRole('link', { name: /Last snapshot .* ago #\d+: 1,000 users/ })).toBeVisible();
});

test('a running snapshot shows in every tab, a second start is refused, and cancel leaves nothing', async ({ page }) => {
  await loginAs(page.request, 'admin');
  await page.goto('/snapshots');
  const captured = captureServerAction(page);
  await page.getByRole('button', { name: 'Take snapshot' }).click();
  const action = await captured;
  await expect(page.getByRole('heading', { name: /Snapshot #\d+ running/ })).toBeVisible();

  // Bypassing the hidden button: the server itself refuses a second run.
  const second = await callServerAction(page.request, action, [{}]);
  expect(second.result).toMatchObject({ ok: false, code: 'conflict' });
  expect(JSON.stringify(second.result)).toContain('already running');

  const other = await page.context().newPage();
  await other.goto('/snapshots');
  await expect(other.getByRole('heading', { name: /Snapshot #\d+ running/ })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: 'Take snapshot' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('table', { name: 'Snapshot history' }).getByText('Cancelled').first()).toBeVisible();
});
