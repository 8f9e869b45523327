import type { Metadata } from 'next';
import { NotificationSettingsForms } from '@/components/notifications/notification-settings';
import { requirePageRole } from '@/lib/auth/guards';
import { env } from '@/lib/env';
import { getMailOutboxSummary, getNotificationRules, getSmtpSummary } from '@/lib/notifications';

export const metadata: Metadata = { title: 'Notifications · Settings' };

export default async function NotificationSettingsPage() {
  const user = await requirePageRole('admin');
  return (
    <NotificationSettingsForms
      smtp={getSmtpSummary()}
      rules={getNotificationRules()}
      outbox={getMailOutboxSummary()}
      appUrl={env().APP_URL}
      adminEmail={user.email}
    />
  );
}
