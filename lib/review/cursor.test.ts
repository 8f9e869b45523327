import { beforeEach, describe, expect, it } from 'vitest';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { encodeItemCursor } from './cursor';
import { createCampaignDraft, decideItem, ITEM_SORTS, launchCampaign, listReviewItems, listReviewItemsAfter, type TItemListQuery, type TReviewItemRow, type TViewer } from './index';
import { actor, addUser, ADMIN, campaignInput, seededStore, snapshotFromStore, thrown } from './testing';

const REVIEWER = 'reviewer@northwind.example';

/** Every row of a list, following `nextCursor` from the first (counted) page. */
function walkByCursor(campaignId: number, viewer: TViewer, query: Omit<TItemListQuery, 'page' | 'after'>): TReviewItemRow[] {
  const first = listReviewItems(campaignId, viewer, { ...query, page: 1 });
  const rows = [...first.rows];
  let cursor = first.nextCursor;
  while (cursor) {
    const next = listReviewItemsAfter(campaignId, viewer, { ...query, after: cursor });
    rows.push(...next.rows);
    cursor = next.nextCursor;
  }
  return rows;
}

describe('grid pages after a cursor', () => {
  useTempDatabase();
  let campaignId: number;
  const viewer: TViewer = { email: REVIEWER, role: 'reviewer' };

  beforeEach(() => {
    const store = seededStore({ users: 120, groups: 12, seed: 4 });
    // NULLs in sort columns: no department, no title, no display name.
    for (let i = 0; i < 6; i++) addUser(store, { userName: `blank${i}@northwind.example`, department: undefined, title: undefined, givenName: '', familyName: '' });
    const snapshotId = snapshotFromStore(store);
    campaignId = createCampaignDraft(
      ADMIN,
      campaignInput(snapshotId, { reviewerRule: 'fixed', fixedReviewerEmail: REVIEWER, reviewMemberships: true, scope: { kind: 'all', includeInactive: true } }),
    ).id;
    launchCampaign(ADMIN, campaignId);
  });

  it('walks every row exactly once, in the offset order, for every sort and direction', () => {
    const all = listReviewItems(campaignId, viewer, { page: 1, pageSize: 500 });
    expect(all.total).toBeGreaterThan(200);
    expect(all.rows.some((r) => r.department === null)).toBe(true);
    for (const sort of ITEM_SORTS) {
      for (const dir of ['asc', 'desc'] as const) {
        const reference = listReviewItems(campaignId, viewer, { sort, dir, page: 1, pageSize: 500 }).rows.map((r) => r.id);
        const walked = walkByCursor(campaignId, viewer, { sort, dir, pageSize: 17 }).map((r) => r.id);
        expect(walked, `${sort} ${dir}`).toEqual(reference);
      }
    }
  });

  it('does not skip rows when decisions take rows out of an "undecided" list between pages', () => {
    const first = listReviewItems(campaignId, viewer, { decision: 'undecided', page: 1, pageSize: 50 });
    const undecided = first.total;
    // The reviewer decides the whole first page before scrolling on.
    for (const row of first.rows) decideItem(actor(REVIEWER), { campaignId, itemId: row.id, decision: 'certify', expectedVersion: row.version });
    const seen = [...first.rows];
    let cursor = first.nextCursor;
    while (cursor) {
      const next = listReviewItemsAfter(campaignId, viewer, { decision: 'undecided', pageSize: 50, after: cursor });
      seen.push(...next.rows);
      cursor = next.nextCursor;
    }
    expect(new Set(seen.map((r) => r.id)).size).toBe(undecided);
  });

  it('refuses a malformed cursor and a cursor made for another sort', () => {
    const first = listReviewItems(campaignId, viewer, { sort: 'user', page: 1, pageSize: 10 });
    expect(first.nextCursor).not.toBeNull();
    const cursor = first.nextCursor ?? '';
    expect(thrown(() => listReviewItemsAfter(campaignId, viewer, { sort: 'email', pageSize: 10, after: cursor })).message).toMatch(/sort changed/);
    expect(thrown(() => listReviewItemsAfter(campaignId, viewer, { sort: 'user', dir: 'desc', pageSize: 10, after: cursor })).code).toBe('invalid');
    for (const bad of ['not-base64-json', encodeItemCursor('user', 'asc', ['x']), encodeItemCursor('user', 'asc', ['x', 'not-an-id']), encodeItemCursor('user', 'asc', ['a', 'b', 3])]) {
      const error = thrown(() => listReviewItemsAfter(campaignId, viewer, { sort: 'user', pageSize: 10, after: bad }));
      expect(error.code).toBe('invalid');
      expect(error.message).toMatch(/not valid/);
    }
  });

  it("keeps a reviewer inside their own queue whatever the cursor says", () => {
    const other: TViewer = { email: 'someone.else@northwind.example', role: 'reviewer' };
    const first = listReviewItems(campaignId, viewer, { page: 1, pageSize: 10 });
    expect(listReviewItemsAfter(campaignId, other, { pageSize: 10, after: first.nextCursor ?? '' }).rows).toEqual([]);
  });
});
