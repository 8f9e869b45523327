import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit';

describe('createRateLimiter', () => {
  it('starts the first request at once and spaces the rest 1000/rate ms apart', async () => {
    const limiter = createRateLimiter({ ratePerSecond: 100, maxConcurrency: 50 });
    const t0 = Date.now();
    const starts = await Promise.all(
      Array.from({ length: 21 }, async () => {
        const permit = await limiter.acquire();
        const at = Date.now() - t0;
        permit.release();
        return at;
      }),
    );
    starts.sort((a, b) => a - b);
    expect(starts[0]).toBeLessThan(5);
    // 21 starts at 10 ms spacing span 200 ms; timers may fire late but never early.
    expect(starts[20]).toBeGreaterThanOrEqual(198);
    expect(starts[20]).toBeLessThan(400);
    for (let i = 10; i < starts.length; i++) expect(starts[i]! - starts[i - 10]!).toBeGreaterThanOrEqual(98);
  });

  it('never has more than maxConcurrency permits out', async () => {
    const limiter = createRateLimiter({ ratePerSecond: 0, maxConcurrency: 3 });
    let inFlight = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const permit = await limiter.acquire();
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        permit.release();
      }),
    );
    expect(peak).toBe(3);
    expect(limiter.inFlight()).toBe(0);
  });

  it('a pause holds every request that has not started, including ones already scheduled', async () => {
    const limiter = createRateLimiter({ ratePerSecond: 50, maxConcurrency: 8 });
    (await limiter.acquire()).release();
    const t0 = Date.now();
    limiter.pause(250);
    const waits = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const permit = await limiter.acquire();
        permit.release();
        return { at: Date.now() - t0, waitedMs: permit.waitedMs };
      }),
    );
    for (const w of waits) {
      expect(w.at).toBeGreaterThanOrEqual(245);
      expect(w.waitedMs).toBeGreaterThanOrEqual(240);
    }
    // After the pause the requests are still spaced, not released as a burst.
    const ats = waits.map((w) => w.at).sort((a, b) => a - b);
    expect(ats[2]! - ats[0]!).toBeGreaterThanOrEqual(38);
  });

  it('a pause that arrives while a request sleeps for its turn moves that turn', async () => {
    const limiter = createRateLimiter({ ratePerSecond: 10, maxConcurrency: 8 });
    (await limiter.acquire()).release(); // next turn is 100 ms away
    const t0 = Date.now();
    const pending = limiter.acquire();
    setTimeout(() => limiter.pause(300), 20);
    const permit = await pending;
    permit.release();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(310);
  });

  it('grants a high-priority request (the next list page) before queued normal ones', async () => {
    const limiter = createRateLimiter({ ratePerSecond: 100, maxConcurrency: 8 });
    const order: string[] = [];
    const take = async (name: string, priority: 'high' | 'normal') => {
      const permit = await limiter.acquire(priority);
      order.push(name);
      permit.release();
    };
    const normals = Array.from({ length: 10 }, (_, i) => take(`n${i}`, 'normal'));
    const high = take('page', 'high');
    await Promise.all([...normals, high]);
    // n0 starts at once; the page takes the very next turn.
    expect(order.slice(0, 2)).toEqual(['n0', 'page']);
    expect(limiter.queued()).toBe(0);
  });

  it('holds no concurrency slot while a request waits for its turn', async () => {
    const limiter = createRateLimiter({ ratePerSecond: 10, maxConcurrency: 2 });
    const first = await limiter.acquire();
    const second = limiter.acquire();
    expect(limiter.inFlight()).toBe(1);
    first.release();
    (await second).release();
    expect(limiter.inFlight()).toBe(0);
  });

  it('release is idempotent', async () => {
    const limiter = createRateLimiter({ ratePerSecond: 0, maxConcurrency: 1 });
    const p = await limiter.acquire();
    p.release();
    p.release();
    expect(limiter.inFlight()).toBe(0);
  });

  it('rejects nonsense settings', () => {
    expect(() => createRateLimiter({ ratePerSecond: 10, maxConcurrency: 0 })).toThrow(RangeError);
    expect(() => createRateLimiter({ ratePerSecond: -1, maxConcurrency: 1 })).toThrow(RangeError);
  });
});
