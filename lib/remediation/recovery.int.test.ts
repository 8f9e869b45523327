import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { remediationActions, remediationRuns } from '@/db/schema';
import { listAuditPage } from '@/lib/audit';
import { ADMIN } from '@/lib/review/testing';
import { fastClient, startSeededSim, type TSimServer } from '@/lib/scim/testing/fixtures';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { describeRunInterruption, drainOutbox, getRunningRemediation, recoverInterruptedRemediationRuns, startDrain } from './index';
import { campaignWithRevokes, patchesByTarget, type TCampaignFixture } from './testing';

const rows = () => getDb().select().from(remediationActions).orderBy(remediationActions.id).all();
const runs = () => getDb().select().from(remediationRuns).orderBy(remediationRuns.id).all();

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid ?? 999_999;
}

function insertRun(values: Partial<typeof remediationRuns.$inferInsert>): number {
  const now = new Date().toISOString();
  return getDb()
    .insert(remediationRuns)
    .values({ status: 'running', startedByEmail: 'cli', startedAt: now, heartbeatAt: now, ownerPid: process.pid, ownerHost: hostname(), ...values })
    .returning()
    .get().id;
}

describe('recovery of interrupted runs', () => {
  useTempDatabase();
  let server: TSimServer;
  let fixture: TCampaignFixture;

  beforeEach(async () => {
    server = await startSeededSim({ users: 40, groups: 4, seed: 14 });
    fixture = campaignWithRevokes(server.sim.store, (items) => items.filter((i) => i.kind === 'account' && i.userActive).slice(0, 4));
    server.sim.clearRequestLog();
  });
  afterEach(async () => {
    await server.close();
  });

  it('marks a dead worker\'s run interrupted and checks its rows in flight before resending: applied ones are not sent again', async () => {
    const dead = insertRun({ ownerPid: deadPid() });
    const applied = rows()[0]!;
    const notApplied = rows()[1]!;
    // The dead worker had claimed two rows; Airtable applied the first before the worker died.
    getDb().$client.prepare("UPDATE remediation_actions SET status = 'in_flight', attempts = 1, started_at = ? WHERE id IN (?, ?)").run(new Date().toISOString(), applied.id, notApplied.id);
    server.sim.store.setUserActive(applied.userScimId, false);

    const result = await drainOutbox({ client: fastClient(server), actor: ADMIN, campaignId: fixture.campaignId });

    expect(runs().map((r) => [r.id, r.status])).toEqual([
      [dead, 'interrupted'],
      [result.runId, 'finished'],
    ]);
    expect(JSON.parse(listAuditPage({ action: 'remediation.interrupted' }, 1, 1).rows[0]!.details)).toMatchObject({ rowsInFlight: 2, recovered: true });
    expect(result.summary).toMatchObject({ recovered: 2, verified: 4, alreadyInWantedState: 1, patchesSent: 3 });
    const after = new Map(rows().map((r) => [r.id, r]));
    expect(after.get(applied.id)).toMatchObject({ status: 'verified', attempts: 1 });
    expect(after.get(applied.id)!.verifyNote).toBe(`Applied before an interruption (checked before resending): GET /Users/${applied.userScimId} shows active: false`);
    expect(after.get(notApplied.id)).toMatchObject({ status: 'verified', attempts: 2 });
    const byTarget = patchesByTarget(server.sim.requestLog());
    expect(byTarget.has(`${applied.requestPath} ${applied.requestBody}`)).toBe(false);
    expect(byTarget.get(`${notApplied.requestPath} ${notApplied.requestBody}`)).toEqual([200]);
  });

  it('interrupts a run whose heartbeat stopped on another host; leaves a live one alone', () => {
    const old = new Date(Date.now() - 3 * 60_000).toISOString();
    const stale = insertRun({ ownerHost: 'other-host', ownerPid: 1, heartbeatAt: old });
    expect(recoverInterruptedRemediationRuns()).toBe(1);
    expect(runs()[0]).toMatchObject({ id: stale, status: 'interrupted' });
    expect(JSON.parse(runs()[0]!.summaryJson!)).toMatchObject({ interruptedReason: `Interrupted: no heartbeat from pid 1 on other-host since ${old} (more than 2 minutes).` });

    const live = insertRun({ ownerHost: 'other-host', ownerPid: 1 });
    expect(recoverInterruptedRemediationRuns()).toBe(0);
    expect(getRunningRemediation()).toMatchObject({ id: live, status: 'running' });
    expect(() => startDrain({ client: fastClient(server), actor: ADMIN })).toThrow(/already running \(run #2/);
  });

  it('treats a run with our own pid that this process is not running as dead (pid reuse after a restart)', () => {
    const id = insertRun({ ownerPid: process.pid });
    const run = runs().find((r) => r.id === id)!;
    expect(describeRunInterruption(run)).toBe(`Interrupted: the process that ran it (pid ${process.pid} on ${hostname()}) stopped before it finished.`);
  });

  it('a run recovered by another process while it works stops at its next heartbeat', async () => {
    server.sim.setFaults({ latencyMs: 40 });
    const started = startDrain({ client: fastClient(server), actor: ADMIN, campaignId: fixture.campaignId, concurrency: 1, progressIntervalMs: 20 });
    // Another process decides it is dead (e.g. its heartbeat looked stale from another host).
    getDb().$client.prepare("UPDATE remediation_runs SET status = 'interrupted' WHERE id = ?").run(started.runId);
    const result = await started.done;
    expect(result.summary.stoppedReason).toBe(`Run #${started.runId} was ended by another process (recovered as interrupted).`);
    expect(result.status).toBe('interrupted');
    expect(result.counts.verified).toBeLessThan(4);
    expect(runs()[0]!.status).toBe('interrupted');
  });
});
