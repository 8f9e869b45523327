import 'server-only';
import { hostname } from 'node:os';
import { getDb } from '@/db/client';
import { appendAudit, SYSTEM_ACTOR } from '@/lib/audit';
import { log } from '@/lib/log';
import { listEndedSnapshotsWithRows, listRunningSnapshotRows, markSnapshotEnded } from './queries';
import { activeRuns } from './runs';
import type { TSnapshot } from './types';
import { deleteSnapshotContentSync } from './writer';

/** A running snapshot without a heartbeat for this long belongs to a stuck or vanished process. */
export const HEARTBEAT_STALE_MS = 2 * 60_000;

/** Whether a process with this pid exists on this host (EPERM: it exists but is someone else's). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Why a `running` snapshot is in fact interrupted, or null while its owner is alive. Same host:
 * the owner pid must exist (our own pid counts only if this process really runs it). Any host:
 * the heartbeat (every ~5 s) must be younger than two minutes.
 */
export function describeInterruption(row: TSnapshot, now: Date = new Date()): string | null {
  if (activeRuns().has(row.id)) return null;
  const sameHost = row.ownerHost === hostname();
  if (sameHost && (row.ownerPid === process.pid || !processExists(row.ownerPid))) {
    return `Interrupted: the process that ran it (pid ${row.ownerPid} on ${row.ownerHost}) stopped before it finished.`;
  }
  const beat = Date.parse(row.heartbeatAt);
  if (!Number.isFinite(beat) || now.getTime() - beat > HEARTBEAT_STALE_MS) {
    return `Interrupted: no heartbeat from pid ${row.ownerPid} on ${row.ownerHost} since ${row.heartbeatAt} (more than 2 minutes).`;
  }
  return null;
}

/**
 * Mark failed (and delete the rows of) every `running` snapshot whose owner process is gone or
 * whose heartbeat is older than 2 minutes; also finish deleting rows left behind by a crash
 * during an earlier discard. Called before every start and by the app when it boots. Returns how
 * many snapshots were marked failed.
 */
export function recoverInterruptedSnapshots(now: Date = new Date()): number {
  let recovered = 0;
  for (const row of listRunningSnapshotRows()) {
    const reason = describeInterruption(row, now);
    if (reason === null) continue;
    const finishedAt = now.toISOString();
    const marked = getDb().transaction(
      (tx) => {
        // Guarded by status: two processes recovering at once mark it (and audit it) once.
        if (!markSnapshotEnded(tx, row.id, 'failed', reason, { finishedAt, durationMs: Math.max(0, now.getTime() - Date.parse(row.startedAt)) })) return false;
        appendAudit(
          { actor: SYSTEM_ACTOR, action: 'snapshot.failed', target: { type: 'snapshot', id: String(row.id) }, details: { reason, recovered: true } },
          tx,
        );
        return true;
      },
      { behavior: 'immediate' },
    );
    if (!marked) continue;
    const deleted = deleteSnapshotContentSync(row.id);
    log.warn({ snapshotId: row.id, deletedRows: deleted, reason }, 'recovered an interrupted snapshot');
    recovered++;
  }
  for (const id of listEndedSnapshotsWithRows()) {
    if (activeRuns().has(id)) continue;
    const deleted = deleteSnapshotContentSync(id);
    log.warn({ snapshotId: id, deletedRows: deleted }, 'deleted rows left by an unfinished discard');
  }
  return recovered;
}
