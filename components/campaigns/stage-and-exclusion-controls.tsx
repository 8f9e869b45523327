'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { advanceStageAction, excludeItemsAction } from '@/app/(app)/campaigns/actions';
import { ActionForm, SubmitButton, useFieldError } from '@/components/forms/action-form';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { Field, Input, Select } from '@/components/ui/input';
import { useToast } from '@/components/ui/toast';
import { formatCountOf } from '@/lib/format';

const items = (n: number): string => formatCountOf(n, 'item');

/** "Start stage N now": ends the current stage early; its undecided items go on. */
export function AdvanceStageControl({ campaignId, nextStage, undecided }: { campaignId: number; nextStage: number; undecided: number }) {
  const router = useRouter();
  const { toast } = useToast();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Start stage {nextStage} now
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={`End stage ${nextStage - 1} and start stage ${nextStage}?`}
        message={`Stage ${nextStage - 1} decisions become final for the items that do not go on. ${undecided > 0 ? `${items(undecided)} still undecided go on to stage ${nextStage} with the “not sure” ones.` : ''} Stage ${nextStage} reviewers are notified.`}
        confirmLabel={`Start stage ${nextStage}`}
        onConfirm={async () => {
          const result = await advanceStageAction({ campaignId });
          if (!result.ok) return result;
          toast({ title: `Stage ${result.data.stage ?? nextStage} started`, description: `${items(result.data.itemsPassedOn)} went on.`, tone: 'success' });
          router.refresh();
        }}
      />
    </>
  );
}

function ExcludeGroupFields({ groups }: { groups: Array<{ groupScimId: string; groupName: string; items: number }> }) {
  const group = useFieldError('groupScimId');
  const reason = useFieldError('reason');
  return (
    <>
      <Field label="Group" error={group} required>
        <Select name="groupScimId" defaultValue="" placeholder="Choose a group">
          {groups.map((g) => (
            <option key={g.groupScimId} value={g.groupScimId}>
              {g.groupName} ({items(g.items)})
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Reason (kept in the evidence)" error={reason} required>
        <Input name="reason" autoComplete="off" maxLength={500} />
      </Field>
    </>
  );
}

/** Exclude every membership of one group from the review, with a reason. */
export function ExcludeGroupForm({ campaignId, groups }: { campaignId: number; groups: Array<{ groupScimId: string; groupName: string; items: number }> }) {
  const router = useRouter();
  return (
    <ActionForm
      action={excludeItemsAction}
      successMessage={(r) => `${items(r.excluded)} excluded`}
      resetOnSuccess
      onSuccess={() => router.refresh()}
      aria-label="Exclude a group"
      className="grid items-end gap-4 sm:grid-cols-[1fr_1fr_auto]"
    >
      <input type="hidden" name="campaignId" value={campaignId} />
      <ExcludeGroupFields groups={groups} />
      <div>
        <SubmitButton variant="secondary">Exclude group</SubmitButton>
      </div>
    </ActionForm>
  );
}
