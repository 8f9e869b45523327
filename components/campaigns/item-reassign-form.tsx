'use client';

import { useRouter } from 'next/navigation';
import type { ReactNode } from 'react';
import { ActionForm, SubmitButton, useFieldError } from '@/components/forms/action-form';
import { Checkbox } from '@/components/ui/checkbox';
import { Field, Input } from '@/components/ui/input';
import { excludeItemsAction, reassignItemsAction } from '@/app/(app)/campaigns/actions';
import type { TExcludeResult, TReassignResult } from '@/lib/review/types';
import { formatCountOf } from '@/lib/format';

const items = (n: number): string => formatCountOf(n, 'item');

function ReassignSelectedFields() {
  const selection = useFieldError('itemIds');
  const to = useFieldError('toReviewerEmail');
  const reason = useFieldError('reason');
  return (
    <div className="grid items-end gap-4 rounded-card border border-line bg-surface p-4 sm:grid-cols-[1fr_1fr_auto_auto]">
      {selection ? (
        <p role="alert" className="text-sm text-danger-ink sm:col-span-4">
          {selection}
        </p>
      ) : null}
      <Field label="Reassign the selected items to (email)" error={to} required>
        <Input name="toReviewerEmail" type="email" autoComplete="off" />
      </Field>
      <Field label="Reason (kept with the items and in the evidence)" error={reason} required>
        <Input name="reason" autoComplete="off" maxLength={500} />
      </Field>
      <div className="flex flex-col gap-2">
        <Checkbox name="moveSignedOff" value="true" label="Also items of reviewers who signed off" />
        <SubmitButton variant="secondary" name="intent" value="reassign">
          Reassign selected
        </SubmitButton>
      </div>
      <div>
        <SubmitButton variant="secondary" name="intent" value="exclude">
          Exclude selected
        </SubmitButton>
      </div>
    </div>
  );
}

/** Reassign or exclude, by the submit button pressed (the submitter's `intent` travels in the form data). */
function reassignOrExclude(data: FormData) {
  return data.get('intent') === 'exclude' ? excludeItemsAction(data) : reassignItemsAction(data);
}

function outcome(r: TReassignResult | TExcludeResult): string {
  if ('excluded' in r) return `${items(r.excluded)} excluded${r.alreadyExcluded ? `, ${items(r.alreadyExcluded)} already were` : ''}`;
  return `${items(r.moved)} moved${r.refusedSelfReview ? `, ${items(r.refusedSelfReview)} kept (own access)` : ''}`;
}

/**
 * The items table (server-rendered, with an `itemIds` checkbox per row) inside one form, so the
 * admin picks rows and moves just those to another reviewer, or takes them out of the review.
 * Recorded per item and in the audit log.
 */
export function ItemReassignForm({ campaignId, children }: { campaignId: number; children: ReactNode }) {
  const router = useRouter();
  return (
    <ActionForm
      action={reassignOrExclude}
      successMessage={outcome}
      resetOnSuccess
      onSuccess={() => router.refresh()}
      aria-label="Reassign or exclude selected items"
      className="space-y-4"
    >
      <input type="hidden" name="campaignId" value={campaignId} />
      {children}
      <ReassignSelectedFields />
    </ActionForm>
  );
}
