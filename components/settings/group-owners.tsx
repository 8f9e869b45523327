'use client';

import { useRouter } from 'next/navigation';
import { useId } from 'react';
import { ActionForm, SubmitButton, useFieldErrors } from '@/components/forms/action-form';
import { Input } from '@/components/ui/input';
import { saveGroupOwnersAction } from '@/app/(app)/settings/actions';

function OwnersInput({ id, defaultValue, groupName }: { id: string; defaultValue: string; groupName: string }) {
  // lib/review reports a bad address under `emails.N`: show the first one found.
  const errors = useFieldErrors();
  const error = Object.entries(errors).find(([key]) => key === 'emails' || key.startsWith('emails.'))?.[1][0];
  return (
    <div className="flex-1">
      <Input
        name="emails"
        defaultValue={defaultValue}
        placeholder="owner@company.com, deputy@company.com"
        aria-label={`Owners of ${groupName}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        spellCheck={false}
      />
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-danger-ink">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** Owners of one group, comma separated; saving an empty field removes them. */
export function GroupOwnersForm({ groupScimId, groupName, owners }: { groupScimId: string; groupName: string; owners: readonly string[] }) {
  const router = useRouter();
  const id = useId();
  return (
    <ActionForm action={saveGroupOwnersAction} successMessage={`Owners of ${groupName} saved`} onSuccess={() => router.refresh()} aria-label={`Owners of ${groupName}`} className="flex items-start gap-2">
      <input type="hidden" name="groupScimId" value={groupScimId} />
      <input type="hidden" name="groupName" value={groupName} />
      <OwnersInput id={id} defaultValue={owners.join(', ')} groupName={groupName} />
      <SubmitButton>Save</SubmitButton>
    </ActionForm>
  );
}
