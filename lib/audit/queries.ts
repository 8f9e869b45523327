import 'server-only';
import { and, asc, count, desc, eq, gte, like, lte, or, sql, type SQL } from 'drizzle-orm';
import { getDb, type TExecutor } from '@/db/client';
import { auditLog, type TAuditRow } from '@/db/schema';

export function getLastAuditRow(tx: TExecutor): Pick<TAuditRow, 'id' | 'hash'> | undefined {
  return tx.select({ id: auditLog.id, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1).get();
}

export function insertAuditRow(tx: TExecutor, row: typeof auditLog.$inferInsert): TAuditRow {
  return tx.insert(auditLog).values(row).returning().get();
}

/** Every row in id order, streamed with a raw statement (drizzle has no row iterator; the log can be large). */
export function iterateAuditRows(): IterableIterator<TAuditRow> {
  return getDb()
    .$client.prepare(
      `SELECT id, at, actor_id AS actorId, actor_email AS actorEmail, action, target_type AS targetType,
              target_id AS targetId, details, prev_hash AS prevHash, hash
         FROM audit_log ORDER BY id`,
    )
    .iterate() as IterableIterator<TAuditRow>;
}

export type TAuditFilter = {
  actor?: string;
  action?: string;
  target?: string;
  from?: string;
  to?: string;
};

function whereFor(filter: TAuditFilter): SQL | undefined {
  const parts: SQL[] = [];
  if (filter.actor) parts.push(like(auditLog.actorEmail, `%${escapeLike(filter.actor)}%`));
  if (filter.action) parts.push(eq(auditLog.action, filter.action));
  if (filter.target) {
    const pattern = `%${escapeLike(filter.target)}%`;
    const targetMatch = or(like(auditLog.targetId, pattern), like(auditLog.targetType, pattern));
    if (targetMatch) parts.push(targetMatch);
  }
  if (filter.from) parts.push(gte(auditLog.at, filter.from));
  if (filter.to) parts.push(lte(auditLog.at, filter.to));
  return parts.length > 0 ? and(...parts) : undefined;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** One page of the log, newest first. */
export function listAuditPage(filter: TAuditFilter, page: number, pageSize: number): { rows: TAuditRow[]; total: number } {
  const db = getDb();
  const where = whereFor(filter);
  const rows = db
    .select()
    .from(auditLog)
    .where(where)
    .orderBy(desc(auditLog.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all();
  const total = db.select({ n: count() }).from(auditLog).where(where).get()?.n ?? 0;
  return { rows, total };
}

/** The distinct action names, for the filter's select box. */
export function listAuditActions(): string[] {
  return getDb()
    .selectDistinct({ action: auditLog.action })
    .from(auditLog)
    .orderBy(asc(auditLog.action))
    .all()
    .map((r) => r.action);
}

export function countAuditRows(): number {
  return getDb().select({ n: sql<number>`count(*)` }).from(auditLog).get()?.n ?? 0;
}
