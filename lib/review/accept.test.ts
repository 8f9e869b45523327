import { beforeEach, describe, expect, it } from 'vitest';
import { listAuditPage } from '@/lib/audit';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import {
  acceptCarriedOver,
  acceptRecommendations,
  bulkDecide,
  closeCampaign,
  createCampaignDraft,
  DEFAULT_ATTESTATION_STATEMENT,
  excludeItems,
  launchCampaign,
  listRevocations,
  listReviewItems,
  previewAcceptRecommendations,
  signOff,
  ACCEPTED_RECOMMENDATION_PREFIX,
  type TReviewItemRow,
} from './index';
import { countItemEvents } from './queries';
import { actor, ADMIN, allItems, campaignInput, seededStore, snapshotFromStore, thrown } from './testing';
import type { SimStore } from '@/lib/airtable-sim';

function byReviewer(items: readonly TReviewItemRow[]): Map<string, TReviewItemRow[]> {
  const map = new Map<string, TReviewItemRow[]>();
  for (const item of items) map.set(item.reviewerEmail, [...(map.get(item.reviewerEmail) ?? []), item]);
  return map;
}

describe('accept recommendations', () => {
  useTempDatabase();
  let campaignId: number;
  let reviewer: string;
  let mine: TReviewItemRow[];

  beforeEach(() => {
    const snapshotId = snapshotFromStore(seededStore({ users: 120, groups: 8, seed: 6 }));
    campaignId = createCampaignDraft(ADMIN, campaignInput(snapshotId)).id;
    launchCampaign(ADMIN, campaignId);
    // The reviewer with the most varied recommendations.
    const queues = [...byReviewer(allItems(campaignId))].sort((a, b) => new Set(b[1].map((i) => i.recommendation)).size - new Set(a[1].map((i) => i.recommendation)).size);
    [reviewer, mine] = queues[0] as [string, TReviewItemRow[]];
  });

  it('shows the counts and reasons first, then applies each recommendation with its reason, leaving "review" items', () => {
    const a = actor(reviewer);
    const preview = previewAcceptRecommendations(a, campaignId, {});
    const expectCertify = mine.filter((i) => i.recommendation === 'certify').length;
    const expectRevoke = mine.filter((i) => i.recommendation === 'revoke').length;
    const expectReview = mine.filter((i) => i.recommendation === 'review').length;
    expect(preview).toMatchObject({ actionable: expectCertify + expectRevoke, certify: expectCertify, revoke: expectRevoke, needsReview: expectReview });
    expect(preview.groups.reduce((n, g) => n + g.items, 0)).toBe(preview.actionable);
    expect(preview.groups.every((g) => g.reason.length > 0)).toBe(true);

    const result = acceptRecommendations(a, { campaignId, filter: {}, expectedCount: preview.actionable });
    expect(result).toMatchObject({ count: preview.actionable, certified: expectCertify, revoked: expectRevoke });
    for (const item of listReviewItems(campaignId, { email: reviewer, role: 'reviewer' }, { pageSize: 500 }).rows) {
      if (item.recommendation === 'review') expect(item.decision).toBeNull();
      else {
        expect(item.decision).toBe(item.recommendation);
        expect(item.decisionComment).toBe(`${ACCEPTED_RECOMMENDATION_PREFIX}${item.recommendationReason}`);
      }
    }
    const audit = JSON.parse(listAuditPage({ action: 'review.recommendations_accepted' }, 1, 1).rows[0]?.details ?? '{}');
    expect(audit).toMatchObject({ count: preview.actionable, certified: expectCertify, revoked: expectRevoke, leftForReview: expectReview });
  });

  it('works on a filter only, and refuses (writing nothing) when the set changed since the preview', () => {
    const a = actor(reviewer);
    const filter = { kind: 'membership' } as const;
    const preview = previewAcceptRecommendations(a, campaignId, filter);
    const events = countItemEvents(campaignId);
    const stale = thrown(() => acceptRecommendations(a, { campaignId, filter, expectedCount: preview.actionable + 1 }));
    expect(stale.code).toBe('conflict');
    expect(countItemEvents(campaignId)).toBe(events);
    if (preview.actionable > 0) {
      acceptRecommendations(a, { campaignId, filter, expectedCount: preview.actionable });
      const accounts = listReviewItems(campaignId, { email: reviewer, role: 'reviewer' }, { kind: 'account', pageSize: 500 }).rows;
      expect(accounts.every((i) => i.decision === null)).toBe(true);
    }
  });

  it('is only for the caller’s own queue', () => {
    expect(thrown(() => previewAcceptRecommendations(actor('nobody@northwind.example'), campaignId, {})).code).toBe('forbidden');
  });
});

describe('exclusions', () => {
  useTempDatabase();
  let campaignId: number;
  let store: SimStore;

  beforeEach(() => {
    store = seededStore({ users: 60, groups: 5, seed: 7 });
    const snapshotId = snapshotFromStore(store);
    campaignId = createCampaignDraft(ADMIN, campaignInput(snapshotId, { undecidedAction: 'revoke' })).id;
    launchCampaign(ADMIN, campaignId);
  });

  it('takes items out of every queue, the close rule and remediation, with the reason recorded', () => {
    const items = allItems(campaignId);
    const group = items.find((i) => i.kind === 'membership') as TReviewItemRow;
    const groupItems = items.filter((i) => i.groupScimId === group.groupScimId);
    const result = excludeItems(ADMIN, { campaignId, groupScimId: group.groupScimId ?? '', reason: 'Service group, reviewed in the platform review' });
    expect(result).toEqual({ excluded: groupItems.length, alreadyExcluded: 0 });
    // Again: nothing new.
    expect(thrown(() => excludeItems(ADMIN, { campaignId, groupScimId: group.groupScimId ?? '', reason: 'again' })).code).toBe('invalid');

    const reviewer = groupItems[0]?.reviewerEmail as string;
    const queue = listReviewItems(campaignId, { email: reviewer, role: 'reviewer' }, { pageSize: 500 }).rows;
    expect(queue.some((i) => i.groupScimId === group.groupScimId)).toBe(false);
    const excludedView = allItems(campaignId, { decision: 'excluded' });
    expect(excludedView.map((i) => i.id).sort()).toEqual(groupItems.map((i) => i.id).sort());
    expect(excludedView[0]).toMatchObject({ excludedReason: 'Service group, reviewed in the platform review', excludedByEmail: ADMIN.email });

    // The reviewer can finish without the excluded items; nobody decides anything; the close rule revokes the rest only.
    bulkDecide(actor(reviewer), { campaignId, decision: 'certify', target: { itemIds: queue.map((i) => i.id) } });
    signOff(actor(reviewer), { campaignId, statement: DEFAULT_ATTESTATION_STATEMENT });
    const close = closeCampaign(ADMIN, campaignId);
    const revoked = new Set(listRevocations(campaignId).map((r) => r.itemId));
    for (const item of groupItems) expect(revoked.has(item.id)).toBe(false);
    expect(close.revoked).toBe(items.length - groupItems.length - queue.length);
  });

  it('needs a reason and items of this campaign; nothing is written otherwise', () => {
    const [first] = allItems(campaignId);
    const events = countItemEvents(campaignId);
    expect(thrown(() => excludeItems(ADMIN, { campaignId, itemIds: [first!.id], reason: ' ' })).fieldErrors?.reason).toBeTruthy();
    expect(thrown(() => excludeItems(ADMIN, { campaignId, itemIds: [first!.id, 99_999], reason: 'x' })).code).toBe('not_found');
    expect(thrown(() => excludeItems(ADMIN, { campaignId, reason: 'x' })).fieldErrors?.itemIds).toBeTruthy();
    expect(countItemEvents(campaignId)).toBe(events);
    expect(allItems(campaignId, { decision: 'excluded' })).toHaveLength(0);
  });
});

describe('carry-over', () => {
  useTempDatabase();

  it('marks what the previous campaign certified and is unchanged, and accepts it in one reviewed step where allowed', () => {
    const store = seededStore({ users: 60, groups: 5, seed: 8 });
    const first = createCampaignDraft(ADMIN, campaignInput(snapshotFromStore(store), { name: 'Q3' })).id;
    launchCampaign(ADMIN, first);
    const q3 = allItems(first);
    // Everyone certifies everything except one revoked account.
    const revokedOne = q3.find((i) => i.kind === 'account' && i.recommendation === 'certify') as TReviewItemRow;
    for (const [reviewer, items] of byReviewer(q3)) {
      const keep = items.filter((i) => i.id !== revokedOne.id).map((i) => i.id);
      if (keep.length) bulkDecide(actor(reviewer), { campaignId: first, decision: 'certify', target: { itemIds: keep } });
      if (reviewer === revokedOne.reviewerEmail) bulkDecide(actor(reviewer), { campaignId: first, decision: 'revoke', comment: 'left', target: { itemIds: [revokedOne.id] } });
    }
    closeCampaign(ADMIN, first);

    // One person changes department before the next snapshot.
    const changed = q3.find((i) => i.kind === 'account' && i.id !== revokedOne.id && i.recommendation === 'certify') as TReviewItemRow;
    store.patchUser(changed.userScimId, { department: 'Moved Elsewhere' });
    const second = createCampaignDraft(ADMIN, campaignInput(snapshotFromStore(store), { name: 'Q4', allowCarryOverAccept: true })).id;
    const launched = launchCampaign(ADMIN, second);
    const q4 = allItems(second);
    const carried = q4.filter((i) => i.carriedOverFromCampaignId === first);
    expect(launched.carriedOver).toBe(carried.length);
    expect(carried.length).toBeGreaterThan(0);
    expect(carried.every((i) => i.signalKeys.includes('carried_over') && i.recommendation === 'certify')).toBe(true);
    // Not carried: the revoked access, and every item of the person who changed.
    expect(q4.find((i) => i.userScimId === revokedOne.userScimId && i.kind === 'account')?.carriedOverFromCampaignId).toBeNull();
    expect(q4.filter((i) => i.userScimId === changed.userScimId).every((i) => i.carriedOverFromCampaignId === null)).toBe(true);

    const reviewer = carried[0]?.reviewerEmail as string;
    const theirs = carried.filter((i) => i.reviewerEmail === reviewer);
    expect(thrown(() => acceptCarriedOver(actor(reviewer), { campaignId: second, expectedCount: theirs.length + 1 })).code).toBe('conflict');
    const accepted = acceptCarriedOver(actor(reviewer), { campaignId: second, expectedCount: theirs.length });
    expect(accepted.count).toBe(theirs.length);
    const after = listReviewItems(second, { email: reviewer, role: 'reviewer' }, { signal: 'carried_over', pageSize: 500 }).rows;
    expect(after.every((i) => i.decision === 'certify' && /Carried over/.test(i.decisionComment ?? ''))).toBe(true);
    expect(listAuditPage({ action: 'review.carry_over_accepted' }, 1, 1).rows).toHaveLength(1);
  });

  it('is never accepted in one step when the campaign does not allow it', () => {
    const store = seededStore({ users: 30, groups: 3, seed: 9 });
    const first = createCampaignDraft(ADMIN, campaignInput(snapshotFromStore(store))).id;
    launchCampaign(ADMIN, first);
    for (const [reviewer, items] of byReviewer(allItems(first))) bulkDecide(actor(reviewer), { campaignId: first, decision: 'certify', target: { itemIds: items.map((i) => i.id) } });
    closeCampaign(ADMIN, first);
    const second = createCampaignDraft(ADMIN, campaignInput(snapshotFromStore(store))).id;
    launchCampaign(ADMIN, second);
    const carried = allItems(second).filter((i) => i.carriedOverFromCampaignId !== null);
    expect(carried.length).toBeGreaterThan(0);
    const e = thrown(() => acceptCarriedOver(actor(carried[0]!.reviewerEmail), { campaignId: second, expectedCount: 1 }));
    expect(e.code).toBe('forbidden');
    expect(allItems(second).every((i) => i.decision === null)).toBe(true);
  });
});
