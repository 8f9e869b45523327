import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '@/lib/audit';
import { startSeededSim, fastClient, type TSimServer } from '@/lib/scim/testing/fixtures';
import { referencedSnapshotIds } from '@/lib/snapshot/retention';
import { takeSnapshot } from '@/lib/snapshot/take-snapshot';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import {
  bulkDecide,
  campaignProgress,
  closeCampaign,
  createCampaignDraft,
  DEFAULT_ATTESTATION_STATEMENT,
  extendDueDate,
  launchCampaign,
  listMyCampaigns,
  listReviewItems,
  listRevocations,
  previewCampaign,
  reassignItems,
  signOff,
} from './index';
import { actor, ADMIN, allItems, campaignInput, inDays } from './testing';

/** A whole quarter over a snapshot taken from the simulator over real HTTP, then the audit chain verified. */
describe('a full campaign over a real snapshot', () => {
  useTempDatabase();
  let server: TSimServer;
  beforeEach(async () => {
    server = await startSeededSim({ users: 150, groups: 15, seed: 21 });
  });
  afterEach(async () => {
    await server.close();
  });

  it('drafts, launches, decides, signs off, reassigns, closes — and the audit chain still verifies', async () => {
    const snapshot = await takeSnapshot({ actor: ADMIN, trigger: 'ui', client: fastClient(server), source: 'saved', baseUrl: server.url, applyRetention: false });
    expect(snapshot.status).toBe('complete');

    const draft = createCampaignDraft(ADMIN, campaignInput(snapshot.id, { undecidedAction: 'revoke', scope: { kind: 'all', includeInactive: true } }));
    expect(referencedSnapshotIds().has(snapshot.id)).toBe(true);
    const preview = previewCampaign(draft.id);
    const { itemCount } = launchCampaign(ADMIN, draft.id);
    expect(itemCount).toBe(preview.totalItems);
    const items = allItems(draft.id);
    // Managers come from the enterprise extension of the real crawl.
    expect(items.filter((i) => i.reviewerReason === 'manager').length).toBeGreaterThan(items.length / 2);
    expect(items.every((i) => i.reviewerEmail !== i.userEmail)).toBe(true);

    const reviewers = [...new Set(items.map((i) => i.reviewerEmail))];
    const [first, second, ...others] = reviewers as [string, string, ...string[]];
    // First reviewer: revokes what Attest suggests revoking, certifies the rest, signs off.
    const viewer = { email: first, role: 'reviewer' as const };
    const revokeCount = listReviewItems(draft.id, viewer, { recommendation: 'revoke', page: 1, pageSize: 1 }).total;
    if (revokeCount > 0) bulkDecide(actor(first), { campaignId: draft.id, decision: 'revoke', comment: 'suggested', target: { filter: { recommendation: 'revoke' }, expectedCount: revokeCount } });
    const rest = listReviewItems(draft.id, viewer, { decision: 'undecided', page: 1, pageSize: 1 }).total;
    if (rest > 0) bulkDecide(actor(first), { campaignId: draft.id, decision: 'certify', target: { filter: { decision: 'undecided' }, expectedCount: rest } });
    signOff(actor(first), { campaignId: draft.id, statement: DEFAULT_ATTESTATION_STATEMENT });
    // Second reviewer is away: their items move to a third person.
    const moved = reassignItems(ADMIN, { campaignId: draft.id, fromReviewerEmail: second, toReviewerEmail: others[0] ?? 'backup@northwind.example', reason: 'on leave' });
    expect(moved.moved + moved.refusedSelfReview).toBe(items.filter((i) => i.reviewerEmail === second).length);
    extendDueDate(ADMIN, draft.id, inDays(45));

    const progress = campaignProgress(draft.id);
    expect(progress.perReviewer.find((r) => r.reviewerEmail === first)).toMatchObject({ decided: items.filter((i) => i.reviewerEmail === first).length });

    const closed = closeCampaign(ADMIN, draft.id);
    expect(closed.undecided).toBe(0);
    expect(closed.certified + closed.revoked).toBe(itemCount);
    expect(listRevocations(draft.id)).toHaveLength(closed.revoked);
    expect(listMyCampaigns(first)[0]).toMatchObject({ status: 'closed', signedOffAt: expect.any(String) });

    const verdict = verifyAuditLog();
    expect(verdict.ok).toBe(true);
    // snapshot start/complete, draft, launch, 2 bulk, sign-off, reassignment, due date, close at least.
    expect(verdict.rows).toBeGreaterThanOrEqual(8);
  });
});
