import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { remediationActions, remediationRuns } from '@/db/schema';
import { listAuditPage, verifyAuditLog } from '@/lib/audit';
import { ADMIN } from '@/lib/review/testing';
import { startSeededSim, TEST_TOKEN, type TSimServer } from '@/lib/scim/testing/fixtures';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { campaignWithRevokes, directoryState, expectedState, patchesByTarget, usersWithMemberships, type TCampaignFixture } from './testing';

/**
 * `scripts/remediate.ts` as cron or an operator runs it: a child process against the simulator
 * over HTTP, sharing the test's SQLite file. Includes the crash test: SIGKILL at the worst
 * moments (a PATCH applied whose answer never arrived; a PATCH answered whose GET never did),
 * then a restart, and every revoke is applied exactly once.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

type TExit = { code: number | null; signal: NodeJS.Signals | null };
type TChild = { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<TExit> };

function runCli(server: TSimServer, dbPath: string, args: string[], env: Record<string, string> = {}): TChild {
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/remediate.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: `file:${dbPath}`, SCIM_BASE_URL: server.url, SCIM_TOKEN: TEST_TOKEN, SCIM_RATE_LIMIT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let errText = '';
  child.stdout?.on('data', (d: Buffer) => void (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => void (errText += d.toString()));
  const exited = new Promise<TExit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => errText, exited };
}

const lastJson = (run: TChild): Record<string, unknown> => JSON.parse(run.stdout().trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
const rows = () => getDb().select().from(remediationActions).orderBy(remediationActions.id).all();
const runs = () => getDb().select().from(remediationRuns).orderBy(remediationRuns.id).all();

describe('npm run remediate (scripts/remediate.ts)', () => {
  const dbPath = useTempDatabase();
  let server: TSimServer;
  let fixture: TCampaignFixture;

  beforeEach(async () => {
    server = await startSeededSim({ users: 120, groups: 10, seed: 33 });
    fixture = campaignWithRevokes(server.sim.store, (items) => {
      const both = usersWithMemberships(items.filter((i) => i.userActive)).slice(0, 4);
      const taken = new Set(both.map((b) => b.account.userScimId));
      const accounts = items.filter((i) => i.kind === 'account' && i.userActive && !taken.has(i.userScimId)).slice(0, 14);
      const memberships = items.filter((i) => i.kind === 'membership' && !taken.has(i.userScimId)).slice(0, 14);
      return [...both.flatMap((b) => [b.account, ...b.memberships]), ...accounts, ...memberships];
    });
    server.sim.clearRequestLog();
  });
  afterEach(async () => {
    server.sim.setBeforeRespond(null);
    await server.close();
  });

  it('applies a campaign, prints one JSON line last and exits 0', async () => {
    const run = runCli(server, dbPath(), ['--campaign', String(fixture.campaignId)]);
    const { code } = await run.exited;
    expect(code, run.stderr()).toBe(0);
    const result = lastJson(run);
    expect(Object.keys(result)).toEqual(['runId', 'campaignId', 'status', 'verified', 'failed', 'pending', 'inFlight', 'applied', 'patchesSent', 'checks', 'requests', 'throttled', 'retries', 'seconds', 'stoppedReason']);
    const n = fixture.revoked.length;
    expect(result).toMatchObject({ campaignId: fixture.campaignId, status: 'finished', verified: n, failed: 0, pending: 0, inFlight: 0, applied: 0, patchesSent: n, checks: n, stoppedReason: null });
    expect(run.stderr()).toMatch(/remediation run #1 started \(campaign #\d+; env: http:\/\/127\.0\.0\.1:\d+\/scim\/v2\)/);
    expect(rows().every((r) => r.status === 'verified')).toBe(true);
    expect(listAuditPage({ action: 'remediation.started' }, 1, 5).rows[0]).toMatchObject({ actorEmail: 'cli' });
  }, 60_000);

  it('--dry-run prints the requests and sends nothing', async () => {
    const before = rows().map((r) => [r.id, r.status, r.attempts]);
    const run = runCli(server, dbPath(), ['--campaign', String(fixture.campaignId), '--dry-run']);
    const { code } = await run.exited;
    expect(code, run.stderr()).toBe(0);
    const accounts = fixture.revoked.filter((i) => i.kind === 'account').length;
    expect(lastJson(run)).toEqual({ dryRun: true, campaignId: fixture.campaignId, source: 'outbox', requests: fixture.revoked.length, deactivations: accounts, membershipRemovals: fixture.revoked.length - accounts });
    const first = rows()[0]!;
    expect(run.stderr()).toContain(`PATCH ${first.requestPath} ${first.requestBody}  [pending]`);
    expect(server.sim.requestLog()).toHaveLength(0);
    expect(rows().map((r) => [r.id, r.status, r.attempts])).toEqual(before);
    expect(runs()).toHaveLength(0);
  }, 60_000);

  it('refuses bad arguments (2), a campaign that is not closed (5), and a second run (3)', async () => {
    const bad = runCli(server, dbPath(), ['--dry-run']);
    expect((await bad.exited).code).toBe(2);
    expect(bad.stderr()).toContain('usage: npm run remediate');

    const active = campaignWithRevokes(server.sim.store, (items) => items.slice(0, 1), { close: false, overrides: { name: 'Still open' } });
    const refused = runCli(server, dbPath(), ['--campaign', String(active.campaignId)]);
    expect((await refused.exited).code).toBe(5);
    expect(refused.stderr()).toContain('"Still open" is still active: its revocations go to Airtable after the campaign closes.');
    expect(runs()).toHaveLength(0);

    // A live run owned by this test process (same host, live pid): the CLI must not recover it.
    const now = new Date().toISOString();
    getDb().insert(remediationRuns).values({ status: 'running', startedByEmail: ADMIN.email, startedAt: now, heartbeatAt: now, ownerPid: process.pid, ownerHost: hostname() }).run();
    const second = runCli(server, dbPath(), []);
    expect((await second.exited).code).toBe(3);
    expect(second.stderr()).toMatch(/Remediation is already running \(run #1 for the whole outbox, started by admin@northwind\.example at /);
    expect(server.sim.requestLog()).toHaveLength(0);
  }, 60_000);

  it('survives SIGKILL at the worst moments: nothing lost, no target PATCHed twice, nothing else changed', async () => {
    const before = directoryState(server.sim.store);
    const slow = { SCIM_RATE_LIMIT: '25' };

    // Run 1: killed right after Airtable applied its 6th PATCH, before the answer leaves.
    let patches = 0;
    let killedTarget = '';
    const first = runCli(server, dbPath(), ['--campaign', String(fixture.campaignId)], slow);
    server.sim.setBeforeRespond(async (request) => {
      if (request.method !== 'PATCH' || ++patches !== 6) return;
      killedTarget = `${request.path} ${request.bodyText ?? ''}`;
      first.child.kill('SIGKILL');
      await first.exited;
    });
    expect((await first.exited).signal, first.stderr()).toBe('SIGKILL');
    server.sim.setBeforeRespond(null);
    const killedRow = rows().find((r) => `${r.requestPath} ${r.requestBody}` === killedTarget)!;
    // Applied in Airtable, unknown to the database: the case a blind resend would double.
    expect(killedRow).toMatchObject({ status: 'in_flight', attempts: 1 });
    expect(runs().map((r) => r.status)).toEqual(['running']);

    // Run 2: killed after Airtable answered a deactivation and received its verifying GET.
    const patchedUsers = new Set<string>();
    let verifyingRowPath = '';
    const second = runCli(server, dbPath(), ['--campaign', String(fixture.campaignId)], slow);
    server.sim.setBeforeRespond(async (request) => {
      if (request.method === 'PATCH' && request.path.startsWith('/Users/')) patchedUsers.add(request.path);
      if (request.method !== 'GET' || !patchedUsers.has(request.path) || verifyingRowPath) return;
      verifyingRowPath = request.path;
      second.child.kill('SIGKILL');
      await second.exited;
    });
    expect((await second.exited).signal, second.stderr()).toBe('SIGKILL');
    server.sim.setBeforeRespond(null);
    expect(second.stderr()).toMatch(/marked 1 interrupted run/);
    const verifyingRow = rows().find((r) => r.requestPath === verifyingRowPath)!;
    expect(verifyingRow.status).toBe('applied');

    // Run 3: to the end.
    const third = runCli(server, dbPath(), ['--campaign', String(fixture.campaignId)], slow);
    const { code } = await third.exited;
    expect(code, third.stderr()).toBe(0);

    // Every revoke applied and verified; none lost.
    expect(rows()).toHaveLength(fixture.revoked.length);
    expect(rows().filter((r) => r.status !== 'verified')).toEqual([]);
    expect(directoryState(server.sim.store)).toEqual(expectedState(before, fixture.revoked));
    // Exactly one PATCH per target over the three runs, each the stored request.
    const byTarget = patchesByTarget(server.sim.requestLog());
    expect(byTarget.size).toBe(fixture.revoked.length);
    for (const [target, statuses] of byTarget) expect({ target, statuses }).toEqual({ target, statuses: [200] });
    for (const r of rows()) expect(byTarget.has(`${r.requestPath} ${r.requestBody}`)).toBe(true);
    // The row killed mid-PATCH was verified by a GET, not sent again.
    const killedAfter = rows().find((r) => r.id === killedRow.id)!;
    expect(killedAfter.verifyNote).toMatch(/^Applied before an interruption \(checked before resending\): /);
    expect(killedAfter.attempts).toBe(1);
    // The row killed between its PATCH and its GET was only checked again, not resent.
    expect(rows().find((r) => r.id === verifyingRow.id)).toMatchObject({ status: 'verified', attempts: verifyingRow.attempts });

    expect(runs().map((r) => r.status)).toEqual(['interrupted', 'interrupted', 'finished']);
    const interrupted = listAuditPage({ action: 'remediation.interrupted' }, 1, 5).rows.map((r) => JSON.parse(r.details) as Record<string, unknown>);
    expect(interrupted).toHaveLength(2);
    expect(interrupted[1]).toMatchObject({ reason: expect.stringMatching(/^Interrupted: the process that ran it \(pid \d+ on .+\) stopped before it finished\.$/), rowsInFlight: expect.any(Number) });
    expect(listAuditPage({ action: 'remediation.applied' }, 1, 1).total).toBe(fixture.revoked.length);
    expect(verifyAuditLog().ok).toBe(true);
  }, 120_000);

  it('killed at arbitrary moments again and again, still converges: every revoke once, nothing lost', async () => {
    const before = directoryState(server.sim.store);
    const slow = { SCIM_RATE_LIMIT: '30' };
    // Delays after spawn: before the first request, during the first rows, mid-run (startup takes ~0.5–1 s).
    let finished = false;
    for (const delayMs of [300, 1_100, 1_500, 1_800, 2_200]) {
      const run = runCli(server, dbPath(), ['--campaign', String(fixture.campaignId)], slow);
      const timer = setTimeout(() => run.child.kill('SIGKILL'), delayMs);
      const exit = await run.exited;
      clearTimeout(timer);
      // A late kill may find the run already done.
      finished = exit.code === 0;
      if (finished) break;
      expect(exit.signal, run.stderr()).toBe('SIGKILL');
    }
    if (!finished) {
      const last = runCli(server, dbPath(), ['--campaign', String(fixture.campaignId)], slow);
      expect((await last.exited).code, last.stderr()).toBe(0);
    }

    expect(rows().filter((r) => r.status !== 'verified')).toEqual([]);
    expect(directoryState(server.sim.store)).toEqual(expectedState(before, fixture.revoked));
    const byTarget = patchesByTarget(server.sim.requestLog());
    expect(byTarget.size).toBe(fixture.revoked.length);
    for (const [target, statuses] of byTarget) expect({ target, statuses }).toEqual({ target, statuses: [200] });
    expect(runs().at(-1)?.status).toBe('finished');
    expect(runs().slice(0, -1).every((r) => r.status === 'interrupted')).toBe(true);
    expect(verifyAuditLog().ok).toBe(true);
  }, 120_000);
});
