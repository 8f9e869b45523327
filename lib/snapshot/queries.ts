import 'server-only';
import Database from 'better-sqlite3';
import { and, count, desc, eq, lt, sql } from 'drizzle-orm';
import { getDb, type TExecutor } from '@/db/client';
import { snapshots, type TSnapshot, type TSnapshotPhase } from '@/db/schema';
import { env } from '@/lib/env';
import type { TGroupSort, TSortDir, TUserSort } from './types';

/**
 * Every SQL statement of lib/snapshot (house rule: only queries.ts touches the database).
 *
 * - Snapshot rows (status, progress, heartbeat) go through drizzle.
 * - The row writer and the page queries use raw better-sqlite3 prepared statements: they are the
 *   hot paths (a million membership inserts; pages over 100k users / 1M memberships).
 * - Streams (digest pass, exports) read through a separate read-only connection
 *   (`openSnapshotReader`): better-sqlite3 refuses every write on a connection while one of its
 *   iterators is open, and an export may stay open for minutes while a browser downloads it.
 *   In WAL mode that connection also sees one consistent state for its whole read transaction.
 */

// ---------------------------------------------------------------------------------------------
// Snapshot rows
// ---------------------------------------------------------------------------------------------

export type TNewSnapshot = Pick<
  typeof snapshots.$inferInsert,
  'startedAt' | 'heartbeatAt' | 'ownerPid' | 'ownerHost' | 'startedById' | 'startedByEmail' | 'trigger' | 'source' | 'baseUrl'
>;

export function insertRunningSnapshot(tx: TExecutor, values: TNewSnapshot): TSnapshot {
  return tx
    .insert(snapshots)
    .values({ ...values, status: 'running', phase: 'starting' })
    .returning()
    .get();
}

export function getSnapshotRow(id: number, tx: TExecutor = getDb()): TSnapshot | null {
  return tx.select().from(snapshots).where(eq(snapshots.id, id)).get() ?? null;
}

export function getRunningSnapshotRow(tx: TExecutor = getDb()): TSnapshot | null {
  return tx.select().from(snapshots).where(eq(snapshots.status, 'running')).orderBy(desc(snapshots.id)).limit(1).get() ?? null;
}

export function listRunningSnapshotRows(tx: TExecutor = getDb()): TSnapshot[] {
  return tx.select().from(snapshots).where(eq(snapshots.status, 'running')).all();
}

/** The newest complete snapshot (the "current" one), or null. */
export function getLatestCompleteSnapshotRow(tx: TExecutor = getDb()): TSnapshot | null {
  return tx.select().from(snapshots).where(eq(snapshots.status, 'complete')).orderBy(desc(snapshots.id)).limit(1).get() ?? null;
}

/** A complete snapshot by id, or null (readers only ever see complete snapshots). */
export function getCompleteSnapshotRow(id: number, tx: TExecutor = getDb()): TSnapshot | null {
  return tx.select().from(snapshots).where(and(eq(snapshots.id, id), eq(snapshots.status, 'complete'))).get() ?? null;
}

export function listSnapshotRows(limit: number, offset: number): { rows: TSnapshot[]; total: number } {
  const db = getDb();
  const rows = db.select().from(snapshots).orderBy(desc(snapshots.id)).limit(limit).offset(offset).all();
  const total = db.select({ n: count() }).from(snapshots).get()?.n ?? 0;
  return { rows, total };
}

/** Ids of complete snapshots, newest first. */
export function listCompleteSnapshotIds(tx: TExecutor = getDb()): number[] {
  return tx
    .select({ id: snapshots.id })
    .from(snapshots)
    .where(eq(snapshots.status, 'complete'))
    .orderBy(desc(snapshots.id))
    .all()
    .map((r) => r.id);
}

/** Finished (complete, failed, cancelled) snapshots older than `beforeId`, oldest first. */
export function listFinishedSnapshotsBefore(beforeId: number, tx: TExecutor = getDb()): TSnapshot[] {
  return tx
    .select()
    .from(snapshots)
    .where(and(lt(snapshots.id, beforeId), sql`${snapshots.status} IN ('complete', 'failed', 'cancelled')`))
    .orderBy(snapshots.id)
    .all();
}

export type TProgressColumns = {
  phase: TSnapshotPhase;
  usersTotal: number | null;
  usersDone: number;
  groupsTotal: number | null;
  groupsDone: number;
  membershipsCount: number;
  requests: number;
  retries: number;
  throttled: number;
  rateLimitWaitMs: number;
};

/** Persist progress; false when the snapshot is no longer running (recovered or ended elsewhere). */
export function updateSnapshotProgress(id: number, progress: TProgressColumns): boolean {
  return (
    getDb()
      .update(snapshots)
      .set(progress)
      .where(and(eq(snapshots.id, id), eq(snapshots.status, 'running')))
      .run().changes > 0
  );
}

/** Heartbeat; false when the snapshot is no longer running. */
export function touchSnapshotHeartbeat(id: number, at: string): boolean {
  return (
    getDb()
      .update(snapshots)
      .set({ heartbeatAt: at })
      .where(and(eq(snapshots.id, id), eq(snapshots.status, 'running')))
      .run().changes > 0
  );
}

/** The cancel flag (set by any process through `requestSnapshotCancel`) and who asked. */
export function readCancelState(id: number): { requested: boolean; note: string | null } {
  const row = getDb().select({ c: snapshots.cancelRequested, note: snapshots.error }).from(snapshots).where(eq(snapshots.id, id)).get();
  return { requested: row?.c ?? false, note: row?.note ?? null };
}

/**
 * Flag a running snapshot for cancellation. `note` (who asked) waits in `error` until the runner
 * ends the snapshot and uses it as the reason. False when it is not running.
 */
export function setCancelRequested(tx: TExecutor, id: number, note: string): boolean {
  return (
    tx
      .update(snapshots)
      .set({ cancelRequested: true, error: note })
      .where(and(eq(snapshots.id, id), eq(snapshots.status, 'running')))
      .run().changes > 0
  );
}

export type TFinalColumns = Partial<TProgressColumns> & {
  finishedAt: string;
  durationMs: number;
  orphanMembershipsCount?: number;
  digest?: string | null;
  heartbeatAt?: string;
};

/** running → complete, only if still running (a recovered snapshot is never resurrected). */
export function markSnapshotComplete(tx: TExecutor, id: number, values: TFinalColumns): boolean {
  return (
    tx
      .update(snapshots)
      .set({ ...values, status: 'complete', phase: 'done', error: null })
      .where(and(eq(snapshots.id, id), eq(snapshots.status, 'running')))
      .run().changes > 0
  );
}

/** running → failed | cancelled with the reason, only if still running. */
export function markSnapshotEnded(
  tx: TExecutor,
  id: number,
  status: 'failed' | 'cancelled',
  reason: string,
  values: Partial<TFinalColumns> = {},
): boolean {
  return (
    tx
      .update(snapshots)
      .set({ ...values, status, error: reason })
      .where(and(eq(snapshots.id, id), eq(snapshots.status, 'running')))
      .run().changes > 0
  );
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Ids of snapshots that rows of other tables point at through a foreign key that forbids the
 * delete (RESTRICT / NO ACTION, e.g. campaigns.snapshot_id). Read from the schema, so a table
 * added later protects its snapshots without this module knowing it.
 */
export function snapshotIdsHeldByForeignKeys(): Set<number> {
  const db = getDb().$client;
  const ids = new Set<number>();
  const tables = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all();
  for (const table of tables) {
    const fks = db.pragma(`foreign_key_list(${quoteIdent(table)})`) as Array<{ table: string; from: string; on_delete: string }>;
    for (const fk of fks) {
      if (fk.table !== 'snapshots' || ['CASCADE', 'SET NULL', 'SET DEFAULT'].includes(fk.on_delete.toUpperCase())) continue;
      const col = quoteIdent(fk.from);
      for (const id of db.prepare<[], number>(`SELECT DISTINCT ${col} FROM ${quoteIdent(table)} WHERE ${col} IS NOT NULL`).pluck().all()) ids.add(id);
    }
  }
  return ids;
}

/** Delete the snapshot record itself (its rows must be gone already; the FKs cascade anyway). */
export function deleteSnapshotRecord(tx: TExecutor, id: number): boolean {
  return tx.delete(snapshots).where(eq(snapshots.id, id)).run().changes > 0;
}

// ---------------------------------------------------------------------------------------------
// Row writer (raw prepared statements, one transaction per batch)
// ---------------------------------------------------------------------------------------------

/** Parameters of one snapshot_users row, in column order (positional binding is the fastest). */
export type TUserInsert = [
  scimId: string,
  userName: string,
  email: string,
  givenName: string | null,
  familyName: string | null,
  displayName: string | null,
  title: string | null,
  active: 0 | 1,
  department: string | null,
  costCenter: string | null,
  division: string | null,
  organization: string | null,
  managerEmail: string | null,
  managerName: string | null,
  emailsJson: string,
  rawJson: string,
];

export type TRowSink = {
  user: (row: TUserInsert) => void;
  group: (scimId: string, displayName: string, memberCount: number, rawJson: string) => void;
  /**
   * Insert memberships `start..end-1` of the parallel arrays; returns the indexes that were
   * already there (a member listed twice), usually none.
   */
  memberships: (
    groupIds: readonly string[],
    userIds: readonly string[],
    displays: ReadonlyArray<string | null>,
    orphans: ReadonlyArray<0 | 1>,
    start: number,
    end: number,
  ) => number[];
};

export class SnapshotNotRunningError extends Error {
  override name = 'SnapshotNotRunningError';
}

export type TSnapshotRowStore = {
  /** Run `fill` in one transaction; it first checks that the snapshot is still running and owned by this process. */
  writeBatch: (fill: (sink: TRowSink) => void) => void;
  setGroupMemberCounts: (counts: Iterable<[string, number]>) => void;
  /** Flag memberships whose user is not in the snapshot's user list; returns how many. */
  flagOrphanMemberships: () => number;
  /** Give back the connection's page cache (call once, when the writer is done). */
  release: () => void;
};

// While a snapshot is written, the connection's page cache holds the hot index pages: inserts of a
// million memberships touch random leaves of the (snapshot_id, user_id) index, and re-reading them
// from the OS on every batch doubled the write time in bench/snapshot.bench.ts.
const WRITER_CACHE_KIB = 64 * 1024;
// And checkpoints every ~40 MB of WAL instead of 4 MB: each checkpoint syncs the files, and
// 50k-row batches would otherwise trigger one per commit.
const WRITER_AUTOCHECKPOINT_PAGES = 10_000;

/** Prepared statements of one snapshot's writer. */
export function openSnapshotRowStore(snapshotId: number, ownerPid: number): TSnapshotRowStore {
  const db = getDb().$client;
  const insertUser = db.prepare(
    `INSERT INTO snapshot_users (snapshot_id, scim_id, user_name, email, given_name, family_name, display_name, title, active,
       department, cost_center, division, organization, manager_email, manager_name, emails_json, raw_json)
     VALUES (${snapshotId}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertGroup = db.prepare(
    `INSERT INTO snapshot_groups (snapshot_id, scim_id, display_name, member_count, raw_json) VALUES (${snapshotId}, ?, ?, ?, ?)`,
  );
  const insertMembership = db.prepare(
    // OR IGNORE: a server that lists a member twice must not fail the snapshot (the writer corrects the count).
    `INSERT OR IGNORE INTO snapshot_memberships (snapshot_id, group_id, user_id, member_display, orphan) VALUES (${snapshotId}, ?, ?, ?, ?)`,
  );
  const ownerOf = db.prepare<[number], { status: string; ownerPid: number }>('SELECT status, owner_pid AS ownerPid FROM snapshots WHERE id = ?');
  const setMemberCount = db.prepare('UPDATE snapshot_groups SET member_count = ? WHERE snapshot_id = ? AND scim_id = ?');
  const flagOrphans = db.prepare(
    `UPDATE snapshot_memberships SET orphan = 1
      WHERE snapshot_id = ? AND orphan = 0
        AND user_id NOT IN (SELECT scim_id FROM snapshot_users WHERE snapshot_id = ?)`,
  );

  const previousCache = db.pragma('cache_size', { simple: true }) as number;
  const previousCheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  db.pragma(`cache_size = -${WRITER_CACHE_KIB}`);
  db.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
  let released = false;

  const sink: TRowSink = {
    user: (row) => void insertUser.run(row),
    group: (scimId, displayName, memberCount, rawJson) => void insertGroup.run(scimId, displayName, memberCount, rawJson),
    memberships: (groupIds, userIds, displays, orphans, start, end) => {
      const duplicates: number[] = [];
      for (let i = start; i < end; i++) {
        if (insertMembership.run(groupIds[i], userIds[i], displays[i] ?? null, orphans[i] ?? 0).changes === 0) duplicates.push(i);
      }
      return duplicates;
    },
  };
  const assertOwned = (): void => {
    const row = ownerOf.get(snapshotId);
    // A snapshot recovered as interrupted by another process must not receive more rows.
    if (!row || row.status !== 'running' || row.ownerPid !== ownerPid) {
      throw new SnapshotNotRunningError(`Snapshot #${snapshotId} is no longer running (${row ? row.status : 'deleted'}).`);
    }
  };
  const batch = db.transaction((fill: (s: TRowSink) => void) => {
    assertOwned();
    fill(sink);
  });
  return {
    writeBatch: (fill) => batch(fill),
    setGroupMemberCounts: db.transaction((counts: Iterable<[string, number]>) => {
      assertOwned();
      for (const [groupId, n] of counts) setMemberCount.run(n, snapshotId, groupId);
    }),
    flagOrphanMemberships: () => flagOrphans.run(snapshotId, snapshotId).changes,
    release: () => {
      if (released) return;
      released = true;
      if (!db.open) return;
      db.pragma(`cache_size = ${Number(previousCache)}`);
      db.pragma(`wal_autocheckpoint = ${Number(previousCheckpoint)}`);
    },
  };
}

/** Count the orphan memberships of a snapshot. */
export function countOrphanMemberships(snapshotId: number): number {
  const row = getDb().$client.prepare<[number], { n: number }>('SELECT count(*) AS n FROM snapshot_memberships WHERE snapshot_id = ? AND orphan = 1').get(snapshotId);
  return row?.n ?? 0;
}

/** How many rows of each kind a snapshot holds (any status): 0/0/0 after a discard. */
export function countSnapshotContent(snapshotId: number): { users: number; groups: number; memberships: number } {
  const db = getDb().$client;
  const n = (table: string): number =>
    db.prepare<[number], { n: number }>(`SELECT count(*) AS n FROM ${table} WHERE snapshot_id = ?`).get(snapshotId)?.n ?? 0;
  return { users: n('snapshot_users'), groups: n('snapshot_groups'), memberships: n('snapshot_memberships') };
}

const CONTENT_TABLES = ['snapshot_memberships', 'snapshot_users', 'snapshot_groups'] as const;

/**
 * Delete up to `limit` content rows of a snapshot, memberships first; returns how many went
 * (0 = nothing left). Callers loop: one big DELETE of a million rows would hold the write lock
 * for seconds, blocking reviewers' decisions.
 */
export function deleteSnapshotContentChunk(snapshotId: number, limit: number): number {
  const db = getDb().$client;
  for (const table of CONTENT_TABLES) {
    const changes = db.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE snapshot_id = ? LIMIT ?)`).run(snapshotId, limit).changes;
    if (changes > 0) return changes;
  }
  return 0;
}

/** Failed or cancelled snapshots that still hold rows (a crash during a discard). */
export function listEndedSnapshotsWithRows(): number[] {
  return getDb()
    .$client.prepare<[], { id: number }>(
      `SELECT s.id FROM snapshots s
        WHERE s.status IN ('failed', 'cancelled')
          AND (EXISTS (SELECT 1 FROM snapshot_memberships m WHERE m.snapshot_id = s.id)
            OR EXISTS (SELECT 1 FROM snapshot_users u WHERE u.snapshot_id = s.id)
            OR EXISTS (SELECT 1 FROM snapshot_groups g WHERE g.snapshot_id = s.id))`,
    )
    .all()
    .map((r) => r.id);
}

// ---------------------------------------------------------------------------------------------
// Read-only connection for streams
// ---------------------------------------------------------------------------------------------

export type TSnapshotReader = {
  /** Start one read transaction: every statement until `close` sees the same state (WAL). */
  begin: () => void;
  close: () => void;
  readonly connection: Database.Database;
};

/**
 * A read-only connection to the app database for long reads. Falls back to the main connection
 * for a `:memory:` database (tests only: a second connection cannot see it; writes then wait
 * until the stream ends).
 */
export function openSnapshotReader(): TSnapshotReader {
  const path = env().databasePath;
  if (path === ':memory:') {
    const shared = getDb().$client;
    return { connection: shared, begin: () => undefined, close: () => undefined };
  }
  const connection = new Database(path, { readonly: true, fileMustExist: true });
  connection.pragma('busy_timeout = 5000');
  let inTransaction = false;
  return {
    connection,
    begin: () => {
      if (inTransaction) return;
      connection.exec('BEGIN');
      inTransaction = true;
    },
    close: () => {
      if (!connection.open) return;
      if (inTransaction) connection.exec('ROLLBACK');
      connection.close();
    },
  };
}

/** Raw row of a user in digest form (emails still JSON). */
export type TDigestUserRaw = [
  id: string,
  userName: string,
  email: string,
  givenName: string | null,
  familyName: string | null,
  displayName: string | null,
  title: string | null,
  active: number,
  department: string | null,
  costCenter: string | null,
  division: string | null,
  organization: string | null,
  managerEmail: string | null,
  managerName: string | null,
  emailsJson: string,
];

// ORDER BY the primary key: SQLite walks the (snapshot_id, id…) index, no sort, BINARY = UTF-8 byte order.
export function iterateDigestGroups(reader: TSnapshotReader, snapshotId: number): IterableIterator<[string, string]> {
  return reader.connection
    .prepare<[number], [string, string]>('SELECT scim_id, display_name FROM snapshot_groups WHERE snapshot_id = ? ORDER BY scim_id')
    .raw()
    .iterate(snapshotId);
}

/**
 * Membership records already rendered as their canonical JSON by SQLite, in primary-key order.
 * `json_quote` escapes exactly as JSON.stringify does for any stored (valid UTF-8) text —
 * digest-sql.test.ts checks it — and skipping a JS array and two strings per row halves the
 * digest pass over a million memberships.
 */
export function iterateDigestMembershipJson(reader: TSnapshotReader, snapshotId: number): IterableIterator<string> {
  return reader.connection
    .prepare<[number], string>(
      `SELECT '{"groupId":' || json_quote(group_id) || ',"userId":' || json_quote(user_id) || '}'
         FROM snapshot_memberships WHERE snapshot_id = ? ORDER BY group_id, user_id`,
    )
    .pluck()
    .iterate(snapshotId);
}

/** `json_quote` of a value, for the test that pins it to JSON.stringify. */
export function sqlJsonQuote(value: string): string {
  return getDb().$client.prepare<[string], string>('SELECT json_quote(?)').pluck().get(value) ?? '';
}

export function iterateDigestUsers(reader: TSnapshotReader, snapshotId: number): IterableIterator<TDigestUserRaw> {
  return reader.connection
    .prepare<[number], TDigestUserRaw>(
      `SELECT scim_id, user_name, email, given_name, family_name, display_name, title, active, department, cost_center,
              division, organization, manager_email, manager_name, emails_json
         FROM snapshot_users WHERE snapshot_id = ? ORDER BY scim_id`,
    )
    .raw()
    .iterate(snapshotId);
}

/** Complete snapshot row through the reader (inside its read transaction). */
export function readerSnapshotRow(reader: TSnapshotReader, snapshotId: number): Record<string, unknown> | null {
  const row = reader.connection
    .prepare<[number], Record<string, unknown>>(
      `SELECT id, status, started_at AS startedAt, finished_at AS finishedAt, started_by_id AS startedById,
              started_by_email AS startedByEmail, "trigger", source, base_url AS baseUrl, users_total AS usersTotal,
              groups_total AS groupsTotal, memberships_count AS membershipsCount,
              orphan_memberships_count AS orphanMembershipsCount, requests, retries, throttled,
              rate_limit_wait_ms AS rateLimitWaitMs, duration_ms AS durationMs, digest
         FROM snapshots WHERE id = ? AND status = 'complete'`,
    )
    .get(snapshotId);
  return row ?? null;
}

export const USERS_CSV_HEADER = [
  'id',
  'userName',
  'email',
  'givenName',
  'familyName',
  'displayName',
  'title',
  'active',
  'department',
  'costCenter',
  'division',
  'organization',
  'managerEmail',
  'managerName',
  'groupCount',
] as const;

export type TUsersCsvRaw = [
  string,
  string,
  string,
  string | null,
  string | null,
  string | null,
  string | null,
  number,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  number,
];

/** Users in id order with their group count (a grouped pass over the membership index, merged by id). */
export function iterateUsersCsvRows(reader: TSnapshotReader, snapshotId: number): IterableIterator<TUsersCsvRaw> {
  return reader.connection
    .prepare<[number], TUsersCsvRaw>(
      `SELECT u.scim_id, u.user_name, u.email, u.given_name, u.family_name, u.display_name, u.title, u.active, u.department,
              u.cost_center, u.division, u.organization, u.manager_email, u.manager_name,
              (SELECT count(*) FROM snapshot_memberships m WHERE m.snapshot_id = u.snapshot_id AND m.user_id = u.scim_id)
         FROM snapshot_users u WHERE u.snapshot_id = ? ORDER BY u.scim_id`,
    )
    .raw()
    .iterate(snapshotId);
}

export const GROUPS_CSV_HEADER = ['id', 'displayName', 'memberCount'] as const;

export function iterateGroupsCsvRows(reader: TSnapshotReader, snapshotId: number): IterableIterator<[string, string, number]> {
  return reader.connection
    .prepare<[number], [string, string, number]>('SELECT scim_id, display_name, member_count FROM snapshot_groups WHERE snapshot_id = ? ORDER BY scim_id')
    .raw()
    .iterate(snapshotId);
}

export const MEMBERSHIPS_CSV_HEADER = ['groupId', 'groupName', 'userId', 'userEmail', 'userName', 'memberDisplay', 'orphan'] as const;
export type TMembershipsCsvRaw = [string, string | null, string, string | null, string | null, string | null, number];

/** Memberships in (group, user) order, joined with group name and user email / userName by primary key. */
export function iterateMembershipsCsvRows(reader: TSnapshotReader, snapshotId: number): IterableIterator<TMembershipsCsvRaw> {
  return reader.connection
    .prepare<[number], TMembershipsCsvRaw>(
      `SELECT m.group_id, g.display_name, m.user_id, u.email, u.user_name, m.member_display, m.orphan
         FROM snapshot_memberships m
         LEFT JOIN snapshot_groups g ON g.snapshot_id = m.snapshot_id AND g.scim_id = m.group_id
         LEFT JOIN snapshot_users u ON u.snapshot_id = m.snapshot_id AND u.scim_id = m.user_id
        WHERE m.snapshot_id = ?
        ORDER BY m.group_id, m.user_id`,
    )
    .raw()
    .iterate(snapshotId);
}

// ---------------------------------------------------------------------------------------------
// Page queries (complete snapshots; the caller checks the status and validates the input)
// ---------------------------------------------------------------------------------------------

/** LIKE pattern for "contains", with `%`, `_` and `\` taken literally (ESCAPE '\'). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const NAME_EXPR = (alias: string) => `NULLIF(trim(coalesce(${alias}.given_name, '') || ' ' || coalesce(${alias}.family_name, '')), '')`;

const USER_COLUMNS = `u.scim_id AS scimId, u.user_name AS userName, u.email, u.given_name AS givenName, u.family_name AS familyName,
  u.display_name AS displayName, u.title, u.active, u.department, u.cost_center AS costCenter, u.division, u.organization,
  u.manager_email AS managerEmail, u.manager_name AS managerName`;

export type TUserRowRaw = {
  scimId: string;
  userName: string;
  email: string;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  title: string | null;
  active: number;
  department: string | null;
  costCenter: string | null;
  division: string | null;
  organization: string | null;
  managerEmail: string | null;
  managerName: string | null;
};

export type TUserFilter = {
  q?: string;
  active?: boolean;
  department?: string;
  groupId?: string;
  noGroups?: boolean;
  externalOnly?: boolean;
  /** Company domains for `externalOnly` (lowercase); with none known, nobody counts as external. */
  companyDomains: readonly string[];
};

type TSqlPart = { sql: string; params: unknown[] };

const EMAIL_DOMAIN = `lower(substr(u.email, instr(u.email, '@') + 1))`;

/** SQL twin of lib/settings `isExternalEmail`: the domain is a company domain or a subdomain of one. */
function companyDomainMatch(domains: readonly string[]): TSqlPart {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const d of domains) {
    parts.push(`${EMAIL_DOMAIN} = ? OR ${EMAIL_DOMAIN} LIKE ? ESCAPE '\\'`);
    params.push(d, `%.${d.replace(/[\\%_]/g, (c) => `\\${c}`)}`);
  }
  return { sql: parts.length > 0 ? `(${parts.join(' OR ')})` : '0', params };
}

function userWhere(snapshotId: number, f: TUserFilter): TSqlPart {
  const where = ['u.snapshot_id = ?'];
  const params: unknown[] = [snapshotId];
  if (f.q) {
    const p = containsPattern(f.q);
    where.push(
      `(u.email LIKE ? ESCAPE '\\' OR u.user_name LIKE ? ESCAPE '\\' OR u.display_name LIKE ? ESCAPE '\\' OR u.title LIKE ? ESCAPE '\\'
        OR ${NAME_EXPR('u')} LIKE ? ESCAPE '\\')`,
    );
    params.push(p, p, p, p, p);
  }
  if (f.active !== undefined) {
    where.push('u.active = ?');
    params.push(f.active ? 1 : 0);
  }
  if (f.department !== undefined) {
    where.push('u.department = ?');
    params.push(f.department);
  }
  if (f.groupId !== undefined) {
    // The group's member ids (a primary-key range) probe the users: cost follows the group's size.
    where.push('u.scim_id IN (SELECT m.user_id FROM snapshot_memberships m WHERE m.snapshot_id = ? AND m.group_id = ?)');
    params.push(snapshotId, f.groupId);
  }
  if (f.noGroups) {
    where.push('NOT EXISTS (SELECT 1 FROM snapshot_memberships m WHERE m.snapshot_id = u.snapshot_id AND m.user_id = u.scim_id)');
  }
  if (f.externalOnly) {
    const match = companyDomainMatch(f.companyDomains);
    // Without known company domains nobody is external (we cannot tell).
    where.push(f.companyDomains.length > 0 ? `NOT ${match.sql}` : '0');
    params.push(...match.params);
  }
  return { sql: where.join(' AND '), params };
}

function userOrder(sort: TUserSort, dir: TSortDir): string {
  const d = dir === 'desc' ? 'DESC' : 'ASC';
  // The name index (snapshot_id, family_name, given_name) serves the default sort with LIMIT, no full sort.
  const byName = 'u.family_name, u.given_name, u.scim_id';
  switch (sort) {
    case 'name':
      return `u.family_name ${d}, u.given_name ${d}, u.scim_id ${d}`;
    case 'email':
      return `u.email ${d}, u.scim_id ${d}`;
    case 'department':
      return `u.department ${d} NULLS LAST, ${byName}`;
    case 'title':
      return `u.title ${d} NULLS LAST, ${byName}`;
    case 'active':
      return `u.active ${d}, ${byName}`;
    case 'groups':
      return `coalesce(gc.n, 0) ${d}, ${byName}`;
  }
}

/** One page of users and the filtered total. Group counts are added for the page rows only. */
export function queryUsersPage(
  snapshotId: number,
  filter: TUserFilter,
  sort: TUserSort,
  dir: TSortDir,
  limit: number,
  offset: number,
): { rows: Array<TUserRowRaw & { groupCount: number }>; total: number } {
  const db = getDb().$client;
  const where = userWhere(snapshotId, filter);
  const total = db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM snapshot_users u WHERE ${where.sql}`).get(...where.params)?.n ?? 0;
  if (total === 0 || offset >= total) return { rows: [], total };
  if (sort === 'groups') {
    // One ordered pass over the (snapshot_id, user_id) index gives every count; cheaper than a subquery per user.
    const rows = db
      .prepare<unknown[], TUserRowRaw & { groupCount: number }>(
        `SELECT ${USER_COLUMNS}, coalesce(gc.n, 0) AS groupCount
           FROM snapshot_users u
           LEFT JOIN (SELECT user_id, count(*) AS n FROM snapshot_memberships WHERE snapshot_id = ? GROUP BY user_id) gc ON gc.user_id = u.scim_id
          WHERE ${where.sql}
          ORDER BY ${userOrder(sort, dir)} LIMIT ? OFFSET ?`,
      )
      .all(snapshotId, ...where.params, limit, offset);
    return { rows, total };
  }
  const page = db
    .prepare<unknown[], TUserRowRaw>(`SELECT ${USER_COLUMNS} FROM snapshot_users u WHERE ${where.sql} ORDER BY ${userOrder(sort, dir)} LIMIT ? OFFSET ?`)
    .all(...where.params, limit, offset);
  const counts = groupCountsOf(snapshotId, page.map((r) => r.scimId));
  return { rows: page.map((r) => ({ ...r, groupCount: counts.get(r.scimId) ?? 0 })), total };
}

function groupCountsOf(snapshotId: number, userIds: readonly string[]): Map<string, number> {
  if (userIds.length === 0) return new Map();
  const rows = getDb()
    .$client.prepare<unknown[], { userId: string; n: number }>(
      `SELECT user_id AS userId, count(*) AS n FROM snapshot_memberships
        WHERE snapshot_id = ? AND user_id IN (${userIds.map(() => '?').join(',')}) GROUP BY user_id`,
    )
    .all(snapshotId, ...userIds);
  return new Map(rows.map((r) => [r.userId, r.n]));
}

export function queryUser(snapshotId: number, scimId: string): (TUserRowRaw & { groupCount: number; emailsJson: string; rawJson: string }) | null {
  const row = getDb()
    .$client.prepare<[number, string], TUserRowRaw & { emailsJson: string; rawJson: string }>(
      `SELECT ${USER_COLUMNS}, u.emails_json AS emailsJson, u.raw_json AS rawJson FROM snapshot_users u WHERE u.snapshot_id = ? AND u.scim_id = ?`,
    )
    .get(snapshotId, scimId);
  if (!row) return null;
  return { ...row, groupCount: groupCountsOf(snapshotId, [scimId]).get(scimId) ?? 0 };
}

export type TGroupRowRaw = { scimId: string; displayName: string; memberCount: number };

export function queryGroupsPage(
  snapshotId: number,
  q: string | undefined,
  sort: TGroupSort,
  dir: TSortDir,
  limit: number,
  offset: number,
): { rows: TGroupRowRaw[]; total: number } {
  const db = getDb().$client;
  const where = q ? `g.snapshot_id = ? AND (g.display_name LIKE ? ESCAPE '\\' OR g.scim_id = ?)` : 'g.snapshot_id = ?';
  const params: unknown[] = q ? [snapshotId, containsPattern(q), q] : [snapshotId];
  const d = dir === 'desc' ? 'DESC' : 'ASC';
  const order = sort === 'members' ? `g.member_count ${d}, g.display_name, g.scim_id` : `g.display_name ${d}, g.scim_id ${d}`;
  const total = db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM snapshot_groups g WHERE ${where}`).get(...params)?.n ?? 0;
  const rows =
    total === 0
      ? []
      : db
          .prepare<unknown[], TGroupRowRaw>(
            `SELECT g.scim_id AS scimId, g.display_name AS displayName, g.member_count AS memberCount
               FROM snapshot_groups g WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`,
          )
          .all(...params, limit, offset);
  return { rows, total };
}

export function queryGroup(snapshotId: number, groupId: string): (TGroupRowRaw & { rawJson: string; orphanMembers: number }) | null {
  return (
    getDb()
      .$client.prepare<[number, string], TGroupRowRaw & { rawJson: string; orphanMembers: number }>(
        `SELECT g.scim_id AS scimId, g.display_name AS displayName, g.member_count AS memberCount, g.raw_json AS rawJson,
                (SELECT count(*) FROM snapshot_memberships m WHERE m.snapshot_id = g.snapshot_id AND m.group_id = g.scim_id AND m.orphan = 1) AS orphanMembers
           FROM snapshot_groups g WHERE g.snapshot_id = ? AND g.scim_id = ?`,
      )
      .get(snapshotId, groupId) ?? null
  );
}

export function queryGroupsOfUser(snapshotId: number, userId: string): TGroupRowRaw[] {
  return getDb()
    .$client.prepare<[number, string], TGroupRowRaw>(
      `SELECT g.scim_id AS scimId, g.display_name AS displayName, g.member_count AS memberCount
         FROM snapshot_memberships m
         JOIN snapshot_groups g ON g.snapshot_id = m.snapshot_id AND g.scim_id = m.group_id
        WHERE m.snapshot_id = ? AND m.user_id = ?
        ORDER BY g.display_name, g.scim_id`,
    )
    .all(snapshotId, userId);
}

export type TGroupMemberRaw = {
  userId: string;
  email: string | null;
  name: string | null;
  title: string | null;
  department: string | null;
  active: number | null;
  memberDisplay: string | null;
  orphan: number;
};

const USER_MATCH = (alias: string) =>
  `(${alias}.email LIKE @p ESCAPE '\\' OR ${alias}.user_name LIKE @p ESCAPE '\\' OR ${alias}.display_name LIKE @p ESCAPE '\\' OR ${NAME_EXPR(alias)} LIKE @p ESCAPE '\\')`;

const MEMBER_COLUMNS = `m.user_id AS userId, u.email, coalesce(u.display_name, ${NAME_EXPR('u')}, u.user_name) AS name, u.title, u.department,
  u.active, m.member_display AS memberDisplay, m.orphan`;

// Above this share of all users, walking the users' email index (probing the membership key) beats
// sorting the group's members; below it, sorting the few members is cheaper.
const BIG_GROUP_SHARE = 1 / 16;

/**
 * Members of one group by email (orphans, which have no email, after everyone else by id).
 * Big groups walk the users' email index and probe the membership primary key, so a page never
 * sorts 50k members; small groups sort their members. `q` matches the user's email, userName or
 * name, an orphan's member display, or the exact member id.
 */
export function queryGroupMembersPage(
  snapshot: { id: number; usersTotal: number | null },
  group: { scimId: string; memberCount: number; orphanMembers: number },
  q: string | undefined,
  limit: number,
  offset: number,
): { rows: TGroupMemberRaw[]; total: number } {
  const db = getDb().$client;
  const params = { s: snapshot.id, g: group.scimId, p: q ? containsPattern(q) : '', q: q ?? '' };
  const userFilter = q ? `AND (${USER_MATCH('u')} OR u.scim_id = @q)` : '';
  const orphanFilter = q ? `AND (m.member_display LIKE @p ESCAPE '\\' OR m.user_id = @q)` : '';
  const big = group.memberCount >= (snapshot.usersTotal ?? 0) * BIG_GROUP_SHARE;
  const membersFrom = big
    ? `FROM snapshot_users u CROSS JOIN snapshot_memberships m ON m.snapshot_id = u.snapshot_id AND m.group_id = @g AND m.user_id = u.scim_id
        WHERE u.snapshot_id = @s ${userFilter}`
    : `FROM snapshot_memberships m JOIN snapshot_users u ON u.snapshot_id = m.snapshot_id AND u.scim_id = m.user_id
        WHERE m.snapshot_id = @s AND m.group_id = @g ${userFilter}`;
  const orphansFrom = `FROM snapshot_memberships m LEFT JOIN snapshot_users u ON 0 WHERE m.snapshot_id = @s AND m.group_id = @g AND m.orphan = 1 ${orphanFilter}`;
  const members = q
    ? (db.prepare<[typeof params], { n: number }>(`SELECT count(*) AS n ${membersFrom}`).get(params)?.n ?? 0)
    : group.memberCount - group.orphanMembers;
  const orphans = q || group.orphanMembers > 0 ? (db.prepare<[typeof params], { n: number }>(`SELECT count(*) AS n ${orphansFrom}`).get(params)?.n ?? 0) : 0;
  const total = members + orphans;
  const rows: TGroupMemberRaw[] = [];
  if (offset < members) {
    rows.push(
      ...db
        .prepare<[typeof params & { limit: number; offset: number }], TGroupMemberRaw>(`SELECT ${MEMBER_COLUMNS} ${membersFrom} ORDER BY u.email, u.scim_id LIMIT @limit OFFSET @offset`)
        .all({ ...params, limit: Math.min(limit, members - offset), offset }),
    );
  }
  if (rows.length < limit && orphans > 0 && offset + rows.length >= members) {
    rows.push(
      ...db
        .prepare<[typeof params & { limit: number; offset: number }], TGroupMemberRaw>(`SELECT ${MEMBER_COLUMNS} ${orphansFrom} ORDER BY m.user_id LIMIT @limit OFFSET @offset`)
        .all({ ...params, limit: limit - rows.length, offset: Math.max(0, offset - members) }),
    );
  }
  return { rows, total };
}

export type TMembershipRowRaw = {
  groupId: string;
  groupName: string;
  userId: string;
  userEmail: string | null;
  userName: string | null;
  memberDisplay: string | null;
  orphan: number;
};

type TMembershipSliceRaw = Omit<TMembershipRowRaw, 'groupName' | 'groupId'>;

// Matched users are passed as a JSON list while there are few; past this, the LIKE subquery is repeated instead.
const MAX_LISTED_USERS = 20_000;

/**
 * Memberships of a snapshot in a stable order: groups by name (then id), members by id.
 *
 * A page never sorts or skips a million rows: the groups (a few thousand) are walked in name
 * order with each one's count of matching memberships — `member_count` without a filter, one
 * grouped count otherwise — and only the one or two groups that hold the page are read, by
 * primary-key range. `q` matches the user's email / userName / name, the group's name, or the
 * exact user id; it is resolved to the matching users and groups first (indexed lookups), never
 * evaluated as a LIKE per membership row.
 */
export function queryMembershipsPage(
  snapshotId: number,
  filter: { q?: string; groupId?: string; orphanOnly?: boolean },
  limit: number,
  offset: number,
): { rows: TMembershipRowRaw[]; total: number } {
  const db = getDb().$client;
  const groups = db
    .prepare<[number], { scimId: string; displayName: string; memberCount: number }>(
      `SELECT scim_id AS scimId, display_name AS displayName, member_count AS memberCount
         FROM snapshot_groups WHERE snapshot_id = ? ORDER BY display_name, scim_id`,
    )
    .all(snapshotId)
    .filter((g) => filter.groupId === undefined || g.scimId === filter.groupId);

  const params: Record<string, unknown> = { s: snapshotId };
  const orphanSql = filter.orphanOnly ? ' AND m.orphan = 1' : '';
  // With `q`: every member of a group whose name matches, plus the memberships of matching users.
  let matchedGroups = new Set<string>();
  let userPredicate = '';
  let sparseUsers = false;
  if (filter.q) {
    params.p = containsPattern(filter.q);
    params.q = filter.q;
    matchedGroups = new Set(
      db
        .prepare<[{ s: number; p: string }], string>(`SELECT scim_id FROM snapshot_groups WHERE snapshot_id = @s AND display_name LIKE @p ESCAPE '\\'`)
        .pluck()
        .all({ s: snapshotId, p: params.p as string }),
    );
    const users = db
      .prepare<[{ s: number; p: string }], string>(`SELECT u.scim_id FROM snapshot_users u WHERE u.snapshot_id = @s AND ${USER_MATCH('u')} LIMIT ${MAX_LISTED_USERS + 1}`)
      .pluck()
      .all({ s: snapshotId, p: params.p as string });
    sparseUsers = users.length <= MAX_LISTED_USERS;
    if (sparseUsers) {
      // The exact-id match rides along in the same list.
      params.users = JSON.stringify([...users, filter.q]);
      userPredicate = ' AND m.user_id IN (SELECT value FROM json_each(@users))';
    } else {
      userPredicate = ` AND m.user_id IN (SELECT u.scim_id FROM snapshot_users u WHERE u.snapshot_id = @s AND ${USER_MATCH('u')} UNION SELECT @q)`;
    }
  }

  // Matching memberships per group: stored counts without a filter, else grouped counts.
  let counts: Map<string, number>;
  const grouped = (sql: string): Map<string, number> =>
    new Map(
      db
        .prepare<[Record<string, unknown>], { groupId: string; n: number }>(sql)
        .all(params)
        .map((r) => [r.groupId, r.n]),
    );
  const orphanCounts = (): Map<string, number> =>
    grouped('SELECT m.group_id AS groupId, count(*) AS n FROM snapshot_memberships m WHERE m.snapshot_id = @s AND m.orphan = 1 GROUP BY m.group_id');
  if (!filter.q) {
    counts = filter.orphanOnly ? orphanCounts() : new Map(groups.map((g) => [g.scimId, g.memberCount]));
  } else {
    // Without statistics (no ANALYZE) SQLite would scan the covering primary key for a short id
    // list; a few thousand ids are cheaper through the user index.
    counts = grouped(
      `SELECT m.group_id AS groupId, count(*) AS n FROM snapshot_memberships m${sparseUsers ? ' INDEXED BY snapshot_memberships_user_idx' : ''}
        WHERE m.snapshot_id = @s${userPredicate}${orphanSql} GROUP BY m.group_id`,
    );
    if (matchedGroups.size > 0) {
      const whole = filter.orphanOnly ? orphanCounts() : new Map(groups.map((g) => [g.scimId, g.memberCount]));
      for (const id of matchedGroups) counts.set(id, whole.get(id) ?? 0);
    }
  }
  let total = 0;
  for (const g of groups) total += counts.get(g.scimId) ?? 0;

  const sliceSql = (predicate: string) =>
    `SELECT m.user_id AS userId, u.email AS userEmail, coalesce(u.display_name, ${NAME_EXPR('u')}, u.user_name) AS userName,
            m.member_display AS memberDisplay, m.orphan
       FROM snapshot_memberships m
       LEFT JOIN snapshot_users u ON u.snapshot_id = m.snapshot_id AND u.scim_id = m.user_id
      WHERE m.snapshot_id = @s AND m.group_id = @g${predicate}${orphanSql}
      ORDER BY m.user_id LIMIT @limit OFFSET @offset`;
  const wholeGroup = db.prepare<[Record<string, unknown>], TMembershipSliceRaw>(sliceSql(''));
  const matchingUsers = userPredicate ? db.prepare<[Record<string, unknown>], TMembershipSliceRaw>(sliceSql(userPredicate)) : wholeGroup;
  const slice = (groupId: string) => (!filter.q || matchedGroups.has(groupId) ? wholeGroup : matchingUsers);
  const rows: TMembershipRowRaw[] = [];
  let skip = offset;
  for (const g of groups) {
    if (rows.length >= limit) break;
    const n = counts.get(g.scimId) ?? 0;
    if (skip >= n) {
      skip -= n;
      continue;
    }
    for (const r of slice(g.scimId).all({ ...params, g: g.scimId, limit: limit - rows.length, offset: skip })) {
      rows.push({ groupId: g.scimId, groupName: g.displayName, ...r });
    }
    skip = 0;
  }
  return { rows, total };
}

/** The organisation fields of the enterprise extension that campaigns can scope by. */
const ORG_UNIT_COLUMNS = { department: 'department', costCenter: 'cost_center', division: 'division' } as const;
export type TOrgUnitField = keyof typeof ORG_UNIT_COLUMNS;

/** Distinct non-null values of one organisation field, sorted. */
export function queryDistinctOrgUnits(snapshotId: number, field: TOrgUnitField): string[] {
  const column = ORG_UNIT_COLUMNS[field];
  return getDb()
    .$client.prepare<[number], { d: string }>(
      `SELECT DISTINCT ${column} AS d FROM snapshot_users WHERE snapshot_id = ? AND ${column} IS NOT NULL ORDER BY ${column}`,
    )
    .all(snapshotId)
    .map((r) => r.d);
}

export function queryDepartments(snapshotId: number): string[] {
  return queryDistinctOrgUnits(snapshotId, 'department');
}

/** The most common email domain of a snapshot's users (company-domain inference), or null. */
export function queryMostCommonEmailDomain(snapshotId: number): string | null {
  const row = getDb()
    .$client.prepare<[number], { d: string; n: number }>(
      `SELECT ${EMAIL_DOMAIN} AS d, count(*) AS n FROM snapshot_users u
        WHERE u.snapshot_id = ? AND instr(u.email, '@') > 0 GROUP BY d ORDER BY n DESC, d LIMIT 1`,
    )
    .get(snapshotId);
  return row?.d ?? null;
}

// ---------------------------------------------------------------------------------------------
// Diff of two snapshots (set operations on the indexed keys)
// ---------------------------------------------------------------------------------------------

export const DIFF_KINDS = ['joiner', 'leaver', 'activated', 'deactivated', 'attribute', 'membership_added', 'membership_removed'] as const;
export type TDiffKind = (typeof DIFF_KINDS)[number];
export const DIFF_FIELDS = ['userName', 'email', 'name', 'title', 'department', 'costCenter', 'division', 'organization', 'manager'] as const;
export type TDiffField = (typeof DIFF_FIELDS)[number];

const FIELD_SQL: Record<TDiffField, (alias: string) => string> = {
  userName: (a) => `${a}.user_name`,
  email: (a) => `${a}.email`,
  name: (a) => NAME_EXPR(a),
  title: (a) => `${a}.title`,
  department: (a) => `${a}.department`,
  costCenter: (a) => `${a}.cost_center`,
  division: (a) => `${a}.division`,
  organization: (a) => `${a}.organization`,
  manager: (a) => `${a}.manager_email`,
};

export type TDiffEntryRaw = {
  kind: TDiffKind;
  userId: string;
  userEmail: string | null;
  groupId: string | null;
  groupName: string | null;
  /** The changed attribute ('attribute'), 'active' for activated / deactivated, null otherwise. */
  field: TDiffField | 'active' | null;
  before: string | null;
  after: string | null;
};

const DIFF_COLUMNS = 'kind, userId, userEmail, groupId, groupName, field, before, after';

// `@from` / `@to` are bound by name. Each arm lists its entries in a stable order.
const PAIRS = `FROM snapshot_users t JOIN snapshot_users f ON f.snapshot_id = @from AND f.scim_id = t.scim_id WHERE t.snapshot_id = @to`;

function membershipSetSql(kind: 'membership_added' | 'membership_removed'): string {
  const [a, b] = kind === 'membership_added' ? ['@to', '@from'] : ['@from', '@to'];
  // EXCEPT over two primary-key-ordered scans: SQLite merges them, no probe per row.
  return `SELECT '${kind}' AS kind, d.user_id AS userId, u.email AS userEmail, d.group_id AS groupId, g.display_name AS groupName,
                 NULL AS field, NULL AS before, NULL AS after
            FROM (SELECT group_id, user_id FROM snapshot_memberships WHERE snapshot_id = ${a}
                  EXCEPT
                  SELECT group_id, user_id FROM snapshot_memberships WHERE snapshot_id = ${b}
                  ORDER BY 1, 2) d
            LEFT JOIN snapshot_groups g ON g.snapshot_id = ${a} AND g.scim_id = d.group_id
            LEFT JOIN snapshot_users u ON u.snapshot_id = ${a} AND u.scim_id = d.user_id`;
}

const ANY_FIELD_CHANGED = DIFF_FIELDS.map((f) => `${FIELD_SQL[f]('f')} IS NOT ${FIELD_SQL[f]('t')}`).join(' OR ');

const USER_ARM_SQL: Record<'joiner' | 'leaver' | 'activated' | 'deactivated', string> = {
  joiner: `SELECT 'joiner' AS kind, t.scim_id AS userId, t.email AS userEmail, NULL AS groupId, NULL AS groupName, NULL AS field, NULL AS before, NULL AS after
             FROM snapshot_users t
            WHERE t.snapshot_id = @to AND NOT EXISTS (SELECT 1 FROM snapshot_users f WHERE f.snapshot_id = @from AND f.scim_id = t.scim_id)`,
  leaver: `SELECT 'leaver' AS kind, f.scim_id AS userId, f.email AS userEmail, NULL AS groupId, NULL AS groupName, NULL AS field, NULL AS before, NULL AS after
             FROM snapshot_users f
            WHERE f.snapshot_id = @from AND NOT EXISTS (SELECT 1 FROM snapshot_users t WHERE t.snapshot_id = @to AND t.scim_id = f.scim_id)`,
  activated: `SELECT 'activated' AS kind, t.scim_id AS userId, t.email AS userEmail, NULL AS groupId, NULL AS groupName,
                     'active' AS field, 'false' AS before, 'true' AS after ${PAIRS} AND f.active = 0 AND t.active = 1`,
  deactivated: `SELECT 'deactivated' AS kind, t.scim_id AS userId, t.email AS userEmail, NULL AS groupId, NULL AS groupName,
                       'active' AS field, 'true' AS before, 'false' AS after ${PAIRS} AND f.active = 1 AND t.active = 0`,
};

const DIFF_ORDER: Record<TDiffKind, string> = {
  joiner: 'userEmail, userId',
  leaver: 'userEmail, userId',
  activated: 'userEmail, userId',
  deactivated: 'userEmail, userId',
  attribute: 'userEmail, userId, ord',
  membership_added: 'groupName, groupId, userEmail, userId',
  membership_removed: 'groupName, groupId, userEmail, userId',
};

// SQLite has no LATERAL: pick the field's before/after with CASE on the field ordinal.
function attributeArmSql(): string {
  const caseOf = (prefix: 'b' | 'a') => `CASE fl.ord ${DIFF_FIELDS.map((_, i) => `WHEN ${i} THEN c.${prefix}${i}`).join(' ')} END`;
  return `SELECT 'attribute' AS kind, c.userId, c.userEmail, NULL AS groupId, NULL AS groupName, fl.field AS field,
                 ${caseOf('b')} AS before, ${caseOf('a')} AS after, fl.ord AS ord
            FROM (SELECT t.scim_id AS userId, t.email AS userEmail,
                         ${DIFF_FIELDS.map((f, i) => `${FIELD_SQL[f]('f')} AS b${i}, ${FIELD_SQL[f]('t')} AS a${i}`).join(', ')}
                    ${PAIRS} AND (${ANY_FIELD_CHANGED})) c
            JOIN (${DIFF_FIELDS.map((f, i) => `SELECT ${i} AS ord, '${f}' AS field`).join(' UNION ALL ')}) fl
           WHERE (${caseOf('b')}) IS NOT (${caseOf('a')})`;
}

function armSql(kind: TDiffKind): string {
  if (kind === 'attribute') return attributeArmSql();
  if (kind === 'membership_added' || kind === 'membership_removed') return membershipSetSql(kind);
  return USER_ARM_SQL[kind];
}

type TDiffParams = { from: number; to: number };

/** Entries of each kind between two snapshots, counted with the same SQL that lists them. */
export function countDiffEntries(fromId: number, toId: number): Record<TDiffKind, number> {
  const db = getDb().$client;
  const out = {} as Record<TDiffKind, number>;
  for (const kind of DIFF_KINDS) {
    out[kind] = db.prepare<[TDiffParams], { n: number }>(`SELECT count(*) AS n FROM (${armSql(kind)})`).get({ from: fromId, to: toId })?.n ?? 0;
  }
  return out;
}

/** One slice of one kind's entries, in that kind's stable order. */
export function queryDiffEntries(fromId: number, toId: number, kind: TDiffKind, limit: number, offset: number): TDiffEntryRaw[] {
  return getDb()
    .$client.prepare<[TDiffParams & { limit: number; offset: number }], TDiffEntryRaw>(
      `SELECT ${DIFF_COLUMNS} FROM (${armSql(kind)}) ORDER BY ${DIFF_ORDER[kind]} LIMIT @limit OFFSET @offset`,
    )
    .all({ from: fromId, to: toId, limit, offset });
}

export type TDiffCsvRaw = [TDiffKind, string, string | null, string | null, string | null, TDiffField | 'active' | null, string | null, string | null];

/** Every entry of one kind through the reader connection (CSV export). */
export function iterateDiffEntries(reader: TSnapshotReader, fromId: number, toId: number, kind: TDiffKind): IterableIterator<TDiffCsvRaw> {
  return reader.connection
    .prepare<[TDiffParams], TDiffCsvRaw>(`SELECT ${DIFF_COLUMNS} FROM (${armSql(kind)}) ORDER BY ${DIFF_ORDER[kind]}`)
    .raw()
    .iterate({ from: fromId, to: toId });
}
