import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { campaigns } from '@/db/schema';
import { listAuditPage } from '@/lib/audit';
import { setSnapshotRetention } from '@/lib/settings';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { countSnapshotContent } from './queries';
import { getCurrentSnapshot, listSnapshots } from './read';
import { applySnapshotRetention, registerSnapshotReferenceCheck } from './retention';
import { ADMIN, snapshotOf, startSeededSim, type TSimServer } from './testing';

describe('snapshot retention', () => {
  useTempDatabase();
  let server: TSimServer;

  beforeAll(async () => {
    server = await startSeededSim({ users: 60, groups: 6, seed: 61 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('keeps the last N complete snapshots plus protected ones, deletes older complete and failed ones with their rows', async () => {
    const take = () => snapshotOf(server, { applyRetention: false });
    const s1 = await take();
    const s2 = await take();
    const s3 = await snapshotOf(server, { applyRetention: false }, { token: 'wrong-token-0000' });
    const s4 = await take();
    const s5 = await take();
    const s6 = await take();
    expect([s1, s2, s4, s5, s6].every((s) => s.status === 'complete')).toBe(true);
    expect(s3.status).toBe('failed');
    expect(countSnapshotContent(s4.id).users).toBe(60);

    // A registered check protects #2, the caller protects #1, and a campaign row (ON DELETE
    // RESTRICT) holds #4 — found from the schema, without any registration.
    const unregister = registerSnapshotReferenceCheck(() => new Set([s2.id]));
    const campaign = getDb()
      .insert(campaigns)
      .values({
        name: 'Q4 review',
        snapshotId: s4.id,
        scopeJson: '{}',
        reviewAccounts: true,
        reviewMemberships: false,
        reviewerRule: 'manager',
        fallbackReviewerEmail: 'admin@example.com',
        dueAt: '2026-12-31',
        attestationStatement: 'I attest.',
        createdByEmail: 'admin@example.com',
      })
      .returning()
      .get();
    const held = applySnapshotRetention({ keepLast: 2, protectedIds: new Set([s1.id]), actor: ADMIN });
    expect(held).toEqual({ keepLast: 2, deleted: [s3.id], protectedKept: [s1.id, s2.id, s4.id] });
    expect(countSnapshotContent(s4.id).users).toBe(60);
    getDb().delete(campaigns).where(eq(campaigns.id, campaign.id)).run();

    const result = applySnapshotRetention({ keepLast: 2, protectedIds: new Set([s1.id]), actor: ADMIN });
    expect(result).toEqual({ keepLast: 2, deleted: [s4.id], protectedKept: [s1.id, s2.id] });
    expect(listSnapshots({ page: 1, pageSize: 50 }).rows.map((r) => r.id)).toEqual([s6.id, s5.id, s2.id, s1.id]);
    expect(countSnapshotContent(s4.id)).toEqual({ users: 0, groups: 0, memberships: 0 });
    const audits = listAuditPage({ action: 'snapshot.deleted_by_retention' }, 1, 10).rows;
    expect(audits.map((a) => a.targetId).sort()).toEqual([String(s3.id), String(s4.id)].sort());
    expect(audits.every((a) => a.actorEmail === ADMIN.email)).toBe(true);
    expect(JSON.parse(audits.find((a) => a.targetId === String(s4.id))!.details)).toMatchObject({ status: 'complete', digest: s4.digest, keepLast: 2 });

    // Nothing to do the second time.
    expect(applySnapshotRetention({ keepLast: 2, protectedIds: new Set([s1.id]) }).deleted).toEqual([]);
    expect(applySnapshotRetention({ keepLast: 1, dryRun: true }).deleted).toEqual([s1.id, s5.id]);
    expect(listSnapshots({ page: 1, pageSize: 50 }).total).toBe(4);

    // After a complete snapshot the setting is applied on its own; the current one is never deleted.
    unregister();
    setSnapshotRetention(ADMIN, 1);
    const s7 = await snapshotOf(server);
    expect(listSnapshots({ page: 1, pageSize: 50 }).rows.map((r) => r.id)).toEqual([s7.id]);
    expect(getCurrentSnapshot()?.id).toBe(s7.id);
    expect(countSnapshotContent(s6.id)).toEqual({ users: 0, groups: 0, memberships: 0 });
  });
});
