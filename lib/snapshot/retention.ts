import 'server-only';
import { getDb } from '@/db/client';
import { appendAudit, SYSTEM_ACTOR, type TActor } from '@/lib/audit';
import { log } from '@/lib/log';
import { getSnapshotRetention } from '@/lib/settings';
import { deleteSnapshotRecord, getSnapshotRow, listCompleteSnapshotIds, listFinishedSnapshotsBefore, snapshotIdsHeldByForeignKeys } from './queries';
import { deleteSnapshotContentSync } from './writer';

/**
 * Snapshot retention: keep the newest N complete snapshots (setting `snapshot.retention`,
 * default 12) and delete complete, failed and cancelled snapshots older than the N-th — never the
 * current one and never one that something still references. Campaigns (and anything else that
 * points at a snapshot) register a reference check, so this module needs no knowledge of them.
 */

type TReferenceCheck = () => Set<number>;

const holder = globalThis as unknown as { __attestSnapshotRefChecks?: Set<TReferenceCheck> };

function referenceChecks(): Set<TReferenceCheck> {
  holder.__attestSnapshotRefChecks ??= new Set();
  return holder.__attestSnapshotRefChecks;
}

/**
 * Register a function returning the ids of snapshots that must not be deleted (e.g. the
 * snapshots campaigns review). Returns a function that unregisters it.
 */
export function registerSnapshotReferenceCheck(fn: TReferenceCheck): () => void {
  referenceChecks().add(fn);
  return () => {
    referenceChecks().delete(fn);
  };
}

/**
 * Ids that must not be deleted: every registered reference check, plus any snapshot a row of
 * another table holds through a restricting foreign key (campaigns.snapshot_id is ON DELETE
 * RESTRICT: deleting its rows first and then failing on the record would leave an empty
 * "complete" snapshot).
 */
export function referencedSnapshotIds(): Set<number> {
  const ids = snapshotIdsHeldByForeignKeys();
  for (const check of referenceChecks()) for (const id of check()) ids.add(id);
  return ids;
}

export type TRetentionOptions = {
  /** Ids never deleted, on top of the registered reference checks. */
  protectedIds?: Set<number>;
  /** Override the setting (tests, a "preview" on the settings page). */
  keepLast?: number;
  /** Who deletes (audit); default the system. */
  actor?: TActor;
  /** Only report what would be deleted. */
  dryRun?: boolean;
};

export type TRetentionResult = { keepLast: number; deleted: number[]; protectedKept: number[] };

/**
 * Apply snapshot retention (see the module comment). Each deletion removes the rows in chunks,
 * then the snapshot row with a `snapshot.deleted_by_retention` audit entry.
 */
export function applySnapshotRetention(options: TRetentionOptions = {}): TRetentionResult {
  const keepLast = options.keepLast ?? getSnapshotRetention();
  const completes = listCompleteSnapshotIds();
  const result: TRetentionResult = { keepLast, deleted: [], protectedKept: [] };
  if (completes.length <= keepLast) return result;
  const oldestKept = completes[keepLast - 1];
  const current = completes[0];
  if (oldestKept === undefined || current === undefined) return result;
  const protectedIds = new Set([...(options.protectedIds ?? []), ...referencedSnapshotIds(), current]);
  for (const snapshot of listFinishedSnapshotsBefore(oldestKept)) {
    if (protectedIds.has(snapshot.id)) {
      result.protectedKept.push(snapshot.id);
      continue;
    }
    if (options.dryRun) {
      result.deleted.push(snapshot.id);
      continue;
    }
    deleteSnapshotContentSync(snapshot.id);
    const deleted = getDb().transaction(
      (tx) => {
        // Re-read inside the transaction: another process may have deleted it already.
        const row = getSnapshotRow(snapshot.id, tx);
        if (!row || row.status === 'running' || !deleteSnapshotRecord(tx, snapshot.id)) return false;
        appendAudit(
          {
            actor: options.actor ?? SYSTEM_ACTOR,
            action: 'snapshot.deleted_by_retention',
            target: { type: 'snapshot', id: String(snapshot.id) },
            details: {
              status: row.status,
              startedAt: row.startedAt,
              finishedAt: row.finishedAt,
              users: row.usersTotal,
              groups: row.groupsTotal,
              memberships: row.membershipsCount,
              digest: row.digest,
              keepLast,
            },
          },
          tx,
        );
        return true;
      },
      { behavior: 'immediate' },
    );
    if (deleted) result.deleted.push(snapshot.id);
  }
  if (result.deleted.length > 0) log.info({ deleted: result.deleted, keepLast }, 'snapshot retention applied');
  return result;
}
