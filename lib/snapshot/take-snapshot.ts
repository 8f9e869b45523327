import 'server-only';
import { hostname } from 'node:os';
import { getDb } from '@/db/client';
import { appendAudit, type TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { log, redactSecret } from '@/lib/log';
import { isScimError, type ScimClient, type TScimGroup, type TScimStats } from '@/lib/scim';
import {
  getRunningSnapshotRow,
  getSnapshotRow,
  insertRunningSnapshot,
  markSnapshotComplete,
  markSnapshotEnded,
  readCancelState,
  SnapshotNotRunningError,
  touchSnapshotHeartbeat,
  updateSnapshotProgress,
  type TProgressColumns,
} from './queries';
import { recoverInterruptedSnapshots } from './recovery';
import { applySnapshotRetention } from './retention';
import { activeRuns } from './runs';
import type { TSnapshot, TSnapshotPhase, TSnapshotProgress, TSnapshotSource, TSnapshotTrigger } from './types';
import { createSnapshotWriter, type TSnapshotWriter } from './writer';

const PROGRESS_INTERVAL_MS = 250;
const HEARTBEAT_INTERVAL_MS = 5_000;
const DEFAULT_GROUP_CONCURRENCY = 16;

export type TStartSnapshotOptions = {
  actor: TActor;
  trigger: TSnapshotTrigger;
  /** The SCIM client of the connection (it owns rate limit, concurrency and retries). */
  client: ScimClient;
  source: TSnapshotSource;
  baseUrl: string;
  /** Aborting it cancels the snapshot (the CLI wires SIGINT/SIGTERM here). */
  signal?: AbortSignal;
  /** Rows per write transaction (default 50,000). */
  writeBatchSize?: number;
  /** `GET /Groups/{id}` calls kept queued at once (default 16): enough to keep the client's limiter saturated. */
  groupConcurrency?: number;
  /** Called each time progress is persisted (the CLI prints it). */
  onProgress?: (progress: TSnapshotProgress) => void;
  /** Apply the retention setting after a complete snapshot (default true). */
  applyRetention?: boolean;
  /** Heartbeat period (default 5000 ms; recovery calls a snapshot dead after 2 minutes without one). */
  heartbeatIntervalMs?: number;
};

export type TStartedSnapshot = {
  snapshotId: number;
  /** Resolves with the final row (complete, failed or cancelled); never rejects. */
  done: Promise<TSnapshot>;
};

const snapshotLog = log.child({ module: 'snapshot' });

function conflictError(running: TSnapshot): AppError {
  return new AppError('conflict', `A snapshot is already running (#${running.id}, started by ${running.startedByEmail} at ${running.startedAt}).`);
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Error && (err as Error & { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * Start a snapshot: recovers interrupted ones, creates the `running` row synchronously (throws
 * `AppError('conflict')` naming the running one: the partial unique index `snapshots_one_running`
 * enforces one at a time across processes), then crawls in the background. Users and groups are
 * listed side by side and every group's members fetched with bounded concurrency, so the
 * client's rate limiter, not round trips, sets the pace.
 */
export function startSnapshot(opts: TStartSnapshotOptions): TStartedSnapshot {
  recoverInterruptedSnapshots();
  const now = new Date().toISOString();
  let row: TSnapshot;
  try {
    row = getDb().transaction(
      (tx) => {
        const running = getRunningSnapshotRow(tx);
        if (running) throw conflictError(running);
        const inserted = insertRunningSnapshot(tx, {
          startedAt: now,
          heartbeatAt: now,
          ownerPid: process.pid,
          ownerHost: hostname(),
          startedById: opts.actor.id,
          startedByEmail: opts.actor.email,
          trigger: opts.trigger,
          source: opts.source,
          baseUrl: opts.baseUrl,
        });
        appendAudit(
          {
            actor: opts.actor,
            action: 'snapshot.started',
            target: { type: 'snapshot', id: String(inserted.id) },
            details: { trigger: opts.trigger, source: opts.source, baseUrl: opts.baseUrl },
          },
          tx,
        );
        return inserted;
      },
      { behavior: 'immediate' },
    );
  } catch (err) {
    if (isUniqueViolation(err)) {
      const running = getRunningSnapshotRow();
      if (running) throw conflictError(running);
    }
    throw err;
  }
  return { snapshotId: row.id, done: runSnapshot(row, opts) };
}

/** `startSnapshot` and wait for the final row. */
export async function takeSnapshot(opts: TStartSnapshotOptions): Promise<TSnapshot> {
  return startSnapshot(opts).done;
}

class SnapshotStopped extends Error {
  override name = 'SnapshotStopped';
}

type TStopState = { kind: 'cancel'; reason: string } | { kind: 'fail'; error: unknown };

/** The one stop switch of a run: first cause wins; `race` makes every await return at once when stopped. */
function createStopper() {
  let state: TStopState | null = null;
  const controller = new AbortController();
  const stopped = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(new SnapshotStopped('stopped')), { once: true });
  });
  stopped.catch(() => undefined);
  return {
    get state(): TStopState | null {
      return state;
    },
    cancel(reason: string): void {
      if (state) return;
      state = { kind: 'cancel', reason };
      controller.abort();
    },
    fail(error: unknown): void {
      if (state) return;
      state = { kind: 'fail', error };
      controller.abort();
    },
    throwIfStopped(): void {
      if (state) throw new SnapshotStopped('stopped');
    },
    race<T>(promise: Promise<T>): Promise<T> {
      // The losing promise may still reject later (an in-flight request): that is expected, not unhandled.
      promise.catch(() => undefined);
      return Promise.race([promise, stopped]);
    },
  };
}
type TStopper = ReturnType<typeof createStopper>;

/** A human-readable reason for the snapshot row and the audit log (secrets already scrubbed). */
function describeFailure(err: unknown): string {
  if (isScimError(err)) return err.message;
  if (err instanceof AppError || err instanceof SnapshotNotRunningError) return err.message;
  if (err instanceof Error) return `Internal error: ${redactSecret(err.message)}`;
  return `Internal error: ${redactSecret(String(err))}`;
}

function abortReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  if (typeof r === 'string' && r) return `Cancelled: ${r}.`;
  if (r instanceof Error && r.name !== 'AbortError' && r.message) return `Cancelled: ${r.message}.`;
  return 'Cancelled.';
}

type TProgressState = {
  phase: TSnapshotPhase;
  usersTotal: number | null;
  usersDone: number;
  groupsTotal: number | null;
  groupsDone: number;
  groupsVanished: number;
};

const statDelta = (now: TScimStats, start: TScimStats) => ({
  requests: now.requests - start.requests,
  retries: now.retries - start.retries,
  throttled: now.throttled - start.throttled,
  rateLimitWaitMs: Math.round(now.rateLimitWaitMs - start.rateLimitWaitMs),
});

async function runSnapshot(row: TSnapshot, opts: TStartSnapshotOptions): Promise<TSnapshot> {
  const id = row.id;
  const startedAt = performance.now();
  const statsAtStart = opts.client.stats();
  const stop = createStopper();
  const progress: TProgressState = { phase: 'starting', usersTotal: null, usersDone: 0, groupsTotal: null, groupsDone: 0, groupsVanished: 0 };
  let writer: TSnapshotWriter | null = null;
  let completed = false;
  let lastPersisted = '';
  let lastBeat = Date.now();

  const columns = (): TProgressColumns => ({
    phase: progress.phase,
    usersTotal: progress.usersTotal,
    usersDone: progress.usersDone,
    groupsTotal: progress.groupsTotal,
    groupsDone: progress.groupsDone,
    membershipsCount: writer?.received.memberships ?? 0,
    ...statDelta(opts.client.stats(), statsAtStart),
  });

  const persist = (): void => {
    const cols = columns();
    const key = JSON.stringify(cols);
    if (key === lastPersisted) return;
    lastPersisted = key;
    if (!updateSnapshotProgress(id, cols)) {
      stop.fail(new SnapshotNotRunningError(`Snapshot #${id} was ended by another process (recovered as interrupted).`));
      return;
    }
    opts.onProgress?.({ snapshotId: id, ...cols, memberships: cols.membershipsCount });
  };

  const tick = (): void => {
    try {
      const cancel = readCancelState(id);
      if (cancel.requested) stop.cancel(cancel.note ?? 'Cancelled on request.');
      if (stop.state) return;
      persist();
      if (Date.now() - lastBeat >= (opts.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS)) {
        lastBeat = Date.now();
        if (!touchSnapshotHeartbeat(id, new Date().toISOString())) {
          stop.fail(new SnapshotNotRunningError(`Snapshot #${id} was ended by another process (recovered as interrupted).`));
        }
      }
    } catch (err) {
      snapshotLog.warn({ snapshotId: id, err: describeFailure(err) }, 'snapshot progress update failed');
    }
  };

  const setPhase = (phase: TSnapshotPhase): void => {
    if (progress.phase === phase) return;
    progress.phase = phase;
    try {
      persist();
    } catch (err) {
      snapshotLog.warn({ snapshotId: id, err: describeFailure(err) }, 'snapshot progress update failed');
    }
  };

  const onAbort = (): void => {
    if (opts.signal) stop.cancel(abortReason(opts.signal));
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  activeRuns().set(id, { cancel: (reason) => stop.cancel(reason) });
  const timer = setInterval(tick, PROGRESS_INTERVAL_MS);
  timer.unref();

  try {
    // Let startSnapshot return (and its caller report the id) before the first progress line.
    await new Promise<void>((resolve) => setImmediate(resolve));
    writer = createSnapshotWriter(id, { batchSize: opts.writeBatchSize });
    await crawl({ client: opts.client, writer, stop, progress, setPhase, concurrency: opts.groupConcurrency ?? DEFAULT_GROUP_CONCURRENCY });
    stop.throwIfStopped();
    setPhase('finalizing');
    const result = await writer.finish();
    stop.throwIfStopped();

    const finishedAt = new Date().toISOString();
    const durationMs = Math.round(performance.now() - startedAt);
    const stats = statDelta(opts.client.stats(), statsAtStart);
    const marked = getDb().transaction(
      (tx) => {
        const ok = markSnapshotComplete(tx, id, {
          ...stats,
          usersTotal: result.users,
          usersDone: result.users,
          groupsTotal: result.groups,
          groupsDone: result.groups,
          membershipsCount: result.memberships,
          orphanMembershipsCount: result.orphanMemberships,
          digest: result.digest,
          finishedAt,
          heartbeatAt: finishedAt,
          durationMs,
        });
        if (!ok) return false;
        appendAudit(
          {
            actor: opts.actor,
            action: 'snapshot.completed',
            target: { type: 'snapshot', id: String(id) },
            details: {
              users: result.users,
              groups: result.groups,
              memberships: result.memberships,
              orphanMemberships: result.orphanMemberships,
              digest: result.digest,
              durationMs,
              ...stats,
            },
          },
          tx,
        );
        return true;
      },
      { behavior: 'immediate' },
    );
    if (!marked) throw new SnapshotNotRunningError(`Snapshot #${id} was ended by another process before it completed.`);
    completed = true;
    snapshotLog.info({ snapshotId: id, ...result, durationMs, vanishedGroups: progress.groupsVanished, ...stats }, 'snapshot complete');
    if (opts.applyRetention !== false) {
      try {
        applySnapshotRetention();
      } catch (err) {
        snapshotLog.warn({ err: describeFailure(err) }, 'snapshot retention failed');
      }
    }
    return getSnapshotRow(id) ?? row;
  } catch (err) {
    if (completed) {
      // Complete and committed: whatever failed afterwards (logging, re-reading) changes nothing.
      snapshotLog.warn({ snapshotId: id, err: describeFailure(err) }, 'error after the snapshot completed');
      return { ...row, status: 'complete' };
    }
    return await endUnsuccessfully(err);
  } finally {
    clearInterval(timer);
    activeRuns().delete(id);
    opts.signal?.removeEventListener('abort', onAbort);
  }

  async function endUnsuccessfully(err: unknown): Promise<TSnapshot> {
    const state: TStopState = stop.state ?? { kind: 'fail', error: err };
    const status = state.kind === 'cancel' ? 'cancelled' : 'failed';
    const reason = state.kind === 'cancel' ? state.reason : describeFailure(state.error);
    try {
      // Rows first, then the status: a crash in between leaves a `running` row that recovery fails.
      if (writer) await writer.discard();
      const finishedAt = new Date().toISOString();
      const durationMs = Math.round(performance.now() - startedAt);
      const cols = columns();
      getDb().transaction(
        (tx) => {
          if (!markSnapshotEnded(tx, id, status, reason, { ...cols, finishedAt, durationMs })) return;
          appendAudit(
            {
              actor: opts.actor,
              action: status === 'cancelled' ? 'snapshot.cancelled' : 'snapshot.failed',
              target: { type: 'snapshot', id: String(id) },
              details: { reason, phase: cols.phase, usersDone: cols.usersDone, groupsDone: cols.groupsDone, requests: cols.requests },
            },
            tx,
          );
        },
        { behavior: 'immediate' },
      );
      snapshotLog.warn({ snapshotId: id, status, reason }, `snapshot ${status}`);
    } catch (cleanupError) {
      snapshotLog.error({ snapshotId: id, err: describeFailure(cleanupError), reason }, 'snapshot cleanup failed; recovery will finish it');
    }
    try {
      return getSnapshotRow(id) ?? { ...row, status, error: reason };
    } catch {
      return { ...row, status, error: reason };
    }
  }
}

type TCrawlContext = {
  client: ScimClient;
  writer: TSnapshotWriter;
  stop: TStopper;
  progress: TProgressState;
  setPhase: (phase: TSnapshotPhase) => void;
  concurrency: number;
};

/**
 * Users and groups side by side. The limiter serves list pages first (their 'high' lane), so the
 * user list finishes early while `GET /Groups/{id}` calls fill every other slot. Any error stops
 * all branches; cancellation stops them between pages and groups, and `race` returns from a
 * pending request at once (the request itself finishes in the background, its result ignored).
 */
async function crawl(ctx: TCrawlContext): Promise<void> {
  const { client, writer, stop, progress } = ctx;
  let usersListed = false;
  let groupsListed = false;
  const updatePhase = (): void => ctx.setPhase(!usersListed ? 'users' : !groupsListed ? 'groups' : 'members');
  updatePhase();

  const guarded = (task: () => Promise<void>): Promise<void> =>
    task().catch((err: unknown) => {
      if (!(err instanceof SnapshotStopped)) stop.fail(err);
      throw err;
    });

  async function listUsers(): Promise<void> {
    const pages = client.listUsers();
    try {
      for (;;) {
        stop.throwIfStopped();
        const next = await stop.race(pages.next());
        if (next.done) break;
        stop.throwIfStopped();
        writer.addUsers(next.value.resources);
        progress.usersDone += next.value.resources.length;
        if (next.value.totalResults !== null) progress.usersTotal = next.value.totalResults;
      }
    } finally {
      if (stop.state) void pages.return(undefined).catch(() => undefined);
    }
    writer.usersComplete();
    progress.usersTotal = progress.usersDone;
    usersListed = true;
    updatePhase();
  }

  const queue: TScimGroup[] = [];
  let waiters: Array<() => void> = [];
  const wake = (): void => {
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };
  let groupsSeen = 0;

  async function listGroups(): Promise<void> {
    const pages = client.listGroups();
    try {
      for (;;) {
        stop.throwIfStopped();
        const next = await stop.race(pages.next());
        if (next.done) break;
        queue.push(...next.value.resources);
        groupsSeen += next.value.resources.length;
        if (next.value.totalResults !== null) progress.groupsTotal = next.value.totalResults;
        wake();
      }
    } finally {
      if (stop.state) void pages.return(undefined).catch(() => undefined);
      groupsListed = true;
      wake();
    }
    progress.groupsTotal = groupsSeen;
    updatePhase();
  }

  async function fetchMembers(): Promise<void> {
    for (;;) {
      stop.throwIfStopped();
      const group = queue.shift();
      if (!group) {
        if (groupsListed) return;
        await stop.race(new Promise<void>((resolve) => waiters.push(resolve)));
        continue;
      }
      // Airtable's group list has no members: one GET /Groups/{id} per group (DESIGN.md).
      const full = await stop.race(client.getGroup(group.id));
      stop.throwIfStopped();
      // Deleted between the list and this call: it no longer exists, so it is not in the snapshot.
      if (full === null) progress.groupsVanished++;
      else writer.addGroups([full]);
      progress.groupsDone++;
    }
  }

  const workers = Array.from({ length: Math.max(1, ctx.concurrency) }, () => guarded(fetchMembers));
  await Promise.all([guarded(listUsers), guarded(listGroups), ...workers]);
}
