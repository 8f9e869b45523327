import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { snapshots } from '@/db/schema';
import { listAuditPage } from '@/lib/audit';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { countSnapshotContent } from './queries';
import { getCurrentSnapshot, getSnapshot } from './read';
import { recoverInterruptedSnapshots } from './recovery';
import { snapshotOf, startSeededSim, TEST_TOKEN, type TSimServer } from './testing';

/**
 * `scripts/snapshot.ts` as cron runs it: a child process (node --conditions=react-server
 * --import tsx) against the simulator over HTTP, sharing the test's SQLite file.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

type TChild = { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> };

function runCli(server: TSimServer, dbPath: string, opts: { token?: string; args?: string[] } = {}): TChild {
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/snapshot.ts', ...(opts.args ?? [])], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: `file:${dbPath}`,
      SCIM_BASE_URL: server.url,
      SCIM_TOKEN: opts.token ?? TEST_TOKEN,
      SCIM_RATE_LIMIT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let errText = '';
  child.stdout?.on('data', (d: Buffer) => void (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => void (errText += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, stdout: () => out, stderr: () => errText, exited };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('npm run snapshot (scripts/snapshot.ts)', () => {
  const dbPath = useTempDatabase();
  let server: TSimServer;

  beforeAll(async () => {
    server = await startSeededSim({ users: 400, groups: 40, seed: 21 });
  });
  afterEach(() => {
    server.sim.resetFaults();
  });
  afterAll(async () => {
    await server.close();
  });

  it('prints one JSON line last on stdout and exits 0', async () => {
    const run = runCli(server, dbPath());
    const { code } = await run.exited;
    expect(code, run.stderr()).toBe(0);
    const lines = run.stdout().trim().split('\n');
    const result = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(['snapshotId', 'users', 'groups', 'memberships', 'requests', 'seconds', 'digest']);
    const row = getSnapshot(result.snapshotId as number)!;
    expect(result).toEqual({
      snapshotId: row.id,
      users: 400,
      groups: 40,
      memberships: server.sim.store.counts().memberships,
      requests: row.requests,
      seconds: expect.any(Number),
      digest: row.digest,
    });
    expect(row).toMatchObject({ status: 'complete', trigger: 'cli', startedByEmail: 'cli', startedById: null, source: 'env', baseUrl: server.url });
    expect(run.stderr()).toMatch(/snapshot #\d+ started/);
  }, 60_000);

  it('exits non-zero with the reason on stderr when the token is wrong', async () => {
    const run = runCli(server, dbPath(), { token: 'definitely-not-the-token' });
    const { code } = await run.exited;
    expect(code).toBe(1);
    expect(run.stdout()).toBe('');
    expect(run.stderr()).toMatch(/failed: SCIM GET \/(Users|Groups) failed with HTTP 401 \(unauthorized\)/);
    expect(run.stderr()).not.toContain('definitely-not-the-token');
  }, 60_000);

  it('exits 3 naming the running snapshot when one is already running', async () => {
    const now = new Date().toISOString();
    // Owned by this (live) test process on this host: the CLI must not recover it.
    getDb()
      .insert(snapshots)
      .values({ status: 'running', startedAt: now, heartbeatAt: now, ownerPid: process.pid, ownerHost: hostname(), startedByEmail: 'admin@example.com', trigger: 'ui', source: 'env', baseUrl: server.url })
      .run();
    const run = runCli(server, dbPath());
    const { code } = await run.exited;
    expect(code).toBe(3);
    expect(run.stderr()).toMatch(/A snapshot is already running \(#1, started by admin@example\.com at /);
  }, 60_000);

  it('cancels gracefully on SIGTERM: exit 143, snapshot cancelled, no rows left', async () => {
    server.sim.setFaults({ latencyMs: 40 });
    const run = runCli(server, dbPath(), { args: ['--write-batch-size', '50'] });
    await waitFor(() => /members: users 400\/400, groups [1-9]/.test(run.stderr()), 'progress in the members phase');
    run.child.kill('SIGTERM');
    const { code } = await run.exited;
    expect(code, run.stderr()).toBe(143);
    const row = getSnapshot(1)!;
    expect(row).toMatchObject({ status: 'cancelled', error: 'Cancelled: received SIGTERM.' });
    expect(countSnapshotContent(row.id)).toEqual({ users: 0, groups: 0, memberships: 0 });
  }, 60_000);

  it('a SIGKILLed run is recovered: failed, rows gone, the previous snapshot stays current, and the next one succeeds', async () => {
    const previous = await snapshotOf(server);
    server.sim.setFaults({ latencyMs: 40 });
    // Batches of 5 rows: once progress shows 10+ memberships, some are committed.
    const run = runCli(server, dbPath(), { args: ['--write-batch-size=5'] });
    await waitFor(() => /members: users 400\/400, groups [1-9]\d*\/40, memberships [1-9]\d/.test(run.stderr()), 'memberships written');
    const killedId = Number(/snapshot #(\d+) started/.exec(run.stderr())?.[1]);
    run.child.kill('SIGKILL');
    const exit = await run.exited;
    expect(exit.signal).toBe('SIGKILL');

    const stranded = getSnapshot(killedId)!;
    expect(stranded.status).toBe('running');
    expect(countSnapshotContent(killedId).users).toBe(400);
    expect(countSnapshotContent(killedId).memberships).toBeGreaterThan(0);
    expect(getCurrentSnapshot()?.id).toBe(previous.id);

    expect(recoverInterruptedSnapshots()).toBe(1);
    const failed = getSnapshot(killedId)!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(new RegExp(`^Interrupted: the process that ran it \\(pid ${run.child.pid} on `));
    expect(countSnapshotContent(killedId)).toEqual({ users: 0, groups: 0, memberships: 0 });
    expect(getCurrentSnapshot()?.id).toBe(previous.id);
    expect(listAuditPage({ action: 'snapshot.failed' }, 1, 10).rows.map((r) => r.targetId)).toContain(String(killedId));

    server.sim.resetFaults();
    const next = await snapshotOf(server);
    expect(next.status).toBe('complete');
    expect(next.digest).toBe(previous.digest);
    expect(getCurrentSnapshot()?.id).toBe(next.id);
  }, 60_000);
});
