import { describe, expect, it } from 'vitest';
import { listAuditPage } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { DEFAULT_STALE_INACTIVE_DAYS, DEFAULT_STALE_NEVER_ACTIVE_GRACE_DAYS, getStaleThresholds, setStaleThresholds } from './index';

const ADMIN = { id: 'a1', email: 'admin@example.com' };

describe('stale-account thresholds', () => {
  useTempDatabase();

  it('default to 90 and 30 days, are validated together, and each change is audited', () => {
    expect(getStaleThresholds()).toEqual({ inactiveDays: DEFAULT_STALE_INACTIVE_DAYS, neverActiveGraceDays: DEFAULT_STALE_NEVER_ACTIVE_GRACE_DAYS });
    expect(DEFAULT_STALE_INACTIVE_DAYS).toBe(90);
    expect(DEFAULT_STALE_NEVER_ACTIVE_GRACE_DAYS).toBe(30);

    expect(setStaleThresholds(ADMIN, { inactiveDays: '120', neverActiveGraceDays: 14 })).toEqual({ inactiveDays: 120, neverActiveGraceDays: 14 });
    expect(listAuditPage({ action: 'settings.updated' }, 1, 10).rows.map((r) => r.targetId).sort()).toEqual(['stale.inactiveDays', 'stale.neverActiveGraceDays']);

    // One bad value: nothing is written, both fields are named.
    let error: unknown;
    try {
      setStaleThresholds(ADMIN, { inactiveDays: 3, neverActiveGraceDays: 'soon' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).fieldErrors).toMatchObject({ inactiveDays: ['at least 7 days'], neverActiveGraceDays: [expect.any(String)] });
    expect(() => setStaleThresholds(ADMIN, { inactiveDays: 100, neverActiveGraceDays: -1 })).toThrow(/at least 0 days/);
    expect(getStaleThresholds()).toEqual({ inactiveDays: 120, neverActiveGraceDays: 14 });

    // Saving the same values writes nothing more.
    setStaleThresholds(ADMIN, { inactiveDays: 120, neverActiveGraceDays: 14 });
    expect(listAuditPage({ action: 'settings.updated' }, 1, 10).total).toBe(2);
  });
});
