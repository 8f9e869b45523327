import { parse } from 'csv-parse/sync';
import { expect, test } from '@playwright/test';
import { expectAccessible, inDays, loginAs, takeSnapshot, toasts } from './fixtures';

type TUserRow = { id: string; email: string; active: string; department: string };

test('an admin uploads an HR roster, sees the stale-account counts change, exports chargeback and starts a campaign for the flagged accounts', async ({ page }) => {
  test.setTimeout(180_000);
  await loginAs(page.request, 'admin');
  await takeSnapshot(page);
  const snapshotLink = await page.getByRole('table', { name: 'Snapshot history' }).getByRole('link', { name: /^\d+$/ }).first().textContent();
  const snapshotId = snapshotLink?.trim() ?? '';
  const users = parse(await (await page.request.get(`/api/snapshots/${snapshotId}/export/users.csv`)).text(), { columns: true, bom: true }) as TUserRow[];
  const active = users.filter((u) => u.active === 'true');
  expect(active.length).toBeGreaterThan(100);

  // Before the roster: the HR rules cannot run.
  await page.goto('/stale');
  const terminatedCard = page.getByRole('region', { name: 'Findings per rule' }).getByRole('link', { name: /Terminated in HR/ });
  await expect(page.getByText('Some rules need an import')).toBeVisible();
  await expectAccessible(page);

  // The roster: everyone active in HR except three people who left.
  const leavers = active.slice(10, 13);
  const lines = ['Work Email,Status,Termination Date,Department'];
  for (const u of users) {
    const left = leavers.some((l) => l.id === u.id);
    lines.push(`${u.email},${left ? 'Terminated' : 'Active'},${left ? '2026-10-31' : ''},${u.department}`);
  }
  await page.goto('/stale/imports');
  await expectAccessible(page);
  await page.getByRole('radio', { name: 'HR roster' }).check();
  // A roster without a status column is refused, naming what is missing; nothing is imported.
  await page.getByLabel(/CSV file/).setInputFiles({ name: 'roster-bad.csv', mimeType: 'text/csv', buffer: Buffer.from('Work Email,Department\na@northwind.example,IT\n') });
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByText(/no column for "Employment status"/)).toBeVisible();
  await page.getByLabel(/CSV file/).setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\n')}\n`) });
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByRole('table', { name: 'Column mapping' })).toBeVisible();
  await page.getByRole('button', { name: `Import ${users.length.toLocaleString('en-US')} rows` }).click();
  await expect(toasts(page).getByText('HR roster imported')).toBeVisible({ timeout: 20_000 });

  // The dashboard now finds exactly the three leavers.
  await page.goto('/stale');
  await expect(terminatedCard).toContainText('3');
  await terminatedCard.click();
  await expect(page).toHaveURL(/rule=terminated_in_hr/);
  for (const leaver of leavers) await expect(page.getByRole('main').getByText(leaver.email)).toBeVisible();
  await expectAccessible(page);

  // Chargeback for the same snapshot, exported.
  await page.goto('/chargeback');
  await expect(page.getByRole('table', { name: /Active seats per department/ })).toBeVisible();
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export department CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.csv$/);
  await expectAccessible(page);

  // A campaign for the flagged leavers: the wizard arrives with them as named users.
  await page.goto('/stale?rule=terminated_in_hr');
  await page.getByRole('link', { name: 'Start a campaign for these accounts' }).click();
  const form = page.getByRole('form', { name: 'New campaign' });
  await expect(form.getByRole('radio', { name: /Named users: 3 flagged accounts/ })).toBeChecked();
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Leavers check');
  await form.locator('input[name="dueAt"]').fill(inDays(5));
  await form.getByRole('textbox', { name: 'Fallback reviewer email' }).fill('avery.auditor@audit-partners.example');
  await form.getByRole('button', { name: 'Save draft' }).click();
  await expect(page).toHaveURL(/\/campaigns\/\d+$/, { timeout: 20_000 });
  const itemsStat = page.locator('span', { hasText: /^Items$/ }).first().locator('xpath=following-sibling::span[1]');
  await expect(itemsStat).toHaveText('3');
  await page.getByRole('button', { name: 'Delete draft' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete draft' }).click();
  await expect(page).toHaveURL(/\/campaigns$/);
});
