import 'server-only';
import type { TScimGroup, TScimMember, TScimUser } from '@/lib/scim';
import { createSnapshotDigester, type TDigestEmail } from './digest';
import {
  deleteSnapshotContentChunk,
  getSnapshotRow,
  iterateDigestGroups,
  iterateDigestMembershipJson,
  iterateDigestUsers,
  openSnapshotReader,
  openSnapshotRowStore,
  type TUserInsert,
} from './queries';

/**
 * The row writer of one running snapshot. Rows are buffered and written in batches, one
 * synchronous better-sqlite3 transaction per batch (never awaited, never around a SCIM call), so
 * the crawl holds the write lock only a few milliseconds at a time. Readers never see these rows
 * before the snapshot is marked complete: every read filters on status.
 */

export type TSnapshotWriterOptions = {
  /** Rows per transaction (default 50,000: ~0.3 s of write lock; see docs/decisions/005-snapshots.md). */
  batchSize?: number;
  /** The pid recorded as owner of the snapshot (default this process). */
  ownerPid?: number;
};

export type TWriterCounts = { users: number; groups: number; memberships: number; orphanMemberships: number };
export type TWriterResult = TWriterCounts & { digest: string };

export type TSnapshotWriter = {
  addUsers: (users: readonly TScimUser[]) => void;
  /**
   * The user list is complete: memberships added from now on are flagged orphan at once, and
   * `finish` skips the orphan pass when no membership arrived before this.
   */
  usersComplete: () => void;
  /** Groups with their members as `GET /Groups/{id}` returned them: the group row and its memberships. */
  addGroups: (groups: readonly TScimGroup[]) => void;
  /** Memberships of one group (a member listed twice is stored and counted once). Call once per group. */
  addMemberships: (groupId: string, members: readonly TScimMember[]) => void;
  /** Write what is buffered now. */
  flush: () => void;
  /** Flush, set member counts and orphan flags, then compute the digest from the stored rows. */
  finish: () => Promise<TWriterResult>;
  /** Stop accepting rows and delete everything written so far (in chunks); a no-op once the snapshot is complete. */
  discard: () => Promise<void>;
  /** Rows committed so far. */
  readonly counts: TWriterCounts;
  /** Rows received so far, committed or still buffered (what progress shows). */
  readonly received: { users: number; groups: number; memberships: number };
};

// Each membership batch dirties leaves all over the (snapshot_id, user_id) index, and a commit writes
// every dirty page to the WAL: fewer, larger batches cut that write amplification (bench/snapshot.bench.ts:
// 5k rows/tx ran 2.7x the single-transaction time, 50k ~1.1x) while a batch still holds the lock < 0.5 s.
const DEFAULT_BATCH = 50_000;
// A user row (raw JSON included) is ~10x a membership row: it counts 10 toward the batch, which
// bounds the memory a batch holds (bench: peak RSS growth of a 1M-membership ingest).
const USER_WEIGHT = 10;
// Rows per transaction while trickling: ~5-15 ms of write each (bench/snapshot.bench.ts: 1000-row
// trickles cost more in commits than they saved in stalls; 4000 gave the best rate ratio).
const TRICKLE_ROWS = 4000;
const COMPACT_AT = 100_000;
const DELETE_CHUNK = 20_000;
const YIELD_EVERY = 50_000;

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// The email reviewers and HR rosters are matched on: primary email, else userName, lowercased.
function userRow(u: TScimUser): TUserInsert {
  return [
    u.id,
    u.userName,
    (u.primaryEmail ?? u.userName).toLowerCase(),
    u.givenName,
    u.familyName,
    u.displayName,
    u.title,
    u.active ? 1 : 0,
    u.department,
    u.costCenter,
    u.division,
    u.organization,
    u.managerEmail,
    u.managerName,
    JSON.stringify(u.emails),
    JSON.stringify(u.raw),
  ];
}

// Members are stored as rows; keeping them in raw_json too would double a 100k-member group.
function groupRawJson(raw: Record<string, unknown>): string {
  return JSON.stringify(raw, (key, value: unknown) => (key === 'members' ? undefined : value));
}

/** Create the writer of a running snapshot (see the module comment). */
export function createSnapshotWriter(snapshotId: number, options: TSnapshotWriterOptions = {}): TSnapshotWriter {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH));
  const trickleSize = Math.min(batchSize, TRICKLE_ROWS);
  const store = openSnapshotRowStore(snapshotId, options.ownerPid ?? process.pid);
  const counts: TWriterCounts = { users: 0, groups: 0, memberships: 0, orphanMemberships: 0 };
  const received = { users: 0, groups: 0, memberships: 0 };

  // Queues read from a head index. Users become row tuples at once, so the parsed SCIM objects
  // (raw included) can be collected; memberships are parallel arrays, no object per row.
  let users: TUserInsert[] = [];
  let groups: Array<{ id: string; displayName: string; memberCount: number; rawJson: string }> = [];
  let mGroup: string[] = [];
  let mUser: string[] = [];
  let mDisplay: Array<string | null> = [];
  let mOrphan: Array<0 | 1> = [];
  let ui = 0;
  let gi = 0;
  let mi = 0;
  /** Weighted rows waiting (a user counts USER_WEIGHT). */
  let pending = 0;

  const knownUsers = new Set<string>();
  let usersListComplete = false;
  // Memberships written before the user list was complete whose user was not known yet.
  let undecided = 0;
  const memberCounts = new Map<string, number>();
  let closed = false;
  let trickleScheduled = false;
  let trickleError: unknown = null;

  const assertOpen = (): void => {
    if (closed) throw new Error(`snapshot #${snapshotId} writer is closed`);
    if (trickleError !== null) throw trickleError;
  };

  /** Write up to `budget` weighted rows from the heads of the queues, in one transaction. */
  const writeSome = (budget: number): void => {
    const startU = ui;
    const startG = gi;
    const startM = mi;
    const endU = Math.min(users.length, ui + Math.max(1, Math.floor(budget / USER_WEIGHT)));
    let left = Math.max(0, budget - (endU - ui) * USER_WEIGHT);
    const endG = Math.min(groups.length, gi + left);
    left -= endG - gi;
    const endM = Math.min(mGroup.length, mi + left);
    const u = users;
    const g = groups;
    const mg = mGroup;
    const mu = mUser;
    const md = mDisplay;
    const mo = mOrphan;
    let duplicates: number[] = [];
    // Users in id order within a batch: their rows then sit on consecutive pages in the order the
    // digest pass and the exports read them (by id), instead of one random page read per user.
    const batchUsers = u.slice(startU, endU).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    store.writeBatch((sink) => {
      for (const row of batchUsers) sink.user(row);
      for (let i = startG; i < endG; i++) {
        const row = g[i] as (typeof g)[number];
        sink.group(row.id, row.displayName, row.memberCount, row.rawJson);
      }
      duplicates = endM > startM ? sink.memberships(mg, mu, md, mo, startM, endM) : [];
    });
    counts.users += endU - startU;
    counts.groups += endG - startG;
    counts.memberships += endM - startM - duplicates.length;
    for (let i = startM; i < endM; i++) counts.orphanMemberships += mo[i] ?? 0;
    for (const i of duplicates) {
      // Listed twice by the server: stored once, counted once.
      const groupId = mg[i] as string;
      memberCounts.set(groupId, (memberCounts.get(groupId) ?? 1) - 1);
      received.memberships--;
      counts.orphanMemberships -= mo[i] ?? 0;
    }
    pending -= (endU - startU) * USER_WEIGHT + (endG - startG) + (endM - startM);
    ui = endU;
    gi = endG;
    mi = endM;
    // Drop what was written: everything at once when the queues are empty, else now and then.
    if (mi > COMPACT_AT) {
      mGroup = mGroup.slice(mi);
      mUser = mUser.slice(mi);
      mDisplay = mDisplay.slice(mi);
      mOrphan = mOrphan.slice(mi);
      mi = 0;
    }
    if (ui > COMPACT_AT / USER_WEIGHT) {
      users = users.slice(ui);
      ui = 0;
    }
    if (ui === users.length && gi === groups.length && mi === mGroup.length) {
      users = [];
      groups = [];
      mGroup = [];
      mUser = [];
      mDisplay = [];
      mOrphan = [];
      ui = 0;
      gi = 0;
      mi = 0;
      pending = 0;
    }
  };

  const flush = (): void => {
    while (pending > 0) writeSome(batchSize);
  };

  // While rows arrive slowly (a crawl waiting on the network), write them a little at a time
  // between events: every synchronous transaction stalls the event loop, and a stall longer than
  // one rate-limit interval (20 ms at 50/s) is a request slot the SCIM limiter never gets back.
  const scheduleTrickle = (): void => {
    if (trickleScheduled || closed || pending === 0) return;
    trickleScheduled = true;
    setImmediate(() => {
      trickleScheduled = false;
      if (closed || trickleError !== null || pending === 0) return;
      try {
        writeSome(trickleSize);
      } catch (err) {
        // Surfaces on the next add, flush or finish (a recovered snapshot, a full disk…).
        trickleError = err;
        return;
      }
      scheduleTrickle();
    });
  };

  // Rows arriving faster than a trickle drains them (a backlog, or a fast local server): large
  // batches, which keep write amplification and total write time low.
  const maybeFlush = (): void => {
    if (pending >= batchSize) flush();
    else scheduleTrickle();
  };

  const addMemberships = (groupId: string, members: readonly TScimMember[]): void => {
    assertOpen();
    if (memberCounts.has(groupId)) throw new Error(`memberships of group ${groupId} were already added`);
    let n = 0;
    for (const member of members) {
      const known = knownUsers.has(member.value);
      if (!known && !usersListComplete) undecided++;
      mGroup.push(groupId);
      mUser.push(member.value);
      mDisplay.push(member.display);
      mOrphan.push(known || !usersListComplete ? 0 : 1);
      n++;
      pending++;
    }
    memberCounts.set(groupId, n);
    received.memberships += n;
    maybeFlush();
  };

  return {
    counts,
    received,
    addUsers(list) {
      assertOpen();
      received.users += list.length;
      for (const user of list) {
        users.push(userRow(user));
        knownUsers.add(user.id);
      }
      pending += list.length * USER_WEIGHT;
      maybeFlush();
    },
    usersComplete() {
      usersListComplete = true;
    },
    addGroups(list) {
      assertOpen();
      for (const group of list) {
        groups.push({ id: group.id, displayName: group.displayName ?? group.id, memberCount: 0, rawJson: groupRawJson(group.raw) });
        pending++;
        received.groups++;
        if (group.membersIncluded) addMemberships(group.id, group.members);
      }
      maybeFlush();
    },
    addMemberships,
    flush() {
      assertOpen();
      flush();
    },
    async finish() {
      assertOpen();
      flush();
      store.setGroupMemberCounts(memberCounts);
      if (undecided > 0) counts.orphanMemberships += store.flagOrphanMemberships();
      closed = true;
      store.release();
      const digest = await digestFromRows(snapshotId);
      return { ...counts, digest };
    },
    async discard() {
      closed = true;
      store.release();
      users = [];
      groups = [];
      mGroup = [];
      mUser = [];
      mDisplay = [];
      mOrphan = [];
      ui = 0;
      gi = 0;
      mi = 0;
      pending = 0;
      // Never the rows of a complete snapshot, whatever failed after it completed.
      if (getSnapshotRow(snapshotId)?.status === 'complete') return;
      await deleteSnapshotContent(snapshotId);
    },
  };
}

/** Delete every row of a snapshot in chunks, letting the event loop run between them. */
export async function deleteSnapshotContent(snapshotId: number): Promise<number> {
  let total = 0;
  for (;;) {
    const n = deleteSnapshotContentChunk(snapshotId, DELETE_CHUNK);
    if (n === 0) return total;
    total += n;
    await yieldToLoop();
  }
}

/** Delete every row of a snapshot in chunks, synchronously (recovery runs at start, before serving). */
export function deleteSnapshotContentSync(snapshotId: number): number {
  let total = 0;
  for (;;) {
    const n = deleteSnapshotContentChunk(snapshotId, DELETE_CHUNK);
    if (n === 0) return total;
    total += n;
  }
}

/**
 * The digest of a snapshot's stored rows (see digest.ts), streamed in key order through the
 * read-only connection and yielding to the event loop now and then so pages stay responsive.
 */
export async function digestFromRows(snapshotId: number): Promise<string> {
  const reader = openSnapshotReader();
  try {
    reader.begin();
    const d = createSnapshotDigester();
    let n = 0;
    for (const [id, displayName] of iterateDigestGroups(reader, snapshotId)) d.group({ id, displayName });
    // Yielding mid-iteration is safe: the open statement belongs to the reader connection, not the writer's.
    for (const json of iterateDigestMembershipJson(reader, snapshotId)) {
      d.membershipJson(json);
      if (++n % YIELD_EVERY === 0) await yieldToLoop();
    }
    for (const row of iterateDigestUsers(reader, snapshotId)) {
      d.user({
        id: row[0],
        userName: row[1],
        email: row[2],
        givenName: row[3],
        familyName: row[4],
        displayName: row[5],
        title: row[6],
        active: row[7] === 1,
        department: row[8],
        costCenter: row[9],
        division: row[10],
        organization: row[11],
        managerEmail: row[12],
        managerName: row[13],
        emails: JSON.parse(row[14]) as TDigestEmail[],
      });
      if (++n % YIELD_EVERY === 0) await yieldToLoop();
    }
    return d.digest();
  } finally {
    reader.close();
  }
}
