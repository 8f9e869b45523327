import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_COMPANY_DOMAIN } from '@/lib/airtable-sim';
import { AppError } from '@/lib/errors';
import { setCompanyDomains } from '@/lib/settings';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import {
  getSnapshotGroup,
  getSnapshotUser,
  listGroupMembers,
  listGroupsOfUser,
  listSnapshotDepartments,
  listSnapshotGroups,
  listSnapshotMemberships,
  listSnapshotUsers,
  listSnapshots,
} from './read';
import { ADMIN, snapshotOf, startSeededSim, TEST_TOKEN, type TSimServer } from './testing';
import type { TSnapshotUserRow, TUserListQuery } from './types';

function allUsers(snapshotId: number, query: Omit<TUserListQuery, 'page' | 'pageSize'>, pageSize = 37): TSnapshotUserRow[] {
  const out: TSnapshotUserRow[] = [];
  for (let page = 1; ; page++) {
    const res = listSnapshotUsers(snapshotId, { ...query, page, pageSize });
    out.push(...res.rows);
    if (res.rows.length < pageSize) {
      expect(out).toHaveLength(res.total);
      return out;
    }
  }
}

const ids = (rows: Array<{ scimId: string }>) => rows.map((r) => r.scimId).sort();
const sorted = <T,>(list: T[], cmp: (a: T, b: T) => number) => [...list].sort(cmp);
const byStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('snapshot page queries (filters, sort, search, pagination) against the simulator data', () => {
  useTempDatabase();
  let server: TSimServer;
  const special: Record<string, string> = {};

  beforeAll(async () => {
    server = await startSeededSim({ users: 300, groups: 25, seed: 31 });
    // Titles with LIKE wildcards: searching them must be literal.
    const store = server.sim.store;
    special.percent = store.createUser({ userName: 'pat.percent@northwind.example', givenName: 'Pat', familyName: 'Percent', title: '100% Remote Analyst', department: 'Finance' }).id;
    special.underscore = store.createUser({ userName: 'uma.under@northwind.example', givenName: 'Uma', familyName: 'Under', title: 'Data_Engineer', department: 'Engineering' }).id;
    special.lookalike = store.createUser({ userName: 'lou.look@northwind.example', givenName: 'Lou', familyName: 'Look', title: 'DataXEngineer', department: 'Engineering' }).id;
    special.backslash = store.createUser({ userName: 'bo.slash@northwind.example', givenName: 'Bo', familyName: 'Slash', title: 'Ops\\Tools' }).id;
  });
  afterAll(async () => {
    await server.close();
  });

  it('filters by active, department, group, no groups and external, matching the simulator', async () => {
    const snap = await snapshotOf(server);
    const store = server.sim.store;
    const simUsers = store.allUsers();
    const simGroups = store.allGroupsWithMembers();
    const grouped = new Set(simGroups.flatMap((g) => g.memberIds));

    expect(ids(allUsers(snap.id, { active: false }))).toEqual(simUsers.filter((u) => !u.active).map((u) => u.id).sort());
    expect(ids(allUsers(snap.id, { active: true }))).toEqual(simUsers.filter((u) => u.active).map((u) => u.id).sort());
    expect(ids(allUsers(snap.id, { department: 'Engineering' }))).toEqual(simUsers.filter((u) => u.department === 'Engineering').map((u) => u.id).sort());
    const group = simGroups.find((g) => g.memberIds.length > 40)!;
    expect(ids(allUsers(snap.id, { groupId: group.id }))).toEqual([...group.memberIds].sort());
    const noGroups = simUsers.filter((u) => !grouped.has(u.id)).map((u) => u.id).sort();
    expect(noGroups.length).toBeGreaterThan(0);
    expect(ids(allUsers(snap.id, { noGroups: true }))).toEqual(noGroups);
    expect(allUsers(snap.id, { noGroups: true }).every((u) => u.groupCount === 0)).toBe(true);

    // Company domain inferred as the most common one of the snapshot.
    const external = simUsers.filter((u) => !u.userName.endsWith(`@${DEMO_COMPANY_DOMAIN}`)).map((u) => u.id).sort();
    expect(external.length).toBeGreaterThan(0);
    expect(ids(allUsers(snap.id, { externalOnly: true }))).toEqual(external);
    const flagged = allUsers(snap.id, {}).filter((u) => u.isExternal);
    expect(ids(flagged)).toEqual(external);
    // Combined filters: active external users in a group.
    const contractors = simGroups.find((g) => g.displayName === 'Contractors')!;
    const expected = simUsers.filter((u) => u.active && contractors.memberIds.includes(u.id) && external.includes(u.id)).map((u) => u.id).sort();
    expect(ids(allUsers(snap.id, { active: true, externalOnly: true, groupId: contractors.id }))).toEqual(expected);

    // With the setting, the configured domains win: nobody is external when both are company domains.
    setCompanyDomains(ADMIN, [DEMO_COMPANY_DOMAIN, 'contractors-partner.example', 'agency-studio.example', 'freelance-mail.example']);
    expect(listSnapshotUsers(snap.id, { externalOnly: true, page: 1, pageSize: 10 }).total).toBe(0);
  });

  it('sorts by every column in both directions with stable, complete pagination', async () => {
    const snap = await snapshotOf(server);
    const everyone = allUsers(snap.id, {});
    const emails = everyone.map((u) => u.email);
    expect(allUsers(snap.id, { sort: 'email' }).map((u) => u.email)).toEqual(sorted(emails, byStr));
    expect(allUsers(snap.id, { sort: 'email', dir: 'desc' }).map((u) => u.email)).toEqual(sorted(emails, byStr).reverse());

    const byName = allUsers(snap.id, { sort: 'name' });
    for (let i = 1; i < byName.length; i++) {
      const a = byName[i - 1]!;
      const b = byName[i]!;
      expect(byStr(a.familyName ?? '', b.familyName ?? '') < 0 || (a.familyName === b.familyName && byStr(a.givenName ?? '', b.givenName ?? '') <= 0)).toBe(true);
    }
    expect(new Set(byName.map((u) => u.scimId)).size).toBe(everyone.length);

    const byGroups = allUsers(snap.id, { sort: 'groups', dir: 'desc' });
    const simGroups = server.sim.store.allGroupsWithMembers();
    const maxGroups = Math.max(...server.sim.store.allUsers().map((u) => simGroups.filter((g) => g.memberIds.includes(u.id)).length));
    expect(byGroups[0]!.groupCount).toBe(maxGroups);
    for (let i = 1; i < byGroups.length; i++) expect(byGroups[i - 1]!.groupCount).toBeGreaterThanOrEqual(byGroups[i]!.groupCount);
    expect(allUsers(snap.id, { sort: 'groups' }).at(0)!.groupCount).toBe(0);

    const byDept = allUsers(snap.id, { sort: 'department', dir: 'desc' });
    const depts = byDept.map((u) => u.department);
    const nonNull = depts.filter((d): d is string => d !== null);
    expect(nonNull).toEqual(sorted(nonNull, byStr).reverse());
    // Users without a department come last in both directions.
    expect(depts.slice(nonNull.length).every((d) => d === null)).toBe(true);
    const titles = allUsers(snap.id, { sort: 'title' }).map((u) => u.title).filter((t): t is string => t !== null);
    expect(titles).toEqual(sorted(titles, byStr));
    const actives = allUsers(snap.id, { sort: 'active', dir: 'desc' }).map((u) => u.active);
    expect(actives.indexOf(false)).toBe(actives.filter(Boolean).length);

    // Past the end: no rows, the total still there.
    expect(listSnapshotUsers(snap.id, { page: 1000, pageSize: 50 })).toEqual({ rows: [], total: everyone.length, page: 1000, pageSize: 50 });
  });

  it('searches name, email, userName and title; LIKE wildcards and backslashes are literal', async () => {
    const snap = await snapshotOf(server);
    const q = (text: string) => ids(allUsers(snap.id, { q: text }));
    expect(q('100%')).toEqual([special.percent]);
    expect(q('%')).toEqual([special.percent]);
    expect(q('Data_E')).toEqual([special.underscore]);
    expect(q('_')).toEqual([special.underscore]);
    expect(q('dataxengineer')).toEqual([special.lookalike]);
    expect(q('Ops\\Tools')).toEqual([special.backslash]);
    expect(q('PAT PERCENT')).toEqual([special.percent]);
    expect(q('uma.under@')).toEqual([special.underscore]);
    // Substring of many emails, checked against the simulator.
    const domainHits = server.sim.store.allUsers().filter((u) => u.userName.includes('contractors-partner')).map((u) => u.id).sort();
    expect(q('contractors-partner')).toEqual(domainHits);
    expect(listSnapshotUsers(snap.id, { q: '   ', page: 1, pageSize: 5 }).total).toBe(server.sim.store.counts().users);
  });

  it('lists groups, memberships and members with search, sort and paging', async () => {
    const snap = await snapshotOf(server);
    const simGroups = server.sim.store.allGroupsWithMembers();
    const simUsers = new Map(server.sim.store.allUsers().map((u) => [u.id, u]));

    const groups = listSnapshotGroups(snap.id, { sort: 'members', dir: 'desc', page: 1, pageSize: 5 });
    expect(groups.total).toBe(simGroups.length);
    expect(groups.rows.map((g) => g.memberCount)).toEqual(simGroups.map((g) => g.memberIds.length).sort((a, b) => b - a).slice(0, 5));
    const named = listSnapshotGroups(snap.id, { q: 'engineering', page: 1, pageSize: 50 });
    expect(named.rows.map((g) => g.displayName).sort()).toEqual(simGroups.filter((g) => /engineering/i.test(g.displayName)).map((g) => g.displayName).sort());
    const byName = listSnapshotGroups(snap.id, { page: 2, pageSize: 10 });
    expect(byName.rows.map((g) => g.displayName)).toEqual(simGroups.map((g) => g.displayName).sort(byStr).slice(10, 20));

    const group = simGroups.find((g) => g.memberIds.length > 30)!;
    const detail = getSnapshotGroup(snap.id, group.id)!;
    expect(detail).toMatchObject({ scimId: group.id, displayName: group.displayName, memberCount: group.memberIds.length, orphanMembers: 0 });
    expect(detail.raw).not.toHaveProperty('members');
    expect(detail.raw).toMatchObject({ id: group.id, displayName: group.displayName });

    const members: string[] = [];
    for (let page = 1; ; page++) {
      const res = listGroupMembers(snap.id, group.id, { page, pageSize: 7 });
      expect(res.total).toBe(group.memberIds.length);
      members.push(...res.rows.map((r) => r.email!));
      if (res.rows.length < 7) break;
    }
    expect(members).toEqual(group.memberIds.map((id) => simUsers.get(id)!.userName.toLowerCase()).sort(byStr));
    const someone = simUsers.get(group.memberIds[0]!)!;
    const found = listGroupMembers(snap.id, group.id, { q: someone.userName.toUpperCase(), page: 1, pageSize: 5 });
    expect(found.rows.map((r) => r.userId)).toEqual([someone.id]);

    const ofGroup = listSnapshotMemberships(snap.id, { groupId: group.id, page: 1, pageSize: 500 });
    expect(ofGroup.total).toBe(group.memberIds.length);
    expect(ofGroup.rows.every((r) => r.groupName === group.displayName && r.userEmail !== null)).toBe(true);
    const all = listSnapshotMemberships(snap.id, { page: 1, pageSize: 20 });
    expect(all.total).toBe(server.sim.store.counts().memberships);
    // Ordered by group name, then member id.
    const expectedFirst = [...simGroups].sort((a, b) => byStr(a.displayName, b.displayName)).flatMap((g) => [...g.memberIds].sort(byStr).map((u) => `${g.id}/${u}`)).slice(0, 20);
    expect(all.rows.map((r) => `${r.groupId}/${r.userId}`)).toEqual(expectedFirst);
    const byEmail = listSnapshotMemberships(snap.id, { q: someone.userName, page: 1, pageSize: 100 });
    expect(byEmail.rows.map((r) => r.groupId).sort()).toEqual(simGroups.filter((g) => g.memberIds.includes(someone.id)).map((g) => g.id).sort());
    const byGroupName = listSnapshotMemberships(snap.id, { q: group.displayName, page: 1, pageSize: 1 });
    expect(byGroupName.total).toBeGreaterThanOrEqual(group.memberIds.length);

    const user = getSnapshotUser(snap.id, someone.id)!;
    expect(user).toMatchObject({ scimId: someone.id, email: someone.userName.toLowerCase(), emails: [{ value: someone.userName, type: 'work', primary: true }] });
    expect(user.raw).toMatchObject({ id: someone.id, userName: someone.userName });
    expect(listGroupsOfUser(snap.id, someone.id).map((g) => g.scimId).sort()).toEqual(simGroups.filter((g) => g.memberIds.includes(someone.id)).map((g) => g.id).sort());
    expect(getSnapshotUser(snap.id, 'usrNOPE')).toBeNull();

    expect(listSnapshotDepartments(snap.id)).toEqual([...new Set([...simUsers.values()].map((u) => u.department).filter((d): d is string => d !== null))].sort(byStr));
  });

  it('pages memberships across groups in name order, with q, orphanOnly and groupId, like a sort of the simulator data', async () => {
    // One group answers with a ghost member (no such user) and one member listed twice.
    const simGroups = server.sim.store.allGroupsWithMembers();
    const target = simGroups.find((g) => g.memberIds.length >= 3 && g.memberIds.length < 15)!;
    const res = await fetch(`${server.url}/Groups/${target.id}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    const body = (await res.json()) as { members: Array<{ value: string; display?: string }> };
    body.members.push({ value: 'usrGHOST0000000001', display: 'Ghost Person' }, { ...body.members[0]! });
    server.sim.setFaults({ failNext: [{ method: 'GET', pathPrefix: `/Groups/${target.id}`, status: 200, times: 1, body }] });
    const snap = await snapshotOf(server);
    server.sim.resetFaults();
    expect(snap.membershipsCount).toBe(server.sim.store.counts().memberships + 1);
    expect(snap.orphanMembershipsCount).toBe(1);

    const simUsers = new Map(server.sim.store.allUsers().map((u) => [u.id, u]));
    type TPair = { groupId: string; groupName: string; userId: string };
    const expected: TPair[] = [...simGroups]
      .sort((a, b) => byStr(a.displayName, b.displayName) || byStr(a.id, b.id))
      .flatMap((g) => [...g.memberIds, ...(g.id === target.id ? ['usrGHOST0000000001'] : [])].sort(byStr).map((userId) => ({ groupId: g.id, groupName: g.displayName, userId })));
    const walk = (query: { q?: string; orphanOnly?: boolean; groupId?: string }): TPair[] => {
      const out: TPair[] = [];
      for (let page = 1; ; page++) {
        const r = listSnapshotMemberships(snap.id, { ...query, page, pageSize: 7 });
        out.push(...r.rows.map((x) => ({ groupId: x.groupId, groupName: x.groupName, userId: x.userId })));
        if (r.rows.length < 7) {
          expect(out).toHaveLength(r.total);
          return out;
        }
      }
    };
    expect(walk({})).toEqual(expected);
    expect(walk({ orphanOnly: true })).toEqual([{ groupId: target.id, groupName: target.displayName, userId: 'usrGHOST0000000001' }]);
    expect(walk({ groupId: target.id })).toEqual(expected.filter((p) => p.groupId === target.id));
    // q: groups whose name matches (all their members) plus the memberships of matching users.
    const someone = simUsers.get(simGroups[0]!.memberIds[0]!)!;
    const word = 'Engineering';
    const byQ = (p: TPair) => p.groupName.toLowerCase().includes(word.toLowerCase()) || (simUsers.get(p.userId)?.userName ?? '').toLowerCase().includes(word.toLowerCase());
    expect(walk({ q: word })).toEqual(expected.filter(byQ));
    expect(walk({ q: someone.userName })).toEqual(expected.filter((p) => p.userId === someone.id));
    expect(walk({ q: 'usrGHOST0000000001' })).toEqual([{ groupId: target.id, groupName: target.displayName, userId: 'usrGHOST0000000001' }]);

    // The group's members: by email, the orphan last; the duplicate stored once.
    const members = listGroupMembers(snap.id, target.id, { page: 1, pageSize: 100 });
    expect(members.total).toBe(target.memberIds.length + 1);
    expect(members.rows.at(-1)).toMatchObject({ userId: 'usrGHOST0000000001', orphan: true, email: null, memberDisplay: 'Ghost Person' });
    expect(members.rows.slice(0, -1).map((r) => r.email)).toEqual(target.memberIds.map((id) => simUsers.get(id)!.userName.toLowerCase()).sort(byStr));
    const page2 = listGroupMembers(snap.id, target.id, { page: 2, pageSize: target.memberIds.length });
    expect(page2.rows.map((r) => r.userId)).toEqual(['usrGHOST0000000001']);
    expect(listGroupMembers(snap.id, target.id, { q: 'ghost', page: 1, pageSize: 10 }).rows.map((r) => r.userId)).toEqual(['usrGHOST0000000001']);
    expect(getSnapshotGroup(snap.id, target.id)).toMatchObject({ memberCount: target.memberIds.length + 1, orphanMembers: 1 });
    expect(() => listGroupMembers(snap.id, 'ugpNOPE', { page: 1, pageSize: 10 })).toThrow(/not in snapshot/);
  });

  it('validates input and reads complete snapshots only', async () => {
    const snap = await snapshotOf(server);
    const invalid = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        return (e as AppError).code;
      }
      throw new Error('expected an AppError');
    };
    expect(invalid(() => listSnapshotUsers(snap.id, { page: 0, pageSize: 10 }))).toBe('invalid');
    expect(invalid(() => listSnapshotUsers(snap.id, { page: 1, pageSize: 501 }))).toBe('invalid');
    expect(invalid(() => listSnapshotUsers(snap.id, { page: 1, pageSize: 10, sort: 'password' as 'name' }))).toBe('invalid');
    expect(invalid(() => listSnapshotUsers(snap.id, { page: 1, pageSize: 10, q: 'x'.repeat(201) }))).toBe('invalid');
    expect(invalid(() => listSnapshotUsers(snap.id + 1, { page: 1, pageSize: 10 }))).toBe('not_found');
    expect(invalid(() => listSnapshotGroups(-1, { page: 1, pageSize: 10 }))).toBe('invalid');
    const list = listSnapshots({ page: 1, pageSize: 10 });
    expect(list.total).toBe(1);
    expect(list.rows[0]).toMatchObject({ id: snap.id, status: 'complete', usersTotal: server.sim.store.counts().users });
  });
});
