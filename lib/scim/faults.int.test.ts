import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ScimError, type TScimEvent } from '@/lib/scim';
import { drain, fastClient, rejection, startSeededSim, type TSimServer } from './testing/fixtures';

/** Crawl everything the snapshot needs and check each id arrives exactly once. */
async function crawlAndCheck(server: TSimServer, client: ReturnType<typeof fastClient>): Promise<void> {
  const users = await drain(client.listUsers());
  const groups = await drain(client.listGroups());
  const full = await Promise.all(groups.map((g) => client.getGroup(g.id)));
  const storeUsers = server.sim.store.allUsers();
  const storeGroups = server.sim.store.allGroupsWithMembers();
  expect(users.map((u) => u.id).sort()).toEqual(storeUsers.map((u) => u.id).sort());
  expect(groups.map((g) => g.id).sort()).toEqual(storeGroups.map((g) => g.id).sort());
  const members = new Map(storeGroups.map((g) => [g.id, [...g.memberIds].sort()]));
  for (const g of full) expect(g!.members.map((m) => m.value).sort()).toEqual(members.get(g!.id));
}

describe('fault injection: recover or fail typed, never hang, never duplicate', () => {
  let server: TSimServer;

  beforeAll(async () => {
    server = await startSeededSim({ users: 600, groups: 40 });
  });
  afterEach(() => {
    server.sim.resetFaults();
  });
  afterAll(async () => {
    await server.close();
  });

  it('recovers from 20% 5xx answers', async () => {
    server.sim.setFaults({ rate5xx: 0.2 });
    const client = fastClient(server);
    await crawlAndCheck(server, client);
    expect(client.stats().retries).toBeGreaterThan(0);
    expect(client.stats().errors).toBe(0);
  });

  it('recovers from 20% dropped connections', async () => {
    server.sim.setFaults({ dropConnectionRate: 0.2 });
    const client = fastClient(server);
    await crawlAndCheck(server, client);
    expect(client.stats().retries).toBeGreaterThan(0);
  });

  it('recovers from 20% truncated JSON bodies', async () => {
    server.sim.setFaults({ malformedJsonRate: 0.2 });
    const events: TScimEvent[] = [];
    const client = fastClient(server, { onEvent: (e) => events.push(e) });
    await crawlAndCheck(server, client);
    expect(events.some((e) => e.type === 'retry' && e.kind === 'protocol')).toBe(true);
  });

  it('gives up on persistent 5xx with a typed server error after exactly maxRetries + 1 attempts', async () => {
    server.sim.setFaults({ rate5xx: 1 });
    const client = fastClient(server, { maxRetries: 3 });
    const user = server.sim.store.allUsers()[0]!;
    const before = server.sim.countRequests({ path: `/Users/${user.id}` });
    const err = await rejection(client.getUser(user.id));
    expect(err).toBeInstanceOf(ScimError);
    expect(err).toMatchObject({ kind: 'server', attempts: 4, isTransient: true });
    expect(server.sim.countRequests({ path: `/Users/${user.id}` }) - before).toBe(4);
    expect(client.stats()).toMatchObject({ requests: 4, retries: 3, errors: 1 });
  });

  it('backs off between retries of a 5xx for the delays it reports', async () => {
    const user = server.sim.store.allUsers()[1]!;
    server.sim.setFaults({ failNext: [{ pathPrefix: `/Users/${user.id}`, status: 503, times: 4 }] });
    const events: TScimEvent[] = [];
    const client = fastClient(server, { backoffBaseMs: 150, backoffMaxMs: 150, onEvent: (e) => events.push(e) });
    const t0 = Date.now();
    expect((await client.getUser(user.id))?.id).toBe(user.id);
    const delays = events.flatMap((e) => (e.type === 'retry' ? [e.delayMs] : []));
    expect(delays).toHaveLength(4);
    expect(delays.every((d) => d >= 0 && d <= 150)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(delays.reduce((a, b) => a + b, 0) - 5);
    expect(delays.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('gives up on persistently truncated JSON with a protocol error after bounded attempts', async () => {
    server.sim.setFaults({ malformedJsonRate: 1 });
    const client = fastClient(server, { maxRetries: 2 });
    const err = await rejection(drain(client.listUsers()));
    expect(err).toMatchObject({ kind: 'protocol', attempts: 3 });
    expect((err as ScimError).message).toMatch(/truncated|malformed/);
  });

  it('stops with a protocol error naming the problem when the server ignores startIndex', async () => {
    server.sim.setFaults({ ignoreStartIndex: true });
    const client = fastClient(server);
    const before = server.sim.countRequests({ method: 'GET', path: /^\/Users$/ });
    const err = await rejection(drain(client.listUsers()));
    expect(err).toBeInstanceOf(ScimError);
    expect(err).toMatchObject({ kind: 'protocol', isTransient: false });
    expect((err as ScimError).message).toMatch(/ignored startIndex/);
    expect(server.sim.countRequests({ method: 'GET', path: /^\/Users$/ }) - before).toBe(2);
    expect(client.stats().errors).toBe(1);
  });

  it('waits out a 429 burst with Retry-After: 1 and counts the throttles', async () => {
    server.sim.setFaults({ burst429: 3, retryAfterSeconds: 1 });
    const events: TScimEvent[] = [];
    const client = fastClient(server, { onEvent: (e) => events.push(e), defaultRetryAfterMs: 60_000 });
    const t0 = Date.now();
    const users = await drain(client.listUsers());
    expect(users).toHaveLength(600);
    expect(client.stats().throttled).toBe(3);
    // Three sequential 429s, each pausing the limiter for 1 s.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2_900);
    expect(events.filter((e) => e.type === 'throttle').every((e) => e.type === 'throttle' && e.source === 'header' && e.retryAfterMs === 1000)).toBe(true);
    expect(client.stats().rateLimitWaitMs).toBeGreaterThanOrEqual(2_800);
  });

  it('waits out a 429 burst without Retry-After using the default backoff', async () => {
    server.sim.setFaults({ burst429: 4, retryAfterSeconds: null });
    const events: TScimEvent[] = [];
    const client = fastClient(server, { onEvent: (e) => events.push(e), defaultRetryAfterMs: 150 });
    const t0 = Date.now();
    await crawlAndCheck(server, client);
    expect(client.stats().throttled).toBe(4);
    expect(events.filter((e) => e.type === 'throttle')).toHaveLength(4);
    expect(events.every((e) => e.type !== 'throttle' || (e.source === 'default' && e.retryAfterMs === 150))).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
  });

  it('gives up on endless 429s with a rate_limited error after bounded attempts', async () => {
    server.sim.setFaults({ burst429: 1000, retryAfterSeconds: 0 });
    const client = fastClient(server, { maxRetries: 2 });
    const err = await rejection(client.getUser(server.sim.store.allUsers()[0]!.id));
    expect(err).toMatchObject({ kind: 'rate_limited', status: 429, attempts: 3 });
    expect(client.stats().throttled).toBe(3);
  });

  it('does not retry 401: kind unauthorized after exactly one request', async () => {
    const client = fastClient(server, { token: 'pat-wrong-token-for-401-test' });
    const before = server.sim.countRequests();
    const err = await rejection(drain(client.listUsers()));
    expect(err).toMatchObject({ kind: 'unauthorized', status: 401, attempts: 1, isTransient: false });
    expect(server.sim.countRequests() - before).toBe(1);
    expect(client.stats()).toMatchObject({ requests: 1, retries: 0, errors: 1 });
  });

  it('does not retry 403: kind forbidden', async () => {
    server.sim.setFaults({ failNext: [{ status: 403, times: 5 }] });
    const client = fastClient(server);
    const before = server.sim.countRequests();
    const err = await rejection(client.getGroup(server.sim.store.allGroupsWithMembers()[0]!.id));
    expect(err).toMatchObject({ kind: 'forbidden', status: 403 });
    expect(server.sim.countRequests() - before).toBe(1);
  });

  it('times out a slow server after bounded attempts with kind timeout', async () => {
    server.sim.setFaults({ latencyMs: 400 });
    const client = fastClient(server, { timeoutMs: 100, maxRetries: 2 });
    const t0 = Date.now();
    const err = await rejection(client.getUser(server.sim.store.allUsers()[0]!.id));
    expect(err).toMatchObject({ kind: 'timeout', attempts: 3, isTransient: true });
    expect(Date.now() - t0).toBeLessThan(1_500);
    expect(client.stats().requests).toBe(3);
  });
});
