import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter } from './backoff';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date relative to now', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter(new Date(now + 12_000).toUTCString(), now)).toBe(12_000);
  });

  it('treats a date in the past as now', () => {
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
  });

  it.each([null, undefined, '', 'soon', '-5', '1.5', '2025-01-01', 'Wed, 99 Foo 2025 00:00:05 GMT', '999999'])('returns null for %j', (header) => {
    expect(parseRetryAfter(header, now)).toBeNull();
  });
});

describe('backoffDelay (full jitter)', () => {
  it('stays within [0, min(max, base·2^(n-1))]', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(5000, 100 * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, 100, 5000, () => 0)).toBe(0);
      const top = backoffDelay(attempt, 100, 5000, () => 0.999999);
      expect(top).toBeLessThanOrEqual(ceiling);
      expect(top).toBeGreaterThanOrEqual(ceiling - 1);
    }
  });

  it('is capped by backoffMaxMs for large attempts and never negative or NaN', () => {
    for (let i = 0; i < 1000; i++) {
      const d = backoffDelay(1 + (i % 50), 250, 3000);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(3000);
    }
    expect(backoffDelay(1000, 250, 3000, () => 0.5)).toBe(1500);
  });

  it('grows exponentially before the cap', () => {
    expect(backoffDelay(1, 100, 10_000, () => 0.5)).toBe(50);
    expect(backoffDelay(2, 100, 10_000, () => 0.5)).toBe(100);
    expect(backoffDelay(4, 100, 10_000, () => 0.5)).toBe(400);
  });
});
