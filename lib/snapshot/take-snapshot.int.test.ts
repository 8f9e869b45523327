import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { hostname } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { snapshots } from '@/db/schema';
import { listAuditPage } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { computeSnapshotDigest, sortForDigest, type TDigestUser } from './digest';
import { countSnapshotContent } from './queries';
import { getCurrentSnapshot, getSnapshot, getSnapshotGroup, listSnapshotGroups, listSnapshotMemberships, listSnapshotUsers } from './read';
import { recoverInterruptedSnapshots, requestSnapshotCancel, startSnapshot } from './index';
import { ADMIN, fastClient, snapshotOf, snapshotOptions, startSeededSim, TEST_TOKEN, type TSimServer } from './testing';
import type { TSnapshot } from './types';

/** Every page of a paged reader, concatenated. */
function allPages<T>(read: (page: number) => { rows: T[]; total: number }): T[] {
  const out: T[] = [];
  for (let page = 1; ; page++) {
    const { rows, total } = read(page);
    out.push(...rows);
    if (rows.length === 0 || out.length >= total) return out;
  }
}

/** What the simulator holds, in the form the digest definition uses (computed without the database). */
function simDigest(server: TSimServer): string {
  const users = server.sim.store.allUsers();
  const groups = server.sim.store.allGroupsWithMembers();
  return computeSnapshotDigest(
    sortForDigest({
      groups: groups.map((g) => ({ id: g.id, displayName: g.displayName })),
      memberships: groups.flatMap((g) => g.memberIds.map((userId) => ({ groupId: g.id, userId }))),
      users: users.map(
        (u): TDigestUser => ({
          id: u.id,
          userName: u.userName,
          email: u.userName.toLowerCase(),
          givenName: u.givenName,
          familyName: u.familyName,
          displayName: null,
          title: u.title,
          active: u.active,
          department: u.department,
          costCenter: u.costCenter,
          division: u.division,
          organization: u.organization,
          managerEmail: u.managerValue,
          managerName: u.managerDisplayName,
          // The simulator renders one email, the userName (Airtable "Create user").
          emails: [{ value: u.userName, type: 'work', primary: true }],
        }),
      ),
    }),
  );
}

function auditActions(): string[] {
  return listAuditPage({}, 1, 500).rows.map((r) => r.action);
}

describe('takeSnapshot against the simulator over HTTP', () => {
  useTempDatabase();
  let server: TSimServer;

  beforeAll(async () => {
    server = await startSeededSim({ users: 300, groups: 25, seed: 11 });
  });
  afterEach(() => {
    server.sim.resetFaults();
  });
  afterAll(async () => {
    await server.close();
  });

  it('copies every user field, group and membership exactly, and records the run', async () => {
    const row = await snapshotOf(server);
    expect(row.status).toBe('complete');

    const storeUsers = server.sim.store.allUsers();
    const storeGroups = server.sim.store.allGroupsWithMembers();
    const users = allPages((page) => listSnapshotUsers(row.id, { page, pageSize: 100, sort: 'email' }));
    expect(users).toHaveLength(storeUsers.length);
    const byId = new Map(users.map((u) => [u.scimId, u]));
    for (const s of storeUsers) {
      const u = byId.get(s.id);
      expect(u, s.id).toBeDefined();
      expect({
        userName: u!.userName,
        email: u!.email,
        givenName: u!.givenName,
        familyName: u!.familyName,
        title: u!.title,
        active: u!.active,
        department: u!.department,
        costCenter: u!.costCenter,
        division: u!.division,
        organization: u!.organization,
        managerEmail: u!.managerEmail,
        managerName: u!.managerName,
      }).toEqual({
        userName: s.userName,
        email: s.userName.toLowerCase(),
        givenName: s.givenName,
        familyName: s.familyName,
        title: s.title,
        active: s.active,
        department: s.department,
        costCenter: s.costCenter,
        division: s.division,
        organization: s.organization,
        managerEmail: s.managerValue,
        managerName: s.managerDisplayName,
      });
      expect(u!.groupCount).toBe(storeGroups.filter((g) => g.memberIds.includes(s.id)).length);
    }

    const groups = allPages((page) => listSnapshotGroups(row.id, { page, pageSize: 10 }));
    expect(groups.map((g) => [g.scimId, g.displayName, g.memberCount]).sort()).toEqual(
      storeGroups.map((g) => [g.id, g.displayName, g.memberIds.length]).sort(),
    );
    const memberships = allPages((page) => listSnapshotMemberships(row.id, { page, pageSize: 200 }));
    expect(memberships.map((m) => `${m.groupId}/${m.userId}`).sort()).toEqual(
      storeGroups.flatMap((g) => g.memberIds.map((u) => `${g.id}/${u}`)).sort(),
    );
    expect(memberships.every((m) => !m.orphan)).toBe(true);

    expect(row).toMatchObject({
      phase: 'done',
      usersTotal: storeUsers.length,
      groupsTotal: storeGroups.length,
      membershipsCount: memberships.length,
      orphanMembershipsCount: 0,
      startedByEmail: ADMIN.email,
      startedById: ADMIN.id,
      trigger: 'ui',
      source: 'env',
      baseUrl: server.url,
      ownerPid: process.pid,
      error: null,
    });
    // 3 user pages + 1 group page + one GET per group.
    expect(row.requests).toBe(3 + 1 + storeGroups.length);
    expect(row.durationMs).toBeGreaterThanOrEqual(0);
    expect(row.finishedAt).not.toBeNull();
    expect(auditActions()).toEqual(expect.arrayContaining(['snapshot.started', 'snapshot.completed']));
    const completed = listAuditPage({ action: 'snapshot.completed' }, 1, 10).rows[0]!;
    expect(JSON.parse(completed.details)).toMatchObject({ users: storeUsers.length, digest: row.digest });
  });

  it('has a digest anyone can recompute from the directory, stable while nothing changes, different after one attribute changes', async () => {
    const first = await snapshotOf(server);
    const second = await snapshotOf(server);
    expect(first.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(second.digest).toBe(first.digest);
    // Recomputed from the simulator's own data, without the database: the definition is exact.
    expect(first.digest).toBe(simDigest(server));

    const victim = server.sim.store.allUsers()[17]!;
    const before = victim.title;
    server.sim.store.patchUser(victim.id, { title: `${before ?? ''} (acting)` });
    try {
      const third = await snapshotOf(server);
      expect(third.digest).not.toBe(first.digest);
      expect(third.digest).toBe(simDigest(server));
    } finally {
      server.sim.store.patchUser(victim.id, { title: before });
    }
  });

  it('keeps and flags a membership whose user joined after the user list was read (orphan)', async () => {
    // The user list is read first (its pages go first in the limiter); groups are fetched one at a
    // time with latency. When the list is done, a new user is created and put in a group that has
    // not been fetched yet: its GET /Groups/{id} then names a member the user list never had.
    const lastGroup = server.sim.store.allGroupsWithMembers().at(-1)!;
    let lateUser: string | null = null;
    server.sim.setFaults({ latencyMs: 15 });
    try {
      const row = await snapshotOf(server, {
        groupConcurrency: 1,
        onProgress: (p) => {
          if (p.phase !== 'users' && lateUser === null) {
            const u = server.sim.store.createUser({ userName: 'late.joiner@northwind.example', givenName: 'Late', familyName: 'Joiner' });
            server.sim.store.addMember(lastGroup.id, u.id);
            lateUser = u.id;
          }
        },
      });
      expect(row.status).toBe('complete');
      expect(lateUser).not.toBeNull();
      expect(row.orphanMembershipsCount).toBe(1);
      const orphans = listSnapshotMemberships(row.id, { orphanOnly: true, page: 1, pageSize: 10 });
      expect(orphans.total).toBe(1);
      expect(orphans.rows[0]).toMatchObject({ groupId: lastGroup.id, userId: lateUser, userEmail: null, orphan: true, memberDisplay: 'Late Joiner' });
      expect(getSnapshotGroup(row.id, lastGroup.id)).toMatchObject({ memberCount: lastGroup.memberIds.length + 1, orphanMembers: 1 });
      // Not in the user list of the snapshot: the membership is kept, not dropped.
      expect(listSnapshotUsers(row.id, { q: 'late.joiner', page: 1, pageSize: 10 }).total).toBe(0);
    } finally {
      if (lateUser) server.sim.store.deleteUser(lateUser);
    }
  });

  it('keeps and flags a member id that is no user at all (a server answering an inconsistent group)', async () => {
    // The simulator's store refuses unknown member ids, so this one comes from its fault engine: a
    // failNext rule serves this group's real JSON plus one extra member, over HTTP.
    const group = server.sim.store.allGroupsWithMembers()[3]!;
    const res = await fetch(`${server.url}/Groups/${group.id}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    const body = (await res.json()) as { members: Array<{ value: string; display?: string }> };
    body.members.push({ value: 'usrGHOST00000000001', display: 'Ghost Member' });
    server.sim.setFaults({ failNext: [{ method: 'GET', pathPrefix: `/Groups/${group.id}`, status: 200, times: 1, body }] });

    const row = await snapshotOf(server);
    expect(row.status).toBe('complete');
    expect(row.orphanMembershipsCount).toBe(1);
    const orphans = listSnapshotMemberships(row.id, { orphanOnly: true, page: 1, pageSize: 10 });
    expect(orphans.rows).toEqual([expect.objectContaining({ groupId: group.id, userId: 'usrGHOST00000000001', orphan: true, userEmail: null })]);
    expect(row.membershipsCount).toBe(server.sim.store.counts().memberships + 1);
  });

  describe.each([
    { name: 'a 5xx storm', faults: { rate5xx: 1 }, reason: /HTTP 50[023] \(server\)/ },
    { name: 'dropped connections', faults: { dropConnectionRate: 1 }, reason: /connection error/ },
  ])('a fault after the users phase: $name', ({ faults, reason }) => {
    it('fails with a readable reason, deletes every row, keeps the previous snapshot current', async () => {
      const previous = await snapshotOf(server);
      let rowsWhenFaultStarted = -1;
      server.sim.setFaults({ latencyMs: 5 });
      const row = await snapshotOf(
        server,
        {
          writeBatchSize: 50,
          groupConcurrency: 2,
          onProgress: (p) => {
            if (p.phase !== 'users' && rowsWhenFaultStarted < 0) {
              rowsWhenFaultStarted = countSnapshotContent(p.snapshotId).users;
              server.sim.setFaults(faults);
            }
          },
        },
        { maxRetries: 1 },
      );
      expect(row.status).toBe('failed');
      expect(row.error).toMatch(reason);
      expect(row.error).toMatch(/^SCIM GET \/Groups\/ugp/);
      expect(row.finishedAt).not.toBeNull();
      // Rows were written before the fault, and none are left.
      expect(rowsWhenFaultStarted).toBe(300);
      expect(countSnapshotContent(row.id)).toEqual({ users: 0, groups: 0, memberships: 0 });
      expect(getCurrentSnapshot()?.id).toBe(previous.id);
      expect(() => listSnapshotUsers(row.id, { page: 1, pageSize: 10 })).toThrow(AppError);
      const failed = listAuditPage({ action: 'snapshot.failed' }, 1, 10).rows[0]!;
      expect(JSON.parse(failed.details)).toMatchObject({ reason: row.error });
    });
  });

  it('fails at once on a wrong token, with the server reason', async () => {
    const client = fastClient(server, { token: 'wrong-token-0000' });
    const row = await startSnapshot(snapshotOptions(server, {}, client)).done;
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/HTTP 401 \(unauthorized\)/);
    expect(row.error).not.toContain('wrong-token-0000');
  });
});

describe('one snapshot at a time, cancel and recovery', () => {
  useTempDatabase();
  let server: TSimServer;

  beforeAll(async () => {
    server = await startSeededSim({ users: 300, groups: 25, seed: 12 });
  });
  afterEach(() => {
    server.sim.resetFaults();
  });
  afterAll(async () => {
    await server.close();
  });

  it('refuses a second start with a conflict naming the running one', async () => {
    server.sim.setFaults({ latencyMs: 20 });
    const first = startSnapshot(snapshotOptions(server, { groupConcurrency: 2 }));
    let err: unknown;
    try {
      startSnapshot(snapshotOptions(server, { actor: { id: 'u2', email: 'other@example.com' } }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('conflict');
    expect((err as AppError).message).toMatch(new RegExp(`^A snapshot is already running \\(#${first.snapshotId}, started by admin@example\\.com at \\d{4}-`));
    const row = await first.done;
    expect(row.status).toBe('complete');
  });

  it('enforces one running snapshot across processes through the partial unique index', async () => {
    // Another process (a second connection to the same file) holds a running snapshot; its owner
    // is alive (our parent process) so recovery leaves it alone.
    const other = new Database(getDb().$client.name);
    const now = new Date().toISOString();
    other
      .prepare(
        `INSERT INTO snapshots (status, phase, started_at, heartbeat_at, owner_pid, owner_host, started_by_email, "trigger", source, base_url)
         VALUES ('running', 'users', ?, ?, ?, ?, 'cron@example.com', 'cli', 'env', 'https://airtable.com/scim/v2')`,
      )
      .run(now, now, process.ppid, hostname());
    expect(() =>
      other
        .prepare(
          `INSERT INTO snapshots (status, phase, started_at, heartbeat_at, owner_pid, owner_host, started_by_email, "trigger", source, base_url)
           VALUES ('running', 'users', ?, ?, 1, 'x', 'b@example.com', 'cli', 'env', 'u')`,
        )
        .run(now, now),
    ).toThrow(/UNIQUE constraint failed/);
    other.close();
    expect(() => startSnapshot(snapshotOptions(server))).toThrow(/already running \(#1, started by cron@example\.com/);
  });

  it('cancels on request: stops promptly, deletes the rows, keeps the previous snapshot current', async () => {
    const previous = await snapshotOf(server);
    server.sim.setFaults({ latencyMs: 30 });
    const started = startSnapshot(snapshotOptions(server, { writeBatchSize: 20, groupConcurrency: 1 }));
    await waitFor(() => (getSnapshot(started.snapshotId)?.groupsDone ?? 0) >= 2);
    expect(countSnapshotContent(started.snapshotId).users).toBeGreaterThan(0);
    const requested = Date.now();
    const flagged = requestSnapshotCancel({ id: 'u3', email: 'canceller@example.com' }, started.snapshotId);
    expect(flagged.cancelRequested).toBe(true);
    const row = await started.done;
    expect(Date.now() - requested).toBeLessThan(1000);
    expect(row.status).toBe('cancelled');
    expect(row.error).toBe('Cancelled by canceller@example.com.');
    expect(countSnapshotContent(row.id)).toEqual({ users: 0, groups: 0, memberships: 0 });
    expect(getCurrentSnapshot()?.id).toBe(previous.id);
    expect(auditActions()).toEqual(expect.arrayContaining(['snapshot.cancel_requested', 'snapshot.cancelled']));
    // Not running any more.
    expect(() => requestSnapshotCancel(ADMIN, row.id)).toThrow(/is not running/);
    expect(() => requestSnapshotCancel(ADMIN, 999)).toThrow(/does not exist/);
  });

  it('cancels through an AbortSignal and through the flag set by another process', async () => {
    server.sim.setFaults({ latencyMs: 30 });
    const controller = new AbortController();
    const bySignal = startSnapshot(snapshotOptions(server, { signal: controller.signal, groupConcurrency: 1 }));
    await waitFor(() => (getSnapshot(bySignal.snapshotId)?.groupsDone ?? 0) >= 1);
    controller.abort('received SIGINT');
    const a = await bySignal.done;
    expect(a).toMatchObject({ status: 'cancelled', error: 'Cancelled: received SIGINT.' });

    const byFlag = startSnapshot(snapshotOptions(server, { groupConcurrency: 1 }));
    await waitFor(() => (getSnapshot(byFlag.snapshotId)?.groupsDone ?? 0) >= 1);
    // What requestSnapshotCancel does in another process: only the database flag, no in-process signal.
    getDb().update(snapshots).set({ cancelRequested: true, error: 'Cancelled by ui@example.com.' }).where(eq(snapshots.id, byFlag.snapshotId)).run();
    const b = await byFlag.done;
    expect(b).toMatchObject({ status: 'cancelled', error: 'Cancelled by ui@example.com.' });
    expect(countSnapshotContent(b.id)).toEqual({ users: 0, groups: 0, memberships: 0 });
  });

  it('persists live progress and a heartbeat while running', async () => {
    server.sim.setFaults({ latencyMs: 25 });
    const started = startSnapshot(snapshotOptions(server, { groupConcurrency: 1, writeBatchSize: 10, heartbeatIntervalMs: 100 }));
    const firstBeat = getSnapshot(started.snapshotId)!.heartbeatAt;
    await waitFor(() => (getSnapshot(started.snapshotId)?.groupsDone ?? 0) >= 3);
    await waitFor(() => getSnapshot(started.snapshotId)!.heartbeatAt > firstBeat);
    const mid = getSnapshot(started.snapshotId)!;
    expect(mid.status).toBe('running');
    expect(mid.phase).toBe('members');
    expect(mid).toMatchObject({ usersDone: 300, usersTotal: 300, groupsTotal: 25 });
    expect(mid.requests).toBeGreaterThanOrEqual(3 + 1 + 3);
    expect(mid.membershipsCount).toBeGreaterThan(0);
    // Readers never see it.
    expect(getCurrentSnapshot()).toBeNull();
    const row = await started.done;
    expect(row.status).toBe('complete');
  });

  it('recovers snapshots whose process is gone or whose heartbeat stopped, and leaves live ones', () => {
    const insert = (values: Partial<TSnapshot>) =>
      getDb()
        .insert(snapshots)
        .values({
          status: 'failed',
          phase: 'users',
          startedAt: new Date().toISOString(),
          heartbeatAt: new Date().toISOString(),
          ownerPid: process.pid,
          ownerHost: hostname(),
          startedByEmail: 'x@example.com',
          trigger: 'cli',
          source: 'env',
          baseUrl: 'https://airtable.com/scim/v2',
          ...values,
        })
        .returning()
        .get();
    // A dead pid on this host (pids are < 2^22 on Linux).
    const dead = insert({ status: 'running', ownerPid: 4_194_303 + 1000 });
    getDb().$client.prepare("INSERT INTO snapshot_users (snapshot_id, scim_id, user_name, email, active, emails_json, raw_json) VALUES (?, 'usrX', 'x', 'x', 1, '[]', '{}')").run(dead.id);
    expect(recoverInterruptedSnapshots()).toBe(1);
    expect(getSnapshot(dead.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^Interrupted: the process that ran it \(pid \d+/) });
    expect(countSnapshotContent(dead.id).users).toBe(0);

    // Another host, heartbeat 3 minutes old.
    const stale = insert({ status: 'running', ownerHost: 'elsewhere', heartbeatAt: new Date(Date.now() - 180_000).toISOString() });
    expect(recoverInterruptedSnapshots()).toBe(1);
    expect(getSnapshot(stale.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/no heartbeat .*\(more than 2 minutes\)/) });

    // Another host, fresh heartbeat: alive as far as we can tell.
    const live = insert({ status: 'running', ownerHost: 'elsewhere' });
    expect(recoverInterruptedSnapshots()).toBe(0);
    expect(getSnapshot(live.id)?.status).toBe('running');
    expect(auditActions().filter((a) => a === 'snapshot.failed')).toHaveLength(2);
  });
});


async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
