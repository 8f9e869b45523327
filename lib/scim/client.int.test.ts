import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer } from '@/lib/airtable-sim';
import { createScimClient, type TScimGroup, type TScimPage, type TScimUser } from '@/lib/scim';
import { drain, fastClient, startSeededSim, TEST_TOKEN, type TSimServer } from './testing/fixtures';

describe('SCIM client against the simulator over HTTP: reads', () => {
  let server: TSimServer;

  beforeAll(async () => {
    server = await startSeededSim({ users: 2500, groups: 300 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('pages through all 2,500 users: every id exactly once, totals reported, fields normalised', async () => {
    const client = fastClient(server);
    const pages: Array<TScimPage<TScimUser>> = [];
    for await (const page of client.listUsers()) pages.push(page);
    const users = pages.flatMap((p) => p.resources);

    const storeUsers = server.sim.store.allUsers();
    expect(storeUsers).toHaveLength(2500);
    expect(users).toHaveLength(2500);
    expect(new Set(users.map((u) => u.id)).size).toBe(2500);
    expect(new Set(users.map((u) => u.id))).toEqual(new Set(storeUsers.map((u) => u.id)));
    expect(pages).toHaveLength(25);
    expect(pages.map((p) => p.startIndex)).toEqual(Array.from({ length: 25 }, (_, i) => 1 + i * 100));
    expect(pages.every((p) => p.totalResults === 2500)).toBe(true);
    // 25 pages and no probe for a 26th: paging stops at totalResults.
    expect(server.sim.countRequests({ method: 'GET', path: /^\/Users$/ })).toBe(25);

    const byId = new Map(users.map((u) => [u.id, u]));
    for (const s of storeUsers) {
      const u = byId.get(s.id)!;
      expect(u).toMatchObject({
        userName: s.userName,
        givenName: s.givenName,
        familyName: s.familyName,
        title: s.title,
        active: s.active,
        primaryEmail: s.userName,
        costCenter: s.costCenter,
        department: s.department,
        division: s.division,
        organization: s.organization,
        managerEmail: s.managerValue,
        managerName: s.managerValue === null ? null : s.managerDisplayName,
      });
      expect(u.raw.id).toBe(s.id);
    }
    expect(users.some((u) => !u.active)).toBe(true);
    expect(users.some((u) => u.managerEmail !== null)).toBe(true);
  });

  it('lists 300 groups without members, and getGroup returns each group’s members exactly as the store has them', async () => {
    const client = fastClient(server);
    const groups = await drain(client.listGroups());
    const storeGroups = server.sim.store.allGroupsWithMembers();
    expect(groups).toHaveLength(300);
    expect(new Set(groups.map((g) => g.id))).toEqual(new Set(storeGroups.map((g) => g.id)));
    expect(groups.every((g) => !g.membersIncluded)).toBe(true);

    const full = await Promise.all(groups.map((g) => client.getGroup(g.id)));
    const fullById = new Map(full.map((g) => [g!.id, g as TScimGroup]));
    for (const s of storeGroups) {
      const g = fullById.get(s.id)!;
      expect(g.membersIncluded).toBe(true);
      expect(g.displayName).toBe(s.displayName);
      expect(g.members.map((m) => m.value).sort()).toEqual([...s.memberIds].sort());
    }
    expect(storeGroups.some((g) => g.memberIds.length > 0)).toBe(true);
  });

  it('honours a smaller page size and a base URL with a trailing slash', async () => {
    const client = fastClient(server, { baseUrl: `${server.url}/`, pageSize: 7 });
    const groups = await drain(client.listGroups());
    expect(groups).toHaveLength(300);
    expect(server.sim.requestLog().some((r) => r.path === '/Groups' && r.query?.includes('count=7'))).toBe(true);
  });

  it('gets a user by id and returns null for an unknown user (404) and an unknown group (Airtable 400)', async () => {
    const client = fastClient(server);
    const s = server.sim.store.allUsers()[42]!;
    const u = await client.getUser(s.id);
    expect(u?.userName).toBe(s.userName);
    expect(await client.getUser('usr00000000000000')).toBeNull();
    expect(await client.getGroup('ugp00000000000000')).toBeNull();
  });

  it('finds a user by userName with an escaped filter, case-insensitively, and null when absent', async () => {
    const client = fastClient(server);
    const s = server.sim.store.allUsers()[7]!;
    expect((await client.findUserByUserName(s.userName))?.id).toBe(s.id);
    expect((await client.findUserByUserName(s.userName.toUpperCase()))?.id).toBe(s.id);
    expect(await client.findUserByUserName('nobody"@example.com')).toBeNull();
    const sent = server.sim.requestLog().filter((r) => r.query?.includes('filter='));
    expect(sent.some((r) => decodeURIComponent(r.query!).includes('filter=userName eq "nobody\\"@example.com"'))).toBe(true);
  });

  it('counts every request and survives a progress callback that throws', async () => {
    const client = fastClient(server, {
      onEvent: () => {
        throw new Error('broken progress bar');
      },
    });
    const groups = await drain(client.listGroups());
    expect(groups).toHaveLength(300);
    expect(client.stats()).toEqual({ requests: 3, retries: 0, throttled: 0, rateLimitWaitMs: expect.any(Number), errors: 0 });
  });

  it('testConnection reports what the token sees', async () => {
    const client = fastClient(server);
    expect(await client.testConnection()).toEqual({ ok: true, totalUsers: 2500, totalGroups: 300 });
  });
});

describe('testConnection failures', () => {
  let server: TSimServer;
  beforeAll(async () => {
    server = await startSimServer({ tokens: [TEST_TOKEN], forbiddenTokens: ['pat-forbidden-token-0000'], rateLimitPerSecond: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('auth_failed with the server’s own detail, in one request', async () => {
    const before = server.sim.countRequests();
    const result = await createScimClient({ baseUrl: server.url, token: 'pat-wrong-token-1234' }).testConnection();
    expect(result).toMatchObject({ ok: false, kind: 'auth_failed', status: 401 });
    expect(!result.ok && result.message).toMatch(/^Authentication required/);
    expect(server.sim.countRequests() - before).toBe(1);
  });

  it('forbidden', async () => {
    const result = await createScimClient({ baseUrl: server.url, token: 'pat-forbidden-token-0000' }).testConnection();
    expect(result).toMatchObject({ ok: false, kind: 'forbidden', status: 403 });
  });

  it('not_scim for a URL that is not a SCIM base', async () => {
    const result = await createScimClient({ baseUrl: server.url.replace('/scim/v2', '/nope'), token: TEST_TOKEN }).testConnection();
    expect(result).toMatchObject({ ok: false, kind: 'not_scim', status: 404 });
  });

  it('not_scim for a server that answers 200 with something that is not a ListResponse', async () => {
    const other = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login</html>');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    try {
      const port = (other.address() as AddressInfo).port;
      const result = await createScimClient({ baseUrl: `http://127.0.0.1:${port}/scim/v2`, token: TEST_TOKEN }).testConnection();
      expect(result).toMatchObject({ ok: false, kind: 'not_scim' });
    } finally {
      await new Promise<void>((r) => other.close(() => r()));
    }
  });

  it('rate_limited', async () => {
    server.sim.setFaults({ burst429: 1, retryAfterSeconds: 0 });
    const result = await createScimClient({ baseUrl: server.url, token: TEST_TOKEN }).testConnection();
    server.sim.resetFaults();
    expect(result).toMatchObject({ ok: false, kind: 'rate_limited', status: 429 });
  });

  it('unreachable for a closed port, quickly', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const t0 = Date.now();
    const result = await createScimClient({ baseUrl: `http://127.0.0.1:${port}/scim/v2`, token: TEST_TOKEN }).testConnection();
    expect(result).toMatchObject({ ok: false, kind: 'unreachable' });
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it('unreachable after one short timeout, without retrying', async () => {
    server.sim.setFaults({ latencyMs: 1_000 });
    const before = server.sim.countRequests();
    const t0 = Date.now();
    const result = await createScimClient({ baseUrl: server.url, token: TEST_TOKEN }).testConnection({ timeoutMs: 200 });
    const elapsed = Date.now() - t0;
    server.sim.resetFaults();
    expect(result).toMatchObject({ ok: false, kind: 'unreachable' });
    expect(elapsed).toBeLessThan(900);
    await new Promise((r) => setTimeout(r, 900));
    expect(server.sim.countRequests() - before).toBe(1);
  });
});
