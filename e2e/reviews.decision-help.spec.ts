// Named to run after campaigns.admin.spec.ts, which starts from a list without campaigns (specs run in file order).
import { expect, test } from '@playwright/test';
import { expectAccessible, fillCampaign, inDays, loginAs, takeSnapshot, toasts } from './fixtures';

type TPage = { total: number };

/**
 * Exclusions and decision help in the browser: the admin takes a whole group and one chosen item
 * out of a running campaign with a reason; the reviewer's queue loses exactly those; "Accept
 * recommendations" shows its counts first and then decides exactly the certify / revoke ones,
 * leaving those that need a person; the admin starts stage 2 early and exactly the revoked and
 * the undecided items go on.
 */
test('an admin excludes a group and an item; the reviewer accepts the recommendations after seeing them', async ({ page }) => {
  test.setTimeout(240_000);
  await loginAs(page.request, 'admin');
  await takeSnapshot(page);
  await page.goto('/campaigns/new');
  await fillCampaign(page, {
    name: 'Help review',
    dueAt: inDays(10),
    fallback: 'alex.admin@northwind.example',
    fixedReviewer: 'morgan.manager@northwind.example',
    memberships: true,
    secondStage: { reviewer: 'sam.security@northwind.example', dueAt: inDays(20), advance: 'revoked' },
  });
  await expect(page).toHaveURL(/\/campaigns\/\d+$/, { timeout: 20_000 });
  const campaignUrl = page.url();
  const campaignId = /\/campaigns\/(\d+)$/.exec(campaignUrl)?.[1];
  await page.getByRole('button', { name: 'Launch', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: /^Launch [\d,]+ items?$/ }).click();
  await expect(page.getByRole('progressbar', { name: 'Decided' })).toBeVisible({ timeout: 20_000 });

  const morganTotal = async (query = ''): Promise<number> => {
    await loginAs(page.request, 'reviewer');
    const total = ((await (await page.request.get(`/api/reviews/${campaignId}/items?pageSize=1${query}`)).json()) as TPage).total;
    await loginAs(page.request, 'admin');
    return total;
  };
  const before = await morganTotal();

  // A whole group, with a reason.
  const exclude = page.getByRole('form', { name: 'Exclude a group' });
  const group = exclude.getByRole('combobox', { name: 'Group' });
  const option = (await group.locator('option').nth(1).textContent()) ?? '';
  const groupItems = Number(/\(([\d,]+) items?\)/.exec(option)?.[1]?.replaceAll(',', '') ?? 'NaN');
  expect(groupItems).toBeGreaterThan(0);
  await group.selectOption({ index: 1 });
  await exclude.getByRole('button', { name: 'Exclude group' }).click();
  await expect(exclude.getByText('give a reason: it goes into the evidence')).toBeVisible();
  await exclude.getByRole('textbox', { name: /Reason/ }).fill('Service group, reviewed in the platform review');
  await exclude.getByRole('button', { name: 'Exclude group' }).click();
  await expect(toasts(page).getByText(`${groupItems.toLocaleString('en-US')} item${groupItems === 1 ? '' : 's'} excluded`)).toBeVisible();
  await expect(page.getByText(/items excluded from the review/)).toBeVisible();

  // One chosen item on the Items tab.
  await page.goto(`${campaignUrl}/items?kind=account`);
  const itemsForm = page.getByRole('form', { name: 'Reassign or exclude selected items' });
  await itemsForm.getByRole('checkbox').first().check();
  await itemsForm.getByRole('textbox', { name: /Reason/ }).fill('Break-glass account, reviewed by security');
  await itemsForm.getByRole('button', { name: 'Exclude selected' }).click();
  await expect(toasts(page).getByText('1 item excluded')).toBeVisible();
  const matching = async (query: string): Promise<number> => {
    await page.goto(`${campaignUrl}/items?${query}`);
    return Number(((await page.getByText(/^[\d,]+ matching$/).textContent()) ?? '').replace(/[^\d]/g, ''));
  };
  expect(await matching('decision=excluded')).toBe(groupItems + 1);

  // Morgan's queue lost exactly the excluded items that were Morgan's.
  const excludedOfMorgan = await matching('decision=excluded&reviewer=morgan.manager%40northwind.example');
  expect(excludedOfMorgan).toBeGreaterThanOrEqual(groupItems - 1);
  expect(await morganTotal()).toBe(before - excludedOfMorgan);

  // Morgan: accept the recommendations, seeing the counts first.
  const needsReview = await morganTotal('&recommendation=review');
  await loginAs(page.request, 'reviewer');
  await page.goto(`/reviews/${campaignId}`);
  await page.getByRole('button', { name: 'Accept recommendations…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Accept the recommendations of this filter?' });
  await expect(dialog.getByText(/will be certified and [\d,]+ revoked/)).toBeVisible();
  await expect(dialog.getByRole('list', { name: 'Recommendations and their reasons' }).getByRole('listitem').first()).toBeVisible();
  await expectAccessible(page);
  await dialog.getByRole('button', { name: /^Accept [\d,]+ items?$/ }).click();
  await expect(toasts(page).getByText(/decided as recommended/)).toBeVisible();
  const undecided = ((await (await page.request.get(`/api/reviews/${campaignId}/items?pageSize=1&decision=undecided`)).json()) as TPage).total;
  expect(undecided).toBe(needsReview);
  const revoked = ((await (await page.request.get(`/api/reviews/${campaignId}/items?pageSize=1&decision=revoke`)).json()) as TPage).total;

  // The admin ends stage 1 early: the revoked items go on, and so does everything still undecided
  // (Morgan's "review" items and Alex's fallback items).
  await loginAs(page.request, 'admin');
  const alexUndecided = ((await (await page.request.get(`/api/reviews/${campaignId}/items?pageSize=1&decision=undecided`)).json()) as TPage).total;
  await page.goto(campaignUrl);
  await page.getByRole('button', { name: 'Start stage 2 now' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Start stage 2' }).click();
  await expect(toasts(page).getByText(`${(revoked + needsReview + alexUndecided).toLocaleString('en-US')} items went on.`)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Progress — stage 2 of 2' })).toBeVisible();
});
