import type { Metadata } from 'next';
import { loadTemplate, loadTemplateFormData } from '@/components/templates/load-template';
import { TemplateForm } from '@/components/templates/template-form';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageRole } from '@/lib/auth/guards';

type TProps = { params: Promise<{ templateId: string }> };

export const metadata: Metadata = { title: 'Edit recurring campaign' };

export default async function EditTemplatePage({ params }: TProps) {
  await requirePageRole('admin');
  const template = loadTemplate((await params).templateId);
  const data = loadTemplateFormData(template);
  return (
    <div className="space-y-6">
      <PageHeader
        title={`Edit “${template.name}”`}
        description="Changes apply from the next run; campaigns already launched keep their settings. A new schedule or timezone starts counting from now."
        breadcrumbs={[
          { label: 'Campaigns', href: '/campaigns' },
          { label: 'Recurring campaigns', href: '/campaigns/templates' },
          { label: template.name, href: `/campaigns/templates/${template.id}` },
          { label: 'Edit' },
        ]}
      />
      <TemplateForm
        template={template}
        groups={data.groups}
        groupsTruncated={data.groupsTruncated}
        orgUnits={data.orgUnits}
        timezones={data.timezones}
        initialPreview={data.initialPreview}
      />
    </div>
  );
}
