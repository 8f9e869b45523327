import { afterEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { signInFailures } from '@/db/schema';
import { listAuditPage } from '@/lib/audit/queries';
import { resetEnvForTests } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import {
  assertSignInAllowed,
  attemptSignIn,
  clientAddress,
  getSignInLock,
  recordSignInFailure,
  signInLockedMessage,
  signInLockedMessageFromCode,
  signInThrottleKeys,
} from './throttle';

const KNOWN = 'alex.admin@northwind.example';
const T0 = new Date('2026-11-23T10:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const LOCKED_15 = 'Too many failed sign-in attempts. Try again in 15 minutes.';

/** A demo-like check: only KNOWN exists; counts its calls so a refusal can prove it never looked. */
function demoCheck() {
  return vi.fn((email: string) => (email.trim().toLowerCase() === KNOWN ? { email: KNOWN } : null));
}

function attempt(email: string, options: { now?: Date; headers?: Headers; check?: ReturnType<typeof demoCheck> } = {}) {
  const check = options.check ?? demoCheck();
  return attemptSignIn({ email, headers: options.headers ?? null, method: 'demo', now: options.now ?? T0 }, () => check(email));
}

const xff = (value: string) => new Headers({ 'x-forwarded-for': value });
const lockAudits = () => listAuditPage({ action: 'auth.sign_in_locked' }, 1, 50);
const rows = () => getDb().select().from(signInFailures).all();

describe('sign-in throttling', () => {
  useTempDatabase();
  afterEach(() => {
    delete process.env.TRUST_PROXY;
    resetEnvForTests();
  });

  function trustProxy(): void {
    process.env.TRUST_PROXY = '1';
    resetEnvForTests();
  }

  it('lets 4 failures through with the ordinary refusal, and the account still signs in', () => {
    for (let i = 0; i < 4; i++) expect(attempt('nobody@northwind.example', { now: at(i) })).toEqual({ ok: false, lock: null });
    expect(getSignInLock(['account:nobody@northwind.example'], at(4))).toBeNull();
    for (let i = 0; i < 4; i++) attempt('ALEX.ADMIN@northwind.example', { now: at(i), check: vi.fn(() => null) });
    expect(attempt(KNOWN, { now: at(4) })).toEqual({ ok: true, value: { email: KNOWN } });
    expect(lockAudits().total).toBe(0);
  });

  it('locks the key on the 5th failure within 15 minutes, answers with the lock, and audits it once', () => {
    for (let i = 0; i < 4; i++) attempt('nobody@northwind.example', { now: at(i * 3) });
    const fifth = attempt('nobody@northwind.example', { now: at(12) });
    expect(fifth).toEqual({ ok: false, lock: { lockedUntil: at(27).toISOString(), retryAfterMinutes: 15 } });
    expect(signInLockedMessage({ retryAfterMinutes: 15 })).toBe(LOCKED_15);

    // Further attempts are refused without being counted: the lock is not extended, nor audited again.
    const check = demoCheck();
    expect(attempt('nobody@northwind.example', { now: at(13), check })).toMatchObject({ ok: false, lock: { retryAfterMinutes: 14 } });
    expect(check).not.toHaveBeenCalled();
    expect(rows()).toEqual([{ key: 'account:nobody@northwind.example', failures: 5, firstFailureAt: T0.toISOString(), lockedUntil: at(27).toISOString() }]);
    const audits = lockAudits();
    expect(audits.total).toBe(1);
    expect(audits.rows[0]).toMatchObject({ actorEmail: 'system', targetType: 'sign_in_key', targetId: 'account:nobody@northwind.example' });
    expect(JSON.parse(audits.rows[0]!.details)).toEqual({ method: 'demo', failures: 5, windowMinutes: 15, lockedUntil: at(27).toISOString() });
  });

  it('refuses a correct attempt on a locked account with the same message an unknown account gets', () => {
    const wrong = vi.fn(() => null);
    for (let i = 0; i < 5; i++) attemptSignIn({ email: KNOWN, method: 'demo', now: at(i) }, wrong);
    for (let i = 0; i < 5; i++) attempt('nobody@northwind.example', { now: at(i) });

    const check = demoCheck();
    const known = attempt(KNOWN, { now: at(5), check });
    const unknown = attempt('nobody@northwind.example', { now: at(5), check });
    expect(check).not.toHaveBeenCalled();
    expect(known).toEqual(unknown);
    // What the sign-in page's action answers (AppError → HTTP 429 with the message).
    const refusal = (() => {
      try {
        assertSignInAllowed(signInThrottleKeys(KNOWN), at(5));
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'rate_limited', status: 429, message: 'Too many failed sign-in attempts. Try again in 14 minutes.' });
  });

  it('lifts the lock after 15 minutes (injected clock), counting down the minutes meanwhile, and counts afresh', () => {
    for (let i = 0; i < 5; i++) attempt('nobody@northwind.example', { now: at(i) });
    const keys = signInThrottleKeys('nobody@northwind.example');
    expect(getSignInLock(keys, at(10))).toEqual({ lockedUntil: at(19).toISOString(), retryAfterMinutes: 9 });
    expect(getSignInLock(keys, new Date(at(19).getTime() - 1_000))?.retryAfterMinutes).toBe(1);
    expect(signInLockedMessage({ retryAfterMinutes: 1 })).toBe('Too many failed sign-in attempts. Try again in 1 minute.');
    expect(getSignInLock(keys, at(19))).toBeNull();

    expect(attempt(KNOWN, { now: at(19) }).ok).toBe(true);
    // The first failure after the lock starts a new count: 4 more are fine, the 5th locks again.
    for (let i = 0; i < 4; i++) expect(attempt('nobody@northwind.example', { now: at(20 + i) })).toEqual({ ok: false, lock: null });
    expect(attempt('nobody@northwind.example', { now: at(24) })).toMatchObject({ ok: false, lock: { retryAfterMinutes: 15 } });
    expect(lockAudits().total).toBe(2);
  });

  it('counts failures within 15 minutes of the first only', () => {
    for (let i = 0; i < 4; i++) attempt('nobody@northwind.example', { now: at(i) });
    // 16 minutes after the first failure the window has passed: this one starts a new count.
    expect(attempt('nobody@northwind.example', { now: at(16) })).toEqual({ ok: false, lock: null });
    expect(rows()[0]).toMatchObject({ failures: 1, firstFailureAt: at(16).toISOString(), lockedUntil: null });
  });

  it('clears the account on a successful sign-in', () => {
    const wrong = vi.fn(() => null);
    for (let i = 0; i < 4; i++) attemptSignIn({ email: KNOWN, method: 'demo', now: at(i) }, wrong);
    expect(attempt(KNOWN, { now: at(4) }).ok).toBe(true);
    expect(rows()).toEqual([]);
    for (let i = 0; i < 4; i++) expect(attemptSignIn({ email: KNOWN, method: 'demo', now: at(5 + i) }, wrong)).toEqual({ ok: false, lock: null });
  });

  it('ignores X-Forwarded-For without TRUST_PROXY: the header is whatever the client sent', () => {
    const headers = xff('203.0.113.7');
    expect(clientAddress(headers)).toBeNull();
    expect(signInThrottleKeys('Nobody@Northwind.example ', headers)).toEqual(['account:nobody@northwind.example']);
    // Five different accounts from "one address": no address key, so nothing locks.
    for (let i = 0; i < 5; i++) expect(attempt(`guess${i}@northwind.example`, { now: at(i), headers })).toEqual({ ok: false, lock: null });
    expect(attempt(KNOWN, { now: at(5), headers }).ok).toBe(true);
    expect(rows().every((r) => r.key.startsWith('account:'))).toBe(true);
  });

  it('keys the first X-Forwarded-For hop with TRUST_PROXY: one address guessing many accounts is locked', () => {
    trustProxy();
    expect(signInThrottleKeys(KNOWN, xff(' 203.0.113.7 , 10.0.0.1'))).toEqual([`account:${KNOWN}`, 'ip:203.0.113.7']);
    expect(signInThrottleKeys(KNOWN, xff('2001:DB8::1'))).toEqual([`account:${KNOWN}`, 'ip:2001:db8::1']);
    // Not an address: no key rather than a key anyone can mint.
    for (const junk of ['unknown', 'evil.example', '', '203.0.113.7:8080']) expect(clientAddress(xff(junk))).toBeNull();
    expect(clientAddress(new Headers())).toBeNull();

    const headers = xff('203.0.113.7, 10.0.0.1');
    for (let i = 0; i < 4; i++) expect(attempt(`guess${i}@northwind.example`, { now: at(i), headers })).toEqual({ ok: false, lock: null });
    expect(attempt('guess4@northwind.example', { now: at(4), headers })).toMatchObject({ ok: false, lock: { retryAfterMinutes: 15 } });
    // The address is locked, even for a correct attempt; the same account from elsewhere is not.
    const check = demoCheck();
    expect(attempt(KNOWN, { now: at(5), headers, check })).toMatchObject({ ok: false, lock: { retryAfterMinutes: 14 } });
    expect(check).not.toHaveBeenCalled();
    expect(attempt(KNOWN, { now: at(5), headers: xff('198.51.100.9') }).ok).toBe(true);
    expect(lockAudits().rows.map((r) => r.targetId)).toEqual(['ip:203.0.113.7']);
  });

  it('a success clears the account key but not the address key', () => {
    trustProxy();
    const headers = xff('203.0.113.7');
    for (let i = 0; i < 4; i++) attempt(`guess${i}@northwind.example`, { now: at(i), headers });
    expect(attempt(KNOWN, { now: at(4), headers }).ok).toBe(true);
    expect(attempt('guess9@northwind.example', { now: at(5), headers })).toMatchObject({ ok: false, lock: { retryAfterMinutes: 15 } });
  });

  it('keeps keys independent: locking one account or address leaves the others alone', () => {
    trustProxy();
    const a = xff('203.0.113.1');
    const b = xff('203.0.113.2');
    for (let i = 0; i < 5; i++) {
      attempt('target-a@northwind.example', { now: at(i), headers: a });
      attempt('target-b@northwind.example', { now: at(i), headers: b });
    }
    // Interleaved failures on two accounts from two addresses: each key counted its own five.
    expect(rows().map((r) => [r.key, r.failures]).sort()).toEqual([
      ['account:target-a@northwind.example', 5],
      ['account:target-b@northwind.example', 5],
      ['ip:203.0.113.1', 5],
      ['ip:203.0.113.2', 5],
    ]);
    expect(attempt(KNOWN, { now: at(5), headers: xff('203.0.113.3') }).ok).toBe(true);
    expect(attempt('other@northwind.example', { now: at(5), headers: xff('203.0.113.3') })).toEqual({ ok: false, lock: null });
    expect(attempt(KNOWN, { now: at(5), headers: a }).ok).toBe(false);
    expect(lockAudits().total).toBe(4);
  });

  it('forgets counters whose window has passed', () => {
    recordSignInFailure(signInThrottleKeys('old@northwind.example'), { method: 'demo', now: T0 });
    recordSignInFailure(signInThrottleKeys('new@northwind.example'), { method: 'demo', now: at(20) });
    expect(rows().map((r) => r.key)).toEqual(['account:new@northwind.example']);
  });

  it('turns the code in the sign-in page URL into the message, bounded by the lock length', () => {
    expect(signInLockedMessageFromCode('locked_7')).toBe('Too many failed sign-in attempts. Try again in 7 minutes.');
    expect(signInLockedMessageFromCode('locked_99')).toBe(LOCKED_15);
    expect(signInLockedMessageFromCode('locked_0')).toBe('Too many failed sign-in attempts. Try again in 1 minute.');
    for (const code of [undefined, 'credentials', 'locked_', 'locked_1234', 'locked_3<script>']) expect(signInLockedMessageFromCode(code)).toBeNull();
  });
});
