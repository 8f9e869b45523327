import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { listAuditPage } from '@/lib/audit';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import {
  bulkDecide,
  campaignProgress,
  closeCampaign,
  createCampaignDraft,
  decideItem,
  DEFAULT_ATTESTATION_STATEMENT,
  extendDueDate,
  getCampaign,
  getReviewItem,
  launchCampaign,
  listRevocations,
  reassignItems,
  signOff,
  type TCampaignInput,
  type TReviewItemRow,
} from './index';
import { actor, ADMIN, allItems, campaignInput, inDays, seededStore, snapshotFromStore, thrown } from './testing';

describe('admin operations', () => {
  useTempDatabase();
  let snapshotId: number;
  let campaignId: number;
  let items: TReviewItemRow[];
  let reviewers: string[];

  function launch(overrides: Partial<TCampaignInput> = {}): number {
    const id = createCampaignDraft(ADMIN, campaignInput(snapshotId, overrides)).id;
    launchCampaign(ADMIN, id);
    return id;
  }

  beforeEach(() => {
    snapshotId = snapshotFromStore(seededStore({ users: 120, groups: 10, seed: 8 }));
    campaignId = launch();
    items = allItems(campaignId);
    const counts = new Map<string, number>();
    for (const i of items) counts.set(i.reviewerEmail, (counts.get(i.reviewerEmail) ?? 0) + 1);
    reviewers = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([email]) => email);
  });

  const itemsOf = (email: string) => items.filter((i) => i.reviewerEmail === email);

  describe('reassignItems', () => {
    it('moves items, records events and an audit row with before and after', () => {
      const [from, to] = reviewers as [string, string];
      const moving = itemsOf(from).filter((i) => i.userEmail !== to).slice(0, 3);
      const result = reassignItems(ADMIN, { campaignId, itemIds: moving.map((i) => i.id), toReviewerEmail: to, reason: 'on leave' });
      expect(result).toMatchObject({ moved: 3, refusedSelfReview: 0, unchanged: 0, fromReviewers: [{ reviewerEmail: from, items: 3 }], targetSignOffCleared: false });
      const detail = getReviewItem(campaignId, (moving[0] as TReviewItemRow).id, { email: to, role: 'reviewer' });
      expect(detail?.item).toMatchObject({ reviewerEmail: to, originalReviewerEmail: from, reviewerReason: 'reassigned', version: 2 });
      expect(detail?.events).toEqual([expect.objectContaining({ type: 'reassign', reviewerBefore: from, reviewerAfter: to, comment: 'on leave', actorEmail: ADMIN.email })]);
      // The previous reviewer no longer sees it.
      expect(getReviewItem(campaignId, (moving[0] as TReviewItemRow).id, { email: from, role: 'reviewer' })).toBeNull();
      const audit = listAuditPage({ action: 'campaign.items_reassigned' }, 1, 5).rows;
      expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({
        reason: 'on leave',
        count: 3,
        before: { reviewers: [{ reviewerEmail: from, items: 3 }] },
        after: { reviewerEmail: to },
      });
    });

    it('never assigns anyone their own access', () => {
      const [from] = reviewers as [string];
      const victim = itemsOf(from).find((i) => i.kind === 'account') as TReviewItemRow;
      const target = victim.userEmail;
      const all = itemsOf(from);
      const own = all.filter((i) => i.userEmail === target).length;
      const result = reassignItems(ADMIN, { campaignId, fromReviewerEmail: from, toReviewerEmail: target, reason: 'rebalance' });
      expect(result.refusedSelfReview).toBe(own);
      expect(result.moved).toBe(all.length - own);
      expect(allItems(campaignId).filter((i) => i.reviewerEmail === i.userEmail)).toHaveLength(0);
      const onlyOwn = thrown(() => reassignItems(ADMIN, { campaignId, itemIds: [victim.id], toReviewerEmail: target, reason: 'x' }));
      expect(onlyOwn.code).toBe('invalid');
      expect(onlyOwn.fieldErrors?.toReviewerEmail).toBeDefined();
    });

    it('does not silently move a signed-off reviewer\'s items; withdraws the target\'s sign-off', () => {
      const [from, to] = reviewers as [string, string];
      for (const email of [from, to]) {
        bulkDecide(actor(email), { campaignId, decision: 'certify', target: { filter: {}, expectedCount: itemsOf(email).length } });
        signOff(actor(email), { campaignId, statement: DEFAULT_ATTESTATION_STATEMENT });
      }
      const ids = itemsOf(from).filter((i) => i.userEmail !== to).slice(0, 2).map((i) => i.id);
      const refused = thrown(() => reassignItems(ADMIN, { campaignId, itemIds: ids, toReviewerEmail: to, reason: 'conflict of interest' }));
      expect(refused.code).toBe('conflict');
      expect(refused.message).toMatch(new RegExp(`${from.replace(/[.]/g, '\\.')}`));
      expect(allItems(campaignId, { reviewer: to })).toHaveLength(itemsOf(to).length);
      const moved = reassignItems(ADMIN, { campaignId, itemIds: ids, toReviewerEmail: to, reason: 'conflict of interest', moveSignedOff: true });
      expect(moved).toMatchObject({ moved: 2, targetSignOffCleared: true });
      expect(campaignProgress(campaignId).perReviewer.find((r) => r.reviewerEmail === to)?.signedOffAt).toBeNull();
      expect(campaignProgress(campaignId).perReviewer.find((r) => r.reviewerEmail === from)?.signedOffAt).not.toBeNull();
      const audit = JSON.parse(listAuditPage({ action: 'campaign.items_reassigned' }, 1, 5).rows[0]?.details ?? '{}') as Record<string, unknown>;
      expect(audit.targetSignOffWithdrawn).toMatchObject({ itemCount: itemsOf(to).length });
      // The target may decide again: their queue is open.
      expect(decideItem(actor(to), { campaignId, itemId: ids[0] as number, decision: 'revoke', comment: 'moved', expectedVersion: 3 }).decision).toBe('revoke');
    });
  });

  it('extends the due date only forward and into the future; audited', () => {
    const current = getCampaign(campaignId)?.dueAt ?? '';
    expect(thrown(() => extendDueDate(ADMIN, campaignId, inDays(10))).fieldErrors?.dueAt).toBeDefined();
    expect(thrown(() => extendDueDate(ADMIN, campaignId, '2020-01-01')).fieldErrors?.dueAt?.[0]).toMatch(/future/);
    const extended = extendDueDate(ADMIN, campaignId, inDays(60));
    expect(Date.parse(extended.dueAt)).toBeGreaterThan(Date.parse(current));
    expect(JSON.parse(listAuditPage({ action: 'campaign.due_date_extended' }, 1, 5).rows[0]?.details ?? '{}')).toMatchObject({
      before: { dueAt: current },
      after: { dueAt: extended.dueAt },
    });
  });

  it('closes with the "revoke" rule: undecided items are revoked by rule, then everything is read-only', () => {
    const strict = launch({ name: 'Strict close', undecidedAction: 'revoke' });
    const strictItems = allItems(strict);
    const [a, b] = strictItems as [TReviewItemRow, TReviewItemRow];
    decideItem(actor(a.reviewerEmail), { campaignId: strict, itemId: a.id, decision: 'certify', expectedVersion: 1 });
    if (b.reviewerEmail !== a.reviewerEmail || b.id !== a.id) decideItem(actor(b.reviewerEmail), { campaignId: strict, itemId: b.id, decision: 'revoke', comment: 'x', expectedVersion: 1 });
    const result = closeCampaign(ADMIN, strict);
    expect(result).toEqual({ certified: 1, revoked: strictItems.length - 1, revokedByRule: strictItems.length - 2, undecided: 0, remediationQueued: strictItems.length - 1 });
    expect(getCampaign(strict)).toMatchObject({ status: 'closed', closedByEmail: ADMIN.email });
    const ruled = allItems(strict).filter((i) => i.decidedByRule);
    expect(ruled).toHaveLength(strictItems.length - 2);
    expect(getReviewItem(strict, (ruled[0] as TReviewItemRow).id, { email: ADMIN.email, role: 'admin' })?.events.map((e) => e.type)).toEqual(['close_rule']);
    const revocations = listRevocations(strict);
    expect(revocations).toHaveLength(strictItems.length - 1);
    expect(revocations.filter((r) => r.decidedByRule)).toHaveLength(strictItems.length - 2);
    expect(revocations[0]).toMatchObject({ campaignId: strict, kind: expect.stringMatching(/account|membership/), userScimId: expect.stringMatching(/^usr/) });
    expect(JSON.parse(listAuditPage({ action: 'campaign.closed' }, 1, 5).rows[0]?.details ?? '{}')).toMatchObject({ ...result, before: { status: 'active' }, after: { status: 'closed' } });
    for (const attempt of [
      () => closeCampaign(ADMIN, strict),
      () => extendDueDate(ADMIN, strict, inDays(90)),
      () => reassignItems(ADMIN, { campaignId: strict, itemIds: [a.id], toReviewerEmail: 'someone@northwind.example', reason: 'x' }),
    ]) {
      expect(thrown(attempt).code).toBe('conflict');
    }
  });

  it('closes with the "report" rule: undecided items stay undecided and are reported', () => {
    const first = items[0] as TReviewItemRow;
    decideItem(actor(first.reviewerEmail), { campaignId, itemId: first.id, decision: 'revoke', comment: 'no longer needed', expectedVersion: 1 });
    const result = closeCampaign(ADMIN, campaignId);
    expect(result).toEqual({ certified: 0, revoked: 1, revokedByRule: 0, undecided: items.length - 1, remediationQueued: 1 });
    expect(allItems(campaignId, { decision: 'undecided' })).toHaveLength(items.length - 1);
    expect(listRevocations(campaignId)).toEqual([expect.objectContaining({ itemId: first.id, decidedByRule: false, comment: 'no longer needed' })]);
  });

  it('reports progress per reviewer, with overdue reviewers', () => {
    const [done] = reviewers as [string];
    bulkDecide(actor(done), { campaignId, decision: 'certify', target: { filter: {}, expectedCount: itemsOf(done).length } });
    signOff(actor(done), { campaignId, statement: DEFAULT_ATTESTATION_STATEMENT });
    // The due date passes (no API moves it backwards; simulate time).
    getDb().$client.prepare('UPDATE campaigns SET due_at = ? WHERE id = ?').run('2020-01-01T00:00:00.000Z', campaignId);
    const progress = campaignProgress(campaignId);
    expect(progress.overall).toMatchObject({ total: items.length, decided: itemsOf(done).length, certified: itemsOf(done).length, reviewers: reviewers.length, signedOff: 1 });
    expect(progress.perReviewer.find((r) => r.reviewerEmail === done)).toMatchObject({ overdue: false, decided: itemsOf(done).length });
    expect(progress.perReviewer.filter((r) => r.reviewerEmail !== done).every((r) => r.overdue)).toBe(true);
  });
});
