import { redactSecret } from '@/lib/log';
import { isGroupNotFound, isNoTarget, isScimError, isUserNotFound, type ScimError, type TScimGroup, type TScimUser } from '@/lib/scim';

/**
 * Pure decisions of the worker: what a failed PATCH means, and whether what a GET shows is the
 * wanted state. Decided by `ScimError.kind` and lib/scim's helpers, never by message text.
 */

/** What a failed PATCH means for its row. */
export type TSendFailure =
  /** The target no longer exists (user 404, Airtable's 400 "invalid group ID", `noTarget`): nothing left to remove. */
  | { kind: 'gone'; note: string; status: number | null; body: string | null }
  /** May succeed later (429, 5xx, timeout, dropped connection, unreadable answer). It may also have been applied: check before resending. */
  | { kind: 'retry'; reason: string; status: number | null; body: string | null }
  /** Refused for good (400, 401, 403, 409…): the same request would be refused again. `stopsRun` when no other row can succeed either. */
  | { kind: 'permanent'; reason: string; status: number | null; body: string | null; stopsRun: boolean };

/** The SCIM error fields as kept in `response_body` (the client keeps the parsed error, not the raw text). */
function errorBody(err: ScimError): string | null {
  if (err.status === null) return null;
  return JSON.stringify({ status: err.status, scimType: err.scimType, detail: err.detail });
}

/** `HTTP 403: Token lacks …` — the server's own reason, already redacted by lib/scim. */
function serverSays(err: ScimError): string {
  if (err.status === null) return err.message;
  const type = err.scimType ? ` ${err.scimType}` : '';
  return `HTTP ${err.status}${type}${err.detail ? `: ${err.detail}` : ''}`;
}

const TOKEN_HINT = 'The token needs the enterprise.scim.usersAndGroups:manage scope and must belong to an enterprise admin.';

export function classifySendFailure(err: unknown): TSendFailure {
  if (!isScimError(err)) {
    // RangeError from lib/scim: the stored request is not a write the client sends (a tampered or corrupt row).
    const text = err instanceof Error ? err.message : String(err);
    return { kind: 'permanent', reason: `The stored request cannot be sent: ${redactSecret(text)}`, status: null, body: null, stopsRun: false };
  }
  const status = err.status;
  const body = errorBody(err);
  if (isUserNotFound(err)) return { kind: 'gone', note: `The user no longer exists in Airtable (PATCH answered ${serverSays(err)})`, status, body };
  if (isGroupNotFound(err)) return { kind: 'gone', note: `The group no longer exists in Airtable (PATCH answered ${serverSays(err)})`, status, body };
  if (isNoTarget(err)) return { kind: 'gone', note: `The member was already gone (PATCH answered ${serverSays(err)})`, status, body };
  switch (err.kind) {
    case 'rate_limited':
      return { kind: 'retry', reason: `Rate limited by Airtable (${serverSays(err)}) after ${err.attempts} attempts`, status, body };
    case 'server':
      return { kind: 'retry', reason: `Airtable answered ${serverSays(err)}`, status, body };
    case 'network':
      return { kind: 'retry', reason: 'The connection was dropped before an answer arrived', status, body };
    case 'timeout':
      return { kind: 'retry', reason: 'No answer within the timeout', status, body };
    case 'protocol':
      // A 2xx whose body could not be read: the PATCH may well have been applied; the check before resending decides.
      return { kind: 'retry', reason: `Airtable's answer could not be read (${err.message})`, status, body };
    case 'unauthorized':
      return { kind: 'permanent', reason: `Airtable rejected the token (${serverSays(err)}). Check that it is correct and not revoked.`, status, body, stopsRun: true };
    case 'forbidden':
      return { kind: 'permanent', reason: `Airtable refused this token (${serverSays(err)}). ${TOKEN_HINT}`, status, body, stopsRun: true };
    case 'not_found':
      return { kind: 'permanent', reason: `Airtable refused the request (${serverSays(err)})`, status, body, stopsRun: false };
    case 'conflict':
    case 'bad_request':
      return { kind: 'permanent', reason: `Airtable refused the request (${serverSays(err)})`, status, body, stopsRun: false };
  }
}

/** A GET that could not be made: may a later GET succeed, and must the run stop? */
export function classifyCheckFailure(err: unknown): { reason: string; stopsRun: boolean } {
  if (!isScimError(err)) return { reason: `The check failed: ${redactSecret(err instanceof Error ? err.message : String(err))}`, stopsRun: false };
  if (err.kind === 'unauthorized' || err.kind === 'forbidden') {
    return { reason: `Could not check the target: Airtable refused the token (${serverSays(err)}). ${TOKEN_HINT}`, stopsRun: true };
  }
  return { reason: `Could not check the target: ${err.message}`, stopsRun: false };
}

/** What a verifying GET found. `inconclusive`: the answer cannot prove either way (a group returned without members). */
export type TTargetState = { wanted: boolean; inconclusive: boolean; note: string };

/** `GET /Users/{id}` (null = 404): the wanted state is "inactive" or "gone". */
export function userState(userScimId: string, user: TScimUser | null): TTargetState {
  if (user === null) return { wanted: true, inconclusive: false, note: `GET /Users/${userScimId} answered 404: the user no longer exists` };
  if (!user.active) return { wanted: true, inconclusive: false, note: `GET /Users/${userScimId} shows active: false` };
  return { wanted: false, inconclusive: false, note: `GET /Users/${userScimId} still shows active: true` };
}

/** `GET /Groups/{id}` (null = gone): the wanted state is "the user is not a member" or "the group is gone". */
export function membershipState(groupScimId: string, userScimId: string, group: TScimGroup | null): TTargetState {
  if (group === null) return { wanted: true, inconclusive: false, note: `GET /Groups/${groupScimId}: the group no longer exists` };
  if (!group.membersIncluded) {
    return { wanted: false, inconclusive: true, note: `GET /Groups/${groupScimId} returned no members attribute: the removal cannot be confirmed` };
  }
  if (group.members.some((m) => m.value === userScimId)) {
    return { wanted: false, inconclusive: false, note: `GET /Groups/${groupScimId} still lists ${userScimId} as a member` };
  }
  return { wanted: true, inconclusive: false, note: `GET /Groups/${groupScimId} does not list ${userScimId} (${group.members.length} members)` };
}
