import 'server-only';
import { notFound } from 'next/navigation';
import { getCampaign, ZCampaignId, type TCampaignView } from '@/lib/review';

/** The campaign named by a route segment, or the 404 page. */
export function loadCampaign(rawId: string): TCampaignView {
  const id = ZCampaignId.safeParse(rawId);
  const campaign = id.success ? getCampaign(id.data) : null;
  if (!campaign) notFound();
  return campaign;
}
