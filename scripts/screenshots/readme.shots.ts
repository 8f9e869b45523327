import { expect, test, type Page } from '@playwright/test';
import { fillCampaign, inDays, loginAs, takeSnapshot } from '../../e2e/fixtures';

/**
 * The README's screenshots: a review in progress over the demo enterprise, seen by the reviewer
 * (the grid) and by the admin (campaign progress). Written to docs/screenshots/.
 */

const OUT = 'docs/screenshots';

async function shoot(page: Page, name: string): Promise<void> {
  // Let fonts, charts and the virtualizer settle; no animation in the picture.
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: `${OUT}/${name}.png`, animations: 'disabled', caret: 'hide' });
}

test('README screenshots', async ({ page }) => {
  await loginAs(page.request, 'admin');
  await takeSnapshot(page);

  await page.goto('/campaigns/new');
  await fillCampaign(page, { name: 'Q4 2026 access certification', dueAt: inDays(14), fallback: 'avery.auditor@audit-partners.example' });
  await expect(page).toHaveURL(/\/campaigns\/\d+$/, { timeout: 30_000 });
  const campaignUrl = page.url();
  await page.getByRole('button', { name: 'Launch', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: /^Launch [\d,]+ items?$/ }).click();
  await expect(page.getByRole('progressbar', { name: 'Decided' })).toBeVisible({ timeout: 30_000 });

  // Morgan reviews part of the queue: a few certified, one revoked with a justification.
  await loginAs(page.request, 'reviewer');
  await page.goto('/reviews');
  await page.getByRole('link', { name: 'Q4 2026 access certification' }).click();
  const grid = page.getByRole('grid', { name: 'Access to review' });
  await expect(grid).toBeVisible();
  const active = grid.locator('[role=row][data-active]');
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('j');
    await page.keyboard.press('c');
    await expect(active).toContainText('Certified');
  }
  await page.keyboard.press('j');
  await page.keyboard.press('r');
  const revoke = page.getByRole('dialog', { name: /Revoke/ });
  await revoke.getByRole('textbox').fill('Left the data team in October; no longer needs Airtable');
  await revoke.getByRole('button', { name: 'Revoke', exact: true }).click();
  await expect(active).toContainText('Revoked');
  await page.keyboard.press('j');
  await shoot(page, 'review-grid');

  await loginAs(page.request, 'admin');
  await page.goto(campaignUrl);
  await expect(page.getByRole('table', { name: 'Progress per reviewer' })).toBeVisible();
  await shoot(page, 'campaign-progress');
});
