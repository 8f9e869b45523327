import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimClient } from '@/lib/scim';
import { drain, startSeededSim, TEST_TOKEN, type TSimServer } from './testing/fixtures';

/** The most requests whose arrival falls in any half-open window [t, t + windowMs). */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi]! - sorted[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe('client-side rate limiting over HTTP', () => {
  const RATE = 20;
  let server: TSimServer;

  beforeAll(async () => {
    // The simulator enforces the same rate as the client, as Airtable would.
    server = await startSeededSim({ users: 300, groups: 40 }, { rateLimitPerSecond: RATE, faults: { latencyMs: 5, latencyJitterMs: 20 } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('keeps every 1 s window at or under the limit with 8 in flight, and never earns a 429', async () => {
    server.sim.clearRequestLog();
    const client = createScimClient({ baseUrl: server.url, token: TEST_TOKEN, rateLimitPerSecond: RATE, maxConcurrency: 8, defaultRetryAfterMs: 100 });
    const users = server.sim.store.allUsers().slice(0, 64);
    const t0 = Date.now();
    // 64 parallel GETs: far more demand than 20/s, so the limiter alone sets the pace (~3.2 s).
    const got = await Promise.all(users.map((u) => client.getUser(u.id)));
    const elapsed = Date.now() - t0;
    expect(got.every((u) => u !== null)).toBe(true);

    const log = server.sim.requestLog().filter((r) => r.path.startsWith('/Users/'));
    expect(log).toHaveLength(64);
    expect(maxInWindow(log.map((r) => r.at), 1000)).toBeLessThanOrEqual(RATE + 1);
    expect(log.filter((r) => r.status === 429)).toHaveLength(0);
    expect(client.stats().throttled).toBe(0);
    // Even spacing from an immediate first request: 63 gaps of 50 ms, not much more.
    expect(elapsed).toBeGreaterThanOrEqual(63 * 50 - 20);
    expect(elapsed).toBeLessThan(63 * 50 + 600);
    expect(client.stats().rateLimitWaitMs).toBeGreaterThan(0);
  });

  it('a crawl at exactly the server’s rate gets no 429', async () => {
    server.sim.clearRequestLog();
    const client = createScimClient({ baseUrl: server.url, token: TEST_TOKEN, rateLimitPerSecond: RATE, maxConcurrency: 8, pageSize: 25 });
    const [users, groups] = await Promise.all([drain(client.listUsers()), drain(client.listGroups({ pageSize: 10 }))]);
    const full = await Promise.all(groups.slice(0, 20).map((g) => client.getGroup(g.id)));
    expect(users).toHaveLength(300);
    expect(full.every((g) => g?.membersIncluded)).toBe(true);
    expect(server.sim.requestLog().filter((r) => r.status === 429)).toHaveLength(0);
    expect(maxInWindow(server.sim.requestLog().map((r) => r.at), 1000)).toBeLessThanOrEqual(RATE + 1);
  });

  it('a 429 pauses the whole limiter: no request reaches the server until Retry-After has passed', async () => {
    server.sim.clearRequestLog();
    server.sim.setFaults({ burst429: 1, retryAfterSeconds: 1 });
    const client = createScimClient({ baseUrl: server.url, token: TEST_TOKEN, rateLimitPerSecond: RATE, maxConcurrency: 8 });
    const users = server.sim.store.allUsers().slice(0, 10);
    await Promise.all(users.map((u) => client.getUser(u.id)));
    server.sim.resetFaults();
    const log = server.sim.requestLog();
    const throttledAt = log.find((r) => r.status === 429)!.at;
    // Requests logged after the 429 arrived: none may start within the pause (10 ms slack for the 429 round trip).
    const during = log.filter((r) => r.at > throttledAt + 10 && r.at < throttledAt + 990);
    expect(during).toHaveLength(0);
    expect(log.filter((r) => r.status === 200)).toHaveLength(10);
    expect(client.stats().throttled).toBe(1);
  });
});
