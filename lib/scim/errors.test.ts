import { describe, expect, it } from 'vitest';
import { registerSecret } from '@/lib/log';
import { errorFromResponse, isGroupNotFound, isNoTarget, isTransientKind, isUserNotFound, kindForStatus, sanitiseCause, ScimError } from './errors';

describe('kindForStatus', () => {
  it.each([
    [400, 'bad_request'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [409, 'conflict'],
    [422, 'bad_request'],
    [429, 'rate_limited'],
    [500, 'server'],
    [502, 'server'],
    [503, 'server'],
    [302, 'protocol'],
  ] as const)('%i → %s', (status, kind) => {
    expect(kindForStatus(status)).toBe(kind);
  });

  it('marks only 429, 5xx, network and timeout as transient', () => {
    expect(['rate_limited', 'server', 'network', 'timeout'].every((k) => isTransientKind(k as never))).toBe(true);
    expect(['unauthorized', 'forbidden', 'not_found', 'bad_request', 'conflict', 'protocol'].some((k) => isTransientKind(k as never))).toBe(false);
  });
});

describe('errorFromResponse', () => {
  const base = { method: 'PATCH' as const, attempts: 1 };

  it('classifies Airtable’s 400 "invalid group ID" on /Groups/{id} as not_found (group gone)', () => {
    const err = errorFromResponse({ ...base, status: 400, path: '/Groups/ugp00000000000000', body: { status: 400, scimType: null, detail: 'invalid group ID' } });
    expect(err.kind).toBe('not_found');
    expect(err.status).toBe(400);
    expect(isGroupNotFound(err)).toBe(true);
    expect(isUserNotFound(err)).toBe(false);
  });

  it('keeps other 400s on a group as bad_request (a malformed patch or an unknown member is not "group gone")', () => {
    for (const detail of ['Invalid PatchOp: missing path', 'invalid user ID in members', 'Member ID invalid for group', null]) {
      const err = errorFromResponse({ ...base, status: 400, path: '/Groups/ugp1', body: { status: 400, scimType: 'invalidValue', detail } });
      expect(err.kind, String(detail)).toBe('bad_request');
      expect(isGroupNotFound(err)).toBe(false);
    }
  });

  it('does not apply the group rule to other paths', () => {
    const err = errorFromResponse({ ...base, status: 400, path: '/Users/usr1', body: { status: 400, scimType: null, detail: 'invalid group ID' } });
    expect(err.kind).toBe('bad_request');
  });

  it('classifies a 404 on a user and on a group', () => {
    const user = errorFromResponse({ ...base, status: 404, path: '/Users/usr1', body: null });
    expect(user.kind).toBe('not_found');
    expect(isUserNotFound(user)).toBe(true);
    const group = errorFromResponse({ ...base, status: 404, path: '/Groups/ugp1', body: null });
    expect(isGroupNotFound(group)).toBe(true);
  });

  it('recognises noTarget (RFC 7644 §3.5.2.2)', () => {
    const err = errorFromResponse({ ...base, status: 400, path: '/Groups/ugp1', body: { status: 400, scimType: 'noTarget', detail: null } });
    expect(isNoTarget(err)).toBe(true);
    expect(err.kind).toBe('bad_request');
  });

  it('puts the server detail in the message and in `detail`', () => {
    const err = errorFromResponse({ ...base, status: 409, path: '/Users', body: { status: 409, scimType: 'uniqueness', detail: 'userName taken' } });
    expect(err).toMatchObject({ kind: 'conflict', scimType: 'uniqueness', detail: 'userName taken', isTransient: false });
    expect(err.message).toContain('userName taken');
  });
});

describe('redaction', () => {
  const token = 'patSECRETtoken.0123456789abcdef';

  it('scrubs the token from message, detail, path, stack, cause and JSON', () => {
    const cause = new TypeError('fetch failed', { cause: Object.assign(new Error(`socket closed while sending Bearer ${token}`), { code: 'UND_ERR_SOCKET' }) });
    const err = new ScimError({
      kind: 'network',
      method: 'GET',
      path: `/Users?x=${token}`,
      message: `GET failed with Authorization: Bearer ${token} and ${token}`,
      detail: `echo ${token}`,
      cause,
      secrets: [token],
    });
    const everything = [err.message, err.detail, err.path, err.stack, String(err), JSON.stringify(err), String(err.cause), (err.cause as Error).stack].join('\n');
    expect(everything).not.toContain(token);
    expect(everything).toContain('UND_ERR_SOCKET');
    expect(err.cause).not.toBe(cause);
  });

  it('scrubs registered secrets without being told', () => {
    const secret = 'registered-secret-value-42';
    registerSecret(secret);
    const err = new ScimError({ kind: 'server', method: 'GET', path: '/Users', message: `boom ${secret}` });
    expect(String(err)).not.toContain(secret);
  });

  it('sanitiseCause keeps only text', () => {
    const safe = sanitiseCause(Object.assign(new Error('ECONNRESET'), { code: 'ECONNRESET', socket: { secret: token } }), [token]);
    expect(safe).toBeInstanceOf(Error);
    expect(Object.keys(safe)).not.toContain('socket');
    expect(JSON.stringify(safe)).not.toContain(token);
    expect(safe.message).toContain('ECONNRESET');
  });
});
