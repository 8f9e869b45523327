import 'server-only';
import type { TCampaign } from '@/db/schema';
import { appendAudit, AUDIT_ID_LIMIT, type TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { formatDateTime } from '@/lib/format';
import { enqueueCampaignRevocations } from '@/lib/remediation';
import { assertActive } from './access';
import { notFound } from './errors';
import {
  deleteSignoffRow,
  dropTargetsOfReviewer,
  dropTargetsOfUser,
  getCampaignRow,
  getSignoffRow,
  listTargetIds,
  markCampaignClosed,
  nowIso,
  queryDecisionCounts,
  reassignTargets,
  revokeUndecidedByRule,
  setCampaignDueAt,
  stageTargetsByIds,
  stageTargetsByReviewer,
  targetReviewers,
  updateCampaignStageRow,
  countStageItems,
  countTargetsOutsideStage,
  writeTransaction,
} from './queries';
import { parseInput, ZCampaignId, ZExtendDueInput, ZReassignInput, type TReassignInput } from './schemas';
import { toCampaignView } from './campaigns';
import type { TCampaignView, TCloseResult, TReassignResult } from './types';

export { listRevocations } from './read';

/**
 * Admin operations on a launched campaign. Callers (server actions) check the admin role; these
 * functions check the campaign's state, refuse changes to a closed campaign with a conflict
 * (before the database triggers would), and audit each change with before and after.
 */

function requireCampaign(id: number): TCampaign {
  const row = getCampaignRow(id);
  if (!row) throw notFound('Campaign');
  return row;
}

/**
 * Move items to another reviewer: chosen items, or every item of one reviewer. Rules:
 * - never to the item's own user: those items stay and are counted in `refusedSelfReview`
 *   (all of them refused → invalid);
 * - items of a reviewer who already signed off move only with `moveSignedOff` (otherwise
 *   conflict naming them): a sign-off is evidence and must not change silently; their sign-off
 *   stays, covering what they attested then;
 * - decisions move with the items (the history keeps who decided); the new reviewer may change them;
 * - when the target had signed off, their sign-off is withdrawn (their queue is no longer fully
 *   decided by them) and the audit row records the withdrawn sign-off.
 * One event per moved item (reviewer before / after, the reason), one audit row.
 */
export function reassignItems(actor: TActor, input: TReassignInput): TReassignResult {
  const p = parseInput(ZReassignInput, input);
  const to = p.toReviewerEmail;
  return writeTransaction((tx) => {
    const campaign = requireCampaign(p.campaignId);
    assertActive(campaign);
    if (p.itemIds) {
      const wanted = new Set(p.itemIds).size;
      const found = stageTargetsByIds(p.campaignId, p.itemIds, null);
      if (found !== wanted) throw new AppError('not_found', `${wanted - found} of the ${wanted} selected items are not in this campaign.`);
    } else if (p.fromReviewerEmail) {
      if (stageTargetsByReviewer(p.campaignId, p.fromReviewerEmail) === 0) {
        throw new AppError('invalid', `${p.fromReviewerEmail} has no items in this campaign.`, { fromReviewerEmail: ['has no items in this campaign'] });
      }
    }
    const settled = countTargetsOutsideStage(campaign.currentStage);
    if (settled > 0) {
      throw new AppError('conflict', `${settled} of the selected items are no longer under review (excluded, or their stage ended): only items of the current stage can move.`);
    }
    const refusedSelfReview = dropTargetsOfUser(to);
    const unchanged = dropTargetsOfReviewer(to);
    const sources = targetReviewers();
    const moved = sources.reduce((n, s) => n + s.items, 0);
    if (moved === 0) {
      if (refusedSelfReview > 0) {
        throw new AppError('invalid', `${to} cannot review these ${refusedSelfReview} items: they are ${to}'s own access.`, {
          toReviewerEmail: ['nobody reviews their own access: choose someone else'],
        });
      }
      return { moved: 0, refusedSelfReview, unchanged, fromReviewers: [], targetSignOffCleared: false };
    }
    const signedOff = sources.filter((s) => s.signedAt !== null);
    if (signedOff.length > 0 && !p.moveSignedOff) {
      const who = signedOff.map((s) => `${s.reviewerEmail} (${formatDateTime(s.signedAt ?? '')})`).join(', ');
      throw new AppError('conflict', `Some of these items belong to reviewers who already signed off: ${who}. Confirm moving signed-off items to continue.`, {
        moveSignedOff: ['confirm to move items of reviewers who signed off'],
      });
    }
    const ids = moved <= AUDIT_ID_LIMIT ? listTargetIds(AUDIT_ID_LIMIT) : undefined;
    const at = nowIso();
    const events = reassignTargets({ toReviewerEmail: to, reason: p.reason, actorEmail: actor.email, at });
    const targetSignoff = getSignoffRow(p.campaignId, to, tx);
    if (targetSignoff) deleteSignoffRow(tx, p.campaignId, to);
    appendAudit(
      {
        actor,
        action: 'campaign.items_reassigned',
        target: { type: 'campaign', id: String(p.campaignId) },
        details: {
          reason: p.reason,
          count: moved,
          refusedSelfReview,
          unchanged,
          itemIds: ids,
          before: { reviewers: sources.map((s) => ({ reviewerEmail: s.reviewerEmail, items: s.items, signedOffAt: s.signedAt })) },
          after: { reviewerEmail: to, reviewerReason: 'reassigned' },
          targetSignOffWithdrawn: targetSignoff
            ? { signedAt: targetSignoff.signedAt, itemCount: targetSignoff.itemCount, statement: targetSignoff.statement }
            : null,
          events: { from: events.firstEventId, to: events.lastEventId },
        },
      },
      tx,
    );
    return {
      moved,
      refusedSelfReview,
      unchanged,
      fromReviewers: sources.map((s) => ({ reviewerEmail: s.reviewerEmail, items: s.items })),
      targetSignOffCleared: targetSignoff !== null,
    };
  });
}

/** Move a campaign's due date later (never earlier, always in the future); drafts and active campaigns. Audited. */
export function extendDueDate(actor: TActor, campaignId: number, newDueAt: string): TCampaignView {
  const p = parseInput(ZExtendDueInput, { campaignId, dueAt: newDueAt });
  return writeTransaction((tx) => {
    const campaign = requireCampaign(p.campaignId);
    if (campaign.status === 'closed') throw new AppError('conflict', 'This campaign is closed; everything in it is read-only.');
    if (Date.parse(p.dueAt) <= Date.parse(campaign.dueAt)) {
      throw new AppError('invalid', `The new due date must be later than the current one (${formatDateTime(campaign.dueAt)}).`, {
        dueAt: [`must be later than ${formatDateTime(campaign.dueAt)}`],
      });
    }
    if (!setCampaignDueAt(tx, p.campaignId, p.dueAt)) throw new AppError('conflict', 'This campaign is closed; everything in it is read-only.');
    // The campaign's due date is its current stage's: keep the stage record in step (a draft has none yet).
    if (campaign.status === 'active') updateCampaignStageRow(p.campaignId, campaign.currentStage, { dueAt: p.dueAt });
    appendAudit(
      {
        actor,
        action: 'campaign.due_date_extended',
        target: { type: 'campaign', id: String(p.campaignId) },
        details: { stage: campaign.currentStage, before: { dueAt: campaign.dueAt }, after: { dueAt: p.dueAt } },
      },
      tx,
    );
    return toCampaignView({ ...campaign, dueAt: p.dueAt });
  });
}

/**
 * Close an active campaign. The undecided rule applies first: 'report' leaves undecided items
 * undecided (they are reported); 'revoke' revokes each with `decided_by_rule = 1` and a
 * 'close_rule' event. Then status closed, `closedAt/By`, and the audit row `campaign.closed`
 * with the counts. From then on the campaign is read-only for everyone (lib/review refuses with
 * conflict; database triggers refuse any UPDATE that slips through). Every revoke becomes an
 * outbox row in the same transaction (lib/remediation): the close and the queued removals commit
 * together, and nothing is sent to Airtable until someone applies them.
 */
export function closeCampaign(actor: TActor, campaignId: number): TCloseResult {
  const id = parseInput(ZCampaignId, campaignId);
  return writeTransaction((tx) => {
    const campaign = requireCampaign(id);
    if (campaign.status === 'draft') throw new AppError('conflict', `"${campaign.name}" was never launched: delete the draft instead.`);
    assertActive(campaign);
    const at = nowIso();
    // Items first: once the status is closed, the triggers refuse every item change.
    const ruled = campaign.undecidedAction === 'revoke' ? revokeUndecidedByRule(id, actor.email, at) : null;
    const counts = queryDecisionCounts(id);
    // The stage under review ends with the close (stage rows lock with the campaign).
    updateCampaignStageRow(id, campaign.currentStage, { endedAt: at, itemsReviewed: countStageItems(id, campaign.currentStage), itemsPassedOn: 0 });
    if (!markCampaignClosed(tx, id, { at, by: actor.email })) throw new AppError('conflict', 'The campaign is no longer active.');
    const queued = enqueueCampaignRevocations(tx, id, actor);
    const result: TCloseResult = {
      certified: counts.certified,
      revoked: counts.revoked,
      revokedByRule: counts.revokedByRule,
      undecided: counts.undecided,
      remediationQueued: queued.queued,
    };
    appendAudit(
      {
        actor,
        action: 'campaign.closed',
        target: { type: 'campaign', id: String(id) },
        details: {
          name: campaign.name,
          undecidedAction: campaign.undecidedAction,
          before: { status: 'active' },
          after: { status: 'closed', closedAt: at },
          items: counts.total,
          ...result,
          events: ruled ? { from: ruled.firstEventId, to: ruled.lastEventId } : null,
        },
      },
      tx,
    );
    return result;
  });
}
