import { describe, expect, it } from 'vitest';
import { eqFilter } from './filter';
import {
  addMemberOp,
  assertScimId,
  deactivateUserOp,
  describeAddGroupMember,
  describeDeactivateUser,
  describeReactivateUser,
  describeRemoveGroupMember,
  patchRequest,
  reactivateUserOp,
  removeMemberOp,
} from './patch-op';
import { ZPatchRequest } from './schemas';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('PatchOp builders', () => {
  it('deactivates with an explicit path (Airtable requires it)', () => {
    expect(deactivateUserOp()).toEqual({ op: 'replace', path: 'active', value: false });
    expect(reactivateUserOp()).toEqual({ op: 'replace', path: 'active', value: true });
  });

  it('removes a member by value filter', () => {
    expect(removeMemberOp('usrAAAAAAAAAAAAAA')).toEqual({ op: 'remove', path: 'members[value eq "usrAAAAAAAAAAAAAA"]' });
  });

  it('adds a member as a multi-valued add', () => {
    expect(addMemberOp('usrAAAAAAAAAAAAAA')).toEqual({ op: 'add', path: 'members', value: [{ value: 'usrAAAAAAAAAAAAAA' }] });
  });

  it('wraps operations in a PatchOp message', () => {
    expect(patchRequest([deactivateUserOp()])).toEqual({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
    expect(() => patchRequest([])).toThrow(RangeError);
  });

  it('describes the exact deactivate request, byte for byte', () => {
    const req = describeDeactivateUser('usrogvSbotRtzdtZW');
    expect(req.method).toBe('PATCH');
    expect(req.path).toBe('/Users/usrogvSbotRtzdtZW');
    expect(JSON.stringify(req.body)).toBe(
      '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}',
    );
    expect(ZPatchRequest.parse(req.body)).toEqual(req.body);
  });

  it('describes reactivate, remove and add', () => {
    expect(describeReactivateUser('usr1').body.Operations).toEqual([{ op: 'replace', path: 'active', value: true }]);
    expect(describeRemoveGroupMember('ugpG', 'usrU')).toEqual({
      method: 'PATCH',
      path: '/Groups/ugpG',
      body: { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'members[value eq "usrU"]' }] },
    });
    expect(describeAddGroupMember('ugpG', 'usrU')).toEqual({
      method: 'PATCH',
      path: '/Groups/ugpG',
      body: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: 'usrU' }] }] },
    });
  });
});

describe('id validation', () => {
  it.each(['usr"] or [value pr', 'usr]x', 'usr[x', 'a\\b', 'a/b', '..', '.', '', 'a b', 'a?b', 'a#b', 'a%2Fb', 'a\nb'])(
    'rejects %j',
    (id) => {
      expect(() => assertScimId(id)).toThrow(RangeError);
    },
  );

  it('rejects a filter injection in removeMemberOp and the describe functions', () => {
    expect(() => removeMemberOp('usr1"] or members[value pr')).toThrow(RangeError);
    expect(() => describeRemoveGroupMember('ugp1', 'usr"x')).toThrow(RangeError);
    expect(() => describeRemoveGroupMember('ugp/../Users', 'usr1')).toThrow(RangeError);
    expect(() => describeDeactivateUser('..')).toThrow(RangeError);
  });

  it('accepts Airtable ids and other servers’ ids (UUIDs, auth0-style)', () => {
    for (const id of ['usrogvSbotRtzdtZW', 'ugp00000000000000', '2819c223-7f76-453a-919d-413861904646', 'auth0|123', 'a.b_c-d']) {
      expect(assertScimId(id)).toBe(id);
    }
    expect(describeDeactivateUser('auth0|123').path).toBe('/Users/auth0%7C123');
  });
});

describe('eqFilter', () => {
  it('quotes the value as a JSON string (RFC 7644 §3.4.2.2)', () => {
    expect(eqFilter('userName', 'bjensen@example.com')).toBe('userName eq "bjensen@example.com"');
    expect(eqFilter('userName', 'a"b\\c')).toBe('userName eq "a\\"b\\\\c"');
    expect(eqFilter('userName', 'x" or userName pr "')).toBe('userName eq "x\\" or userName pr \\""');
  });

  it('rejects an attribute that is not an attribute path', () => {
    expect(() => eqFilter('userName eq "x" or id', 'y')).toThrow(RangeError);
  });
});
