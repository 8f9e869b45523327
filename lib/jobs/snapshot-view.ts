import type { TSnapshot } from '@/db/schema';

/** What the browser sees of a snapshot run (no process details). Importable from client components. */
export type TSnapshotRunView = Pick<
  TSnapshot,
  | 'id'
  | 'status'
  | 'phase'
  | 'startedAt'
  | 'finishedAt'
  | 'startedByEmail'
  | 'trigger'
  | 'usersTotal'
  | 'usersDone'
  | 'groupsTotal'
  | 'groupsDone'
  | 'membershipsCount'
  | 'orphanMembershipsCount'
  | 'requests'
  | 'retries'
  | 'throttled'
  | 'rateLimitWaitMs'
  | 'durationMs'
  | 'error'
  | 'cancelRequested'
>;

export type TSnapshotStatusView = { running: TSnapshotRunView | null; latest: TSnapshotRunView | null };

export function toRunView(row: TSnapshot): TSnapshotRunView {
  const { id, status, phase, startedAt, finishedAt, startedByEmail, trigger, usersTotal, usersDone, groupsTotal, groupsDone } = row;
  const { membershipsCount, orphanMembershipsCount, requests, retries, throttled, rateLimitWaitMs, durationMs, error, cancelRequested } = row;
  return {
    id,
    status,
    phase,
    startedAt,
    finishedAt,
    startedByEmail,
    trigger,
    usersTotal,
    usersDone,
    groupsTotal,
    groupsDone,
    membershipsCount,
    orphanMembershipsCount,
    requests,
    retries,
    throttled,
    rateLimitWaitMs,
    durationMs,
    error,
    cancelRequested,
  };
}
