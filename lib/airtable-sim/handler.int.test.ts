import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_ENTERPRISE_USER, SCHEMA_GROUP, SCHEMA_USER } from './resources';
import type { SimServer } from './server';
import type { SimUser } from './store';
import { at, patchOp, scimCaller, startTestSim } from './testing';

/** Behaviour of the simulated Airtable SCIM API over real HTTP (paging, filters, errors, PATCH). */

const enc = encodeURIComponent;
const userBody = (userName: string, extra: Record<string, unknown> = {}) => ({ schemas: [SCHEMA_USER], userName, ...extra });
const ids = (json: unknown): string[] => ((at(json, 'Resources') as unknown[] | undefined) ?? []).map((r) => String(at(r, 'id')));

let server: SimServer;
let scim: ReturnType<typeof scimCaller>;

beforeEach(async () => {
  server = await startTestSim({ forbiddenTokens: ['scopeless'] });
  scim = scimCaller(server.url);
});
afterEach(async () => {
  await server.close();
});

function addUsers(n: number, prefix = 'user'): SimUser[] {
  return server.sim.store.transaction(() =>
    Array.from({ length: n }, (_, i) =>
      server.sim.store.createUser({ userName: `${prefix}${String(i).padStart(4, '0')}@northwind.example`, givenName: 'U', familyName: String(i) }),
    ),
  );
}

describe('GET /Users paging (RFC 7644 §3.4.2.4, Airtable count ≤ 100)', () => {
  beforeEach(() => {
    addUsers(250);
  });

  it('defaults to startIndex 1 and 100 per page, with totals', async () => {
    const r = await scim.get('/Users');
    expect(r.status).toBe(200);
    expect(at(r.json, 'totalResults')).toBe(250);
    expect(at(r.json, 'startIndex')).toBe(1);
    expect(at(r.json, 'itemsPerPage')).toBe(100);
    expect(ids(r.json)).toHaveLength(100);
  });

  it('serves the requested window, 1-based, in a stable order', async () => {
    const all = server.sim.store.allUsers().map((u) => u.id);
    const r = await scim.get('/Users?startIndex=101&count=50');
    expect(ids(r.json)).toEqual(all.slice(100, 150));
    expect(at(r.json, 'startIndex')).toBe(101);
    const last = await scim.get('/Users?startIndex=241&count=50');
    expect(ids(last.json)).toEqual(all.slice(240));
    expect(at(last.json, 'itemsPerPage')).toBe(10);
  });

  it('clamps count to 100, treats startIndex < 1 as 1 and count < 0 as 0', async () => {
    expect(ids((await scim.get('/Users?count=500')).json)).toHaveLength(100);
    const zero = await scim.get('/Users?startIndex=0&count=5');
    expect(at(zero.json, 'startIndex')).toBe(1);
    expect(ids(zero.json)).toHaveLength(5);
    const none = await scim.get('/Users?count=0');
    expect(at(none.json, 'totalResults')).toBe(250);
    expect(at(none.json, 'Resources')).toEqual([]);
    expect(ids((await scim.get('/Users?count=-3')).json)).toEqual([]);
  });

  it('answers past the end with an empty page and the total', async () => {
    const r = await scim.get('/Users?startIndex=1000');
    expect(r.status).toBe(200);
    expect(at(r.json, 'totalResults')).toBe(250);
    expect(at(r.json, 'Resources')).toEqual([]);
  });

  it('a crawl by startIndex sees every user exactly once', async () => {
    const seen: string[] = [];
    for (let start = 1; start <= 250; start += 100) seen.push(...ids((await scim.get(`/Users?startIndex=${start}&count=100`)).json));
    expect(seen).toEqual(server.sim.store.allUsers().map((u) => u.id));
  });

  it('rejects non-integer paging parameters', async () => {
    const r = await scim.get('/Users?count=ten');
    expect(r.status).toBe(400);
    expect(at(r.json, 'scimType')).toBe('invalidValue');
  });
});

describe('filters', () => {
  it('userName eq, case-insensitive, with an empty result when nobody matches', async () => {
    const [u] = addUsers(3);
    const r = await scim.get(`/Users?filter=${enc('userName eq "USER0000@Northwind.example"')}`);
    expect(ids(r.json)).toEqual([u?.id]);
    expect(at(r.json, 'totalResults')).toBe(1);
    const none = await scim.get(`/Users?filter=${enc('userName eq "ghost@northwind.example"')}`);
    expect(at(none.json, 'totalResults')).toBe(0);
    expect(at(none.json, 'Resources')).toEqual([]);
  });

  it('only userName eq on /Users and displayName eq on /Groups; anything else is invalidFilter', async () => {
    for (const f of ['userName co "user"', 'emails eq "x@y.z"', 'userName eq user0000', 'active eq true', 'userName eq "a" and title eq "b"']) {
      const r = await scim.get(`/Users?filter=${enc(f)}`);
      expect(r.status, f).toBe(400);
      expect(at(r.json, 'scimType')).toBe('invalidFilter');
    }
    const g = server.sim.store.createGroup({ displayName: 'Finance - AP' });
    expect(ids((await scim.get(`/Groups?filter=${enc('displayName eq "finance - ap"')}`)).json)).toEqual([g.id]);
    expect((await scim.get(`/Groups?filter=${enc('displayName sw "Fin"')}`)).status).toBe(400);
  });
});

describe('authentication and authorization', () => {
  it('401 without a token, with an unknown one, or with another scheme', async () => {
    for (const caller of [scimCaller(server.url, null), scimCaller(server.url, 'wrong')]) {
      const r = await caller.get('/Users');
      expect(r.status).toBe(401);
      expect(at(r.json, 'schemas')).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    }
    const basic = await fetch(`${server.url}/Users`, { headers: { authorization: 'Basic dGVzdC10b2tlbg==' } });
    expect(basic.status).toBe(401);
  });

  it('403 on every call for a token without the SCIM scope', async () => {
    const caller = scimCaller(server.url, 'scopeless');
    expect((await caller.get('/Users')).status).toBe(403);
    expect((await caller.post('/Groups', { schemas: [SCHEMA_GROUP], displayName: 'x' })).status).toBe(403);
    expect(server.sim.store.counts().groups).toBe(0);
  });
});

describe('users', () => {
  it('POST creates an active user whose only email is the userName, with the enterprise extension', async () => {
    const r = await scim.post(
      '/Users',
      userBody('jane.doe@northwind.example', {
        active: false,
        emails: [{ value: 'other@elsewhere.example', primary: true }],
        name: { givenName: 'Jane', familyName: 'Doe' },
        title: 'Manager',
        [SCHEMA_ENTERPRISE_USER]: { department: 'Finance', costCenter: 'CC-3010', manager: { value: 'boss@northwind.example', displayName: 'B Oss' } },
      }),
    );
    expect(r.status).toBe(201);
    expect(at(r.json, 'active')).toBe(true);
    expect(at(r.json, 'emails')).toEqual([{ value: 'jane.doe@northwind.example', primary: true, type: 'work' }]);
    expect(at(r.json, SCHEMA_ENTERPRISE_USER)).toEqual({
      department: 'Finance',
      costCenter: 'CC-3010',
      manager: { value: 'boss@northwind.example', displayName: 'B Oss' },
    });
    const id = String(at(r.json, 'id'));
    expect(r.headers.get('location')).toBe(`${server.url}/Users/${id}`);
    expect(at(r.json, 'meta', 'location')).toBe(`/scim/v2/Users/${id}`);
    expect((await scim.get(`/Users/${id}`)).json).toEqual(r.json);
  });

  it('409 uniqueness on a duplicate userName, case-insensitively, on POST and PUT', async () => {
    await scim.post('/Users', userBody('dup@northwind.example'));
    const again = await scim.post('/Users', userBody('DUP@northwind.example'));
    expect(again.status).toBe(409);
    expect(at(again.json, 'scimType')).toBe('uniqueness');
    const other = await scim.post('/Users', userBody('other@northwind.example'));
    const put = await scim.put(`/Users/${String(at(other.json, 'id'))}`, userBody('dup@northwind.example'));
    expect(put.status).toBe(409);
  });

  it('400 on a body without schemas, without userName, or with a userName that is not an email', async () => {
    expect(at((await scim.post('/Users', { userName: 'a@b.example' })).json, 'scimType')).toBe('invalidSyntax');
    expect(at((await scim.post('/Users', { schemas: [SCHEMA_USER] })).json, 'scimType')).toBe('invalidValue');
    expect((await scim.post('/Users', userBody('not-an-email'))).status).toBe(400);
    expect(at((await scim.post('/Users', '{"schemas":')).json, 'scimType')).toBe('invalidSyntax');
  });

  it('PUT replaces every attribute (absent ones are cleared)', async () => {
    const u = server.sim.store.createUser({ userName: 'put@northwind.example', title: 'Old', department: 'Sales', givenName: 'P' });
    const r = await scim.put(`/Users/${u.id}`, userBody('put.renamed@northwind.example', { active: false, name: { familyName: 'Q' } }));
    expect(r.status).toBe(200);
    const after = server.sim.store.getUser(u.id);
    expect(after).toMatchObject({ userName: 'put.renamed@northwind.example', title: null, department: null, givenName: null, familyName: 'Q', active: false });
    expect(at(r.json, 'emails', 0, 'value')).toBe('put.renamed@northwind.example');
  });

  it('404 for an unknown user on GET, PUT, PATCH and DELETE', async () => {
    const missing = '/Users/usr00000000000000';
    for (const r of [
      await scim.get(missing),
      await scim.put(missing, userBody('x@northwind.example')),
      await scim.patch(missing, patchOp({ op: 'replace', path: 'active', value: false })),
      await scim.del(missing),
    ]) {
      expect(r.status).toBe(404);
      expect(at(r.json, 'status')).toBe('404');
    }
  });

  it('DELETE removes the user and every membership; deleting the token owner is 422', async () => {
    const [a, b] = addUsers(2);
    const g = server.sim.store.createGroup({ displayName: 'Team', memberIds: [a?.id ?? '', b?.id ?? ''] });
    expect((await scim.del(`/Users/${a?.id}`)).status).toBe(204);
    expect((await scim.get(`/Users/${a?.id}`)).status).toBe(404);
    const members = at((await scim.get(`/Groups/${g.id}`)).json, 'members') as unknown[];
    expect(members.map((m) => at(m, 'value'))).toEqual([b?.id]);
    expect(server.sim.store.counts().memberships).toBe(1);

    server.sim.store.setTokenOwner(b?.userName ?? null);
    const self = await scim.del(`/Users/${b?.id}`);
    expect(self.status).toBe(422);
    expect(server.sim.store.getUser(b?.id ?? '')).not.toBeNull();
  });
});

describe('PATCH /Users/{id} (RFC 7644 §3.5.2, Airtable requires path)', () => {
  let user: SimUser;
  beforeEach(() => {
    user = server.sim.store.createUser({ userName: 'pat@northwind.example', givenName: 'Pat', familyName: 'Lee', title: 'Engineer', department: 'Engineering' });
  });
  const patch = (...ops: Array<{ op: string; path?: string; value?: unknown }>) => scim.patch(`/Users/${user.id}`, patchOp(...ops));
  const stored = () => server.sim.store.getUser(user.id);

  it('deactivates with replace active=false and answers 200 with the resource', async () => {
    const r = await patch({ op: 'replace', path: 'active', value: false });
    expect(r.status).toBe(200);
    expect(at(r.json, 'active')).toBe(false);
    expect(stored()?.active).toBe(false);
  });

  it('replaces title, name parts, enterprise attributes and the manager', async () => {
    const r = await patch(
      { op: 'replace', path: 'title', value: 'Staff Engineer' },
      { op: 'replace', path: 'name.givenName', value: 'Patricia' },
      { op: 'Replace', path: 'name.familyName', value: 'Li' },
      { op: 'replace', path: `${SCHEMA_ENTERPRISE_USER}:department`, value: 'Product' },
      { op: 'add', path: `${SCHEMA_ENTERPRISE_USER}:costCenter`, value: 'CC-1020' },
      { op: 'replace', path: `${SCHEMA_ENTERPRISE_USER}:manager`, value: { value: 'boss@northwind.example', displayName: 'Boss' } },
    );
    expect(r.status).toBe(200);
    expect(stored()).toMatchObject({
      title: 'Staff Engineer',
      givenName: 'Patricia',
      familyName: 'Li',
      department: 'Product',
      costCenter: 'CC-1020',
      managerValue: 'boss@northwind.example',
      managerDisplayName: 'Boss',
    });
  });

  it('replace userName moves the email with it; a taken userName is 409', async () => {
    const r = await patch({ op: 'replace', path: 'userName', value: 'pat.lee@northwind.example' });
    expect(at(r.json, 'emails')).toEqual([{ value: 'pat.lee@northwind.example', primary: true, type: 'work' }]);
    server.sim.store.createUser({ userName: 'taken@northwind.example' });
    const taken = await patch({ op: 'replace', path: 'userName', value: 'TAKEN@northwind.example' });
    expect(taken.status).toBe(409);
    expect(stored()?.userName).toBe('pat.lee@northwind.example');
  });

  it('remove clears an optional attribute', async () => {
    expect((await patch({ op: 'remove', path: 'title' })).status).toBe(200);
    expect(stored()?.title).toBeNull();
  });

  it.each([
    [{ op: 'replace', value: { active: false } }, 'invalidPath'],
    [{ op: 'remove' }, 'noTarget'],
    [{ op: 'move', path: 'active', value: false }, 'invalidSyntax'],
    [{ op: 'replace', path: 'nickName', value: 'p' }, 'invalidPath'],
    [{ op: 'replace', path: `${SCHEMA_ENTERPRISE_USER}:employeeNumber`, value: '1' }, 'invalidPath'],
    [{ op: 'replace', path: 'active', value: 'false' }, 'invalidValue'],
    [{ op: 'replace', path: 'title' }, 'invalidValue'],
    [{ op: 'remove', path: 'active' }, 'invalidValue'],
    [{ op: 'replace', path: 'id', value: 'usrX' }, 'mutability'],
    [{ op: 'replace', path: 'emails', value: [] }, 'mutability'],
  ])('400 %j → scimType %s', async (op, scimType) => {
    const r = await patch(op);
    expect(r.status).toBe(400);
    expect(at(r.json, 'scimType')).toBe(scimType);
    expect(stored()?.active).toBe(true);
  });

  it('is atomic: one bad operation leaves the user unchanged', async () => {
    const r = await patch({ op: 'replace', path: 'title', value: 'Changed' }, { op: 'replace', path: 'bogus', value: 1 });
    expect(r.status).toBe(400);
    expect(stored()?.title).toBe('Engineer');
  });

  it('400 invalidSyntax without the PatchOp schema or Operations', async () => {
    const noSchema = await scim.patch(`/Users/${user.id}`, { Operations: [{ op: 'replace', path: 'active', value: false }] });
    expect(at(noSchema.json, 'scimType')).toBe('invalidSyntax');
    const noOps = await scim.patch(`/Users/${user.id}`, patchOp());
    expect(at(noOps.json, 'scimType')).toBe('invalidSyntax');
  });
});

describe('groups', () => {
  let users: SimUser[];
  beforeEach(() => {
    users = addUsers(5);
  });
  const uid = (i: number): string => users[i]?.id ?? '';
  const memberIds = async (groupId: string): Promise<string[]> =>
    ((at((await scim.get(`/Groups/${groupId}`)).json, 'members') as unknown[]) ?? []).map((m) => String(at(m, 'value')));

  it('POST creates with members; list omits members; GET by id includes them', async () => {
    const r = await scim.post('/Groups', { schemas: [SCHEMA_GROUP], displayName: 'Project Falcon', members: [{ value: uid(0) }, { value: uid(1) }] });
    expect(r.status).toBe(201);
    const id = String(at(r.json, 'id'));
    const list = await scim.get('/Groups');
    expect(at(list.json, 'Resources', 0, 'members')).toBeUndefined();
    expect(at(list.json, 'Resources', 0, 'displayName')).toBe('Project Falcon');
    expect(await memberIds(id)).toEqual([uid(0), uid(1)]);
    expect(at((await scim.get(`/Groups/${id}`)).json, 'members', 0, 'display')).toBe('U 0');
  });

  it('409 on a duplicate displayName; 400 when a member is not a user (nothing created)', async () => {
    server.sim.store.createGroup({ displayName: 'Legal' });
    const dup = await scim.post('/Groups', { schemas: [SCHEMA_GROUP], displayName: 'LEGAL' });
    expect(dup.status).toBe(409);
    expect(at(dup.json, 'scimType')).toBe('uniqueness');
    const ghost = await scim.post('/Groups', { schemas: [SCHEMA_GROUP], displayName: 'Ghosts', members: [{ value: 'usrNotAUser000000' }] });
    expect(ghost.status).toBe(400);
    expect(server.sim.store.getGroupByDisplayName('Ghosts')).toBeNull();
  });

  it('an unknown group id is 400 "invalid group ID" on every method, not 404', async () => {
    const path = '/Groups/ugp00000000000000';
    for (const r of [
      await scim.get(path),
      await scim.put(path, { schemas: [SCHEMA_GROUP], displayName: 'x' }),
      await scim.patch(path, patchOp({ op: 'add', path: 'members', value: [{ value: uid(0) }] })),
      await scim.del(path),
    ]) {
      expect(r.status).toBe(400);
      expect(String(at(r.json, 'detail'))).toMatch(/invalid group id/i);
    }
  });

  it('pages with count and startIndex, and filter by displayName', async () => {
    server.sim.store.transaction(() => {
      for (let i = 0; i < 130; i++) server.sim.store.createGroup({ displayName: `G${i}` });
    });
    const first = await scim.get('/Groups');
    expect(ids(first.json)).toHaveLength(100);
    expect(at(first.json, 'totalResults')).toBe(130);
    const second = await scim.get('/Groups?startIndex=101&count=100');
    expect(ids(second.json)).toHaveLength(30);
    expect(new Set([...ids(first.json), ...ids(second.json)]).size).toBe(130);
    expect(ids((await scim.get('/Groups?count=7')).json)).toHaveLength(7);
  });

  it('PATCH add members (value array; re-adding is a no-op) and remove members[value eq "…"]', async () => {
    const g = server.sim.store.createGroup({ displayName: 'Team' });
    const add = await scim.patch(`/Groups/${g.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: uid(0) }, { value: uid(1) }, { value: uid(2) }] }));
    expect(add.status).toBe(200);
    expect(((at(add.json, 'members') as unknown[]) ?? []).length).toBe(3);
    await scim.patch(`/Groups/${g.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: uid(0) }] }));
    const removed = await scim.patch(`/Groups/${g.id}`, patchOp({ op: 'remove', path: `members[value eq "${uid(1)}"]` }));
    expect(removed.status).toBe(200);
    expect(await memberIds(g.id)).toEqual([uid(0), uid(2)]);
  });

  it('removing a user who is not a member is a no-op 200 (idempotent revoke)', async () => {
    const g = server.sim.store.createGroup({ displayName: 'Team', memberIds: [uid(0)] });
    for (let i = 0; i < 2; i++) {
      const r = await scim.patch(`/Groups/${g.id}`, patchOp({ op: 'remove', path: `members[value eq "${uid(3)}"]` }));
      expect(r.status).toBe(200);
    }
    expect(await memberIds(g.id)).toEqual([uid(0)]);
  });

  it('remove members with a value list, remove all members, replace members, replace displayName', async () => {
    const g = server.sim.store.createGroup({ displayName: 'Team', memberIds: [uid(0), uid(1), uid(2)] });
    await scim.patch(`/Groups/${g.id}`, patchOp({ op: 'remove', path: 'members', value: [{ value: uid(0) }] }));
    expect(await memberIds(g.id)).toEqual([uid(1), uid(2)]);
    await scim.patch(`/Groups/${g.id}`, patchOp({ op: 'replace', path: 'members', value: [{ value: uid(4) }] }));
    expect(await memberIds(g.id)).toEqual([uid(4)]);
    await scim.patch(`/Groups/${g.id}`, patchOp({ op: 'remove', path: 'members' }));
    expect(await memberIds(g.id)).toEqual([]);
    const renamed = await scim.patch(`/Groups/${g.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Team Renamed' }));
    expect(at(renamed.json, 'displayName')).toBe('Team Renamed');
  });

  it('PATCH errors: unknown member 400 (atomic), bad filter, bad path, duplicate name 409', async () => {
    const g = server.sim.store.createGroup({ displayName: 'Team', memberIds: [uid(0)] });
    server.sim.store.createGroup({ displayName: 'Other' });
    const ghost = await scim.patch(
      `/Groups/${g.id}`,
      patchOp({ op: 'remove', path: `members[value eq "${uid(0)}"]` }, { op: 'add', path: 'members', value: [{ value: 'usrNotAUser000000' }] }),
    );
    expect(ghost.status).toBe(400);
    expect(at(ghost.json, 'scimType')).toBe('invalidValue');
    expect(await memberIds(g.id)).toEqual([uid(0)]);

    const cases: Array<[unknown, number, string | undefined]> = [
      [{ op: 'remove', path: `members[display eq "U 0"]` }, 400, 'invalidFilter'],
      [{ op: 'remove', path: `members[value co "usr"]` }, 400, 'invalidFilter'],
      [{ op: 'replace', path: `members[value eq "${uid(0)}"]`, value: {} }, 400, 'invalidPath'],
      [{ op: 'add', path: 'owners', value: [] }, 400, 'invalidPath'],
      [{ op: 'add', path: 'members', value: 'usr123' }, 400, 'invalidValue'],
      [{ op: 'remove', path: 'displayName' }, 400, 'invalidValue'],
      [{ op: 'replace', path: 'displayName', value: 'other' }, 409, 'uniqueness'],
    ];
    for (const [op, status, scimType] of cases) {
      const r = await scim.patch(`/Groups/${g.id}`, patchOp(op as { op: string }));
      expect(r.status, JSON.stringify(op)).toBe(status);
      expect(at(r.json, 'scimType'), JSON.stringify(op)).toBe(scimType);
    }
    expect(server.sim.store.getGroup(g.id)?.displayName).toBe('Team');
  });

  it('PUT replaces displayName and the member list; DELETE removes the group but not its users', async () => {
    const g = server.sim.store.createGroup({ displayName: 'Team', memberIds: [uid(0), uid(1)] });
    const put = await scim.put(`/Groups/${g.id}`, { schemas: [SCHEMA_GROUP], displayName: 'Team B', members: [{ value: uid(2) }] });
    expect(put.status).toBe(200);
    expect(await memberIds(g.id)).toEqual([uid(2)]);
    expect((await scim.del(`/Groups/${g.id}`)).status).toBe(204);
    expect((await scim.get(`/Groups/${g.id}`)).status).toBe(400);
    expect(server.sim.store.counts()).toMatchObject({ users: 5, groups: 0, memberships: 0 });
  });
});

describe('routing', () => {
  it('404 SCIM error for unknown endpoints and paths outside the base path', async () => {
    const r = await scim.get('/Schemas');
    expect(r.status).toBe(404);
    expect(at(r.json, 'schemas')).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect((await fetch(`${new URL(server.url).origin}/other`, { headers: { authorization: 'Bearer test-token' } })).status).toBe(404);
  });

  it('honours a custom base path', async () => {
    const custom = await startTestSim({ basePath: '/api/sim/scim/v2' });
    try {
      expect(custom.url).toMatch(/\/api\/sim\/scim\/v2$/);
      expect((await scimCaller(custom.url).get('/Users')).status).toBe(200);
    } finally {
      await custom.close();
    }
  });
});

describe('request log', () => {
  it('records every request with its status, and write bodies', async () => {
    const u = server.sim.store.createUser({ userName: 'log@northwind.example' });
    await scim.get('/Users?count=1');
    const body = patchOp({ op: 'replace', path: 'active', value: false });
    await scim.patch(`/Users/${u.id}`, body);
    await scimCaller(server.url, null).get('/Users');
    const log = server.sim.requestLog();
    expect(log.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/Users', 200],
      ['PATCH', `/Users/${u.id}`, 200],
      ['GET', '/Users', 401],
    ]);
    expect(log[0]?.query).toBe('count=1');
    expect(JSON.parse(log[1]?.bodyText ?? '')).toEqual(body);
    expect(server.sim.countRequests({ method: 'PATCH' })).toBe(1);
    expect(server.sim.countRequests({ path: '/Users' })).toBe(3);
    expect(server.sim.countRequests({ path: /^\/Users\/usr/ })).toBe(1);
    server.sim.clearRequestLog();
    expect(server.sim.requestLog()).toEqual([]);
  });
});

describe('beforeRespond hook', () => {
  it('runs after the work is done and holds the response until it settles; null removes it', async () => {
    const user = server.sim.store.createUser({ userName: 'hooked@northwind.example' });
    const seen: Array<{ method: string; path: string; status: number | 'dropped'; activeThen: boolean | undefined }> = [];
    let release: () => void = () => undefined;
    server.sim.setBeforeRespond((request) => {
      seen.push({ method: request.method, path: request.path, status: request.status, activeThen: server.sim.store.getUser(user.id)?.active });
      if (request.method === 'PATCH') return new Promise<void>((resolve) => (release = resolve));
    });
    let answered = false;
    const pending = scim.patch(`/Users/${user.id}`, patchOp({ op: 'replace', path: 'active', value: false })).then((r) => {
      answered = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 50));
    // The change is in the store, the client has no answer yet: the window a crash test needs.
    expect(seen).toEqual([{ method: 'PATCH', path: `/Users/${user.id}`, status: 200, activeThen: false }]);
    expect(answered).toBe(false);
    release();
    expect((await pending).status).toBe(200);

    server.sim.setBeforeRespond(null);
    await scim.get(`/Users/${user.id}`);
    expect(seen).toHaveLength(1);
  });
});
