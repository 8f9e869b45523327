'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { ActionForm, SubmitButton, useFieldError } from '@/components/forms/action-form';
import { Field, Input, Select } from '@/components/ui/input';
import { useToast } from '@/components/ui/toast';
import { addUserAction, setUserRoleAction } from '@/app/(app)/settings/actions';
import { ROLE_LABEL, ROLES, type TRole } from '@/lib/auth/roles';

/** Changing the select saves at once; a refusal (e.g. the last admin) puts the old value back. */
export function RoleSelect({ userId, email, role, isSelf }: { userId: string; email: string; role: TRole; isSelf: boolean }) {
  const [value, setValue] = useState<TRole>(role);
  const [pending, startTransition] = useTransition();
  const { toast } = useToast();
  const router = useRouter();
  return (
    <Select
      aria-label={`Role of ${email}`}
      value={value}
      disabled={pending}
      onChange={(e) => {
        const next = e.target.value as TRole;
        const previous = value;
        setValue(next);
        startTransition(async () => {
          const result = await setUserRoleAction({ userId, role: next });
          if (result.ok) {
            toast({ title: `${email} is now ${ROLE_LABEL[next].toLowerCase()}`, tone: 'success' });
            if (isSelf) router.refresh();
          } else {
            setValue(previous);
            toast({ title: 'Role not changed', description: result.error, tone: 'danger' });
          }
        });
      }}
    >
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {ROLE_LABEL[r]}
        </option>
      ))}
    </Select>
  );
}

function EmailField() {
  const error = useFieldError('email');
  return (
    <Field label="Email" error={error} required>
      <Input id="new-email" name="email" type="email" autoComplete="off" required />
    </Field>
  );
}

function NameField() {
  const error = useFieldError('name');
  return (
    <Field label="Name" error={error}>
      <Input id="new-name" name="name" autoComplete="off" />
    </Field>
  );
}

export function AddUserForm() {
  const router = useRouter();
  return (
    <ActionForm action={addUserAction} successMessage={(u) => `${u.email} added`} resetOnSuccess onSuccess={() => router.refresh()} aria-label="Add user" className="grid items-end gap-4 sm:grid-cols-4">
      <EmailField />
      <NameField />
      <Field label="Role">
        <Select id="new-role" name="role" defaultValue="auditor">
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABEL[r]}
            </option>
          ))}
        </Select>
      </Field>
      <div>
        <SubmitButton>Add user</SubmitButton>
      </div>
    </ActionForm>
  );
}
