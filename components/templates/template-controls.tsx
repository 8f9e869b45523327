'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { deleteTemplateAction, setTemplateEnabledAction } from '@/app/(app)/campaigns/templates/actions';
import { Button } from '@/components/ui/button';
import { buttonClasses } from '@/components/ui/button-classes';
import { ConfirmDialog } from '@/components/ui/dialog';
import { useToast } from '@/components/ui/toast';

/** Edit, enable / disable and delete one template (admins). */
export function TemplateControls({ templateId, name, enabled }: { templateId: number; name: string; enabled: boolean }) {
  const router = useRouter();
  const { toast } = useToast();
  const [confirm, setConfirm] = useState<'toggle' | 'delete' | null>(null);
  return (
    <div className="flex flex-wrap gap-3">
      <Link href={`/campaigns/templates/${templateId}/edit`} className={buttonClasses('secondary', 'md')}>
        Edit
      </Link>
      <Button variant="secondary" onClick={() => setConfirm('toggle')}>
        {enabled ? 'Disable' : 'Enable'}
      </Button>
      <Button variant="secondary" onClick={() => setConfirm('delete')}>
        Delete
      </Button>
      <ConfirmDialog
        open={confirm === 'toggle'}
        onClose={() => setConfirm(null)}
        title={enabled ? `Disable “${name}”?` : `Enable “${name}”?`}
        message={
          enabled
            ? 'No more campaigns are launched from it. A run in progress stops before its next step.'
            : 'Campaigns launch again from the next scheduled period. Periods that passed while it was off are not launched.'
        }
        confirmLabel={enabled ? 'Disable' : 'Enable'}
        onConfirm={async () => {
          const result = await setTemplateEnabledAction({ templateId, enabled: !enabled });
          if (!result.ok) return result;
          toast({ title: result.data.enabled ? 'Template enabled' : 'Template disabled', tone: 'success' });
          router.refresh();
        }}
      />
      <ConfirmDialog
        open={confirm === 'delete'}
        onClose={() => setConfirm(null)}
        title={`Delete “${name}”?`}
        message="The template and its run history are removed (the audit log keeps both). Campaigns it launched stay."
        confirmLabel="Delete template"
        danger
        onConfirm={async () => {
          const result = await deleteTemplateAction({ templateId });
          if (!result.ok) return result;
          toast({ title: 'Template deleted', tone: 'success' });
          router.push('/campaigns/templates');
        }}
      />
    </div>
  );
}
