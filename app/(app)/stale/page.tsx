import type { Metadata } from 'next';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageRole } from '@/lib/auth/guards';

export const metadata: Metadata = { title: 'Stale accounts' };

export default async function StaleAccountsPage() {
  await requirePageRole('admin', 'auditor');
  return (
    <div className="space-y-6">
      <PageHeader title="Stale accounts" />
      <EmptyState title="No stale-account rules yet" description="Stale-account rules, HR and activity imports and license chargeback are not part of this version of Attest yet." />
    </div>
  );
}
