'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction } from '@/lib/actions/define-action';
import {
  ZAcceptCarriedOverInput,
  ZAcceptRecommendationsInput,
  ZBulkDecideInput,
  ZCampaignId,
  ZDecideInput,
  ZItemFilter,
  ZNotSureInput,
  ZSignOffInput,
  ZUndoInput,
  acceptCarriedOver,
  acceptRecommendations,
  bulkDecide,
  decideItem,
  passOnAsNotSure,
  previewAcceptRecommendations,
  signOff,
  undoDecision,
} from '@/lib/review';

const reviewers = { roles: ['admin' as const, 'reviewer' as const] };
const actorOf = (user: { id: string; email: string }) => ({ id: user.id, email: user.email });

/** One decision on one item; the result carries the item's new `version` for the next call. */
export const decideItemAction = defineAction(ZDecideInput, reviewers, (input, { user }) => decideItem(actorOf(user), input));

export const undoDecisionAction = defineAction(ZUndoInput, reviewers, (input, { user }) => undoDecision(actorOf(user), input));

export const bulkDecideAction = defineAction(ZBulkDecideInput, reviewers, (input, { user }) => bulkDecide(actorOf(user), input));

/** "Not sure": pass the item on (next stage or fallback reviewer) with the comment. */
export const passOnAsNotSureAction = defineAction(ZNotSureInput, reviewers, (input, { user }) => passOnAsNotSure(actorOf(user), input));

/** What "accept recommendations" would do on the filter (read-only; shown before confirming). */
export const previewAcceptRecommendationsAction = defineAction(z.object({ campaignId: ZCampaignId, filter: ZItemFilter }), reviewers, (input, { user }) =>
  previewAcceptRecommendations(actorOf(user), input.campaignId, input.filter),
);

export const acceptRecommendationsAction = defineAction(ZAcceptRecommendationsInput, reviewers, (input, { user }) => acceptRecommendations(actorOf(user), input));

export const acceptCarriedOverAction = defineAction(ZAcceptCarriedOverInput, reviewers, (input, { user }) => acceptCarriedOver(actorOf(user), input));

export const signOffAction = defineAction(ZSignOffInput, reviewers, (input, { user }) => {
  const result = signOff(actorOf(user), input);
  revalidatePath('/reviews');
  return result;
});
