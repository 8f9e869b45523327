import 'server-only';
import { z } from 'zod';
import type { TExecutor } from '@/db/client';
import { appendAudit, AUDIT_ID_LIMIT, type TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import {
  countRevokeItems,
  findOpenDeactivations,
  findSnapshotUsers,
  getCampaignRef,
  getLatestCompleteSnapshotId,
  insertActionIfNew,
  listRevokeItems,
  nowIso,
  writeTransaction,
} from './queries';
import { campaignItemKey, campaignRevokeReason, remediationKindOf, requestColumns, staleUserKey } from './requests';
import type { TEnqueueResult, TStaleEnqueueResult } from './types';

/**
 * Writing the outbox: one row per access to remove, with the exact request fixed at that moment.
 * Both functions are synchronous and write inside one transaction (STYLE.md: write first, push
 * after commit); nothing here talks to Airtable.
 */

const BATCH = 2_000;

/** The request for a target, or an AppError naming it (`what`) when its ids cannot be put in a request safely. */
function requestFor(what: string, target: Parameters<typeof requestColumns>[0]): ReturnType<typeof requestColumns> {
  try {
    return requestColumns(target);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new AppError('invalid', `${what} cannot be sent to Airtable: ${why}. Nothing was queued.`);
  }
}

/**
 * Write one outbox row per revoke item of a campaign, inside the caller's transaction (the close):
 * account → `PATCH /Users/{id}` replace `active` false; membership → `PATCH /Groups/{id}` remove
 * `members[value eq "usr…"]`. A user whose account and memberships are both revoked gets all of
 * them: Airtable keeps the memberships of a deactivated user, and a reactivation would restore
 * them. Idempotent by `campaign:<id>:item:<itemId>` (INSERT … ON CONFLICT DO NOTHING): running it
 * again adds nothing. Refuses a campaign that is not closed, unless it revokes immediately.
 */
export function enqueueCampaignRevocations(tx: TExecutor, campaignId: number, actor: TActor): TEnqueueResult {
  const campaign = getCampaignRef(campaignId, tx);
  if (!campaign) throw new AppError('not_found', 'Campaign not found.');
  if (campaign.status !== 'closed' && !campaign.revokeImmediately) {
    throw new AppError('conflict', `"${campaign.name}" is ${campaign.status}: its revocations are queued when it closes.`);
  }
  const updatedAt = nowIso();
  const revoked = countRevokeItems(campaignId, 'revoked');
  const total = revoked.account + revoked.membership;
  let queued = 0;
  for (let after = 0; ; ) {
    const items = listRevokeItems(campaignId, 'revoked', { afterItemId: after, limit: BATCH, withoutRow: true });
    if (items.length === 0) break;
    for (const item of items) {
      const kind = remediationKindOf(item.kind);
      const inserted = insertActionIfNew({
        idempotencyKey: campaignItemKey(campaignId, item.itemId),
        source: 'campaign',
        campaignId,
        itemId: item.itemId,
        kind,
        userScimId: item.userScimId,
        groupScimId: kind === 'remove_membership' ? item.groupScimId : null,
        userEmail: item.userEmail,
        groupName: kind === 'remove_membership' ? item.groupName : null,
        reason: campaignRevokeReason({ decidedByEmail: item.decidedByEmail, decidedByRule: item.decidedByRule === 1, comment: item.comment }),
        ...requestFor(`Review item #${item.itemId}`, { kind, userScimId: item.userScimId, groupScimId: item.groupScimId }),
        // The person who asked for the removal: the reviewer, or whoever closed under the revoke rule.
        requestedByEmail: item.decidedByEmail ?? actor.email,
        updatedAt,
      });
      if (inserted) queued++;
    }
    after = items[items.length - 1]!.itemId;
  }
  return { queued, alreadyQueued: total - queued, total };
}

export const ZStaleDeactivationInput = z.object({
  userScimIds: z
    .array(z.string().trim().min(1).max(256))
    .min(1, 'choose at least one user')
    .max(10_000, 'at most 10,000 users at once'),
  justification: z.string().trim().min(1, 'explain why these accounts should be deactivated').max(2_000),
});
export type TStaleDeactivationInput = z.input<typeof ZStaleDeactivationInput>;

/**
 * Queue the deactivation of stale accounts (the stale-accounts page). Every user must be in the
 * latest complete snapshot (otherwise nothing is written and the error names them); a user whose
 * deactivation is already waiting or in progress is not queued twice. The batch is the audit row
 * `remediation.enqueued` that records the justification; its id is in every row's key
 * (`stale:<batch>:user:<scimId>`). Send them with `startRemediation(actor, {})`.
 */
export function enqueueStaleDeactivations(actor: TActor, input: TStaleDeactivationInput): TStaleEnqueueResult {
  const parsed = ZStaleDeactivationInput.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) (fieldErrors[String(issue.path[0] ?? 'input')] ??= []).push(issue.message);
    throw new AppError('invalid', parsed.error.issues[0]?.message ?? 'Invalid input.', fieldErrors);
  }
  const ids = [...new Set(parsed.data.userScimIds)];
  const justification = parsed.data.justification;
  return writeTransaction((tx) => {
    const snapshotId = getLatestCompleteSnapshotId(tx);
    if (snapshotId === null) throw new AppError('conflict', 'There is no complete snapshot yet: take one before deactivating stale accounts.');
    const found = new Map(findSnapshotUsers(tx, snapshotId, ids).map((u) => [u.scimId, u.email]));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) {
      const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? `, and ${missing.length - 5} more` : '');
      throw new AppError('invalid', `${missing.length} of the selected users are not in the latest complete snapshot (#${snapshotId}): ${shown}. Nothing was queued.`, {
        userScimIds: ['only users of the latest complete snapshot can be deactivated'],
      });
    }
    const open = findOpenDeactivations(tx, ids);
    const toQueue = ids.filter((id) => !open.has(id));
    const alreadyQueued = ids.filter((id) => open.has(id));
    if (toQueue.length === 0) return { batchId: null, snapshotId, queued: 0, alreadyQueued };
    const requests = toQueue.map((id) => ({ id, request: requestFor(`User ${JSON.stringify(id)}`, { kind: 'deactivate_user', userScimId: id, groupScimId: null }) }));
    const audit = appendAudit(
      {
        actor,
        action: 'remediation.enqueued',
        target: { type: 'snapshot', id: String(snapshotId) },
        details: {
          source: 'stale',
          justification,
          count: toQueue.length,
          userScimIds: toQueue.length <= AUDIT_ID_LIMIT ? toQueue : undefined,
          alreadyQueued: alreadyQueued.length,
        },
      },
      tx,
    );
    const updatedAt = nowIso();
    let queued = 0;
    for (const { id, request } of requests) {
      const inserted = insertActionIfNew({
        idempotencyKey: staleUserKey(audit.id, id),
        source: 'stale',
        campaignId: null,
        itemId: null,
        kind: 'deactivate_user',
        userScimId: id,
        groupScimId: null,
        userEmail: found.get(id) ?? '',
        groupName: null,
        reason: `Stale account: ${justification}`,
        ...request,
        requestedByEmail: actor.email,
        updatedAt,
      });
      if (inserted) queued++;
    }
    return { batchId: audit.id, snapshotId, queued, alreadyQueued };
  });
}
