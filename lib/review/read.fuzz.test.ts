import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { DECISIONS, ITEM_KINDS, RECOMMENDATIONS } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { encodeItemCursor } from './cursor';
import {
  createCampaignDraft,
  decideItem,
  ITEM_SORTS,
  launchCampaign,
  listReviewItems,
  listReviewItemsAfter,
  SIGNAL_BIT,
  SIGNAL_KEYS,
  type TItemListQuery,
  type TReviewItemRow,
  type TViewer,
} from './index';
import { actor, addUser, ADMIN, allItems, campaignInput, seededStore, snapshotFromStore } from './testing';

/**
 * Property-based tests of the review grid's reads through the real database, with arbitrary
 * filter values, search text and cursors: the only error is AppError('invalid'), a reviewer only
 * ever sees their own queue, filters keep exactly the matching items, and the search box is a
 * literal, ASCII-case-insensitive substring search (SQLite LIKE), whatever it contains.
 */

const MANAGER = 'mgr.m@northwind.example';
const OTHER_MANAGER = 'mgr.n@northwind.example';
// Names and titles with LIKE wildcards, escapes, quotes, SQL, NUL and non-ASCII letters.
const TRICKY = ["100% O'Brien", 'snake_case Name', 'Zoë Ünïcode', 'back\\slash', 'quote"d "x"', 'nul\u0000inside', '😀 Emoji', 'ÉCOLE école', 'Straße', '[brackets]', "'); DROP TABLE review_items; --", 'percent%_both\\%'];

/** SQLite's LIKE folds ASCII letters only (https://sqlite.org/lang_expr.html#like). */
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const searched = (row: TReviewItemRow) => [row.userDisplayName, row.userEmail, row.groupName, row.title];
// LIKE reads a stored value as a C string: a name holding a NUL (possible in SCIM JSON) is searched up to it.
const contains = (row: TReviewItemRow, q: string) => searched(row).some((v) => v !== null && asciiLower(v.split('\u0000')[0] as string).includes(asciiLower(q)));

function outcome<T>(fn: () => T): { ok: true; value: T } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

function expectInvalid(error: unknown): void {
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('invalid');
}

describe('review grid reads with arbitrary filters, search text and cursors', () => {
  useTempDatabase();
  let campaignId: number;
  let everything: TReviewItemRow[];
  let mine: TReviewItemRow[];
  const viewer: TViewer = { email: MANAGER, role: 'reviewer' };
  const admin: TViewer = { email: ADMIN.email, role: 'admin' };

  beforeEach(() => {
    const store = seededStore({ users: 30, groups: 4, seed: 3 });
    const group = store.allGroupsWithMembers()[0]?.id as string;
    addUser(store, { userName: MANAGER, givenName: 'Mira', familyName: 'Manager' });
    addUser(store, { userName: OTHER_MANAGER, givenName: 'Nils', familyName: 'Manager' });
    TRICKY.forEach((name, i) => {
      // The same names in another reviewer's queue: a leak across queues would show.
      for (const [prefix, manager] of [['t', MANAGER], ['n', OTHER_MANAGER]] as const) {
        addUser(store, { userName: `${prefix}${i}.${i % 3 ? 'User' : 'user'}@northwind.example`, givenName: name, familyName: `X${i}`, title: TRICKY[(i + 5) % TRICKY.length], managerValue: manager, groups: i % 2 ? [group] : [] });
      }
    });
    const snapshotId = snapshotFromStore(store);
    campaignId = createCampaignDraft(ADMIN, campaignInput(snapshotId, { scope: { kind: 'all', includeInactive: true } })).id;
    launchCampaign(ADMIN, campaignId);
    everything = allItems(campaignId);
    mine = everything.filter((r) => r.reviewerEmail === MANAGER);
    // Some decided items, so the decision filter has something to tell apart.
    const [a, b] = mine;
    if (a) decideItem(actor(MANAGER), { campaignId, itemId: a.id, decision: 'certify', expectedVersion: a.version });
    if (b) decideItem(actor(MANAGER), { campaignId, itemId: b.id, decision: 'revoke', comment: 'not needed', expectedVersion: b.version });
    everything = allItems(campaignId);
    mine = everything.filter((r) => r.reviewerEmail === MANAGER);
    expect(mine.length).toBeGreaterThan(TRICKY.length);
    expect(everything.length).toBeGreaterThan(mine.length);
  });

  it('search text is a literal substring of a searched field, and a reviewer finds exactly the matches in their own queue', () => {
    const pieces = ['%', '_', '\\', "'", '"', '\u0000', ' ', 'o', 'O', 'Brien', 'ë', 'Ë', 'É', 'é', 'ß', 'SS', '😀', '[', ']', '--', ';', 'DROP', 'north', '@', '.', 'x1', 'User', '*', '?'];
    const fieldText = fc.constantFrom(...mine.flatMap((r) => searched(r).filter((v): v is string => v !== null)));
    const q = fc.oneof(
      fc.string({ unit: fc.constantFrom(...pieces), maxLength: 6 }),
      // A piece of a real value, in random ASCII case.
      fc.tuple(fieldText, fc.nat(), fc.nat(), fc.boolean()).map(([v, a, b, upper]) => {
        const s = [...v].slice(a % (v.length + 1), (a % (v.length + 1)) + 1 + (b % 8)).join('');
        return upper ? s.replace(/[a-z]/g, (c) => c.toUpperCase()) : s;
      }),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
      fc.constantFrom('a'.repeat(201), ` ${'b'.repeat(200)} `),
    );
    fc.assert(
      fc.property(q, (text) => {
        const result = outcome(() => listReviewItems(campaignId, viewer, { q: text, page: 1, pageSize: 500 }));
        const trimmed = text.trim();
        // zod counts code points.
        if ([...trimmed].length > 200 || trimmed.includes('\u0000')) {
          expect(result.ok).toBe(false);
          if (!result.ok) {
            expectInvalid(result.error);
            expect((result.error as AppError).fieldErrors?.q).toHaveLength(1);
          }
          return;
        }
        if (!result.ok) throw result.error;
        const expected = trimmed === '' ? mine : mine.filter((r) => contains(r, trimmed));
        expect(result.value.rows.every((r) => r.reviewerEmail === MANAGER)).toBe(true);
        expect(result.value.rows.map((r) => r.id).sort((x, y) => x - y)).toEqual(expected.map((r) => r.id).sort((x, y) => x - y));
        expect(result.value.total).toBe(expected.length);
      }),
      { numRuns: 200 },
    );
  });

  it('any filter values: AppError("invalid"), or the page of exactly the items that match every filter', () => {
    const value = <T extends string>(valid: readonly T[]) =>
      fc.option(fc.oneof(fc.constantFrom(...valid, ''), fc.constantFrom('UNDECIDED', 'Certify', ' revoke', 'null', '%', "' OR 1=1 --"), fc.string({ maxLength: 5 }), fc.array(fc.constantFrom(...valid), { minLength: 1, maxLength: 2 })), { nil: undefined });
    const departments = [...new Set(everything.map((r) => r.department).filter((d): d is string => d !== null))];
    const groups = [...new Set(everything.map((r) => r.groupScimId).filter((g): g is string => g !== null))];
    const query = fc.record(
      {
        decision: value(['undecided', ...DECISIONS]),
        kind: value(ITEM_KINDS),
        signal: value(SIGNAL_KEYS),
        recommendation: value(RECOMMENDATIONS),
        department: value(departments.length > 0 ? departments : ['Engineering']),
        groupScimId: value(groups.length > 0 ? groups : ['ugp1']),
        reviewer: value([MANAGER, MANAGER.toUpperCase(), ` ${OTHER_MANAGER} `, 'fallback@northwind.example', 'not-an-email']),
        sort: value(ITEM_SORTS),
        dir: value(['asc', 'desc']),
        page: fc.option(fc.oneof(fc.integer({ min: -1, max: 4 }), fc.constantFrom('1', ' 2 ', '0', '1.5', 'x', '', '1e6', '1000001')), { nil: undefined }),
        pageSize: fc.option(fc.oneof(fc.integer({ min: 0, max: 600 }), fc.constantFrom('7', '500', '501', 'all', '')), { nil: undefined }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(query, fc.boolean(), (input, asReviewer) => {
        const who = asReviewer ? viewer : admin;
        const result = outcome(() => listReviewItems(campaignId, who, input as TItemListQuery));
        if (!result.ok) {
          expectInvalid(result.error);
          return;
        }
        const { rows, total } = result.value;
        const str = (v: unknown) => (typeof v === 'string' ? v.trim() : undefined);
        const reviewerFilter = asReviewer ? MANAGER : str(input.reviewer)?.toLowerCase() || undefined;
        const decision = str(input.decision);
        const matching = everything.filter(
          (r) =>
            (!reviewerFilter || r.reviewerEmail === reviewerFilter) &&
            (!decision || (decision === 'undecided' ? r.decision === null : r.decision === decision)) &&
            (!input.kind || r.kind === input.kind) &&
            (!input.signal || (r.signals & SIGNAL_BIT[input.signal as keyof typeof SIGNAL_BIT]) !== 0) &&
            (!input.recommendation || r.recommendation === input.recommendation) &&
            (!str(input.department) || r.department === str(input.department)) &&
            (!str(input.groupScimId) || r.groupScimId === str(input.groupScimId)),
        );
        expect(total).toBe(matching.length);
        const ids = new Set(matching.map((r) => r.id));
        expect(rows.every((r) => ids.has(r.id))).toBe(true);
        if (asReviewer) expect(rows.every((r) => r.reviewerEmail === MANAGER)).toBe(true);
        const page = str(String(input.page ?? '')) ? Number(str(String(input.page))) : 1;
        const pageSize = str(String(input.pageSize ?? '')) ? Number(str(String(input.pageSize))) : 100;
        expect(rows.length).toBe(Math.max(0, Math.min(pageSize, matching.length - (page - 1) * pageSize)));
      }),
      { numRuns: 200 },
    );
  });

  it('any cursor: AppError("invalid"), or rows of the reviewer’s own queue only', () => {
    const valid = listReviewItems(campaignId, viewer, { sort: 'user', page: 1, pageSize: 5 }).nextCursor as string;
    const keyValue = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.double({ noNaN: true }), fc.constant(null), fc.constant('x'.repeat(1001)));
    const body = fc.record({ s: fc.oneof(fc.constantFrom(...ITEM_SORTS), fc.string({ maxLength: 4 })), d: fc.oneof(fc.constantFrom('asc', 'desc'), fc.string({ maxLength: 4 })), k: fc.array(keyValue, { maxLength: 5 }) }, { requiredKeys: [] });
    const cursor = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url')),
      body.map((b) => Buffer.from(JSON.stringify(b), 'utf8').toString('base64url')),
      // A valid cursor with characters changed, dropped or added.
      fc.tuple(fc.nat(), fc.constantFrom('', 'A', '_', '-', '=', '%', '/', '+')).map(([at, c]) => valid.slice(0, at % valid.length) + c + valid.slice((at % valid.length) + 1)),
      fc.constantFrom(Buffer.from('{"s":"user","d":"asc","k":["a",1e999]}').toString('base64url'), Buffer.from('{"s":"user","d":"asc","k":[null,-1]}').toString('base64url'), valid),
    );
    const query = fc.record({ sort: fc.constantFrom(...ITEM_SORTS), dir: fc.constantFrom<'asc' | 'desc'>('asc', 'desc'), pageSize: fc.integer({ min: 1, max: 40 }), q: fc.constantFrom(undefined, 'o', '%') });
    const ownIds = new Set(mine.map((r) => r.id));
    fc.assert(
      fc.property(cursor, query, (after, q) => {
        const result = outcome(() => listReviewItemsAfter(campaignId, viewer, { ...q, after }));
        if (!result.ok) {
          expectInvalid(result.error);
          const { message, fieldErrors } = result.error as AppError;
          if (after.trim().length > 2_000) expect(fieldErrors?.after).toHaveLength(1);
          else expect(message).toMatch(/^The (list position is not valid|sort changed since this list was loaded)\. Reload the list\.$/);
          return;
        }
        expect(result.value.rows.length).toBeLessThanOrEqual(q.pageSize);
        expect(result.value.rows.every((r) => r.reviewerEmail === MANAGER && ownIds.has(r.id))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('a cursor for the email sort continues exactly after its key, in the list’s order', () => {
    const order = {
      asc: listReviewItems(campaignId, viewer, { sort: 'email', dir: 'asc', page: 1, pageSize: 500 }).rows,
      desc: listReviewItems(campaignId, viewer, { sort: 'email', dir: 'desc', page: 1, pageSize: 500 }).rows,
    };
    // SQLite compares TEXT with memcmp on UTF-8 (BINARY collation); NULL sorts first ascending.
    const cmp = (a: string | null, id: number, k0: string | null, k1: number): number => {
      if (a === null || k0 === null) return a === k0 ? Math.sign(id - k1) : a === null ? -1 : 1;
      return Buffer.compare(Buffer.from(a), Buffer.from(k0)) || Math.sign(id - k1);
    };
    const emails = mine.map((r) => r.userEmail);
    const k0 = fc.oneof(fc.constantFrom(...emails), fc.constant(null), fc.string({ maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 4 }), fc.constantFrom(...emails).map((e) => `${e}\u0000`));
    const k1 = fc.oneof(fc.constantFrom(...mine.map((r) => r.id)), fc.integer({ min: -5, max: 2 ** 31 }));
    fc.assert(
      fc.property(fc.constantFrom<'asc' | 'desc'>('asc', 'desc'), k0, k1, fc.integer({ min: 1, max: 30 }), (dir, key0, key1, pageSize) => {
        const after = encodeItemCursor('email', dir, [key0, key1]);
        const { rows } = listReviewItemsAfter(campaignId, viewer, { sort: 'email', dir, pageSize, after });
        const expected = order[dir].filter((r) => (dir === 'asc' ? cmp(r.userEmail, r.id, key0, key1) > 0 : cmp(r.userEmail, r.id, key0, key1) < 0 && key0 !== null));
        expect(rows.map((r) => r.id)).toEqual(expected.slice(0, pageSize).map((r) => r.id));
      }),
      { numRuns: 200 },
    );
  });
});

describe('regressions found by the properties above', () => {
  useTempDatabase();

  it('refuses search text holding a NUL (was: LIKE cut the pattern at the NUL and "\\0" matched every item)', () => {
    const snapshotId = snapshotFromStore(seededStore({ users: 20, groups: 2, seed: 5 }));
    const campaignId = createCampaignDraft(ADMIN, campaignInput(snapshotId)).id;
    launchCampaign(ADMIN, campaignId);
    for (const q of ['\u0000', 'zzz\u0000', '\u0000zzz']) {
      const error = outcome(() => listReviewItems(campaignId, { email: ADMIN.email, role: 'admin' }, { q, page: 1, pageSize: 10 }));
      expect(error.ok).toBe(false);
      if (!error.ok) {
        expectInvalid(error.error);
        expect((error.error as AppError).fieldErrors).toEqual({ q: ['the search text cannot contain a NUL character'] });
      }
    }
    expect(listReviewItems(campaignId, { email: ADMIN.email, role: 'admin' }, { q: 'zzz', page: 1, pageSize: 10 }).total).toBe(0);
  });
});
