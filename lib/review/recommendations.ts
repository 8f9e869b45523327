import type { TItemKind, TRecommendation } from '@/db/schema';
import { emailDomain } from '@/lib/settings/domains';
import { hasSignal, type TAttributeChange, type TManagerState } from './signals';

/**
 * What Attest suggests for an item, with the reason in plain words. Pure and deterministic: the
 * first rule of `RECOMMENDATION_RULES` that applies wins, so the same facts always give the same
 * suggestion. A suggestion is never a decision — reviewers decide.
 *
 *  1. previously revoked but still present   → revoke  "Previously revoked in Q3 review but still present"
 *  2. terminated in the HR roster             → revoke  "Terminated in the HR roster but still has access"
 *  3. deactivated account                      → revoke  "Account is deactivated but still in 3 groups"
 *  4. manager deactivated / not in directory   → review  "Manager ann@x.example is deactivated"
 *  5. never active                             → review  "Never used Airtable"
 *  6. stale                                    → review  "No recent activity"
 *  7. external email domain                    → review  "External domain contractor-mail.example"
 *  8. no groups (account items)                → review  "Account is in no groups"
 *  9. joined since the last campaign           → review  "New since Q3 review"
 * 10. changed since the last campaign          → review  "Changed since Q3 review: department Sales → Marketing"
 * 11. nothing of the above                     → certify "No risk signals"
 *
 * Why this order: evidence that access should already be gone (a past revoke, HR, deactivation)
 * comes before doubts about the person, and doubts before mere change.
 */

export type TRecommendationInput = {
  kind: TItemKind;
  signals: number;
  email: string;
  /** Memberships of the user in the snapshot ("still in 3 groups"). */
  groupCount: number;
  managerEmail: string | null;
  manager: TManagerState;
  /** The previous launched campaign, for "New since …" and "Changed since …". */
  previousCampaignName: string | null;
  /** The previous closed campaign, for "Previously revoked in …". */
  revokedInCampaignName: string | null;
  changes: readonly TAttributeChange[];
};

export type TRecommendationResult = { recommendation: TRecommendation; reason: string };

type TRule = {
  key: string;
  recommendation: TRecommendation;
  applies: (input: TRecommendationInput) => boolean;
  reason: (input: TRecommendationInput) => string;
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

const FIELD_LABEL: Record<TAttributeChange['field'], string> = {
  department: 'department',
  title: 'title',
  manager: 'manager',
  costCenter: 'cost center',
  division: 'division',
};

function describeChanges(changes: readonly TAttributeChange[]): string {
  return changes.map((c) => `${FIELD_LABEL[c.field]} ${c.before ?? '(none)'} → ${c.after ?? '(none)'}`).join('; ');
}

/** The rules in priority order (documented above and in docs/decisions/006-review-campaigns.md). */
export const RECOMMENDATION_RULES: readonly TRule[] = [
  {
    key: 'previously_revoked',
    recommendation: 'revoke',
    applies: (i) => hasSignal(i.signals, 'previously_revoked'),
    reason: (i) => `Previously revoked in ${i.revokedInCampaignName ?? 'the last review'} but still present`,
  },
  {
    key: 'terminated_hr',
    recommendation: 'revoke',
    applies: (i) => hasSignal(i.signals, 'terminated_hr'),
    reason: () => 'Terminated in the HR roster but still has access',
  },
  {
    key: 'inactive',
    recommendation: 'revoke',
    applies: (i) => hasSignal(i.signals, 'inactive'),
    reason: (i) =>
      i.groupCount > 0 ? `Account is deactivated but still in ${plural(i.groupCount, 'group')}` : 'Account is deactivated',
  },
  {
    key: 'manager_inactive',
    recommendation: 'review',
    applies: (i) => hasSignal(i.signals, 'manager_inactive'),
    reason: (i) => `Manager ${i.managerEmail ?? '(unknown)'} ${i.manager === 'inactive' ? 'is deactivated' : 'is not in the directory'}`,
  },
  { key: 'never_active', recommendation: 'review', applies: (i) => hasSignal(i.signals, 'never_active'), reason: () => 'Never used Airtable' },
  { key: 'stale', recommendation: 'review', applies: (i) => hasSignal(i.signals, 'stale'), reason: () => 'No recent activity' },
  {
    key: 'external_domain',
    recommendation: 'review',
    applies: (i) => hasSignal(i.signals, 'external_domain'),
    reason: (i) => `External domain ${emailDomain(i.email) || '(none)'}`,
  },
  {
    key: 'no_groups',
    recommendation: 'review',
    applies: (i) => i.kind === 'account' && hasSignal(i.signals, 'no_groups'),
    reason: () => 'Account is in no groups',
  },
  {
    key: 'joined_since_last',
    recommendation: 'review',
    applies: (i) => hasSignal(i.signals, 'joined_since_last'),
    reason: (i) => `New since ${i.previousCampaignName ?? 'the last review'}`,
  },
  {
    key: 'changed_since_last',
    recommendation: 'review',
    applies: (i) => hasSignal(i.signals, 'changed_since_last'),
    reason: (i) => {
      const since = `Changed since ${i.previousCampaignName ?? 'the last review'}`;
      return i.changes.length > 0 ? `${since}: ${describeChanges(i.changes)}` : since;
    },
  },
];

const NO_RISK: TRecommendationResult = { recommendation: 'certify', reason: 'No risk signals' };

/** The suggestion for one item: the first rule that applies, else certify with "No risk signals". */
export function recommend(input: TRecommendationInput): TRecommendationResult {
  for (const rule of RECOMMENDATION_RULES) {
    if (rule.applies(input)) return { recommendation: rule.recommendation, reason: rule.reason(input) };
  }
  return NO_RISK;
}
