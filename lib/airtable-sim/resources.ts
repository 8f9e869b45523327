import type { SimGroup, SimGroupWithMembers, SimMember, SimUser } from './store';

/**
 * How the simulator renders its state as SCIM JSON, shaped after Airtable's OpenAPI description
 * (lib/airtable-sim/contract/airtable-scim-openapi.yaml) and RFC 7643. Absent values are omitted,
 * never `null`: the OpenAPI types them as plain strings.
 */

export const SCHEMA_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCHEMA_ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const SCHEMA_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const SCHEMA_LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SCHEMA_PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SCHEMA_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SCIM_CONTENT_TYPE = 'application/scim+json';

export type JsonObject = { [key: string]: unknown };

/** RFC 7644 §3.12 error types the simulator uses. */
export type ScimErrorType =
  | 'invalidFilter'
  | 'uniqueness'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'mutability';

const iso = (ms: number): string => new Date(ms).toISOString();

/** A User resource; `meta.location` is relative, as in Airtable's own example (`/scim/v2/Users/usr…`). */
export function renderUser(user: SimUser, basePath: string): JsonObject {
  const name: JsonObject = {};
  if (user.givenName !== null) name.givenName = user.givenName;
  if (user.familyName !== null) name.familyName = user.familyName;
  const enterprise: JsonObject = {};
  if (user.costCenter !== null) enterprise.costCenter = user.costCenter;
  if (user.department !== null) enterprise.department = user.department;
  if (user.division !== null) enterprise.division = user.division;
  if (user.organization !== null) enterprise.organization = user.organization;
  if (user.managerValue !== null) {
    enterprise.manager =
      user.managerDisplayName === null
        ? { value: user.managerValue }
        : { value: user.managerValue, displayName: user.managerDisplayName };
  }
  const resource: JsonObject = {
    schemas: [SCHEMA_USER, SCHEMA_ENTERPRISE_USER],
    id: user.id,
    userName: user.userName,
    name,
    active: user.active,
    // Airtable "Create user": "the emails array will include a single entry that matches the username".
    emails: [{ value: user.userName, primary: true, type: 'work' }],
  };
  if (user.title !== null) resource.title = user.title;
  resource[SCHEMA_ENTERPRISE_USER] = enterprise;
  resource.meta = {
    resourceType: 'User',
    created: iso(user.created),
    lastModified: iso(user.lastModified),
    location: `${basePath}/Users/${user.id}`,
  };
  return resource;
}

/** A member's `display`: the person's name when known, else the userName (RFC 7643 §4.2 "display"). */
function memberDisplay(member: SimMember): string {
  const name = [member.givenName, member.familyName].filter((p): p is string => Boolean(p)).join(' ');
  return name || member.userName;
}

/**
 * A Group resource. `members` only when given: Airtable's list endpoint returns groups without
 * members (DESIGN.md), GET /Groups/{id} with them.
 */
export function renderGroup(group: SimGroup | SimGroupWithMembers, basePath: string): JsonObject {
  const resource: JsonObject = { schemas: [SCHEMA_GROUP], id: group.id, displayName: group.displayName };
  if ('members' in group) resource.members = group.members.map((m) => ({ value: m.userId, display: memberDisplay(m) }));
  resource.meta = {
    resourceType: 'Group',
    created: iso(group.created),
    lastModified: iso(group.lastModified),
    location: `${basePath}/Groups/${group.id}`,
  };
  return resource;
}

/** RFC 7644 §3.4.2 ListResponse. `Resources` is always present (the OpenAPI makes it required). */
export function renderList(total: number, startIndex: number, resources: JsonObject[]): JsonObject {
  return {
    schemas: [SCHEMA_LIST_RESPONSE],
    totalResults: total,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/**
 * RFC 7644 §3.12 Error. `status` is a string, as RFC 7644 and the OpenAPI say, unless
 * `numericStatus`: Airtable sends a number in some responses (DESIGN.md), and the simulator
 * does so on its 429s so that clients are exercised with both.
 */
export function renderError(
  status: number,
  detail: string,
  scimType?: ScimErrorType,
  numericStatus = false,
): JsonObject {
  const body: JsonObject = { schemas: [SCHEMA_ERROR], status: numericStatus ? status : String(status) };
  if (scimType) body.scimType = scimType;
  body.detail = detail;
  return body;
}
