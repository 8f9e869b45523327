import { describe, expect, it } from 'vitest';
import { daysBetween, describeFindings, minusDays, ruleKeysOf, STALE_RULES, type TStaleFacts } from './rules';
import { RULE_BITS } from './queries';

const facts = (over: Partial<TStaleFacts>): TStaleFacts => ({
  rules: 0,
  email: 'ann@northwind.example',
  asOfDate: '2026-11-23',
  hrStatus: null,
  terminationDate: null,
  lastActiveAt: null,
  createdDate: null,
  createdSource: null,
  groupCount: null,
  managerEmail: null,
  managerState: null,
  managerTerminated: false,
  duplicateEmails: [],
  name: 'Ann Lee',
  ...over,
});

describe('stale rule wording', () => {
  it('gives every rule its own bit', () => {
    const bits = STALE_RULES.map((r) => r.bit);
    expect(new Set(bits).size).toBe(bits.length);
    expect(bits.every((b) => b > 0 && (b & (b - 1)) === 0)).toBe(true);
    expect(ruleKeysOf(RULE_BITS.inactive | RULE_BITS.external_domain)).toEqual(['inactive', 'external_domain']);
  });

  it('counts whole days in UTC', () => {
    expect(daysBetween('2026-08-25T23:59:00.000Z', '2026-11-23')).toBe(90);
    expect(minusDays('2026-03-01', 1)).toBe('2026-02-28');
  });

  it('puts every finding in words, in rule order', () => {
    const all = Object.values(RULE_BITS).reduce((m, b) => m | b, 0);
    expect(
      describeFindings(
        facts({
          rules: all,
          terminationDate: '2026-10-01',
          lastActiveAt: '2026-05-01T10:00:00.000Z',
          createdDate: '2026-01-01',
          createdSource: 'first_snapshot',
          groupCount: 1,
          managerEmail: 'boss@northwind.example',
          managerState: 'missing',
          duplicateEmails: ['a@n.example', 'ann@northwind.example', 'b@n.example', 'c@n.example', 'd@n.example'],
        }),
      ),
    ).toEqual([
      'Terminated in HR on 2026-10-01, but the Airtable account is active',
      'Active in Airtable, but not in the HR roster',
      'No activity for 206 days (last active 2026-05-01)',
      'Never active since it was first seen on 2026-01-01 (326 days ago)',
      'Deactivated, but still in 1 group',
      'External email domain northwind.example',
      'Manager boss@northwind.example is not in the Airtable directory',
      'Same name ("Ann Lee") as 4 other active accounts: a@n.example, b@n.example, c@n.example and 1 more',
    ]);
  });
});
