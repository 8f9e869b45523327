import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { listStaleAccounts, MAX_STALE_PAGE_SIZE, STALE_RULE_FILTERS, ZStaleQuery, type TStaleAccount, type TStaleQuery } from './read';
import { addUser, csv, importCsv, seededStore, snapshotFromStore } from './testing';

/**
 * Property-based tests of the stale-accounts query: arbitrary URL-ish input either parses to a
 * query within its documented bounds or is refused (AppError 'invalid' from listStaleAccounts),
 * and the search box is a literal, ASCII-case-insensitive substring search whatever it holds.
 */

function outcome<T>(fn: () => T): { ok: true; value: T } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

const junk = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }));
const text = fc.oneof(fc.string({ unit: fc.constantFrom('a', ' ', '\t', '%', '_', '\\', "'", 'É', '\u00a0', '\u0000', '😀'), maxLength: 8 }), fc.constantFrom('', '   ', 'Engineering', ' Sales '), fc.integer({ min: 195, max: 205 }).map((n) => 'd'.repeat(n)));
const query = fc.record(
  {
    rule: fc.oneof(fc.constantFrom(...STALE_RULE_FILTERS), fc.constantFrom('', 'INACTIVE', 'reclaim ', 'all'), junk),
    department: fc.oneof(text, fc.constant(null), junk),
    q: fc.oneof(text, junk),
    page: fc.oneof(fc.integer({ min: -2, max: 1_000_002 }), fc.constantFrom(1, 2, 1_000_000, 1.5, Number.NaN, Number.POSITIVE_INFINITY), junk),
    pageSize: fc.oneof(fc.integer({ min: -1, max: 205 }), fc.constantFrom(1, 50, 200, 201), junk),
  },
  { requiredKeys: [] },
);

/** Whether a field value is acceptable, and what it becomes (the documented rules, spelled out). */
const ok = (valid: boolean, value?: unknown) => ({ valid, value });
const expectRule = (v: unknown) => (v === undefined ? ok(true) : ok((STALE_RULE_FILTERS as readonly unknown[]).includes(v), v));
// zod counts a string's length in code points.
const length = (s: string) => [...s.trim()].length;
const expectDepartment = (v: unknown) => (v === undefined || v === null ? ok(true, v) : typeof v === 'string' ? ok(length(v) >= 1 && length(v) <= 200, v.trim()) : ok(false));
const expectQ = (v: unknown) => (v === undefined ? ok(true) : typeof v === 'string' ? ok(length(v) <= 200, v.trim() || undefined) : ok(false));
const expectWhole = (v: unknown, fallback: number, max: number) =>
  v === undefined ? ok(true, fallback) : ok(typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max, v);

describe('ZStaleQuery with arbitrary input', () => {
  it('never throws; accepts exactly the documented values and keeps them within bounds', () => {
    fc.assert(
      fc.property(query, (input) => {
        const result = ZStaleQuery.safeParse(input);
        const fields = {
          rule: expectRule(input.rule),
          department: expectDepartment(input.department),
          q: expectQ(input.q),
          page: expectWhole(input.page, 1, 1_000_000),
          pageSize: expectWhole(input.pageSize, 50, MAX_STALE_PAGE_SIZE),
        };
        // A NUL in the search text is refused (see the regression below).
        const nul = typeof input.q === 'string' && input.q.includes('\u0000');
        expect(result.success).toBe(Object.values(fields).every((f) => f.valid) && !nul);
        if (!result.success) {
          const bad = new Set(result.error.issues.map((i) => String(i.path[0])));
          for (const [key, f] of Object.entries(fields)) if (!f.valid) expect(bad.has(key), key).toBe(true);
          return;
        }
        expect(result.data).toEqual({ rule: fields.rule.value, department: fields.department.value, q: fields.q.value, page: fields.page.value, pageSize: fields.pageSize.value });
      }),
      { numRuns: 400 },
    );
  });

  it('listStaleAccounts refuses what the schema refuses with AppError("invalid") naming the fields, and echoes the paging it accepts', () => {
    fc.assert(
      fc.property(query, (input) => {
        const parsed = ZStaleQuery.safeParse(input);
        const result = outcome(() => listStaleAccounts(input as TStaleQuery));
        expect(result.ok).toBe(parsed.success);
        if (!result.ok) {
          expect(result.error).toBeInstanceOf(AppError);
          const error = result.error as AppError;
          expect(error.code).toBe('invalid');
          expect(Object.keys(error.fieldErrors ?? {}).length).toBeGreaterThan(0);
          for (const key of Object.keys(error.fieldErrors ?? {})) expect(error.message).toContain(key);
          return;
        }
        // No snapshot yet: an empty page, with the paging as parsed.
        if (parsed.success) expect(result.value).toEqual({ rows: [], total: 0, page: parsed.data.page, pageSize: parsed.data.pageSize, basis: null });
      }),
      { numRuns: 200 },
    );
  });
});

describe('stale-account search with arbitrary text', () => {
  useTempDatabase();
  let flagged: TStaleAccount[];
  const TRICKY = ["100% O'Brien", 'snake_case', 'back\\slash', 'Zoë École', '😀 Emoji', 'quote"d'];

  beforeEach(async () => {
    const store = seededStore({ users: 20, groups: 2, seed: 11 });
    TRICKY.forEach((name, i) => addUser(store, { userName: `odd${i}.${i % 2 ? 'X' : 'x'}@northwind.example`, givenName: name, familyName: `Q${i}` }));
    await snapshotFromStore(store);
    // A roster with one person: every other active account is flagged "not in HR".
    importCsv('hr', csv(['email', 'status'], [[store.allUsers()[0]?.userName ?? 'x@northwind.example', 'active']]));
    flagged = listStaleAccounts({ page: 1, pageSize: MAX_STALE_PAGE_SIZE }).rows;
    expect(flagged.length).toBeGreaterThan(TRICKY.length);
  });

  it('finds exactly the flagged accounts whose email, name or user name contains the text (ASCII case-insensitively)', () => {
    const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
    const values = flagged.flatMap((a) => [a.email, a.name, a.userName]);
    const q = fc.oneof(
      fc.string({ unit: fc.constantFrom('%', '_', '\\', "'", '"', '\u0000', ' ', 'o', 'O', 'É', 'é', '😀', 'x', '.', '@'), maxLength: 5 }),
      fc.tuple(fc.constantFrom(...values), fc.nat(), fc.nat({ max: 8 }), fc.boolean()).map(([v, a, n, upper]) => {
        const s = [...v].slice(a % (v.length + 1), (a % (v.length + 1)) + 1 + n).join('');
        return upper ? s.toUpperCase() : s;
      }),
    );
    fc.assert(
      fc.property(q, (text) => {
        const result = outcome(() => listStaleAccounts({ q: text, page: 1, pageSize: MAX_STALE_PAGE_SIZE }));
        const trimmed = text.trim();
        if (trimmed.includes('\u0000')) {
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.error).toMatchObject({ code: 'invalid', fieldErrors: { q: ['the search text cannot contain a NUL character'] } });
          return;
        }
        if (!result.ok) throw result.error;
        const expected = trimmed === '' ? flagged : flagged.filter((a) => [a.email, a.name, a.userName].some((v) => asciiLower(v).includes(asciiLower(trimmed))));
        expect(result.value.rows.map((a) => a.scimId).sort()).toEqual(expected.map((a) => a.scimId).sort());
        expect(result.value.total).toBe(expected.length);
      }),
      { numRuns: 150 },
    );
  });
});

describe('regressions found by the properties above', () => {
  useTempDatabase();

  it('refuses search text holding a NUL (was: LIKE cut the pattern at the NUL and "\\0" matched every flagged account)', async () => {
    const store = seededStore({ users: 10, groups: 1, seed: 2 });
    await snapshotFromStore(store);
    importCsv('hr', csv(['email', 'status'], [[store.allUsers()[0]?.userName ?? '', 'active']]));
    expect(listStaleAccounts({ page: 1 }).total).toBeGreaterThan(0);
    for (const q of ['\u0000', 'zzz\u0000', '\u0000zzz']) {
      const result = outcome(() => listStaleAccounts({ q, page: 1 }));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatchObject({ code: 'invalid', fieldErrors: { q: ['the search text cannot contain a NUL character'] } });
    }
    expect(listStaleAccounts({ q: 'zzz', page: 1 }).total).toBe(0);
  });
});
