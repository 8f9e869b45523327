import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, isDroppedResponse } from './handler';
import { SCHEMA_USER } from './resources';
import { ADMIN_HEADER, type SimServer } from './server';
import { TEST_TOKEN, at, patchOp, scimCaller, startTestSim } from './testing';

/** Rate limiting, fault injection, the admin endpoints and persistence, over real HTTP. */

const servers: SimServer[] = [];
async function start(opts: Parameters<typeof startTestSim>[0] = {}): Promise<SimServer> {
  const s = await startTestSim(opts);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A manual clock: tests move time explicitly, so rate limiting is exact and instant. */
function manualClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('rate limit: token bucket per token, capacity = rate, continuous refill', () => {
  it('lets a burst of `rate` through, then 429 with a numeric status and the 30-second hint, no Retry-After by default', async () => {
    const clock = manualClock();
    const s = await start({ rateLimitPerSecond: 5, now: clock.now });
    const scim = scimCaller(s.url);
    for (let i = 0; i < 5; i++) expect((await scim.get('/Users')).status).toBe(200);
    const limited = await scim.get('/Users');
    expect(limited.status).toBe(429);
    expect(at(limited.json, 'status')).toBe(429);
    expect(String(at(limited.json, 'detail'))).toMatch(/30 seconds/);
    expect(limited.headers.get('retry-after')).toBeNull();
    s.sim.setFaults({ retryAfterSeconds: 7 });
    expect((await scim.get('/Users')).headers.get('retry-after')).toBe('7');
    clock.advance(200); // 5/s → one token per 200 ms
    expect((await scim.get('/Users')).status).toBe(200);
    expect((await scim.get('/Users')).status).toBe(429);
  });

  it('a client spacing requests at exactly the rate never sees a 429', async () => {
    const clock = manualClock();
    const s = await start({ rateLimitPerSecond: 50, now: clock.now });
    const scim = scimCaller(s.url);
    for (let i = 0; i < 200; i++) {
      expect((await scim.get('/Users?count=1')).status).toBe(200);
      clock.advance(20);
    }
    // …and the bucket is still full: a burst of 50 right now passes, the 51st does not.
    let ok = 0;
    for (let i = 0; i < 51; i++) if ((await scim.get('/Users?count=1')).status === 200) ok++;
    expect(ok).toBe(50);
  });

  it('a request refused by the rate limit does not consume a targeted fault', async () => {
    const clock = manualClock();
    const s = await start({ rateLimitPerSecond: 1, now: clock.now, faults: { failNext: [{ status: 503, times: 1 }] } });
    const scim = scimCaller(s.url);
    expect((await scim.get('/Users')).status).toBe(503);
    s.sim.setFaults({ failNext: [{ status: 500, times: 1 }] });
    expect((await scim.get('/Users')).status).toBe(429);
    clock.advance(1000);
    expect((await scim.get('/Users')).status).toBe(500);
  });

  it('buckets are per token; 0 means unlimited', async () => {
    const clock = manualClock();
    const s = await start({ tokens: ['a', 'b'], rateLimitPerSecond: 1, now: clock.now });
    expect((await scimCaller(s.url, 'a').get('/Users')).status).toBe(200);
    expect((await scimCaller(s.url, 'a').get('/Users')).status).toBe(429);
    expect((await scimCaller(s.url, 'b').get('/Users')).status).toBe(200);
    const unlimited = await start({ rateLimitPerSecond: 0, now: clock.now });
    for (let i = 0; i < 100; i++) expect((await scimCaller(unlimited.url).get('/Users?count=1')).status).toBe(200);
  });
});

describe('faults', () => {
  it('burst429 answers the next N requests with 429 (Retry-After when configured), then recovers', async () => {
    const s = await start({ faults: { burst429: 3, retryAfterSeconds: 2 } });
    const scim = scimCaller(s.url);
    for (let i = 0; i < 3; i++) {
      const r = await scim.get('/Users');
      expect(r.status).toBe(429);
      expect(r.headers.get('retry-after')).toBe('2');
    }
    expect((await scim.get('/Users')).status).toBe(200);
  });

  it('failNext targets method and path prefix, counts down, and can carry a custom body', async () => {
    const s = await start();
    const scim = scimCaller(s.url);
    const u = s.sim.store.createUser({ userName: 'f@northwind.example' });
    s.sim.setFaults({
      failNext: [
        { method: 'PATCH', pathPrefix: '/Users', status: 403, times: 2 },
        { method: 'GET', pathPrefix: '/Groups', status: 200, times: 1, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0 } },
      ],
    });
    expect((await scim.get(`/Users/${u.id}`)).status).toBe(200);
    const body = patchOp({ op: 'replace', path: 'active', value: false });
    expect((await scim.patch(`/Users/${u.id}`, body)).status).toBe(403);
    expect((await scim.patch(`/Users/${u.id}`, body)).status).toBe(403);
    expect(s.sim.store.getUser(u.id)?.active).toBe(true);
    expect((await scim.patch(`/Users/${u.id}`, body)).status).toBe(200);
    const odd = await scim.get('/Groups');
    expect(odd.json).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0 });
    expect(s.sim.faults().failNext).toEqual([]);
  });

  it('failFirstPerPath (set over HTTP) fails the first N PATCHes to each user without touching state, then applies them', async () => {
    const s = await start();
    const origin = new URL(s.url).origin;
    const scim = scimCaller(s.url);
    const users = ['p1@northwind.example', 'p2@northwind.example'].map((userName) => s.sim.store.createUser({ userName }));
    const set = await fetch(`${origin}/__sim/faults`, {
      method: 'POST',
      headers: { [ADMIN_HEADER]: TEST_TOKEN, 'content-type': 'application/json' },
      body: JSON.stringify({ failFirstPerPath: [{ method: 'PATCH', pathPrefix: '/Users', status: 503, times: 2 }] }),
    });
    expect(set.status).toBe(200);
    const body = patchOp({ op: 'replace', path: 'active', value: false });
    const statuses: number[] = [];
    // Interleaved: each user still meets exactly its own two failures, and a failed PATCH changes nothing.
    for (let round = 0; round < 3; round++) {
      for (const u of users) statuses.push((await scim.patch(`/Users/${u.id}`, body)).status);
      if (round < 2) for (const u of users) expect(s.sim.store.getUser(u.id)?.active).toBe(true);
    }
    expect(statuses).toEqual([503, 503, 503, 503, 200, 200]);
    expect((await scim.get(`/Users/${users[0]!.id}`)).status).toBe(200);
    for (const u of users) expect(s.sim.store.getUser(u.id)?.active).toBe(false);
    expect(s.sim.faults().failFirstPerPath).toEqual([{ method: 'PATCH', pathPrefix: '/Users', status: 503, times: 2 }]);
  });

  it('rate5xx = 1 answers 500/502/503 SCIM errors without touching state', async () => {
    const s = await start({ faults: { rate5xx: 1 } });
    const statuses = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const r = await scimCaller(s.url).post('/Users', { schemas: [SCHEMA_USER], userName: `u${i}@northwind.example` });
      statuses.add(r.status);
      expect(at(r.json, 'schemas')).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    }
    expect([...statuses].sort()).toEqual([500, 502, 503]);
    expect(s.sim.store.counts().users).toBe(0);
  });

  it('a dropped connection makes fetch reject, after the request took effect', async () => {
    const s = await start({ faults: { dropConnectionRate: 1 } });
    const u = s.sim.store.createUser({ userName: 'drop@northwind.example' });
    await expect(scimCaller(s.url).patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'active', value: false }))).rejects.toThrow();
    expect(s.sim.store.getUser(u.id)?.active).toBe(false);
    expect(s.sim.requestLog().at(-1)?.status).toBe('dropped');
    s.sim.resetFaults();
    expect((await scimCaller(s.url).get(`/Users/${u.id}`)).status).toBe(200);
  });

  it('inside the app (no socket) a drop is a 502 marked as the drop sentinel', async () => {
    const sim = createSimulator({ tokens: [TEST_TOKEN], rateLimitPerSecond: 0, faults: { dropConnectionRate: 1 } });
    try {
      const res = await sim.handle(new Request('http://app.local/scim/v2/Users', { headers: { authorization: `Bearer ${TEST_TOKEN}` } }));
      expect(res.status).toBe(502);
      expect(isDroppedResponse(res)).toBe(true);
      sim.resetFaults();
      const ok = await sim.handle(new Request('http://app.local/scim/v2/Users', { headers: { authorization: `Bearer ${TEST_TOKEN}` } }));
      expect(isDroppedResponse(ok)).toBe(false);
    } finally {
      sim.close();
    }
  });

  it('malformedJsonRate = 1 sends 200 with a body that does not parse', async () => {
    const s = await start({ faults: { malformedJsonRate: 1 } });
    s.sim.store.createUser({ userName: 'm@northwind.example' });
    const res = await fetch(`${s.url}/Users`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
  });

  it('ignoreStartIndex always serves the first page', async () => {
    const s = await start();
    s.sim.store.transaction(() => {
      for (let i = 0; i < 150; i++) s.sim.store.createUser({ userName: `p${i}@northwind.example` });
      for (let i = 0; i < 150; i++) s.sim.store.createGroup({ displayName: `G${i}` });
    });
    const scim = scimCaller(s.url);
    const page1 = at((await scim.get('/Users?startIndex=1&count=100')).json, 'Resources');
    s.sim.setFaults({ ignoreStartIndex: true });
    const broken = await scim.get('/Users?startIndex=101&count=100');
    expect(at(broken.json, 'Resources')).toEqual(page1);
    expect(at(broken.json, 'startIndex')).toBe(1);
    const groups1 = await scim.get('/Groups?startIndex=1');
    expect(at((await scim.get('/Groups?startIndex=101')).json, 'Resources')).toEqual(at(groups1.json, 'Resources'));
  });

  it('latencyMs delays responses', async () => {
    const s = await start({ faults: { latencyMs: 120 } });
    const t = performance.now();
    await scimCaller(s.url).get('/Users');
    expect(performance.now() - t).toBeGreaterThanOrEqual(110);
  });

  it('patchNoContent answers a successful PATCH with 204 and no body', async () => {
    const s = await start({ faults: { patchNoContent: true } });
    const u = s.sim.store.createUser({ userName: 'n@northwind.example' });
    const r = await scimCaller(s.url).patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'active', value: false }));
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    expect(s.sim.store.getUser(u.id)?.active).toBe(false);
  });

  it('probabilistic faults are deterministic for a seed', async () => {
    const run = async (seed: number): Promise<string> => {
      const sim = createSimulator({ tokens: [TEST_TOKEN], rateLimitPerSecond: 0, seedRandom: seed, faults: { rate5xx: 0.3, malformedJsonRate: 0.3 } });
      const out: string[] = [];
      for (let i = 0; i < 40; i++) {
        const res = await sim.handle(new Request('http://x/scim/v2/Users', { headers: { authorization: `Bearer ${TEST_TOKEN}` } }));
        const text = await res.text();
        let parsed = true;
        try {
          JSON.parse(text);
        } catch {
          parsed = false;
        }
        out.push(`${res.status}${parsed ? '' : '!'}`);
      }
      sim.close();
      return out.join(',');
    };
    const a = await run(7);
    expect(await run(7)).toBe(a);
    expect(await run(8)).not.toBe(a);
    expect(a).toMatch(/50[023]/);
    expect(a).toContain('200!');
  });
});

describe('admin endpoints (standalone server only)', () => {
  it('need x-sim-admin with a known token', async () => {
    const s = await start();
    const origin = new URL(s.url).origin;
    expect((await fetch(`${origin}/__sim/stats`)).status).toBe(401);
    expect((await fetch(`${origin}/__sim/stats`, { headers: { [ADMIN_HEADER]: 'nope' } })).status).toBe(401);
  });

  it('set and reset faults, report stats, list and clear requests', async () => {
    const s = await start();
    const origin = new URL(s.url).origin;
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${origin}/__sim${path}`, {
        method,
        headers: { [ADMIN_HEADER]: TEST_TOKEN, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    s.sim.store.createUser({ userName: 'a@northwind.example' });

    const set = await admin('POST', '/faults', { burst429: 1, retryAfterSeconds: 3 });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ faults: { burst429: 1, retryAfterSeconds: 3 } });
    const limited = await scimCaller(s.url).get('/Users');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');

    expect((await admin('POST', '/faults', { burst492: 1 })).status).toBe(400);
    expect((await admin('POST', '/faults', { rate5xx: 2 })).status).toBe(400);

    await admin('POST', '/faults', { burst429: 5 });
    await admin('POST', '/reset-faults');
    expect((await scimCaller(s.url).get('/Users')).status).toBe(200);

    const stats = (await (await admin('GET', '/stats')).json()) as unknown;
    expect(at(stats, 'counts')).toEqual({ users: 1, activeUsers: 1, groups: 0, memberships: 0 });
    expect(at(stats, 'requests')).toBe(2);

    const requests = (await (await admin('GET', '/requests')).json()) as unknown;
    expect((at(requests, 'requests') as unknown[]).map((r) => at(r, 'status'))).toEqual([429, 200]);
    await admin('POST', '/clear-requests');
    expect(s.sim.requestLog()).toEqual([]);
  });
});

describe('persistence', () => {
  it('a file database keeps users, groups, memberships and the token owner across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attest-sim-'));
    const dbPath = join(dir, 'sim.db');
    try {
      const first = await startTestSim({ dbPath });
      const created = await scimCaller(first.url).post('/Users', { schemas: [SCHEMA_USER], userName: 'keep@northwind.example' });
      const userId = String(at(created.json, 'id'));
      first.sim.store.createGroup({ displayName: 'Kept', memberIds: [userId] });
      first.sim.store.setTokenOwner('keep@northwind.example');
      await first.close();

      const second = await startTestSim({ dbPath });
      try {
        expect(second.sim.store.isEmpty()).toBe(false);
        const got = await scimCaller(second.url).get(`/Users/${userId}`);
        expect(at(got.json, 'userName')).toBe('keep@northwind.example');
        expect(second.sim.store.allGroupsWithMembers().map((g) => [g.displayName, g.memberIds])).toEqual([['Kept', [userId]]]);
        expect((await scimCaller(second.url).del(`/Users/${userId}`)).status).toBe(422);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
