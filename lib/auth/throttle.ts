import 'server-only';
import { isIP } from 'node:net';
import { getDb } from '@/db/client';
import { appendAudit, SYSTEM_ACTOR } from '@/lib/audit';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { deleteExpiredSignInFailures, deleteSignInFailures, listSignInFailures, saveSignInFailure, type TSignInFailureRow } from './queries';

/**
 * Sign-in throttling for the sign-in methods Attest checks itself (the demo credentials
 * provider). OpenID Connect sign-ins are the identity provider's to throttle: Attest never sees
 * the password, only the provider's answer.
 *
 * Failures are counted per key in `sign_in_failures`: the attempted account (lowercased email)
 * and, only when `TRUST_PROXY` is set, the client address. 5 failures within 15 minutes lock the
 * key for 15 minutes; while any key of an attempt is locked, the attempt is refused before its
 * credentials are looked at, so a correct attempt is refused too and the answer is the same
 * whether the account exists or not. A success clears the account key (not the address: one
 * valid account must not reset a guesser's counter). Each lock is audited once
 * (`auth.sign_in_locked`).
 */

export const SIGN_IN_THROTTLE = {
  maxFailures: 5,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
} as const;

// RFC 5321 §4.5.3.1: an address is at most 254 characters; longer input is cut so a key stays small.
const MAX_ACCOUNT_CHARS = 320;

/** The part of `Headers` this module reads (a `Request`'s headers or `next/headers`). */
export type THeaderSource = { get(name: string): string | null };

/** A lock in force: until when, and the whole minutes left (at least 1) for the message. */
export type TSignInLock = { lockedUntil: string; retryAfterMinutes: number };

/** What a throttled attempt gave: the verified value, or a refusal (with the lock when one is in force). */
export type TThrottledAttempt<T> = { ok: true; value: T } | { ok: false; lock: TSignInLock | null };

/**
 * The client address from the first X-Forwarded-For hop, or null. Only with `TRUST_PROXY`:
 * without a proxy that sets the header, any client can send its own X-Forwarded-For, and a key
 * it picks would let it rotate past the lock or lock out someone else's address. The proxy must
 * set (not append to) the header, e.g. nginx `proxy_set_header X-Forwarded-For $remote_addr`.
 */
export function clientAddress(headers: THeaderSource | null | undefined): string | null {
  if (!env().TRUST_PROXY || !headers) return null;
  const first = headers.get('x-forwarded-for')?.split(',')[0]?.trim() ?? '';
  // Anything but an IP address (a hostname, "unknown", garbage) identifies nobody: no key.
  return isIP(first) !== 0 ? first.toLowerCase() : null;
}

/** The throttle keys of an attempt: `account:<email>` and, behind a trusted proxy, `ip:<address>`. */
export function signInThrottleKeys(email: string, headers?: THeaderSource | null): string[] {
  const keys: string[] = [];
  const account = email.trim().toLowerCase().slice(0, MAX_ACCOUNT_CHARS);
  if (account) keys.push(`account:${account}`);
  const address = clientAddress(headers);
  if (address) keys.push(`ip:${address}`);
  return keys;
}

function lockOf(rows: readonly TSignInFailureRow[], now: Date): TSignInLock | null {
  const nowIso = now.toISOString();
  let until: string | null = null;
  for (const row of rows) {
    if (row.lockedUntil !== null && row.lockedUntil > nowIso && (until === null || row.lockedUntil > until)) until = row.lockedUntil;
  }
  if (until === null) return null;
  return { lockedUntil: until, retryAfterMinutes: Math.max(1, Math.ceil((Date.parse(until) - now.getTime()) / 60_000)) };
}

/** The lock in force on any of `keys` (the longest), or null. */
export function getSignInLock(keys: readonly string[], now: Date = new Date()): TSignInLock | null {
  return lockOf(listSignInFailures(keys), now);
}

/** The message a locked attempt gets: the same for every key, so it says nothing about the account. */
export function signInLockedMessage(lock: Pick<TSignInLock, 'retryAfterMinutes'>): string {
  const m = lock.retryAfterMinutes;
  return `Too many failed sign-in attempts. Try again in ${m} minute${m === 1 ? '' : 's'}.`;
}

/** Throw `AppError('rate_limited')` with the lock message when any of `keys` is locked. */
export function assertSignInAllowed(keys: readonly string[], now: Date = new Date()): void {
  const lock = getSignInLock(keys, now);
  if (lock) throw new AppError('rate_limited', signInLockedMessage(lock));
}

/**
 * Count one failed attempt on every key, in one IMMEDIATE transaction (two processes never
 * read the same count). A key whose window (15 min from its first failure) has passed, or whose
 * lock has expired, starts again at 1; the failure that reaches 5 locks the key and audits it.
 * A key already locked is left as it is (its lock is not extended). Returns the lock in force
 * after this failure, or null.
 */
export function recordSignInFailure(keys: readonly string[], options: { method: string; now?: Date }): TSignInLock | null {
  if (keys.length === 0) return null;
  const now = options.now ?? new Date();
  const nowIso = now.toISOString();
  const windowStart = new Date(now.getTime() - SIGN_IN_THROTTLE.windowMs).toISOString();
  return getDb().transaction(
    (tx) => {
      deleteExpiredSignInFailures(tx, windowStart, nowIso);
      const existing = new Map(listSignInFailures(keys, tx).map((r) => [r.key, r]));
      const after: TSignInFailureRow[] = [];
      for (const key of new Set(keys)) {
        const row = existing.get(key);
        if (row?.lockedUntil && row.lockedUntil > nowIso) {
          after.push(row);
          continue;
        }
        const fresh = !row || row.lockedUntil !== null || row.firstFailureAt <= windowStart;
        const failures = fresh ? 1 : row.failures + 1;
        const lockedUntil = failures >= SIGN_IN_THROTTLE.maxFailures ? new Date(now.getTime() + SIGN_IN_THROTTLE.lockMs).toISOString() : null;
        const next: TSignInFailureRow = { key, failures, firstFailureAt: fresh ? nowIso : row.firstFailureAt, lockedUntil };
        saveSignInFailure(tx, next);
        after.push(next);
        if (lockedUntil) {
          appendAudit(
            {
              actor: SYSTEM_ACTOR,
              action: 'auth.sign_in_locked',
              target: { type: 'sign_in_key', id: key },
              details: { method: options.method, failures, windowMinutes: SIGN_IN_THROTTLE.windowMs / 60_000, lockedUntil },
            },
            tx,
          );
        }
      }
      return lockOf(after, now);
    },
    { behavior: 'immediate' },
  );
}

/**
 * Run one credentials check under the throttle: refused without calling `verify` while a key is
 * locked; `verify` returning null is a failure (counted, and the answer carries the lock it may
 * have caused); a value clears the account's failures (not the address's: one valid account must
 * not reset a guesser's count).
 */
export function attemptSignIn<T>(attempt: { email: string; headers?: THeaderSource | null; method: string; now?: Date }, verify: () => T | null): TThrottledAttempt<T> {
  const keys = signInThrottleKeys(attempt.email, attempt.headers);
  const now = attempt.now ?? new Date();
  const rows = listSignInFailures(keys);
  const lock = lockOf(rows, now);
  if (lock) return { ok: false, lock };
  const value = verify();
  if (value === null) return { ok: false, lock: recordSignInFailure(keys, { method: attempt.method, now }) };
  // Most sign-ins have nothing to clear: no write then.
  const accountKey = keys.find((k) => k.startsWith('account:'));
  if (accountKey && rows.some((r) => r.key === accountKey)) deleteSignInFailures([accountKey]);
  return { ok: true, value };
}

const LOCKED_CODE = /^locked_(\d{1,2})$/;

/**
 * The `code` Auth.js puts in the sign-in page's URL when a credentials sign-in posted straight to
 * /api/auth/callback/demo is refused by a lock (`?error=CredentialsSignin&code=locked_12`).
 */
export function signInLockedCode(lock: Pick<TSignInLock, 'retryAfterMinutes'>): string {
  return `locked_${lock.retryAfterMinutes}`;
}

/**
 * The lock message for such a `code`, or null. The URL is user-controlled, so the minutes are
 * bounded by the lock's length: a crafted link cannot make the page say "try again in 99 minutes".
 */
export function signInLockedMessageFromCode(code: string | undefined): string | null {
  const match = code ? LOCKED_CODE.exec(code) : null;
  if (!match) return null;
  const minutes = Math.min(Math.max(Number(match[1]), 1), SIGN_IN_THROTTLE.lockMs / 60_000);
  return signInLockedMessage({ retryAfterMinutes: minutes });
}
