import type { Metadata } from 'next';
import { DirectorySettingsForms } from '@/components/settings/directory-settings';
import { requirePageRole } from '@/lib/auth/guards';
import { getCompanyDomainsInfo, getSnapshotRetention } from '@/lib/settings';

export const metadata: Metadata = { title: 'Directory · Settings' };

export default async function DirectorySettingsPage() {
  await requirePageRole('admin');
  return <DirectorySettingsForms domains={getCompanyDomainsInfo()} keepLast={getSnapshotRetention()} />;
}
