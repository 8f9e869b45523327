import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REMEDIATION_STATUSES } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { getRemediationAction, getRemediationRun, listRemediationActions, ZActionListQuery, type TActionListQuery } from './read';

/**
 * Property-based tests of the outbox list query with arbitrary URL-ish input, through the real
 * database: the only refusal is AppError('invalid') naming the problem, and an accepted query
 * pages within its bounds (any page number, however far, is an empty page rather than an error).
 */

const junk = fc.oneof(fc.string({ maxLength: 6 }), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 2 }), fc.nat(), { maxKeys: 1 }));
const whole = fc.oneof(fc.integer({ min: -2, max: 600 }), fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1e300, 2 ** 31, 2 ** 62), fc.constantFrom('3', ' 4 ', '0', '1.5', '1e3', '', '0x1f', 'Infinity', '9007199254740991'));
const query = fc.record(
  {
    status: fc.oneof(fc.constantFrom(...REMEDIATION_STATUSES), fc.constantFrom('', 'FAILED', 'done'), junk),
    page: fc.oneof(whole, junk),
    pageSize: fc.oneof(whole, junk),
  },
  { requiredKeys: [] },
);

describe('ZActionListQuery / listRemediationActions with arbitrary input', () => {
  useTempDatabase();

  it('accepts only a known status, a whole page ≥ 1 and a page size of 1..500, and lists without error', () => {
    fc.assert(
      fc.property(query, fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }), (input, campaignId) => {
        const parsed = ZActionListQuery.safeParse(input);
        // The coercion rule of each number, spelled out: Number(value) must be a safe whole number in range.
        const coerced = (v: unknown, fallback: number) => {
          if (v === undefined) return fallback;
          try {
            return Number(v);
          } catch {
            // An object without a prototype has no valueOf: not a number.
            return Number.NaN;
          }
        };
        const page = coerced(input.page, 1);
        const pageSize = coerced(input.pageSize, 50);
        const statusOk = input.status === undefined || (REMEDIATION_STATUSES as readonly unknown[]).includes(input.status);
        const expectedOk = statusOk && Number.isSafeInteger(page) && page >= 1 && Number.isSafeInteger(pageSize) && pageSize >= 1 && pageSize <= 500;
        expect(parsed.success).toBe(expectedOk);

        let result: ReturnType<typeof listRemediationActions> | null = null;
        let error: unknown = null;
        try {
          result = listRemediationActions(campaignId, input as TActionListQuery);
        } catch (e) {
          error = e;
        }
        if (!parsed.success) {
          expect(error).toBeInstanceOf(AppError);
          expect(error).toMatchObject({ code: 'invalid' });
          expect((error as AppError).message).toMatch(/^Invalid list query: .+\.$/);
          return;
        }
        expect(error).toBeNull();
        expect(result).toEqual({ rows: [], total: 0, page, pageSize });
      }),
      { numRuns: 300 },
    );
  });

  it('looks up any id without error: null for anything that is not an existing row', () => {
    const id = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, Number.MAX_SAFE_INTEGER, 2 ** 63, Number.NaN, Number.POSITIVE_INFINITY));
    fc.assert(
      fc.property(id, (n) => {
        expect(getRemediationAction(n)).toBeNull();
        expect(getRemediationRun(n)).toBeNull();
      }),
      { numRuns: 200 },
    );
  });
});
