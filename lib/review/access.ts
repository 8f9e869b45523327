import 'server-only';
import type { TCampaign } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { formatDateTime } from '@/lib/format';
import { notFound } from './errors';
import { countReviewerItems, getCampaignRow, getSignoffRow, type TSignoffRow } from './queries';

/**
 * The gate every reviewer write passes, in this order: the campaign exists (not_found), the
 * caller has items in it (forbidden), it is active (closed → conflict), and the caller has not
 * signed off (conflict). Item-level checks come after, with the reviewer in the WHERE clause.
 */
export function requireActiveReviewer(campaignId: number, reviewerEmail: string, options: { allowSignedOff?: boolean } = {}): { campaign: TCampaign; signoff: TSignoffRow | null } {
  const campaign = getCampaignRow(campaignId);
  if (!campaign) throw notFound('Campaign');
  if (countReviewerItems(campaignId, reviewerEmail) === 0) throw new AppError('forbidden', 'You have no items to review in this campaign.');
  assertActive(campaign);
  const signoff = getSignoffRow(campaignId, reviewerEmail);
  if (signoff && !options.allowSignedOff) {
    throw new AppError('conflict', `You signed off on "${campaign.name}" on ${formatDateTime(signoff.signedAt)}; your decisions are locked.`);
  }
  return { campaign, signoff };
}

/** Refuse any change to a campaign that is not active (a closed one is evidence; a draft has no items). */
export function assertActive(campaign: TCampaign): void {
  if (campaign.status === 'closed') {
    throw new AppError('conflict', `This campaign is closed${campaign.closedAt ? ` (since ${formatDateTime(campaign.closedAt)})` : ''}; everything in it is read-only.`);
  }
  if (campaign.status !== 'active') throw new AppError('conflict', `"${campaign.name}" has not been launched yet.`);
}

/** Emails are compared lowercased (they are stored so). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
