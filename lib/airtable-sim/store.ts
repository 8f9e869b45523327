import type Database from 'better-sqlite3';
import { newId } from './ids';
import {
  bulkInsertMembers,
  openSimDatabase,
  prepareQueries,
  type GroupRow,
  type SimQueries,
  type UserParams,
  type UserRow,
} from './queries';

/** A simulated Airtable user: the flat form of the SCIM User + enterprise extension. */
export type SimUser = {
  id: string;
  userName: string;
  givenName: string | null;
  familyName: string | null;
  title: string | null;
  active: boolean;
  costCenter: string | null;
  department: string | null;
  division: string | null;
  organization: string | null;
  /** Airtable puts the manager's EMAIL here, not an id (DESIGN.md "Airtable SCIM facts"). */
  managerValue: string | null;
  managerDisplayName: string | null;
  /** Epoch milliseconds. */
  created: number;
  lastModified: number;
};

/** Every mutable attribute of a user (what a PUT replaces). */
export type SimUserFields = Omit<SimUser, 'id' | 'created' | 'lastModified'>;
/** What `createUser` needs: userName, anything else optional (absent = null, active = true). */
export type SimUserInput = Pick<SimUser, 'userName'> &
  Partial<Omit<SimUserFields, 'userName'>> & { id?: string; created?: number; lastModified?: number };
export type SimUserPatch = Partial<SimUserFields>;

export type SimGroup = { id: string; displayName: string; created: number; lastModified: number };
export type SimMember = { userId: string; userName: string; givenName: string | null; familyName: string | null };
export type SimGroupWithMembers = SimGroup & { members: SimMember[] };
export type SimGroupInput = { displayName: string; memberIds?: string[]; id?: string; created?: number };
export type SimPage<T> = { total: number; items: T[] };
export type SimCounts = { users: number; activeUsers: number; groups: number; memberships: number };

/** A uniqueness violation (duplicate userName or group displayName); the handler answers 409. */
export class SimConflictError extends Error {
  override name = 'SimConflictError';
  constructor(readonly field: 'userName' | 'displayName', readonly value: string) {
    super(`${field} already exists: ${value}`);
  }
}

/** A member id that is not a user; the handler answers 400 (Airtable rejects unknown members). */
export class SimUnknownUserError extends Error {
  override name = 'SimUnknownUserError';
  constructor(readonly userId: string) {
    super(`not a user: ${userId}`);
  }
}

const TOKEN_OWNER_KEY = 'token_owner_user_name';
// Keyset cursors remembered for page continuation; a few concurrent crawlers at most.
const MAX_CURSORS = 32;

type Cursor = { version: number; lastSeq: number };

export type SimStore = ReturnType<typeof createStoreFromDatabase>;

/**
 * Open the simulator's own SQLite store (`:memory:` by default; a file path persists state).
 * `now` is the clock used for meta.created / lastModified.
 */
export function openSimStore(dbPath = ':memory:', now: () => number = Date.now): SimStore {
  return createStoreFromDatabase(openSimDatabase(dbPath), now);
}

// Built field by field: this runs for every row of every page, and rest/spread copies cost more.
function toUser(row: UserRow): SimUser {
  return {
    id: row.id,
    userName: row.userName,
    givenName: row.givenName,
    familyName: row.familyName,
    title: row.title,
    active: row.active === 1,
    costCenter: row.costCenter,
    department: row.department,
    division: row.division,
    organization: row.organization,
    managerValue: row.managerValue,
    managerDisplayName: row.managerDisplayName,
    created: row.created,
    lastModified: row.lastModified,
  };
}

function toGroup(row: GroupRow): SimGroup {
  const { seq: _seq, ...rest } = row;
  return rest;
}

function userParams(id: string, fields: SimUserFields, created: number, lastModified: number): UserParams {
  return { id, ...fields, active: fields.active ? 1 : 0, created, lastModified };
}

function fieldsFromInput(input: SimUserInput): SimUserFields {
  return {
    userName: input.userName,
    givenName: input.givenName ?? null,
    familyName: input.familyName ?? null,
    title: input.title ?? null,
    active: input.active ?? true,
    costCenter: input.costCenter ?? null,
    department: input.department ?? null,
    division: input.division ?? null,
    organization: input.organization ?? null,
    managerValue: input.managerValue ?? null,
    managerDisplayName: input.managerDisplayName ?? null,
  };
}

function createStoreFromDatabase(db: Database.Database, now: () => number) {
  const q: SimQueries = prepareQueries(db);
  // Bumped on every insert/delete of a user: invalidates page cursors and cached counts.
  let userVersion = 0;
  let cachedUserCount: { version: number; n: number } | null = null;
  const cursors = new Map<number, Cursor>();
  // seq → member view of every user, built on first need and kept in step by every user write.
  let memberIndex: Map<number, SimMember> | null = null;

  const members = (): Map<number, SimMember> => {
    if (memberIndex) return memberIndex;
    memberIndex = new Map();
    for (const [seq, userId, userName, givenName, familyName] of q.allMemberEntries.iterate()) {
      memberIndex.set(seq, { userId, userName, givenName, familyName });
    }
    return memberIndex;
  };
  const indexMember = (seq: number, user: Pick<SimUser, 'id' | 'userName' | 'givenName' | 'familyName'>): void => {
    memberIndex?.set(seq, { userId: user.id, userName: user.userName, givenName: user.givenName, familyName: user.familyName });
  };

  const userChanged = (): void => {
    userVersion++;
    cursors.clear();
  };

  const requireGroupRow = (id: string): GroupRow | null => q.groupById.get(id) ?? null;

  const userSeqOrThrow = (userId: string): number => {
    const row = q.userSeqById.get(userId);
    if (!row) throw new SimUnknownUserError(userId);
    return row.seq;
  };

  const membersOf = (groupSeq: number): SimMember[] => {
    const index = members();
    const out: SimMember[] = [];
    for (const seq of q.memberSeqsOfGroup.all(groupSeq)) {
      const member = index.get(seq);
      if (member) out.push(member);
    }
    return out;
  };

  const withMembers = (row: GroupRow): SimGroupWithMembers => ({ ...toGroup(row), members: membersOf(row.seq) });

  const countUsers = (): number => {
    if (cachedUserCount?.version === userVersion) return cachedUserCount.n;
    const n = q.countUsers.get()?.n ?? 0;
    cachedUserCount = { version: userVersion, n };
    return n;
  };

  const insertUser = (input: SimUserInput): SimUser => {
    const fields = fieldsFromInput(input);
    if (q.userByUserName.get(fields.userName)) throw new SimConflictError('userName', fields.userName);
    const created = input.created ?? now();
    const params = userParams(input.id ?? newId('usr'), fields, created, input.lastModified ?? created);
    const seq = Number(q.insertUser.run(params).lastInsertRowid);
    indexMember(seq, { ...fields, id: params.id });
    userChanged();
    return { ...fields, id: params.id, created, lastModified: params.lastModified };
  };

  const replaceUser = (id: string, fields: SimUserFields): SimUser | null => {
    const row = q.userById.get(id);
    if (!row) return null;
    const other = q.userByUserName.get(fields.userName);
    if (other && other.id !== id) throw new SimConflictError('userName', fields.userName);
    const lastModified = now();
    q.updateUser.run(userParams(id, fields, row.created, lastModified));
    indexMember(row.seq, { ...fields, id });
    return { ...fields, id, created: row.created, lastModified };
  };

  const setMembers = (groupSeq: number, userIds: readonly string[]): void => {
    const seqs = userIds.map(userSeqOrThrow);
    q.deleteMembersOfGroup.run(groupSeq);
    for (const seq of seqs) q.insertMember.run(groupSeq, seq);
  };

  const store = {
    /** The raw connection, for callers that need a pragma (tests only). */
    db,

    /** Run `fn` in one synchronous transaction (never pass an async function). */
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)();
    },

    /** Insert a user. Throws SimConflictError on a duplicate userName (case-insensitive). */
    createUser(input: SimUserInput): SimUser {
      return db.transaction(insertUser)(input);
    },

    getUser(id: string): SimUser | null {
      const row = q.userById.get(id);
      return row ? toUser(row) : null;
    },

    /** Case-insensitive, as RFC 7643 §4.1.1 declares userName caseExact=false. */
    getUserByUserName(userName: string): SimUser | null {
      const row = q.userByUserName.get(userName);
      return row ? toUser(row) : null;
    },

    /**
     * One page of users in creation order. `startIndex` is 1-based (RFC 7644 §3.4.2.4).
     * A request that continues the previous page (startIndex = previous start + items) is served
     * by keyset (`seq > last`), so crawling 100k users stays linear instead of quadratic.
     */
    listUsers(startIndex: number, count: number): SimPage<SimUser> {
      const total = countUsers();
      const start = Math.max(1, Math.floor(startIndex));
      if (count <= 0 || start > total) return { total, items: [] };
      const cursor = cursors.get(start);
      const rows =
        cursor && cursor.version === userVersion ? q.usersAfter.all(cursor.lastSeq, count) : q.usersPage.all(count, start - 1);
      const last = rows[rows.length - 1];
      if (last) {
        if (cursors.size >= MAX_CURSORS) cursors.clear();
        cursors.set(start + rows.length, { version: userVersion, lastSeq: last.seq });
      }
      return { total, items: rows.map(toUser) };
    },

    countUsers,

    /** Full replace of every mutable attribute (PUT). Null when the user does not exist. */
    updateUser(id: string, fields: SimUserFields): SimUser | null {
      return db.transaction(replaceUser)(id, fields);
    },

    /** Change only the given attributes (PATCH). Null when the user does not exist. */
    patchUser(id: string, patch: SimUserPatch): SimUser | null {
      return db.transaction((): SimUser | null => {
        const current = q.userById.get(id);
        if (!current) return null;
        const { id: _id, created: _c, lastModified: _m, ...fields } = toUser(current);
        return replaceUser(id, { ...fields, ...patch });
      })();
    },

    /** Activate or deactivate (Airtable's preferred revoke: it frees the seat, keeps the history). */
    setUserActive(id: string, active: boolean): SimUser | null {
      return store.patchUser(id, { active });
    },

    /** Delete a user and every membership they had. False when the user did not exist. */
    deleteUser(id: string): boolean {
      return db.transaction((): boolean => {
        const row = q.userSeqById.get(id);
        if (!row) return false;
        const t = now();
        for (const { groupSeq } of q.groupSeqsOfUser.all(row.seq)) q.touchGroup.run(t, groupSeq);
        q.deleteMembershipsOfUser.run(row.seq);
        q.deleteUser.run(row.seq);
        memberIndex?.delete(row.seq);
        userChanged();
        return true;
      })();
    },

    /** Ids of the groups a user belongs to, in group creation order. */
    groupIdsOfUser(userId: string): string[] {
      return q.groupIdsOfUser.all(userId).map((r) => r.id);
    },

    /**
     * Create a group with optional members. Throws SimConflictError on a duplicate displayName,
     * SimUnknownUserError when a member id is not a user (nothing is written then).
     */
    createGroup(input: SimGroupInput): SimGroupWithMembers {
      return db.transaction((): SimGroupWithMembers => {
        if (q.groupByDisplayName.get(input.displayName)) throw new SimConflictError('displayName', input.displayName);
        const created = input.created ?? now();
        const id = input.id ?? newId('ugp');
        const seq = Number(q.insertGroup.run({ id, displayName: input.displayName, created, lastModified: created }).lastInsertRowid);
        setMembers(seq, input.memberIds ?? []);
        return { id, displayName: input.displayName, created, lastModified: created, members: membersOf(seq) };
      })();
    },

    /** A group with its members (what GET /Groups/{id} shows), or null. */
    getGroup(id: string): SimGroupWithMembers | null {
      const row = requireGroupRow(id);
      return row ? withMembers(row) : null;
    },

    /** A group without its members, or null. */
    getGroupSummary(id: string): SimGroup | null {
      const row = requireGroupRow(id);
      return row ? toGroup(row) : null;
    },

    /** Case-insensitive, as RFC 7643 §4.2 declares displayName caseExact=false. */
    getGroupByDisplayName(displayName: string): SimGroup | null {
      const row = q.groupByDisplayName.get(displayName);
      return row ? toGroup(row) : null;
    },

    /** One page of groups (without members) in creation order; `startIndex` is 1-based. */
    listGroups(startIndex: number, count: number): SimPage<SimGroup> {
      const total = q.countGroups.get()?.n ?? 0;
      const start = Math.max(1, Math.floor(startIndex));
      if (count <= 0 || start > total) return { total, items: [] };
      return { total, items: q.groupsPage.all(count, start - 1).map(toGroup) };
    },

    /** Rename a group. Throws SimConflictError on a duplicate; false when the group is unknown. */
    renameGroup(id: string, displayName: string): boolean {
      return db.transaction((): boolean => {
        const row = requireGroupRow(id);
        if (!row) return false;
        const other = q.groupByDisplayName.get(displayName);
        if (other && other.id !== id) throw new SimConflictError('displayName', displayName);
        q.renameGroup.run(displayName, now(), row.seq);
        return true;
      })();
    },

    /** Replace the member list. Throws SimUnknownUserError (nothing written); false when the group is unknown. */
    setGroupMembers(id: string, userIds: readonly string[]): boolean {
      return db.transaction((): boolean => {
        const row = requireGroupRow(id);
        if (!row) return false;
        setMembers(row.seq, userIds);
        q.touchGroup.run(now(), row.seq);
        return true;
      })();
    },

    /** Add members (already-present ones are ignored). Returns how many were added, or null for an unknown group. */
    addMembers(id: string, userIds: readonly string[]): number | null {
      return db.transaction((): number | null => {
        const row = requireGroupRow(id);
        if (!row) return null;
        const seqs = userIds.map(userSeqOrThrow);
        let added = 0;
        for (const seq of seqs) added += q.insertMember.run(row.seq, seq).changes;
        if (added > 0) q.touchGroup.run(now(), row.seq);
        return added;
      })();
    },

    addMember(groupId: string, userId: string): boolean {
      return (store.addMembers(groupId, [userId]) ?? 0) > 0;
    },

    /**
     * Remove members; ids that are not members (or not users) are ignored, which keeps a revoke
     * idempotent. Returns how many were removed, or null for an unknown group.
     */
    removeMembers(id: string, userIds: readonly string[]): number | null {
      return db.transaction((): number | null => {
        const row = requireGroupRow(id);
        if (!row) return null;
        let removed = 0;
        for (const userId of userIds) {
          const user = q.userSeqById.get(userId);
          if (user) removed += q.deleteMember.run(row.seq, user.seq).changes;
        }
        if (removed > 0) q.touchGroup.run(now(), row.seq);
        return removed;
      })();
    },

    removeMember(groupId: string, userId: string): boolean {
      return (store.removeMembers(groupId, [userId]) ?? 0) > 0;
    },

    isMember(groupId: string, userId: string): boolean {
      const group = requireGroupRow(groupId);
      const user = q.userSeqById.get(userId);
      return Boolean(group && user && q.isMember.get(group.seq, user.seq));
    },

    /** Delete a group (its users stay). False when the group did not exist. */
    deleteGroup(id: string): boolean {
      return db.transaction((): boolean => {
        const row = requireGroupRow(id);
        if (!row) return false;
        q.deleteMembersOfGroup.run(row.seq);
        q.deleteGroup.run(row.seq);
        return true;
      })();
    },

    counts(): SimCounts {
      return {
        users: countUsers(),
        activeUsers: q.countActiveUsers.get()?.n ?? 0,
        groups: q.countGroups.get()?.n ?? 0,
        memberships: q.countMemberships.get()?.n ?? 0,
      };
    },

    isEmpty(): boolean {
      return countUsers() === 0 && (q.countGroups.get()?.n ?? 0) === 0;
    },

    /** Every user in creation order (tests and snapshots; loads them all). */
    allUsers(): SimUser[] {
      return q.allUsers.all().map(toUser);
    },

    /** Every group with its member ids, in one ordered pass over the membership table. */
    allGroupsWithMembers(): Array<SimGroup & { memberIds: string[] }> {
      const bySeq = new Map<number, SimGroup & { memberIds: string[] }>();
      const out: Array<SimGroup & { memberIds: string[] }> = [];
      for (const row of q.allGroups.all()) {
        const group = { ...toGroup(row), memberIds: [] };
        bySeq.set(row.seq, group);
        out.push(group);
      }
      const index = members();
      for (const [groupSeq, userSeq] of q.allMemberSeqs.iterate()) {
        const member = index.get(userSeq);
        if (member) bySeq.get(groupSeq)?.memberIds.push(member.userId);
      }
      return out;
    },

    /**
     * Load many users and groups in one transaction (seeding). Ids must be given; member ids
     * must be users of this load or already stored. Throws on duplicates like the single calls.
     */
    bulkLoad(data: { users: readonly SimUserInput[]; groups: readonly SimGroupInput[] }): void {
      db.transaction(() => {
        const seqById = new Map<string, number>();
        for (const input of data.users) {
          const fields = fieldsFromInput(input);
          const created = input.created ?? now();
          const id = input.id ?? newId('usr');
          const result = q.insertUser.run(userParams(id, fields, created, input.lastModified ?? created));
          seqById.set(id, Number(result.lastInsertRowid));
        }
        let pairCount = 0;
        for (const group of data.groups) pairCount += group.memberIds?.length ?? 0;
        const pairs = new Int32Array(pairCount * 2);
        let p = 0;
        for (const group of data.groups) {
          const created = group.created ?? now();
          const seq = Number(
            q.insertGroup.run({ id: group.id ?? newId('ugp'), displayName: group.displayName, created, lastModified: created })
              .lastInsertRowid,
          );
          for (const userId of group.memberIds ?? []) {
            pairs[p++] = seq;
            pairs[p++] = seqById.get(userId) ?? userSeqOrThrow(userId);
          }
        }
        bulkInsertMembers(db, pairs);
        memberIndex = null;
        userChanged();
      })();
    },

    /**
     * The userName of the user who owns the API token(s). Airtable answers 422 when a token
     * deletes its own user; the simulator models every token as owned by this one user.
     */
    getTokenOwner(): string | null {
      return q.getMeta.get(TOKEN_OWNER_KEY)?.value ?? null;
    },

    setTokenOwner(userName: string | null): void {
      if (userName === null) q.deleteMeta.run(TOKEN_OWNER_KEY);
      else q.setMeta.run(TOKEN_OWNER_KEY, userName);
    },

    close(): void {
      if (db.open) db.close();
    },
  };
  return store;
}
