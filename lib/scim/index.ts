/**
 * lib/scim — the SCIM 2.0 client Attest uses for every call to Airtable (or any RFC 7644 server).
 * See docs/decisions/003-scim-client.md.
 */
export { createScimClient } from './client';
export type { ScimClient, TListOptions, TScimWriteResponse, TScimClientOptions, TScimClientOptions as ScimClientOptions, TTestConnectionFailureKind, TTestConnectionResult } from './client';
export {
  ScimError,
  isScimError,
  isGroupNotFound,
  isUserNotFound,
  isNoTarget,
  isTransientKind,
  kindForStatus,
} from './errors';
export type { TScimErrorKind, TScimMethod } from './errors';
export { eqFilter } from './filter';
export type { TScimPage } from './paginate';
export {
  addMemberOp,
  assertScimId,
  deactivateUserOp,
  describeAddGroupMember,
  describeDeactivateUser,
  describeReactivateUser,
  describeRemoveGroupMember,
  groupPath,
  patchRequest,
  reactivateUserOp,
  removeMemberOp,
  userPath,
} from './patch-op';
export type { TScimWriteRequest } from './patch-op';
export { createRateLimiter } from './rate-limit';
export type { RateLimiter } from './rate-limit';
export type { TScimEvent, TScimLogger, TScimStats } from './request';
export { parseGroup, parseUser, SCHEMA_ENTERPRISE_USER, SCHEMA_PATCH_OP } from './schemas';
export type { TPatchOperation, TPatchRequest, TScimEmail, TScimGroup, TScimMember, TScimUser } from './schemas';
