import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Every SQL statement of the simulator (house rule: no SQL outside queries.ts). The simulator
 * owns its schema, separate from the app's drizzle database: it plays a remote system, and a
 * remote system's storage is none of the app's business (docs/decisions/002-airtable-simulator.md).
 *
 * Rows use an integer `seq` (rowid) as the physical key: list order is creation order, and the
 * membership table of up to millions of rows stores two integers instead of two 17-char ids.
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sim_users (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  user_name TEXT NOT NULL COLLATE NOCASE UNIQUE,
  given_name TEXT,
  family_name TEXT,
  title TEXT,
  active INTEGER NOT NULL,
  cost_center TEXT,
  department TEXT,
  division TEXT,
  organization TEXT,
  manager_value TEXT,
  manager_display TEXT,
  created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sim_groups (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL COLLATE NOCASE UNIQUE,
  created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sim_members (
  group_seq INTEGER NOT NULL,
  user_seq INTEGER NOT NULL,
  PRIMARY KEY (group_seq, user_seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sim_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

// Dropped and rebuilt around bulk loads (see bulkInsertMembers), so it lives outside SCHEMA.
const MEMBER_INDEX = 'CREATE INDEX IF NOT EXISTS sim_members_by_user ON sim_members (user_seq)';
const MEMBER_BATCH = 200;

export type UserRow = {
  seq: number;
  id: string;
  userName: string;
  givenName: string | null;
  familyName: string | null;
  title: string | null;
  active: number;
  costCenter: string | null;
  department: string | null;
  division: string | null;
  organization: string | null;
  managerValue: string | null;
  managerDisplayName: string | null;
  created: number;
  lastModified: number;
};

/** Named parameters of an insert/update of a user row (active as 0/1, as SQLite stores it). */
export type UserParams = Omit<UserRow, 'seq'>;

export type GroupRow = { seq: number; id: string; displayName: string; created: number; lastModified: number };
/** A user as a group member: [seq, id, userName, givenName, familyName] (raw rows: no object per row). */
export type MemberEntryRow = [number, string, string, string | null, string | null];

const USER_COLUMNS = `seq, id, user_name AS userName, given_name AS givenName, family_name AS familyName, title,
  active, cost_center AS costCenter, department, division, organization,
  manager_value AS managerValue, manager_display AS managerDisplayName,
  created_ms AS created, modified_ms AS lastModified`;
const GROUP_COLUMNS = `seq, id, display_name AS displayName, created_ms AS created, modified_ms AS lastModified`;

/**
 * Open (or create) the simulator database. `path` is a file path, `file:<path>` or `:memory:`.
 * WAL + synchronous=NORMAL: the simulator's durability needs are a test fixture's, not a bank's.
 */
export function openSimDatabase(path: string): Database.Database {
  const file = path.startsWith('file:') ? path.slice('file:'.length) : path;
  // A fresh checkout has no data/ directory; SQLite would refuse to create the file.
  if (file !== ':memory:' && file !== '') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  db.exec(MEMBER_INDEX);
  return db;
}

/**
 * Insert many memberships, given as a flat [groupSeq, userSeq, groupSeq, userSeq, …] array.
 * Must run inside a transaction. Sorting by the primary key, inserting 200 rows per statement
 * and rebuilding the by-user index once at the end makes 1M rows take ~1.5 s instead of ~8 s.
 */
export function bulkInsertMembers(db: Database.Database, flatPairs: Int32Array): void {
  const n = flatPairs.length / 2;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (flatPairs[2 * a] as number) - (flatPairs[2 * b] as number) || (flatPairs[2 * a + 1] as number) - (flatPairs[2 * b + 1] as number));
  db.exec('DROP INDEX IF EXISTS sim_members_by_user');
  const batch = db.prepare<number[]>(
    `INSERT OR IGNORE INTO sim_members (group_seq, user_seq) VALUES ${Array<string>(MEMBER_BATCH).fill('(?, ?)').join(', ')}`,
  );
  const single = db.prepare<[number, number]>(`INSERT OR IGNORE INTO sim_members (group_seq, user_seq) VALUES (?, ?)`);
  const params = new Array<number>(MEMBER_BATCH * 2);
  let i = 0;
  for (; i + MEMBER_BATCH <= n; i += MEMBER_BATCH) {
    for (let j = 0; j < MEMBER_BATCH; j++) {
      const k = order[i + j] as number;
      params[2 * j] = flatPairs[2 * k] as number;
      params[2 * j + 1] = flatPairs[2 * k + 1] as number;
    }
    batch.run(...params);
  }
  for (; i < n; i++) {
    const k = order[i] as number;
    single.run(flatPairs[2 * k] as number, flatPairs[2 * k + 1] as number);
  }
  db.exec(MEMBER_INDEX);
}

/** Prepare every statement once; the handler runs them on each request. */
export function prepareQueries(db: Database.Database) {
  return {
    insertUser: db.prepare<UserParams>(`INSERT INTO sim_users
      (id, user_name, given_name, family_name, title, active, cost_center, department, division, organization,
       manager_value, manager_display, created_ms, modified_ms)
      VALUES (@id, @userName, @givenName, @familyName, @title, @active, @costCenter, @department, @division,
       @organization, @managerValue, @managerDisplayName, @created, @lastModified)`),
    updateUser: db.prepare<UserParams>(`UPDATE sim_users SET user_name = @userName, given_name = @givenName,
      family_name = @familyName, title = @title, active = @active, cost_center = @costCenter,
      department = @department, division = @division, organization = @organization,
      manager_value = @managerValue, manager_display = @managerDisplayName, modified_ms = @lastModified
      WHERE id = @id`),
    userById: db.prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM sim_users WHERE id = ?`),
    userSeqById: db.prepare<[string], { seq: number }>(`SELECT seq FROM sim_users WHERE id = ?`),
    userByUserName: db.prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM sim_users WHERE user_name = ?`),
    // RFC 7644 §3.4.2.4 paging by position; `seq` order is creation order, stable across pages.
    usersPage: db.prepare<[number, number], UserRow>(
      `SELECT ${USER_COLUMNS} FROM sim_users ORDER BY seq LIMIT ? OFFSET ?`,
    ),
    // Keyset continuation of the previous page: O(page) instead of O(offset) (see store.ts).
    usersAfter: db.prepare<[number, number], UserRow>(
      `SELECT ${USER_COLUMNS} FROM sim_users WHERE seq > ? ORDER BY seq LIMIT ?`,
    ),
    allUsers: db.prepare<[], UserRow>(`SELECT ${USER_COLUMNS} FROM sim_users ORDER BY seq`),
    countUsers: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM sim_users`),
    countActiveUsers: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM sim_users WHERE active = 1`),
    deleteUser: db.prepare<[number]>(`DELETE FROM sim_users WHERE seq = ?`),
    deleteMembershipsOfUser: db.prepare<[number]>(`DELETE FROM sim_members WHERE user_seq = ?`),
    groupSeqsOfUser: db.prepare<[number], { groupSeq: number }>(
      `SELECT group_seq AS groupSeq FROM sim_members WHERE user_seq = ?`,
    ),
    groupIdsOfUser: db.prepare<[string], { id: string }>(`SELECT g.id FROM sim_members m
      JOIN sim_groups g ON g.seq = m.group_seq
      WHERE m.user_seq = (SELECT seq FROM sim_users WHERE id = ?) ORDER BY g.seq`),

    insertGroup: db.prepare<{ id: string; displayName: string; created: number; lastModified: number }>(
      `INSERT INTO sim_groups (id, display_name, created_ms, modified_ms) VALUES (@id, @displayName, @created, @lastModified)`,
    ),
    renameGroup: db.prepare<[string, number, number]>(
      `UPDATE sim_groups SET display_name = ?, modified_ms = ? WHERE seq = ?`,
    ),
    touchGroup: db.prepare<[number, number]>(`UPDATE sim_groups SET modified_ms = ? WHERE seq = ?`),
    groupById: db.prepare<[string], GroupRow>(`SELECT ${GROUP_COLUMNS} FROM sim_groups WHERE id = ?`),
    groupByDisplayName: db.prepare<[string], GroupRow>(
      `SELECT ${GROUP_COLUMNS} FROM sim_groups WHERE display_name = ?`,
    ),
    groupsPage: db.prepare<[number, number], GroupRow>(
      `SELECT ${GROUP_COLUMNS} FROM sim_groups ORDER BY seq LIMIT ? OFFSET ?`,
    ),
    allGroups: db.prepare<[], GroupRow>(`SELECT ${GROUP_COLUMNS} FROM sim_groups ORDER BY seq`),
    countGroups: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM sim_groups`),
    deleteGroup: db.prepare<[number]>(`DELETE FROM sim_groups WHERE seq = ?`),

    // Integers only: joining users here costs ~2 µs per member in string conversion; the store maps
    // seqs to users through an in-memory index instead (50k-member groups in ~10 ms).
    memberSeqsOfGroup: db
      .prepare<[number], number>(`SELECT user_seq FROM sim_members WHERE group_seq = ? ORDER BY user_seq`)
      .pluck(),
    allMemberSeqs: db
      .prepare<[], [number, number]>(`SELECT group_seq, user_seq FROM sim_members ORDER BY group_seq, user_seq`)
      .raw(),
    allMemberEntries: db
      .prepare<[], MemberEntryRow>(`SELECT seq, id, user_name, given_name, family_name FROM sim_users`)
      .raw(),
    insertMember: db.prepare<[number, number]>(
      `INSERT OR IGNORE INTO sim_members (group_seq, user_seq) VALUES (?, ?)`,
    ),
    deleteMember: db.prepare<[number, number]>(`DELETE FROM sim_members WHERE group_seq = ? AND user_seq = ?`),
    deleteMembersOfGroup: db.prepare<[number]>(`DELETE FROM sim_members WHERE group_seq = ?`),
    isMember: db.prepare<[number, number], { one: number }>(
      `SELECT 1 AS one FROM sim_members WHERE group_seq = ? AND user_seq = ?`,
    ),
    countMemberships: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM sim_members`),

    getMeta: db.prepare<[string], { value: string }>(`SELECT value FROM sim_meta WHERE key = ?`),
    setMeta: db.prepare<[string, string]>(
      `INSERT INTO sim_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ),
    deleteMeta: db.prepare<[string]>(`DELETE FROM sim_meta WHERE key = ?`),
  };
}

export type SimQueries = ReturnType<typeof prepareQueries>;
