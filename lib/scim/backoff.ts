/**
 * Retry timing: how long to wait after a 429 (Retry-After) and after a transient failure
 * (exponential backoff with full jitter).
 */

// A Retry-After further out than this is treated as garbage rather than obeyed for a day.
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * Parse a `Retry-After` header into milliseconds from `nowMs`.
 * RFC 9110 §10.2.3: either delay-seconds (a non-negative integer) or an HTTP-date.
 * Returns null when the header is absent, unparseable, negative or absurdly far away; a date in
 * the past means "now" (0).
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number = Date.now()): number | null {
  if (header === null || header === undefined) return null;
  const text = header.trim();
  if (text === '') return null;
  if (/^\d+$/.test(text)) {
    const ms = Number(text) * 1000;
    return ms <= MAX_RETRY_AFTER_MS ? ms : null;
  }
  // Only accept something that looks like an HTTP-date (IMF-fixdate or the obsolete forms), not any string Date.parse guesses at.
  if (!/^[A-Za-z]{3},? /.test(text) || !/\d{2}:\d{2}:\d{2}/.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  const ms = Math.max(0, at - nowMs);
  return ms <= MAX_RETRY_AFTER_MS ? ms : null;
}

/**
 * Delay before retry number `attempt` (1 = first retry): "full jitter", a uniform draw in
 * [0, min(maxMs, baseMs · 2^(attempt-1))]. Full jitter spreads the retries of many clients
 * (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015).
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const ceiling = Math.min(maxMs, baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}
