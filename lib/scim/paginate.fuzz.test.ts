import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScimError } from './errors';
import { paginate, type TFetchedPage, type TScimPage } from './paginate';

/**
 * Property-based test of index paging against a server that answers anything: short pages,
 * repeated ids, wrong or missing totalResults, pages that ignore startIndex. Paging must end,
 * yield each id once, advance startIndex by what was received (RFC 7644 §3.4.2.4), and stop with
 * a 'protocol' ScimError only when a page brings nothing new.
 */

type R = { id: string };

const page: fc.Arbitrary<TFetchedPage<R>> = fc.record({
  totalResults: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }),
  resources: fc.array(fc.integer({ min: 0, max: 15 }).map((n) => ({ id: `r${n}` })), { maxLength: 8 }),
});

describe('paginate against arbitrary page sequences', () => {
  it('ends, yields every id once, advances by what was received, and fails only on a page of repeats', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(page, { maxLength: 8 }), fc.integer({ min: 1, max: 100 }), async (pages, pageSize) => {
        const calls: Array<{ startIndex: number; count: number }> = [];
        const fetchPage = async (startIndex: number, count: number): Promise<TFetchedPage<R>> => {
          const answer = pages[calls.length] ?? { totalResults: null, resources: [] };
          calls.push({ startIndex, count });
          return answer;
        };
        const reported: ScimError[] = [];
        const yielded: Array<TScimPage<R>> = [];
        let failure: unknown = null;
        try {
          for await (const p of paginate({ fetchPage, pageSize, path: '/Users', onProtocolError: (e) => reported.push(e) })) yielded.push(p);
        } catch (error) {
          failure = error;
        }

        expect(calls.length).toBeLessThanOrEqual(pages.length + 1);
        expect(calls.every((c) => c.count === pageSize)).toBe(true);
        // startIndex is 1-based and advances by the resources received, duplicates included.
        let expectedStart = 1;
        const seen = new Set<string>();
        yielded.forEach((p, i) => {
          const fetched = pages[i] as TFetchedPage<R>;
          expect(calls[i]?.startIndex).toBe(expectedStart);
          expect(p.startIndex).toBe(expectedStart);
          expect(p.received).toBe(fetched.resources.length);
          expect(p.totalResults).toBe(fetched.totalResults);
          expect(p.resources.length).toBeGreaterThan(0);
          // The fresh ids of the page, in server order.
          const fresh = fetched.resources.filter((r, j) => !seen.has(r.id) && fetched.resources.findIndex((s) => s.id === r.id) === j);
          expect(p.resources).toEqual(fresh);
          for (const r of p.resources) seen.add(r.id);
          expectedStart += p.received;
        });
        expect(calls.length).toBeGreaterThanOrEqual(yielded.length);

        const last = pages[calls.length - 1] ?? { totalResults: null, resources: [] };
        if (failure !== null) {
          expect(failure).toBeInstanceOf(ScimError);
          expect(failure).toMatchObject({ kind: 'protocol', method: 'GET', path: '/Users', isTransient: false });
          expect((failure as ScimError).message).toContain(`startIndex=${expectedStart}`);
          expect(reported).toEqual([failure]);
          // Only a non-empty page made entirely of ids already yielded.
          expect(last.resources.length).toBeGreaterThan(0);
          expect(last.resources.every((r) => seen.has(r.id))).toBe(true);
          expect(calls.length).toBe(yielded.length + 1);
          return;
        }
        expect(reported).toEqual([]);
        // A normal end: an empty page, or startIndex past totalResults after the last page yielded.
        const endedOnEmpty = calls.length === yielded.length + 1 && last.resources.length === 0;
        const endedOnTotal = calls.length === yielded.length && last.totalResults !== null && expectedStart > last.totalResults;
        expect(endedOnEmpty || endedOnTotal).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
