import { createHash } from 'node:crypto';
import { canonicalJson } from '@/lib/canonical-json';

/** The `prev_hash` of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

export type TAuditContent = {
  id: number;
  at: string;
  actorId: string | null;
  actorEmail: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: string;
};

/**
 * SHA-256 over the previous hash and this row's canonical content. The row id is part of the
 * content, so moving a row (reordering) breaks the chain as surely as editing or deleting one.
 */
export function auditRowHash(prevHash: string, row: TAuditContent): string {
  const content = canonicalJson({
    id: row.id,
    at: row.at,
    actorId: row.actorId,
    actorEmail: row.actorEmail,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    details: row.details,
  });
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

export type TChainRow = TAuditContent & { prevHash: string; hash: string };
export type TChainVerdict =
  | { ok: true; rows: number; lastHash: string }
  | { ok: false; rows: number; brokenRowId: number; reason: string };

/** Walk rows in id order and report the first one that breaks the chain. */
export function verifyChain(rows: Iterable<TChainRow>): TChainVerdict {
  let prevHash = GENESIS_HASH;
  let prevId = 0;
  let count = 0;
  for (const row of rows) {
    count++;
    if (row.id !== prevId + 1) {
      return { ok: false, rows: count, brokenRowId: row.id, reason: `row ${row.id} follows row ${prevId}: rows ${prevId + 1}–${row.id - 1} are missing` };
    }
    if (row.prevHash !== prevHash) {
      return { ok: false, rows: count, brokenRowId: row.id, reason: `row ${row.id} does not link to row ${prevId} (prev_hash mismatch)` };
    }
    const expected = auditRowHash(prevHash, row);
    if (row.hash !== expected) {
      return { ok: false, rows: count, brokenRowId: row.id, reason: `row ${row.id} content does not match its hash (edited)` };
    }
    prevHash = row.hash;
    prevId = row.id;
  }
  return { ok: true, rows: count, lastHash: prevHash };
}
