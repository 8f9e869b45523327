'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import { ZBulkDecideInput, ZDecideInput, ZSignOffInput, ZUndoInput, bulkDecide, decideItem, signOff, undoDecision } from '@/lib/review';

const reviewers = { roles: ['admin' as const, 'reviewer' as const] };
const actorOf = (user: { id: string; email: string }) => ({ id: user.id, email: user.email });

/** One decision on one item; the result carries the item's new `version` for the next call. */
export const decideItemAction = defineAction(ZDecideInput, reviewers, (input, { user }) => decideItem(actorOf(user), input));

export const undoDecisionAction = defineAction(ZUndoInput, reviewers, (input, { user }) => undoDecision(actorOf(user), input));

export const bulkDecideAction = defineAction(ZBulkDecideInput, reviewers, (input, { user }) => bulkDecide(actorOf(user), input));

export const signOffAction = defineAction(ZSignOffInput, reviewers, (input, { user }) => {
  const result = signOff(actorOf(user), input);
  revalidatePath('/reviews');
  return result;
});
