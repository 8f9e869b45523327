import { afterEach, describe, expect, it } from 'vitest';
import { computeUserSignals, diffAttributes, prepareSignalSources, registerSignalSource, SIGNAL_BIT, SIGNALS, signalKeys } from './signals';

const facts = {
  email: 'ann@northwind.example',
  active: true,
  groupCount: 2,
  manager: 'active' as const,
  previous: null,
};

describe('signals', () => {
  it('has unique bits and keys, reserved bits for other features', () => {
    expect(new Set(SIGNALS.map((s) => s.bit)).size).toBe(SIGNALS.length);
    expect(new Set(SIGNALS.map((s) => s.key)).size).toBe(SIGNALS.length);
    expect(SIGNALS.filter((s) => s.reserved).map((s) => s.key)).toEqual(['stale', 'never_active', 'terminated_hr']);
  });

  it('computes user signals', () => {
    const domains = ['northwind.example'];
    expect(computeUserSignals(facts, domains)).toBe(0);
    expect(signalKeys(computeUserSignals({ ...facts, email: 'x@contractor-mail.example' }, domains))).toEqual(['external_domain']);
    expect(signalKeys(computeUserSignals({ ...facts, email: 'x@eu.northwind.example' }, domains))).toEqual([]);
    expect(signalKeys(computeUserSignals({ ...facts, groupCount: 0, active: false }, domains))).toEqual(['no_groups', 'inactive']);
    expect(signalKeys(computeUserSignals({ ...facts, previous: { present: false } }, domains))).toEqual(['joined_since_last']);
    expect(
      signalKeys(computeUserSignals({ ...facts, previous: { present: true, changes: [{ field: 'title', before: 'A', after: 'B' }] } }, domains)),
    ).toEqual(['changed_since_last']);
    expect(signalKeys(computeUserSignals({ ...facts, previous: { present: true, changes: [] } }, domains))).toEqual([]);
    expect(signalKeys(computeUserSignals({ ...facts, manager: 'missing' }, domains))).toEqual(['manager_inactive']);
    expect(signalKeys(computeUserSignals({ ...facts, manager: 'inactive' }, domains))).toEqual(['manager_inactive']);
    expect(computeUserSignals({ ...facts, manager: 'none' }, domains)).toBe(0);
  });

  it('diffs attributes, the manager case-insensitively, blanks as none', () => {
    const before = { department: 'Sales', title: 'Rep', manager: 'Boss@X.example', costCenter: 'CC1', division: null };
    expect(diffAttributes(before, { ...before, manager: 'boss@x.example', division: '  ' })).toEqual([]);
    expect(diffAttributes(before, { ...before, department: 'Marketing', costCenter: null })).toEqual([
      { field: 'department', before: 'Sales', after: 'Marketing' },
      { field: 'costCenter', before: 'CC1', after: null },
    ]);
  });

  describe('registered sources', () => {
    let unregister: (() => void) | null = null;
    afterEach(() => unregister?.());

    it('keeps only reserved bits from a source and can be unregistered', () => {
      expect(prepareSignalSources({ campaignId: 1, snapshotId: 1 })).toBeNull();
      unregister = registerSignalSource(() => (user) => (user.email.startsWith('old') ? SIGNAL_BIT.stale | SIGNAL_BIT.external_domain : 0));
      const fn = prepareSignalSources({ campaignId: 1, snapshotId: 1 });
      const subject = { scimId: 'u', email: 'old@x', userName: 'old@x', active: true, department: null, costCenter: null, division: null, title: null, managerEmail: null };
      expect(fn?.(subject)).toBe(SIGNAL_BIT.stale);
      expect(fn?.({ ...subject, email: 'new@x' })).toBe(0);
      unregister();
      unregister = null;
      expect(prepareSignalSources({ campaignId: 1, snapshotId: 1 })).toBeNull();
    });
  });
});
