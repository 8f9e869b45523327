import 'server-only';
import { and, count, desc, eq, lt } from 'drizzle-orm';
import { getDb, type TExecutor } from '@/db/client';
import { directoryImports, type TDirectoryImport, type TImportKind } from '@/db/schema';
import type { TImportRecord } from './parse';

/** Every SQL statement of lib/imports (house rule: only queries.ts touches the database). */

/** The current import of a kind: the newest one. */
export function getLatestImportRow(kind: TImportKind, tx: TExecutor = getDb()): TDirectoryImport | null {
  return tx.select().from(directoryImports).where(eq(directoryImports.kind, kind)).orderBy(desc(directoryImports.id)).limit(1).get() ?? null;
}

/** The newest import of a kind uploaded strictly before `before` (ISO), i.e. the one that was current then. */
export function getImportRowBefore(kind: TImportKind, before: string, tx: TExecutor = getDb()): TDirectoryImport | null {
  return (
    tx
      .select()
      .from(directoryImports)
      .where(and(eq(directoryImports.kind, kind), lt(directoryImports.uploadedAt, before)))
      .orderBy(desc(directoryImports.id))
      .limit(1)
      .get() ?? null
  );
}

export function getImportRow(id: number, tx: TExecutor = getDb()): TDirectoryImport | null {
  return tx.select().from(directoryImports).where(eq(directoryImports.id, id)).get() ?? null;
}

export function listImportRows(kind: TImportKind | undefined, limit: number, offset: number): { rows: TDirectoryImport[]; total: number } {
  const db = getDb();
  const where = kind ? eq(directoryImports.kind, kind) : undefined;
  const rows = db.select().from(directoryImports).where(where).orderBy(desc(directoryImports.id)).limit(limit).offset(offset).all();
  const total = db.select({ n: count() }).from(directoryImports).where(where).get()?.n ?? 0;
  return { rows, total };
}

export function insertImportRow(tx: TExecutor, values: Omit<typeof directoryImports.$inferInsert, 'id'>): TDirectoryImport {
  return tx.insert(directoryImports).values(values).returning().get();
}

/**
 * A prepared insert for the records of one import (positional binding: the hot path of a 100k-row
 * roster). Call it inside the caller's transaction: it runs on the same connection.
 */
export function importRecordWriter(kind: TImportKind, importId: number): (record: TImportRecord) => void {
  const db = getDb().$client;
  if (kind === 'hr') {
    const stmt = db.prepare(
      `INSERT INTO hr_records (import_id, email, employment_status, termination_date, department, cost_center, division, manager_email, name)
       VALUES (${importId}, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    return (r) => {
      if (r.kind !== 'hr') throw new Error('an activity record in an HR import');
      stmt.run(r.email, r.employmentStatus, r.terminationDate, r.department, r.costCenter, r.division, r.managerEmail, r.name);
    };
  }
  const stmt = db.prepare(`INSERT INTO activity_records (import_id, email, last_active_at) VALUES (${importId}, ?, ?)`);
  return (r) => {
    if (r.kind !== 'activity') throw new Error('an HR record in an activity import');
    stmt.run(r.email, r.lastActiveAt);
  };
}

/** Rows stored for one import (its recorded row_count must match). */
export function countImportRecords(kind: TImportKind, importId: number): number {
  const table = kind === 'hr' ? 'hr_records' : 'activity_records';
  return getDb().$client.prepare<[number], number>(`SELECT count(*) FROM ${table} WHERE import_id = ?`).pluck().get(importId) ?? 0;
}

/** How many imports and imported rows the database holds (tests compare before and after a refused import). */
export function countAllImportContent(): { imports: number; hrRecords: number; activityRecords: number } {
  const db = getDb().$client;
  const n = (table: string): number => db.prepare<[], number>(`SELECT count(*) FROM ${table}`).pluck().get() ?? 0;
  return { imports: n('directory_imports'), hrRecords: n('hr_records'), activityRecords: n('activity_records') };
}
