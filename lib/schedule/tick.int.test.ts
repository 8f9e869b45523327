import { hostname } from 'node:os';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { campaignTemplateRuns, snapshots } from '@/db/schema';
import { listAuditPage, SYSTEM_ACTOR, verifyAuditLog } from '@/lib/audit';
import { createCampaignDraft } from '@/lib/review';
import { listSnapshots, takeSnapshot } from '@/lib/snapshot';
import { snapshotOptions, startSeededSim, type TSimServer } from '@/lib/snapshot/testing';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { campaignInputFor } from './schemas';
import { createTemplate, setTemplateEnabled, updateTemplate } from './templates';
import { allCampaigns, allRuns, ADMIN, deadPid, FALLBACK, leaveRun, REVIEWER, simSnapshots, templateInput } from './testing';
import { runScheduleTick, type TScheduleTickDeps } from './tick';

/**
 * The scheduler against the real database and the simulator over HTTP, on a fake clock: the
 * `now` given to each tick decides which period is due. The clock is set years ahead so the due
 * dates it produces are in the future for lib/review's own checks, which use the real time.
 */

const DAY = 86_400_000;
const at = (iso: string): Date => new Date(iso);
/** When the templates are created: mid-November, before the 2032 Q1 period. */
const CREATED = at('2031-11-15T00:00:00Z');
const Q1 = '2032-01-01T09:00:00.000Z';
const Q2 = '2032-04-01T09:00:00.000Z';
const justAfter = (iso: string, seconds = 30): Date => new Date(Date.parse(iso) + seconds * 1000);

const auditActions = (action: string) => listAuditPage({ action }, 1, 100).rows;
const snapshotCount = () => listSnapshots({ page: 1, pageSize: 100 }).total;

describe('runScheduleTick', () => {
  useTempDatabase();
  let server: TSimServer;
  let deps: TScheduleTickDeps;

  beforeAll(async () => {
    server = await startSeededSim({ users: 60, groups: 8, seed: 5 });
    deps = { startSnapshot: simSnapshots(server), heartbeatIntervalMs: 50 };
  });
  afterEach(() => {
    server.sim.resetFaults();
    server.sim.setBeforeRespond(null);
    server.sim.clearRequestLog();
  });
  afterAll(async () => {
    await server.close();
  });

  const create = (overrides = {}, now = CREATED) => createTemplate(ADMIN, templateInput(overrides), { now });

  it('launches nothing before the period, one campaign at it, and nothing more for the same period', async () => {
    const template = create({ reviewDays: 21 });

    const early = await runScheduleTick(at('2031-12-31T23:59:59Z'), deps);
    expect(early.templates).toEqual([expect.objectContaining({ templateId: template.id, outcome: 'not_due', periodAt: null, nextRunAt: Q1 })]);
    expect(allRuns()).toEqual([]);
    expect(server.sim.requestLog()).toEqual([]);

    const now = justAfter(Q1);
    const first = await runScheduleTick(now, deps);
    expect(first.ok).toBe(true);
    const result = first.templates[0]!;
    expect(result).toMatchObject({ outcome: 'launched', periodAt: Q1, resumed: false, error: null, nextRunAt: Q2 });

    const [campaign] = allCampaigns();
    expect(allCampaigns()).toHaveLength(1);
    expect(campaign).toMatchObject({
      id: result.campaignId,
      name: 'Quarterly access review — 2032 Q1',
      status: 'active',
      templateId: template.id,
      snapshotId: result.snapshotId,
      reviewerRule: 'fixed',
      fixedReviewerEmail: REVIEWER,
      fallbackReviewerEmail: FALLBACK,
      reviewAccounts: true,
      reviewMemberships: true,
      dueAt: new Date(now.getTime() + 21 * DAY).toISOString(),
      createdByEmail: 'system',
      launchedByEmail: 'system',
    });
    expect(campaign!.itemCount).toBeGreaterThan(60);
    // A fresh snapshot of the directory, taken over HTTP for this period.
    const snapshot = listSnapshots({ page: 1, pageSize: 10 }).rows[0]!;
    expect(snapshot).toMatchObject({ id: result.snapshotId, status: 'complete', trigger: 'schedule', startedByEmail: 'system' });
    expect(server.sim.requestLog().length).toBeGreaterThan(0);
    expect(allRuns()).toEqual([
      expect.objectContaining({ templateId: template.id, periodAt: Q1, status: 'launched', snapshotId: snapshot.id, campaignId: campaign!.id, error: null }),
    ]);
    expect(auditActions('schedule.run_claimed')).toHaveLength(1);
    expect(auditActions('schedule.run_launched')[0]!.details).toContain(`"campaignId":${campaign!.id}`);
    expect(verifyAuditLog().ok).toBe(true);

    // The same tick again, and a later one in the same quarter: nothing new, no snapshot.
    server.sim.clearRequestLog();
    for (const later of [now, at('2032-02-15T00:00:00Z')]) {
      const again = await runScheduleTick(later, deps);
      expect(again.templates[0]).toMatchObject({ outcome: 'already_launched', periodAt: Q1, campaignId: campaign!.id });
    }
    expect(allCampaigns()).toHaveLength(1);
    expect(snapshotCount()).toBe(1);
    expect(server.sim.requestLog()).toEqual([]);

    // The next quarter launches the next campaign.
    const second = await runScheduleTick(justAfter(Q2), deps);
    expect(second.templates[0]).toMatchObject({ outcome: 'launched', periodAt: Q2 });
    expect(allCampaigns().map((c) => c.name)).toEqual(['Quarterly access review — 2032 Q1', 'Quarterly access review — 2032 Q2']);
  });

  it('gives later stages their durations after the previous stage', async () => {
    create({
      reviewDays: 10,
      laterStages: [{ reviewerRule: 'fixed', fixedReviewerEmail: 'security@attest.test', durationDays: 5, advance: 'revoked', showPreviousDecisions: false }],
    });
    const now = justAfter(Q1, 90);
    await runScheduleTick(now, deps);
    const [campaign] = allCampaigns();
    expect(campaign!.dueAt).toBe(new Date(now.getTime() + 10 * DAY).toISOString());
    expect(JSON.parse(campaign!.laterStagesJson)).toEqual([
      {
        reviewerRule: 'fixed',
        fixedReviewerEmail: 'security@attest.test',
        dueAt: new Date(now.getTime() + 15 * DAY).toISOString(),
        advance: 'revoked',
        showPreviousDecisions: false,
      },
    ]);
  });

  describe('restart in between', () => {
    const now = justAfter(Q1, 600);
    const deadOwner = () => ({ pid: deadPid(), host: hostname() });

    async function expectOneLaunchedCampaign(templateId: number): Promise<void> {
      const result = await runScheduleTick(now, deps);
      expect(result.templates[0]).toMatchObject({ outcome: 'launched', periodAt: Q1, resumed: true });
      expect(allCampaigns().filter((c) => c.templateId === templateId)).toEqual([expect.objectContaining({ status: 'active' })]);
      expect(allRuns()).toEqual([expect.objectContaining({ status: 'launched', periodAt: Q1 })]);
      expect(auditActions('schedule.run_resumed')).toHaveLength(1);
      expect(auditActions('schedule.run_resumed')[0]!.details).toContain('stopped before it finished');
      // Once launched, further ticks change nothing.
      expect((await runScheduleTick(now, deps)).templates[0]!.outcome).toBe('already_launched');
      expect(allCampaigns()).toHaveLength(1);
      expect(verifyAuditLog().ok).toBe(true);
    }

    it('after the claim: takes the snapshot, creates and launches the campaign', async () => {
      const template = create();
      leaveRun(template.id, Q1, 'claimed', deadOwner());
      await expectOneLaunchedCampaign(template.id);
      expect(snapshotCount()).toBe(1);
    });

    it('after the claim, during the snapshot: the half-done snapshot is failed and a new one taken', async () => {
      const template = create();
      const owner = deadOwner();
      const startedAt = new Date().toISOString();
      const orphan = getDb()
        .insert(snapshots)
        .values({ status: 'running', startedAt, heartbeatAt: startedAt, ownerPid: owner.pid, ownerHost: owner.host, startedByEmail: 'system', trigger: 'schedule', source: 'env', baseUrl: server.url })
        .returning()
        .get();
      leaveRun(template.id, Q1, 'claimed', owner, { snapshotId: orphan.id });
      await expectOneLaunchedCampaign(template.id);
      expect(listSnapshots({ page: 1, pageSize: 10 }).rows.map((s) => [s.id, s.status])).toEqual([
        [orphan.id + 1, 'complete'],
        [orphan.id, 'failed'],
      ]);
      expect(allCampaigns()[0]!.snapshotId).toBe(orphan.id + 1);
    });

    it('after the snapshot completed but before it was recorded: uses it, no second crawl', async () => {
      const template = create();
      const snapshot = await takeSnapshot(snapshotOptions(server, { actor: SYSTEM_ACTOR, trigger: 'schedule' }));
      leaveRun(template.id, Q1, 'claimed', deadOwner(), { snapshotId: snapshot.id });
      server.sim.clearRequestLog();
      await expectOneLaunchedCampaign(template.id);
      expect(snapshotCount()).toBe(1);
      expect(server.sim.requestLog()).toEqual([]);
      expect(allCampaigns()[0]!.snapshotId).toBe(snapshot.id);
    });

    it('after the snapshot step: creates and launches the campaign on that snapshot', async () => {
      const template = create();
      const snapshot = await takeSnapshot(snapshotOptions(server, { actor: SYSTEM_ACTOR, trigger: 'schedule' }));
      leaveRun(template.id, Q1, 'snapshot_taken', deadOwner(), { snapshotId: snapshot.id });
      await expectOneLaunchedCampaign(template.id);
      expect(snapshotCount()).toBe(1);
      expect(allCampaigns()[0]).toMatchObject({ snapshotId: snapshot.id, name: 'Quarterly access review — 2032 Q1' });
    });

    it('after the draft: launches that draft, never a second campaign', async () => {
      const template = create();
      const snapshot = await takeSnapshot(snapshotOptions(server, { actor: SYSTEM_ACTOR, trigger: 'schedule' }));
      const draft = createCampaignDraft(SYSTEM_ACTOR, campaignInputFor(template, Q1, snapshot.id, now), { templateId: template.id });
      leaveRun(template.id, Q1, 'draft_created', deadOwner(), { snapshotId: snapshot.id, campaignId: draft.id });
      await expectOneLaunchedCampaign(template.id);
      expect(allCampaigns()[0]!.id).toBe(draft.id);
    });

    it('a draft an admin launched by hand meanwhile counts as launched', async () => {
      const template = create();
      const snapshot = await takeSnapshot(snapshotOptions(server, { actor: SYSTEM_ACTOR, trigger: 'schedule' }));
      const draft = createCampaignDraft(SYSTEM_ACTOR, campaignInputFor(template, Q1, snapshot.id, now), { templateId: template.id });
      leaveRun(template.id, Q1, 'draft_created', deadOwner(), { snapshotId: snapshot.id, campaignId: draft.id });
      const { launchCampaign } = await import('@/lib/review');
      launchCampaign(ADMIN, draft.id);
      const result = await runScheduleTick(now, deps);
      expect(result.templates[0]).toMatchObject({ outcome: 'launched', campaignId: draft.id });
      expect(auditActions('schedule.run_launched')[0]!.details).toContain(`"launchedBy":"${ADMIN.email}"`);
      expect(allCampaigns()).toHaveLength(1);
    });

    it('leaves a run alone while its owner on another host still beats, takes it over once the heartbeat is stale', async () => {
      const template = create();
      const elsewhere = { pid: 4242, host: 'attest-replica-2' };
      const run = leaveRun(template.id, Q1, 'claimed', elsewhere);
      const busy = await runScheduleTick(now, deps);
      expect(busy.templates[0]).toMatchObject({ outcome: 'in_progress', runId: run.id });
      expect(allCampaigns()).toEqual([]);

      const stale = new Date(Date.now() - 3 * 60_000).toISOString();
      getDb().update(campaignTemplateRuns).set({ heartbeatAt: stale }).where(eq(campaignTemplateRuns.id, run.id)).run();
      const taken = await runScheduleTick(now, deps);
      expect(taken.templates[0]).toMatchObject({ outcome: 'launched', resumed: true });
      expect(auditActions('schedule.run_resumed')[0]!.details).toContain('no heartbeat from pid 4242 on attest-replica-2');
      expect(allCampaigns()).toHaveLength(1);
    });

    it('a run taken over while its snapshot crawls stops without creating anything', async () => {
      create();
      // Hold every simulator answer until the takeover is done, so the crawl cannot finish first.
      let release = (): void => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      server.sim.setBeforeRespond(() => gate);
      const ticking = runScheduleTick(now, { ...deps, heartbeatIntervalMs: 20 });
      const waitFor = async (condition: () => boolean, what: string): Promise<void> => {
        for (let i = 0; !condition(); i++) {
          if (i > 1_000) throw new Error(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      await waitFor(() => Boolean(allRuns()[0]?.snapshotId), 'the snapshot to start');
      const run = allRuns()[0]!;
      // "Another process" takes the run over (as after a stale heartbeat).
      getDb()
        .update(campaignTemplateRuns)
        .set({ ownerPid: 4242, ownerHost: 'attest-replica-2', heartbeatAt: new Date().toISOString() })
        .where(eq(campaignTemplateRuns.id, run.id))
        .run();
      // The next heartbeat notices and cancels the crawl.
      await waitFor(() => listSnapshots({ page: 1, pageSize: 1 }).rows[0]?.status !== 'running', 'the snapshot to stop');
      release();
      const result = await ticking;
      expect(result.templates[0]).toMatchObject({ outcome: 'lost', runId: run.id });
      expect(allCampaigns()).toEqual([]);
      expect(allRuns()[0]).toMatchObject({ status: 'claimed', ownerHost: 'attest-replica-2' });
      expect(listSnapshots({ page: 1, pageSize: 10 }).rows[0]).toMatchObject({ id: run.snapshotId, status: 'cancelled' });
    });
  });

  it('two ticks racing launch one campaign', async () => {
    create();
    const now = justAfter(Q1);
    const results = await Promise.all([runScheduleTick(now, deps), runScheduleTick(now, deps)]);
    expect(results.map((r) => r.templates[0]!.outcome).sort()).toEqual(['in_progress', 'launched']);
    expect(allCampaigns()).toHaveLength(1);
    expect(allRuns()).toHaveLength(1);
    expect(snapshotCount()).toBe(1);
  });

  it('templates due at the same instant share one fresh snapshot', async () => {
    create({ name: 'Accounts' });
    create({ name: 'Memberships', reviewAccounts: false });
    const result = await runScheduleTick(justAfter(Q1), deps);
    expect(result.templates.map((t) => t.outcome)).toEqual(['launched', 'launched']);
    expect(snapshotCount()).toBe(1);
    expect(new Set(allCampaigns().map((c) => c.snapshotId)).size).toBe(1);
  });

  it('launches only the latest missed period and lists the skipped ones', async () => {
    create({}, at('2031-01-15T00:00:00Z'));
    const result = await runScheduleTick(at('2032-04-02T00:00:00Z'), deps);
    expect(result.templates[0]).toMatchObject({ outcome: 'launched', periodAt: Q2 });
    expect(allRuns().map((r) => r.periodAt)).toEqual([Q2]);
    expect(allCampaigns().map((c) => c.name)).toEqual(['Quarterly access review — 2032 Q2']);
    const claimed = JSON.parse(auditActions('schedule.run_claimed')[0]!.details) as { missedPeriods: string[] };
    expect(claimed.missedPeriods).toEqual(['2031-04-01T09:00:00.000Z', '2031-07-01T09:00:00.000Z', '2031-10-01T09:00:00.000Z', Q1]);
  });

  it('a disabled template launches nothing; re-enabled, it skips the periods it was off', async () => {
    const template = create({ enabled: false });
    expect((await runScheduleTick(justAfter(Q1), deps)).templates).toEqual([]);
    expect(allRuns()).toEqual([]);

    setTemplateEnabled(ADMIN, template.id, true, { now: at('2032-02-01T00:00:00Z') });
    expect((await runScheduleTick(at('2032-02-01T00:01:00Z'), deps)).templates[0]).toMatchObject({ outcome: 'not_due', nextRunAt: Q2 });
    expect((await runScheduleTick(justAfter(Q2), deps)).templates[0]).toMatchObject({ outcome: 'launched', periodAt: Q2 });
  });

  it('a failed snapshot fails the run with its reason, audited, and the next period still runs', async () => {
    const template = create();
    const broken = { ...deps, startSnapshot: simSnapshots(server, { token: 'not-the-token' }) };
    const result = await runScheduleTick(justAfter(Q1), broken);
    expect(result.ok).toBe(false);
    expect(result.templates[0]).toMatchObject({ outcome: 'failed', periodAt: Q1, campaignId: null });
    expect(result.templates[0]!.error).toMatch(/^The snapshot #1 failed: SCIM GET \/(Users|Groups) failed with HTTP 401.* No campaign was created\.$/);
    expect(allCampaigns()).toEqual([]);
    expect(allRuns()[0]).toMatchObject({ status: 'failed', snapshotId: 1, error: result.templates[0]!.error });
    expect(auditActions('schedule.run_failed')[0]!.details).toContain('HTTP 401');

    // Failed is final for that period: a later tick does not retry it …
    expect((await runScheduleTick(justAfter(Q1, 3600), deps)).templates[0]!.outcome).toBe('already_failed');
    // … and the next period runs normally.
    expect((await runScheduleTick(justAfter(Q2), deps)).templates[0]).toMatchObject({ outcome: 'launched', periodAt: Q2 });
    expect(allCampaigns()).toEqual([expect.objectContaining({ templateId: template.id, status: 'active' })]);
  });

  it('a refused launch fails the run with lib/review’s reason and keeps the draft', async () => {
    const person = server.sim.store.allUsers().find((u) => u.active)!.userName.toLowerCase();
    // The fixed reviewer is in scope and is their own fallback: launch refuses (self-review).
    const template = create({ fixedReviewerEmail: person, fallbackReviewerEmail: person });
    const result = await runScheduleTick(justAfter(Q1), deps);
    expect(result.templates[0]).toMatchObject({ outcome: 'failed', periodAt: Q1 });
    const error = result.templates[0]!.error!;
    expect(error).toContain(`would be reviewed by ${person}, the person whose access`);
    expect(error).toMatch(/The draft campaign #\d+ is kept/);
    const [draft] = allCampaigns();
    expect(draft).toMatchObject({ status: 'draft', templateId: template.id });
    expect(allRuns()[0]).toMatchObject({ status: 'failed', campaignId: draft!.id, error });
    expect(auditActions('schedule.run_failed')).toHaveLength(1);

    updateTemplate(ADMIN, template.id, templateInput({ fixedReviewerEmail: REVIEWER, fallbackReviewerEmail: FALLBACK }), { now: at('2032-01-02T00:00:00Z') });
    expect((await runScheduleTick(justAfter(Q2), deps)).templates[0]).toMatchObject({ outcome: 'launched', periodAt: Q2 });
  });

  it('a scope the fresh snapshot cannot satisfy fails the run before any campaign exists', async () => {
    create({ scope: { kind: 'groups', groupIds: ['grp-does-not-exist'] } });
    const result = await runScheduleTick(justAfter(Q1), deps);
    expect(result.templates[0]).toMatchObject({ outcome: 'failed', campaignId: null });
    expect(result.templates[0]!.error).toContain('chosen group(s) are not in snapshot');
    expect(allCampaigns()).toEqual([]);
  });

  it('waits while another snapshot runs, then continues the same run', async () => {
    create();
    const startedAt = new Date().toISOString();
    // A live snapshot of another replica: one runs at a time.
    const other = getDb()
      .insert(snapshots)
      .values({ status: 'running', startedAt, heartbeatAt: startedAt, ownerPid: 4242, ownerHost: 'attest-replica-2', startedByEmail: 'admin@attest.test', trigger: 'ui', source: 'env', baseUrl: server.url })
      .returning()
      .get();
    const waiting = await runScheduleTick(justAfter(Q1), deps);
    expect(waiting.ok).toBe(true);
    expect(waiting.templates[0]).toMatchObject({ outcome: 'waiting', periodAt: Q1 });
    expect(waiting.templates[0]!.error).toContain('A snapshot is already running');
    expect(allRuns()[0]).toMatchObject({ status: 'claimed', ownerPid: null, ownerHost: null });

    getDb().update(snapshots).set({ status: 'failed', finishedAt: new Date().toISOString() }).where(eq(snapshots.id, other.id)).run();
    const done = await runScheduleTick(justAfter(Q1, 90), deps);
    expect(done.templates[0]).toMatchObject({ outcome: 'launched', resumed: false });
    expect(allCampaigns()).toHaveLength(1);
    expect(auditActions('schedule.run_resumed')).toEqual([]);
  });

  it('abandons an interrupted run of an older period instead of back-filling it', async () => {
    const template = create();
    leaveRun(template.id, Q1, 'claimed', { pid: deadPid(), host: hostname() });
    const result = await runScheduleTick(justAfter(Q2), deps);
    expect(result.ok).toBe(false);
    expect(result.abandoned).toEqual([expect.objectContaining({ templateId: template.id, periodAt: Q1 })]);
    expect(result.abandoned[0]!.reason).toMatch(/^Not resumed: Interrupted: .* Since then the period of 2032-04-01T09:00:00.000Z is due now, and missed periods are not back-filled\.$/);
    expect(result.templates[0]).toMatchObject({ outcome: 'launched', periodAt: Q2 });
    expect(allRuns().map((r) => [r.periodAt, r.status])).toEqual([
      [Q1, 'failed'],
      [Q2, 'launched'],
    ]);
    expect(allCampaigns()).toHaveLength(1);
  });

  it('a run left by a dead process of a template disabled since stops, keeping its draft', async () => {
    const template = create();
    const snapshot = await takeSnapshot(snapshotOptions(server, { actor: SYSTEM_ACTOR, trigger: 'schedule' }));
    const draft = createCampaignDraft(SYSTEM_ACTOR, campaignInputFor(template, Q1, snapshot.id, justAfter(Q1)), { templateId: template.id });
    leaveRun(template.id, Q1, 'draft_created', { pid: deadPid(), host: hostname() }, { snapshotId: snapshot.id, campaignId: draft.id });
    setTemplateEnabled(ADMIN, template.id, false, { now: justAfter(Q1, 60) });
    const result = await runScheduleTick(justAfter(Q1, 120), deps);
    expect(result.abandoned[0]!.reason).toContain(`the template is disabled, and missed periods are not back-filled. The draft campaign #${draft.id} is kept`);
    expect(allCampaigns()).toEqual([expect.objectContaining({ id: draft.id, status: 'draft' })]);
  });

  it('runs the periodic tasks after the schedule work; one failing does not stop the others', async () => {
    create();
    const seen: string[] = [];
    const now = justAfter(Q1);
    const result = await runScheduleTick(now, {
      ...deps,
      tasks: [
        { name: 'first', run: (t) => void seen.push(`first ${t.toISOString()} campaigns=${allCampaigns().length}`) },
        {
          name: 'broken',
          run: () => {
            throw new Error('smtp exploded');
          },
        },
        { name: 'last', run: async () => void seen.push('last') },
      ],
    });
    expect(seen).toEqual([`first ${now.toISOString()} campaigns=1`, 'last']);
    expect(result.tasks).toEqual([
      { name: 'first', ok: true, error: null },
      { name: 'broken', ok: false, error: 'Internal error: smtp exploded' },
      { name: 'last', ok: true, error: null },
    ]);
    expect(result.ok).toBe(false);
    expect(result.templates[0]!.outcome).toBe('launched');
  });
});
