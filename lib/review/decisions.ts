import 'server-only';
import type { TCampaign, TDecision } from '@/db/schema';
import { appendAudit, AUDIT_ID_LIMIT, type TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { normalizeEmail, requireActiveReviewer } from './access';
import { ItemConflictError, notFound } from './errors';
import {
  decideTargets,
  getItemRaw,
  insertItemEvent,
  nowIso,
  passItemOnRow,
  stageTargetsByFilter,
  stageTargetsByIds,
  summarizeTargets,
  updateItemDecision,
  writeTransaction,
  type TItemRaw,
} from './queries';
import { toItemRow } from './read';
import {
  parseInput,
  ZBulkDecideInput,
  ZDecideInput,
  ZNotSureInput,
  ZUndoInput,
  type TBulkDecideInput,
  type TDecideInput,
  type TNotSureInput,
  type TUndoInput,
} from './schemas';
import { stageCount } from './stages';
import type { TBulkDecideResult, TReviewItemRow } from './types';

/**
 * Decisions. Only an item's current reviewer decides; a decision can be changed or undone until
 * the reviewer signs off or the campaign closes. Concurrency is optimistic: the caller sends the
 * `version` it saw, the UPDATE matches on it, and a mismatch is `ItemConflictError` (conflict)
 * carrying the item as it is now. Each change writes the item, one `review_item_events` row and
 * one audit row in the same synchronous transaction.
 */

/** The campaign's comment rules for a decision; `flagged` = how many targeted items are flagged. */
function checkComment(campaign: TCampaign, decision: TDecision, comment: string | undefined, flagged: number): void {
  if (comment) return;
  if (decision === 'revoke' && campaign.revokeNeedsJustification) {
    throw new AppError('invalid', 'This campaign requires a justification for every revoke.', { comment: ['explain why this access should be revoked'] });
  }
  if (decision === 'certify' && campaign.certifyFlaggedNeedsComment && flagged > 0) {
    const what = flagged === 1 ? 'a flagged item' : `${flagged} flagged items`;
    throw new AppError('invalid', `This campaign requires a comment to certify ${what}.`, { comment: ['explain why this flagged access is still needed'] });
  }
}

/** One item of the caller's working queue: not found when it is not theirs; conflict when its stage ended or it was excluded. */
function requireItem(campaign: TCampaign, itemId: number, reviewerEmail: string): TItemRaw {
  const item = getItemRaw(campaign.id, itemId, reviewerEmail);
  if (!item) throw notFound('Review item');
  if (item.excludedReason !== null) throw new AppError('conflict', `This item was taken out of the review: ${item.excludedReason}`);
  if (item.stage !== campaign.currentStage) throw new AppError('conflict', `Stage ${item.stage} of this campaign has ended; its decisions are final.`);
  return item;
}

function reloadItem(campaignId: number, itemId: number): TReviewItemRow {
  const item = getItemRaw(campaignId, itemId, null);
  if (!item) throw notFound('Review item');
  return toItemRow(item);
}

/**
 * Certify or revoke one item. Errors: not_found (unknown campaign, or an item that is not in this
 * campaign or not the caller's), forbidden (the caller has no items here), conflict (closed
 * campaign, caller signed off, or `expectedVersion` stale → `ItemConflictError`), invalid
 * (comment rules, comment over 2,000 characters). Audited as `review.decided`.
 */
export function decideItem(actor: TActor, input: TDecideInput): TReviewItemRow {
  const p = parseInput(ZDecideInput, input);
  const email = normalizeEmail(actor.email);
  return writeTransaction((tx) => {
    const { campaign } = requireActiveReviewer(p.campaignId, email);
    const item = requireItem(campaign, p.itemId, email);
    if (item.version !== p.expectedVersion) throw new ItemConflictError(toItemRow(item));
    checkComment(campaign, p.decision, p.comment, item.recommendation !== 'certify' ? 1 : 0);
    const at = nowIso();
    const comment = p.comment ?? null;
    if (!updateItemDecision({ id: item.id, expectedVersion: p.expectedVersion, decision: p.decision, comment, at, by: email })) {
      throw new ItemConflictError(reloadItem(p.campaignId, p.itemId));
    }
    const eventId = insertItemEvent({
      itemId: item.id,
      campaignId: item.campaignId,
      type: 'decision',
      decisionBefore: item.decision,
      decisionAfter: p.decision,
      reviewerBefore: null,
      reviewerAfter: null,
      comment,
      actorEmail: email,
      at,
    });
    appendAudit(
      {
        actor,
        action: 'review.decided',
        target: { type: 'review_item', id: String(item.id) },
        details: {
          campaignId: item.campaignId,
          kind: item.kind,
          userScimId: item.userScimId,
          groupScimId: item.groupScimId,
          before: { decision: item.decision, comment: item.decisionComment, version: item.version },
          after: { decision: p.decision, comment, version: item.version + 1 },
          eventId,
        },
      },
      tx,
    );
    return reloadItem(p.campaignId, p.itemId);
  });
}

/** Clear one item's decision (same checks as `decideItem`); conflict when it has none. Audited as `review.undone`. */
export function undoDecision(actor: TActor, input: TUndoInput): TReviewItemRow {
  const p = parseInput(ZUndoInput, input);
  const email = normalizeEmail(actor.email);
  return writeTransaction((tx) => {
    const { campaign } = requireActiveReviewer(p.campaignId, email);
    const item = requireItem(campaign, p.itemId, email);
    if (item.version !== p.expectedVersion) throw new ItemConflictError(toItemRow(item));
    if (item.decision === null && !item.awaitingNextStage) throw new AppError('conflict', 'This item has no decision to undo.');
    const at = nowIso();
    if (!updateItemDecision({ id: item.id, expectedVersion: p.expectedVersion, decision: null, comment: null, at: null, by: null })) {
      throw new ItemConflictError(reloadItem(p.campaignId, p.itemId));
    }
    const eventId = insertItemEvent({
      itemId: item.id,
      campaignId: item.campaignId,
      type: 'undo',
      decisionBefore: item.decision,
      decisionAfter: null,
      reviewerBefore: null,
      reviewerAfter: null,
      comment: null,
      actorEmail: email,
      at,
    });
    appendAudit(
      {
        actor,
        action: 'review.undone',
        target: { type: 'review_item', id: String(item.id) },
        details: {
          campaignId: item.campaignId,
          before: { decision: item.decision, comment: item.decisionComment, version: item.version },
          after: { decision: null, comment: null, version: item.version + 1 },
          eventId,
        },
      },
      tx,
    );
    return reloadItem(p.campaignId, p.itemId);
  });
}

/**
 * Decide many of the caller's items at once, in one transaction: by ids (all must be the
 * caller's items in this campaign, else not_found and nothing is written) or "all matching this
 * filter" with the count the reviewer confirmed (a different count now → conflict, nothing
 * written). Same comment rules as one decision. One event per item, ONE audit row
 * (`review.bulk_decided`) with the count, target, decision, the decisions before, and the range
 * of event ids that hold the per-item detail.
 */
export function bulkDecide(actor: TActor, input: TBulkDecideInput): TBulkDecideResult {
  const p = parseInput(ZBulkDecideInput, input);
  const email = normalizeEmail(actor.email);
  return writeTransaction((tx) => {
    const { campaign } = requireActiveReviewer(p.campaignId, email);
    // The revoke rule needs no data: refuse before staging anything.
    checkComment(campaign, p.decision, p.comment, 0);
    const target = p.target;
    if ('itemIds' in target) {
      const wanted = new Set(target.itemIds).size;
      const found = stageTargetsByIds(p.campaignId, target.itemIds, email);
      if (found !== wanted) throw new AppError('not_found', `${wanted - found} of the ${wanted} selected items were not found in your queue.`);
    } else {
      const found = stageTargetsByFilter(p.campaignId, target.filter, email);
      if (found !== target.expectedCount) {
        throw new AppError(
          'conflict',
          `The filter now matches ${found.toLocaleString('en-US')} items, not the ${target.expectedCount.toLocaleString('en-US')} you confirmed. Review the list and try again.`,
        );
      }
    }
    const summary = summarizeTargets();
    checkComment(campaign, p.decision, p.comment, summary.flagged);
    const at = nowIso();
    const comment = p.comment ?? null;
    const events = decideTargets({ decision: p.decision, comment, actorEmail: email, at });
    const before = { undecided: summary.undecided, certify: summary.certify, revoke: summary.revoke };
    appendAudit(
      {
        actor,
        action: 'review.bulk_decided',
        target: { type: 'campaign', id: String(p.campaignId) },
        details: {
          decision: p.decision,
          comment,
          count: summary.n,
          target:
            'itemIds' in target
              ? { itemIds: target.itemIds.length <= AUDIT_ID_LIMIT ? [...new Set(target.itemIds)].sort((a, b) => a - b) : undefined, selected: summary.n }
              : { filter: target.filter, expectedCount: target.expectedCount },
          before,
          after: { [p.decision]: summary.n },
          events: { from: events.firstEventId, to: events.lastEventId },
        },
      },
      tx,
    );
    return { decision: p.decision, count: summary.n, before };
  });
}

/**
 * "Not sure": instead of forcing a guess, the reviewer passes the item on with a comment. With a
 * stage after this one, the item waits for it (done for this reviewer, it goes on whatever the
 * stage's rule); in the last stage it goes to the campaign's fallback reviewer now. Refused when
 * the caller is the fallback (nobody left to ask) or the fallback is the item's own user. Any
 * decision on the item is cleared. Audited as `review.not_sure`.
 */
export function passOnAsNotSure(actor: TActor, input: TNotSureInput): TReviewItemRow {
  const p = parseInput(ZNotSureInput, input);
  const email = normalizeEmail(actor.email);
  return writeTransaction((tx) => {
    const { campaign } = requireActiveReviewer(p.campaignId, email);
    const item = requireItem(campaign, p.itemId, email);
    if (item.version !== p.expectedVersion) throw new ItemConflictError(toItemRow(item));
    const toNextStage = campaign.currentStage < stageCount(campaign);
    const fallback = normalizeEmail(campaign.fallbackReviewerEmail);
    if (!toNextStage && fallback === email) {
      throw new AppError('invalid', 'You are this campaign’s fallback reviewer, so there is nobody to pass this item to: decide it, or ask an admin to reassign it.');
    }
    if (!toNextStage && fallback === normalizeEmail(item.userEmail)) {
      throw new AppError('invalid', `The fallback reviewer ${fallback} is the person whose access this is: ask an admin to reassign it instead.`);
    }
    const at = nowIso();
    const toReviewerEmail = toNextStage ? null : fallback;
    if (!passItemOnRow({ id: item.id, expectedVersion: p.expectedVersion, by: email, comment: p.comment, at, toReviewerEmail })) {
      throw new ItemConflictError(reloadItem(p.campaignId, p.itemId));
    }
    const eventId = insertItemEvent({
      itemId: item.id,
      campaignId: item.campaignId,
      type: 'not_sure',
      decisionBefore: item.decision,
      decisionAfter: null,
      reviewerBefore: email,
      reviewerAfter: toReviewerEmail,
      comment: p.comment,
      actorEmail: email,
      at,
    });
    appendAudit(
      {
        actor,
        action: 'review.not_sure',
        target: { type: 'review_item', id: String(item.id) },
        details: {
          campaignId: item.campaignId,
          stage: campaign.currentStage,
          passedTo: toNextStage ? `stage ${campaign.currentStage + 1}` : toReviewerEmail,
          before: { decision: item.decision, reviewerEmail: email, version: item.version },
          after: { decision: null, reviewerEmail: toReviewerEmail ?? email, comment: p.comment, version: item.version + 1 },
          eventId,
        },
      },
      tx,
    );
    return reloadItem(p.campaignId, p.itemId);
  });
}
