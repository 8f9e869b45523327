import 'server-only';
import { getDb } from '@/db/client';
import { appendAudit, type TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { getSnapshotRow, setCancelRequested } from './queries';
import { recoverInterruptedSnapshots } from './recovery';
import { activeRuns } from './runs';
import type { TSnapshot } from './types';

/**
 * Ask a running snapshot to stop. Sets `cancel_requested` (the runner polls it every 250 ms, in
 * whichever process runs it) and, when the run is in this process, stops it at once. The runner
 * then deletes the rows and marks the snapshot `cancelled` (audit `snapshot.cancelled`).
 * Returns the row as it is now (still `running` until the runner has cleaned up).
 * Throws `AppError('not_found')` for an unknown id, `AppError('conflict')` when it is not running.
 */
export function requestSnapshotCancel(actor: TActor, snapshotId: number): TSnapshot {
  if (!Number.isInteger(snapshotId) || snapshotId < 1) throw new AppError('invalid', `Not a snapshot id: ${snapshotId}.`);
  // A dead owner would never see the flag: recover first, then it is simply not running.
  recoverInterruptedSnapshots();
  const row = getSnapshotRow(snapshotId);
  if (!row) throw new AppError('not_found', `Snapshot #${snapshotId} does not exist.`);
  const note = `Cancelled by ${actor.email}.`;
  const flagged = getDb().transaction(
    (tx) => {
      if (!setCancelRequested(tx, snapshotId, note)) return false;
      appendAudit({ actor, action: 'snapshot.cancel_requested', target: { type: 'snapshot', id: String(snapshotId) }, details: {} }, tx);
      return true;
    },
    { behavior: 'immediate' },
  );
  if (!flagged) throw new AppError('conflict', `Snapshot #${snapshotId} is not running (it is ${getSnapshotRow(snapshotId)?.status ?? row.status}).`);
  activeRuns().get(snapshotId)?.cancel(note);
  return getSnapshotRow(snapshotId) ?? row;
}
