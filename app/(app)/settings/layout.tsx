import Link from 'next/link';
import type { ReactNode } from 'react';
import { buttonClasses } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { SettingsTabs } from '@/components/settings/settings-tabs';
import { requirePageRole } from '@/lib/auth/guards';

export default async function SettingsLayout({ children }: { children: ReactNode }) {
  await requirePageRole('admin');
  return (
    <div className="space-y-6">
      <PageHeader
        title="Settings"
        description="The Airtable connection and who may use Attest."
        actions={
          <Link href="/settings/notifications" className={buttonClasses('secondary', 'sm')}>
            Notifications
          </Link>
        }
      />
      <SettingsTabs />
      {children}
    </div>
  );
}
