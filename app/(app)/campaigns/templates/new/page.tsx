import type { Metadata } from 'next';
import { loadTemplateFormData } from '@/components/templates/load-template';
import { TemplateForm } from '@/components/templates/template-form';
import { Alert } from '@/components/ui/alert';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageRole } from '@/lib/auth/guards';

export const metadata: Metadata = { title: 'New recurring campaign' };

export default async function NewTemplatePage() {
  await requirePageRole('admin');
  const data = loadTemplateFormData();
  return (
    <div className="space-y-6">
      <PageHeader
        title="New recurring campaign"
        description="The first campaign launches at the first scheduled time after you save; earlier periods are never launched."
        breadcrumbs={[{ label: 'Campaigns', href: '/campaigns' }, { label: 'Recurring campaigns', href: '/campaigns/templates' }, { label: 'New' }]}
      />
      {data.snapshotId === null ? (
        <Alert tone="info" title="No complete snapshot yet">
          Groups, departments, cost centers and divisions are offered from the latest snapshot. “All users” works without one.
        </Alert>
      ) : null}
      <TemplateForm groups={data.groups} groupsTruncated={data.groupsTruncated} orgUnits={data.orgUnits} timezones={data.timezones} initialPreview={data.initialPreview} />
    </div>
  );
}
