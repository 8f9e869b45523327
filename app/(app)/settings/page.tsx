import type { Metadata } from 'next';
import { ConnectionSettings } from '@/components/settings/connection-settings';
import { requirePageRole } from '@/lib/auth/guards';
import { getConnectionSummary } from '@/lib/connection';
import { DEFAULT_SCIM_BASE_URL } from '@/lib/env';

export const metadata: Metadata = { title: 'Connection · Settings' };

export default async function ConnectionSettingsPage() {
  await requirePageRole('admin');
  return <ConnectionSettings summary={getConnectionSummary()} defaultBaseUrl={DEFAULT_SCIM_BASE_URL} />;
}
