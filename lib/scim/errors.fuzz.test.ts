import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorFromResponse, isGroupNotFound, isNoTarget, isUserNotFound, kindForStatus, ScimError, type TScimMethod } from './errors';
import { parseErrorBody } from './schemas';

/**
 * Property-based tests of error classification: any status, any error body (run through
 * `parseErrorBody` exactly as the requester does) and any path becomes one ScimError whose kind
 * follows the status table, with the single documented exception (Airtable's 400 "invalid group
 * ID" on /Groups/{id} → not_found), and whose text never carries the token.
 */

const METHODS: TScimMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const WORDS = ['invalid', 'unknown', 'not found', 'does not exist', 'no such', 'group', 'Group', 'ID', 'id', 'identifier', 'member', 'user', 'User', 'PatchOp', 'path', ' ', ' ', ':', '"'];
const detail = fc.oneof(
  fc.array(fc.constantFrom(...WORDS), { maxLength: 8 }).map((w) => w.join('')),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('invalid group ID', 'Group id unknown', 'invalid user ID in members', 'Member ID invalid for group'),
);
const errorJson = fc.oneof(
  fc.record({ schemas: fc.constant(['urn:ietf:params:scim:api:messages:2.0:Error']), status: fc.oneof(fc.integer({ min: 100, max: 599 }), fc.integer({ min: 100, max: 599 }).map(String)), scimType: fc.option(fc.constantFrom('noTarget', 'NOTARGET', 'invalidValue', 'uniqueness', 'invalidFilter')), detail: fc.option(detail) }, { requiredKeys: [] }),
  fc.jsonValue({ maxDepth: 2 }),
);
const path = fc.oneof(
  fc.constantFrom('/Users', '/Groups', '/Users/usr1', '/Groups/ugp1', '/Groups/ugp1/x', '/Groups/ugp1?x=1', '/Groups/', '/Users/usr%7C1'),
  fc.tuple(fc.constantFrom('/Users/', '/Groups/', '/Groupsx/', ''), fc.string({ unit: fc.constantFrom('a', '1', '/', '?', '#', '%', ' '), maxLength: 8 })).map(([a, b]) => a + b),
);
const status = fc.oneof(fc.integer({ min: 100, max: 599 }), fc.constantFrom(400, 401, 403, 404, 409, 429, 500, 503));
// Airtable personal access tokens: `pat` + 14 alphanumerics + `.` + 64 hex digits.
const token = fc.tuple(fc.stringMatching(/^[A-Za-z0-9]{14}$/), fc.stringMatching(/^[a-f0-9]{64}$/)).map(([a, b]) => `pat${a}.${b}`);

describe('errorFromResponse with arbitrary responses', () => {
  it('classifies by status, with only Airtable’s group-id 400 turned into not_found', () => {
    fc.assert(
      fc.property(status, errorJson, fc.constantFrom(...METHODS), path, fc.integer({ min: 1, max: 6 }), (code, json, method, p, attempts) => {
        const body = parseErrorBody(json);
        const err = errorFromResponse({ status: code, body, method, path: p, attempts });
        expect(err).toBeInstanceOf(ScimError);
        expect(err.status).toBe(code);
        expect(err.method).toBe(method);
        expect(err.path).toBe(p);
        expect(err.attempts).toBe(attempts);
        expect(err.detail).toBe(body?.detail ?? null);
        expect(err.scimType).toBe(body?.scimType ?? null);
        expect(err.message.startsWith(`SCIM ${method} ${p} failed with HTTP ${code} (${err.kind})`)).toBe(true);
        if (body?.detail) expect(err.message.endsWith(`: ${body.detail}`)).toBe(true);
        expect(err.isTransient).toBe(['rate_limited', 'server', 'network', 'timeout'].includes(err.kind));
        expect(JSON.parse(JSON.stringify(err))).toMatchObject({ name: 'ScimError', kind: err.kind, status: code, path: p });

        const exception = err.kind !== kindForStatus(code);
        if (exception) {
          // The one deviation: a 400 on exactly /Groups/{id} whose detail says the group id is unknown, and names no member or user.
          expect(err.kind).toBe('not_found');
          expect(code).toBe(400);
          expect(p).toMatch(/^\/Groups\/[^/?]+$/);
          expect(body?.detail ?? '').toMatch(/group/i);
          expect(body?.detail ?? '').not.toMatch(/\b(member|user)\b/i);
          expect(isGroupNotFound(err)).toBe(true);
        }
        // "Gone" is only ever said of the resource the request addressed.
        if (isUserNotFound(err)) expect(code === 404 && /^\/Users\/[^/?]+$/.test(p)).toBe(true);
        if (isGroupNotFound(err)) expect(/^\/Groups\/[^/?]+$/.test(p)).toBe(true);
        expect(isNoTarget(err)).toBe((body?.scimType ?? '').toLowerCase() === 'notarget');
      }),
      { numRuns: 500 },
    );
  });

  it('never lets the token through message, detail, scimType, path or JSON, wherever the server echoes it', () => {
    fc.assert(
      fc.property(status, token, detail, fc.constantFrom(...METHODS), fc.array(fc.constantFrom('detail', 'scimType', 'path', 'bearer'), { minLength: 1, maxLength: 4 }), (code, secret, text, method, where) => {
        const echo = (field: (typeof where)[number]) => (where.includes(field) ? `${text}${secret}${text}` : text);
        const body = parseErrorBody({ status: code, detail: where.includes('bearer') ? `Authorization: Bearer ${secret}` : echo('detail'), scimType: echo('scimType') });
        const err = errorFromResponse({ status: code, body, method, path: `/Users${where.includes('path') ? `?t=${secret}` : ''}`, attempts: 1, secrets: [secret] });
        const everything = [err.message, err.detail, err.scimType, err.path, err.stack, String(err), JSON.stringify(err)].join('\n');
        expect(everything).not.toContain(secret);
      }),
      { numRuns: 200 },
    );
  });
});
