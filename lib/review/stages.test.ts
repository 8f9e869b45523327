import { beforeEach, describe, expect, it } from 'vitest';
import { listAuditPage } from '@/lib/audit';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import {
  advanceStage,
  bulkDecide,
  closeCampaign,
  createCampaignDraft,
  decideItem,
  DEFAULT_ATTESTATION_STATEMENT,
  getCampaign,
  getReviewItem,
  launchCampaign,
  listCampaignStages,
  listReviewItems,
  listRevocations,
  passOnAsNotSure,
  reassignItems,
  signOff,
  normalizeDueAt,
  type TLaterStageInput,
  type TReviewItemRow,
} from './index';
import { actor, ADMIN, allItems, campaignInput, inDays, seededStore, snapshotFromStore, thrown } from './testing';

const SECURITY = 'security@northwind.example';
const FALLBACK = 'fallback@northwind.example';

function stage2(overrides: Partial<TLaterStageInput> = {}): TLaterStageInput {
  return { reviewerRule: 'fixed', fixedReviewerEmail: SECURITY, dueAt: inDays(45), advance: 'all', showPreviousDecisions: true, ...overrides };
}

function byReviewer(items: readonly TReviewItemRow[]): Map<string, TReviewItemRow[]> {
  const map = new Map<string, TReviewItemRow[]>();
  for (const item of items) map.set(item.reviewerEmail, [...(map.get(item.reviewerEmail) ?? []), item]);
  return map;
}

/**
 * Stage 1 decided in a fixed pattern by every reviewer: by item id, every third item revoked,
 * the item after each 7th passed on as not sure, the rest certified; then everyone signs off.
 */
function decideStageOneAndSignOff(campaignId: number): { revoked: Set<number>; certified: Set<number>; notSure: Set<number> } {
  const revoked = new Set<number>();
  const certified = new Set<number>();
  const notSure = new Set<number>();
  for (const [reviewer, items] of byReviewer(allItems(campaignId))) {
    const a = actor(reviewer);
    for (const item of items) {
      if (item.id % 7 === 1 && reviewer !== FALLBACK) {
        passOnAsNotSure(a, { campaignId, itemId: item.id, expectedVersion: item.version, comment: 'I do not know this contractor' });
        notSure.add(item.id);
      } else if (item.id % 3 === 0) {
        decideItem(a, { campaignId, itemId: item.id, decision: 'revoke', comment: 'not needed', expectedVersion: item.version });
        revoked.add(item.id);
      } else {
        decideItem(a, { campaignId, itemId: item.id, decision: 'certify', expectedVersion: item.version });
        certified.add(item.id);
      }
    }
    signOff(a, { campaignId, statement: DEFAULT_ATTESTATION_STATEMENT });
  }
  return { revoked, certified, notSure };
}

describe('multi-stage campaigns', () => {
  useTempDatabase();
  let snapshotId: number;

  beforeEach(() => {
    snapshotId = snapshotFromStore(seededStore({ users: 60, groups: 6, seed: 4 }));
  });

  function launchTwoStage(overrides: Partial<TLaterStageInput> = {}): number {
    const id = createCampaignDraft(ADMIN, campaignInput(snapshotId, { laterStages: [stage2(overrides)] })).id;
    launchCampaign(ADMIN, id);
    return id;
  }

  it.each([
    ['all', (d: ReturnType<typeof decideStageOneAndSignOff>) => new Set([...d.revoked, ...d.certified, ...d.notSure])],
    ['revoked', (d: ReturnType<typeof decideStageOneAndSignOff>) => new Set([...d.revoked, ...d.notSure])],
    ['certified', (d: ReturnType<typeof decideStageOneAndSignOff>) => new Set([...d.certified, ...d.notSure])],
  ] as const)('advance "%s": the last sign-off of stage 1 sends exactly those items (plus the not-sure ones) to stage 2', (advance, expected) => {
    const campaignId = launchTwoStage({ advance });
    const before = allItems(campaignId);
    const decided = decideStageOneAndSignOff(campaignId);
    const wanted = expected(decided);

    // The campaign's due date is now stage 2's.
    expect(getCampaign(campaignId)).toMatchObject({ currentStage: 2, dueAt: normalizeDueAt(inDays(45)) });
    const after = allItems(campaignId);
    const inStage2 = after.filter((i) => i.stage === 2);
    expect(new Set(inStage2.map((i) => i.id))).toEqual(wanted);
    for (const item of inStage2) {
      expect(item).toMatchObject({ reviewerEmail: SECURITY, reviewerReason: 'fixed', decision: null, awaitingNextStage: false });
    }
    // Items that stopped keep the stage-1 decision: it is their final one.
    for (const item of after.filter((i) => i.stage === 1)) {
      expect(item.decision).toBe(decided.revoked.has(item.id) ? 'revoke' : 'certify');
      expect(before.find((b) => b.id === item.id)?.reviewerEmail).toBe(item.reviewerEmail);
    }
    // A not-sure item carries its comment to the next reviewer.
    const passed = inStage2.find((i) => decided.notSure.has(i.id));
    expect(passed?.notSureComment).toBe('I do not know this contractor');

    const stages = listCampaignStages(campaignId);
    expect(stages).toMatchObject([
      { stage: 1, itemsReviewed: before.length, itemsPassedOn: wanted.size },
      { stage: 2, advance, itemsReviewed: 0 },
    ]);
    expect(stages[0]?.endedAt).toBeTruthy();
    expect(stages[1]?.startedAt).toBe(stages[0]?.endedAt);
    const audit = listAuditPage({ action: 'campaign.stage_advanced' }, 1, 5).rows;
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({ before: { stage: 1 }, after: { stage: 2 }, itemsPassedOn: wanted.size });
  });

  it('the final decision is the last stage’s, and the close revokes exactly those', () => {
    const campaignId = launchTwoStage({ advance: 'revoked' });
    const decided = decideStageOneAndSignOff(campaignId);
    const security = actor(SECURITY);
    const queue = listReviewItems(campaignId, { email: SECURITY, role: 'reviewer' }, { pageSize: 500 }).rows;
    expect(queue.length).toBe(decided.revoked.size + decided.notSure.size);
    // Security overturns one stage-1 revoke and confirms the rest.
    const [overturned, ...rest] = queue;
    decideItem(security, { campaignId, itemId: overturned!.id, decision: 'certify', comment: 'needed for on-call', expectedVersion: overturned!.version });
    bulkDecide(security, { campaignId, decision: 'revoke', comment: 'confirmed', target: { itemIds: rest.map((i) => i.id) } });
    const signed = signOff(security, { campaignId, statement: DEFAULT_ATTESTATION_STATEMENT });
    expect(signed).toMatchObject({ stage: 2, nextStageStarted: null });

    closeCampaign(ADMIN, campaignId);
    // The last stage ends with the close, with what it reviewed.
    expect(listCampaignStages(campaignId)[1]).toMatchObject({ itemsReviewed: queue.length, itemsPassedOn: 0, endedAt: expect.any(String) });
    const revoked = new Set(listRevocations(campaignId).map((r) => r.itemId));
    expect(revoked).toEqual(new Set(rest.map((i) => i.id)));
    expect(revoked.has(overturned!.id)).toBe(false);
  });

  it('shows earlier decisions to later reviewers only when the stage says so; admins always see them', () => {
    const shown = launchTwoStage({ showPreviousDecisions: true });
    decideStageOneAndSignOff(shown);
    const [row] = listReviewItems(shown, { email: SECURITY, role: 'reviewer' }, { pageSize: 1 }).rows;
    expect(row?.earlierStages?.[0]).toMatchObject({ stage: 1, passedOn: true });

    const hidden = launchTwoStage({ showPreviousDecisions: false });
    decideStageOneAndSignOff(hidden);
    const [blind] = listReviewItems(hidden, { email: SECURITY, role: 'reviewer' }, { pageSize: 1 }).rows;
    expect(blind?.stage).toBe(2);
    expect(blind?.earlierStages).toBeUndefined();
    expect(getReviewItem(hidden, blind!.id, { email: SECURITY, role: 'reviewer' })?.item.earlierStages).toBeUndefined();
    expect(getReviewItem(hidden, blind!.id, { email: ADMIN.email, role: 'admin' })?.item.earlierStages?.[0]?.stage).toBe(1);
  });

  it('only items of the current stage can be reassigned', () => {
    const campaignId = launchTwoStage({ advance: 'revoked' });
    const decided = decideStageOneAndSignOff(campaignId);
    const stopped = allItems(campaignId).find((i) => i.stage === 1) as TReviewItemRow;
    const e = thrown(() => reassignItems(ADMIN, { campaignId, itemIds: [stopped.id], toReviewerEmail: 'someone@northwind.example', reason: 'x' }));
    expect(e.code).toBe('conflict');
    expect(e.message).toMatch(/no longer under review/);
    const current = allItems(campaignId).find((i) => i.stage === 2) as TReviewItemRow;
    expect(reassignItems(ADMIN, { campaignId, itemIds: [current.id], toReviewerEmail: 'someone@northwind.example', reason: 'holiday' }).moved).toBe(1);
    expect(decided.revoked.size).toBeGreaterThan(0);
  });

  it('stage-1 reviewers are done once stage 2 starts: their queue is gone and nothing they send is written', () => {
    const campaignId = launchTwoStage({ advance: 'all' });
    const first = allItems(campaignId)[0] as TReviewItemRow;
    decideStageOneAndSignOff(campaignId);
    const e = thrown(() => decideItem(actor(first.reviewerEmail), { campaignId, itemId: first.id, decision: 'revoke', comment: 'late', expectedVersion: 99 }));
    expect(e.code).toBe('forbidden');
    expect(listReviewItems(campaignId, { email: first.reviewerEmail, role: 'reviewer' }, {}).total).toBe(0);
  });

  it('an admin may end stage 1 early: undecided items go on whatever the rule; the last stage cannot be advanced', () => {
    const campaignId = launchTwoStage({ advance: 'revoked' });
    const items = allItems(campaignId);
    const certifiedOne = items[0] as TReviewItemRow;
    decideItem(actor(certifiedOne.reviewerEmail), { campaignId, itemId: certifiedOne.id, decision: 'certify', expectedVersion: 1 });
    const [result] = advanceStage(ADMIN, campaignId);
    expect(result).toMatchObject({ fromStage: 1, toStage: 2, itemsReviewed: items.length, itemsPassedOn: items.length - 1 });
    const after = allItems(campaignId);
    expect(after.find((i) => i.id === certifiedOne.id)).toMatchObject({ stage: 1, decision: 'certify' });
    expect(after.filter((i) => i.stage === 2)).toHaveLength(items.length - 1);
    const last = thrown(() => advanceStage(ADMIN, campaignId));
    expect(last.code).toBe('conflict');
    expect(last.message).toMatch(/last stage/);
  });

  it('a stage that receives nothing is recorded and skipped', () => {
    const id = createCampaignDraft(
      ADMIN,
      campaignInput(snapshotId, { laterStages: [stage2({ advance: 'revoked' }), stage2({ advance: 'all', dueAt: inDays(60), fixedReviewerEmail: 'ciso@northwind.example' })] }),
    ).id;
    launchCampaign(ADMIN, id);
    // Everyone certifies everything: stage 2 (revoked only) receives nothing, stage 3 takes nothing either.
    for (const [reviewer, items] of byReviewer(allItems(id))) {
      bulkDecide(actor(reviewer), { campaignId: id, decision: 'certify', target: { itemIds: items.map((i) => i.id) } });
      signOff(actor(reviewer), { campaignId: id, statement: DEFAULT_ATTESTATION_STATEMENT });
    }
    expect(getCampaign(id)?.currentStage).toBe(3);
    expect(listCampaignStages(id).map((s) => [s.stage, s.itemsPassedOn, Boolean(s.startedAt), Boolean(s.endedAt)])).toEqual([
      [1, 0, true, true],
      [2, 0, true, true],
      [3, 0, true, false],
    ]);
  });

  it('refuses later stages due before the earlier ones, more than three stages, and a fixed rule without a reviewer', () => {
    const early = thrown(() => createCampaignDraft(ADMIN, campaignInput(snapshotId, { dueAt: inDays(30), laterStages: [stage2({ dueAt: inDays(20) })] })));
    expect(early.fieldErrors?.['laterStages.0.dueAt']?.[0]).toMatch(/due after stage 1/);
    const many = thrown(() => createCampaignDraft(ADMIN, campaignInput(snapshotId, { laterStages: [stage2(), stage2({ dueAt: inDays(50) }), stage2({ dueAt: inDays(55) })] })));
    expect(many.fieldErrors?.laterStages?.[0]).toMatch(/at most 3 stages/);
    const fixed = thrown(() => createCampaignDraft(ADMIN, campaignInput(snapshotId, { laterStages: [stage2({ fixedReviewerEmail: '' })] })));
    expect(fixed.fieldErrors?.['laterStages.0.fixedReviewerEmail']?.[0]).toMatch(/needs a reviewer/);
  });
});

describe('not sure', () => {
  useTempDatabase();
  let snapshotId: number;

  beforeEach(() => {
    snapshotId = snapshotFromStore(seededStore({ users: 40, groups: 4, seed: 5 }));
  });

  it('in a one-stage campaign goes to the fallback reviewer with the comment, and leaves the reviewer’s queue', () => {
    const campaignId = createCampaignDraft(ADMIN, campaignInput(snapshotId)).id;
    launchCampaign(ADMIN, campaignId);
    const item = allItems(campaignId).find((i) => i.reviewerReason === 'manager') as TReviewItemRow;
    const reviewer = actor(item.reviewerEmail);
    decideItem(reviewer, { campaignId, itemId: item.id, decision: 'revoke', comment: 'hmm', expectedVersion: 1 });
    const passed = passOnAsNotSure(reviewer, { campaignId, itemId: item.id, expectedVersion: 2, comment: 'Not my team any more' });
    expect(passed).toMatchObject({ reviewerEmail: FALLBACK, reviewerReason: 'not_sure', decision: null, notSureByEmail: item.reviewerEmail, notSureComment: 'Not my team any more' });
    expect(getReviewItem(campaignId, item.id, { email: item.reviewerEmail, role: 'reviewer' })).toBeNull();
    const fallbackView = listReviewItems(campaignId, { email: FALLBACK, role: 'reviewer' }, { decision: 'not_sure' }).rows;
    expect(fallbackView.map((r) => r.id)).toContain(item.id);
    expect(JSON.parse(listAuditPage({ action: 'review.not_sure' }, 1, 1).rows[0]?.details ?? '{}')).toMatchObject({ passedTo: FALLBACK });
  });

  it('in a multi-stage campaign waits for the next stage and does not block the sign-off; deciding withdraws it', () => {
    const campaignId = createCampaignDraft(ADMIN, campaignInput(snapshotId, { laterStages: [stage2({ advance: 'revoked' })] })).id;
    launchCampaign(ADMIN, campaignId);
    const item = allItems(campaignId).find((i) => i.reviewerReason === 'manager') as TReviewItemRow;
    const reviewer = actor(item.reviewerEmail);
    const waiting = passOnAsNotSure(reviewer, { campaignId, itemId: item.id, expectedVersion: 1, comment: 'Ask security' });
    expect(waiting).toMatchObject({ reviewerEmail: item.reviewerEmail, awaitingNextStage: true, decision: null });
    const undecided = listReviewItems(campaignId, { email: item.reviewerEmail, role: 'reviewer' }, { decision: 'undecided' }).rows;
    expect(undecided.map((r) => r.id)).not.toContain(item.id);
    // Changing one's mind: a decision withdraws the pass.
    const decided = decideItem(reviewer, { campaignId, itemId: item.id, decision: 'certify', expectedVersion: waiting.version });
    expect(decided).toMatchObject({ awaitingNextStage: false, notSureComment: null, decision: 'certify' });
  });

  it('is refused without a comment, for the fallback reviewer themself, and on a stale version', () => {
    const campaignId = createCampaignDraft(ADMIN, campaignInput(snapshotId)).id;
    launchCampaign(ADMIN, campaignId);
    const items = allItems(campaignId);
    const mine = items.find((i) => i.reviewerReason === 'manager') as TReviewItemRow;
    expect(thrown(() => passOnAsNotSure(actor(mine.reviewerEmail), { campaignId, itemId: mine.id, expectedVersion: 1, comment: '  ' })).fieldErrors?.comment).toBeTruthy();
    expect(thrown(() => passOnAsNotSure(actor(mine.reviewerEmail), { campaignId, itemId: mine.id, expectedVersion: 7, comment: 'x' })).code).toBe('conflict');
    const fallbacks = items.find((i) => i.reviewerEmail === FALLBACK);
    if (fallbacks) {
      const e = thrown(() => passOnAsNotSure(actor(FALLBACK), { campaignId, itemId: fallbacks.id, expectedVersion: 1, comment: 'no idea' }));
      expect(e.message).toMatch(/fallback reviewer/);
    }
    expect(allItems(campaignId, { decision: 'not_sure' })).toHaveLength(0);
  });
});
