import 'server-only';
import type { TCampaign } from '@/db/schema';
import { appendAudit, SYSTEM_ACTOR, type TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { queueStageStartNotices } from '@/lib/notifications';
import { assertActive } from './access';
import { parseLaterStages } from './campaigns';
import { notFound } from './errors';
import {
  applyStageMoves,
  countSelfReviewMoves,
  getCampaignRow,
  insertStageResults,
  listAdvancingItems,
  listCampaignStageRows,
  nowIso,
  queryStageOpenCounts,
  setCampaignStage,
  stageAdvanceMoves,
  updateCampaignStageRow,
  writeTransaction,
  type TCampaignStageRow,
} from './queries';
import { ownersByGroup, resolveReviewer } from './reviewers';
import { parseInput, ZCampaignId } from './schemas';
import type { TStageAdvanceResult } from './types';

/**
 * Multi-stage campaigns (docs/decisions/012-campaign-stages.md). Items start in stage 1. When a
 * stage ends (every reviewer of it signed off, or an admin moves on), each item's result is
 * written to `review_item_stage_results`, and the items the next stage takes (its `advance`
 * rule, plus every undecided and "not sure" item) go to that stage's reviewers undecided. The
 * other items keep their decision: the final decision of an item is always the last stage that
 * reviewed it. Everything happens in one synchronous transaction.
 */

const BATCH = 2_000;

/** How many stages the campaign has. */
export function stageCount(campaign: Pick<TCampaign, 'laterStagesJson'>): number {
  return 1 + parseLaterStages(campaign.laterStagesJson).length;
}

function requireStageRow(rows: readonly TCampaignStageRow[], stage: number): TCampaignStageRow {
  const row = rows.find((r) => r.stage === stage);
  // Launch writes every stage's row: a missing one is a bug, not input.
  if (!row) throw new Error(`campaign stage ${stage} has no campaign_stages row`);
  return row;
}

/** Resolve and stage the next reviewer of every item going on from `fromStage`. */
function stageNextReviewers(campaign: TCampaign, fromStage: number, next: TCampaignStageRow): void {
  const owners = ownersByGroup();
  let after = 0;
  let first = true;
  for (;;) {
    const batch = listAdvancingItems(campaign.id, fromStage, after, BATCH);
    const moves = batch.map((item) => {
      const resolved = resolveReviewer({
        rule: next.reviewerRule,
        kind: item.kind,
        userEmail: item.userEmail,
        managerEmail: item.managerEmail,
        managerActive: item.managerActive === null ? null : item.managerActive === 1,
        groupOwners: item.groupScimId ? owners.get(item.groupScimId) : undefined,
        fixedReviewerEmail: next.fixedReviewerEmail,
        fallbackReviewerEmail: campaign.fallbackReviewerEmail,
      });
      return [item.id, resolved.reviewerEmail, resolved.reason] as const;
    });
    stageAdvanceMoves(moves, first);
    first = false;
    const last = batch[batch.length - 1];
    if (!last || batch.length < BATCH) break;
    after = last.id;
  }
}

/** End the current stage and start the next one (inside the caller's transaction). */
function advanceOnce(actor: TActor, campaign: TCampaign, trigger: string): TStageAdvanceResult {
  const fromStage = campaign.currentStage;
  const toStage = fromStage + 1;
  const rows = listCampaignStageRows(campaign.id);
  const current = requireStageRow(rows, fromStage);
  const next = requireStageRow(rows, toStage);
  const { reviewed, passedOn } = insertStageResults(campaign.id, fromStage, next.advance);
  stageNextReviewers(campaign, fromStage, next);
  const selfReview = countSelfReviewMoves();
  if (selfReview > 0) {
    throw new AppError(
      'invalid',
      `${selfReview} item(s) would go to ${campaign.fallbackReviewerEmail} in stage ${toStage}, the person whose access they are. Reassign them before moving on.`,
    );
  }
  const at = nowIso();
  const events = applyStageMoves({ toStage, actorEmail: actor.email, at });
  updateCampaignStageRow(campaign.id, fromStage, { endedAt: at, itemsReviewed: reviewed, itemsPassedOn: passedOn });
  updateCampaignStageRow(campaign.id, toStage, { startedAt: at });
  if (!setCampaignStage(campaign.id, { fromStage, toStage, dueAt: next.dueAt })) {
    throw new AppError('conflict', 'The campaign moved on or closed meanwhile: reload the page.');
  }
  const notified = queueStageStartNotices(campaign.id);
  appendAudit({
    actor,
    action: 'campaign.stage_advanced',
    target: { type: 'campaign', id: String(campaign.id) },
    details: {
      trigger,
      before: { stage: fromStage, dueAt: current.dueAt },
      after: { stage: toStage, dueAt: next.dueAt, reviewerRule: next.reviewerRule, advance: next.advance },
      itemsReviewed: reviewed,
      itemsPassedOn: passedOn,
      reviewersNotified: notified,
      events: { from: events.firstEventId, to: events.lastEventId },
    },
  });
  return { fromStage, toStage, itemsReviewed: reviewed, itemsPassedOn: passedOn, reviewersNotified: notified };
}

/**
 * Advance while the stage just started has nothing to review (its rule took no item) and another
 * stage follows: an empty stage is recorded as started and ended at once.
 */
function advanceFrom(actor: TActor, campaignId: number, trigger: string): TStageAdvanceResult[] {
  const results: TStageAdvanceResult[] = [];
  for (;;) {
    const campaign = getCampaignRow(campaignId);
    if (!campaign) throw notFound('Campaign');
    const result = advanceOnce(actor, campaign, trigger);
    results.push(result);
    if (result.itemsPassedOn > 0 || result.toStage >= stageCount(campaign)) return results;
    trigger = `stage ${result.toStage} received no items`;
  }
}

/**
 * An admin ends the current stage now: items still undecided go on with the "not sure" ones,
 * whatever the stage's advance rule. Refused on the last stage (close the campaign instead), on a
 * closed campaign, and when an item would go to its own user. Audited as `campaign.stage_advanced`.
 */
export function advanceStage(actor: TActor, campaignId: number): TStageAdvanceResult[] {
  const id = parseInput(ZCampaignId, campaignId);
  return writeTransaction(() => {
    const campaign = getCampaignRow(id);
    if (!campaign) throw notFound('Campaign');
    assertActive(campaign);
    const stages = stageCount(campaign);
    if (campaign.currentStage >= stages) {
      throw new AppError('conflict', stages === 1 ? 'This campaign has a single stage: close it when the review is done.' : 'This is the last stage: close the campaign when it is done.');
    }
    return advanceFrom(actor, id, 'started by an admin');
  });
}

/**
 * After a sign-off (inside its transaction): when every reviewer of the current stage has signed
 * off and nothing is left to decide, the next stage starts on its own. Returns what advanced.
 */
export function advanceIfStageComplete(campaignId: number): TStageAdvanceResult[] {
  const campaign = getCampaignRow(campaignId);
  if (!campaign || campaign.status !== 'active' || campaign.currentStage >= stageCount(campaign)) return [];
  const counts = queryStageOpenCounts(campaignId, campaign.currentStage);
  if (counts.reviewers === 0 || counts.signedOff < counts.reviewers || counts.open > 0) return [];
  return advanceFrom(SYSTEM_ACTOR, campaignId, `every reviewer of stage ${campaign.currentStage} signed off`);
}
