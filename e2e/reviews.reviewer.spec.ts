import { expect, test } from '@playwright/test';
import { expectAccessible, fillCampaign, inDays, loginAs } from './fixtures';

test('a reviewer decides with the keyboard, revokes with a justification, bulk-certifies a filter and signs off; the admin closes', async ({ page }) => {
  test.setTimeout(180_000);
  // Admin: a fresh snapshot and a launched campaign (manager rule: Morgan reviews their reports).
  await loginAs(page.request, 'admin');
  await page.goto('/snapshots');
  await page.getByRole('button', { name: 'Take snapshot' }).click();
  await expect(page.getByRole('heading', { name: /Snapshot #\d+ running/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Take snapshot' })).toBeVisible({ timeout: 45_000 });
  await page.goto('/campaigns/new');
  await fillCampaign(page, { name: 'Keyboard review', dueAt: inDays(10), fallback: 'avery.auditor@audit-partners.example' });
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

  await page.keyboard.press('j');
  await page.keyboard.press('c');
  await expect(active).toContainText('Certified');

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

  // Admin: Morgan's queue is complete and signed off; close the campaign.
  await loginAs(page.request, 'admin');
  await page.goto(campaignUrl);
  const morgan = page.getByRole('table', { name: 'Progress per reviewer' }).getByRole('row', { name: /morgan\.manager@/ });
  await expect(morgan).toContainText('100%');
  await page.getByRole('button', { name: 'Close campaign' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Close campaign' }).click();
  await expect(page.getByRole('button', { name: 'Close campaign' })).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByText('Closed').first()).toBeVisible();
});
