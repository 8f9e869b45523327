'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { useToast } from '@/components/ui/toast';
import { retryFailedRemediationAction, startRemediationAction } from '@/app/(app)/campaigns/actions';

const rows = (n: number) => `${n.toLocaleString('en-US')} change${n === 1 ? '' : 's'}`;

/** "Apply now" and "Retry failed" for a closed campaign's remediation (admins). */
export function RemediationControls({ campaignId, toSend, failed, running }: { campaignId: number; toSend: number; failed: number; running: boolean }) {
  const router = useRouter();
  const { toast } = useToast();
  const [confirm, setConfirm] = useState<'apply' | 'retry' | null>(null);
  return (
    <div className="flex flex-wrap gap-3">
      <Button onClick={() => setConfirm('apply')} disabled={running || toSend === 0}>
        {running ? 'Applying…' : 'Apply now'}
      </Button>
      {failed > 0 ? (
        <Button variant="secondary" onClick={() => setConfirm('retry')} disabled={running}>
          Retry failed ({failed.toLocaleString('en-US')})
        </Button>
      ) : null}
      <ConfirmDialog
        open={confirm === 'apply'}
        onClose={() => setConfirm(null)}
        title="Apply the revocations in Airtable?"
        message={`Attest sends ${rows(toSend)} to Airtable through SCIM (deactivate the user, or remove the group membership) and verifies each one. Deactivated users keep their data; nothing is deleted.`}
        confirmLabel={`Apply ${rows(toSend)}`}
        danger
        onConfirm={async () => {
          const result = await startRemediationAction({ campaignId });
          if (!result.ok) return result;
          toast({ title: 'Remediation started', tone: 'success' });
          router.refresh();
        }}
      />
      <ConfirmDialog
        open={confirm === 'retry'}
        onClose={() => setConfirm(null)}
        title="Retry the failed changes?"
        message={`${rows(failed)} go back to pending with their history kept; apply again to send them.`}
        confirmLabel="Retry failed"
        onConfirm={async () => {
          const result = await retryFailedRemediationAction({ campaignId });
          if (!result.ok) return result;
          toast({ title: `${rows(result.data.retried)} back to pending`, tone: 'success' });
          router.refresh();
        }}
      />
    </div>
  );
}
