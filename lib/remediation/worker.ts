import 'server-only';
import { hostname } from 'node:os';
import type { TRemediationAction, TRemediationRun } from '@/db/schema';
import { appendAudit, type TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { log, redactSecret } from '@/lib/log';
import type { ScimClient, TScimStats } from '@/lib/scim';
import { classifyCheckFailure, classifySendFailure, type TTargetState } from './outcome';
import {
  claimAction,
  countActionsByStatus,
  countOpenActions,
  getRunningRunRow,
  insertRunningRun,
  listDueActions,
  listInFlightActions,
  markActionApplied,
  markActionFailed,
  markActionVerified,
  markRunEnded,
  nextScheduledAttempt,
  nowIso,
  scheduleActionRetry,
  touchRun,
  writeTransaction,
} from './queries';
import { recoverInterruptedRemediationRuns } from './recovery';
import { responseBodyText, storedWrite, type TTarget } from './requests';
import { activeRemediationRuns } from './runs';
import { emptySummary, parseSummary } from './summary';
import type { TRemediationStatus, TRunSummary } from './types';
import { checkTarget } from './verify';

/**
 * The worker: drains the outbox through the SCIM client (docs/decisions/008-remediation.md).
 *
 * Per row: a row that was sent before (attempts > 0, or left in flight by a dead worker) is first
 * checked with a GET, and verified without a new PATCH when it is already in the wanted state.
 * Otherwise: mark in flight (attempts + 1) in its own transaction → send the stored request once
 * (the client repeats it only after a 429, which proves it was not applied) → record the answer →
 * verify with a GET → verified, with an audit row. 5xx, timeouts and dropped connections schedule
 * a retry with backoff; 400/401/403/409 fail the row at once (401/403 also stop the run: no other
 * row can succeed with that token). Only one run at a time, across processes.
 */

export type TDrainProgress = { runId: number; campaignId: number | null; summary: TRunSummary; open: number };

export type TDrainOptions = {
  client: ScimClient;
  actor: TActor;
  /** Only this campaign's rows; null or omitted: the whole outbox (campaigns and stale accounts). */
  campaignId?: number | null;
  /** Rows worked on at once (default 8); the client's limiter sets the request rate. */
  concurrency?: number;
  /** Aborting it stops the run after the rows in progress (the CLI wires SIGINT/SIGTERM here). */
  signal?: AbortSignal;
  /** Called each time progress is persisted, and once at the end. */
  onProgress?: (progress: TDrainProgress) => void;
  /** Who started it, for the audit row (default 'api'). */
  trigger?: 'ui' | 'cli' | 'api';
  /** Extra details for the `remediation.started` audit row. */
  auditDetails?: Record<string, unknown>;
  /** Tries per row in one run before a transient failure becomes final (default 5). */
  maxAttemptsPerRun?: number;
  /** Backoff between tries of a row: base and cap (defaults 2 s and 5 min), with jitter. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How often progress and the heartbeat are written (default 1000 ms; recovery calls a run dead after 2 minutes without one). */
  progressIntervalMs?: number;
  random?: () => number;
};

export type TDrainResult = {
  runId: number;
  campaignId: number | null;
  status: 'finished' | 'interrupted';
  summary: TRunSummary;
  /** Rows in the run's scope by status when it ended. */
  counts: Record<TRemediationStatus, number>;
};

export type TStartedDrain = {
  runId: number;
  /** Resolves with the outcome; never rejects. */
  done: Promise<TDrainResult>;
};

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_MAX_ATTEMPTS = 5;
const LIST_BATCH = 200;

const workerLog = log.child({ module: 'remediation' });

/** Another run is going (conflict); `runId` names it. */
export class RemediationRunningError extends AppError {
  override name = 'RemediationRunningError';
  constructor(readonly runId: number, message: string) {
    super('conflict', message);
  }
}

function conflictError(run: TRemediationRun): RemediationRunningError {
  const scope = run.campaignId === null ? 'the whole outbox' : `campaign #${run.campaignId}`;
  return new RemediationRunningError(run.id, `Remediation is already running (run #${run.id} for ${scope}, started by ${run.startedByEmail} at ${run.startedAt}). Wait for it to finish.`);
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Error && (err as Error & { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * Start draining the outbox: recovers interrupted runs, creates the `running` run row and its
 * `remediation.started` audit row synchronously (throws `AppError('conflict')` naming the running
 * run: the partial unique index `remediation_runs_one_running` allows one at a time across
 * processes, since they share the token's rate limit), then works in the background.
 */
export function startDrain(opts: TDrainOptions): TStartedDrain {
  recoverInterruptedRemediationRuns();
  const campaignId = opts.campaignId ?? null;
  const at = nowIso();
  let run: TRemediationRun;
  try {
    run = writeTransaction((tx) => {
      const running = getRunningRunRow(tx);
      if (running) throw conflictError(running);
      const rowsAtStart = countOpenActions(campaignId ?? 'all');
      const inserted = insertRunningRun(tx, {
        campaignId,
        startedByEmail: opts.actor.email,
        startedAt: at,
        ownerPid: process.pid,
        ownerHost: hostname(),
        heartbeatAt: at,
        summaryJson: JSON.stringify(emptySummary(rowsAtStart)),
      });
      appendAudit(
        {
          actor: opts.actor,
          action: 'remediation.started',
          target: { type: 'remediation_run', id: String(inserted.id) },
          details: { campaignId, trigger: opts.trigger ?? 'api', rowsAtStart, ...opts.auditDetails },
        },
        tx,
      );
      return inserted;
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      const running = getRunningRunRow();
      if (running) throw conflictError(running);
    }
    throw err;
  }
  return { runId: run.id, done: runDrain(run, opts) };
}

/** `startDrain` and wait for the outcome. */
export async function drainOutbox(opts: TDrainOptions): Promise<TDrainResult> {
  return startDrain(opts).done;
}

const statDelta = (now: TScimStats, start: TScimStats) => ({
  requests: now.requests - start.requests,
  retries: now.retries - start.retries,
  throttled: now.throttled - start.throttled,
  rateLimitWaitMs: Math.round(now.rateLimitWaitMs - start.rateLimitWaitMs),
});

const targetOf = (row: TRemediationAction): TTarget => ({ kind: row.kind, userScimId: row.userScimId, groupScimId: row.groupScimId });

/** What the audit row of a finished change says about it: the access, the request and Airtable's answer. */
const auditedTarget = (row: TRemediationAction) => ({
  source: row.source,
  campaignId: row.campaignId,
  itemId: row.itemId,
  kind: row.kind,
  userScimId: row.userScimId,
  userEmail: row.userEmail,
  groupScimId: row.groupScimId,
  groupName: row.groupName,
  request: { method: row.requestMethod, path: row.requestPath },
  responseStatus: row.responseStatus,
});

function describeInternal(err: unknown): string {
  if (err instanceof AppError) return err.message;
  return `Internal error: ${redactSecret(err instanceof Error ? err.message : String(err))}`;
}

/** How a verified row got there, for its audit row. */
type TVerifiedOutcome = 'applied' | 'target_gone' | 'already_in_wanted_state' | 'applied_before_interruption';

async function runDrain(run: TRemediationRun, opts: TDrainOptions): Promise<TDrainResult> {
  const runId = run.id;
  const campaignId = run.campaignId;
  const scope = campaignId ?? 'all';
  const { client, actor } = opts;
  const concurrency = Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY);
  const maxAttempts = Math.max(1, opts.maxAttemptsPerRun ?? DEFAULT_MAX_ATTEMPTS);
  const retryBaseMs = opts.retryBaseMs ?? 2_000;
  const retryMaxMs = opts.retryMaxMs ?? 5 * 60_000;
  const random = opts.random ?? Math.random;
  const started = performance.now();
  const statsAtStart = client.stats();
  const summary = emptySummary(parseSummary(run.summaryJson).rowsAtStart ?? countOpenActions(scope));

  // ─── Stopping ──────────────────────────────────────────────────────────────────────────────
  let stopReason: string | null = null;
  let cancelled = false;
  let wakeSleeper: (() => void) | null = null;
  const stopRun = (reason: string, how: { cancel?: boolean } = {}): void => {
    if (stopReason !== null) return;
    stopReason = reason;
    cancelled = how.cancel ?? false;
    wakeSleeper?.();
    workerLog.warn({ runId, reason }, 'remediation run stopping');
  };
  const onAbort = (): void => {
    const r: unknown = opts.signal?.reason;
    const why = typeof r === 'string' && r ? r : r instanceof Error && r.name !== 'AbortError' && r.message ? r.message : 'on request';
    stopRun(`Cancelled: ${why}. Rows not started stay queued.`, { cancel: true });
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  activeRemediationRuns().set(runId, { cancel: (reason) => stopRun(reason, { cancel: true }) });

  // ─── Progress and heartbeat ────────────────────────────────────────────────────────────────
  const snapshotSummary = (): TRunSummary => ({
    ...summary,
    ...statDelta(client.stats(), statsAtStart),
    stoppedReason: stopReason,
    durationMs: Math.round(performance.now() - started),
  });
  let lastReported = '';
  const report = (): void => {
    const current = snapshotSummary();
    const key = JSON.stringify({ ...current, durationMs: 0, rateLimitWaitMs: 0 });
    if (key === lastReported) return;
    lastReported = key;
    try {
      opts.onProgress?.({ runId, campaignId, summary: current, open: countOpenActions(scope) });
    } catch (err) {
      workerLog.warn({ runId, err: describeInternal(err) }, 'remediation onProgress callback threw');
    }
  };
  const tick = (): void => {
    try {
      if (!touchRun(runId, { heartbeatAt: nowIso(), summaryJson: JSON.stringify(snapshotSummary()) })) {
        stopRun(`Run #${runId} was ended by another process (recovered as interrupted).`);
        return;
      }
      report();
    } catch (err) {
      workerLog.warn({ runId, err: describeInternal(err) }, 'remediation progress update failed');
    }
  };
  const timer = setInterval(tick, opts.progressIntervalMs ?? 1_000);
  timer.unref();

  // ─── Row transitions ───────────────────────────────────────────────────────────────────────
  const triesThisRun = new Map<number, number>();
  /** Applied rows this run gave up verifying: not picked again until the next run. */
  const settled = new Set<number>();

  const verified = (row: TRemediationAction, note: string, outcome: TVerifiedOutcome): void => {
    const at = nowIso();
    const done = writeTransaction((tx) => {
      const updated = markActionVerified(tx, row.id, { note, at });
      if (!updated) return false;
      // One audit row per change (not one per run): the SOX question is "who removed this access, when, and what proves it",
      // asked per user; each row is found by its target, and it commits with the status it describes.
      appendAudit(
        {
          actor,
          action: 'remediation.applied',
          target: { type: 'remediation_action', id: String(row.id) },
          details: {
            runId,
            outcome,
            ...auditedTarget(updated),
            verifyNote: note,
            attempts: updated.attempts,
          },
        },
        tx,
      );
      return true;
    });
    if (!done) return;
    summary.verified++;
    if (outcome !== 'applied') summary.alreadyInWantedState++;
  };

  const failed = (row: TRemediationAction, reason: string, answer: { status: number | null; body: string | null } | null): void => {
    const at = nowIso();
    const done = writeTransaction((tx) => {
      const updated = markActionFailed(tx, row.id, {
        lastError: reason,
        ...(answer ? { responseStatus: answer.status, responseBody: answer.body } : {}),
        at,
      });
      if (!updated) return false;
      appendAudit(
        {
          actor,
          action: 'remediation.failed',
          target: { type: 'remediation_action', id: String(row.id) },
          details: {
            runId,
            ...auditedTarget(updated),
            reason,
            attempts: updated.attempts,
          },
        },
        tx,
      );
      return true;
    });
    if (done) summary.failed++;
  };

  /** Exponential backoff with "equal jitter": half fixed, half random, so a retry never comes at once. */
  const backoffMs = (n: number): number => {
    const ceiling = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(n - 1, 30));
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
  };

  /**
   * A transient failure: try again later, or give up when this run has tried the row
   * `maxAttempts` times. A pending row then fails (retryable by an admin); an applied row stays
   * applied (its PATCH was accepted; the next run verifies it again).
   */
  const retryLater = (row: TRemediationAction, reason: string, status: 'pending' | 'applied', answer: { status: number | null; body: string | null } | null): void => {
    const tries = (triesThisRun.get(row.id) ?? 0) + 1;
    triesThisRun.set(row.id, tries);
    const at = nowIso();
    const answerColumns = answer ? { responseStatus: answer.status, responseBody: answer.body } : {};
    if (tries >= maxAttempts) {
      if (status === 'applied') {
        settled.add(row.id);
        scheduleActionRetry(row.id, { status, nextAttemptAt: null, lastError: `${reason}. Not verified after ${tries} tries in this run; the next run checks it again.`, at });
        summary.unverified++;
        return;
      }
      failed(row, `${reason}. Gave up after ${tries} tries in this run; retry it once Airtable answers again.`, answer);
      return;
    }
    const next = new Date(Date.now() + backoffMs(tries)).toISOString();
    if (scheduleActionRetry(row.id, { status, nextAttemptAt: next, lastError: `${reason}. Next try at ${next}.`, ...answerColumns, at })) summary.retriesScheduled++;
  };

  /** A GET that failed: retry later, or (refused token) stop the run and leave the row to the next one. */
  const checkFailed = (row: TRemediationAction, err: unknown, status: 'pending' | 'applied'): void => {
    const f = classifyCheckFailure(err);
    if (f.stopsRun) {
      scheduleActionRetry(row.id, { status, nextAttemptAt: null, lastError: f.reason, at: nowIso() });
      stopRun(f.reason);
      return;
    }
    retryLater(row, f.reason, status, null);
  };

  const check = async (row: TRemediationAction): Promise<TTargetState> => {
    summary.checks++;
    return checkTarget(client, targetOf(row));
  };

  /** GET after the PATCH was answered (or for an applied row of an earlier run). */
  const verifyApplied = async (row: TRemediationAction, sent: { status: number | null; goneNote: string | null } | null): Promise<void> => {
    let state: TTargetState;
    try {
      state = await check(row);
    } catch (err) {
      checkFailed(row, err, 'applied');
      return;
    }
    if (state.wanted) {
      verified(row, sent?.goneNote ? `${sent.goneNote}; ${state.note}` : state.note, sent?.goneNote ? 'target_gone' : 'applied');
      return;
    }
    if (state.inconclusive) {
      retryLater(row, state.note, 'applied', null);
      return;
    }
    // Accepted but not in effect (a server that answers before it applies, or ignores the op): send it again later.
    const answered = sent?.status ? `Airtable answered HTTP ${sent.status} to the PATCH, but ${state.note}` : state.note;
    retryLater(row, answered, 'pending', null);
  };

  const processRow = async (row: TRemediationAction, recovered: boolean): Promise<void> => {
    if (recovered) summary.recovered++;
    if (row.status === 'applied') return verifyApplied(row, null);
    // Sent before (an earlier attempt, or a worker that died): its PATCH may have taken effect. Look first.
    if (recovered || row.attempts > 0) {
      let state: TTargetState;
      try {
        state = await check(row);
      } catch (err) {
        checkFailed(row, err, 'pending');
        return;
      }
      if (state.wanted) {
        if (recovered) verified(row, `Applied before an interruption (checked before resending): ${state.note}`, 'applied_before_interruption');
        else verified(row, `Already in the wanted state when checked before resending: ${state.note}`, 'already_in_wanted_state');
        return;
      }
    }
    if (stopReason !== null) return;
    const claimed = claimAction(row.id, nowIso());
    if (!claimed) return;
    summary.patchesSent++;
    let response: { status: number; body: unknown };
    try {
      response = await client.sendWriteOnce(storedWrite(claimed));
    } catch (err) {
      const f = classifySendFailure(err);
      const answer = { status: f.status, body: f.body };
      if (f.kind === 'gone') {
        markActionApplied(claimed.id, { responseStatus: f.status, responseBody: f.body, at: nowIso() });
        await verifyApplied(claimed, { status: f.status, goneNote: f.note });
        return;
      }
      if (f.kind === 'retry') {
        retryLater(claimed, f.reason, 'pending', answer);
        return;
      }
      failed(claimed, f.reason, answer);
      if (f.stopsRun) stopRun(f.reason);
      return;
    }
    markActionApplied(claimed.id, { responseStatus: response.status, responseBody: responseBodyText(response.body), at: nowIso() });
    await verifyApplied(claimed, { status: response.status, goneNote: null });
  };

  // ─── Dispatch ──────────────────────────────────────────────────────────────────────────────
  const active = new Map<number, Promise<void>>();
  const dispatch = async (row: TRemediationAction, recovered: boolean): Promise<void> => {
    while (active.size >= concurrency) await Promise.race(active.values());
    if (stopReason !== null) return;
    const work = processRow(row, recovered)
      .catch((err: unknown) => {
        // A database error or a bug: stop cleanly; every row is in a state the next run can resume from.
        workerLog.error({ runId, actionId: row.id, err: describeInternal(err) }, 'remediation row failed unexpectedly');
        stopRun(describeInternal(err));
      })
      .finally(() => active.delete(row.id));
    active.set(row.id, work);
  };
  const settle = async (): Promise<void> => {
    while (active.size > 0) await Promise.all(active.values());
  };
  const sleepUntil = async (iso: string): Promise<void> => {
    const ms = Math.max(0, Date.parse(iso) - Date.now());
    if (ms === 0 || stopReason !== null) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wakeSleeper = () => {
        clearTimeout(t);
        resolve();
      };
    });
    wakeSleeper = null;
  };
  /** Whether a due row that this run has not given up on exists. */
  const hasDueWork = (): boolean => listDueActions(scope, nowIso(), 0, settled.size + 1).some((r) => !settled.has(r.id));

  let endError: string | null = null;
  try {
    // Let startDrain return (and its caller report the run id) first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    // 1. Rows a dead worker left in flight: only this run can be running, so they are orphans.
    for (const row of listInFlightActions(scope)) {
      if (stopReason !== null) break;
      await dispatch(row, true);
    }
    await settle();
    // 2. Everything due, pass after pass, until nothing is left or only future retries remain.
    while (stopReason === null) {
      for (let cursor = 0; stopReason === null; ) {
        const rows = listDueActions(scope, nowIso(), cursor, LIST_BATCH);
        if (rows.length === 0) break;
        cursor = rows[rows.length - 1]!.id;
        for (const row of rows) {
          if (stopReason !== null) break;
          if (settled.has(row.id) || active.has(row.id)) continue;
          await dispatch(row, false);
        }
      }
      await settle();
      if (stopReason !== null || hasDueWork()) continue;
      const next = nextScheduledAttempt(scope, nowIso());
      if (next === null) break;
      await sleepUntil(next);
    }
    await settle();
  } catch (err) {
    endError = describeInternal(err);
    workerLog.error({ runId, err: endError }, 'remediation run failed');
    stopRun(endError);
    await settle().catch(() => undefined);
  } finally {
    clearInterval(timer);
    activeRemediationRuns().delete(runId);
    opts.signal?.removeEventListener('abort', onAbort);
  }

  const final = snapshotSummary();
  let status: TDrainResult['status'] = cancelled ? 'interrupted' : 'finished';
  let counts: Record<TRemediationStatus, number> = { pending: 0, in_flight: 0, applied: 0, verified: 0, failed: 0 };
  try {
    counts = countActionsByStatus(scope);
    const finishedAt = nowIso();
    writeTransaction((tx) => {
      if (!markRunEnded(tx, runId, { status, finishedAt, heartbeatAt: finishedAt, summaryJson: JSON.stringify(final) })) {
        // Another process marked it interrupted (recovery) and audited that: its word stands.
        status = 'interrupted';
        return;
      }
      appendAudit(
        {
          actor,
          action: cancelled ? 'remediation.cancelled' : 'remediation.finished',
          target: { type: 'remediation_run', id: String(runId) },
          details: { campaignId, ...final, counts },
        },
        tx,
      );
    });
  } catch (err) {
    workerLog.error({ runId, err: describeInternal(err) }, 'could not record the end of a remediation run; recovery will mark it');
  }
  workerLog.info({ runId, campaignId, status, ...final, counts }, 'remediation run ended');
  try {
    opts.onProgress?.({ runId, campaignId, summary: final, open: counts.pending + counts.in_flight + counts.applied });
  } catch {
    // A broken progress callback changes nothing at the end.
  }
  return { runId, campaignId, status, summary: final, counts };
}
