import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertScimId, describeDeactivateUser, describeRemoveGroupMember, groupPath, removeMemberOp, userPath } from './patch-op';
import { ZPatchRequest } from './schemas';

/**
 * Property-based tests of the PatchOp builders with hostile ids: every id either becomes a request
 * whose path segment and `members[value eq "…"]` filter carry exactly that id and nothing else,
 * or is refused with a RangeError that says which id is bad.
 */

// Characters that matter in a URL path or a SCIM filter, plus ordinary id characters.
const PIECES = ['usr', 'ugp', 'A', 'z', '0', '9', '-', '_', '.', '..', '/', '\\', '?', '#', '%', '%2e', '%2F', '"', "'", '[', ']', ' ', '\t', '\n', '\r', '\0', '\u007f', '\u00a0', '\u2028', '\ufeff', '\u202e', '|', '&', '=', ';', ':', '@', '+', ',', '$', '(', ')', '*', '!', '~', 'é', '日', '😀', '\ud800', '\udc00', ' or ', 'eq', 'pr'];

const hostileId = fc.oneof(
  fc.string({ unit: fc.constantFrom(...PIECES), maxLength: 12 }),
  // Any UTF-16 code unit, lone surrogates included (JSON.parse produces them from "\ud800").
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: fc.constantFrom('a', 'B', '7', '-', '.'), minLength: 250, maxLength: 270 }),
  fc.constantFrom('', '.', '..', 'usr1"] or members[value pr', 'ugp/../Users/usr1', '%2e%2e', 'a\\..\\b', 'usr1 ', 'usrogvSbotRtzdtZW', 'auth0|123'),
);

const SAFE_SEGMENT = /^[A-Za-z0-9\-_.!~*'()%]+$/;
// Every character the deny-list in patch-op.ts names, and lone surrogates (which cannot be percent-encoded).
const MUST_REFUSE = /["\\[\]/?#%\s\p{Cc}\p{Cs}]/u;

/** The id, or the error it was refused with. */
function attempt<T>(fn: () => T): { ok: true; value: T } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

function expectSafeSegment(path: string, prefix: '/Users/' | '/Groups/', id: string): void {
  expect(path.startsWith(prefix)).toBe(true);
  const segment = path.slice(prefix.length);
  expect(segment).toMatch(SAFE_SEGMENT);
  expect(decodeURIComponent(segment)).toBe(id);
  // A URL parser resolves nothing in it: no dot segment, no backslash, no query or fragment.
  const url = new URL(`https://scim.example/scim/v2${path}`);
  expect(url.pathname).toBe(`/scim/v2${path}`);
  expect(url.search).toBe('');
  expect(url.hash).toBe('');
}

describe('assertScimId / userPath / groupPath with arbitrary ids', () => {
  it('accepts an id only when it is 1..256 characters without path or filter syntax, and refuses the rest with a RangeError naming it', () => {
    fc.assert(
      fc.property(hostileId, (id) => {
        const result = attempt(() => assertScimId(id, 'user id'));
        const acceptable = id.length >= 1 && id.length <= 256 && id !== '.' && id !== '..' && !MUST_REFUSE.test(id);
        expect(result.ok).toBe(acceptable);
        if (result.ok) {
          expect(result.value).toBe(id);
          return;
        }
        expect(result.error).toBeInstanceOf(RangeError);
        const message = (result.error as RangeError).message;
        expect(message).toMatch(/^SCIM user id /);
        if (id.length >= 1 && id.length <= 256) expect(message).toContain(JSON.stringify(id));
      }),
      { numRuns: 500 },
    );
  });

  it('puts an accepted id into /Users/{id} and /Groups/{id} as one percent-encoded segment', () => {
    fc.assert(
      fc.property(hostileId, (id) => {
        const users = attempt(() => userPath(id));
        const groups = attempt(() => groupPath(id));
        expect(users.ok).toBe(groups.ok);
        if (!users.ok || !groups.ok) {
          expect(users.ok ? null : users.error).toBeInstanceOf(RangeError);
          expect(groups.ok ? null : groups.error).toBeInstanceOf(RangeError);
          return;
        }
        expectSafeSegment(users.value, '/Users/', id);
        expectSafeSegment(groups.value, '/Groups/', id);
      }),
      { numRuns: 500 },
    );
  });
});

describe('PatchOp requests with arbitrary ids', () => {
  it('removeMemberOp: the filter is members[value eq "<id>"] with the id as its only JSON string', () => {
    fc.assert(
      fc.property(hostileId, (id) => {
        const result = attempt(() => removeMemberOp(id));
        if (!result.ok) {
          expect(result.error).toBeInstanceOf(RangeError);
          expect(() => assertScimId(id)).toThrow(RangeError);
          return;
        }
        expect(result.value.op).toBe('remove');
        const match = /^members\[value eq "((?:[^"\\]|\\.)*)"\]$/su.exec(result.value.path ?? '');
        expect(match).not.toBeNull();
        const literal = match?.[1] ?? '';
        // Nothing in the value can close the bracket or the quote: the filter has exactly one comparison.
        expect(literal).not.toMatch(/[[\]"]/);
        expect(JSON.parse(`"${literal}"`)).toBe(id);
      }),
      { numRuns: 500 },
    );
  });

  it('describeDeactivateUser / describeRemoveGroupMember: a valid PATCH to the right resource, or a RangeError', () => {
    fc.assert(
      fc.property(hostileId, hostileId, (groupId, userId) => {
        const deactivate = attempt(() => describeDeactivateUser(userId));
        const remove = attempt(() => describeRemoveGroupMember(groupId, userId));
        const userOk = attempt(() => assertScimId(userId)).ok;
        const groupOk = attempt(() => assertScimId(groupId)).ok;
        expect(deactivate.ok).toBe(userOk);
        expect(remove.ok).toBe(userOk && groupOk);
        if (!deactivate.ok) expect(deactivate.error).toBeInstanceOf(RangeError);
        if (!remove.ok) expect(remove.error).toBeInstanceOf(RangeError);
        if (deactivate.ok) {
          expect(deactivate.value.method).toBe('PATCH');
          expectSafeSegment(deactivate.value.path, '/Users/', userId);
          expect(ZPatchRequest.parse(deactivate.value.body)).toEqual({
            schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            Operations: [{ op: 'replace', path: 'active', value: false }],
          });
        }
        if (remove.ok) {
          expectSafeSegment(remove.value.path, '/Groups/', groupId);
          const body = ZPatchRequest.parse(JSON.parse(JSON.stringify(remove.value.body)));
          expect(body.Operations).toHaveLength(1);
          expect(body.Operations[0]).toEqual(removeMemberOp(userId));
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('regressions found by the properties above', () => {
  it('refuses an id holding a lone surrogate with a RangeError naming it (was: URIError "URI malformed" from encodeURIComponent)', () => {
    // JSON.parse('"usr\\ud800"') is how such an id arrives from a SCIM server.
    const id = JSON.parse('"usr\\ud800"') as string;
    expect(() => assertScimId(id, 'user id')).toThrow(new RangeError('SCIM user id contains characters not allowed in an id: "usr\\ud800"'));
    expect(() => describeDeactivateUser(id)).toThrow(RangeError);
    expect(() => describeRemoveGroupMember('ugp1', id)).toThrow(RangeError);
    expect(() => describeRemoveGroupMember(id, 'usr1')).toThrow(RangeError);
    // A surrogate pair is one well-formed character and stays allowed.
    expect(userPath('usr😀')).toBe('/Users/usr%F0%9F%98%80');
  });
});
