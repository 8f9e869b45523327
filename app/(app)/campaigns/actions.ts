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
  settingsAsInput,
} from '@/lib/review';

const admin = { roles: ['admin' as const] };
const actorOf = (user: { id: string; email: string }) => ({ id: user.id, email: user.email });

const SCOPE_PREFIX = 'scope.';

/**
 * The wizard posts flat FormData (`scope.kind`, repeated `scope.groupIds`); ZCampaignInput wants
 * `scope` nested. Field names match the dotted error paths, so errors land beside their fields.
 */
function nestScope(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const out: Record<string, unknown> = {};
  const scope: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith(SCOPE_PREFIX)) scope[key.slice(SCOPE_PREFIX.length)] = value;
    else out[key] = value;
  }
  if (!('scope' in out)) out.scope = scope;
  return out;
}

export const createCampaignDraftAction = defineAction(z.preprocess(nestScope, ZCampaignInput), admin, (input, { user }) => {
  // The lib parses again (its input type); the parsed values are valid input for it.
  const campaign = createCampaignDraft(actorOf(user), settingsAsInput(input));
  revalidatePath('/campaigns');
  return { id: campaign.id };
});

export const updateCampaignDraftAction = defineAction(
  z.preprocess(nestScope, ZCampaignInput.and(z.object({ campaignId: ZCampaignId }))),
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
