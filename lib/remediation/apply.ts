import 'server-only';
import { z } from 'zod';
import { appendAudit, AUDIT_ID_LIMIT, type TActor } from '@/lib/audit';
import { connectionClient } from '@/lib/connection';
import { AppError } from '@/lib/errors';
import type { ScimClient } from '@/lib/scim';
import { enqueueCampaignRevocations } from './enqueue';
import { getCampaignRef, listActionsByIds, listFailedActionIds, nowIso, resetFailedActions, writeTransaction, type TCampaignRef } from './queries';
import { startDrain, type TDrainOptions, type TStartedDrain } from './worker';

/** What an admin does: "Apply now" and "Retry failed". Callers (server actions, the CLI) check the admin role. */

const ZCampaignRef = z.number().int().positive().nullable();

function parseCampaignId(value: unknown): number | null {
  const parsed = ZCampaignRef.safeParse(value ?? null);
  if (!parsed.success) throw new AppError('invalid', 'The campaign id must be a positive whole number.', { campaignId: ['must be a positive whole number'] });
  return parsed.data;
}

function requireCampaign(id: number): TCampaignRef {
  const campaign = getCampaignRef(id);
  if (!campaign) throw new AppError('not_found', 'Campaign not found.');
  return campaign;
}

export type TStartRemediationOptions = Omit<TDrainOptions, 'actor' | 'campaignId' | 'client' | 'auditDetails'> & {
  /** Default: the configured connection's client (environment, saved connection, or the demo simulator). */
  client?: ScimClient;
};

/**
 * "Apply now": drain a campaign's outbox rows (or, with no campaign, the whole outbox: stale-account
 * deactivations included) in the background. Refuses a campaign that is not closed — its revokes
 * are not final, and nothing is queued before the close — unless it revokes immediately. Throws
 * `AppError('conflict')` when a run is already going (one at a time: they share the token's rate
 * limit). Nothing is written when it refuses. Audited as `remediation.started`; returns the run id
 * at once and a promise of the outcome.
 */
export function startRemediation(actor: TActor, input: { campaignId?: number | null }, options: TStartRemediationOptions = {}): TStartedDrain {
  const campaignId = parseCampaignId(input.campaignId);
  let auditDetails: Record<string, unknown> | undefined;
  if (campaignId !== null) {
    const campaign = requireCampaign(campaignId);
    if (campaign.status !== 'closed' && !campaign.revokeImmediately) {
      const state = campaign.status === 'draft' ? 'a draft that was never launched' : 'still active';
      throw new AppError('conflict', `"${campaign.name}" is ${state}: its revocations go to Airtable after the campaign closes.`);
    }
    auditDetails = { campaignName: campaign.name };
    if (campaign.status === 'closed') {
      // A campaign closed before remediation existed has revokes but no rows: queue them now. Idempotent (one row per item, ever).
      writeTransaction((tx) => {
        const enqueued = enqueueCampaignRevocations(tx, campaign.id, actor);
        if (enqueued.queued === 0) return;
        appendAudit({ actor, action: 'remediation.enqueued', target: { type: 'campaign', id: String(campaign.id) }, details: { source: 'campaign', ...enqueued } }, tx);
      });
    }
  }
  const client = options.client ?? connectionClient().client;
  return startDrain({ ...options, client, actor, campaignId, trigger: options.trigger ?? 'ui', auditDetails });
}

export type TRetryResult = { retried: number; actionIds: number[] };

const ZRetryInput = z.object({
  campaignId: ZCampaignRef,
  ids: z.array(z.number().int().positive()).min(1).max(10_000).optional(),
});

/**
 * Put failed rows back in the queue (failed → pending; attempts and the last error are kept as
 * history). With `ids`, exactly those rows, each of which must be a failed row of the campaign
 * (otherwise nothing changes and the error names them); without, every failed row of the campaign
 * (null: of the stale-account deactivations). The next run checks each with a GET before sending
 * it again. Audited as `remediation.retried`.
 */
export function retryFailed(actor: TActor, input: { campaignId: number | null; ids?: number[] }): TRetryResult {
  const parsed = ZRetryInput.safeParse({ ...input, campaignId: input.campaignId ?? null });
  if (!parsed.success) throw new AppError('invalid', `Invalid retry request: ${parsed.error.issues[0]?.message ?? 'check the input'}.`);
  const { campaignId, ids } = parsed.data;
  return writeTransaction((tx) => {
    const campaign = campaignId === null ? null : requireCampaign(campaignId);
    const scope = campaign ? `"${campaign.name}"` : 'the stale-account deactivations';
    let actionIds: number[];
    if (ids) {
      const wanted = [...new Set(ids)];
      const rows = listActionsByIds(tx, campaignId, wanted);
      if (rows.length !== wanted.length) {
        const found = new Set(rows.map((r) => r.id));
        const missing = wanted.filter((id) => !found.has(id));
        throw new AppError('not_found', `Not remediation rows of ${scope}: ${missing.map((id) => `#${id}`).join(', ')}.`);
      }
      const notFailed = rows.filter((r) => r.status !== 'failed');
      if (notFailed.length > 0) {
        const list = notFailed.map((r) => `#${r.id} is ${r.status.replace('_', ' ')}`).join(', ');
        throw new AppError('conflict', `Only failed rows can be retried: ${list}. Nothing was changed.`);
      }
      actionIds = wanted.sort((a, b) => a - b);
    } else {
      actionIds = listFailedActionIds(tx, campaignId);
      if (actionIds.length === 0) throw new AppError('conflict', `${campaign ? `Campaign ${scope}` : 'The stale-account outbox'} has no failed rows to retry.`);
    }
    const retried = resetFailedActions(tx, actionIds, nowIso());
    appendAudit(
      {
        actor,
        action: 'remediation.retried',
        target: campaign ? { type: 'campaign', id: String(campaign.id) } : { type: 'remediation_outbox', id: 'stale' },
        details: { campaignId, count: retried, actionIds: actionIds.length <= AUDIT_ID_LIMIT ? actionIds : undefined },
      },
      tx,
    );
    return { retried, actionIds };
  });
}
