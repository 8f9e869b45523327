import { SCHEMA_PATCH_OP, type TPatchOperation, type TPatchRequest } from './schemas';

/**
 * Pure builders for the SCIM PATCH writes Attest makes (RFC 7644 §3.5.2), and the exact requests
 * they become. Remediation's dry run shows `describe…()`; the client sends the very same object.
 */

/** A write as it goes on the wire, relative to the SCIM base URL. */
export type TScimWriteRequest = {
  method: 'PATCH';
  path: string;
  body: TPatchRequest;
};

// Characters that could break out of a path segment or a `members[value eq "…"]` filter, and lone
// surrogates (\p{Cs}): JSON.parse yields them from "\ud800", and encodeURIComponent throws URIError on them.
const FORBIDDEN_ID_CHARS = /["\\[\]/?#%\s\p{Cc}\p{Cs}]/u;

/**
 * Reject ids that could inject into a URL path or a PatchOp filter. Any RFC 7644 server may use
 * its own id format (Airtable: `usr`/`ugp` + 14 chars), so this is a deny-list, not a pattern.
 */
export function assertScimId(id: string, what = 'id'): string {
  if (typeof id !== 'string' || id.length === 0) throw new RangeError(`SCIM ${what} is empty`);
  if (id.length > 256) throw new RangeError(`SCIM ${what} is too long`);
  if (id === '.' || id === '..' || FORBIDDEN_ID_CHARS.test(id)) {
    throw new RangeError(`SCIM ${what} contains characters not allowed in an id: ${JSON.stringify(id)}`);
  }
  return id;
}

/** `/Users/{id}` with the id validated and percent-encoded. */
export function userPath(id: string): string {
  return `/Users/${encodeURIComponent(assertScimId(id, 'user id'))}`;
}

/** `/Groups/{id}` with the id validated and percent-encoded. */
export function groupPath(id: string): string {
  return `/Groups/${encodeURIComponent(assertScimId(id, 'group id'))}`;
}

/** Wrap operations in a PatchOp message (RFC 7644 §3.5.2). */
export function patchRequest(operations: TPatchOperation[]): TPatchRequest {
  if (operations.length === 0) throw new RangeError('A PatchOp needs at least one operation');
  return { schemas: [SCHEMA_PATCH_OP], Operations: operations };
}

/** `replace active=false`. Airtable rejects a replace without `path`, so it is always set. */
export function deactivateUserOp(): TPatchOperation {
  return { op: 'replace', path: 'active', value: false };
}

/** `replace active=true`. */
export function reactivateUserOp(): TPatchOperation {
  return { op: 'replace', path: 'active', value: true };
}

/** `remove members[value eq "<userId>"]` (RFC 7644 §3.5.2.2 value filter). */
export function removeMemberOp(userId: string): TPatchOperation {
  assertScimId(userId, 'user id');
  // The id cannot contain `"` or `\` (assertScimId), so JSON quoting equals plain quoting; it is used anyway to follow §3.4.2.2.
  return { op: 'remove', path: `members[value eq ${JSON.stringify(userId)}]` };
}

/** `add members [{value: <userId>}]` (RFC 7644 §3.5.2.1: add to a multi-valued attribute). */
export function addMemberOp(userId: string): TPatchOperation {
  assertScimId(userId, 'user id');
  return { op: 'add', path: 'members', value: [{ value: userId }] };
}

/** The exact request `deactivateUser(id)` sends. */
export function describeDeactivateUser(userId: string): TScimWriteRequest {
  return { method: 'PATCH', path: userPath(userId), body: patchRequest([deactivateUserOp()]) };
}

/** The exact request `reactivateUser(id)` sends. */
export function describeReactivateUser(userId: string): TScimWriteRequest {
  return { method: 'PATCH', path: userPath(userId), body: patchRequest([reactivateUserOp()]) };
}

/** The exact request `removeGroupMember(groupId, userId)` sends. */
export function describeRemoveGroupMember(groupId: string, userId: string): TScimWriteRequest {
  return { method: 'PATCH', path: groupPath(groupId), body: patchRequest([removeMemberOp(userId)]) };
}

/** The exact request `addGroupMember(groupId, userId)` sends. */
export function describeAddGroupMember(groupId: string, userId: string): TScimWriteRequest {
  return { method: 'PATCH', path: groupPath(groupId), body: patchRequest([addMemberOp(userId)]) };
}
