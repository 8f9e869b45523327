import 'server-only';
import { appendAudit, type TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { normalizeEmail, requireActiveReviewer } from './access';
import {
  acceptTargetRecommendations,
  decideTargets,
  dropTargetsWithoutActionableRecommendation,
  nowIso,
  readTransaction,
  stageTargetsByFilter,
  summarizeTargetRecommendations,
  summarizeTargets,
  writeTransaction,
} from './queries';
import {
  parseInput,
  ZAcceptCarriedOverInput,
  ZAcceptRecommendationsInput,
  ZCampaignId,
  ZItemFilter,
  type TAcceptCarriedOverInput,
  type TAcceptRecommendationsInput,
  type TItemFilter,
} from './schemas';
import type { TAcceptPreview, TBulkDecideResult } from './types';

/**
 * Decision help: accept the recommendations of a filter, or the carried-over certifications, in
 * one reviewed step. Both show the reviewer what they are about to do first (counts and reasons)
 * and refuse, writing nothing, when the set changed since (`expectedCount`). Neither happens on
 * its own: a person confirms it, and the audit row and each item's comment say so.
 */

export const ACCEPTED_RECOMMENDATION_PREFIX = 'Accepted recommendation: ';

const count = (n: number): string => n.toLocaleString('en-US');

/** The undecided items of the filter in the caller's queue, keeping only certify / revoke recommendations. */
function stageAcceptable(campaignId: number, filter: TItemFilter, email: string): { actionable: number; needsReview: number } {
  const all = stageTargetsByFilter(campaignId, { ...filter, decision: 'undecided' }, email);
  const needsReview = dropTargetsWithoutActionableRecommendation();
  return { actionable: all - needsReview, needsReview };
}

/**
 * What "accept recommendations" would do on the caller's undecided items of this filter: how many
 * would be certified or revoked, grouped by the recommendation's reason, and how many are left
 * because their recommendation is "review" (a person must look). Writes nothing.
 */
export function previewAcceptRecommendations(actor: TActor, campaignId: number, filter: TItemFilter | Record<string, string>): TAcceptPreview {
  const id = parseInput(ZCampaignId, campaignId);
  const f = parseInput(ZItemFilter, filter);
  const email = normalizeEmail(actor.email);
  return readTransaction(() => {
    requireActiveReviewer(id, email);
    const { actionable, needsReview } = stageAcceptable(id, f, email);
    const groups = summarizeTargetRecommendations().filter((g) => g.recommendation !== 'review');
    const by = (rec: 'certify' | 'revoke'): number => groups.filter((g) => g.recommendation === rec).reduce((n, g) => n + g.items, 0);
    return { actionable, certify: by('certify'), revoke: by('revoke'), needsReview, groups };
  });
}

/**
 * Apply each undecided item's recommendation (certify or revoke) to the filter's items, with the
 * recommendation's reason as the comment (which is the revoke justification too). "Review"
 * recommendations are left undecided. One event per item, one audit row `review.recommendations_accepted`.
 */
export function acceptRecommendations(actor: TActor, input: TAcceptRecommendationsInput): TBulkDecideResult & { certified: number; revoked: number } {
  const p = parseInput(ZAcceptRecommendationsInput, input);
  const email = normalizeEmail(actor.email);
  return writeTransaction((tx) => {
    requireActiveReviewer(p.campaignId, email);
    const { actionable, needsReview } = stageAcceptable(p.campaignId, p.filter, email);
    if (actionable !== p.expectedCount) {
      throw new AppError('conflict', `The filter now has ${count(actionable)} items to accept, not the ${count(p.expectedCount)} you confirmed. Review the list and try again.`);
    }
    const groups = summarizeTargetRecommendations();
    const summary = summarizeTargets();
    const certified = groups.filter((g) => g.recommendation === 'certify').reduce((n, g) => n + g.items, 0);
    const revoked = actionable - certified;
    const events = acceptTargetRecommendations({ commentPrefix: ACCEPTED_RECOMMENDATION_PREFIX, actorEmail: email, at: nowIso() });
    appendAudit(
      {
        actor,
        action: 'review.recommendations_accepted',
        target: { type: 'campaign', id: String(p.campaignId) },
        details: {
          filter: p.filter,
          count: actionable,
          certified,
          revoked,
          leftForReview: needsReview,
          reasons: groups,
          events: { from: events.firstEventId, to: events.lastEventId },
        },
      },
      tx,
    );
    return { decision: certified >= revoked ? 'certify' : 'revoke', count: actionable, before: { undecided: summary.undecided, certify: 0, revoke: 0 }, certified, revoked };
  });
}

/**
 * Certify every carried-over item of the caller's queue still undecided (campaigns that allow it):
 * items the previous campaign certified that are unchanged since. Audited as `review.carry_over_accepted`.
 */
export function acceptCarriedOver(actor: TActor, input: TAcceptCarriedOverInput): TBulkDecideResult {
  const p = parseInput(ZAcceptCarriedOverInput, input);
  const email = normalizeEmail(actor.email);
  return writeTransaction((tx) => {
    const { campaign } = requireActiveReviewer(p.campaignId, email);
    if (!campaign.allowCarryOverAccept) {
      throw new AppError('forbidden', 'This campaign does not allow accepting carried-over certifications in one step: decide them like any other item.');
    }
    const found = stageTargetsByFilter(p.campaignId, parseInput(ZItemFilter, { signal: 'carried_over', decision: 'undecided' }), email);
    if (found !== p.expectedCount) {
      throw new AppError('conflict', `You now have ${count(found)} carried-over items to accept, not the ${count(p.expectedCount)} you confirmed. Review the list and try again.`);
    }
    const comment = 'Carried over: certified in the previous campaign and unchanged since; accepted in one reviewed step';
    const events = decideTargets({ decision: 'certify', comment, actorEmail: email, at: nowIso() });
    appendAudit(
      {
        actor,
        action: 'review.carry_over_accepted',
        target: { type: 'campaign', id: String(p.campaignId) },
        details: { count: found, comment, events: { from: events.firstEventId, to: events.lastEventId } },
      },
      tx,
    );
    return { decision: 'certify', count: found, before: { undecided: found, certify: 0, revoke: 0 } };
  });
}
