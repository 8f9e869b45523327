import { describe, expect, it } from 'vitest';
import { createFaultEngine, ZFaultConfigPatch, type FailRule } from './faults';
import { createPrng } from './prng';

/** The fault engine's deterministic per-path plan (`failFirstPerPath`), without HTTP. */

const BASE = '/scim/v2';
const decide = (engine: ReturnType<typeof createFaultEngine>, method: string, path: string) => engine.decide(method, path, `${BASE}${path}`);
const statusOf = (engine: ReturnType<typeof createFaultEngine>, method: string, path: string): number | null => decide(engine, method, path).failRule?.status ?? null;

describe('failFirstPerPath', () => {
  it('fails the first N requests to each path, each path on its own count, then lets them through', () => {
    const f = createFaultEngine(createPrng(1), { failFirstPerPath: [{ status: 503, times: 2 }] });
    expect([statusOf(f, 'PATCH', '/Users/a'), statusOf(f, 'PATCH', '/Users/b'), statusOf(f, 'PATCH', '/Users/a')]).toEqual([503, 503, 503]);
    expect(statusOf(f, 'PATCH', '/Users/a')).toBeNull();
    expect(statusOf(f, 'PATCH', '/Users/b')).toBe(503);
    expect(statusOf(f, 'PATCH', '/Users/b')).toBeNull();
    // The rule itself is not consumed (unlike failNext): a new path still meets its failures.
    expect(f.config.failFirstPerPath).toEqual([{ status: 503, times: 2 }]);
    expect(statusOf(f, 'PATCH', '/Users/c')).toBe(503);
  });

  it('counts per method, so a check (GET) and a change (PATCH) of one target each meet their failures', () => {
    const f = createFaultEngine(createPrng(1), { failFirstPerPath: [{ status: 502, times: 1 }] });
    expect(statusOf(f, 'PATCH', '/Users/a')).toBe(502);
    expect(statusOf(f, 'GET', '/Users/a')).toBe(502);
    expect(statusOf(f, 'get', '/Users/a')).toBeNull();
    expect(statusOf(f, 'PATCH', '/Users/a')).toBeNull();
  });

  it('gives the same faults whatever order the requests arrive in', () => {
    const plan: FailRule[] = [{ method: 'PATCH', status: 503, times: 2 }];
    const requests = ['/Users/a', '/Users/b', '/Groups/g', '/Users/a', '/Groups/g', '/Users/b', '/Users/a', '/Groups/g', '/Users/b'];
    const failuresByPath = (order: string[]) => {
      const f = createFaultEngine(createPrng(7), { failFirstPerPath: plan });
      const out = new Map<string, number[]>();
      order.forEach((path) => out.set(path, [...(out.get(path) ?? []), statusOf(f, 'PATCH', path) ?? 200]));
      return Object.fromEntries([...out.entries()].sort());
    };
    const expected = { '/Groups/g': [503, 503, 200], '/Users/a': [503, 503, 200], '/Users/b': [503, 503, 200] };
    expect(failuresByPath(requests)).toEqual(expected);
    expect(failuresByPath([...requests].reverse())).toEqual(expected);
    expect(failuresByPath([...requests].sort())).toEqual(expected);
  });

  it('matches method and either path form, falls through to the next rule with failures left, and keeps the body', () => {
    const body = { detail: 'busy' };
    const f = createFaultEngine(createPrng(1), {
      failFirstPerPath: [
        { method: 'PATCH', pathPrefix: `${BASE}/Groups`, status: 500, times: 1, body },
        { pathPrefix: '/Groups', status: 503, times: 1 },
      ],
    });
    expect(statusOf(f, 'PATCH', '/Users/a')).toBeNull();
    expect(decide(f, 'PATCH', '/Groups/g').failRule).toEqual({ method: 'PATCH', pathPrefix: `${BASE}/Groups`, status: 500, times: 1, body });
    expect(statusOf(f, 'PATCH', '/Groups/g')).toBe(503);
    expect(statusOf(f, 'PATCH', '/Groups/g')).toBeNull();
    expect(statusOf(f, 'GET', '/Groups/g')).toBe(503);
  });

  it('comes after burst429 and failNext, and a request they answer does not use up the plan', () => {
    const f = createFaultEngine(createPrng(1), { burst429: 1, failNext: [{ status: 409, times: 1 }], failFirstPerPath: [{ status: 503, times: 1 }] });
    expect(decide(f, 'PATCH', '/Users/a')).toMatchObject({ inject429: true, failRule: null });
    expect(statusOf(f, 'PATCH', '/Users/a')).toBe(409);
    expect(statusOf(f, 'PATCH', '/Users/a')).toBe(503);
    expect(statusOf(f, 'PATCH', '/Users/a')).toBeNull();
  });

  it('starts from zero when a new plan is set or the faults are reset, and keeps counting across other changes', () => {
    const f = createFaultEngine(createPrng(1), { failFirstPerPath: [{ status: 503, times: 1 }] });
    expect(statusOf(f, 'GET', '/Users/a')).toBe(503);
    f.set({ latencyMs: 0 });
    expect(statusOf(f, 'GET', '/Users/a')).toBeNull();
    f.set({ failFirstPerPath: [{ status: 503, times: 1 }] });
    expect(statusOf(f, 'GET', '/Users/a')).toBe(503);
    f.reset();
    expect(f.config.failFirstPerPath).toEqual([]);
    expect(statusOf(f, 'GET', '/Users/b')).toBeNull();
  });

  it('draws the same randoms as without a plan, so probabilistic faults keep their seeded sequence', () => {
    const a = createFaultEngine(createPrng(3), { rate5xx: 0.5 });
    const b = createFaultEngine(createPrng(3), { rate5xx: 0.5, failFirstPerPath: [{ status: 500, times: 3 }] });
    for (let i = 0; i < 40; i++) expect(decide(b, 'GET', `/Users/${i % 4}`).status5xx).toBe(decide(a, 'GET', `/Users/${i % 4}`).status5xx);
  });

  it('is accepted over POST /__sim/faults with the failNext rule shape', () => {
    expect(ZFaultConfigPatch.safeParse({ failFirstPerPath: [{ method: 'PATCH', status: 503, times: 2 }] }).success).toBe(true);
    expect(ZFaultConfigPatch.safeParse({ failFirstPerPath: [{ status: 503, times: 0 }] }).success).toBe(false);
    expect(ZFaultConfigPatch.safeParse({ failFirstPerPath: [{ status: 503, times: 1, every: 2 }] }).success).toBe(false);
  });
});
