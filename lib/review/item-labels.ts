import type { TReviewItemRow, TStageResult } from './types';

/**
 * How an item's stage results and notes read on screen (the grid, the items list, the item
 * history). Pure, so client components import it too.
 */

/** What a stage decided for an item: its decision, else "not sure" or "undecided". */
export function stageOutcome(result: TStageResult): string {
  return result.decision ?? (result.notSureComment ? 'not sure' : 'undecided');
}

/** "Stage 1: revoke · Stage 2: not sure", optionally naming each stage's reviewer. */
export function earlierStagesLine(results: readonly TStageResult[], withReviewer = false): string {
  return results.map((s) => `Stage ${s.stage}: ${stageOutcome(s)}${withReviewer ? ` (${s.reviewerEmail})` : ''}`).join(' · ');
}

/** The comment shown beside an item: an exclusion's reason, else the decision's comment, else what the unsure reviewer wrote. */
export function itemNote(item: Pick<TReviewItemRow, 'excludedReason' | 'excludedByEmail' | 'decisionComment' | 'notSureComment' | 'notSureByEmail'>): string {
  if (item.excludedReason !== null) return `Excluded by ${item.excludedByEmail ?? 'an admin'}: ${item.excludedReason}`;
  if (item.decisionComment) return item.decisionComment;
  return item.notSureComment ? `Not sure (${item.notSureByEmail ?? 'a reviewer'}): ${item.notSureComment}` : '';
}
