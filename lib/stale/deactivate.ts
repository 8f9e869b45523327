import 'server-only';
import { z } from 'zod';
import type { TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { enqueueStaleDeactivations, type TStaleEnqueueResult } from '@/lib/remediation';
import { basisKey, currentBasis, ruleParams } from './basis';
import { listCompleteSnapshotBriefs, materialiseStaleFlags, queryMaterialisedByIds } from './queries';

/**
 * "Deactivate selected" on the dashboard: check the selection, then hand it to the remediation
 * outbox (lib/remediation `enqueueStaleDeactivations`), which writes the SCIM requests and
 * audits them. Only accounts that are active and flagged in the current evaluation can be
 * selected: the dashboard is not a back door to deactivate anyone.
 */

export const MAX_DEACTIVATIONS = 500;

export const ZDeactivationSelection = z.object({
  userScimIds: z
    .array(z.string().trim().min(1).max(100))
    .min(1, 'Select at least one account.')
    .max(MAX_DEACTIVATIONS, `Select at most ${MAX_DEACTIVATIONS} accounts at a time.`)
    .transform((ids) => [...new Set(ids)]),
  justification: z.string().trim().min(10, 'Explain why in at least 10 characters (it is kept as evidence).').max(2000, 'At most 2,000 characters.'),
});
export type TDeactivationSelection = z.input<typeof ZDeactivationSelection>;

/** Validate a selection against the current evaluation; returns the ids (throws AppError naming the refused ones). */
export function checkStaleDeactivation(input: TDeactivationSelection): { userScimIds: string[]; justification: string } {
  const parsed = ZDeactivationSelection.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) (fieldErrors[String(issue.path[0] ?? '_')] ??= []).push(issue.message);
    throw new AppError('invalid', Object.values(fieldErrors).flat()[0] ?? 'Invalid selection.', fieldErrors);
  }
  const snapshot = listCompleteSnapshotBriefs(1)[0];
  if (!snapshot) throw new AppError('not_found', 'There is no complete snapshot to act on.');
  const basis = currentBasis(snapshot);
  materialiseStaleFlags(ruleParams(basis), basisKey(basis));
  const flagged = new Map(queryMaterialisedByIds(parsed.data.userScimIds).map((r) => [r.scim_id, r]));
  const refused = parsed.data.userScimIds.filter((id) => flagged.get(id)?.active !== 1);
  if (refused.length > 0) {
    const shown = refused.slice(0, 5).join(', ');
    throw new AppError(
      'invalid',
      `${refused.length} selected account${refused.length === 1 ? ' is' : 's are'} not active and flagged in snapshot #${snapshot.id} (${shown}${refused.length > 5 ? '…' : ''}). Reload the page and select again.`,
      { userScimIds: [`not active and flagged: ${shown}`] },
    );
  }
  return parsed.data;
}

/**
 * Queue deactivations for flagged accounts: checks the selection, then one call to the
 * remediation outbox, which records the justification, skips accounts already queued and audits
 * (`remediation.enqueued`). Nothing is sent to Airtable here; the remediation worker does that.
 */
export function deactivateStaleAccounts(actor: TActor, input: TDeactivationSelection): TStaleEnqueueResult {
  const checked = checkStaleDeactivation(input);
  return enqueueStaleDeactivations(actor, checked);
}
