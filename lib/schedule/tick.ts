import 'server-only';
import { hostname } from 'node:os';
import type { TCampaignTemplateRun } from '@/db/schema';
import { appendAudit, SYSTEM_ACTOR, type TActor } from '@/lib/audit';
import { connectionClient } from '@/lib/connection';
import { AppError, asBusyError } from '@/lib/errors';
import { describeOwnerLoss } from '@/lib/jobs/run-owner';
import { log, redactSecret } from '@/lib/log';
import { createCampaignDraft, getCampaign, launchCampaign } from '@/lib/review';
import { getSnapshot, startSnapshot, type TStartedSnapshot } from '@/lib/snapshot';
import { latestPeriodAt, periodsBetween } from './cron';
import {
  failUnownedRun,
  getRunForPeriod,
  getRunRow,
  getTemplateRow,
  insertClaimedRun,
  listEnabledTemplateRows,
  listRunsOfTemplate,
  listUnfinishedRuns,
  releaseRun,
  takeOverRun,
  touchRunHeartbeat,
  updateOwnedRun,
  writeTransaction,
  type TRunOwnerId,
  type TTx,
} from './queries';
import { activeScheduleRuns } from './runs';
import { campaignInputFor } from './schemas';
import { nextRunOf, toTemplateView } from './templates';
import type { TTemplateView } from './types';

/**
 * The scheduler's one step, run every minute in the web server (instrumentation-node.ts) or by
 * `npm run campaigns:tick` from system cron (docs: the decision record on recurring campaigns).
 *
 * For each enabled template, the due period is the latest scheduled instant P with
 * activeFrom < P ≤ now. Older missed periods are not back-filled: every period would review the
 * same fresh snapshot (the directory as it is today, not as it was then), so a backlog would open
 * several identical campaigns under misleading quarter names at once; the skipped periods are
 * listed in the claim's audit entry instead.
 *
 * A period is claimed by INSERTing its run row: UNIQUE(template_id, period_at) is the lock, so
 * two processes (the web server and a cron tick, two replicas) can never both launch it. The run
 * then moves claimed → snapshot_taken → draft_created → launched, each step committed together
 * with what it produced (the draft insert and the launch are in the same transaction as the
 * status change), and every status change is a compare-and-swap on the owner. A run whose owner
 * died (pid gone on this host, or no heartbeat for 2 minutes) is taken over and continued from
 * its status, so a crash at any point ends in exactly one campaign for the period.
 */

/** Starts a snapshot for a run (injectable: tests point it at a simulator over HTTP). */
export type TSnapshotStarter = (options: { actor: TActor; signal: AbortSignal }) => TStartedSnapshot;

/** Other periodic work that rides on the same tick (e.g. notification reminders). */
export type TPeriodicTask = { name: string; run: (now: Date) => unknown };

export type TScheduleTickDeps = {
  /** Wall clock for heartbeats, owner liveness and run timestamps (default: the system clock). */
  clock?: () => Date;
  /** Default: a snapshot of the configured connection (lib/connection), trigger `schedule`. */
  startSnapshot?: TSnapshotStarter;
  /** Run after the schedule work, in order; a failing task does not stop the others. */
  tasks?: readonly TPeriodicTask[];
  /** Heartbeat period while a run is being worked on (default 5 s; a run is dead after 2 min without one). */
  heartbeatIntervalMs?: number;
};

/**
 * What happened to a template in this tick. `not_due`: no period since `activeFrom`;
 * `launched` / `failed`: this tick finished its period; `already_launched` / `already_failed`:
 * an earlier tick did; `in_progress`: another process or tick owns the run; `waiting`: it could
 * not continue now (a snapshot is already running, the database is busy) and the next tick
 * continues it; `lost`: another process took the run over mid-way; `error`: the tick itself
 * failed for this template (logged).
 */
export type TTemplateOutcome = 'not_due' | 'launched' | 'failed' | 'already_launched' | 'already_failed' | 'in_progress' | 'waiting' | 'lost' | 'error';

export type TTemplateTickResult = {
  templateId: number;
  name: string;
  /** The due period (ISO), or null when none is due. */
  periodAt: string | null;
  outcome: TTemplateOutcome;
  runId: number | null;
  snapshotId: number | null;
  campaignId: number | null;
  error: string | null;
  /** This tick took the run over from a dead owner. */
  resumed: boolean;
  nextRunAt: string | null;
};

/** An unfinished run of a period that is no longer due (its owner died), ended as failed. */
export type TAbandonedRun = { runId: number; templateId: number; periodAt: string; reason: string };

export type TTaskResult = { name: string; ok: boolean; error: string | null };

export type TScheduleTickResult = {
  now: string;
  /** False when a run failed or was abandoned in this tick, a template errored, or a task failed. */
  ok: boolean;
  templates: TTemplateTickResult[];
  abandoned: TAbandonedRun[];
  tasks: TTaskResult[];
};

const scheduleLog = log.child({ module: 'schedule' });
const HEARTBEAT_INTERVAL_MS = 5_000;
/** At most this many skipped periods are named in a claim's audit entry. */
const MISSED_PERIODS_LISTED = 12;

type TTickContext = {
  now: Date;
  clock: () => Date;
  owner: TRunOwnerId;
  startSnapshot: TSnapshotStarter;
  heartbeatIntervalMs: number;
  /**
   * A snapshot this tick took: the other templates this tick launches share it instead of
   * crawling again (it began after this tick started, so after every period the tick handles).
   */
  sharedSnapshotId: number | null;
};

/** The run changed hands (taken over after a stale heartbeat) or vanished with its template: stop, write nothing. */
class RunLostError extends Error {
  override name = 'RunLostError';
}

/** The run cannot continue right now; released for the next tick. */
class RunWaitError extends Error {
  override name = 'RunWaitError';
}

/** The run ends as failed with this message (safe to show: no internal details). */
class RunFailure extends Error {
  override name = 'RunFailure';
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown; cause?: { code?: unknown } } | null)?.code ?? (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function describeInternal(err: unknown): string {
  if (err instanceof AppError || err instanceof RunFailure) return err.message;
  return `Internal error: ${redactSecret(err instanceof Error ? err.message : String(err))}`;
}

/** The default snapshot: the configured connection, as `npm run snapshot` and the Snapshots page take it. */
const startConfiguredSnapshot: TSnapshotStarter = ({ actor, signal }) => {
  const { client, source, baseUrl } = connectionClient();
  return startSnapshot({ actor, trigger: 'schedule', client, source, baseUrl, signal });
};

/**
 * One scheduler step at `now` (see the module comment): ends orphaned runs of periods no longer
 * due, claims or resumes each enabled template's due period and carries it to a launched
 * campaign (or a failed run with its reason), then runs the periodic `tasks`. Never throws for a
 * template's problem: each template's outcome is in the result.
 */
export async function runScheduleTick(now: Date, deps: TScheduleTickDeps = {}): Promise<TScheduleTickResult> {
  const ctx: TTickContext = {
    now,
    clock: deps.clock ?? (() => new Date()),
    owner: { pid: process.pid, host: hostname() },
    startSnapshot: deps.startSnapshot ?? startConfiguredSnapshot,
    heartbeatIntervalMs: deps.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS,
    sharedSnapshotId: null,
  };
  const abandoned = abandonStaleRuns(ctx);
  const templates: TTemplateTickResult[] = [];
  for (const row of listEnabledTemplateRows()) {
    try {
      templates.push(await tickTemplate(ctx, toTemplateView(row)));
    } catch (err) {
      scheduleLog.error({ templateId: row.id, err: describeInternal(err) }, 'schedule tick failed for a template');
      templates.push({ ...emptyResult(row.id, row.name, null), outcome: 'error', error: describeInternal(err) });
    }
  }
  const tasks: TTaskResult[] = [];
  for (const task of deps.tasks ?? []) {
    try {
      await task.run(now);
      tasks.push({ name: task.name, ok: true, error: null });
    } catch (err) {
      scheduleLog.error({ task: task.name, err: describeInternal(err) }, 'periodic task failed');
      tasks.push({ name: task.name, ok: false, error: describeInternal(err) });
    }
  }
  const ok = abandoned.length === 0 && templates.every((t) => t.outcome !== 'failed' && t.outcome !== 'error') && tasks.every((t) => t.ok);
  return { now: now.toISOString(), ok, templates, abandoned, tasks };
}

function emptyResult(templateId: number, name: string, nextRunAt: string | null): TTemplateTickResult {
  return { templateId, name, periodAt: null, outcome: 'not_due', runId: null, snapshotId: null, campaignId: null, error: null, resumed: false, nextRunAt };
}

function runResult(base: TTemplateTickResult, run: TCampaignTemplateRun, outcome: TTemplateOutcome, extra: Partial<TTemplateTickResult> = {}): TTemplateTickResult {
  return { ...base, periodAt: run.periodAt, outcome, runId: run.id, snapshotId: run.snapshotId, campaignId: run.campaignId, error: run.error, ...extra };
}

/** The template's due period (ISO), or null. */
function duePeriod(template: Pick<TTemplateView, 'cron' | 'timezone' | 'activeFrom'>, now: Date): Date | null {
  return latestPeriodAt(template.cron, template.timezone, new Date(template.activeFrom), now);
}

const auditRun = (run: Pick<TCampaignTemplateRun, 'id'>) => ({ type: 'campaign_template_run', id: String(run.id) });

/**
 * Unfinished runs whose owner is gone and whose period is no longer the template's due one (a
 * later period came, the schedule changed, or the template was disabled) end as failed: they
 * are missed periods now, and missed periods are not back-filled. A draft they created is kept.
 */
function abandonStaleRuns(ctx: TTickContext): TAbandonedRun[] {
  const out: TAbandonedRun[] = [];
  for (const run of listUnfinishedRuns()) {
    if (activeScheduleRuns().has(run.id)) continue;
    const row = getTemplateRow(run.templateId);
    if (!row) continue;
    const due = row.enabled ? duePeriod(row, ctx.now) : null;
    if (due && due.toISOString() === run.periodAt) continue; // tickTemplate resumes it
    const loss = run.ownerPid === null ? 'It was waiting to continue.' : describeOwnerLoss(run, false, ctx.clock());
    if (loss === null) continue; // a live owner finishes it (and stops if the template was disabled)
    const why = !row.enabled ? 'the template is disabled' : due ? `the period of ${due.toISOString()} is due now` : "the template's schedule changed";
    const draft = run.campaignId !== null ? ` The draft campaign #${run.campaignId} is kept: launch or delete it from Campaigns.` : '';
    const reason = `Not resumed: ${loss} Since then ${why}, and missed periods are not back-filled.${draft}`;
    const at = ctx.clock().toISOString();
    const ended = writeTransaction((tx) => {
      if (!failUnownedRun(tx, run, reason, at)) return false;
      appendAudit(
        {
          actor: SYSTEM_ACTOR,
          action: 'schedule.run_failed',
          target: auditRun(run),
          details: { templateId: row.id, templateName: row.name, periodAt: run.periodAt, step: run.status, snapshotId: run.snapshotId, campaignId: run.campaignId, error: reason },
        },
        tx,
      );
      return true;
    });
    if (!ended) continue;
    scheduleLog.warn({ runId: run.id, templateId: row.id, periodAt: run.periodAt, reason }, 'abandoned an interrupted template run');
    out.push({ runId: run.id, templateId: row.id, periodAt: run.periodAt, reason });
  }
  return out;
}

async function tickTemplate(ctx: TTickContext, template: TTemplateView): Promise<TTemplateTickResult> {
  const base = emptyResult(template.id, template.name, nextRunOf(template, ctx.now));
  const due = duePeriod(template, ctx.now);
  if (!due) return base;
  const periodAt = due.toISOString();
  const existing = getRunForPeriod(template.id, periodAt);
  if (!existing) {
    const claimed = claimPeriod(ctx, template, due);
    if (!claimed) return { ...base, periodAt, outcome: 'in_progress' };
    return workOn(ctx, template, claimed, base, false);
  }
  if (existing.status === 'launched') return runResult(base, existing, 'already_launched');
  if (existing.status === 'failed') return runResult(base, existing, 'already_failed');
  if (activeScheduleRuns().has(existing.id)) return runResult(base, existing, 'in_progress');
  // Unowned: released by a tick that had to wait. Owned: continue only if its owner is gone.
  const loss = existing.ownerPid === null ? null : describeOwnerLoss(existing, false, ctx.clock());
  if (existing.ownerPid !== null && loss === null) return runResult(base, existing, 'in_progress');
  const taken = takeOver(ctx, template, existing, loss);
  if (!taken) return runResult(base, existing, 'in_progress');
  return workOn(ctx, template, taken, base, loss !== null);
}

/** INSERT the period's run row; null when another process claimed it first (the UNIQUE index). */
function claimPeriod(ctx: TTickContext, template: TTemplateView, due: Date): TCampaignTemplateRun | null {
  const at = ctx.clock().toISOString();
  try {
    return writeTransaction((tx) => {
      const run = insertClaimedRun(tx, { templateId: template.id, periodAt: due.toISOString(), owner: ctx.owner, at });
      const previous = listRunsOfTemplate(template.id, 2, tx).find((r) => r.id !== run.id && r.periodAt < run.periodAt);
      const since = new Date(Math.max(Date.parse(template.activeFrom), previous ? Date.parse(previous.periodAt) : 0));
      const missed = periodsBetween(template.cron, template.timezone, since, due, MISSED_PERIODS_LISTED).map((d) => d.toISOString());
      appendAudit(
        {
          actor: SYSTEM_ACTOR,
          action: 'schedule.run_claimed',
          target: auditRun(run),
          details: { templateId: template.id, templateName: template.name, periodAt: run.periodAt, owner: ctx.owner, missedPeriods: missed },
        },
        tx,
      );
      return run;
    });
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}

/** Become the owner of an unfinished run (released, or whose owner is gone: `loss` says why, and is audited). */
function takeOver(ctx: TTickContext, template: TTemplateView, seen: TCampaignTemplateRun, loss: string | null): TCampaignTemplateRun | null {
  return writeTransaction((tx) => {
    if (!takeOverRun(tx, seen, ctx.owner, ctx.clock().toISOString())) return null;
    if (loss !== null) {
      appendAudit(
        {
          actor: SYSTEM_ACTOR,
          action: 'schedule.run_resumed',
          target: auditRun(seen),
          details: {
            templateId: template.id,
            templateName: template.name,
            periodAt: seen.periodAt,
            status: seen.status,
            reason: loss,
            previousOwner: { pid: seen.ownerPid, host: seen.ownerHost, heartbeatAt: seen.heartbeatAt },
            owner: ctx.owner,
          },
        },
        tx,
      );
    }
    return getRunRow(seen.id, tx);
  });
}

type TWorkState = { lost: boolean; abort: AbortController };

/** Carry an owned run to its end (or to a wait), beating its heartbeat meanwhile. */
async function workOn(ctx: TTickContext, template: TTemplateView, run: TCampaignTemplateRun, base: TTemplateTickResult, resumed: boolean): Promise<TTemplateTickResult> {
  const state: TWorkState = { lost: false, abort: new AbortController() };
  activeScheduleRuns().add(run.id);
  const beat = setInterval(() => {
    try {
      if (!touchRunHeartbeat(run.id, ctx.owner, ctx.clock().toISOString())) {
        state.lost = true;
        state.abort.abort('the run was taken over by another process');
      }
    } catch (err) {
      scheduleLog.warn({ runId: run.id, err: describeInternal(err) }, 'template run heartbeat failed');
    }
  }, ctx.heartbeatIntervalMs);
  beat.unref();

  let current = run;
  try {
    for (;;) {
      if (state.lost) throw new RunLostError('taken over');
      if (current.status === 'launched') return runResult(base, current, 'launched', { resumed });
      if (current.status === 'failed') return runResult(base, current, 'failed', { resumed });
      current = await step(ctx, current, state);
    }
  } catch (thrown) {
    const err = asBusyError(thrown);
    if (err instanceof RunLostError) {
      scheduleLog.warn({ runId: run.id }, 'template run taken over by another process; stopped');
      return runResult(base, current, 'lost', { resumed });
    }
    if (err instanceof RunWaitError || (err instanceof AppError && err.code === 'busy')) {
      writeTransaction((tx) => releaseRun(tx, current.id, ctx.owner));
      return runResult(base, current, 'waiting', { resumed, error: err.message });
    }
    if (!(err instanceof RunFailure) && !(err instanceof AppError)) {
      scheduleLog.error({ runId: run.id, err: describeInternal(err), stack: err instanceof Error ? err.stack : undefined }, 'template run failed unexpectedly');
    }
    const failed = failRun(ctx, template, current, describeInternal(err));
    if (!failed) return runResult(base, current, 'lost', { resumed });
    return runResult(base, failed, 'failed', { resumed });
  } finally {
    clearInterval(beat);
    activeScheduleRuns().delete(run.id);
    // A snapshot still crawling for a run we no longer own is cancelled (it ends with its own audit entry).
    if (state.lost) state.abort.abort('the run was taken over by another process');
  }
}

/** End an owned run as failed, audited `schedule.run_failed`; null when it is no longer ours. */
function failRun(ctx: TTickContext, template: TTemplateView, run: TCampaignTemplateRun, error: string): TCampaignTemplateRun | null {
  const at = ctx.clock().toISOString();
  return writeTransaction((tx) => {
    if (!updateOwnedRun(tx, run.id, ctx.owner, run.status, { status: 'failed', error, finishedAt: at, heartbeatAt: at })) return null;
    // Read back: a step may have recorded its snapshot id before it failed.
    const after = getRunRow(run.id, tx);
    if (!after) return null;
    appendAudit(
      {
        actor: SYSTEM_ACTOR,
        action: 'schedule.run_failed',
        target: auditRun(run),
        details: { templateId: template.id, templateName: template.name, periodAt: run.periodAt, step: run.status, snapshotId: after.snapshotId, campaignId: after.campaignId, error },
      },
      tx,
    );
    scheduleLog.warn({ runId: run.id, templateId: template.id, periodAt: run.periodAt, error }, 'template run failed');
    return after;
  });
}

/** The template as it is now: deleted → the run is gone with it; disabled → the run stops here. */
function currentTemplate(run: TCampaignTemplateRun): TTemplateView {
  const row = getTemplateRow(run.templateId);
  if (!row) throw new RunLostError('template deleted');
  if (!row.enabled) {
    const draft = run.campaignId !== null ? ` The draft campaign #${run.campaignId} is kept: launch or delete it from Campaigns.` : '';
    throw new RunFailure(`The template was disabled while this period was being prepared; nothing was launched.${draft}`);
  }
  return toTemplateView(row);
}

/** One status forward. */
async function step(ctx: TTickContext, run: TCampaignTemplateRun, state: TWorkState): Promise<TCampaignTemplateRun> {
  const template = currentTemplate(run);
  if (run.status === 'claimed') return takeRunSnapshot(ctx, run, state);
  if (run.status === 'snapshot_taken') return createRunDraft(ctx, template, run);
  if (run.status === 'draft_created') return launchRunCampaign(ctx, template, run);
  throw new Error(`unexpected run status ${run.status}`);
}

function moveRun(ctx: TTickContext, run: TCampaignTemplateRun, changes: Parameters<typeof updateOwnedRun>[4]): TCampaignTemplateRun {
  return writeTransaction((tx) => {
    if (!updateOwnedRun(tx, run.id, ctx.owner, run.status, { ...changes, heartbeatAt: ctx.clock().toISOString() })) throw new RunLostError('not ours');
    const after = getRunRow(run.id, tx);
    if (!after) throw new RunLostError('gone');
    return after;
  });
}

/**
 * claimed → snapshot_taken. The snapshot must be fresh: started after the run was claimed. A
 * snapshot the previous owner completed for this run qualifies (its id is recorded as soon as it
 * starts); so does one this tick took for another template.
 */
async function takeRunSnapshot(ctx: TTickContext, run: TCampaignTemplateRun, state: TWorkState): Promise<TCampaignTemplateRun> {
  if (run.snapshotId !== null && getSnapshot(run.snapshotId)?.status === 'complete') {
    return moveRun(ctx, run, { status: 'snapshot_taken' });
  }
  if (ctx.sharedSnapshotId !== null) {
    return moveRun(ctx, run, { status: 'snapshot_taken', snapshotId: ctx.sharedSnapshotId });
  }
  let started: TStartedSnapshot;
  try {
    started = ctx.startSnapshot({ actor: SYSTEM_ACTOR, signal: state.abort.signal });
  } catch (err) {
    // Someone is taking a snapshot (the Snapshots page, `npm run snapshot`): one runs at a time, so wait for the next tick.
    if (err instanceof AppError && err.code === 'conflict') throw new RunWaitError(`Waiting to take a snapshot: ${err.message}`);
    throw err;
  }
  let claimedRun: TCampaignTemplateRun;
  try {
    claimedRun = moveRun(ctx, run, { snapshotId: started.snapshotId });
  } catch (err) {
    state.abort.abort('the run was taken over by another process');
    throw err;
  }
  const snapshot = await started.done;
  if (state.lost) throw new RunLostError('taken over during the snapshot');
  if (snapshot.status !== 'complete') {
    throw new RunFailure(`The snapshot #${snapshot.id} ${snapshot.status === 'cancelled' ? 'was cancelled' : 'failed'}: ${snapshot.error ?? 'no reason recorded'} No campaign was created.`);
  }
  ctx.sharedSnapshotId = snapshot.id;
  return moveRun(ctx, claimedRun, { status: 'snapshot_taken' });
}

/** snapshot_taken → draft_created: the draft and the run's new status commit together, so a crash leaves both or neither. */
function createRunDraft(ctx: TTickContext, template: TTemplateView, run: TCampaignTemplateRun): TCampaignTemplateRun {
  if (run.snapshotId === null) throw new Error('a run past its snapshot step has no snapshot id');
  const input = campaignInputFor(template, run.periodAt, run.snapshotId, ctx.now);
  return writeTransaction((tx) => {
    // lib/review's own transaction nests here as a savepoint.
    const draft = createCampaignDraft(SYSTEM_ACTOR, input, { templateId: template.id });
    if (!updateOwnedRun(tx, run.id, ctx.owner, 'snapshot_taken', { status: 'draft_created', campaignId: draft.id, heartbeatAt: ctx.clock().toISOString() })) {
      throw new RunLostError('not ours');
    }
    const after = getRunRow(run.id, tx);
    if (!after) throw new RunLostError('gone');
    return after;
  });
}

/**
 * draft_created → launched, in one transaction with the launch. A draft an admin launched by hand
 * meanwhile counts as launched; a deleted one fails the run. A refused launch (scope now empty,
 * the fallback reviewer would review their own access…) fails the run with lib/review's reason
 * and keeps the draft, so an admin can fix it and launch it.
 */
function launchRunCampaign(ctx: TTickContext, template: TTemplateView, run: TCampaignTemplateRun): TCampaignTemplateRun {
  if (run.campaignId === null) throw new Error('a run past its draft step has no campaign id');
  const campaignId = run.campaignId;
  const campaign = getCampaign(campaignId);
  if (!campaign) throw new RunFailure(`The draft campaign #${campaignId} was deleted before it was launched.`);
  const finish = (tx: TTx, itemCount: number, launchedBy: string): TCampaignTemplateRun => {
    const at = ctx.clock().toISOString();
    if (!updateOwnedRun(tx, run.id, ctx.owner, 'draft_created', { status: 'launched', finishedAt: at, heartbeatAt: at })) throw new RunLostError('not ours');
    appendAudit(
      {
        actor: SYSTEM_ACTOR,
        action: 'schedule.run_launched',
        target: auditRun(run),
        details: { templateId: template.id, templateName: template.name, periodAt: run.periodAt, snapshotId: run.snapshotId, campaignId, itemCount, launchedBy },
      },
      tx,
    );
    const after = getRunRow(run.id, tx);
    if (!after) throw new RunLostError('gone');
    return after;
  };
  if (campaign.status !== 'draft') {
    return writeTransaction((tx) => finish(tx, campaign.itemCount, campaign.launchedByEmail ?? 'unknown'));
  }
  try {
    const launched = writeTransaction((tx) => {
      const result = launchCampaign(SYSTEM_ACTOR, campaignId);
      return finish(tx, result.itemCount, SYSTEM_ACTOR.email);
    });
    scheduleLog.info({ runId: run.id, templateId: template.id, periodAt: run.periodAt, campaignId }, 'recurring campaign launched');
    return launched;
  } catch (err) {
    if (err instanceof AppError && err.code !== 'busy') {
      throw new RunFailure(`${err.message} The draft campaign #${campaignId} is kept: fix it and launch it from Campaigns, or delete it.`);
    }
    throw err;
  }
}
