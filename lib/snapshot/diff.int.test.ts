import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectText } from '@/lib/export';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { diffSnapshots, listDiffEntries, streamDiffCsv, type TDiffEntry } from './diff';
import { snapshotOf, startSeededSim, type TSimServer } from './testing';

describe('diff of two snapshots with known changes applied to the simulator in between', () => {
  useTempDatabase();
  let server: TSimServer;

  beforeAll(async () => {
    server = await startSeededSim({ users: 300, groups: 25, seed: 41 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('finds exactly the joiner, leaver, deactivation, department and manager change, and membership added and removed', async () => {
    const store = server.sim.store;
    const before = await snapshotOf(server);
    const users = store.allUsers();
    const groups = store.allGroupsWithMembers();
    const grouped = new Set(groups.flatMap((g) => g.memberIds));
    const memberOf = (id: string) => groups.filter((g) => g.memberIds.includes(id));

    // A leaver who is in no group (so leaving removes no membership), everyone else distinct.
    const leaver = users.find((u) => !grouped.has(u.id) && u.active)!;
    const deactivated = users.find((u) => u.active && u.id !== leaver.id && memberOf(u.id).length === 0 && u.userName !== store.getTokenOwner())
      ?? users.filter((u) => u.active && u.id !== leaver.id)[5]!;
    const mover = users.find((u) => u.department === 'Engineering' && u.active && ![leaver.id, deactivated.id].includes(u.id))!;
    const managed = users.find((u) => u.managerValue !== null && ![leaver.id, deactivated.id, mover.id].includes(u.id))!;
    const newManager = users.find((u) => u.managerValue !== managed.managerValue && u.id !== managed.id && u.active)!;
    const group = groups.find((g) => g.memberIds.length > 10)!;
    const removed = group.memberIds.find((id) => ![leaver.id, deactivated.id, mover.id, managed.id].includes(id))!;
    const added = users.find((u) => !group.memberIds.includes(u.id) && ![leaver.id, deactivated.id, mover.id, managed.id].includes(u.id))!;

    const joiner = store.createUser({ userName: 'new.hire@northwind.example', givenName: 'New', familyName: 'Hire', title: 'Analyst', department: 'Finance' });
    store.deleteUser(leaver.id);
    store.setUserActive(deactivated.id, false);
    store.patchUser(mover.id, { department: 'Sales' });
    store.patchUser(managed.id, { managerValue: newManager.userName, managerDisplayName: `${newManager.givenName} ${newManager.familyName}` });
    store.addMember(group.id, added.id);
    store.removeMember(group.id, removed);
    const removedUser = users.find((u) => u.id === removed)!;

    const after = await snapshotOf(server);
    const summary = diffSnapshots(before.id, after.id);
    expect(summary.counts).toEqual({
      joiner: 1,
      leaver: 1,
      activated: 0,
      deactivated: 1,
      attribute: 2,
      membership_added: 1,
      membership_removed: 1,
    });
    expect(summary.total).toBe(7);
    expect(summary.from.id).toBe(before.id);
    expect(summary.to.digest).toBe(after.digest);

    const entries = listDiffEntries(before.id, after.id, { page: 1, pageSize: 50 });
    const base = { groupId: null, groupName: null, field: null, before: null, after: null };
    const expected: TDiffEntry[] = [
      { kind: 'joiner', userId: joiner.id, userEmail: 'new.hire@northwind.example', ...base },
      { kind: 'leaver', userId: leaver.id, userEmail: leaver.userName.toLowerCase(), ...base },
      { kind: 'deactivated', userId: deactivated.id, userEmail: deactivated.userName.toLowerCase(), groupId: null, groupName: null, field: 'active', before: 'true', after: 'false' },
      ...[
        { kind: 'attribute' as const, userId: mover.id, userEmail: mover.userName.toLowerCase(), groupId: null, groupName: null, field: 'department' as const, before: 'Engineering', after: 'Sales' },
        { kind: 'attribute' as const, userId: managed.id, userEmail: managed.userName.toLowerCase(), groupId: null, groupName: null, field: 'manager' as const, before: managed.managerValue, after: newManager.userName },
      ].sort((a, b) => (a.userEmail < b.userEmail ? -1 : 1)),
      { kind: 'membership_added', userId: added.id, userEmail: added.userName.toLowerCase(), groupId: group.id, groupName: group.displayName, field: null, before: null, after: null },
      { kind: 'membership_removed', userId: removed, userEmail: removedUser.userName.toLowerCase(), groupId: group.id, groupName: group.displayName, field: null, before: null, after: null },
    ];
    expect(entries).toEqual({ rows: expected, total: 7, page: 1, pageSize: 50 });

    // Pages that span kinds, and one kind alone.
    const p1 = listDiffEntries(before.id, after.id, { page: 1, pageSize: 3 });
    const p2 = listDiffEntries(before.id, after.id, { page: 2, pageSize: 3 });
    const p3 = listDiffEntries(before.id, after.id, { page: 3, pageSize: 3 });
    expect([...p1.rows, ...p2.rows, ...p3.rows]).toEqual(expected);
    expect(listDiffEntries(before.id, after.id, { kind: 'attribute', page: 1, pageSize: 10 }).rows.map((r) => r.field).sort()).toEqual(['department', 'manager']);

    // Reversed, joiners and leavers swap and so do the membership kinds.
    expect(diffSnapshots(after.id, before.id).counts).toEqual({ joiner: 1, leaver: 1, activated: 1, deactivated: 0, attribute: 2, membership_added: 1, membership_removed: 1 });
    expect(diffSnapshots(before.id, before.id).total).toBe(0);

    const csv = streamDiffCsv(before.id, after.id);
    const text = await collectText(csv.chunks);
    const records = parse(text) as string[][];
    expect(records[0]).toEqual(['kind', 'userId', 'userEmail', 'groupId', 'groupName', 'field', 'before', 'after']);
    expect(records.slice(1).map((r) => [r[0], r[1]])).toEqual(expected.map((e) => [e.kind, e.userId]));
    expect(csv.rows()).toBe(7);
    expect(csv.fileName).toBe(`attest-diff-${before.id}-to-${after.id}.csv`);
  });

  it('refuses snapshots that are not complete', async () => {
    const snap = await snapshotOf(server);
    expect(() => diffSnapshots(snap.id, snap.id + 5)).toThrow(/does not exist or is not complete/);
    expect(() => streamDiffCsv(snap.id + 5, snap.id)).toThrow(/does not exist or is not complete/);
  });
});
