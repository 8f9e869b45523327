import { isAttribute, parseEqFilter } from './filters';
import { SCHEMA_ENTERPRISE_USER, SCHEMA_GROUP, SCHEMA_PATCH_OP, SCHEMA_USER, type ScimErrorType } from './resources';
import type { SimStore, SimUser, SimUserFields } from './store';

/**
 * SCIM PATCH (RFC 7644 §3.5.2) as Airtable implements it: every operation needs a `path`
 * (DESIGN.md "Airtable requires path"), ops are applied in order, and the request is atomic —
 * one failing operation leaves the resource unchanged.
 */

export type PatchOperation = { op: 'add' | 'replace' | 'remove'; path: string; value: unknown };

/** A 400 answer with its RFC 7644 §3.12 scimType. Thrown inside the transaction to roll it back. */
export class PatchError extends Error {
  override name = 'PatchError';
  constructor(
    readonly scimType: ScimErrorType,
    message: string,
  ) {
    super(message);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validate a PatchOp body: `schemas` must name the PatchOp URN and `Operations` must be a
 * non-empty array of `{ op, path, value? }`. `op` is matched case-insensitively because
 * Entra ID sends "Replace" (RFC 7644 §3.5.2 does not say; being lenient costs nothing).
 */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isObject(body)) throw new PatchError('invalidSyntax', 'request body must be a PatchOp object');
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SCHEMA_PATCH_OP.toLowerCase())) {
    throw new PatchError('invalidSyntax', `schemas must contain ${SCHEMA_PATCH_OP}`);
  }
  const operations = body.Operations;
  if (!Array.isArray(operations) || operations.length === 0) {
    throw new PatchError('invalidSyntax', 'Operations must be a non-empty array');
  }
  return operations.map((raw, i): PatchOperation => {
    if (!isObject(raw)) throw new PatchError('invalidSyntax', `Operations[${i}] must be an object`);
    const op = typeof raw.op === 'string' ? raw.op.toLowerCase() : '';
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      throw new PatchError('invalidSyntax', `Operations[${i}].op must be add, replace or remove`);
    }
    if (typeof raw.path !== 'string' || raw.path.trim() === '') {
      // RFC 7644 §3.5.2.2: a remove without path fails with noTarget; Airtable also refuses add/replace without one.
      throw new PatchError(op === 'remove' ? 'noTarget' : 'invalidPath', `Operations[${i}].path is required`);
    }
    return { op, path: raw.path.trim(), value: raw.value };
  });
}

type UserAttribute =
  | { kind: 'string'; key: 'title' | 'givenName' | 'familyName' | 'costCenter' | 'department' | 'division' | 'organization' | 'managerValue' | 'managerDisplayName' }
  | { kind: 'active' }
  | { kind: 'userName' }
  | { kind: 'name' }
  | { kind: 'manager' }
  | { kind: 'readOnly'; name: string };

const ENTERPRISE_STRINGS = {
  costcenter: 'costCenter',
  department: 'department',
  division: 'division',
  organization: 'organization',
  'manager.value': 'managerValue',
  'manager.displayname': 'managerDisplayName',
} as const;

function resolveUserPath(path: string): UserAttribute | null {
  const lower = path.toLowerCase();
  const enterprisePrefix = `${SCHEMA_ENTERPRISE_USER.toLowerCase()}:`;
  if (lower.startsWith(enterprisePrefix)) {
    const attr = lower.slice(enterprisePrefix.length);
    if (attr === 'manager') return { kind: 'manager' };
    const key = ENTERPRISE_STRINGS[attr as keyof typeof ENTERPRISE_STRINGS];
    return key ? { kind: 'string', key } : null;
  }
  const corePrefix = `${SCHEMA_USER.toLowerCase()}:`;
  const attr = lower.startsWith(corePrefix) ? lower.slice(corePrefix.length) : lower;
  switch (attr) {
    case 'active':
      return { kind: 'active' };
    case 'username':
      return { kind: 'userName' };
    case 'title':
      return { kind: 'string', key: 'title' };
    case 'name':
      return { kind: 'name' };
    case 'name.givenname':
      return { kind: 'string', key: 'givenName' };
    case 'name.familyname':
      return { kind: 'string', key: 'familyName' };
    case 'id':
    case 'meta':
    case 'emails':
      // Airtable derives emails from userName ("Create user" page); id and meta are readOnly (RFC 7643 §3.1).
      return { kind: 'readOnly', name: attr };
    default:
      return null;
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** True when `userName` is an email: Airtable users are identified by email and emails mirror it. */
export function isValidUserName(userName: string): boolean {
  return EMAIL.test(userName);
}

function stringValue(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new PatchError('invalidValue', `${path} needs a string value`);
  return value;
}

function optionalString(value: unknown, what: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new PatchError('invalidValue', `${what} must be a string`);
  return value;
}

function applyUserOp(fields: SimUserFields, op: PatchOperation): SimUserFields {
  const attr = resolveUserPath(op.path);
  if (!attr) throw new PatchError('invalidPath', `unsupported path: ${op.path}`);
  if (attr.kind === 'readOnly') throw new PatchError('mutability', `${attr.name} cannot be modified`);
  const remove = op.op === 'remove';
  if (!remove && op.value === undefined) throw new PatchError('invalidValue', `${op.op} ${op.path} needs a value`);
  switch (attr.kind) {
    case 'active':
      if (remove) throw new PatchError('invalidValue', 'active is required and cannot be removed');
      if (typeof op.value !== 'boolean') throw new PatchError('invalidValue', 'active must be a boolean');
      return { ...fields, active: op.value };
    case 'userName': {
      if (remove) throw new PatchError('invalidValue', 'userName is required and cannot be removed');
      const userName = stringValue(op.value, op.path);
      if (!isValidUserName(userName)) throw new PatchError('invalidValue', 'userName must be an email address');
      return { ...fields, userName };
    }
    case 'string':
      return { ...fields, [attr.key]: remove ? null : stringValue(op.value, op.path) };
    case 'name': {
      if (remove) return { ...fields, givenName: null, familyName: null };
      if (typeof op.value !== 'object' || op.value === null || Array.isArray(op.value)) {
        throw new PatchError('invalidValue', 'name needs an object value');
      }
      const value = op.value as Record<string, unknown>;
      // add/replace of a complex attribute sets only the sub-attributes given (RFC 7644 §3.5.2.3).
      const next = { ...fields };
      if ('givenName' in value) next.givenName = optionalString(value.givenName, 'name.givenName');
      if ('familyName' in value) next.familyName = optionalString(value.familyName, 'name.familyName');
      return next;
    }
    case 'manager': {
      if (remove) return { ...fields, managerValue: null, managerDisplayName: null };
      if (typeof op.value === 'string') return { ...fields, managerValue: op.value, managerDisplayName: null };
      if (typeof op.value !== 'object' || op.value === null || Array.isArray(op.value)) {
        throw new PatchError('invalidValue', 'manager needs an object value { value, displayName }');
      }
      const value = op.value as Record<string, unknown>;
      return {
        ...fields,
        managerValue: optionalString(value.value, 'manager.value'),
        managerDisplayName: optionalString(value.displayName, 'manager.displayName'),
      };
    }
  }
}

/**
 * Apply PatchOp operations to a user and store the result. Null when the user does not exist;
 * throws PatchError (400) or SimConflictError (409, userName taken).
 */
export function patchUser(store: SimStore, id: string, operations: PatchOperation[]): SimUser | null {
  const current = store.getUser(id);
  if (!current) return null;
  const { id: _id, created: _c, lastModified: _m, ...fields } = current;
  const next = operations.reduce(applyUserOp, fields);
  return store.updateUser(id, next);
}

const MEMBERS_FILTER = /^members\s*\[(.*)\]$/is;

function memberIds(value: unknown, path: string): string[] {
  // RFC 7644 §3.5.2.1 example: "value": [{ "value": "2819c223…" }]; a lone object is tolerated.
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => {
    if (typeof item !== 'object' || item === null || typeof (item as Record<string, unknown>).value !== 'string') {
      throw new PatchError('invalidValue', `${path} needs [{ "value": "<user id>" }]`);
    }
    return (item as { value: string }).value;
  });
}

/**
 * Apply PatchOp operations to a group inside one transaction (all or nothing). Returns false
 * when the group does not exist. Supported: add/replace/remove `members`, remove
 * `members[value eq "usr…"]`, add/replace `displayName`. Removing a user who is not a member is
 * a no-op (RFC 7644 §3.5.2.2 defines noTarget only for a missing path; an idempotent remove lets
 * a retried revoke succeed). Throws PatchError, SimConflictError or SimUnknownUserError.
 */
export function patchGroup(store: SimStore, id: string, operations: PatchOperation[]): boolean {
  return store.transaction(() => {
    if (!store.getGroupSummary(id)) return false;
    for (const op of operations) {
      const filtered = MEMBERS_FILTER.exec(op.path);
      if (filtered) {
        const filter = parseEqFilter(filtered[1] ?? '');
        if (!filter || filter.attribute.toLowerCase() !== 'value') {
          throw new PatchError('invalidFilter', `unsupported member filter: ${op.path} (use members[value eq "usr…"])`);
        }
        if (op.op !== 'remove') throw new PatchError('invalidPath', `${op.op} is not supported on ${op.path}; use remove`);
        store.removeMembers(id, [filter.value]);
        continue;
      }
      if (isAttribute(op.path, 'members', SCHEMA_GROUP)) {
        if (op.op === 'remove') {
          // RFC 7644 §3.5.2.2: remove of a multi-valued attribute without a filter removes all values;
          // with a value list (the form Entra ID sends) only those.
          if (op.value === undefined) store.setGroupMembers(id, []);
          else store.removeMembers(id, memberIds(op.value, op.path));
        } else if (op.op === 'add') store.addMembers(id, memberIds(op.value, op.path));
        else store.setGroupMembers(id, op.value === null ? [] : memberIds(op.value, op.path));
        continue;
      }
      if (isAttribute(op.path, 'displayName', SCHEMA_GROUP)) {
        if (op.op === 'remove') throw new PatchError('invalidValue', 'displayName is required and cannot be removed');
        if (typeof op.value !== 'string' || op.value.trim() === '') {
          throw new PatchError('invalidValue', 'displayName must be a non-empty string');
        }
        store.renameGroup(id, op.value);
        continue;
      }
      if (isAttribute(op.path, 'id', SCHEMA_GROUP) || isAttribute(op.path, 'meta', SCHEMA_GROUP)) {
        throw new PatchError('mutability', `${op.path} cannot be modified`);
      }
      throw new PatchError('invalidPath', `unsupported path: ${op.path}`);
    }
    return true;
  });
}
