import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { decodeItemCursor, encodeItemCursor } from './cursor';
import { ITEM_SORTS } from './schemas';

/**
 * Property-based tests of the grid cursor, which comes back from the browser as untrusted input:
 * any string decodes to a key of the expected shape for the sort in use, or is refused with
 * AppError('invalid'); a cursor the server made always decodes back to its key.
 */

const dir = fc.constantFrom<'asc' | 'desc'>('asc', 'desc');
const sort = fc.constantFrom(...ITEM_SORTS);
// JSON turns -0 into 0; a key never holds -0 (SQLite has no negative zero).
const keyValue = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 6 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n)), fc.constant(null));
const validKey = fc.integer({ min: 2, max: 4 }).chain((n) => fc.tuple(fc.array(keyValue, { minLength: n - 1, maxLength: n - 1 }), fc.integer({ min: 1 })).map(([head, id]) => [...head, id]));

const body = fc.record(
  {
    s: fc.oneof(sort, fc.string({ maxLength: 45 }), fc.integer()),
    d: fc.oneof(dir, fc.constantFrom('ASC', '', 'up'), fc.integer()),
    k: fc.oneof(fc.array(fc.oneof(keyValue, fc.constant('x'.repeat(1_001)), fc.array(fc.integer(), { maxLength: 1 }), fc.boolean()), { maxLength: 5 }), fc.string({ maxLength: 4 }), fc.constant(null)),
    extra: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);
const cursor = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: fc.constantFrom('e', 'y', 'J', 'z', 'I', '6', '-', '_', '=', '+', '/', '.'), maxLength: 60 }),
  body.map((b) => Buffer.from(JSON.stringify(b), 'utf8').toString('base64url')),
  fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url')),
  fc.tuple(fc.constantFrom('{"s":"user","d":"asc","k":["a",1e999]}', '{"s":"user","d":"asc","k":["a",-1e-400]}', '{"s":"user","d":"asc","k":["a",1]', '{"s":"user","d":"asc","k":[null,1],"s":"email"}'), fc.boolean()).map(([json, padded]) => Buffer.from(json, 'utf8').toString(padded ? 'base64' : 'base64url')),
);

describe('decodeItemCursor with arbitrary cursors', () => {
  it('returns a key of the sort’s length ending in a number, or refuses with AppError("invalid")', () => {
    fc.assert(
      fc.property(cursor, sort, dir, fc.integer({ min: 2, max: 4 }), (text, s, d, length) => {
        let key: unknown[];
        try {
          key = decodeItemCursor(text, s, d, length);
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
          expect((error as AppError).code).toBe('invalid');
          expect((error as AppError).message).toMatch(/^The (list position is not valid|sort changed since this list was loaded)\. Reload the list\.$/);
          return;
        }
        expect(key).toHaveLength(length);
        expect(typeof key[length - 1]).toBe('number');
        for (const v of key) expect(v === null || typeof v === 'number' || (typeof v === 'string' && v.length <= 1_000)).toBe(true);
        // It was made for this sort and direction.
        const decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { s: string; d: string };
        expect([decoded.s, decoded.d]).toEqual([s, d]);
      }),
      { numRuns: 500 },
    );
  });

  it('decodes what encodeItemCursor made, and refuses it for another sort or direction', () => {
    fc.assert(
      fc.property(sort, dir, validKey, sort, dir, (s, d, key, otherSort, otherDir) => {
        const text = encodeItemCursor(s, d, key);
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
        const long = key.some((v) => typeof v === 'string' && v.length > 1_000);
        if (long) {
          expect(() => decodeItemCursor(text, s, d, key.length)).toThrow(AppError);
          return;
        }
        expect(decodeItemCursor(text, s, d, key.length)).toEqual(key);
        if (otherSort !== s || otherDir !== d) {
          expect(() => decodeItemCursor(text, otherSort, otherDir, key.length)).toThrow(/sort changed/);
        }
        const wrongLength = key.length === 4 ? 3 : key.length + 1;
        expect(() => decodeItemCursor(text, s, d, wrongLength)).toThrow(/not valid/);
      }),
      { numRuns: 300 },
    );
  });
});
