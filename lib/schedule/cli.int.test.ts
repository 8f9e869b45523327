import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listSnapshots } from '@/lib/snapshot';
import { startSeededSim, TEST_TOKEN, type TSimServer } from '@/lib/snapshot/testing';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { createTemplate } from './templates';
import { allCampaigns, allRuns, ADMIN, simSnapshots, templateInput } from './testing';
import { runScheduleTick, type TScheduleTickResult } from './tick';

/**
 * `scripts/campaigns-tick.ts` as system cron runs it: a child process (node --conditions=react-server
 * --import tsx, what `npm run campaigns:tick` runs) against the simulator over HTTP, sharing the
 * test's SQLite file. Also the races only separate processes can have.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CREATED = new Date('2031-11-15T00:00:00Z');
const Q1 = '2032-01-01T09:00:00.000Z';
const NOW = '2032-01-01T09:00:30Z';

type TChild = { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> };

function runCli(server: TSimServer, dbPath: string, args: string[]): TChild {
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/campaigns-tick.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: `file:${dbPath}`, SCIM_BASE_URL: server.url, SCIM_TOKEN: TEST_TOKEN, SCIM_RATE_LIMIT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let errText = '';
  child.stdout?.on('data', (d: Buffer) => void (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => void (errText += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => errText, exited };
}

const lastJson = (run: TChild): TScheduleTickResult => JSON.parse(run.stdout().trim().split('\n').at(-1)!) as TScheduleTickResult;

describe('npm run campaigns:tick (scripts/campaigns-tick.ts)', () => {
  const dbPath = useTempDatabase();
  let server: TSimServer;

  beforeAll(async () => {
    server = await startSeededSim({ users: 60, groups: 8, seed: 9 });
  });
  afterEach(() => {
    server.sim.resetFaults();
    server.sim.setBeforeRespond(null);
  });
  afterAll(async () => {
    await server.close();
  });

  it('launches the due period, prints one JSON line and exits 0; nothing due is also 0', async () => {
    const template = createTemplate(ADMIN, templateInput(), { now: CREATED });
    const early = runCli(server, dbPath(), ['--now', '2031-12-01T00:00:00Z']);
    expect(await early.exited, early.stderr()).toBe(0);
    expect(lastJson(early).templates[0]).toMatchObject({ outcome: 'not_due', nextRunAt: Q1 });

    const run = runCli(server, dbPath(), ['--now', NOW]);
    expect(await run.exited, run.stderr()).toBe(0);
    const lines = run.stdout().trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = lastJson(run);
    expect(Object.keys(result)).toEqual(['now', 'ok', 'templates', 'abandoned', 'tasks']);
    expect(result).toMatchObject({ now: '2032-01-01T09:00:30.000Z', ok: true, abandoned: [] });
    expect(result.templates[0]).toMatchObject({ templateId: template.id, outcome: 'launched', periodAt: Q1 });
    expect(result.tasks).toEqual([{ name: 'notifications', ok: true, error: null }]);
    expect(allCampaigns()).toEqual([expect.objectContaining({ id: result.templates[0]!.campaignId, status: 'active', templateId: template.id })]);
    expect(listSnapshots({ page: 1, pageSize: 5 }).rows[0]).toMatchObject({ trigger: 'schedule', source: 'env', baseUrl: server.url });
  }, 60_000);

  it('exits 1 when a run fails, 2 on bad arguments', async () => {
    createTemplate(ADMIN, templateInput({ scope: { kind: 'groups', groupIds: ['grp-gone'] } }), { now: CREATED });
    const failing = runCli(server, dbPath(), [`--now=${NOW}`]);
    expect(await failing.exited).toBe(1);
    expect(lastJson(failing)).toMatchObject({ ok: false, templates: [expect.objectContaining({ outcome: 'failed' })] });
    expect(failing.stderr()).toContain('failed — 1 chosen group(s) are not in snapshot');

    const badArgs = [['--now'], ['--now', '2032-01-01'], ['--now', 'yesterday'], ['--force']];
    const bad = badArgs.map((args) => runCli(server, dbPath(), args));
    expect(await Promise.all(bad.map((b) => b.exited))).toEqual(badArgs.map(() => 2));
    for (const b of bad) expect(b.stderr()).toContain('usage: npm run campaigns:tick');
  }, 60_000);

  it('two processes ticking at once launch the period once', async () => {
    createTemplate(ADMIN, templateInput(), { now: CREATED });
    server.sim.setFaults({ latencyMs: 5 });
    const [a, b] = [runCli(server, dbPath(), ['--now', NOW]), runCli(server, dbPath(), ['--now', NOW])];
    expect([await a.exited, await b.exited], a.stderr() + b.stderr()).toEqual([0, 0]);
    const outcomes = [lastJson(a), lastJson(b)].map((r) => r.templates[0]!.outcome).sort();
    expect(outcomes.filter((o) => o === 'launched')).toHaveLength(1);
    expect(['already_launched', 'in_progress']).toContain(outcomes.find((o) => o !== 'launched'));
    expect(allCampaigns()).toHaveLength(1);
    expect(allRuns()).toHaveLength(1);
  }, 60_000);

  it('killed mid-snapshot (SIGKILL), the next tick resumes and launches exactly one campaign', async () => {
    createTemplate(ADMIN, templateInput(), { now: CREATED });
    // Hold the simulator's answers: the CLI is mid-crawl, deterministically, when it is killed.
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    server.sim.setBeforeRespond(() => gate);
    const run = runCli(server, dbPath(), ['--now', NOW]);
    const started = Date.now();
    while (!allRuns()[0]?.snapshotId) {
      if (Date.now() - started > 30_000) throw new Error(`the CLI never started its snapshot: ${run.stderr()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    run.child.kill('SIGKILL');
    await run.exited;
    release();
    server.sim.setBeforeRespond(null);
    const left = allRuns()[0]!;
    expect(left).toMatchObject({ status: 'claimed', ownerPid: run.child.pid });
    expect(allCampaigns()).toEqual([]);

    const result = await runScheduleTick(new Date(NOW), { startSnapshot: simSnapshots(server), heartbeatIntervalMs: 50 });
    expect(result.templates[0]).toMatchObject({ outcome: 'launched', periodAt: Q1, resumed: true });
    expect(allCampaigns()).toHaveLength(1);
    expect(allRuns()).toEqual([expect.objectContaining({ id: left.id, status: 'launched' })]);
    // The killed crawl was recovered as failed; the campaign reviews the new one.
    const snaps = listSnapshots({ page: 1, pageSize: 5 }).rows;
    expect(snaps.map((s) => s.status)).toEqual(['complete', 'failed']);
    expect(allCampaigns()[0]!.snapshotId).toBe(snaps[0]!.id);
  }, 60_000);
});
