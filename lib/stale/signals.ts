import 'server-only';
import { SIGNAL_BIT, type TSignalSource } from '@/lib/review/signals';
import { currentBasis, ruleParams } from './basis';
import { getCompleteSnapshotBrief, queryReservedRuleMasks, RULE_BITS } from './queries';

/**
 * The stale-accounts contribution to campaign items (lib/review/signals.ts reserved bits):
 * no recent activity → `stale`, never active → `never_active`, terminated in the HR roster →
 * `terminated_hr`. lib/review's launch calls this directly (not through an import side effect),
 * so every launch and preview gets it. It evaluates the campaign's snapshot with the current
 * imports as of today (basis.ts) in one query (only these three rules), inside the launch's
 * synchronous transaction, and answers each user from a Map of the flagged ones.
 */
export const staleSignalSource: TSignalSource = (ctx) => {
  const snapshot = getCompleteSnapshotBrief(ctx.snapshotId);
  if (!snapshot) return () => 0;
  const params = ruleParams(currentBasis(snapshot));
  // Without any import none of the three rules can fire: skip the query.
  if (params.hrImportId === null && params.activityImportId === null) return () => 0;
  const masks = queryReservedRuleMasks(params);
  if (masks.size === 0) return () => 0;
  return (user) => {
    const rules = masks.get(user.scimId) ?? 0;
    let bits = 0;
    if (rules & RULE_BITS.inactive) bits |= SIGNAL_BIT.stale;
    if (rules & RULE_BITS.never_active) bits |= SIGNAL_BIT.never_active;
    if (rules & RULE_BITS.terminated_in_hr) bits |= SIGNAL_BIT.terminated_hr;
    return bits;
  };
};
