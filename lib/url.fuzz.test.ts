import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hrefWith, nextSort, queryPage, queryText } from './url';

/**
 * Property-based tests of the URL helpers with arbitrary parameters: links keep exactly the
 * intended query (whatever the keys and values contain), and URL parsing never throws and always
 * lands inside its bounds: people edit URLs.
 */

// zod counts a string's length in code points (an emoji is one character).
const length = (s: string) => [...s].length;
const KEYS = ['q', 'page', 'sort', 'dir', 'department', 'a&b', 'x=y', '#h', 'sp ace', '+', '%', 'é', ''];
const key = fc.oneof(fc.constantFrom(...KEYS), fc.string({ unit: 'grapheme', maxLength: 5 }));
const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.constantFrom('', '1', 'a&b=c', '?x#y', '%20', '+ +', '\u0000', 'é😀'));
const current = fc.dictionary(key, fc.option(text, { nil: undefined }), { maxKeys: 5, noNullPrototype: true });
const changes = fc.dictionary(key, fc.oneof(text, fc.integer({ min: -2, max: 5 }), fc.double({ noNaN: true }), fc.constant(null), fc.constant(undefined)), { maxKeys: 4, noNullPrototype: true });

describe('hrefWith with arbitrary parameters', () => {
  it('keeps the current filters, applies the changes, and drops the page unless it is what changed', () => {
    fc.assert(
      fc.property(fc.constantFrom('/campaigns/7/items', '/stale', '/s/1'), current, changes, (path, now, change) => {
        const href = hrefWith(path, now, change);
        // The oracle, spelled out from the doc comment.
        const expected = new Map<string, string>();
        for (const [k, v] of Object.entries(now)) if (v) expected.set(k, v);
        if (!('page' in change)) expected.delete('page');
        for (const [k, v] of Object.entries(change)) {
          if (v === null || v === undefined || v === '' || (k === 'page' && v === 1)) expected.delete(k);
          else expected.set(k, String(v));
        }
        if (expected.size === 0) {
          expect(href).toBe(path);
          return;
        }
        expect(href.startsWith(`${path}?`)).toBe(true);
        const query = href.slice(path.length + 1);
        // Nothing in a key or value can start a fragment or break out of the query.
        expect(query).not.toMatch(/[#\s]/);
        const params = new URLSearchParams(query);
        expect([...params.keys()].length).toBe(expected.size);
        expect(new Map(params)).toEqual(expected);
        expect(new URL(href, 'https://attest.example').pathname).toBe(path);
      }),
      { numRuns: 400 },
    );
  });

  it('nextSort flips only the same column and always yields a valid direction', () => {
    fc.assert(
      fc.property(fc.option(text, { nil: undefined }), fc.option(fc.oneof(text, fc.constantFrom('asc', 'desc')), { nil: undefined }), text, (sort, dir, column) => {
        const next = nextSort(sort, dir, column);
        expect(next.sort).toBe(column);
        expect(next.dir).toBe(sort === column && dir === 'asc' ? 'desc' : 'asc');
      }),
      { numRuns: 200 },
    );
  });
});

describe('URL parameter parsing with arbitrary values', () => {
  it('queryText never fails: no filter, or trimmed text of 1..max characters without a NUL', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.oneof(fc.anything({ maxDepth: 1 }), text, fc.array(text, { maxLength: 2 }), fc.string({ maxLength: 40 })), (max, value) => {
        const parsed = queryText(max).safeParse(value);
        expect(parsed.success).toBe(true);
        const out = parsed.data;
        if (out === undefined) {
          const usable = typeof value === 'string' && value.trim() !== '' && length(value.trim()) <= max && !value.includes('\u0000');
          expect(usable).toBe(false);
          return;
        }
        expect(typeof value).toBe('string');
        expect(out).toBe((value as string).trim());
        expect(length(out)).toBeGreaterThanOrEqual(1);
        expect(length(out)).toBeLessThanOrEqual(max);
        expect(out).not.toContain('\u0000');
      }),
      { numRuns: 400 },
    );
  });

  it('queryPage never fails and is always a page between 1 and 1,000,000', () => {
    const page = fc.oneof(fc.anything({ maxDepth: 1 }), fc.constantFrom('7', ' 8 ', '0', '-1', '1.5', '1e3', '1e7', '0x10', 'Infinity', '', '1000000', '1000001'), fc.integer(), fc.double());
    fc.assert(
      fc.property(page, (value) => {
        const parsed = queryPage.safeParse(value);
        expect(parsed.success).toBe(true);
        const n = parsed.data as number;
        expect(Number.isInteger(n) && n >= 1 && n <= 1_000_000).toBe(true);
        // A number in range is kept as it is; anything else is page 1.
        const asNumber = typeof value === 'string' || typeof value === 'number' ? Number(value) : Number.NaN;
        if (Number.isInteger(asNumber) && asNumber >= 1 && asNumber <= 1_000_000) expect(n).toBe(asNumber);
        else expect(n).toBe(1);
      }),
      { numRuns: 400 },
    );
  });
});

describe('regressions found by the review and stale search properties', () => {
  it('treats a NUL in a free-text parameter as no filter (was: passed on to LIKE searches, where it matched everything)', () => {
    expect(queryText(200).parse('\u0000')).toBeUndefined();
    expect(queryText(200).parse('ann\u0000')).toBeUndefined();
    expect(queryText(200).parse(new URLSearchParams('q=%00').get('q'))).toBeUndefined();
    expect(queryText(200).parse(' ann ')).toBe('ann');
  });
});
