import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimClient, type ScimClient } from './client';
import { errorFromResponse, ScimError } from './errors';
import { parseErrorBody, parseGroup, parseListResponse, parseUser, ScimSchemaError, type TScimUser } from './schemas';

/**
 * Property-based tests of the client's response handling over real HTTP: a local server answers
 * each request with a generated status and body (SCIM-shaped JSON with wrong types, arbitrary
 * JSON, truncated JSON, HTML, nothing). Every call ends in the documented value or a ScimError of
 * the right kind; nothing else escapes, and nothing loops.
 */

const TOKEN = 'patFUZZfuzzFUZZfuzz.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

type TAnswer = { status: number; body: string };
let answer: TAnswer = { status: 200, body: '{}' };
let requests = 0;
let server: Server;
let client: ScimClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(answer.status, { 'content-type': 'application/scim+json' });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const silent = { debug: () => {}, warn: () => {} };
  // No retries and no 429 pause: one request per attempt, so a run costs milliseconds.
  client = createScimClient({ baseUrl: `http://127.0.0.1:${port}/scim/v2`, token: TOKEN, rateLimitPerSecond: 0, maxRetries: 0, defaultRetryAfterMs: 0, timeoutMs: 5_000, pageSize: 10, logger: silent });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

// ─── Generators ────────────────────────────────────────────────────────────────────────────

const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('', 'usr1', 'usr2', 'a@b.co', 'true', '1e999'));
const loose = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 1 }));
const userJson = fc.record(
  {
    id: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('usr1', 'usr2', 'usr3', 'usr4') }, { weight: 1, arbitrary: loose }),
    userName: fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: loose }),
    active: fc.oneof(fc.boolean(), fc.constantFrom('true', 'False', 'nope'), loose),
    emails: fc.oneof(fc.array(fc.record({ value: loose, primary: loose }, { requiredKeys: [] }), { maxLength: 2 }), loose),
    name: fc.oneof(fc.record({ givenName: loose, familyName: loose }, { requiredKeys: [] }), loose),
  },
  { requiredKeys: [] },
);
const groupJson = fc.record(
  {
    id: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('ugp1', 'ugp2') }, { weight: 1, arbitrary: loose }),
    displayName: loose,
    members: fc.oneof(fc.array(fc.record({ value: fc.oneof(fc.constantFrom('usr1', 'usr2'), loose), display: loose }, { requiredKeys: [] }), { maxLength: 3 }), loose),
  },
  { requiredKeys: [] },
);
const count = fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constantFrom('3', '-1', 'x', null));
const listJson = fc.record(
  { schemas: fc.constant(['urn:ietf:params:scim:api:messages:2.0:ListResponse']), totalResults: count, startIndex: count, itemsPerPage: count, Resources: fc.oneof({ weight: 4, arbitrary: fc.array(userJson, { maxLength: 4 }) }, { weight: 1, arbitrary: loose }) },
  { requiredKeys: ['Resources'] },
);
const errorJson = fc.record({ status: fc.oneof(fc.integer({ min: 100, max: 599 }).map(String), loose), scimType: fc.oneof(fc.constantFrom('noTarget', 'invalidValue'), loose), detail: fc.oneof(fc.constantFrom('invalid group ID', 'User not found', `Bearer ${TOKEN}`), text) }, { requiredKeys: [] });

/** A body as a server might send it: JSON of `json`, that JSON cut short, some other text, or nothing. */
const bodyOf = (json: fc.Arbitrary<unknown>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: json.map((v) => JSON.stringify(v) ?? '') },
    { weight: 1, arbitrary: fc.tuple(json, fc.nat()).map(([v, n]) => { const s = JSON.stringify(v) ?? ''; return s.slice(0, n % (s.length + 1)); }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.constantFrom('', '   ', '<html><body>Sign in</body></html>', 'null', '[]', '{"Resources":', `{"detail":"Bearer ${TOKEN}"}`) },
  );
// 407 is left out: Node's fetch (undici) treats a proxy-authentication challenge as a connection
// failure of its own, before the client sees a response; no SCIM server answers with it.
const status = fc.oneof(
  { weight: 3, arbitrary: fc.constant(200) },
  { weight: 2, arbitrary: fc.integer({ min: 200, max: 599 }).filter((code) => code !== 407) },
  { weight: 1, arbitrary: fc.constantFrom(201, 204, 301, 400, 401, 403, 404, 409, 429, 500, 503) },
);

// ─── Oracles ───────────────────────────────────────────────────────────────────────────────

const isSuccess = (code: number) => code >= 200 && code < 300;
// Fetch's "null body statuses" (WHATWG Fetch §2.2.3): the body never reaches the client.
const bodyOnWire = (a: TAnswer) => ([204, 205, 304].includes(a.status) ? '' : a.body);

function jsonOf(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.trim()) };
  } catch {
    return { ok: false };
  }
}

/** What the client must throw for a non-2xx answer: exactly what errorFromResponse classifies. */
function expectHttpError(error: unknown, a: TAnswer, method: 'GET', path: string): void {
  expect(error).toBeInstanceOf(ScimError);
  const parsed = jsonOf(bodyOnWire(a));
  const expected = errorFromResponse({ status: a.status, body: parseErrorBody(parsed.ok ? parsed.value : null), method, path, attempts: 1, secrets: [TOKEN] });
  expect(error).toMatchObject({ kind: expected.kind, status: a.status, detail: expected.detail, scimType: expected.scimType, path, method });
}

/** A 2xx whose body is not the expected resource: a 'protocol' ScimError saying why. */
function expectProtocolError(error: unknown, a: TAnswer): void {
  expect(error).toBeInstanceOf(ScimError);
  const e = error as ScimError;
  expect(e.kind).toBe('protocol');
  expect(e.status).toBe(a.status);
  const wire = bodyOnWire(a).trim();
  // A 204 is an accepted empty answer (the parser receives null); any other empty 2xx is refused as such.
  if (wire === '') expect(e.message).toMatch(a.status === 204 ? /is not a JSON object/ : /empty body/);
  else if (!jsonOf(wire).ok) expect(e.message).toMatch(/truncated or malformed JSON|body is not JSON/);
  else expect(e.message).toMatch(/not a JSON object|does not match the SCIM schema|has no totalResults|ignored startIndex/);
}

function expectNoToken(error: unknown): void {
  expect(JSON.stringify(error)).not.toContain(TOKEN);
  expect(String(error)).not.toContain(TOKEN);
}

// ─── Properties ────────────────────────────────────────────────────────────────────────────

describe('SCIM client against a server answering arbitrary bodies', () => {
  it('listUsers: the parsed users of the list, each id once, or a ScimError; at most two requests', async () => {
    await fc.assert(
      fc.asyncProperty(status, bodyOf(listJson), async (code, body) => {
        answer = { status: code, body };
        requests = 0;
        const users: TScimUser[] = [];
        let failure: unknown = null;
        try {
          for await (const page of client.listUsers()) users.push(...page.resources);
        } catch (error) {
          failure = error;
        }
        // The same answer every time: the second page repeats the first, and paging stops.
        expect(requests).toBeLessThanOrEqual(2);
        if (!isSuccess(code)) {
          expectHttpError(failure, answer, 'GET', '/Users');
          expectNoToken(failure);
          return;
        }
        // The oracle: the ListResponse parsed, then each resource parsed, in order.
        const parsed = jsonOf(bodyOnWire(answer));
        let expected: TScimUser[] | null = null;
        let badIndex: number | null = null;
        if (parsed.ok) {
          try {
            const list = parseListResponse(parsed.value);
            expected = [];
            for (const [i, raw] of list.Resources.entries()) {
              try {
                expected.push(parseUser(raw));
              } catch (error) {
                if (!(error instanceof ScimSchemaError)) throw error;
                badIndex = i;
                expected = null;
                break;
              }
            }
          } catch (error) {
            if (!(error instanceof ScimSchemaError)) throw error;
          }
        }
        if (expected === null) {
          expectProtocolError(failure, answer);
          if (badIndex !== null) expect((failure as ScimError).message).toContain(`Resources[${badIndex}]`);
          return;
        }
        const firstOfEachId = expected.filter((u, i) => expected.findIndex((v) => v.id === u.id) === i);
        expect(users.map((u) => u.id)).toEqual(firstOfEachId.map((u) => u.id));
        expect(users.map((u) => ({ ...u, raw: null }))).toEqual(firstOfEachId.map((u) => ({ ...u, raw: null })));
        // Failing is only right when the server repeated a non-empty page.
        if (failure !== null) {
          expect(failure).toMatchObject({ kind: 'protocol' });
          expect((failure as ScimError).message).toMatch(/ignored startIndex/);
          expect(requests).toBe(2);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('getUser: the user, null for a 404, or a ScimError classified like errorFromResponse', async () => {
    await fc.assert(
      fc.asyncProperty(status, fc.oneof(bodyOf(userJson), bodyOf(errorJson)), async (code, body) => {
        answer = { status: code, body };
        let result: TScimUser | null | undefined;
        let failure: unknown = null;
        try {
          result = await client.getUser('usr1');
        } catch (error) {
          failure = error;
        }
        if (!isSuccess(code)) {
          if (code === 404) {
            expect(failure).toBeNull();
            expect(result).toBeNull();
            return;
          }
          expectHttpError(failure, answer, 'GET', '/Users/usr1');
          expectNoToken(failure);
          return;
        }
        const parsed = jsonOf(bodyOnWire(answer));
        let expected: TScimUser | null = null;
        try {
          expected = parsed.ok ? parseUser(parsed.value) : null;
        } catch (error) {
          if (!(error instanceof ScimSchemaError)) throw error;
        }
        if (expected === null) {
          expectProtocolError(failure, answer);
          return;
        }
        expect(failure).toBeNull();
        expect({ ...result, raw: null }).toEqual({ ...expected, raw: null });
      }),
      { numRuns: 150 },
    );
  });

  it('getGroup: the group, null when the group is gone (404 or Airtable’s 400 "invalid group ID"), or a ScimError', async () => {
    await fc.assert(
      fc.asyncProperty(status, fc.oneof(bodyOf(groupJson), bodyOf(errorJson)), async (code, body) => {
        answer = { status: code, body };
        let result: ReturnType<typeof parseGroup> | null | undefined;
        let failure: unknown = null;
        try {
          result = await client.getGroup('ugp1');
        } catch (error) {
          failure = error;
        }
        if (!isSuccess(code)) {
          const parsed = jsonOf(bodyOnWire(answer));
          const classified = errorFromResponse({ status: code, body: parseErrorBody(parsed.ok ? parsed.value : null), method: 'GET', path: '/Groups/ugp1', attempts: 1 });
          if (classified.kind === 'not_found') {
            expect(failure).toBeNull();
            expect(result).toBeNull();
            return;
          }
          expectHttpError(failure, answer, 'GET', '/Groups/ugp1');
          return;
        }
        const parsed = jsonOf(bodyOnWire(answer));
        let expected: ReturnType<typeof parseGroup> | null = null;
        try {
          expected = parsed.ok ? parseGroup(parsed.value) : null;
        } catch (error) {
          if (!(error instanceof ScimSchemaError)) throw error;
        }
        if (expected === null) {
          expectProtocolError(failure, answer);
          return;
        }
        expect(failure).toBeNull();
        expect({ ...result, raw: null }).toEqual({ ...expected, raw: null });
      }),
      { numRuns: 150 },
    );
  });
});
