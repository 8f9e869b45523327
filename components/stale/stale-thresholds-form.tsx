'use client';

import { useRouter } from 'next/navigation';
import { saveStaleThresholdsAction } from '@/app/(app)/stale/actions';
import { ActionForm, SubmitButton, useFieldError } from '@/components/forms/action-form';
import { Field, Input } from '@/components/ui/input';

function DaysField({ name, label, hint, defaultValue, min }: { name: string; label: string; hint: string; defaultValue: number; min: number }) {
  return (
    <Field label={label} hint={hint} error={useFieldError(name)}>
      <Input name={name} type="number" inputMode="numeric" min={min} max={3650} defaultValue={defaultValue} className="w-28!" />
    </Field>
  );
}

/** The two thresholds of the stale-account rules (admin). */
export function StaleThresholdsForm({ inactiveDays, neverActiveGraceDays }: { inactiveDays: number; neverActiveGraceDays: number }) {
  const router = useRouter();
  return (
    <ActionForm action={saveStaleThresholdsAction} successMessage="Thresholds saved" onSuccess={() => router.refresh()} aria-label="Stale-account thresholds" className="flex flex-wrap items-end gap-4">
      <DaysField name="inactiveDays" label="No activity for (days)" hint="Default 90." defaultValue={inactiveDays} min={7} />
      <DaysField name="neverActiveGraceDays" label="Never active after (days)" hint="Grace for new accounts; default 30." defaultValue={neverActiveGraceDays} min={0} />
      <SubmitButton variant="secondary">Save thresholds</SubmitButton>
    </ActionForm>
  );
}
