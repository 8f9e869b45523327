import 'server-only';
import type Database from 'better-sqlite3';
import { getDb } from '@/db/client';
import type { TSnapshot } from '@/db/schema';
import { containsPattern, openSnapshotReader, type TSnapshotReader } from '@/lib/snapshot/queries';
import { RECLAIM_MASK, STALE_RULES, type TStaleRuleKey } from './rules';

/**
 * Every SQL statement of lib/stale (house rule: only queries.ts touches the database).
 *
 * The rules are ONE set-based SELECT over a snapshot's users joined to the current HR roster and
 * activity import by their primary keys ((import_id, email) on both). Users are read in email
 * order (`INDEXED BY snapshot_users_email_idx`), so the roster and activity lookups walk their
 * email-ordered keys forward instead of jumping around (about twice as fast at 100k users as the
 * planner's own pick, the manager index). Managers and duplicate names are small CTEs that the
 * main pass tests with `IN` lists; memberships of deactivated users, first-seen snapshots and the
 * details behind a finding are index probes made only for the rows that need them. No rule runs
 * row by row in JavaScript; JS only words the findings of the rows it shows.
 *
 * The evaluated users sit in a FROM-subquery with `LIMIT -1`: SQLite does not flatten a LIMITed
 * subquery into an outer query with a WHERE clause, so it runs as a co-routine (EXPLAIN QUERY
 * PLAN: `CO-ROUTINE e`) and each user's lookups are evaluated once, not again for every outer
 * reference. plan.int.test.ts pins the plan's shape.
 */

/** Bit of each rule in the evaluated mask (rules.ts owns the numbers). */
export const RULE_BITS = Object.fromEntries(STALE_RULES.map((r) => [r.key, r.bit])) as Record<TStaleRuleKey, number>;

export type TRuleParams = {
  snapshotId: number;
  hrImportId: number | null;
  activityImportId: number | null;
  /** `YYYY-MM-DD`: the day the rules are evaluated for. */
  asOfDate: string;
  /** Last active on or before this day (`YYYY-MM-DD`) = inactive. */
  inactiveCutoff: string;
  /** Created on or before this day = old enough to be flagged as never active. */
  graceCutoff: string;
  /** Lowercase company domains; none known = nobody is external. */
  companyDomains: readonly string[];
};

type TBind = Record<string, string | number | null>;

// A person's name as compared for duplicates: "given family" (each part trimmed), else the display name; lowercase (ASCII).
const NAME_PARTS = (a: string) => `lower(trim(coalesce(trim(${a}.given_name), '') || ' ' || coalesce(trim(${a}.family_name), '')))`;
const NAME_KEY = (a: string) => `coalesce(nullif(${NAME_PARTS(a)}, ''), lower(trim(${a}.display_name)))`;
// The manager: the directory's (enterprise extension), else the HR roster's; lowercase, '' when none.
const DIRECTORY_MANAGER = `lower(trim(coalesce(u.manager_email, '')))`;
const MANAGER = `(CASE WHEN ${DIRECTORY_MANAGER} <> '' THEN ${DIRECTORY_MANAGER} ELSE lower(trim(coalesce(h.manager_email, ''))) END)`;
const CREATED_SCIM = `CASE WHEN json_valid(u.raw_json) THEN date(json_extract(u.raw_json, '$.meta.created')) END`;
// The first complete snapshot (up to this one) that holds the user: a lower bound of its age when SCIM has no meta.created.
const FIRST_SEEN = `(SELECT date(s.started_at) FROM snapshots s
    WHERE s.status = 'complete' AND s.id <= @s
      AND EXISTS (SELECT 1 FROM snapshot_users p WHERE p.snapshot_id = s.id AND p.scim_id = u.scim_id)
    ORDER BY s.id LIMIT 1)`;
const MANAGER_TERMINATED = (email: string) =>
  `EXISTS (SELECT 1 FROM hr_records mh WHERE mh.import_id = @hr AND mh.email = ${email} AND mh.employment_status = 'terminated'
             AND (mh.termination_date IS NULL OR mh.termination_date <= @asOf))`;

/*
 * Helper CTEs of the full evaluation (materialised once per query, small). The main pass only
 * ever tests membership in them with `x IN (SELECT … FROM cte)`, which SQLite always answers
 * through an ephemeral index. A join to a CTE would rely on the planner choosing an automatic
 * index, and a connection opened while the tables were still empty (a server started on a fresh
 * database) was seen to choose a full scan of the CTE per user instead: minutes at 100k users.
 * - mgr_gone: distinct manager emails of the directory (from the covering manager index) whose
 *   manager is deactivated, missing from the directory, or terminated in HR — one lookup per
 *   manager, not per report. A manager only the HR roster names is looked up per user (rare).
 * - dupkeys / dupcands: names held by more than one account, and those accounts' rowids, from
 *   the covering name index (no table reads; accounts with only a display name are read through
 *   the index's NULL range).
 * - dup: of those names, the ones shared by active accounts with different emails that the HR
 *   roster does not explain as different people (more accounts than roster entries, and more
 *   than one), with the accounts' emails.
 */
const MANAGER_STATE = (email: string) =>
  `coalesce((SELECT m.active FROM snapshot_users m INDEXED BY snapshot_users_email_idx WHERE m.snapshot_id = @s AND m.email = ${email} LIMIT 1), -1)`;
const MANAGER_GONE = (email: string) => `(${MANAGER_STATE(email)} IN (0, -1) OR (@hr IS NOT NULL AND ${MANAGER_TERMINATED(email)}))`;
const HELPER_CTES = `
  mgr_gone AS MATERIALIZED (
    SELECT e.email AS email
      FROM (SELECT DISTINCT lower(trim(x.manager_email)) AS email FROM snapshot_users x INDEXED BY snapshot_users_manager_idx
             WHERE x.snapshot_id = @s AND x.manager_email IS NOT NULL) e
     WHERE e.email <> '' AND ${MANAGER_GONE('e.email')}),
  dupkeys AS MATERIALIZED (
    SELECT k.name_key AS name_key FROM (
        SELECT ${NAME_PARTS('n')} AS name_key FROM snapshot_users n INDEXED BY snapshot_users_name_idx
         WHERE n.snapshot_id = @s AND (trim(n.family_name) <> '' OR trim(n.given_name) <> '')
        UNION ALL
        SELECT lower(trim(n.display_name)) FROM snapshot_users n INDEXED BY snapshot_users_name_idx
         WHERE n.snapshot_id = @s AND n.family_name IS NULL AND n.given_name IS NULL AND trim(n.display_name) <> '') k
     GROUP BY k.name_key HAVING count(*) > 1),
  dupcands AS MATERIALIZED (
    SELECT n.rowid AS rid, ${NAME_PARTS('n')} AS name_key FROM snapshot_users n INDEXED BY snapshot_users_name_idx
     WHERE n.snapshot_id = @s AND (trim(n.family_name) <> '' OR trim(n.given_name) <> '') AND ${NAME_PARTS('n')} IN (SELECT name_key FROM dupkeys)
    UNION ALL
    SELECT n.rowid, lower(trim(n.display_name)) FROM snapshot_users n INDEXED BY snapshot_users_name_idx
     WHERE n.snapshot_id = @s AND n.family_name IS NULL AND n.given_name IS NULL AND lower(trim(n.display_name)) IN (SELECT name_key FROM dupkeys)),
  dup AS MATERIALIZED (
    SELECT c.name_key AS name_key, group_concat(x.email, ',') AS emails
      FROM dupcands c
     CROSS JOIN snapshot_users x ON x.rowid = c.rid
      LEFT JOIN hr_records xh ON xh.import_id = @hr AND xh.email = x.email
     WHERE x.active = 1
     GROUP BY c.name_key
    HAVING count(DISTINCT x.email) > max(count(xh.email), 1))`;

/** SQL twin of lib/settings `isExternalEmail` over `u.email` (company domain or a subdomain of one). */
function externalExpr(domains: readonly string[], bind: TBind): string {
  if (domains.length === 0) return '0';
  const domain = `lower(substr(u.email, instr(u.email, '@') + 1))`;
  const parts = domains.map((d, i) => {
    bind[`d${i}`] = d;
    bind[`d${i}sub`] = `%.${d.replace(/[\\%_]/g, (c) => `\\${c}`)}`;
    return `${domain} = @d${i} OR ${domain} LIKE @d${i}sub ESCAPE '\\'`;
  });
  return `NOT (${parts.join(' OR ')})`;
}

/** The columns every evaluated user carries (the co-routine's output). */
const EVALUATED_COLUMNS = [
  'scim_id',
  'email',
  'user_name',
  'name',
  'sort_name',
  'title',
  'active',
  'department',
  'department_source',
  'in_hr',
  'hr_status',
  'termination_date',
  'last_active_at',
  'manager_email',
  'manager_active',
  'manager_terminated',
  'created_date',
  'created_source',
  'duplicate_emails',
  'group_count',
  'external',
] as const;

/**
 * `reservedOnly` evaluates only what the campaign signals need (terminated in HR, inactive, never
 * active): the manager, duplicate, membership and domain columns are constants, so those rules
 * cannot fire and their lookups cost nothing.
 */
function evaluatedUsersSql(p: TRuleParams, bind: TBind, reservedOnly = false): string {
  Object.assign(bind, { s: p.snapshotId, hr: p.hrImportId, act: p.activityImportId, asOf: p.asOfDate });
  const full = (sql: string, stub: string) => (reservedOnly ? stub : sql);
  return `
    SELECT u.scim_id AS scim_id, u.email AS email, u.user_name AS user_name,
           coalesce(nullif(trim(u.display_name), ''), nullif(trim(coalesce(u.given_name, '') || ' ' || coalesce(u.family_name, '')), ''), h.name, u.user_name) AS name,
           lower(coalesce(nullif(trim(coalesce(u.family_name, '') || ' ' || coalesce(u.given_name, '')), ''), u.display_name, h.name, u.user_name)) AS sort_name,
           u.title AS title, u.active AS active,
           coalesce(nullif(trim(u.department), ''), nullif(trim(h.department), '')) AS department,
           CASE WHEN nullif(trim(u.department), '') IS NOT NULL THEN 'directory' WHEN nullif(trim(h.department), '') IS NOT NULL THEN 'hr' END AS department_source,
           h.email IS NOT NULL AS in_hr, h.employment_status AS hr_status, h.termination_date AS termination_date,
           a.last_active_at AS last_active_at,
           nullif(${MANAGER}, '') AS manager_email,
           ${full(
             `CASE WHEN u.active = 0 OR ${MANAGER} = '' THEN 0
                   WHEN ${DIRECTORY_MANAGER} <> '' THEN ${DIRECTORY_MANAGER} IN (SELECT email FROM mgr_gone)
                   ELSE ${MANAGER_GONE(MANAGER)} END`,
             '0',
           )} AS manager_gone,
           CASE WHEN @act IS NOT NULL AND u.active = 1 AND a.last_active_at IS NULL THEN coalesce(${CREATED_SCIM}, ${FIRST_SEEN}) END AS created_date,
           CASE WHEN @act IS NOT NULL AND u.active = 1 AND a.last_active_at IS NULL
                THEN CASE WHEN ${CREATED_SCIM} IS NOT NULL THEN 'scim' ELSE 'first_snapshot' END END AS created_source,
           ${full(`CASE WHEN u.active = 1 AND ${NAME_KEY('u')} IN (SELECT name_key FROM dup) THEN ${NAME_KEY('u')} END`, 'NULL')} AS duplicate_key,
           ${full('CASE WHEN u.active = 0 THEN (SELECT count(*) FROM snapshot_memberships g WHERE g.snapshot_id = @s AND g.user_id = u.scim_id) END', 'NULL')} AS group_count,
           ${full(`CASE WHEN u.active = 1 THEN ${externalExpr(p.companyDomains, bind)} ELSE 0 END`, '0')} AS external
      FROM snapshot_users u INDEXED BY snapshot_users_email_idx
      LEFT JOIN hr_records h ON h.import_id = @hr AND h.email = u.email
      LEFT JOIN activity_records a ON a.import_id = @act AND a.email = u.email
     WHERE u.snapshot_id = @s
     LIMIT -1`;
}

function rulesExpr(p: TRuleParams, bind: TBind): string {
  Object.assign(bind, { inactiveCutoff: p.inactiveCutoff, graceCutoff: p.graceCutoff });
  return `(CASE WHEN e.active = 1 AND e.hr_status = 'terminated' AND (e.termination_date IS NULL OR e.termination_date <= @asOf) THEN ${RULE_BITS.terminated_in_hr} ELSE 0 END
         + CASE WHEN @hr IS NOT NULL AND e.active = 1 AND e.in_hr = 0 THEN ${RULE_BITS.not_in_hr} ELSE 0 END
         + CASE WHEN e.active = 1 AND e.last_active_at IS NOT NULL AND substr(e.last_active_at, 1, 10) <= @inactiveCutoff THEN ${RULE_BITS.inactive} ELSE 0 END
         + CASE WHEN e.created_date IS NOT NULL AND e.created_date <= @graceCutoff THEN ${RULE_BITS.never_active} ELSE 0 END
         + CASE WHEN e.active = 0 AND e.group_count > 0 THEN ${RULE_BITS.deactivated_in_groups} ELSE 0 END
         + CASE WHEN e.external = 1 THEN ${RULE_BITS.external_domain} ELSE 0 END
         + CASE WHEN e.manager_gone = 1 THEN ${RULE_BITS.manager_gone} ELSE 0 END
         + CASE WHEN e.duplicate_key IS NOT NULL THEN ${RULE_BITS.duplicate_person} ELSE 0 END)`;
}

export type TStaleFilter = {
  /** Only accounts flagged by any of these bits (0 = any finding). */
  mask: number;
  /** Resolved department; null = "Unassigned"; undefined = any. */
  department?: string | null;
  q?: string;
};

function filterSql(alias: string, f: TStaleFilter, bind: TBind): string {
  const where: string[] = [];
  if (f.mask !== 0) {
    where.push(`(${alias}.rules & @mask) <> 0`);
    bind.mask = f.mask;
  }
  if (f.department === null) where.push(`${alias}.department IS NULL`);
  else if (f.department !== undefined) {
    where.push(`${alias}.department = @department`);
    bind.department = f.department;
  }
  if (f.q) {
    where.push(`(${alias}.email LIKE @q ESCAPE '\\' OR ${alias}.name LIKE @q ESCAPE '\\' OR ${alias}.user_name LIKE @q ESCAPE '\\')`);
    bind.q = containsPattern(f.q);
  }
  return where.length > 0 ? where.join(' AND ') : '1';
}

/** The full SELECT of flagged accounts (every evaluated column plus `rules`), in display order. */
/**
 * The full SELECT of flagged accounts: `EVALUATED_COLUMNS` plus `rules`, in display order. The
 * details that only explain a finding (the manager's state, the other accounts of a duplicate
 * name) are looked up for the flagged rows alone, through pinned indexes.
 */
function flaggedSql(p: TRuleParams, f: TStaleFilter | null, bind: TBind, order = true, reservedOnly = false): string {
  const evaluated = evaluatedUsersSql(p, bind, reservedOnly);
  const rules = rulesExpr(p, bind);
  const detail: Partial<Record<(typeof EVALUATED_COLUMNS)[number], string>> = reservedOnly
    ? { manager_active: 'NULL', manager_terminated: '0', duplicate_emails: 'NULL' }
    : {
        manager_active: `CASE WHEN (r.rules & ${RULE_BITS.manager_gone}) <> 0 THEN ${MANAGER_STATE('r.manager_email')} END`,
        manager_terminated: `CASE WHEN (r.rules & ${RULE_BITS.manager_gone}) <> 0 AND @hr IS NOT NULL THEN ${MANAGER_TERMINATED('r.manager_email')} ELSE 0 END`,
        duplicate_emails: `CASE WHEN r.duplicate_key IS NOT NULL THEN (SELECT d.emails FROM dup d WHERE d.name_key = r.duplicate_key) END`,
      };
  const columns = EVALUATED_COLUMNS.map((c) => `${detail[c] ?? `r.${c}`} AS ${c}`).join(', ');
  return `${reservedOnly ? '' : `WITH ${HELPER_CTES}`}
    SELECT ${columns}, r.rules AS rules
      FROM (SELECT e.*, ${rules} AS rules FROM (${evaluated}) e WHERE ${rules} <> 0) r
     WHERE ${f ? filterSql('r', f, bind) : '1'}
     ${order ? 'ORDER BY r.sort_name, r.scim_id' : ''}`;
}

export type TStaleRowRaw = {
  scim_id: string;
  email: string;
  user_name: string;
  name: string;
  sort_name: string;
  title: string | null;
  active: number;
  department: string | null;
  department_source: 'directory' | 'hr' | null;
  in_hr: number;
  hr_status: string | null;
  termination_date: string | null;
  last_active_at: string | null;
  manager_email: string | null;
  manager_active: number | null;
  manager_terminated: number;
  created_date: string | null;
  created_source: 'scim' | 'first_snapshot' | null;
  duplicate_emails: string | null;
  group_count: number | null;
  external: number;
  rules: number;
};

// ─── Materialised evaluation (the dashboard) ────────────────────────────────────────────────

/*
 * The dashboard asks several questions of one evaluation (counts per rule, a filtered page, its
 * total, the departments). The flagged accounts of the current evaluation are kept in a
 * connection-private TEMP table, keyed by everything the result depends on (snapshot, imports,
 * day, thresholds, domains): snapshots and imports never change, so a matching key means the rows
 * are exact. Another key recomputes (one evaluation, a few hundred ms at 100k users).
 */
const TEMP_DDL = `
  CREATE TEMP TABLE IF NOT EXISTS stale_flags (${EVALUATED_COLUMNS.join(', ')}, rules INTEGER NOT NULL);
  CREATE INDEX IF NOT EXISTS temp.stale_flags_sort ON stale_flags (sort_name, scim_id);
  CREATE TEMP TABLE IF NOT EXISTS stale_evaluation (key TEXT NOT NULL, active_seats INTEGER NOT NULL, users INTEGER NOT NULL);
`;

function sqlite(): Database.Database {
  return getDb().$client;
}

// A complete snapshot never changes: its seat counts are read once per process (the count reads
// every user row, ~0.4 s at 100k users).
const seatHolder = globalThis as unknown as { __attestStaleSeats?: Map<string, { users: number; active: number }> };

/** Accounts and active seats of a complete snapshot. */
export function querySeatCounts(snapshotId: number): { users: number; active: number } {
  const db = sqlite();
  const cache = (seatHolder.__attestStaleSeats ??= new Map());
  // The digest tells a snapshot from a later one that reused its id (ids are rowids).
  const digest = db.prepare<[number], string | null>("SELECT digest FROM snapshots WHERE id = ? AND status = 'complete'").pluck().get(snapshotId);
  const key = `${snapshotId}:${digest ?? ''}`;
  const cached = digest ? cache.get(key) : undefined;
  if (cached) return cached;
  const counts = db
    .prepare<[number], { users: number; active: number }>('SELECT count(*) AS users, coalesce(sum(active), 0) AS active FROM snapshot_users WHERE snapshot_id = ?')
    .get(snapshotId) ?? { users: 0, active: 0 };
  if (digest) {
    if (cache.size > 256) cache.clear();
    cache.set(key, counts);
  }
  return counts;
}

/** Evaluate the rules into the TEMP table unless it already holds this key; returns whether it computed. */
export function materialiseStaleFlags(p: TRuleParams, key: string): boolean {
  const db = sqlite();
  db.exec(TEMP_DDL);
  const held = db.prepare<[], string>('SELECT key FROM temp.stale_evaluation').pluck().get();
  if (held === key) return false;
  db.transaction(() => {
    db.exec('DELETE FROM temp.stale_flags; DELETE FROM temp.stale_evaluation;');
    const bind: TBind = {};
    db.prepare(`INSERT INTO temp.stale_flags (${EVALUATED_COLUMNS.join(', ')}, rules) ${flaggedSql(p, null, bind, false)}`).run(bind);
    const seats = querySeatCounts(p.snapshotId);
    db.prepare('INSERT INTO temp.stale_evaluation (key, active_seats, users) VALUES (?, ?, ?)').run(key, seats.active, seats.users);
  })();
  return true;
}

/** Drop the materialised evaluation (benchmarks measure a cold dashboard; nothing else needs this). */
export function forgetMaterialisedFlags(): void {
  const db = sqlite();
  db.exec(TEMP_DDL);
  db.exec('DELETE FROM temp.stale_flags; DELETE FROM temp.stale_evaluation;');
}

export type TRuleCountsRaw = { flagged: number; reclaimable: number; byBit: Record<number, number>; activeSeats: number; users: number };

const COUNT_COLUMNS = Object.values(RULE_BITS)
  .map((bit) => `coalesce(sum((rules & ${bit}) <> 0), 0) AS b${bit}`)
  .join(', ');

function toCounts(row: Record<string, number>, activeSeats: number, users: number): TRuleCountsRaw {
  const byBit: Record<number, number> = {};
  for (const bit of Object.values(RULE_BITS)) byBit[bit] = row[`b${bit}`] ?? 0;
  return { flagged: row.flagged ?? 0, reclaimable: row.reclaimable ?? 0, byBit, activeSeats, users };
}

/** Counts of the materialised evaluation (call `materialiseStaleFlags` first). */
export function queryMaterialisedCounts(): TRuleCountsRaw {
  const db = sqlite();
  const row = db
    .prepare<[], Record<string, number>>(
      `SELECT count(*) AS flagged, coalesce(sum((rules & ${RECLAIM_MASK}) <> 0), 0) AS reclaimable, ${COUNT_COLUMNS} FROM temp.stale_flags`,
    )
    .get() ?? {};
  const seats = db.prepare<[], { active_seats: number; users: number }>('SELECT active_seats, users FROM temp.stale_evaluation').get();
  return toCounts(row, seats?.active_seats ?? 0, seats?.users ?? 0);
}

/** One page of the materialised flagged accounts, with the total for the filter. */
export function queryMaterialisedPage(f: TStaleFilter, limit: number, offset: number): { rows: TStaleRowRaw[]; total: number } {
  const db = sqlite();
  const bind: TBind = {};
  const where = filterSql('f', f, bind);
  const rows = db
    .prepare<[TBind], TStaleRowRaw>(`SELECT * FROM temp.stale_flags f WHERE ${where} ORDER BY f.sort_name, f.scim_id LIMIT @limit OFFSET @offset`)
    .all({ ...bind, limit, offset });
  const total = db.prepare<[TBind], number>(`SELECT count(*) FROM temp.stale_flags f WHERE ${where}`).pluck().get(bind) ?? 0;
  return { rows, total };
}

/** Ids of the materialised flagged accounts matching a filter (at most `limit`), in display order. */
export function queryMaterialisedIds(f: TStaleFilter, limit: number): string[] {
  const bind: TBind = {};
  const where = filterSql('f', f, bind);
  return sqlite()
    .prepare<[TBind], string>(`SELECT f.scim_id FROM temp.stale_flags f WHERE ${where} ORDER BY f.sort_name, f.scim_id LIMIT @limit`)
    .pluck()
    .all({ ...bind, limit });
}

/** Resolved departments of the flagged accounts with how many each (null = no department anywhere). */
export function queryMaterialisedDepartments(): Array<{ department: string | null; n: number }> {
  return sqlite()
    .prepare<[], { department: string | null; n: number }>('SELECT department, count(*) AS n FROM temp.stale_flags GROUP BY department ORDER BY department IS NULL, department')
    .all();
}

/** The flagged rows among `scimIds` (for a deactivation request: only accounts that are flagged and active). */
export function queryMaterialisedByIds(scimIds: readonly string[]): TStaleRowRaw[] {
  const db = sqlite();
  const stmt = db.prepare<[string], TStaleRowRaw>('SELECT * FROM temp.stale_flags WHERE scim_id = ?');
  return scimIds.flatMap((id) => stmt.get(id) ?? []);
}

// ─── Direct evaluation (trend, signals, exports, benchmark) ─────────────────────────────────

/** Counts per rule for one evaluation, without keeping rows (trend points). */
export function queryRuleCounts(p: TRuleParams): TRuleCountsRaw {
  const db = sqlite();
  const bind: TBind = {};
  const row = db
    .prepare<[TBind], Record<string, number>>(
      `SELECT count(*) AS flagged, coalesce(sum((rules & ${RECLAIM_MASK}) <> 0), 0) AS reclaimable, ${COUNT_COLUMNS} FROM (${flaggedSql(p, null, bind, false)})`,
    )
    .get(bind) ?? {};
  const seats = querySeatCounts(p.snapshotId);
  return toCounts(row, seats.active, seats.users);
}

/**
 * scim id → rule mask of the users flagged terminated in HR, inactive or never active (the
 * campaign signal source; the other rules are not evaluated).
 */
export function queryReservedRuleMasks(p: TRuleParams): Map<string, number> {
  const bind: TBind = {};
  const mask = RULE_BITS.terminated_in_hr | RULE_BITS.inactive | RULE_BITS.never_active;
  const rows = sqlite()
    .prepare<[TBind], [string, number]>(`SELECT r.scim_id, r.rules FROM (${flaggedSql(p, { mask }, bind, false, true)}) r`)
    .raw()
    .all(bind);
  return new Map(rows);
}

/** Every flagged account matching a filter, streamed through `reader` in display order (CSV export). */
export function iterateFlagged(reader: TSnapshotReader, p: TRuleParams, f: TStaleFilter): IterableIterator<TStaleRowRaw> {
  const bind: TBind = {};
  return reader.connection.prepare<[TBind], TStaleRowRaw>(flaggedSql(p, f, bind)).iterate(bind);
}

export { openSnapshotReader, type TSnapshotReader };

/** The flagged accounts as one plain SQL statement and its parameters (the benchmark runs it raw). */
export function flaggedStatement(p: TRuleParams): { sql: string; bind: TBind } {
  const bind: TBind = {};
  return { sql: flaggedSql(p, null, bind, false), bind };
}

// ─── Snapshots the features read ────────────────────────────────────────────────────────────

const SNAPSHOT_COLUMNS = `id, status, started_at AS startedAt, finished_at AS finishedAt, users_done AS usersDone, digest`;
export type TSnapshotBrief = Pick<TSnapshot, 'id' | 'status' | 'startedAt' | 'finishedAt' | 'usersDone' | 'digest'>;

/** Complete snapshots, newest first (at most `limit`). */
export function listCompleteSnapshotBriefs(limit: number): TSnapshotBrief[] {
  return sqlite()
    .prepare<[number], TSnapshotBrief>(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE status = 'complete' ORDER BY id DESC LIMIT ?`)
    .all(limit);
}

export function getCompleteSnapshotBrief(id: number): TSnapshotBrief | null {
  return sqlite().prepare<[number], TSnapshotBrief>(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE id = ? AND status = 'complete'`).get(id) ?? null;
}

/** The next complete snapshot after `id` (it ended `id`'s time as the current one), or null. */
export function getNextCompleteSnapshotBrief(id: number): TSnapshotBrief | null {
  return (
    sqlite()
      .prepare<[number], TSnapshotBrief>(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE status = 'complete' AND id > ? ORDER BY id LIMIT 1`)
      .get(id) ?? null
  );
}

/** The newest complete snapshot started at or before `startedBy` (ISO) other than `id`, or null. */
export function getCompleteSnapshotStartedBy(id: number, startedBy: string): TSnapshotBrief | null {
  return (
    sqlite()
      .prepare<[number, string], TSnapshotBrief>(
        `SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE status = 'complete' AND id < ? AND started_at <= ? ORDER BY started_at DESC, id DESC LIMIT 1`,
      )
      .get(id, startedBy) ?? null
  );
}

/** The oldest complete snapshot before `id`, or null. */
export function getOldestCompleteSnapshotBefore(id: number): TSnapshotBrief | null {
  return (
    sqlite()
      .prepare<[number], TSnapshotBrief>(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE status = 'complete' AND id < ? ORDER BY id LIMIT 1`)
      .get(id) ?? null
  );
}

/** Users of a snapshot that are active (an account-id check for deactivation requests). */
export function queryActiveUserIds(snapshotId: number, scimIds: readonly string[]): Set<string> {
  const stmt = sqlite().prepare<[number, string], string>('SELECT scim_id FROM snapshot_users WHERE snapshot_id = ? AND scim_id = ? AND active = 1').pluck();
  const out = new Set<string>();
  for (const id of scimIds) {
    const found = stmt.get(snapshotId, id);
    if (found) out.add(found);
  }
  return out;
}

// ─── Chargeback ─────────────────────────────────────────────────────────────────────────────

export type TDimension = 'department' | 'costCenter' | 'division' | 'organization';

// Directory column and HR roster column of each dimension (the roster has no organization).
const DIMENSION_COLUMNS: Record<TDimension, { directory: string; hr: string | null }> = {
  department: { directory: 'department', hr: 'department' },
  costCenter: { directory: 'cost_center', hr: 'cost_center' },
  division: { directory: 'division', hr: 'division' },
  organization: { directory: 'organization', hr: null },
};

function dimensionValue(d: TDimension, u: string, h: string): string {
  const c = DIMENSION_COLUMNS[d];
  return c.hr ? `coalesce(nullif(trim(${u}.${c.directory}), ''), nullif(trim(${h}.${c.hr}), ''))` : `nullif(trim(${u}.${c.directory}), '')`;
}

function dimensionSource(d: TDimension, u: string, h: string): string {
  const c = DIMENSION_COLUMNS[d];
  const hr = c.hr ? `WHEN nullif(trim(${h}.${c.hr}), '') IS NOT NULL THEN 'hr' ` : '';
  return `CASE WHEN nullif(trim(${u}.${c.directory}), '') IS NOT NULL THEN 'directory' ${hr}ELSE 'none' END`;
}

export type TChargebackParams = { snapshotId: number; hrImportId: number | null };
export type TBucketRaw = { value: string | null; seats: number; from_hr: number; previous: number };

/** Active seats per resolved value of a dimension, with the comparison snapshot's seats (0 when none). */
export function queryChargebackBuckets(d: TDimension, cur: TChargebackParams, prev: TChargebackParams | null): TBucketRaw[] {
  const side = (alias: string, isCurrent: boolean) => `
    SELECT ${dimensionValue(d, 'u', 'h')} AS value, ${dimensionSource(d, 'u', 'h')} AS source, ${isCurrent ? 1 : 0} AS cur
      FROM snapshot_users u
      LEFT JOIN hr_records h ON h.import_id = @${alias}hr AND h.email = u.email
     WHERE u.snapshot_id = @${alias}s AND u.active = 1`;
  const bind: TBind = { cs: cur.snapshotId, chr: cur.hrImportId, ps: prev?.snapshotId ?? null, phr: prev?.hrImportId ?? null };
  const sql = `
    SELECT value, sum(cur) AS seats, sum(cur = 1 AND source = 'hr') AS from_hr, sum(cur = 0) AS previous
      FROM (${side('c', true)} ${prev ? `UNION ALL ${side('p', false)}` : ''})
     GROUP BY value
     ORDER BY value IS NULL, seats DESC, value`;
  return sqlite().prepare<[TBind], TBucketRaw>(sql).all(bind);
}

export type TChargebackAccountRaw = {
  scim_id: string;
  email: string;
  name: string;
  title: string | null;
  value: string | null;
  source: 'directory' | 'hr' | 'none';
  department: string | null;
  cost_center: string | null;
  division: string | null;
  organization: string | null;
  /** For change lists: the value on the other side, and whether the account was there (active) at all. */
  other_value: string | null;
  other_present: number | null;
};

const PERSON_NAME = `coalesce(nullif(trim(u.display_name), ''), nullif(trim(coalesce(u.given_name, '') || ' ' || coalesce(u.family_name, '')), ''), u.user_name)`;

/**
 * Accounts behind one number: the active seats of a value (null = Unassigned) in `cur`, or with
 * `change`, those that are in the value in one snapshot and not in the other ('added': in `cur`
 * not in `prev`; 'removed': in `prev` not in `cur`).
 */
export function queryChargebackAccounts(
  d: TDimension,
  value: string | null,
  cur: TChargebackParams,
  prev: TChargebackParams | null,
  change: 'added' | 'removed' | null,
  limit: number,
  offset: number,
): { rows: TChargebackAccountRaw[]; total: number } {
  const [here, there] = change === 'removed' && prev ? [prev, cur] : [cur, prev];
  const bind: TBind = { s: here.snapshotId, hr: here.hrImportId, os: there?.snapshotId ?? null, ohr: there?.hrImportId ?? null, value };
  const other = `(SELECT ${dimensionValue(d, 'o', 'oh')} FROM snapshot_users o LEFT JOIN hr_records oh ON oh.import_id = @ohr AND oh.email = o.email
                   WHERE o.snapshot_id = @os AND o.scim_id = u.scim_id AND o.active = 1)`;
  const otherPresent = `EXISTS (SELECT 1 FROM snapshot_users o WHERE o.snapshot_id = @os AND o.scim_id = u.scim_id AND o.active = 1)`;
  const changeWhere = change && there ? `AND NOT (${otherPresent} AND ${other} IS @value)` : '';
  const from = `FROM snapshot_users u LEFT JOIN hr_records h ON h.import_id = @hr AND h.email = u.email
                WHERE u.snapshot_id = @s AND u.active = 1 AND ${dimensionValue(d, 'u', 'h')} IS @value ${changeWhere}`;
  const db = sqlite();
  const rows = db
    .prepare<[TBind], TChargebackAccountRaw>(
      `SELECT u.scim_id, u.email, ${PERSON_NAME} AS name, u.title, ${dimensionValue(d, 'u', 'h')} AS value, ${dimensionSource(d, 'u', 'h')} AS source,
              u.department, u.cost_center, u.division, u.organization,
              ${there ? other : 'NULL'} AS other_value, ${there ? otherPresent : 'NULL'} AS other_present
         ${from}
        ORDER BY lower(${PERSON_NAME}), u.scim_id LIMIT @limit OFFSET @offset`,
    )
    .all({ ...bind, limit, offset });
  const total = db.prepare<[TBind], number>(`SELECT count(*) ${from}`).pluck().get(bind) ?? 0;
  return { rows, total };
}

export type TChargebackExportRaw = [
  scimId: string,
  email: string,
  name: string,
  department: string | null,
  departmentSource: string,
  costCenter: string | null,
  costCenterSource: string,
  division: string | null,
  divisionSource: string,
  organization: string | null,
];

/** Every active seat of a snapshot with its four resolved dimensions and where each came from (CSV export). */
export function iterateChargebackSeats(reader: TSnapshotReader, p: TChargebackParams): IterableIterator<TChargebackExportRaw> {
  return reader.connection
    .prepare<[TBind], TChargebackExportRaw>(
      `SELECT u.scim_id, u.email, ${PERSON_NAME},
              ${dimensionValue('department', 'u', 'h')}, ${dimensionSource('department', 'u', 'h')},
              ${dimensionValue('costCenter', 'u', 'h')}, ${dimensionSource('costCenter', 'u', 'h')},
              ${dimensionValue('division', 'u', 'h')}, ${dimensionSource('division', 'u', 'h')},
              ${dimensionValue('organization', 'u', 'h')}
         FROM snapshot_users u LEFT JOIN hr_records h ON h.import_id = @hr AND h.email = u.email
        WHERE u.snapshot_id = @s AND u.active = 1
        ORDER BY u.scim_id`,
    )
    .raw()
    .iterate({ s: p.snapshotId, hr: p.hrImportId });
}
