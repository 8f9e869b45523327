import { describe, expect, it } from 'vitest';
import { recommend, type TRecommendationInput } from './recommendations';
import { SIGNAL_BIT, type TSignalKey } from './signals';

const bits = (...keys: TSignalKey[]): number => keys.reduce((b, k) => b | SIGNAL_BIT[k], 0);

function input(overrides: Partial<TRecommendationInput> = {}): TRecommendationInput {
  return {
    kind: 'account',
    signals: 0,
    email: 'ann.lee@northwind.example',
    groupCount: 2,
    managerEmail: 'boss@northwind.example',
    manager: 'active',
    previousCampaignName: 'Q3 review',
    revokedInCampaignName: 'Q3 review',
    changes: [],
    ...overrides,
  };
}

describe('recommend', () => {
  it('certifies with "No risk signals" when nothing is wrong', () => {
    expect(recommend(input())).toEqual({ recommendation: 'certify', reason: 'No risk signals' });
  });

  it('explains each signal in plain words', () => {
    expect(recommend(input({ signals: bits('previously_revoked') }))).toEqual({
      recommendation: 'revoke',
      reason: 'Previously revoked in Q3 review but still present',
    });
    expect(recommend(input({ signals: bits('inactive'), groupCount: 3 }))).toEqual({
      recommendation: 'revoke',
      reason: 'Account is deactivated but still in 3 groups',
    });
    expect(recommend(input({ signals: bits('inactive'), groupCount: 1 })).reason).toBe('Account is deactivated but still in 1 group');
    expect(recommend(input({ signals: bits('inactive', 'no_groups'), groupCount: 0 })).reason).toBe('Account is deactivated');
    expect(recommend(input({ signals: bits('external_domain'), email: 'kim@contractor-mail.example' }))).toEqual({
      recommendation: 'review',
      reason: 'External domain contractor-mail.example',
    });
    expect(recommend(input({ signals: bits('no_groups'), groupCount: 0 }))).toEqual({ recommendation: 'review', reason: 'Account is in no groups' });
    expect(recommend(input({ signals: bits('joined_since_last') })).reason).toBe('New since Q3 review');
    expect(
      recommend(input({ signals: bits('changed_since_last'), changes: [{ field: 'department', before: 'Sales', after: 'Marketing' }] })).reason,
    ).toBe('Changed since Q3 review: department Sales → Marketing');
    expect(recommend(input({ signals: bits('manager_inactive'), manager: 'inactive' })).reason).toBe('Manager boss@northwind.example is deactivated');
    expect(recommend(input({ signals: bits('manager_inactive'), manager: 'missing' })).reason).toBe('Manager boss@northwind.example is not in the directory');
    expect(recommend(input({ signals: bits('terminated_hr') })).recommendation).toBe('revoke');
    expect(recommend(input({ signals: bits('stale') })).recommendation).toBe('review');
  });

  it('applies the documented priority: the first matching rule wins, whatever else is set', () => {
    const all = bits('previously_revoked', 'terminated_hr', 'inactive', 'manager_inactive', 'external_domain', 'joined_since_last', 'changed_since_last');
    expect(recommend(input({ signals: all })).reason).toBe('Previously revoked in Q3 review but still present');
    expect(recommend(input({ signals: all & ~SIGNAL_BIT.previously_revoked })).reason).toBe('Terminated in the HR roster but still has access');
    expect(recommend(input({ signals: bits('inactive', 'external_domain'), groupCount: 3 })).reason).toBe('Account is deactivated but still in 3 groups');
    expect(recommend(input({ signals: bits('external_domain', 'joined_since_last'), email: 'x@agency.example' })).reason).toBe('External domain agency.example');
    expect(recommend(input({ signals: bits('joined_since_last', 'changed_since_last') })).reason).toBe('New since Q3 review');
  });

  it('ignores "no groups" for a membership item and is deterministic', () => {
    expect(recommend(input({ kind: 'membership', signals: bits('no_groups') }))).toEqual({ recommendation: 'certify', reason: 'No risk signals' });
    const a = recommend(input({ signals: bits('external_domain', 'stale') }));
    const b = recommend(input({ signals: bits('external_domain', 'stale') }));
    expect(a).toEqual(b);
    expect(a.reason).toBe('No recent activity');
  });
});
