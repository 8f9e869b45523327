/**
 * Airtable allows 50 requests per second per token (DESIGN.md). Modelled as a token bucket per
 * token: capacity = rate, refilled continuously, starting full. A client that spaces requests
 * evenly at exactly the rate never sees a 429, a burst of `rate` requests passes, and one
 * more in the same instant does not. O(1) per request: one Map lookup and a few float ops.
 */
export function createRateLimiter(ratePerSecond: number) {
  const buckets = new Map<string, { tokens: number; last: number }>();
  const perMs = ratePerSecond / 1000;
  return {
    /** Take one token for `key` at time `nowMs`; false when the bucket is empty (answer 429). */
    take(key: string, nowMs: number): boolean {
      if (ratePerSecond <= 0) return true;
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = { tokens: ratePerSecond, last: nowMs };
        buckets.set(key, bucket);
      }
      if (nowMs > bucket.last) {
        bucket.tokens = Math.min(ratePerSecond, bucket.tokens + (nowMs - bucket.last) * perMs);
        bucket.last = nowMs;
      }
      // The epsilon absorbs float error: 20 ms × 0.05 tokens/ms must count as one whole token.
      if (bucket.tokens < 1 - 1e-9) return false;
      bucket.tokens -= 1;
      return true;
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
