import type { Metadata } from 'next';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageRole } from '@/lib/auth/guards';

export const metadata: Metadata = { title: 'Campaigns' };

export default async function CampaignsPage() {
  await requirePageRole('admin', 'auditor');
  return (
    <div className="space-y-6">
      <PageHeader title="Campaigns" />
      <EmptyState title="No campaigns yet" description="Review campaigns — scope, reviewers, due dates, progress and close — are not part of this version of Attest yet." />
    </div>
  );
}
