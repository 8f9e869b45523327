import { expect, test } from '@playwright/test';
import { demoAccount, expectAccessible, fillCampaign, inDays, loginAs, loginAsEmail, takeSnapshot, toasts } from './fixtures';

const SAM = 'sam.security@northwind.example';

/**
 * A two-stage campaign in the browser: Morgan (stage 1, every account) revokes two, is not sure
 * about one and certifies the rest; the stage starts the second one on its own when its last
 * reviewer signs off; Sam (stage 2: only what was revoked, plus the not-sure item) sees the
 * earlier decisions, overturns one revoke, confirms the other, decides the not-sure item and signs
 * off; the admin closes and exactly Sam's revokes are queued for remediation.
 */
test('two reviewers run a two-stage campaign end to end', async ({ page }) => {
  test.setTimeout(300_000);
  const morgan = demoAccount('reviewer').email;

  // Admin: a fresh snapshot; a campaign of two stages.
  await loginAs(page.request, 'admin');
  await takeSnapshot(page);
  await page.goto('/campaigns/new');
  await fillCampaign(page, {
    name: 'Two-stage review',
    dueAt: inDays(10),
    fallback: 'alex.admin@northwind.example',
    fixedReviewer: morgan,
    secondStage: { reviewer: SAM, dueAt: inDays(20), advance: 'revoked' },
  });
  await expect(page).toHaveURL(/\/campaigns\/\d+$/, { timeout: 20_000 });
  const campaignUrl = page.url();
  await page.getByRole('button', { name: 'Launch', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: /^Launch [\d,]+ items?$/ }).click();
  await expect(page.getByRole('heading', { name: 'Progress — stage 1 of 2' })).toBeVisible({ timeout: 20_000 });
  const stages = page.getByRole('table', { name: 'Stages' });
  const stageRow = (stage: number) => stages.getByRole('row').nth(stage);
  await expect(stageRow(1)).toContainText('Current');
  await expect(stageRow(2)).toContainText('only items revoked in the previous stage');
  await expectAccessible(page);

  // Stage 1, Morgan: the launch notice in the app, then two revokes, one "not sure", everything else certified, sign off.
  await loginAs(page.request, 'reviewer');
  await page.goto('/notifications');
  await expect(page.getByRole('list', { name: 'Notifications' }).getByText(/items? to review in "Two-stage review"/)).toBeVisible();
  await page.goto('/reviews');
  await page.getByRole('link', { name: 'Two-stage review' }).click();
  await expect(page.getByText('Stage 1 of 2')).toBeVisible();
  const grid = page.getByRole('grid', { name: 'Access to review' });
  const active = grid.locator('[role=row][data-active]');
  await expect(grid).toBeVisible();
  for (const why of ['Left the company in October', 'Contractor, contract ended']) {
    await page.keyboard.press('j');
    await page.keyboard.press('r');
    const revoke = page.getByRole('dialog', { name: /Revoke/ });
    await revoke.getByRole('textbox').fill(why);
    await revoke.getByRole('button', { name: 'Revoke', exact: true }).click();
    await expect(active).toContainText('Revoked');
  }
  await page.keyboard.press('j');
  await page.keyboard.press('n');
  const unsure = page.getByRole('dialog', { name: 'Not sure about this access' });
  await expect(unsure).toContainText('the next stage');
  await unsure.getByRole('button', { name: 'Pass on' }).click();
  await expect(unsure.getByText('Say what you are unsure about: the next reviewer reads it.')).toBeVisible();
  await unsure.getByRole('textbox').fill('Not on my team; security should know');
  await unsure.getByRole('button', { name: 'Pass on' }).click();
  await expect(toasts(page).getByText('Passed on to the next stage')).toBeVisible();
  await expect(active).toContainText('Not sure');

  await page.getByLabel('Decision').selectOption('undecided');
  await page.getByRole('button', { name: /Certify all [\d,]+ matching/ }).click();
  await page.getByRole('button', { name: /^Certify [\d,]+ items$/ }).click();
  await expect(toasts(page).getByText(/items certified/)).toBeVisible();
  await page.getByRole('button', { name: 'Sign off' }).click();
  await page.getByRole('button', { name: /I attest/ }).click();
  await expect(page.getByText('Read-only')).toBeVisible();

  // Stage 1, Alex (the fallback: Morgan's own account): certify, sign off — the last sign-off starts stage 2.
  await loginAs(page.request, 'admin');
  await page.goto('/reviews');
  await page.getByRole('link', { name: 'Two-stage review' }).click();
  await expect(grid.getByRole('row', { name: /morgan\.manager@/ })).toBeVisible();
  await page.keyboard.press('j');
  await page.keyboard.press('c');
  await expect(active).toContainText('Certified');
  await page.getByRole('button', { name: 'Sign off' }).click();
  await page.getByRole('button', { name: /I attest/ }).click();
  await page.goto(campaignUrl);
  await expect(page.getByRole('heading', { name: 'Progress — stage 2 of 2' })).toBeVisible();
  await expect(stageRow(2)).toContainText('Current');
  // Stage 1 passed exactly three items on: the two revokes and the not-sure one.
  await expect(stageRow(1).getByRole('cell').last()).toHaveText('3');

  // Stage 2, Sam: told in the app (one notice, with the count), then exactly the two revokes and
  // the not-sure item, with the earlier decisions shown.
  await loginAsEmail(page.request, SAM);
  await page.goto('/');
  await expect(page.getByRole('link', { name: /^Notifications, \d+ unread$/ })).toBeVisible();
  await page.goto('/notifications');
  const notice = page.getByRole('list', { name: 'Notifications' }).getByRole('listitem').filter({ hasText: 'stage 2 of "Two-stage review" — 3 items to review' });
  await expect(notice).toHaveCount(1);
  await expectAccessible(page);
  await notice.getByRole('button', { name: 'Open' }).click();
  await expect(page).toHaveURL(/\/reviews\/\d+$/);
  await expect(page.getByText('Stage 2 of 2')).toBeVisible();
  await expect(grid.getByRole('row')).toHaveCount(4); // header + 3
  await expectAccessible(page);
  const passedOn = grid.getByRole('row').filter({ hasText: 'Not sure (morgan.manager@northwind.example): Not on my team; security should know' });
  await expect(passedOn).toContainText('Stage 1: not sure');
  const revoked = grid.getByRole('row').filter({ hasText: 'Stage 1: revoke' });
  await expect(revoked).toHaveCount(2);

  // Overturn the first revoke, confirm the second, revoke the not-sure one.
  await revoked.nth(0).click();
  await page.keyboard.press('c');
  await expect(active).toContainText('Certified');
  await revoked.nth(1).click();
  await page.keyboard.press('r');
  let dialog = page.getByRole('dialog', { name: /Revoke/ });
  await dialog.getByRole('textbox').fill('Confirmed: no business need');
  await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
  await expect(active).toContainText('Revoked');
  await passedOn.click();
  await page.keyboard.press('r');
  dialog = page.getByRole('dialog', { name: /Revoke/ });
  await dialog.getByRole('textbox').fill('Unknown to the team that owns it');
  await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
  await expect(active).toContainText('Revoked');
  await page.getByRole('button', { name: 'Sign off' }).click();
  await page.getByRole('button', { name: /I attest/ }).click();
  await expect(page.getByText('Read-only')).toBeVisible();

  // Admin: stage 2 is complete; closing queues exactly Sam's two revokes.
  await loginAs(page.request, 'admin');
  await page.goto(campaignUrl);
  const overall = page.getByRole('progressbar', { name: 'Decided' });
  await expect(overall).toHaveAttribute('aria-valuenow', '3');
  await expect(overall).toHaveAttribute('aria-valuemax', '3');
  await page.getByRole('button', { name: 'Close campaign' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Close campaign' }).click();
  await expect(page).toHaveURL(/\/remediation$/, { timeout: 20_000 });
  await expect(toasts(page).getByText(/2 revocations are queued/)).toBeVisible();

  // The items list shows the earlier stage beside each final decision: one overturned revoke, two confirmed.
  await page.goto(`${campaignUrl}/items?reviewer=${encodeURIComponent(SAM)}`);
  const items = page.getByRole('table', { name: 'Campaign items' }).getByRole('row');
  await expect(items.filter({ hasText: 'Certified' }).filter({ hasText: 'Stage 1: revoke' })).toHaveCount(1);
  await expect(items.filter({ hasText: 'Revoked' }).filter({ hasText: 'Stage 1: revoke' })).toHaveCount(1);
  await expect(items.filter({ hasText: 'Revoked' }).filter({ hasText: 'Stage 1: not sure' })).toHaveCount(1);
});
