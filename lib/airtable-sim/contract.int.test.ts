import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_GROUP, SCHEMA_USER } from './resources';
import type { SimServer } from './server';
import { TEST_TOKEN, at, patchOp, scimCaller, startTestSim, type ScimReply } from './testing';

/**
 * Contract tests: every kind of response the simulator sends is validated against the schema
 * Airtable's OpenAPI description (contract/airtable-scim-openapi.yaml, copied verbatim) declares
 * for that operation and status. The schemas are compiled from the document itself, never
 * retyped. Where the simulator deliberately differs from the OpenAPI (because Airtable itself
 * does, per DESIGN.md), the deviation is listed in DEVIATIONS and still checked against ScimError.
 */

type OpenApi = {
  paths: Record<string, Record<string, { responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }> }>>;
  components: { responses: Record<string, { content?: Record<string, { schema: unknown }> }> };
};

const DOC_ID = 'https://attest.invalid/airtable-scim-openapi.json';
const doc = parse(
  readFileSync(fileURLToPath(new URL('./contract/airtable-scim-openapi.yaml', import.meta.url)), 'utf8'),
) as OpenApi & Record<string, unknown>;

const ajv = new Ajv2020({ allErrors: true, strict: true });
// The document's top-level members are OpenAPI, not JSON Schema: declared as inert keywords so
// strict mode accepts the document as the root that `#/components/...` refs resolve against.
for (const key of Object.keys(doc)) ajv.addKeyword(key);
ajv.addFormat('email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
// RFC 3339 §5.6 date-time, as JSON Schema 2020-12 §7.3.1 defines the format.
ajv.addFormat('date-time', (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(s) && !Number.isNaN(Date.parse(s)));
ajv.addSchema(doc, DOC_ID);

const validators = new Map<string, ValidateFunction>();
/** A validator for a document-local ref (`#/components/schemas/ScimUser`), compiled from the document. */
function validatorFor(ref: string): ValidateFunction {
  let v = validators.get(ref);
  if (!v) {
    v = ajv.compile({ $ref: `${DOC_ID}${ref}` });
    validators.set(ref, v);
  }
  return v;
}

type MediaMap = Record<string, { schema: unknown }> | undefined;

function schemaRef(content: MediaMap, where: string): string | 'no-content' {
  if (!content) return 'no-content';
  const schema = content['application/scim+json']?.schema as { $ref?: unknown } | undefined;
  // Every response schema in this document is a $ref to components/schemas; anything else would need handling here.
  if (typeof schema?.$ref !== 'string' || !schema.$ref.startsWith('#/')) throw new Error(`${where}: expected a $ref schema`);
  return schema.$ref;
}

/**
 * The ref of the schema the OpenAPI declares for (path template, method, status), or
 * 'no-content' when the status is declared without a body, or null when it is not declared.
 */
function declaredSchema(pathTemplate: string, method: string, status: number): string | 'no-content' | null {
  const op = doc.paths[pathTemplate]?.[method.toLowerCase()];
  if (!op) throw new Error(`OpenAPI has no ${method} ${pathTemplate}`);
  const response = op.responses[String(status)];
  if (!response) return null;
  const where = `${method} ${pathTemplate} ${status}`;
  if (response.$ref) {
    const declared = doc.components.responses[response.$ref.replace('#/components/responses/', '')];
    if (!declared) throw new Error(`${where}: dangling ${response.$ref}`);
    return schemaRef(declared.content, where);
  }
  return schemaRef(response.content, where);
}

/** Statuses the simulator sends on purpose although the OpenAPI does not declare them. */
const DEVIATIONS: Record<string, string> = {
  'GET /Users 400': 'invalidFilter for filters other than userName eq (RFC 7644 §3.4.2.2); OpenAPI declares no 400',
  'GET /Groups 400': 'invalidFilter for filters other than displayName eq; OpenAPI declares no 400',
  'GET /Groups/{groupId} 400': 'Airtable answers an unknown group id with 400 "invalid group ID" (DESIGN.md); OpenAPI says 404',
  'DELETE /Groups/{groupId} 400': 'same unknown-group 400 as GET',
  'DELETE /Users/{userId} 422': 'Airtable refuses to delete the token owner with 422 (DESIGN.md)',
  'PATCH /Users/{userId} 409': 'renaming to a taken userName: the uniqueness 409 POST declares',
  'PUT /Groups/{groupId} 409': 'renaming to a taken displayName: the uniqueness 409 POST declares',
  'GET /Users 503': 'injected 5xx fault; real servers send them undeclared',
  'GET /Groups/{groupId} 500': 'injected 5xx fault',
};

const errorsOf = (v: ValidateFunction): Array<Pick<ErrorObject, 'instancePath' | 'keyword' | 'message'>> =>
  (v.errors ?? []).map(({ instancePath, keyword, message }) => ({ instancePath, keyword, message }));

/**
 * Assert that a reply matches what the OpenAPI declares for the operation and status.
 * `numericStatus` marks the simulator's one deliberate schema break: 429 errors carry `status`
 * as a number, as Airtable does in some responses (DESIGN.md), so clients must accept both.
 */
function expectConforms(reply: ScimReply, pathTemplate: string, method: string, expectedStatus: number, numericStatus = false): void {
  expect(reply.status, reply.text).toBe(expectedStatus);
  const key = `${method} ${pathTemplate} ${expectedStatus}`;
  let pointer = declaredSchema(pathTemplate, method, expectedStatus);
  if (pointer === null) {
    expect(DEVIATIONS[key], `undeclared response ${key} is not a listed deviation`).toBeDefined();
    pointer = '#/components/schemas/ScimError';
  }
  if (pointer === 'no-content') {
    expect(reply.text).toBe('');
    return;
  }
  expect(reply.headers.get('content-type')).toMatch(/^application\/scim\+json\b/);
  const validate = validatorFor(pointer);
  const ok = validate(reply.json);
  if (numericStatus) {
    expect(ok).toBe(false);
    expect(errorsOf(validate)).toEqual([{ instancePath: '/status', keyword: 'type', message: 'must be string' }]);
    expect(at(reply.json, 'status')).toBe(expectedStatus);
    return;
  }
  expect(errorsOf(validate), `${key}: ${reply.text.slice(0, 500)}`).toEqual([]);
  if (expectedStatus >= 400) expect(at(reply.json, 'status')).toBe(String(expectedStatus));
}

const userBody = (userName: string) => ({
  schemas: [SCHEMA_USER, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
  userName,
  name: { givenName: 'Jane', familyName: 'Doe' },
  title: 'Manager',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
    costCenter: 'CC-1010',
    department: 'Engineering',
    division: 'Product & Technology',
    organization: 'Northwind Inc.',
    manager: { value: 'boss@northwind.example', displayName: 'The Boss' },
  },
});

describe('simulator responses conform to the Airtable SCIM OpenAPI', () => {
  let server: SimServer;
  let scim: ReturnType<typeof scimCaller>;
  let userId = '';
  let groupId = '';

  beforeAll(async () => {
    server = await startTestSim({ forbiddenTokens: ['forbidden-token'] });
    scim = scimCaller(server.url);
    const owner = server.sim.store.createUser({ userName: 'owner@northwind.example', givenName: 'Olive', familyName: 'Owner' });
    server.sim.store.setTokenOwner(owner.userName);
  });
  afterAll(async () => {
    await server.close();
  });

  it('compiles the component schemas from the document', () => {
    for (const name of ['ScimUser', 'ScimUserListResponse', 'ScimGroup', 'ScimGroupListResponse', 'ScimError']) {
      expect(() => validatorFor(`#/components/schemas/${name}`)).not.toThrow();
    }
    // Sanity: the compiled schema really rejects a wrong shape.
    expect(validatorFor('#/components/schemas/ScimUser')({ id: 'x' })).toBe(false);
  });

  it('users: create, get, list, filter, put, patch, delete', async () => {
    const created = await scim.post('/Users', userBody('jane.doe@northwind.example'));
    expectConforms(created, '/Users', 'POST', 201);
    userId = String(at(created.json, 'id'));
    expect(userId).toMatch(/^usr[A-Za-z0-9]{14}$/);

    expectConforms(await scim.get(`/Users/${userId}`), '/Users/{userId}', 'GET', 200);
    expectConforms(await scim.get('/Users?startIndex=1&count=10'), '/Users', 'GET', 200);
    expectConforms(await scim.get(`/Users?filter=${encodeURIComponent('userName eq "jane.doe@northwind.example"')}`), '/Users', 'GET', 200);
    expectConforms(await scim.get(`/Users?filter=${encodeURIComponent('userName eq "nobody@northwind.example"')}`), '/Users', 'GET', 200);
    expectConforms(await scim.put(`/Users/${userId}`, { ...userBody('jane.doe@northwind.example'), title: 'Director' }), '/Users/{userId}', 'PUT', 200);
    expectConforms(
      await scim.patch(`/Users/${userId}`, patchOp({ op: 'replace', path: 'active', value: false })),
      '/Users/{userId}',
      'PATCH',
      200,
    );
    expectConforms(await scim.del(`/Users/${userId}`), '/Users/{userId}', 'DELETE', 204);
  });

  it('users: every error status', async () => {
    const existing = await scim.post('/Users', userBody('err.user@northwind.example'));
    const id = String(at(existing.json, 'id'));
    expectConforms(await scim.post('/Users', userBody('err.user@northwind.example')), '/Users', 'POST', 409);
    expectConforms(await scim.post('/Users', { schemas: [SCHEMA_USER] }), '/Users', 'POST', 400);
    expectConforms(await scim.get('/Users/usr00000000000000'), '/Users/{userId}', 'GET', 404);
    expectConforms(await scim.put('/Users/usr00000000000000', userBody('x@northwind.example')), '/Users/{userId}', 'PUT', 404);
    expectConforms(await scim.put(`/Users/${id}`, { userName: 'no-schemas@northwind.example' }), '/Users/{userId}', 'PUT', 400);
    expectConforms(
      await scim.patch('/Users/usr00000000000000', patchOp({ op: 'replace', path: 'active', value: false })),
      '/Users/{userId}',
      'PATCH',
      404,
    );
    expectConforms(await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'nickName', value: 'x' })), '/Users/{userId}', 'PATCH', 400);
    expectConforms(
      await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'userName', value: 'owner@northwind.example' })),
      '/Users/{userId}',
      'PATCH',
      409,
    );
    expectConforms(await scim.del('/Users/usr00000000000000'), '/Users/{userId}', 'DELETE', 404);
    const owner = server.sim.store.getUserByUserName('owner@northwind.example');
    expectConforms(await scim.del(`/Users/${owner?.id ?? ''}`), '/Users/{userId}', 'DELETE', 422);
    expectConforms(await scim.get(`/Users?filter=${encodeURIComponent('title eq "x"')}`), '/Users', 'GET', 400);
  });

  it('groups: create, list (no members), get (members), put, patch, delete', async () => {
    const member = server.sim.store.createUser({ userName: 'member@northwind.example', givenName: 'Mo', familyName: 'Member' });
    const created = await scim.post('/Groups', { schemas: [SCHEMA_GROUP], displayName: 'Project Falcon', members: [{ value: member.id }] });
    expectConforms(created, '/Groups', 'POST', 201);
    groupId = String(at(created.json, 'id'));
    expect(groupId).toMatch(/^ugp[A-Za-z0-9]{14}$/);

    const list = await scim.get('/Groups?count=100');
    expectConforms(list, '/Groups', 'GET', 200);
    for (const g of at(list.json, 'Resources') as unknown[]) expect(at(g, 'members')).toBeUndefined();
    expectConforms(await scim.get(`/Groups?filter=${encodeURIComponent('displayName eq "Project Falcon"')}`), '/Groups', 'GET', 200);

    const got = await scim.get(`/Groups/${groupId}`);
    expectConforms(got, '/Groups/{groupId}', 'GET', 200);
    expect(at(got.json, 'members')).toEqual([{ value: member.id, display: 'Mo Member' }]);

    expectConforms(
      await scim.put(`/Groups/${groupId}`, { schemas: [SCHEMA_GROUP], displayName: 'Project Falcon', members: [] }),
      '/Groups/{groupId}',
      'PUT',
      200,
    );
    expectConforms(
      await scim.patch(`/Groups/${groupId}`, patchOp({ op: 'add', path: 'members', value: [{ value: member.id }] })),
      '/Groups/{groupId}',
      'PATCH',
      200,
    );
    expectConforms(
      await scim.patch(`/Groups/${groupId}`, patchOp({ op: 'remove', path: `members[value eq "${member.id}"]` })),
      '/Groups/{groupId}',
      'PATCH',
      200,
    );
    expectConforms(await scim.del(`/Groups/${groupId}`), '/Groups/{groupId}', 'DELETE', 204);
  });

  it('groups: every error status', async () => {
    const g = server.sim.store.createGroup({ displayName: 'Finance - AP' });
    expectConforms(await scim.post('/Groups', { schemas: [SCHEMA_GROUP], displayName: 'Finance - AP' }), '/Groups', 'POST', 409);
    expectConforms(await scim.post('/Groups', { schemas: [SCHEMA_GROUP] }), '/Groups', 'POST', 400);
    expectConforms(
      await scim.post('/Groups', { schemas: [SCHEMA_GROUP], displayName: 'Ghosts', members: [{ value: 'usrNotAUser000000' }] }),
      '/Groups',
      'POST',
      400,
    );
    expectConforms(await scim.get('/Groups/ugp00000000000000'), '/Groups/{groupId}', 'GET', 400);
    expectConforms(await scim.put('/Groups/ugp00000000000000', { schemas: [SCHEMA_GROUP], displayName: 'X' }), '/Groups/{groupId}', 'PUT', 400);
    expectConforms(await scim.put(`/Groups/${g.id}`, { displayName: 'no schemas' }), '/Groups/{groupId}', 'PUT', 400);
    expectConforms(await scim.patch(`/Groups/${g.id}`, patchOp({ op: 'replace', path: 'owner', value: 'x' })), '/Groups/{groupId}', 'PATCH', 400);
    expectConforms(await scim.patch('/Groups/ugp00000000000000', patchOp({ op: 'add', path: 'members', value: [] })), '/Groups/{groupId}', 'PATCH', 400);
    expectConforms(await scim.del('/Groups/ugp00000000000000'), '/Groups/{groupId}', 'DELETE', 400);
    expectConforms(await scim.get(`/Groups?filter=${encodeURIComponent('id eq "x"')}`), '/Groups', 'GET', 400);
    server.sim.store.createGroup({ displayName: 'Finance - AR' });
    expectConforms(await scim.put(`/Groups/${g.id}`, { schemas: [SCHEMA_GROUP], displayName: 'Finance - AR' }), '/Groups/{groupId}', 'PUT', 409);
  });

  it('401, 403 and 429 on every operation', async () => {
    const u = server.sim.store.createUser({ userName: 'auth.case@northwind.example' });
    const g = server.sim.store.createGroup({ displayName: 'Auth Case' });
    const ops: Array<[string, string, string, unknown?]> = [
      ['GET', '/Users', '/Users'],
      ['POST', '/Users', '/Users', userBody('new.one@northwind.example')],
      ['GET', '/Users/{userId}', `/Users/${u.id}`],
      ['PUT', '/Users/{userId}', `/Users/${u.id}`, userBody(u.userName)],
      ['PATCH', '/Users/{userId}', `/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'x' })],
      ['DELETE', '/Users/{userId}', `/Users/${u.id}`],
      ['GET', '/Groups', '/Groups'],
      ['POST', '/Groups', '/Groups', { schemas: [SCHEMA_GROUP], displayName: 'New One' }],
      ['GET', '/Groups/{groupId}', `/Groups/${g.id}`],
      ['PUT', '/Groups/{groupId}', `/Groups/${g.id}`, { schemas: [SCHEMA_GROUP], displayName: 'Auth Case' }],
      ['PATCH', '/Groups/{groupId}', `/Groups/${g.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Auth Case' })],
      ['DELETE', '/Groups/{groupId}', `/Groups/${g.id}`],
    ];
    const anonymous = scimCaller(server.url, null);
    const forbidden = scimCaller(server.url, 'forbidden-token');
    server.sim.setFaults({ retryAfterSeconds: 30 });
    for (const [method, template, path, body] of ops) {
      expectConforms(await anonymous.call(method, path, body), template, method, 401);
      expectConforms(await forbidden.call(method, path, body), template, method, 403);
      server.sim.setFaults({ burst429: 1 });
      const limited = await scim.call(method, path, body);
      expectConforms(limited, template, method, 429, true);
      expect(limited.headers.get('retry-after')).toBe('30');
    }
    server.sim.resetFaults();
  });

  it('injected 5xx answers are SCIM errors', async () => {
    const g = server.sim.store.createGroup({ displayName: 'Five Hundred' });
    server.sim.setFaults({ failNext: [{ method: 'GET', pathPrefix: '/Users', status: 503, times: 1 }] });
    expectConforms(await scim.get('/Users'), '/Users', 'GET', 503);
    server.sim.setFaults({ failNext: [{ pathPrefix: `/Groups/${g.id}`, status: 500, times: 1 }] });
    expectConforms(await scim.get(`/Groups/${g.id}`), '/Groups/{groupId}', 'GET', 500);
    server.sim.resetFaults();
  });

  it('a real rate-limit 429 conforms like the injected one', async () => {
    const limited = await startTestSim({ rateLimitPerSecond: 2, now: () => 1_000 });
    try {
      const c = scimCaller(limited.url, TEST_TOKEN);
      await c.get('/Users');
      await c.get('/Users');
      expectConforms(await c.get('/Users'), '/Users', 'GET', 429, true);
    } finally {
      await limited.close();
    }
  });
});
