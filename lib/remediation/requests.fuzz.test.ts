import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REMEDIATION_KINDS } from '@/db/schema';
import { assertScimId, removeMemberOp } from '@/lib/scim';
import { ZPatchRequest } from '@/lib/scim/schemas';
import { campaignItemKey, describeRemediation, requestColumns, responseBodyText, staleUserKey, storedRequest, storedWrite, type TTarget } from './requests';

/**
 * Property-based tests of the outbox request builders: whatever ids a snapshot holds, a target
 * becomes the exact PATCH lib/scim would send (and survives the round trip through the outbox
 * columns byte for byte), or a RangeError naming the id; nothing else escapes.
 */

const PIECES = ['usr', 'ugp', 'A', '0', '-', '_', '.', '..', '/', '\\', '?', '#', '%', '"', "'", '[', ']', ' ', '\n', '\0', '\u2028', '|', '&', '=', 'é', '😀', '\ud800', '\udfff', ' or ', 'eq'];
const hostileId = fc.oneof(
  fc.string({ unit: fc.constantFrom(...PIECES), maxLength: 10 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 16 }),
  fc.stringMatching(/^(usr|ugp)[A-Za-z0-9]{14}$/),
  fc.string({ unit: fc.constantFrom('a', '1'), minLength: 255, maxLength: 258 }),
);
const target: fc.Arbitrary<TTarget> = fc.record({
  kind: fc.constantFrom(...REMEDIATION_KINDS),
  userScimId: hostileId,
  groupScimId: fc.option(hostileId, { nil: null }),
});

const isValidId = (id: string): boolean => {
  try {
    assertScimId(id);
    return true;
  } catch {
    return false;
  }
};

describe('describeRemediation / requestColumns with arbitrary targets', () => {
  it('builds the PATCH for the target, or throws a RangeError naming the bad id', () => {
    fc.assert(
      fc.property(target, (t) => {
        const needed = t.kind === 'deactivate_user' ? [t.userScimId] : [t.groupScimId, t.userScimId];
        const buildable = needed.every((id) => id !== null && isValidId(id));
        let columns: ReturnType<typeof requestColumns>;
        try {
          columns = requestColumns(t);
        } catch (error) {
          expect(buildable).toBe(false);
          expect(error).toBeInstanceOf(RangeError);
          const message = (error as RangeError).message;
          if (t.kind === 'remove_membership' && t.groupScimId === null) expect(message).toBe('A membership removal needs a group id');
          else expect(message).toMatch(/^SCIM (user|group) id (is empty|is too long|contains characters not allowed in an id: ".*")$/s);
          return;
        }
        expect(buildable).toBe(true);
        expect(columns.requestMethod).toBe('PATCH');
        const body = ZPatchRequest.parse(JSON.parse(columns.requestBody));
        if (t.kind === 'deactivate_user') {
          expect(columns.requestPath).toBe(`/Users/${encodeURIComponent(t.userScimId)}`);
          expect(body.Operations).toEqual([{ op: 'replace', path: 'active', value: false }]);
        } else {
          expect(columns.requestPath).toBe(`/Groups/${encodeURIComponent(t.groupScimId ?? '')}`);
          expect(body.Operations).toEqual([removeMemberOp(t.userScimId)]);
        }
        // Exactly one path segment after the resource type, with nothing a URL parser would resolve.
        expect(columns.requestPath).toMatch(/^\/(Users|Groups)\/[A-Za-z0-9\-_.!~*'()%]+$/);
        expect(new URL(`https://scim.example/v2${columns.requestPath}`).pathname).toBe(`/v2${columns.requestPath}`);
        // What the worker sends later is what was described now.
        expect(storedWrite(columns)).toEqual(describeRemediation(t));
        expect(storedRequest(columns)).toEqual({ method: 'PATCH', path: columns.requestPath, body: describeRemediation(t).body });
      }),
      { numRuns: 400 },
    );
  });
});

describe('outbox keys and stored text', () => {
  it('idempotency keys never collide for different targets', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 1e9 })),
        fc.tuple(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 1e9 })),
        fc.tuple(fc.integer({ min: 1, max: 1e9 }), hostileId),
        fc.tuple(fc.integer({ min: 1, max: 1e9 }), hostileId),
        ([c1, i1], [c2, i2], [b1, u1], [b2, u2]) => {
          expect(campaignItemKey(c1, i1) === campaignItemKey(c2, i2)).toBe(c1 === c2 && i1 === i2);
          expect(staleUserKey(b1, u1) === staleUserKey(b2, u2)).toBe(b1 === b2 && u1 === u2);
          expect(campaignItemKey(c1, i1)).not.toBe(staleUserKey(b1, u1));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('responseBodyText keeps a JSON answer whole up to 16,000 characters and marks the cut beyond', () => {
    const body = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.integer({ min: 15_990, max: 16_020 }).map((n) => 'é'.repeat(n)));
    fc.assert(
      fc.property(body, (value) => {
        const text = responseBodyText(value);
        if (value === null) {
          expect(text).toBeNull();
          return;
        }
        const full = typeof value === 'string' ? value : JSON.stringify(value);
        if (full.length <= 16_000) expect(text).toBe(full);
        else expect(text).toBe(`${full.slice(0, 16_000)}… [truncated: ${full.length} characters in total]`);
      }),
      { numRuns: 200 },
    );
  });
});

describe('regressions found by the properties above', () => {
  it('refuses a target whose user id holds a lone surrogate with a RangeError naming it (was: URIError "URI malformed")', () => {
    const userScimId = JSON.parse('"usr\\udfff"') as string;
    expect(() => requestColumns({ kind: 'deactivate_user', userScimId, groupScimId: null })).toThrow(
      new RangeError('SCIM user id contains characters not allowed in an id: "usr\\udfff"'),
    );
    expect(() => requestColumns({ kind: 'remove_membership', userScimId: 'usr1', groupScimId: JSON.parse('"\\ud800ugp"') as string })).toThrow(
      new RangeError('SCIM group id contains characters not allowed in an id: "\\ud800ugp"'),
    );
  });
});
