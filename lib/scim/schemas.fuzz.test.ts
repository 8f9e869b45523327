import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseErrorBody,
  parseGroup,
  parseListResponse,
  parseUser,
  SCHEMA_ENTERPRISE_USER,
  ScimSchemaError,
  type TScimGroup,
  type TScimUser,
} from './schemas';

/**
 * Property-based tests of the SCIM response parsers: whatever a server sends, the result is either
 * a value of the documented flat shape or a ScimSchemaError saying what did not match, never a
 * TypeError and never a value that breaks the type (empty ids, non-boolean `active`…).
 */

const NUM_RUNS = 300;

// ─── Generators ────────────────────────────────────────────────────────────────────────────

const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.constantFrom('', ' ', 'usr00000000000000', 'Ann.Lee@Northwind.example', 'a@b.co', 'null', 'true', 'FALSE', ' false ', '0', '日本語', '😀', '\u0000', '\ud800') },
  { weight: 1, arbitrary: fc.integer({ min: 5_000, max: 20_000 }).map((n) => 'x'.repeat(n)) },
);
const wrong = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.array(text, { maxLength: 3 }),
  fc.dictionary(text, text, { maxKeys: 3 }),
);
const maybe = <T,>(right: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: right }, { weight: 1, arbitrary: wrong });

const email = fc.record(
  { value: maybe(text), type: maybe(fc.constantFrom('work', 'home', 'other')), primary: maybe(fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 'TRUE', ' False ', 'yes'))) },
  { requiredKeys: [] },
);
const userShaped = fc.record(
  {
    schemas: maybe(fc.array(text, { maxLength: 3 })),
    id: maybe(text),
    externalId: maybe(text),
    userName: maybe(text),
    name: maybe(fc.record({ givenName: maybe(text), familyName: maybe(text), formatted: maybe(text) }, { requiredKeys: [] })),
    displayName: maybe(text),
    title: maybe(text),
    active: maybe(fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', ' TRUE ', 'False', 'yes', '1', ''))),
    emails: maybe(fc.array(email, { maxLength: 4 })),
    meta: maybe(fc.record({ resourceType: maybe(text), created: maybe(text), location: maybe(text) }, { requiredKeys: [] })),
    [SCHEMA_ENTERPRISE_USER]: maybe(
      fc.record(
        {
          department: maybe(text),
          costCenter: maybe(text),
          division: maybe(text),
          organization: maybe(text),
          manager: maybe(fc.oneof(text, fc.record({ value: maybe(text), displayName: maybe(text) }, { requiredKeys: [] }))),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);
const member = fc.record({ value: maybe(text), display: maybe(text), type: maybe(fc.constantFrom('User', 'Group')) }, { requiredKeys: [] });
const groupShaped = fc.record(
  { schemas: maybe(fc.array(text, { maxLength: 2 })), id: maybe(text), displayName: maybe(text), members: maybe(fc.array(member, { maxLength: 5 })), meta: maybe(fc.record({ location: maybe(text) })) },
  { requiredKeys: [] },
);

/** Keys that are no SCIM attribute, including the ones that name Object.prototype members. */
const extraKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'urn:vendor:ext:1.0', 'x-airtable', 'Extra'),
  fc.string({ maxLength: 12 }).map((s) => `x-${s}`),
);
// An extra key's value that looks like the attributes it must not be mistaken for.
const extraValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.record({ id: text, userName: text, active: fc.boolean(), members: fc.array(member, { maxLength: 2 }), totalResults: fc.nat(), Resources: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }), detail: text, status: fc.integer({ min: 100, max: 599 }) }, { requiredKeys: [] }),
);
const extras = fc.array(fc.tuple(extraKey, extraValue), { minLength: 1, maxLength: 3 });

/** `base` plus `more` as own data properties, the way JSON.parse creates them (even for "__proto__"). */
function withOwnKeys(base: Record<string, unknown>, more: ReadonlyArray<readonly [string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of [...Object.entries(base), ...more]) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

/** A random upper/lower casing of an attribute name (RFC 7643 §2.1: names are case-insensitive). */
const recase = (key: string, mask: number): string =>
  [...key].map((c, i) => ((mask >> i % 30) & 1 ? c.toUpperCase() : c.toLowerCase())).join('');

function outcome<T>(fn: () => T): { ok: true; value: T } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

// ─── Invariants ────────────────────────────────────────────────────────────────────────────

const isStringOrNull = (v: unknown): boolean => v === null || typeof v === 'string';

function expectSchemaError(error: unknown, what: string): void {
  expect(error).toBeInstanceOf(ScimSchemaError);
  const e = error as ScimSchemaError;
  expect(e.message.startsWith(`${what} `)).toBe(true);
  expect(e.issues.length).toBeLessThanOrEqual(5);
  if (e.issues.length > 0) expect(e.message).toContain(e.issues[0] as string);
}

function expectUserShape(u: TScimUser, input: unknown): void {
  expect(typeof u.id).toBe('string');
  expect(u.id.length).toBeGreaterThan(0);
  expect(typeof u.userName).toBe('string');
  expect(typeof u.active).toBe('boolean');
  for (const key of ['givenName', 'familyName', 'displayName', 'title', 'costCenter', 'department', 'division', 'organization', 'managerEmail', 'managerName', 'primaryEmail'] as const) {
    expect(isStringOrNull(u[key]), key).toBe(true);
  }
  expect(Array.isArray(u.emails)).toBe(true);
  for (const e of u.emails) {
    expect(typeof e.value).toBe('string');
    expect(e.value.length).toBeGreaterThan(0);
    expect(isStringOrNull(e.type)).toBe(true);
    expect(typeof e.primary).toBe('boolean');
  }
  // RFC 7643 §4.1.2: the primary email, else the first, else the userName when it is an email.
  const expectedPrimary = u.emails.find((e) => e.primary)?.value ?? u.emails[0]?.value;
  if (expectedPrimary !== undefined) expect(u.primaryEmail).toBe(expectedPrimary);
  else expect([null, u.userName]).toContain(u.primaryEmail);
  expect(u.raw).toBe(input);
}

function expectGroupShape(g: TScimGroup, input: unknown): void {
  expect(typeof g.id).toBe('string');
  expect(g.id.length).toBeGreaterThan(0);
  expect(isStringOrNull(g.displayName)).toBe(true);
  for (const m of g.members) {
    expect(typeof m.value).toBe('string');
    expect(m.value.length).toBeGreaterThan(0);
    expect(isStringOrNull(m.display)).toBe(true);
    expect(isStringOrNull(m.type)).toBe(true);
  }
  if (!g.membersIncluded) expect(g.members).toEqual([]);
  expect(g.raw).toBe(input);
}

/** What the RFC (and this module's tolerance) says `active` becomes, or 'invalid'. */
function expectedActive(value: unknown): boolean | 'invalid' {
  if (value === undefined || value === null) return true;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && ['true', 'false'].includes(value.trim().toLowerCase())) return value.trim().toLowerCase() === 'true';
  return 'invalid';
}

// ─── Properties ────────────────────────────────────────────────────────────────────────────

describe('parseUser with arbitrary input', () => {
  it('returns a well-formed user or throws a ScimSchemaError, for any value at all', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 3 }), (input) => {
        const result = outcome(() => parseUser(input));
        if (result.ok) expectUserShape(result.value, input);
        else expectSchemaError(result.error, 'User');
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('on user-shaped records with wrong types, missing and huge fields: id, userName and active decide acceptance as documented', () => {
    fc.assert(
      fc.property(userShaped, (input) => {
        const result = outcome(() => parseUser(input));
        const idOk = typeof input.id === 'string' && input.id.length > 0;
        const userNameOk = typeof input.userName === 'string';
        const active = expectedActive(input.active);
        if (!idOk || !userNameOk || active === 'invalid') {
          expect(result.ok).toBe(false);
          if (!result.ok) expectSchemaError(result.error, 'User');
          return;
        }
        if (!result.ok) {
          expectSchemaError(result.error, 'User');
          return;
        }
        expectUserShape(result.value, input);
        expect(result.value.id).toBe(input.id);
        expect(result.value.userName).toBe(input.userName);
        expect(result.value.active).toBe(active);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('reads attribute names case-insensitively: any casing of the keys parses to the same user', () => {
    fc.assert(
      fc.property(userShaped, fc.integer({ min: 0, max: 2 ** 30 - 1 }), (input, mask) => {
        const recased = Object.fromEntries(Object.entries(input).map(([k, v]) => [recase(k, mask), v]));
        const a = outcome(() => parseUser(input));
        const b = outcome(() => parseUser(recased));
        expect(b.ok).toBe(a.ok);
        if (a.ok && b.ok) expect({ ...b.value, raw: null }).toEqual({ ...a.value, raw: null });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('ignores keys that are no SCIM attribute ("__proto__", "constructor", vendor extensions), whatever they hold', () => {
    fc.assert(
      fc.property(userShaped, extras, (input, more) => {
        const a = outcome(() => parseUser(input));
        const b = outcome(() => parseUser(withOwnKeys(input, more)));
        expect(b.ok).toBe(a.ok);
        if (a.ok && b.ok) expect({ ...b.value, raw: null }).toEqual({ ...a.value, raw: null });
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('parseGroup with arbitrary input', () => {
  it('returns a well-formed group or throws a ScimSchemaError, for any value at all', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything({ maxDepth: 3 }), groupShaped), (input) => {
        const result = outcome(() => parseGroup(input));
        if (result.ok) expectGroupShape(result.value, input);
        else expectSchemaError(result.error, 'Group');
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('says whether members were sent: membersIncluded exactly when `members` is an array, and then every member is kept', () => {
    fc.assert(
      fc.property(groupShaped, (input) => {
        const result = outcome(() => parseGroup(input));
        if (!(typeof input.id === 'string' && input.id.length > 0)) {
          expect(result.ok).toBe(false);
          return;
        }
        if (!result.ok) {
          expectSchemaError(result.error, 'Group');
          return;
        }
        expectGroupShape(result.value, input);
        expect(result.value.membersIncluded).toBe(Array.isArray(input.members));
        if (Array.isArray(input.members)) expect(result.value.members.map((m) => m.value)).toEqual((input.members as Array<{ value?: unknown }>).map((m) => m.value));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('ignores keys that are no SCIM attribute, whatever they hold', () => {
    fc.assert(
      fc.property(groupShaped, extras, (input, more) => {
        const a = outcome(() => parseGroup(input));
        const b = outcome(() => parseGroup(withOwnKeys(input, more)));
        expect(b.ok).toBe(a.ok);
        if (a.ok && b.ok) expect({ ...b.value, raw: null }).toEqual({ ...a.value, raw: null });
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('parseListResponse with arbitrary input', () => {
  const count = fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.constantFrom('2', ' 10 ', '-1', '1e3', 'many', ''), wrong);
  const listShaped = fc.record(
    { schemas: maybe(fc.array(text, { maxLength: 2 })), totalResults: count, itemsPerPage: count, startIndex: count, Resources: maybe(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 })) },
    { requiredKeys: [] },
  );

  it('returns Resources as an array and counts as non-negative integers, or throws a ScimSchemaError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything({ maxDepth: 3 }), listShaped), (input) => {
        const result = outcome(() => parseListResponse(input));
        if (!result.ok) {
          expectSchemaError(result.error, 'ListResponse');
          return;
        }
        const list = result.value;
        expect(Array.isArray(list.Resources)).toBe(true);
        for (const n of [list.totalResults, list.itemsPerPage ?? null, list.startIndex ?? null]) {
          if (n !== null) expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
        }
        const sent = (input as Record<string, unknown>).Resources;
        expect(list.Resources).toEqual(Array.isArray(sent) ? sent : []);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('ignores keys that are no SCIM attribute, whatever they hold', () => {
    fc.assert(
      fc.property(listShaped, extras, (input, more) => {
        const a = outcome(() => parseListResponse(input));
        const b = outcome(() => parseListResponse(withOwnKeys(input, more)));
        expect(b.ok).toBe(a.ok);
        if (a.ok && b.ok) {
          expect(b.value.totalResults).toEqual(a.value.totalResults);
          expect(b.value.Resources).toEqual(a.value.Resources);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('parseErrorBody with arbitrary input', () => {
  const errorShaped = fc.record(
    { schemas: maybe(fc.array(text, { maxLength: 2 })), status: fc.oneof(fc.integer({ min: 100, max: 599 }), fc.constantFrom('404', ' 429 ', '4040', 'x'), wrong), scimType: maybe(text), detail: maybe(text) },
    { requiredKeys: [] },
  );

  it('returns null or {status, scimType, detail} with at least one of them set, never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything({ maxDepth: 3 }), errorShaped), (input) => {
        const info = parseErrorBody(input);
        if (info === null) return;
        expect(Object.keys(info).sort()).toEqual(['detail', 'scimType', 'status']);
        expect(info.status === null || Number.isInteger(info.status)).toBe(true);
        expect(isStringOrNull(info.scimType)).toBe(true);
        expect(isStringOrNull(info.detail)).toBe(true);
        expect(info.status !== null || info.scimType !== null || info.detail !== null).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('reads the detail the server sent, and ignores keys that are no SCIM attribute', () => {
    fc.assert(
      fc.property(errorShaped, extras, (input, more) => {
        const a = parseErrorBody(input);
        if (a !== null && typeof input.detail === 'string') expect(a.detail).toBe(input.detail);
        expect(parseErrorBody(withOwnKeys(input, more))).toEqual(a);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('regressions found by the properties above', () => {
  // JSON.parse keeps "__proto__" as an own key; normaliseKeys used to assign it, which set the
  // prototype of the normalised object, and zod read the inherited values as attributes.
  it('does not read attributes out of a "__proto__" key', () => {
    const group = JSON.parse('{"id":"ugp1","__proto__":{"members":[{"value":"usr1"}]}}') as unknown;
    expect(parseGroup(group)).toMatchObject({ id: 'ugp1', members: [], membersIncluded: false });
    expect(() => parseGroup(JSON.parse('{"__proto__":{"id":"ugp1"}}'))).toThrow(ScimSchemaError);
    const user = JSON.parse('{"__proto__":{"id":"usrEVIL","active":false},"ID":"usrREAL","userName":"u@x.io"}') as unknown;
    expect(parseUser(user)).toMatchObject({ id: 'usrREAL', active: true });
    expect(parseListResponse(JSON.parse('{"__proto__":{"totalResults":5,"Resources":[{"id":"a"}]}}'))).toMatchObject({ totalResults: null, Resources: [] });
    expect(parseErrorBody(JSON.parse('{"__proto__":{"status":404,"detail":"gone"}}'))).toBeNull();
  });
});
