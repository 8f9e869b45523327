import 'server-only';
import { getDb } from '@/db/client';
import { appendAudit, SYSTEM_ACTOR } from '@/lib/audit';
import { describeOwnerLoss, RUN_HEARTBEAT_STALE_MS } from '@/lib/jobs/run-owner';
import { log } from '@/lib/log';
import { listEndedSnapshotsWithRows, listRunningSnapshotRows, markSnapshotEnded } from './queries';
import { activeRuns } from './runs';
import type { TSnapshot } from './types';
import { deleteSnapshotContentSync } from './writer';

/** A running snapshot without a heartbeat for this long belongs to a stuck or vanished process. */
export const HEARTBEAT_STALE_MS = RUN_HEARTBEAT_STALE_MS;

/** Why a `running` snapshot is in fact interrupted, or null while its owner is alive (lib/jobs/run-owner.ts). */
export function describeInterruption(row: TSnapshot, now: Date = new Date()): string | null {
  return describeOwnerLoss(row, activeRuns().has(row.id), now);
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
