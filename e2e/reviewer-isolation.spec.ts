import { expect, test } from '@playwright/test';
import { builtServerActions, callServerAction, fillCampaign, inDays, loginAs, takeSnapshot } from './fixtures';

type TPage = { rows: Array<{ id: number; decision: string | null; version: number }>; nextCursor: string | null };

test("a reviewer cannot read or decide another reviewer's items by changing ids in requests", async ({ page, browser, baseURL }) => {
  test.setTimeout(120_000);
  await loginAs(page.request, 'admin');
  await takeSnapshot(page);
  // Every item goes to Alex (the admin); Morgan (a reviewer) has none in this campaign.
  await page.goto('/campaigns/new');
  await fillCampaign(page, { name: 'Isolation check', dueAt: inDays(3), fallback: 'avery.auditor@audit-partners.example', fixedReviewer: 'alex.admin@northwind.example' });
  await expect(page).toHaveURL(/\/campaigns\/\d+$/, { timeout: 20_000 });
  const campaignId = Number(/\/campaigns\/(\d+)$/.exec(page.url())?.[1]);
  await page.getByRole('button', { name: 'Launch', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: /^Launch [\d,]+ items?$/ }).click();
  await expect(page.getByRole('progressbar', { name: 'Decided' })).toBeVisible({ timeout: 20_000 });
  const alexQueue = (await (await page.request.get(`/api/reviews/${campaignId}/items?pageSize=5`)).json()) as TPage;
  const target = alexQueue.rows[0];
  expect(target?.decision).toBeNull();

  const morgan = await browser.newContext({ baseURL });
  await loginAs(morgan.request, 'reviewer');
  // Reading: the campaign's items, Alex's cursor, the grid page and the item's history page.
  expect((await morgan.request.get(`/api/reviews/${campaignId}/items`)).status()).toBe(404);
  expect((await morgan.request.get(`/api/reviews/${campaignId}/items?after=${alexQueue.nextCursor}`)).status()).toBe(404);
  expect((await morgan.request.get(`/reviews/${campaignId}`)).status()).toBe(404);
  expect((await morgan.request.get(`/campaigns/${campaignId}/items/${target?.id}`)).status()).toBe(403);

  // Deciding: Alex's item, with its real id and version.
  const actions = builtServerActions(baseURL ?? '');
  const action = (name: string) => {
    const found = actions.find((a) => a.key === `app/(app)/reviews/actions.ts#${name}`);
    if (!found) throw new Error(`no ${name} in the build`);
    return found;
  };
  const decide = await callServerAction(morgan.request, action('decideItemAction'), [{ campaignId, itemId: target?.id, decision: 'revoke', comment: 'not mine', expectedVersion: target?.version }]);
  expect(decide.result).toMatchObject({ ok: false });
  expect([403, 404]).toContain((decide.result as { status: number }).status);
  const bulk = await callServerAction(morgan.request, action('bulkDecideAction'), [{ campaignId, decision: 'revoke', comment: 'not mine', target: { itemIds: alexQueue.rows.map((r) => r.id) } }]);
  expect(bulk.result).toMatchObject({ ok: false });
  expect([403, 404]).toContain((bulk.result as { status: number }).status);
  await morgan.close();

  // Nothing changed for Alex.
  const after = (await (await page.request.get(`/api/reviews/${campaignId}/items?pageSize=5`)).json()) as TPage;
  expect(after.rows.map((r) => [r.id, r.decision, r.version])).toEqual(alexQueue.rows.map((r) => [r.id, r.decision, r.version]));
});
