import type { ReactNode } from 'react';
import { PageHeader } from '@/components/ui/page-header';
import { SettingsTabs } from '@/components/settings/settings-tabs';
import { requirePageRole } from '@/lib/auth/guards';

export default async function SettingsLayout({ children }: { children: ReactNode }) {
  await requirePageRole('admin');
  return (
    <div className="space-y-6">
      <PageHeader title="Settings" description="The Airtable connection, who may use Attest, and how they are notified." />
      <SettingsTabs />
      {children}
    </div>
  );
}
