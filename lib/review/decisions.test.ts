import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { listAuditPage } from '@/lib/audit';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import {
  bulkDecide,
  closeCampaign,
  createCampaignDraft,
  decideItem,
  getReviewItem,
  ItemConflictError,
  launchCampaign,
  listReviewItems,
  undoDecision,
  type TCampaignInput,
  type TReviewItemRow,
} from './index';
import { countItemEvents } from './queries';
import { actor, ADMIN, allItems, campaignInput, seededStore, snapshotFromStore, thrown } from './testing';

const auditCount = (): number => listAuditPage({}, 1, 1).total;

describe('decisions', () => {
  useTempDatabase();
  let campaignId: number;
  let snapshotId: number;
  let items: TReviewItemRow[];
  let reviewerA: string;
  let reviewerB: string;
  let mine: TReviewItemRow[];

  function launch(overrides: Partial<TCampaignInput> = {}): number {
    const c = createCampaignDraft(ADMIN, campaignInput(snapshotId, overrides));
    launchCampaign(ADMIN, c.id);
    return c.id;
  }

  beforeEach(() => {
    snapshotId = snapshotFromStore(seededStore({ users: 150, groups: 15, seed: 4 }));
    campaignId = launch();
    items = allItems(campaignId);
    const byReviewer = new Map<string, TReviewItemRow[]>();
    for (const i of items) byReviewer.set(i.reviewerEmail, [...(byReviewer.get(i.reviewerEmail) ?? []), i]);
    const ranked = [...byReviewer.entries()].sort((a, b) => b[1].length - a[1].length);
    reviewerA = ranked[0]?.[0] ?? '';
    reviewerB = ranked[1]?.[0] ?? '';
    mine = ranked[0]?.[1] ?? [];
  });

  it('records a decision: version + 1, one event with before / after, one audit row', () => {
    const item = mine[0] as TReviewItemRow;
    const before = auditCount();
    const after = decideItem(actor(reviewerA), { campaignId, itemId: item.id, decision: 'certify', comment: 'still needed', expectedVersion: 1 });
    expect(after).toMatchObject({ decision: 'certify', decisionComment: 'still needed', decidedByEmail: reviewerA, version: 2 });
    const changed = decideItem(actor(reviewerA), { campaignId, itemId: item.id, decision: 'revoke', comment: 'left the team', expectedVersion: 2 });
    expect(changed.version).toBe(3);
    const detail = getReviewItem(campaignId, item.id, { email: reviewerA, role: 'reviewer' });
    expect(detail?.events.map((e) => [e.type, e.decisionBefore, e.decisionAfter, e.comment, e.actorEmail])).toEqual([
      ['decision', null, 'certify', 'still needed', reviewerA],
      ['decision', 'certify', 'revoke', 'left the team', reviewerA],
    ]);
    const audit = listAuditPage({ action: 'review.decided' }, 1, 10).rows;
    expect(auditCount()).toBe(before + 2);
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({
      campaignId,
      before: { decision: 'certify', comment: 'still needed', version: 2 },
      after: { decision: 'revoke', comment: 'left the team', version: 3 },
    });
    expect(audit[0]).toMatchObject({ actorEmail: reviewerA, targetType: 'review_item', targetId: String(item.id) });
  });

  it('lets only the current reviewer decide, without revealing other items', () => {
    const item = mine[0] as TReviewItemRow;
    const other = items.find((i) => i.reviewerEmail === reviewerB) as TReviewItemRow;
    expect(thrown(() => decideItem(actor('nobody@northwind.example'), { campaignId, itemId: item.id, decision: 'certify', expectedVersion: 1 })).code).toBe('forbidden');
    // Admins have no special power over someone else's queue.
    expect(thrown(() => decideItem(ADMIN, { campaignId, itemId: item.id, decision: 'certify', expectedVersion: 1 })).code).toBe('forbidden');
    expect(thrown(() => decideItem(actor(reviewerB), { campaignId, itemId: item.id, decision: 'certify', expectedVersion: 1 })).code).toBe('not_found');
    expect(thrown(() => decideItem(actor(reviewerA), { campaignId, itemId: 999_999, decision: 'certify', expectedVersion: 1 })).code).toBe('not_found');
    expect(thrown(() => decideItem(actor(reviewerA), { campaignId: 999, itemId: item.id, decision: 'certify', expectedVersion: 1 })).code).toBe('not_found');
    // The same id in another campaign where the reviewer also has items.
    const second = launch({ name: 'Second' });
    expect(thrown(() => decideItem(actor(reviewerA), { campaignId: second, itemId: item.id, decision: 'certify', expectedVersion: 1 })).code).toBe('not_found');
    expect(getReviewItem(campaignId, other.id, { email: reviewerA, role: 'reviewer' })).toBeNull();
    expect(getReviewItem(campaignId, other.id, { email: 'auditor@northwind.example', role: 'auditor' })?.item.id).toBe(other.id);
    expect(countItemEvents(campaignId)).toBe(0);
  });

  it('optimistic concurrency: the second decision with the same version loses and sees the current state', () => {
    const item = mine[0] as TReviewItemRow;
    const a = actor(reviewerA);
    // Two tabs loaded version 1.
    decideItem(a, { campaignId, itemId: item.id, decision: 'certify', expectedVersion: 1 });
    const error = thrown(() => decideItem(a, { campaignId, itemId: item.id, decision: 'revoke', comment: 'no', expectedVersion: 1 }));
    expect(error).toBeInstanceOf(ItemConflictError);
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/changed since you loaded it/);
    expect((error as ItemConflictError).current).toMatchObject({ id: item.id, decision: 'certify', version: 2 });
    const events = getReviewItem(campaignId, item.id, { email: reviewerA, role: 'reviewer' })?.events ?? [];
    expect(events.filter((e) => e.type === 'decision')).toHaveLength(1);
    expect(thrown(() => undoDecision(a, { campaignId, itemId: item.id, expectedVersion: 1 }))).toBeInstanceOf(ItemConflictError);
  });

  it('requires a justification to revoke (nothing written without one) and caps comments', () => {
    const item = mine[0] as TReviewItemRow;
    const events = countItemEvents(campaignId);
    const audits = auditCount();
    const error = thrown(() => decideItem(actor(reviewerA), { campaignId, itemId: item.id, decision: 'revoke', comment: '   ', expectedVersion: 1 }));
    expect(error.code).toBe('invalid');
    expect(error.fieldErrors?.comment).toBeDefined();
    const tooLong = thrown(() => decideItem(actor(reviewerA), { campaignId, itemId: item.id, decision: 'certify', comment: 'x'.repeat(2001), expectedVersion: 1 }));
    expect(tooLong.code).toBe('invalid');
    expect(tooLong.fieldErrors?.comment?.[0]).toMatch(/2,000/);
    expect(countItemEvents(campaignId)).toBe(events);
    expect(auditCount()).toBe(audits);
    expect(getReviewItem(campaignId, item.id, { email: reviewerA, role: 'reviewer' })?.item).toMatchObject({ decision: null, version: 1 });
    decideItem(actor(reviewerA), { campaignId, itemId: item.id, decision: 'certify', comment: 'x'.repeat(2000), expectedVersion: 1 });
  });

  it('requires a comment to certify a flagged item when the campaign says so', () => {
    const strict = launch({ name: 'Strict', certifyFlaggedNeedsComment: true, revokeNeedsJustification: false });
    const strictItems = allItems(strict);
    const flagged = strictItems.find((i) => i.flagged) as TReviewItemRow;
    const clean = strictItems.find((i) => !i.flagged && i.reviewerEmail === flagged.reviewerEmail) as TReviewItemRow;
    const who = actor(flagged.reviewerEmail);
    expect(thrown(() => decideItem(who, { campaignId: strict, itemId: flagged.id, decision: 'certify', expectedVersion: 1 })).code).toBe('invalid');
    expect(decideItem(who, { campaignId: strict, itemId: flagged.id, decision: 'revoke', expectedVersion: 1 }).decision).toBe('revoke');
    if (clean) expect(decideItem(who, { campaignId: strict, itemId: clean.id, decision: 'certify', expectedVersion: 1 }).decision).toBe('certify');
  });

  it('undoes a decision, keeping the history', () => {
    const item = mine[0] as TReviewItemRow;
    const a = actor(reviewerA);
    decideItem(a, { campaignId, itemId: item.id, decision: 'certify', expectedVersion: 1 });
    const undone = undoDecision(a, { campaignId, itemId: item.id, expectedVersion: 2 });
    expect(undone).toMatchObject({ decision: null, decidedAt: null, decidedByEmail: null, version: 3 });
    expect(thrown(() => undoDecision(a, { campaignId, itemId: item.id, expectedVersion: 3 })).code).toBe('conflict');
    const events = getReviewItem(campaignId, item.id, { email: reviewerA, role: 'reviewer' })?.events ?? [];
    expect(events.map((e) => e.type)).toEqual(['decision', 'undo']);
    expect(listAuditPage({ action: 'review.undone' }, 1, 10).total).toBe(1);
  });

  it('refuses decisions on a closed campaign, and the database refuses a raw UPDATE too', () => {
    const item = mine[0] as TReviewItemRow;
    closeCampaign(ADMIN, campaignId);
    const error = thrown(() => decideItem(actor(reviewerA), { campaignId, itemId: item.id, decision: 'certify', expectedVersion: 1 }));
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/This campaign is closed/);
    expect(thrown(() => bulkDecide(actor(reviewerA), { campaignId, decision: 'certify', target: { itemIds: [item.id] } })).code).toBe('conflict');
    expect(() => getDb().$client.prepare("UPDATE review_items SET decision = 'certify' WHERE id = ?").run(item.id)).toThrow(/closed and read-only/);
    expect(() => getDb().$client.prepare('UPDATE campaigns SET status = ? WHERE id = ?').run('active', campaignId)).toThrow(/closed and read-only/);
  });

  describe('bulk', () => {
    it('decides all matching a filter in one transaction: one event per item, one audit row', () => {
      const a = actor(reviewerA);
      const filter = { kind: 'membership' as const };
      const expected = listReviewItems(campaignId, { email: reviewerA, role: 'reviewer' }, { ...filter, page: 1, pageSize: 1 }).total;
      expect(expected).toBeGreaterThan(1);
      decideItem(a, { campaignId, itemId: (mine.find((i) => i.kind === 'membership') as TReviewItemRow).id, decision: 'revoke', comment: 'gone', expectedVersion: 1 });
      const events = countItemEvents(campaignId);
      const result = bulkDecide(a, { campaignId, decision: 'certify', comment: 'quarterly check', target: { filter, expectedCount: expected } });
      expect(result).toMatchObject({ decision: 'certify', count: expected, before: { undecided: expected - 1, revoke: 1, certify: 0 } });
      expect(countItemEvents(campaignId)).toBe(events + expected);
      const audit = listAuditPage({ action: 'review.bulk_decided' }, 1, 10).rows;
      expect(audit).toHaveLength(1);
      expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({ count: expected, decision: 'certify', target: { filter: { kind: 'membership' }, expectedCount: expected } });
      const after = allItems(campaignId, { reviewer: reviewerA, kind: 'membership' });
      expect(after.every((i) => i.decision === 'certify' && i.decidedByEmail === reviewerA && i.decisionComment === 'quarterly check')).toBe(true);
      // Only the caller's items.
      expect(allItems(campaignId, { reviewer: reviewerB, decision: 'certify' })).toHaveLength(0);
    });

    it('refuses a stale "all matching" count and writes nothing', () => {
      const a = actor(reviewerA);
      const filter = { decision: 'undecided' as const };
      const confirmed = listReviewItems(campaignId, { email: reviewerA, role: 'reviewer' }, { ...filter, page: 1, pageSize: 1 }).total;
      // Meanwhile one of them was decided in another tab.
      decideItem(a, { campaignId, itemId: (mine[0] as TReviewItemRow).id, decision: 'certify', expectedVersion: 1 });
      const events = countItemEvents(campaignId);
      const audits = auditCount();
      const error = thrown(() => bulkDecide(a, { campaignId, decision: 'certify', target: { filter, expectedCount: confirmed } }));
      expect(error.code).toBe('conflict');
      expect(error.message).toMatch(/now matches/);
      expect(countItemEvents(campaignId)).toBe(events);
      expect(auditCount()).toBe(audits);
      expect(allItems(campaignId, { reviewer: reviewerA, decision: 'certify' })).toHaveLength(1);
    });

    it('by ids: all must be the caller\'s, same justification rule, nothing written on refusal', () => {
      const a = actor(reviewerA);
      const ids = mine.slice(0, 3).map((i) => i.id);
      const foreign = (items.find((i) => i.reviewerEmail === reviewerB) as TReviewItemRow).id;
      const events = countItemEvents(campaignId);
      expect(thrown(() => bulkDecide(a, { campaignId, decision: 'certify', target: { itemIds: [...ids, foreign] } })).code).toBe('not_found');
      expect(thrown(() => bulkDecide(a, { campaignId, decision: 'revoke', target: { itemIds: ids } })).code).toBe('invalid');
      expect(countItemEvents(campaignId)).toBe(events);
      expect(bulkDecide(a, { campaignId, decision: 'revoke', comment: 'unused', target: { itemIds: ids } }).count).toBe(3);
      expect(countItemEvents(campaignId)).toBe(events + 3);
    });
  });
});
