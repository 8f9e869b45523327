import { describe, expect, it } from 'vitest';
import { normaliseKeys, parseErrorBody, parseGroup, parseListResponse, parseUser, SCHEMA_ENTERPRISE_USER, ScimSchemaError } from './schemas';

const airtableUser = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', SCHEMA_ENTERPRISE_USER],
  id: 'usrogvSbotRtzdtZW',
  userName: 'foo@bar.com',
  name: { givenName: 'Doe', familyName: 'Jane' },
  emails: [{ value: 'foo@bar.com', type: 'work', primary: true }],
  active: true,
  title: 'Manager',
  meta: { created: '2021-06-02T07:37:19.000Z', location: '/scim/v2/Users/usr00000000000000', resourceType: 'User' },
  [SCHEMA_ENTERPRISE_USER]: {
    costCenter: 'Example cost center',
    department: 'Example department',
    division: 'Example division',
    organization: 'Example organization',
    manager: { displayName: 'John Doe', value: 'foo@bam.com' },
  },
};

describe('parseUser', () => {
  it('normalises an Airtable user with the enterprise extension to the flat shape', () => {
    const u = parseUser(airtableUser);
    expect(u).toEqual({
      id: 'usrogvSbotRtzdtZW',
      userName: 'foo@bar.com',
      givenName: 'Doe',
      familyName: 'Jane',
      displayName: null,
      title: 'Manager',
      active: true,
      emails: [{ value: 'foo@bar.com', type: 'work', primary: true }],
      primaryEmail: 'foo@bar.com',
      costCenter: 'Example cost center',
      department: 'Example department',
      division: 'Example division',
      organization: 'Example organization',
      managerEmail: 'foo@bam.com',
      managerName: 'John Doe',
      raw: airtableUser,
    });
  });

  it('keeps the original JSON (original key case) as raw', () => {
    const original = { ID: 'usr1', USERNAME: 'a@b.co', Active: 'false' };
    const u = parseUser(original);
    expect(u.raw).toBe(original);
    expect(u.id).toBe('usr1');
    expect(u.userName).toBe('a@b.co');
  });

  it('accepts keys in any case, including the extension URN and its attributes (RFC 7643 §2.1)', () => {
    const u = parseUser({
      Id: 'usr2',
      UserName: 'x@y.io',
      NAME: { GivenName: 'Ann', FAMILYNAME: 'Lee' },
      Emails: [{ Value: 'x@y.io', Primary: 'true' }],
      ACTIVE: true,
      [SCHEMA_ENTERPRISE_USER.toUpperCase()]: { Department: 'Sales', MANAGER: { VALUE: 'boss@y.io', DisplayName: 'Boss' } },
    });
    expect(u).toMatchObject({ givenName: 'Ann', familyName: 'Lee', primaryEmail: 'x@y.io', department: 'Sales', managerEmail: 'boss@y.io', managerName: 'Boss' });
  });

  it.each([
    ['true', true],
    ['false', false],
    [' FALSE ', false],
    [true, true],
    [false, false],
  ])('accepts active=%j', (active, expected) => {
    expect(parseUser({ id: 'usr3', userName: 'u', active }).active).toBe(expected);
  });

  it('rejects an active value that is neither boolean nor "true"/"false"', () => {
    expect(() => parseUser({ id: 'usr3', userName: 'u', active: 'yes' })).toThrow(ScimSchemaError);
  });

  it('tolerates missing meta, missing/partial name, nulls and extra fields', () => {
    const u = parseUser({ id: 'usr4', userName: 'solo', name: { familyName: 'Only' }, title: null, emails: null, extra: { nested: [1, 2] }, 'urn:vendor:ext': { a: 1 } });
    expect(u).toMatchObject({ givenName: null, familyName: 'Only', title: null, emails: [], primaryEmail: null, managerEmail: null, active: true });
    expect(parseUser({ id: 'usr5', userName: 'n@x.io' }).givenName).toBeNull();
  });

  it('picks the primary email, else the first, else a userName that is an email', () => {
    expect(parseUser({ id: 'u', userName: 'n', emails: [{ value: 'a@x.io' }, { value: 'b@x.io', primary: true }] }).primaryEmail).toBe('b@x.io');
    expect(parseUser({ id: 'u', userName: 'n', emails: [{ value: 'a@x.io' }, { value: 'b@x.io' }] }).primaryEmail).toBe('a@x.io');
    expect(parseUser({ id: 'u', userName: 'n@x.io' }).primaryEmail).toBe('n@x.io');
  });

  it('accepts a manager given as a bare string', () => {
    expect(parseUser({ id: 'u', userName: 'n', [SCHEMA_ENTERPRISE_USER]: { manager: 'm@x.io' } }).managerEmail).toBe('m@x.io');
  });

  it('rejects a resource without id or userName', () => {
    expect(() => parseUser({ userName: 'x' })).toThrow(ScimSchemaError);
    expect(() => parseUser({ id: 'usr1' })).toThrow(/userName/);
    expect(() => parseUser('nope')).toThrow(ScimSchemaError);
  });
});

describe('parseGroup', () => {
  it('parses a group with members', () => {
    const g = parseGroup({ id: 'ugp1', displayName: 'Eng', members: [{ value: 'usr1', display: 'A' }, { value: 'usr2' }] });
    expect(g).toMatchObject({ id: 'ugp1', displayName: 'Eng', membersIncluded: true, members: [{ value: 'usr1', display: 'A', type: null }, { value: 'usr2', display: null, type: null }] });
  });

  it('marks members as not included when the key is absent (Airtable list)', () => {
    const g = parseGroup({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], ID: 'ugp2', DisplayName: 'Ops' });
    expect(g).toMatchObject({ id: 'ugp2', displayName: 'Ops', members: [], membersIncluded: false });
  });

  it('accepts mixed-case member keys', () => {
    expect(parseGroup({ id: 'g', Members: [{ VALUE: 'usr9', Display: 'Z' }] }).members).toEqual([{ value: 'usr9', display: 'Z', type: null }]);
  });
});

describe('parseListResponse', () => {
  it('accepts a missing Resources when totalResults is 0', () => {
    expect(parseListResponse({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0 })).toMatchObject({ totalResults: 0, Resources: [] });
  });

  it('accepts mixed-case envelope keys and numeric strings', () => {
    const list = parseListResponse({ TOTALRESULTS: '2', resources: [{ id: 'a' }, { id: 'b' }], StartIndex: 1, itemsperpage: '2' });
    expect(list.totalResults).toBe(2);
    expect(list.Resources).toHaveLength(2);
    expect(list.startIndex).toBe(1);
  });

  it('reports a missing totalResults as null', () => {
    expect(parseListResponse({ Resources: [] }).totalResults).toBeNull();
  });

  it('rejects a body that is not an object', () => {
    expect(() => parseListResponse([1, 2])).toThrow(ScimSchemaError);
  });
});

describe('parseErrorBody', () => {
  it.each([
    [{ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'User not found' }, 404],
    [{ status: 400, detail: 'invalid group ID' }, 400],
    [{ STATUS: ' 429 ', DETAIL: 'slow down' }, 429],
  ])('accepts status as number or string: %j', (body, status) => {
    expect(parseErrorBody(body)?.status).toBe(status);
  });

  it('keeps scimType and detail', () => {
    expect(parseErrorBody({ status: '400', scimType: 'invalidFilter', detail: 'bad' })).toEqual({ status: 400, scimType: 'invalidFilter', detail: 'bad' });
  });

  it('returns null for something that is not an error body', () => {
    expect(parseErrorBody(null)).toBeNull();
    expect(parseErrorBody('oops')).toBeNull();
    expect(parseErrorBody({ hello: 'world' })).toBeNull();
  });
});

describe('normaliseKeys', () => {
  it('prefers the canonical spelling when both are present and keeps unknown keys', () => {
    expect(normaliseKeys({ ID: 'wrong', id: 'right', Custom: 1 })).toEqual({ id: 'right', Custom: 1 });
    expect(normaliseKeys({ id: 'right', ID: 'wrong' })).toEqual({ id: 'right' });
  });
});
