import { afterEach, describe, expect, it } from 'vitest';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { startScheduler, stopScheduler } from './scheduler';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the in-process scheduler', () => {
  useTempDatabase();
  afterEach(() => stopScheduler());

  it('ticks repeatedly, never two ticks at once, survives a failing tick, and stops', async () => {
    let running = 0;
    let overlapped = false;
    const seen: Date[] = [];
    startScheduler({
      intervalMs: 5,
      firstDelayMs: 0,
      tasks: [
        {
          name: 'slow',
          run: async (now) => {
            running++;
            if (running > 1) overlapped = true;
            seen.push(now);
            await sleep(30); // longer than the interval: a timer-based loop would overlap here
            running--;
            if (seen.length === 2) throw new Error('one bad tick');
          },
        },
      ],
    });
    // A second start while running is ignored (one scheduler per process).
    startScheduler({ intervalMs: 5, firstDelayMs: 0 });
    for (let i = 0; i < 200 && seen.length < 4; i++) await sleep(10);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(overlapped).toBe(false);

    stopScheduler();
    await sleep(60);
    const count = seen.length;
    await sleep(60);
    expect(seen.length).toBe(count);
  });
});
