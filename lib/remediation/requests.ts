import type { TItemKind, TRemediationKind } from '@/db/schema';
import { describeDeactivateUser, describeRemoveGroupMember, type TScimWriteRequest } from '@/lib/scim';
import type { TStoredRequest } from './types';

/**
 * Pure: which SCIM request removes an access, the idempotency keys, and the text fixed in an
 * outbox row. The request is built by lib/scim's `describe…()` (the same object the client
 * sends), serialised once at enqueue, and never rebuilt: a retry or a resumed worker sends the
 * stored bytes.
 */

/** An account revoke deactivates the user (never DELETE: it keeps the audit trail and reactivation restores access). */
export function remediationKindOf(itemKind: TItemKind): TRemediationKind {
  return itemKind === 'account' ? 'deactivate_user' : 'remove_membership';
}

export type TTarget = { kind: TRemediationKind; userScimId: string; groupScimId: string | null };

/** The write that puts a target in the wanted state. Throws RangeError for an id that cannot go in a path or filter safely. */
export function describeRemediation(target: TTarget): TScimWriteRequest {
  if (target.kind === 'deactivate_user') return describeDeactivateUser(target.userScimId);
  if (target.groupScimId === null) throw new RangeError('A membership removal needs a group id');
  return describeRemoveGroupMember(target.groupScimId, target.userScimId);
}

/** The request columns of an outbox row. */
export function requestColumns(target: TTarget): { requestMethod: string; requestPath: string; requestBody: string } {
  const write = describeRemediation(target);
  return { requestMethod: write.method, requestPath: write.path, requestBody: JSON.stringify(write.body) };
}

/** The stored request as the client takes it back. `body` is parsed; the client validates it again before sending. */
export function storedWrite(row: { requestMethod: string; requestPath: string; requestBody: string }): TScimWriteRequest {
  return { method: row.requestMethod as TScimWriteRequest['method'], path: row.requestPath, body: JSON.parse(row.requestBody) as TScimWriteRequest['body'] };
}

/** The stored request for display and export. */
export function storedRequest(row: { requestMethod: string; requestPath: string; requestBody: string }): TStoredRequest {
  let body: unknown;
  try {
    body = JSON.parse(row.requestBody) as unknown;
  } catch {
    body = row.requestBody;
  }
  return { method: row.requestMethod, path: row.requestPath, body };
}

/** One row per revoke item, ever: enqueueing the same campaign again writes nothing. */
export const campaignItemKey = (campaignId: number, itemId: number): string => `campaign:${campaignId}:item:${itemId}`;

/** One row per user per stale-account batch (the batch is the audit row that asked for it). */
export const staleUserKey = (batchId: number, userScimId: string): string => `stale:${batchId}:user:${userScimId}`;

/** Why a campaign revoke is pushed, in words kept on the row. */
export function campaignRevokeReason(r: { decidedByEmail: string | null; decidedByRule: boolean; comment: string | null }): string {
  if (r.decidedByRule) return r.comment ?? 'Undecided when the campaign closed: revoked by the campaign rule';
  const who = r.decidedByEmail ?? 'a reviewer';
  return r.comment ? `Revoked by ${who}: ${r.comment}` : `Revoked by ${who} (no justification given)`;
}

const RESPONSE_BODY_LIMIT = 16_000;

/**
 * A response body as kept on the row. A group's PATCH answer lists every member (megabytes for a
 * big group), so it is cut at 16,000 characters with a marker saying how long it was.
 */
export function responseBodyText(body: unknown): string | null {
  if (body === null || body === undefined) return null;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  if (text.length <= RESPONSE_BODY_LIMIT) return text;
  return `${text.slice(0, RESPONSE_BODY_LIMIT)}… [truncated: ${text.length} characters in total]`;
}
