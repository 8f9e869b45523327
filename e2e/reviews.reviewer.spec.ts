import { expect, test } from '@playwright/test';
import { expectAccessible, fillCampaign, inDays, loginAs, toasts } from './fixtures';

test('a reviewer decides with the keyboard, revokes with a justification, bulk-certifies a filter and signs off; the admin sees 100% and closes', async ({ page, browser }) => {
  test.setTimeout(240_000);
  // Admin: a fresh snapshot and a launched campaign. Morgan reviews every account; Morgan's own
  // account goes to the fallback, Alex (the admin), so nobody reviews their own access.
  await loginAs(page.request, 'admin');
  await page.goto('/snapshots');
  await page.getByRole('button', { name: 'Take snapshot' }).click();
  await expect(page.getByRole('heading', { name: /Snapshot #\d+ running/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Take snapshot' })).toBeVisible({ timeout: 45_000 });
  await page.goto('/campaigns/new');
  await fillCampaign(page, { name: 'Keyboard review', dueAt: inDays(10), fallback: 'alex.admin@northwind.example', fixedReviewer: 'morgan.manager@northwind.example' });
  await expect(page).toHaveURL(/\/campaigns\/\d+$/, { timeout: 20_000 });
  const campaignUrl = page.url();
  await page.getByRole('button', { name: 'Launch', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: /^Launch [\d,]+ items?$/ }).click();
  await expect(page.getByRole('progressbar', { name: 'Decided' })).toBeVisible({ timeout: 20_000 });

  // Reviewer: their campaign, then the grid, keyboard only.
  await loginAs(page.request, 'reviewer');
  await page.goto('/reviews');
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Keyboard review' }).click();
  const grid = page.getByRole('grid', { name: 'Access to review' });
  await expect(grid).toBeVisible();
  await expectAccessible(page);
  const active = grid.locator('[role=row][data-active]');

  // The grid's pages over HTTP: the first is counted, the next continues after its cursor, a forged cursor is refused.
  const campaignId = /\/reviews\/(\d+)/.exec(page.url())?.[1];
  const firstPage = (await (await page.request.get(`/api/reviews/${campaignId}/items?pageSize=100`)).json()) as { rows: Array<{ id: number }>; total: number; nextCursor: string };
  expect(firstPage.total).toBeGreaterThan(900);
  const nextPage = (await (await page.request.get(`/api/reviews/${campaignId}/items?pageSize=100&after=${firstPage.nextCursor}`)).json()) as { rows: Array<{ id: number }> };
  expect(nextPage.rows).toHaveLength(100);
  expect(nextPage.rows.some((r) => firstPage.rows.some((f) => f.id === r.id))).toBe(false);
  const forged = await page.request.get(`/api/reviews/${campaignId}/items?pageSize=100&after=bm90LWEtY3Vyc29y`);
  expect(forged.status()).toBe(400);
  expect(((await forged.json()) as { error: string }).error).toMatch(/list position is not valid/);

  // The same reviewer in a second browser, on the same list.
  const otherBrowser = await browser.newContext();
  const other = await otherBrowser.newPage();
  await loginAs(other.request, 'reviewer');
  await other.goto(page.url());
  const otherGrid = other.getByRole('grid', { name: 'Access to review' });
  await expect(otherGrid).toBeVisible();

  await page.keyboard.press('j');
  await page.keyboard.press('c');
  await expect(active).toContainText('Certified');
  const firstRow = (await active.getAttribute('aria-rowindex')) ?? '';

  // The second browser still shows the item undecided and tries to revoke it: the server says the
  // item changed (the later decision does not silently overwrite), and the list reloads to show it.
  await other.keyboard.press('j');
  await expect(otherGrid.locator('[role=row][data-active]')).toHaveAttribute('aria-rowindex', firstRow);
  await other.keyboard.press('r');
  const otherRevoke = other.getByRole('dialog', { name: /Revoke/ });
  await otherRevoke.getByRole('textbox').fill('Should not win');
  await otherRevoke.getByRole('button', { name: 'Revoke', exact: true }).click();
  await expect(toasts(other).getByText(/This item changed since you loaded it/)).toBeVisible();
  await expect(otherGrid.locator('[role=row][data-active]')).toContainText('Certified');
  await otherBrowser.close();

  await page.keyboard.press('j');
  await page.keyboard.press('r');
  const revoke = page.getByRole('dialog', { name: /Revoke/ });
  await expect(revoke).toBeVisible();
  await revoke.getByRole('button', { name: 'Revoke', exact: true }).click();
  await expect(revoke.getByText('A justification is required')).toBeVisible();
  await revoke.getByRole('textbox').fill('Moved to another team in October');
  await revoke.getByRole('button', { name: 'Revoke', exact: true }).click();
  await expect(revoke).toBeHidden();
  await expect(active).toContainText('Revoked');
  await expect(active).toContainText('Moved to another team in October');

  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.keyboard.press('Escape');

  // Bulk: everything still undecided, with the count stated before it happens.
  await page.getByLabel('Decision').selectOption('undecided');
  const bulk = page.getByRole('button', { name: /Certify all [\d,]+ matching/ });
  await expect(bulk).toBeVisible();
  await bulk.click();
  await page.getByRole('button', { name: /^Certify [\d,]+ items$/ }).click();

  await page.getByRole('button', { name: 'Sign off' }).click();
  await page.getByRole('button', { name: /I attest/ }).click();
  await expect(page.getByText('Read-only')).toBeVisible();

  // Admin: reviews the one item sent to the fallback (Morgan's own account), signs off, sees 100%.
  await loginAs(page.request, 'admin');
  await page.goto('/reviews');
  await page.getByRole('link', { name: 'Keyboard review' }).click();
  await expect(grid).toBeVisible();
  await expect(grid.getByRole('row', { name: /morgan\.manager@/ })).toBeVisible();
  await page.keyboard.press('j');
  await page.keyboard.press('c');
  await expect(active).toContainText('Certified');
  await page.getByRole('button', { name: 'Sign off' }).click();
  await page.getByRole('button', { name: /I attest/ }).click();
  await expect(page.getByText('Read-only')).toBeVisible();

  await page.goto(campaignUrl);
  // Every item of the campaign is decided: the overall bar is full.
  const overall = page.getByRole('progressbar', { name: 'Decided' });
  const itemCount = (await overall.getAttribute('aria-valuemax')) ?? '';
  expect(Number(itemCount)).toBeGreaterThan(900);
  await expect(overall).toHaveAttribute('aria-valuenow', itemCount);
  const morgan = page.getByRole('table', { name: 'Progress per reviewer' }).getByRole('row', { name: /morgan\.manager@/ });
  await expect(morgan).toContainText('100%');
  await page.getByRole('button', { name: 'Close campaign' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Close campaign' }).click();
  await expect(page.getByRole('button', { name: 'Close campaign' })).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByText('Closed').first()).toBeVisible();
});
