import 'server-only';
import { appendAudit, type TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { normalizeEmail, requireActiveReviewer } from './access';
import { countReviewerItems, countUndecidedReviewerItems, insertSignoffRow, nowIso, writeTransaction } from './queries';
import { parseInput, ZSignOffInput, type TSignOffInput } from './schemas';
import { advanceIfStageComplete } from './stages';
import type { TSignOffResult } from './types';

/**
 * A reviewer's attestation that their queue is complete. Allowed only when every item assigned
 * to them in the campaign is decided; it stores the statement they attested, the time and the
 * item count, and from then on their decisions are locked (decide / undo / bulk → conflict).
 * The statement must be the campaign's attestation statement as shown: a stale page or a
 * forged text cannot become evidence.
 */
export function signOff(actor: TActor, input: TSignOffInput): TSignOffResult {
  const p = parseInput(ZSignOffInput, input);
  const email = normalizeEmail(actor.email);
  return writeTransaction((tx) => {
    const { campaign } = requireActiveReviewer(p.campaignId, email);
    if (p.statement !== campaign.attestationStatement.trim()) {
      throw new AppError('invalid', "The statement does not match this campaign's attestation statement. Reload the page and try again.", {
        statement: ['does not match the campaign attestation statement'],
      });
    }
    const undecided = countUndecidedReviewerItems(p.campaignId, email);
    if (undecided > 0) {
      throw new AppError('conflict', `You still have ${undecided.toLocaleString('en-US')} undecided item${undecided === 1 ? '' : 's'}: decide every item before signing off.`);
    }
    const itemCount = countReviewerItems(p.campaignId, email);
    const signedAt = nowIso();
    insertSignoffRow(tx, { campaignId: p.campaignId, reviewerEmail: email, stage: campaign.currentStage, statement: campaign.attestationStatement, signedAt, itemCount });
    appendAudit(
      {
        actor,
        action: 'review.signed_off',
        target: { type: 'campaign', id: String(p.campaignId) },
        details: { reviewerEmail: email, stage: campaign.currentStage, before: null, after: { statement: campaign.attestationStatement, signedAt, itemCount } },
      },
      tx,
    );
    // The last sign-off of a stage starts the next one (same transaction: both or neither).
    const advanced = advanceIfStageComplete(p.campaignId);
    return {
      campaignId: p.campaignId,
      reviewerEmail: email,
      stage: campaign.currentStage,
      statement: campaign.attestationStatement,
      signedAt,
      itemCount,
      nextStageStarted: advanced.at(-1)?.toStage ?? null,
    };
  });
}
