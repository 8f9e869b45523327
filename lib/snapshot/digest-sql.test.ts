import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { sqlJsonQuote } from './queries';

// The digest pass lets SQLite render membership records (json_quote); the definition says
// JSON.stringify. They must agree on every text SQLite can store (valid UTF-8).
describe('SQLite json_quote renders strings exactly like JSON.stringify', () => {
  useTempDatabase();

  it('for quotes, backslashes, control characters, U+2028, astral characters', () => {
    for (const s of ['a"b', 'a\\b', '\u0000\u0001\u001f\u007f', '\b\f\n\r\t', '\u2028\u2029', 'é😀', '</script>', "'", '']) {
      expect(sqlJsonQuote(s)).toBe(JSON.stringify(s));
    }
  });

  it('for any well-formed string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary-ascii' }), (a, b) => {
        expect(sqlJsonQuote(a)).toBe(JSON.stringify(a));
        expect(sqlJsonQuote(b)).toBe(JSON.stringify(b));
      }),
      { numRuns: 2000 },
    );
  });
});
