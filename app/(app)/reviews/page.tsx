import type { Metadata } from 'next';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageRole } from '@/lib/auth/guards';

export const metadata: Metadata = { title: 'My reviews' };

export default async function MyReviewsPage() {
  await requirePageRole('admin', 'reviewer');
  return (
    <div className="space-y-6">
      <PageHeader title="My reviews" />
      <EmptyState title="Nothing to review" description="When an admin launches a review campaign, the access assigned to you appears here." />
    </div>
  );
}
