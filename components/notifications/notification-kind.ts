import type { TNotificationKind } from '@/db/schema';
import type { TBadgeTone } from '@/components/ui/badge';

/** How each kind of notification is labelled in the app. */
export const NOTIFICATION_KIND_LABEL: Record<TNotificationKind, { label: string; tone: TBadgeTone }> = {
  launch: { label: 'Review assigned', tone: 'info' },
  stage_started: { label: 'Stage started', tone: 'info' },
  reminder: { label: 'Reminder', tone: 'warning' },
  overdue: { label: 'Overdue', tone: 'danger' },
  escalation: { label: 'Escalation', tone: 'danger' },
  digest: { label: 'Summary', tone: 'neutral' },
};
