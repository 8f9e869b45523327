import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  describeAddGroupMember,
  describeDeactivateUser,
  describeRemoveGroupMember,
  isGroupNotFound,
  isUserNotFound,
  ScimError,
} from '@/lib/scim';
import { fastClient, rejection, startSeededSim, type TSimServer } from './testing/fixtures';

describe('SCIM writes against the simulator over HTTP', () => {
  let server: TSimServer;

  beforeAll(async () => {
    server = await startSeededSim({ users: 200, groups: 20 });
  });
  afterEach(() => {
    server.sim.resetFaults();
  });
  afterAll(async () => {
    await server.close();
  });

  const activeUser = () => server.sim.store.allUsers().find((u) => u.active)!;
  const groupWithMembers = () => server.sim.store.allGroupsWithMembers().find((g) => g.memberIds.length > 0)!;
  const lastPatch = () => server.sim.requestLog().filter((r) => r.method === 'PATCH').at(-1)!;

  it('deactivates a user (200 with the resource) with exactly the described request', async () => {
    const client = fastClient(server);
    const user = activeUser();
    const result = await client.deactivateUser(user.id);
    expect(result).toMatchObject({ id: user.id, active: false });
    expect(server.sim.store.getUser(user.id)!.active).toBe(false);
    const sent = lastPatch();
    const described = describeDeactivateUser(user.id);
    expect(sent.path).toBe(described.path);
    expect(sent.bodyText).toBe(JSON.stringify(described.body));
    expect(JSON.parse(sent.bodyText!)).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });

    expect(await client.reactivateUser(user.id)).toMatchObject({ id: user.id, active: true });
    expect(server.sim.store.getUser(user.id)!.active).toBe(true);
  });

  it('accepts 204 without a body and returns null', async () => {
    server.sim.setFaults({ patchNoContent: true });
    const client = fastClient(server);
    const user = activeUser();
    expect(await client.deactivateUser(user.id)).toBeNull();
    expect(server.sim.store.getUser(user.id)!.active).toBe(false);
    const group = groupWithMembers();
    const member = group.memberIds[0]!;
    expect(await client.removeGroupMember(group.id, member)).toBeNull();
    expect(server.sim.store.isMember(group.id, member)).toBe(false);
  });

  it('removes and adds a group member, verified against the store', async () => {
    const client = fastClient(server);
    const group = groupWithMembers();
    const member = group.memberIds[0]!;
    const removed = await client.removeGroupMember(group.id, member);
    expect(server.sim.store.isMember(group.id, member)).toBe(false);
    expect(removed?.members.map((m) => m.value)).not.toContain(member);
    expect(lastPatch().bodyText).toBe(JSON.stringify(describeRemoveGroupMember(group.id, member).body));
    expect(JSON.parse(lastPatch().bodyText!).Operations).toEqual([{ op: 'remove', path: `members[value eq "${member}"]` }]);

    const added = await client.addGroupMember(group.id, member);
    expect(server.sim.store.isMember(group.id, member)).toBe(true);
    expect(added?.members.map((m) => m.value)).toContain(member);
    expect(lastPatch().bodyText).toBe(JSON.stringify(describeAddGroupMember(group.id, member).body));
  });

  it('sendWrite sends a described request as is', async () => {
    const client = fastClient(server);
    const user = activeUser();
    const result = await client.sendWrite(describeDeactivateUser(user.id));
    expect(result?.active).toBe(false);
    expect(server.sim.store.getUser(user.id)!.active).toBe(false);
    await expect(client.sendWrite({ method: 'PATCH', path: '/Users/../x', body: describeDeactivateUser(user.id).body })).rejects.toThrow(RangeError);
  });

  it('sendWriteOnce returns the status and body, repeats only after a 429, and throws at once on a 503 or a dropped connection', async () => {
    const client = fastClient(server);
    const patches = () => server.sim.countRequests({ method: 'PATCH' });

    let before = patches();
    const user = activeUser();
    const ok = await client.sendWriteOnce(describeDeactivateUser(user.id));
    expect(ok).toMatchObject({ status: 200, body: { id: user.id, active: false } });
    expect(patches() - before).toBe(1);

    server.sim.setFaults({ patchNoContent: true });
    expect(await client.sendWriteOnce(describeDeactivateUser(activeUser().id))).toEqual({ status: 204, body: null });
    server.sim.resetFaults();

    // 429: refused on arrival, so sending again is safe.
    server.sim.setFaults({ failNext: [{ method: 'PATCH', status: 429, times: 2 }] });
    before = patches();
    const throttled = activeUser();
    expect((await client.sendWriteOnce(describeDeactivateUser(throttled.id))).status).toBe(200);
    expect(patches() - before).toBe(3);

    // 503 and a dropped connection may have been applied: no second request here.
    server.sim.setFaults({ failNext: [{ method: 'PATCH', status: 503, times: 1 }] });
    before = patches();
    expect(await rejection(client.sendWriteOnce(describeDeactivateUser(activeUser().id)))).toMatchObject({ kind: 'server', status: 503, attempts: 1 });
    expect(patches() - before).toBe(1);

    server.sim.setFaults({ dropConnectionRate: 1 });
    const dropped = activeUser();
    before = patches();
    expect(await rejection(client.sendWriteOnce(describeDeactivateUser(dropped.id)))).toMatchObject({ kind: 'network' });
    expect(patches() - before).toBe(1);
    // The simulator applied it before dropping the answer: exactly the case the caller must check.
    expect(server.sim.store.getUser(dropped.id)!.active).toBe(false);
  });

  it('classifies an unknown user as not_found (404), without retrying', async () => {
    const client = fastClient(server);
    const before = server.sim.countRequests({ method: 'PATCH' });
    const err = await rejection(client.deactivateUser('usr00000000000000'));
    expect(err).toBeInstanceOf(ScimError);
    expect(err).toMatchObject({ kind: 'not_found', status: 404, method: 'PATCH', path: '/Users/usr00000000000000' });
    expect(isUserNotFound(err)).toBe(true);
    expect(isGroupNotFound(err)).toBe(false);
    expect(server.sim.countRequests({ method: 'PATCH' }) - before).toBe(1);
  });

  it('classifies Airtable’s 400 for an unknown group as "group gone"', async () => {
    const client = fastClient(server);
    const err = await rejection(client.removeGroupMember('ugp00000000000000', activeUser().id));
    expect(err).toMatchObject({ kind: 'not_found', status: 400 });
    expect((err as ScimError).detail).toMatch(/invalid group id/i);
    expect(isGroupNotFound(err)).toBe(true);
  });

  it('keeps a 400 for an unknown member as bad_request, not "group gone"', async () => {
    const client = fastClient(server);
    const err = await rejection(client.addGroupMember(groupWithMembers().id, 'usr00000000000000'));
    expect(err).toMatchObject({ kind: 'bad_request', status: 400, isTransient: false });
    expect(isGroupNotFound(err)).toBe(false);
  });

  it('retries a write after 503s and ends in the right state (deactivation is idempotent)', async () => {
    server.sim.setFaults({ failNext: [{ method: 'PATCH', status: 503, times: 2 }] });
    const client = fastClient(server);
    const user = activeUser();
    await client.deactivateUser(user.id);
    expect(server.sim.store.getUser(user.id)!.active).toBe(false);
    expect(client.stats().retries).toBe(2);
  });

  it('rejects injection in ids before sending anything', async () => {
    const client = fastClient(server);
    const before = server.sim.countRequests();
    await expect(client.removeGroupMember(groupWithMembers().id, 'usr1"] or members[value pr')).rejects.toThrow(RangeError);
    await expect(client.getUser('../Groups')).rejects.toThrow(RangeError);
    expect(server.sim.countRequests()).toBe(before);
  });
});
