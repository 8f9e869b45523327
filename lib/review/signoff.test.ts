import { beforeEach, describe, expect, it } from 'vitest';
import { listAuditPage } from '@/lib/audit';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { bulkDecide, createCampaignDraft, decideItem, DEFAULT_ATTESTATION_STATEMENT, launchCampaign, listMyCampaigns, signOff, undoDecision, type TReviewItemRow } from './index';
import { countItemEvents } from './queries';
import { actor, ADMIN, allItems, campaignInput, seededStore, snapshotFromStore, thrown } from './testing';

describe('sign-off', () => {
  useTempDatabase();
  let campaignId: number;
  let mine: TReviewItemRow[];
  let reviewer: string;

  beforeEach(() => {
    const snapshotId = snapshotFromStore(seededStore({ users: 80, groups: 8, seed: 2 }));
    campaignId = createCampaignDraft(ADMIN, campaignInput(snapshotId)).id;
    launchCampaign(ADMIN, campaignId);
    const items = allItems(campaignId).filter((i) => i.reviewerReason === 'manager');
    reviewer = (items[0] as TReviewItemRow).reviewerEmail;
    mine = items.filter((i) => i.reviewerEmail === reviewer);
  });

  it('is refused while items are undecided, then locks every decision', () => {
    const a = actor(reviewer);
    const [first, ...rest] = mine as [TReviewItemRow, ...TReviewItemRow[]];
    decideItem(a, { campaignId, itemId: first.id, decision: 'certify', expectedVersion: 1 });
    const early = thrown(() => signOff(a, { campaignId, statement: DEFAULT_ATTESTATION_STATEMENT }));
    expect(early.code).toBe('conflict');
    expect(early.message).toMatch(new RegExp(`${rest.length} undecided item`));
    if (rest.length > 0) bulkDecide(a, { campaignId, decision: 'certify', target: { itemIds: rest.map((i) => i.id) } });

    expect(thrown(() => signOff(a, { campaignId, statement: 'I agree to whatever' })).code).toBe('invalid');
    const result = signOff(a, { campaignId, statement: DEFAULT_ATTESTATION_STATEMENT });
    expect(result).toMatchObject({ reviewerEmail: reviewer, itemCount: mine.length, statement: DEFAULT_ATTESTATION_STATEMENT });
    expect(listMyCampaigns(reviewer)[0]).toMatchObject({ campaignId, total: mine.length, decided: mine.length, signedOffAt: result.signedAt, overdue: false });
    const audit = listAuditPage({ action: 'review.signed_off' }, 1, 5).rows;
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({ after: { itemCount: mine.length } });

    const events = countItemEvents(campaignId);
    const locked = thrown(() => decideItem(a, { campaignId, itemId: first.id, decision: 'revoke', comment: 'changed my mind', expectedVersion: 2 }));
    expect(locked.code).toBe('conflict');
    expect(locked.message).toMatch(/You signed off on/);
    expect(thrown(() => undoDecision(a, { campaignId, itemId: first.id, expectedVersion: 2 })).message).toMatch(/You signed off on/);
    expect(thrown(() => bulkDecide(a, { campaignId, decision: 'certify', target: { itemIds: [first.id] } })).message).toMatch(/You signed off on/);
    expect(thrown(() => signOff(a, { campaignId, statement: DEFAULT_ATTESTATION_STATEMENT })).code).toBe('conflict');
    expect(countItemEvents(campaignId)).toBe(events);
  });

  it('is only for reviewers with items in the campaign', () => {
    expect(thrown(() => signOff(actor('nobody@northwind.example'), { campaignId, statement: DEFAULT_ATTESTATION_STATEMENT })).code).toBe('forbidden');
    expect(thrown(() => signOff(actor(reviewer), { campaignId: 12345, statement: DEFAULT_ATTESTATION_STATEMENT })).code).toBe('not_found');
  });
});
