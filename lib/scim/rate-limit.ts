/**
 * The client-side limiter: at most `maxConcurrency` requests in flight, and request starts spaced
 * evenly `1000 / ratePerSecond` ms apart (GCRA / leaky bucket as a meter, no burst allowance).
 *
 * Why even spacing and no burst: Airtable allows 50 requests/s per token and answers 429 with a
 * 30 s penalty. A token bucket on the server (capacity = rate, continuous refill) is never drained
 * by a client whose starts are ≥ 1000/rate ms apart, and no 1 s window ever holds more than
 * `rate` starts (+1 at the window edge), so a crawl at full speed never earns a 429.
 * A 429 anyway (another client on the same token) pauses the whole limiter, not one request.
 *
 * Waiters sit in one queue with two lanes and a dispatcher grants permits; nobody holds a
 * concurrency slot while waiting for its turn. The 'high' lane is for requests on a sequential
 * critical path (the next list page): a crawl that fans out hundreds of GET /Groups/{id} would
 * otherwise starve the page chain and leave the end of the crawl latency-bound.
 */

export type TRateLimiterOptions = {
  /** Requests per second; 0 or Infinity disables spacing (concurrency still applies). */
  ratePerSecond: number;
  maxConcurrency: number;
  /** Clock in ms, injectable for tests. */
  now?: () => number;
};

export type TPriority = 'high' | 'normal';

/** A granted request slot: call `release()` exactly once when the response (or error) is in. */
export type TPermit = {
  release: () => void;
  /** Time this request spent queued in the limiter (spacing, 429 pauses, concurrency). */
  waitedMs: number;
};

export type RateLimiter = {
  /** Wait for this request's turn: a free concurrency slot and its start time in the schedule. */
  acquire: (priority?: TPriority) => Promise<TPermit>;
  /** Hold every request that has not started yet for `ms` (a 429's Retry-After). */
  pause: (ms: number) => void;
  /** Epoch ms until which the limiter is paused (0 when never paused). */
  pausedUntil: () => number;
  /** Permits granted and not yet released. */
  inFlight: () => number;
  /** Requests waiting for a permit. */
  queued: () => number;
  readonly ratePerSecond: number;
  readonly maxConcurrency: number;
};

type TWaiter = { grant: (permit: TPermit) => void; enqueuedAt: number };

/** Create a limiter; share one per token (one per client). */
export function createRateLimiter(options: TRateLimiterOptions): RateLimiter {
  const { ratePerSecond, maxConcurrency } = options;
  if (!(maxConcurrency >= 1) || !Number.isInteger(maxConcurrency)) {
    throw new RangeError(`maxConcurrency must be a positive integer, got ${maxConcurrency}`);
  }
  if (!(ratePerSecond >= 0)) throw new RangeError(`ratePerSecond must be >= 0, got ${ratePerSecond}`);
  const clock = options.now ?? Date.now;
  const interval = ratePerSecond > 0 && Number.isFinite(ratePerSecond) ? 1000 / ratePerSecond : 0;
  const lateTolerance = Math.min(2, interval / 4);

  // GCRA's theoretical arrival time: the earliest start of the next request. 0 lets the first start at once.
  let nextStart = 0;
  let pausedUntil = 0;
  let active = 0;
  const high: TWaiter[] = [];
  const normal: TWaiter[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let timerDue = Infinity;

  const wakeAt = (due: number, now: number): void => {
    if (timer !== null && timerDue <= due) return;
    if (timer !== null) clearTimeout(timer);
    timerDue = due;
    timer = setTimeout(
      () => {
        timer = null;
        timerDue = Infinity;
        dispatch();
      },
      Math.max(0, Math.ceil(due - now)),
    );
  };

  const makePermit = (waiter: TWaiter, now: number): TPermit => {
    let released = false;
    return {
      waitedMs: Math.max(0, now - waiter.enqueuedAt),
      release: () => {
        if (released) return;
        released = true;
        active--;
        dispatch();
      },
    };
  };

  function dispatch(): void {
    while (active < maxConcurrency && (high.length > 0 || normal.length > 0)) {
      const now = clock();
      const due = Math.max(nextStart, pausedUntil);
      if (now < due) {
        wakeAt(due, now);
        return;
      }
      const waiter = high.shift() ?? normal.shift();
      if (!waiter) return;
      active++;
      // Timer fired a hair late (≤ lateTolerance): keep the grid so ~1 ms of setTimeout lateness per
      // request does not add up to a 5% lower rate. Later than that (idle, or a stalled event
      // loop): start a new grid at now, so two starts are never squeezed closer than
      // interval − lateTolerance and a 1 s window never holds more than rate + 1.
      nextStart = now - due <= lateTolerance ? due + interval : now + interval;
      waiter.grant(makePermit(waiter, now));
    }
  }

  return {
    ratePerSecond,
    maxConcurrency,
    acquire(priority = 'normal') {
      return new Promise<TPermit>((resolve) => {
        (priority === 'high' ? high : normal).push({ grant: resolve, enqueuedAt: clock() });
        dispatch();
      });
    },
    pause(ms) {
      if (!(ms > 0)) return;
      pausedUntil = Math.max(pausedUntil, clock() + ms);
    },
    pausedUntil: () => pausedUntil,
    inFlight: () => active,
    queued: () => high.length + normal.length,
  };
}
