import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { currentBasis, ruleParams } from './basis';
import { flaggedStatement, listCompleteSnapshotBriefs } from './queries';
import { csv, importCsv, seededStore, snapshotFromStore } from './testing';

/**
 * The rules statement must not depend on the planner's mood. A connection opened while the
 * tables were empty (a server on a fresh database; here: the test database) once chose to scan a
 * CTE once per user instead of indexing it — quadratic, minutes at 100k users. Every per-user
 * lookup must be an index search, and users must be read in email order.
 */
describe('the rules query plan', () => {
  useTempDatabase();

  it('reads users by the email index and looks everything else up by index, never by scanning', async () => {
    const store = seededStore({ users: 200, groups: 10, seed: 1 });
    await snapshotFromStore(store);
    importCsv('hr', csv(['email', 'status'], store.allUsers().map((u) => [u.userName, u.active ? 'active' : 'terminated'])));
    importCsv('activity', csv(['email', 'last active'], store.allUsers().map((u) => [u.userName, '2026-11-01'])));
    const snapshot = listCompleteSnapshotBriefs(1)[0]!;
    const { sql, bind } = flaggedStatement(ruleParams(currentBasis(snapshot)));
    const plan = (getDb().$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(bind) as Array<{ detail: string }>).map((r) => r.detail);

    expect(plan).toContain('SEARCH u USING INDEX snapshot_users_email_idx (snapshot_id=?)');
    const joins = plan.filter((d) => d.includes('LEFT-JOIN'));
    expect(joins.length).toBeGreaterThanOrEqual(2);
    for (const line of joins) expect(line).toMatch(/^SEARCH \w+ USING (COVERING )?INDEX /);
    // Scans only of co-routines and of the small materialised helpers (to build their IN lists,
    // once; or the duplicate details of a flagged row), never of a table.
    for (const line of plan.filter((d) => d.startsWith('SCAN '))) expect(line).toMatch(/^SCAN (e|k|c|d|dupkeys|dup|mgr_gone)$/);
    // Membership in the helpers is tested through IN lists, which always get an index (a join could lose it).
    expect(plan.filter((d) => d.startsWith('LIST SUBQUERY')).length).toBeGreaterThanOrEqual(2);
  });
});
