'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { useToast } from '@/components/ui/toast';
import { requestReconciliationAction } from '@/app/(app)/campaigns/actions';

/** Take a fresh snapshot and check every revoked access is gone (admin, closed campaigns). */
export function ReconcileButton({ campaignId, again }: { campaignId: number; again: boolean }) {
  const router = useRouter();
  const { toast } = useToast();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant={again ? 'secondary' : 'primary'} onClick={() => setOpen(true)}>
        {again ? 'Reconcile again' : 'Reconcile with Airtable'}
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title="Reconcile with Airtable?"
        message="Attest takes a fresh snapshot of the directory and checks that every revoked access is gone and that nothing else changed for the people in scope. It reads Airtable only."
        confirmLabel="Take snapshot and reconcile"
        onConfirm={async () => {
          const result = await requestReconciliationAction({ campaignId });
          if (!result.ok) return result;
          toast({ title: `Snapshot #${result.data.snapshotId} started for the reconciliation`, tone: 'success' });
          router.refresh();
        }}
      />
    </>
  );
}
