import { Badge, type TBadgeTone } from '@/components/ui/badge';
import type { TCampaignStatus } from '@/lib/review/types';

const TONE: Record<TCampaignStatus, TBadgeTone> = { draft: 'neutral', active: 'info', closed: 'success' };
const LABEL: Record<TCampaignStatus, string> = { draft: 'Draft', active: 'Active', closed: 'Closed' };

export function CampaignStatusBadge({ status }: { status: TCampaignStatus }) {
  return <Badge tone={TONE[status]}>{LABEL[status]}</Badge>;
}
