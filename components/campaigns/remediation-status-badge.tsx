import { Badge, type TBadgeTone } from '@/components/ui/badge';
import type { TRemediationStatus } from '@/db/schema';

const LABEL: Record<TRemediationStatus, { text: string; tone: TBadgeTone }> = {
  pending: { text: 'Pending', tone: 'neutral' },
  in_flight: { text: 'Sending', tone: 'info' },
  applied: { text: 'Applied, not verified', tone: 'warning' },
  verified: { text: 'Verified', tone: 'success' },
  failed: { text: 'Failed', tone: 'danger' },
};

export function RemediationStatusBadge({ status }: { status: TRemediationStatus }) {
  const { text, tone } = LABEL[status];
  return <Badge tone={tone}>{text}</Badge>;
}
