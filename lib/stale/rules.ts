/**
 * The stale-account rules: keys, labels and how each finding is put in words. Pure (no database),
 * so client components can import the labels. The rules themselves are evaluated in SQL
 * (queries.ts, `RULE_BITS` there mirrors `bit` here); docs/decisions/009-stale-accounts.md
 * defines each one.
 */

export type TStaleRuleKey =
  | 'terminated_in_hr'
  | 'not_in_hr'
  | 'inactive'
  | 'never_active'
  | 'deactivated_in_groups'
  | 'external_domain'
  | 'manager_gone'
  | 'duplicate_person';

/** What a rule needs before it can say anything (without it the dashboard says why it is silent). */
export type TRuleNeed = 'hr' | 'activity' | 'domains' | null;

export type TStaleRule = {
  key: TStaleRuleKey;
  /** Bit in the evaluated rule mask (internal, never stored). */
  bit: number;
  label: string;
  description: string;
  needs: TRuleNeed;
  /** A finding that means a license is (probably) paid for nobody: the license-reclaim view. */
  reclaim: boolean;
};

export const STALE_RULES: readonly TStaleRule[] = [
  {
    key: 'terminated_in_hr',
    bit: 1 << 0,
    label: 'Terminated in HR',
    description: 'Active in Airtable, but the HR roster lists the person as terminated (termination date today or earlier, or none).',
    needs: 'hr',
    reclaim: true,
  },
  {
    key: 'not_in_hr',
    bit: 1 << 1,
    label: 'Not in HR roster',
    description: 'Active in Airtable, but nobody with this email is in the current HR roster.',
    needs: 'hr',
    reclaim: false,
  },
  {
    key: 'inactive',
    bit: 1 << 2,
    label: 'No recent activity',
    description: 'Active in Airtable, with no activity for the configured number of days (activity import).',
    needs: 'activity',
    reclaim: true,
  },
  {
    key: 'never_active',
    bit: 1 << 3,
    label: 'Never active',
    description: 'Active in Airtable, never active according to the activity import, and created longer ago than the grace period.',
    needs: 'activity',
    reclaim: true,
  },
  {
    key: 'deactivated_in_groups',
    bit: 1 << 4,
    label: 'Deactivated, still in groups',
    description: 'Deactivated in Airtable but still a member of groups (reactivation would restore that access).',
    needs: null,
    reclaim: false,
  },
  {
    key: 'external_domain',
    bit: 1 << 5,
    label: 'External domain',
    description: 'Active with an email domain that is not a company domain (Settings → company domains).',
    needs: 'domains',
    reclaim: false,
  },
  {
    key: 'manager_gone',
    bit: 1 << 6,
    label: 'Manager inactive or terminated',
    description: 'Active, and the manager (directory, else HR roster) is deactivated in Airtable, missing from it, or terminated in HR.',
    needs: null,
    reclaim: false,
  },
  {
    key: 'duplicate_person',
    bit: 1 << 7,
    label: 'Possible duplicate person',
    description: 'Active, and another active account has the same name with a different email.',
    needs: null,
    reclaim: false,
  },
];

export const STALE_RULE_KEYS = STALE_RULES.map((r) => r.key) as [TStaleRuleKey, ...TStaleRuleKey[]];
export const RULE_BY_KEY = Object.fromEntries(STALE_RULES.map((r) => [r.key, r])) as Record<TStaleRuleKey, TStaleRule>;

/** Findings that mean a license is paid for nobody: terminated in HR, no recent activity, never active. */
export const RECLAIM_MASK = STALE_RULES.filter((r) => r.reclaim).reduce((mask, r) => mask | r.bit, 0);

export function ruleKeysOf(mask: number): TStaleRuleKey[] {
  return STALE_RULES.filter((r) => (mask & r.bit) !== 0).map((r) => r.key);
}

/** 'missing': no user of the snapshot has the manager's email. */
export type TManagerState = 'active' | 'inactive' | 'missing';

/** The facts behind the findings of one account (one row of the evaluation). */
export type TStaleFacts = {
  rules: number;
  email: string;
  asOfDate: string;
  hrStatus: string | null;
  terminationDate: string | null;
  lastActiveAt: string | null;
  /** `YYYY-MM-DD`; when the account was created (SCIM meta.created) or first seen. */
  createdDate: string | null;
  createdSource: 'scim' | 'first_snapshot' | null;
  groupCount: number | null;
  managerEmail: string | null;
  managerState: TManagerState | null;
  managerTerminated: boolean;
  duplicateEmails: readonly string[];
  name: string;
};

const DAY_MS = 86_400_000;

/** Whole days from `from` (`YYYY-MM-DD…`) to `to` (`YYYY-MM-DD`). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to.slice(0, 10)}T00:00:00Z`) - Date.parse(`${from.slice(0, 10)}T00:00:00Z`)) / DAY_MS);
}

/** `YYYY-MM-DD` minus `days`. */
export function minusDays(date: string, days: number): string {
  return new Date(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function emailDomainOf(email: string): string {
  const at = email.indexOf('@');
  return at < 0 ? '(none)' : email.slice(at + 1);
}

/** One sentence per finding, in rule order ("No activity for 143 days (last active 2026-06-10)"). */
export function describeFindings(f: TStaleFacts): string[] {
  const out: string[] = [];
  for (const rule of STALE_RULES) {
    if ((f.rules & rule.bit) === 0) continue;
    switch (rule.key) {
      case 'terminated_in_hr':
        out.push(f.terminationDate ? `Terminated in HR on ${f.terminationDate}, but the Airtable account is active` : 'Terminated in HR, but the Airtable account is active');
        break;
      case 'not_in_hr':
        out.push('Active in Airtable, but not in the HR roster');
        break;
      case 'inactive':
        out.push(
          f.lastActiveAt
            ? `No activity for ${plural(daysBetween(f.lastActiveAt, f.asOfDate), 'day')} (last active ${f.lastActiveAt.slice(0, 10)})`
            : 'No recent activity',
        );
        break;
      case 'never_active': {
        const since = f.createdDate
          ? f.createdSource === 'first_snapshot'
            ? ` since it was first seen on ${f.createdDate} (${plural(daysBetween(f.createdDate, f.asOfDate), 'day')} ago)`
            : ` since it was created on ${f.createdDate} (${plural(daysBetween(f.createdDate, f.asOfDate), 'day')} ago)`
          : '';
        out.push(`Never active${since}`);
        break;
      }
      case 'deactivated_in_groups':
        out.push(f.groupCount ? `Deactivated, but still in ${plural(f.groupCount, 'group')}` : 'Deactivated, but still in groups');
        break;
      case 'external_domain':
        out.push(`External email domain ${emailDomainOf(f.email)}`);
        break;
      case 'manager_gone': {
        const who = `Manager ${f.managerEmail ?? '(unknown)'}`;
        const states: string[] = [];
        if (f.managerState === 'inactive') states.push('is deactivated in Airtable');
        if (f.managerState === 'missing') states.push('is not in the Airtable directory');
        if (f.managerTerminated) states.push('is terminated in HR');
        out.push(`${who} ${states.join(' and ') || 'is gone'}`);
        break;
      }
      case 'duplicate_person': {
        const others = f.duplicateEmails.filter((e) => e !== f.email);
        const shown = others.slice(0, 3).join(', ');
        const more = others.length > 3 ? ` and ${others.length - 3} more` : '';
        out.push(`Same name ("${f.name}") as ${plural(others.length, 'other active account')}: ${shown}${more}`);
        break;
      }
    }
  }
  return out;
}
