import 'server-only';
import { appendAudit, AUDIT_ID_LIMIT, type TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { assertActive } from './access';
import { notFound } from './errors';
import {
  dropExcludedTargets,
  excludeTargets,
  getCampaignRow,
  listTargetIds,
  nowIso,
  stageTargetsByGroup,
  stageTargetsByIds,
  writeTransaction,
} from './queries';
import { parseInput, ZExcludeInput, type TExcludeInput } from './schemas';
import type { TExcludeResult } from './types';

/**
 * Exclusions: an admin takes items (or every membership of a group) out of an active campaign
 * with a reason — a service account reviewed elsewhere, a group being decommissioned. Excluded
 * items leave every reviewer's queue, count in no progress, are never revoked by the close rule
 * nor remediated, and are listed with the reason in the evidence. The item and its history stay.
 */

/** Exclude the chosen items, or all memberships of a group. Audited as `campaign.items_excluded`. */
export function excludeItems(actor: TActor, input: TExcludeInput): TExcludeResult {
  const p = parseInput(ZExcludeInput, input);
  return writeTransaction((tx) => {
    const campaign = getCampaignRow(p.campaignId);
    if (!campaign) throw notFound('Campaign');
    assertActive(campaign);
    let found: number;
    if (p.itemIds) {
      const wanted = new Set(p.itemIds).size;
      found = stageTargetsByIds(p.campaignId, p.itemIds, null);
      if (found !== wanted) throw new AppError('not_found', `${wanted - found} of the ${wanted} selected items are not in this campaign.`);
    } else {
      found = stageTargetsByGroup(p.campaignId, p.groupScimId ?? '');
      if (found === 0) throw new AppError('invalid', 'This group has no memberships left to exclude in this campaign.', { groupScimId: ['no memberships of this group to exclude'] });
    }
    const alreadyExcluded = dropExcludedTargets();
    const excluded = found - alreadyExcluded;
    if (excluded === 0) return { excluded: 0, alreadyExcluded };
    const ids = excluded <= AUDIT_ID_LIMIT ? listTargetIds(AUDIT_ID_LIMIT) : undefined;
    const events = excludeTargets({ reason: p.reason, actorEmail: actor.email, at: nowIso() });
    appendAudit(
      {
        actor,
        action: 'campaign.items_excluded',
        target: { type: 'campaign', id: String(p.campaignId) },
        details: {
          reason: p.reason,
          count: excluded,
          alreadyExcluded,
          groupScimId: p.groupScimId ?? null,
          itemIds: ids,
          events: { from: events.firstEventId, to: events.lastEventId },
        },
      },
      tx,
    );
    return { excluded, alreadyExcluded };
  });
}
