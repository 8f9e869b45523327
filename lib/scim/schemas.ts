import { z } from 'zod';

/**
 * SCIM resource schemas, validated at the boundary and normalised to the flat shapes the snapshot
 * stores. Tolerant of what real servers send (RFC 7643 is loose and servers are looser): keys in
 * any case, `status` as number or string, `active` as "true"/"false", nulls for absent values,
 * missing `meta`, missing `Resources` when nothing matched, and extra fields.
 */

export const SCHEMA_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCHEMA_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const SCHEMA_ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const SCHEMA_LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SCHEMA_PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SCHEMA_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

// Every attribute name this module reads, in its canonical spelling (RFC 7643 §4, §7; RFC 7644 §3.4.2, §3.5.2, §3.12).
const CANONICAL_KEYS = [
  'schemas', 'id', 'externalId', 'meta', 'resourceType', 'created', 'lastModified', 'location', 'version',
  'userName', 'name', 'formatted', 'givenName', 'familyName', 'middleName', 'displayName', 'nickName',
  'title', 'active', 'emails', 'value', 'type', 'primary', 'display', '$ref', 'members',
  'costCenter', 'department', 'division', 'organization', 'manager', 'employeeNumber',
  'totalResults', 'itemsPerPage', 'startIndex', 'Resources',
  'Operations', 'op', 'path', 'detail', 'status', 'scimType',
  SCHEMA_ENTERPRISE_USER,
] as const;

const canonicalByLower = new Map<string, string>(CANONICAL_KEYS.map((k) => [k.toLowerCase(), k]));

/**
 * Rewrite known attribute names to their canonical case, recursively. Unknown keys are kept as
 * they are, except `__proto__` (dropped). RFC 7643 §2.1: "Attribute names are case insensitive";
 * schema URIs are compared case-insensitively as well (§3). When a server sends both spellings,
 * the canonical one wins.
 */
export function normaliseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    // JSON.parse makes "__proto__" an own key; `out[key] = …` would set the prototype instead, and zod would then
    // read what it holds as attributes. It is no attribute name (RFC 7643 §2.1: ATTRNAME = ALPHA *(nameChar)).
    if (key === '__proto__') continue;
    const canonical = canonicalByLower.get(key.toLowerCase()) ?? key;
    if (canonical in out && key !== canonical) continue;
    out[canonical] = normaliseKeys(child);
  }
  return out;
}

// Servers send `null` for "no value" as often as they omit the key (RFC 7643 §2.5 treats both as unassigned).
const ZOptString = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? null : String(v)));

// RFC 7643 §2.3.2 says boolean; some servers serialise it as a string.
const ZLooseBoolean = z.union([
  z.boolean(),
  z
    .string()
    .transform((s) => s.trim().toLowerCase())
    .pipe(z.enum(['true', 'false']))
    .transform((s) => s === 'true'),
]);

// RFC 7644 §3.12 says status is a string; Airtable and others send a number. Accept both.
const ZHttpStatus = z.union([
  z.number().int(),
  z
    .string()
    .trim()
    .regex(/^\d{3}$/)
    .transform(Number),
]);

const ZCount = z.union([z.number().int().nonnegative(), z.string().trim().regex(/^\d+$/).transform(Number)]);

export const ZScimMeta = z.looseObject({
  resourceType: ZOptString,
  created: ZOptString,
  lastModified: ZOptString,
  location: ZOptString,
  version: ZOptString,
});

export const ZScimEmail = z.looseObject({
  value: ZOptString,
  type: ZOptString,
  primary: ZLooseBoolean.nullish(),
});

// RFC 7643 §4.3: manager.value is the manager's id in the RFC, but Airtable puts the manager's EMAIL there.
const ZScimManager = z.union([
  z.looseObject({ value: ZOptString, displayName: ZOptString, $ref: ZOptString }),
  z.string().transform((value) => ({ value, displayName: null, $ref: null })),
]);

export const ZScimEnterpriseUser = z.looseObject({
  employeeNumber: ZOptString,
  costCenter: ZOptString,
  department: ZOptString,
  division: ZOptString,
  organization: ZOptString,
  manager: ZScimManager.nullish(),
});

export const ZScimUserResource = z.looseObject({
  schemas: z.array(z.string()).nullish(),
  id: z.string().min(1),
  externalId: ZOptString,
  userName: z.string(),
  name: z
    .looseObject({ formatted: ZOptString, givenName: ZOptString, familyName: ZOptString, middleName: ZOptString })
    .nullish(),
  displayName: ZOptString,
  title: ZOptString,
  // Absent `active` has no RFC default; a server that does not model deactivation has only active accounts.
  active: ZLooseBoolean.nullish().transform((v) => v ?? true),
  emails: z.array(ZScimEmail).nullish(),
  meta: ZScimMeta.nullish(),
  [SCHEMA_ENTERPRISE_USER]: ZScimEnterpriseUser.nullish(),
});
export type TScimUserResource = z.infer<typeof ZScimUserResource>;

export const ZScimMember = z.looseObject({
  value: z.string().min(1),
  display: ZOptString,
  type: ZOptString,
  $ref: ZOptString,
});

export const ZScimGroupResource = z.looseObject({
  schemas: z.array(z.string()).nullish(),
  id: z.string().min(1),
  displayName: ZOptString,
  externalId: ZOptString,
  // Airtable's list endpoint leaves members out entirely; only GET /Groups/{id} carries them.
  members: z.array(ZScimMember).nullish(),
  meta: ZScimMeta.nullish(),
});
export type TScimGroupResource = z.infer<typeof ZScimGroupResource>;

export const ZScimListResponse = z.looseObject({
  schemas: z.array(z.string()).nullish(),
  // RFC 7644 §3.4.2 requires totalResults; a server that leaves it out is paged until an empty page.
  totalResults: ZCount.nullish().transform((v) => v ?? null),
  itemsPerPage: ZCount.nullish(),
  startIndex: ZCount.nullish(),
  // RFC 7644 §3.4.2: Resources is REQUIRED only "if totalResults is non-zero"; some servers omit it anyway.
  Resources: z.array(z.unknown()).nullish().transform((v) => v ?? []),
});
export type TScimListResponse = z.infer<typeof ZScimListResponse>;

export const ZScimErrorBody = z.looseObject({
  schemas: z.array(z.string()).nullish(),
  status: ZHttpStatus.nullish(),
  scimType: ZOptString,
  detail: ZOptString,
});
export type TScimErrorBody = z.infer<typeof ZScimErrorBody>;

export const ZPatchOperation = z.object({
  op: z.enum(['add', 'remove', 'replace']),
  path: z.string().min(1).optional(),
  value: z.unknown().optional(),
});
export type TPatchOperation = z.infer<typeof ZPatchOperation>;

export const ZPatchRequest = z.object({
  schemas: z.tuple([z.literal(SCHEMA_PATCH_OP)]),
  Operations: z.array(ZPatchOperation).min(1),
});
export type TPatchRequest = z.infer<typeof ZPatchRequest>;

/** One email of a user, normalised. */
export type TScimEmail = { value: string; type: string | null; primary: boolean };

/** A SCIM user in the flat shape the snapshot stores; `raw` is the JSON object exactly as received. */
export type TScimUser = {
  id: string;
  userName: string;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  title: string | null;
  active: boolean;
  emails: TScimEmail[];
  primaryEmail: string | null;
  costCenter: string | null;
  department: string | null;
  division: string | null;
  organization: string | null;
  managerEmail: string | null;
  managerName: string | null;
  raw: Record<string, unknown>;
};

/** One member of a group: `value` is the member's id (a user id on Airtable). */
export type TScimMember = { value: string; display: string | null; type: string | null };

/**
 * A SCIM group, normalised. `membersIncluded` is false when the server sent no `members` key
 * (Airtable's list endpoint); then `members` is empty and says nothing about the real membership.
 */
export type TScimGroup = {
  id: string;
  displayName: string | null;
  members: TScimMember[];
  membersIncluded: boolean;
  raw: Record<string, unknown>;
};

/** An RFC 7644 §3.12 error body, normalised. */
export type TScimErrorInfo = { status: number | null; scimType: string | null; detail: string | null };

export class ScimSchemaError extends Error {
  override readonly name = 'ScimSchemaError';
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(message);
  }
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ScimSchemaError(`${what} is not a JSON object`, []);
  }
  return value as Record<string, unknown>;
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(normaliseKeys(value));
  if (!result.success) {
    const issues = describeIssues(result.error);
    throw new ScimSchemaError(`${what} does not match the SCIM schema (${issues.join('; ')})`, issues);
  }
  return result.data;
}

const ZEmailAddress = z.email();
const looksLikeEmail = (s: string) => ZEmailAddress.safeParse(s).success;

/** Parse and normalise one SCIM User resource (throws `ScimSchemaError` when it is not one). */
export function parseUser(json: unknown): TScimUser {
  const raw = asRecord(json, 'User');
  const u = parseWith(ZScimUserResource, raw, 'User');
  const emails: TScimEmail[] = (u.emails ?? []).flatMap((e) =>
    e.value ? [{ value: e.value, type: e.type, primary: e.primary === true }] : [],
  );
  // RFC 7643 §4.1.2: the primary email is the one flagged primary; else the first; else the userName when it is an email (Airtable's userName is the email).
  const primaryEmail =
    emails.find((e) => e.primary)?.value ?? emails[0]?.value ?? (looksLikeEmail(u.userName) ? u.userName : null);
  const ext = u[SCHEMA_ENTERPRISE_USER];
  return {
    id: u.id,
    userName: u.userName,
    givenName: u.name?.givenName ?? null,
    familyName: u.name?.familyName ?? null,
    displayName: u.displayName,
    title: u.title,
    active: u.active,
    emails,
    primaryEmail,
    costCenter: ext?.costCenter ?? null,
    department: ext?.department ?? null,
    division: ext?.division ?? null,
    organization: ext?.organization ?? null,
    managerEmail: ext?.manager?.value ?? null,
    managerName: ext?.manager?.displayName ?? null,
    raw,
  };
}

/** Parse and normalise one SCIM Group resource (throws `ScimSchemaError` when it is not one). */
export function parseGroup(json: unknown): TScimGroup {
  const raw = asRecord(json, 'Group');
  const g = parseWith(ZScimGroupResource, raw, 'Group');
  const members = g.members ?? null;
  return {
    id: g.id,
    displayName: g.displayName,
    members: (members ?? []).map((m) => ({ value: m.value, display: m.display, type: m.type })),
    membersIncluded: members !== null,
    raw,
  };
}

/** Parse a ListResponse envelope; the resources stay unparsed so each can be reported by index. */
export function parseListResponse(json: unknown): TScimListResponse {
  asRecord(json, 'ListResponse');
  return parseWith(ZScimListResponse, json, 'ListResponse');
}

/** Parse an RFC 7644 §3.12 error body; returns null when the body is not one. */
export function parseErrorBody(json: unknown): TScimErrorInfo | null {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return null;
  const result = ZScimErrorBody.safeParse(normaliseKeys(json));
  if (!result.success) return null;
  const { status, scimType, detail } = result.data;
  if (status == null && scimType === null && detail === null) return null;
  return { status: status ?? null, scimType, detail };
}
