import 'server-only';
import { getDb, type TExecutor } from '@/db/client';
import type { TAuditRow } from '@/db/schema';
import { canonicalJson } from '@/lib/canonical-json';
import { auditRowHash, GENESIS_HASH, verifyChain, type TChainVerdict } from './chain';
import { getLastAuditRow, insertAuditRow, iterateAuditRows } from './queries';

export { listAuditActions, listAuditPage, type TAuditFilter } from './queries';

export type TActor = { id: string | null; email: string };
/** The actor for work the system does on its own (cron CLI, scheduler). */
export const SYSTEM_ACTOR: TActor = { id: null, email: 'system' };
/** Audit rows stay small: beyond this many, an entry records a count or an event id range instead of every id. */
export const AUDIT_ID_LIMIT = 1_000;

export type TAuditEntry = {
  actor: TActor;
  action: string;
  target?: { type: string; id: string };
  details?: Record<string, unknown>;
};

/**
 * Append one row to the audit chain. Pass the caller's transaction so the audit row commits
 * (or rolls back) with the change it describes; without one, it runs in its own IMMEDIATE
 * transaction so two processes can never read the same previous hash.
 */
export function appendAudit(entry: TAuditEntry, tx?: TExecutor): TAuditRow {
  if (tx) return appendIn(tx, entry);
  return getDb().transaction((t) => appendIn(t, entry), { behavior: 'immediate' });
}

function appendIn(tx: TExecutor, entry: TAuditEntry): TAuditRow {
  const last = getLastAuditRow(tx);
  const prevHash = last?.hash ?? GENESIS_HASH;
  const content = {
    id: (last?.id ?? 0) + 1,
    at: new Date().toISOString(),
    actorId: entry.actor.id,
    actorEmail: entry.actor.email,
    action: entry.action,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    details: canonicalJson(entry.details ?? {}),
  };
  return insertAuditRow(tx, { ...content, prevHash, hash: auditRowHash(prevHash, content) });
}

/** Walk the whole chain from the database. */
export function verifyAuditLog(): TChainVerdict {
  return verifyChain(iterateAuditRows());
}
