import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimConflictError, SimUnknownUserError, openSimStore, type SimStore } from './store';

let store: SimStore;
beforeEach(() => {
  store = openSimStore();
});
afterEach(() => {
  store.close();
});

const addUsers = (n: number) =>
  store.transaction(() => Array.from({ length: n }, (_, i) => store.createUser({ userName: `u${i}@northwind.example`, givenName: `G${i}` })));

describe('SimStore', () => {
  it('pages by position and stays correct when users are deleted between pages', () => {
    const users = addUsers(30);
    expect(store.listUsers(1, 10).items.map((u) => u.id)).toEqual(users.slice(0, 10).map((u) => u.id));
    // The next page would be served from the keyset cursor; a delete must invalidate it.
    store.deleteUser(users[3]?.id ?? '');
    const page2 = store.listUsers(11, 10);
    expect(page2.total).toBe(29);
    expect(page2.items.map((u) => u.id)).toEqual(users.slice(11, 21).map((u) => u.id));
  });

  it('continuation pages equal offset pages', () => {
    addUsers(55);
    const crawled = [1, 11, 21, 31, 41, 51].flatMap((s) => store.listUsers(s, 10).items.map((u) => u.id));
    expect(crawled).toEqual(store.allUsers().map((u) => u.id));
    expect(store.listUsers(21, 10).items.map((u) => u.id)).toEqual(crawled.slice(20, 30));
  });

  it('refuses duplicate userNames and displayNames case-insensitively', () => {
    store.createUser({ userName: 'a@northwind.example' });
    expect(() => store.createUser({ userName: 'A@Northwind.example' })).toThrow(SimConflictError);
    store.createGroup({ displayName: 'Sales' });
    expect(() => store.createGroup({ displayName: 'sales' })).toThrow(SimConflictError);
  });

  it('refuses unknown members without writing anything', () => {
    const [u] = addUsers(1);
    expect(() => store.createGroup({ displayName: 'X', memberIds: [u?.id ?? '', 'usrNope0000000000'] })).toThrow(SimUnknownUserError);
    expect(store.counts()).toMatchObject({ groups: 0, memberships: 0 });
  });

  it('deleting a user removes their memberships and touches the groups', () => {
    const [a, b] = addUsers(2);
    const g = store.createGroup({ displayName: 'G', memberIds: [a?.id ?? '', b?.id ?? ''], created: 1 });
    expect(store.groupIdsOfUser(a?.id ?? '')).toEqual([g.id]);
    store.deleteUser(a?.id ?? '');
    expect(store.getGroup(g.id)?.members.map((m) => m.userId)).toEqual([b?.id]);
    expect(store.getGroup(g.id)?.lastModified).toBeGreaterThan(1);
    expect(store.counts().memberships).toBe(1);
  });

  it('member views follow renames', () => {
    const [a] = addUsers(1);
    const g = store.createGroup({ displayName: 'G', memberIds: [a?.id ?? ''] });
    expect(store.getGroup(g.id)?.members[0]?.givenName).toBe('G0');
    store.patchUser(a?.id ?? '', { givenName: 'Renamed', userName: 'renamed@northwind.example' });
    expect(store.getGroup(g.id)?.members[0]).toMatchObject({ givenName: 'Renamed', userName: 'renamed@northwind.example' });
  });

  it('bulkLoad writes users, groups and memberships in one go', () => {
    store.bulkLoad({
      users: [
        { id: 'usrAAAAAAAAAAAAAA', userName: 'a@x.example' },
        { id: 'usrBBBBBBBBBBBBBB', userName: 'b@x.example' },
      ],
      groups: [{ id: 'ugpAAAAAAAAAAAAAA', displayName: 'Both', memberIds: ['usrBBBBBBBBBBBBBB', 'usrAAAAAAAAAAAAAA'] }],
    });
    expect(store.allGroupsWithMembers()).toEqual([
      expect.objectContaining({ id: 'ugpAAAAAAAAAAAAAA', memberIds: ['usrAAAAAAAAAAAAAA', 'usrBBBBBBBBBBBBBB'] }),
    ]);
    expect(store.isMember('ugpAAAAAAAAAAAAAA', 'usrBBBBBBBBBBBBBB')).toBe(true);
  });
});
