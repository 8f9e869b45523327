'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction } from '@/lib/actions/define-action';
import { requestReconciliation } from '@/lib/evidence';
import { startBackgroundRemediation } from '@/lib/jobs/remediation-job';
import { retryFailed } from '@/lib/remediation';
import {
  closeCampaign,
  createCampaignDraft,
  deleteCampaignDraft,
  updateCampaignDraft,
  extendDueDate,
  launchCampaign,
  reassignItems,
  ZCampaignId,
  ZCampaignInput,
  ZExtendDueInput,
  ZReassignInput,
  ZExcludeInput,
  advanceStage,
  excludeItems,
  settingsAsInput,
} from '@/lib/review';

const admin = { roles: ['admin' as const] };
const actorOf = (user: { id: string; email: string }) => ({ id: user.id, email: user.email });

const SCOPE_PREFIX = 'scope.';
const STAGE_FIELD = /^laterStages\.(\d)\.(\w+)$/;

/**
 * The wizard posts flat FormData (`scope.kind`, repeated `scope.groupIds`, `laterStages.0.dueAt`);
 * ZCampaignInput wants `scope` and `laterStages` nested. Field names match the dotted error
 * paths, so errors land beside their fields.
 */
function nestWizardFields(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const out: Record<string, unknown> = {};
  const scope: Record<string, unknown> = {};
  const stages: Array<Record<string, unknown>> = [];
  for (const [key, value] of Object.entries(raw)) {
    const stage = STAGE_FIELD.exec(key);
    if (key.startsWith(SCOPE_PREFIX)) scope[key.slice(SCOPE_PREFIX.length)] = value;
    else if (stage) (stages[Number(stage[1])] ??= {})[stage[2] as string] = value;
    else out[key] = value;
  }
  if (!('scope' in out)) out.scope = scope;
  if (!('laterStages' in out)) out.laterStages = stages.filter(Boolean);
  return out;
}

export const createCampaignDraftAction = defineAction(z.preprocess(nestWizardFields, ZCampaignInput), admin, (input, { user }) => {
  // The lib parses again (its input type); the parsed values are valid input for it.
  const campaign = createCampaignDraft(actorOf(user), settingsAsInput(input));
  revalidatePath('/campaigns');
  return { id: campaign.id };
});

export const updateCampaignDraftAction = defineAction(
  z.preprocess(nestWizardFields, ZCampaignInput.and(z.object({ campaignId: ZCampaignId }))),
  admin,
  (input, { user }) => {
    const { campaignId, ...settings } = input;
    const campaign = updateCampaignDraft(actorOf(user), campaignId, settingsAsInput(settings));
    revalidatePath('/campaigns', 'layout');
    return { id: campaign.id };
  },
);

export const deleteCampaignDraftAction = defineAction(z.object({ campaignId: ZCampaignId }), admin, (input, { user }) => {
  deleteCampaignDraft(actorOf(user), input.campaignId);
  revalidatePath('/campaigns');
  return { id: input.campaignId };
});

export const launchCampaignAction = defineAction(z.object({ campaignId: ZCampaignId }), admin, (input, { user }) => {
  const result = launchCampaign(actorOf(user), input.campaignId);
  revalidatePath('/campaigns', 'layout');
  return { id: result.campaign.id, itemCount: result.itemCount };
});

export const extendDueDateAction = defineAction(ZExtendDueInput, admin, (input, { user }) => {
  const campaign = extendDueDate(actorOf(user), input.campaignId, input.dueAt);
  revalidatePath(`/campaigns/${input.campaignId}`);
  revalidatePath('/campaigns');
  return { dueAt: campaign.dueAt };
});

export const reassignItemsAction = defineAction(ZReassignInput, admin, (input, { user }) => {
  const result = reassignItems(actorOf(user), input);
  revalidatePath(`/campaigns/${input.campaignId}`);
  return result;
});

/** End the current stage now and start the next (undecided items go on with the not-sure ones). */
export const advanceStageAction = defineAction(z.object({ campaignId: ZCampaignId }), admin, (input, { user }) => {
  const results = advanceStage(actorOf(user), input.campaignId);
  revalidatePath('/campaigns', 'layout');
  const last = results[results.length - 1];
  return { stage: last?.toStage ?? null, itemsPassedOn: results[0]?.itemsPassedOn ?? 0 };
});

/** Take items, or every membership of a group, out of the review with a reason (listed in the evidence). */
export const excludeItemsAction = defineAction(ZExcludeInput, admin, (input, { user }) => {
  const result = excludeItems(actorOf(user), input);
  revalidatePath(`/campaigns/${input.campaignId}`, 'layout');
  return result;
});

export const closeCampaignAction = defineAction(z.object({ campaignId: ZCampaignId }), admin, (input, { user }) => {
  const result = closeCampaign(actorOf(user), input.campaignId);
  revalidatePath('/campaigns', 'layout');
  return result;
});

export const requestReconciliationAction = defineAction(z.object({ campaignId: ZCampaignId }), admin, (input, { user }) => {
  const { reconciliationId, snapshotId } = requestReconciliation(actorOf(user), input.campaignId);
  revalidatePath(`/campaigns/${input.campaignId}/evidence`);
  return { reconciliationId, snapshotId };
});

/** Apply a closed campaign's revocations now: a background drain of its outbox rows; the page polls. */
export const startRemediationAction = defineAction(z.object({ campaignId: ZCampaignId }), admin, (input, { user }) => {
  const { runId } = startBackgroundRemediation(actorOf(user), { campaignId: input.campaignId });
  revalidatePath(`/campaigns/${input.campaignId}/remediation`);
  return { runId };
});

export const retryFailedRemediationAction = defineAction(z.object({ campaignId: ZCampaignId }), admin, (input, { user }) => {
  const result = retryFailed(actorOf(user), { campaignId: input.campaignId });
  revalidatePath(`/campaigns/${input.campaignId}/remediation`);
  return { retried: result.retried };
});
