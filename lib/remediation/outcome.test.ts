import { describe, expect, it } from 'vitest';
import { ScimError, type TScimErrorKind, type TScimGroup, type TScimUser } from '@/lib/scim';
import { classifyCheckFailure, classifySendFailure, membershipState, userState } from './outcome';
import { campaignRevokeReason, describeRemediation, remediationKindOf, requestColumns, responseBodyText, storedWrite } from './requests';

const err = (kind: TScimErrorKind, status: number | null, path: string, extra: Partial<ConstructorParameters<typeof ScimError>[0]> = {}) =>
  new ScimError({ kind, status, method: 'PATCH', path, message: `SCIM PATCH ${path} failed (${kind})`, ...extra });

describe('classifySendFailure', () => {
  it('calls a deleted target "gone", not an error', () => {
    expect(classifySendFailure(err('not_found', 404, '/Users/usr1', { detail: 'User not found: usr1' }))).toMatchObject({
      kind: 'gone',
      note: 'The user no longer exists in Airtable (PATCH answered HTTP 404: User not found: usr1)',
      status: 404,
    });
    // Airtable's 400 "invalid group ID" is classified not_found by lib/scim.
    expect(classifySendFailure(err('not_found', 400, '/Groups/ugp1', { detail: 'Invalid group ID: ugp1' }))).toMatchObject({ kind: 'gone', status: 400 });
    expect(classifySendFailure(err('bad_request', 400, '/Groups/ugp1', { scimType: 'noTarget', detail: 'no member' }))).toMatchObject({ kind: 'gone' });
  });

  it('retries what may succeed later, and keeps the server\'s answer', () => {
    for (const [kind, status] of [['rate_limited', 429], ['server', 503], ['network', null], ['timeout', null], ['protocol', 200]] as const) {
      expect(classifySendFailure(err(kind, status, '/Users/usr1')).kind).toBe('retry');
    }
    expect(classifySendFailure(err('server', 502, '/Users/usr1', { detail: 'Bad gateway' }))).toEqual({
      kind: 'retry',
      reason: 'Airtable answered HTTP 502: Bad gateway',
      status: 502,
      body: JSON.stringify({ status: 502, scimType: null, detail: 'Bad gateway' }),
    });
  });

  it('fails for good on 400/401/403/409; a refused token stops the run', () => {
    expect(classifySendFailure(err('bad_request', 400, '/Users/usr1', { scimType: 'invalidValue', detail: 'nope' }))).toMatchObject({
      kind: 'permanent',
      reason: 'Airtable refused the request (HTTP 400 invalidValue: nope)',
      stopsRun: false,
    });
    expect(classifySendFailure(err('conflict', 409, '/Users/usr1'))).toMatchObject({ kind: 'permanent', stopsRun: false });
    expect(classifySendFailure(err('unauthorized', 401, '/Users/usr1'))).toMatchObject({ kind: 'permanent', stopsRun: true, reason: expect.stringMatching(/^Airtable rejected the token \(HTTP 401\)/) });
    expect(classifySendFailure(err('forbidden', 403, '/Users/usr1', { detail: 'missing scope' }))).toMatchObject({
      kind: 'permanent',
      stopsRun: true,
      reason: 'Airtable refused this token (HTTP 403: missing scope). The token needs the enterprise.scim.usersAndGroups:manage scope and must belong to an enterprise admin.',
    });
    expect(classifySendFailure(new RangeError('Not a SCIM write this client sends: PATCH /x'))).toMatchObject({ kind: 'permanent', reason: 'The stored request cannot be sent: Not a SCIM write this client sends: PATCH /x' });
  });

  it('a refused token on a GET stops the run; anything else is worth another try', () => {
    expect(classifyCheckFailure(err('forbidden', 403, '/Users/usr1'))).toMatchObject({ stopsRun: true });
    expect(classifyCheckFailure(err('server', 500, '/Users/usr1'))).toMatchObject({ stopsRun: false, reason: expect.stringMatching(/^Could not check the target: /) });
  });
});

const user = (active: boolean): TScimUser => ({ id: 'usr1', active }) as TScimUser;
const group = (members: string[] | null): TScimGroup => ({
  id: 'ugp1',
  displayName: 'G',
  members: (members ?? []).map((value) => ({ value, display: null, type: null })),
  membersIncluded: members !== null,
  raw: {},
});

describe('target states', () => {
  it('a user is done when inactive or gone', () => {
    expect(userState('usr1', user(false))).toEqual({ wanted: true, inconclusive: false, note: 'GET /Users/usr1 shows active: false' });
    expect(userState('usr1', null)).toMatchObject({ wanted: true, note: 'GET /Users/usr1 answered 404: the user no longer exists' });
    expect(userState('usr1', user(true))).toMatchObject({ wanted: false, inconclusive: false });
  });

  it('a membership is done when the member is absent or the group gone; a group without members proves nothing', () => {
    expect(membershipState('ugp1', 'usr1', group(['usr2']))).toEqual({ wanted: true, inconclusive: false, note: 'GET /Groups/ugp1 does not list usr1 (1 members)' });
    expect(membershipState('ugp1', 'usr1', group(['usr1', 'usr2']))).toMatchObject({ wanted: false, inconclusive: false });
    expect(membershipState('ugp1', 'usr1', null)).toMatchObject({ wanted: true });
    expect(membershipState('ugp1', 'usr1', group(null))).toMatchObject({ wanted: false, inconclusive: true });
  });
});

describe('requests', () => {
  it('an account revoke deactivates (PATCH active false), a membership revoke removes the member; never DELETE', () => {
    expect(remediationKindOf('account')).toBe('deactivate_user');
    expect(remediationKindOf('membership')).toBe('remove_membership');
    const columns = requestColumns({ kind: 'remove_membership', userScimId: 'usrA', groupScimId: 'ugpB' });
    expect(columns).toEqual({
      requestMethod: 'PATCH',
      requestPath: '/Groups/ugpB',
      requestBody: '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \\"usrA\\"]"}]}',
    });
    // What the worker sends back is byte for byte what was stored.
    const write = storedWrite(columns);
    expect(JSON.stringify(write.body)).toBe(columns.requestBody);
    expect(write).toEqual(describeRemediation({ kind: 'remove_membership', userScimId: 'usrA', groupScimId: 'ugpB' }));
    expect(() => requestColumns({ kind: 'deactivate_user', userScimId: '../Groups', groupScimId: null })).toThrow(RangeError);
    expect(() => requestColumns({ kind: 'remove_membership', userScimId: 'usrA', groupScimId: null })).toThrow(/needs a group id/);
  });

  it('says why in words, and keeps big answers bounded', () => {
    expect(campaignRevokeReason({ decidedByEmail: 'a@x', decidedByRule: false, comment: 'left' })).toBe('Revoked by a@x: left');
    expect(campaignRevokeReason({ decidedByEmail: 'a@x', decidedByRule: false, comment: null })).toBe('Revoked by a@x (no justification given)');
    expect(campaignRevokeReason({ decidedByEmail: 'admin@x', decidedByRule: true, comment: 'rule text' })).toBe('rule text');
    expect(responseBodyText(null)).toBeNull();
    expect(responseBodyText({ id: 'u' })).toBe('{"id":"u"}');
    const big = responseBodyText({ members: Array.from({ length: 5_000 }, (_, i) => ({ value: `usr${i}` })) })!;
    expect(big.length).toBeLessThan(16_100);
    expect(big).toMatch(/… \[truncated: \d+ characters in total\]$/);
  });
});
