'use client';

import { useRouter } from 'next/navigation';
import { ActionForm, SubmitButton, useFieldError } from '@/components/forms/action-form';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Field, Input, Textarea } from '@/components/ui/input';
import { saveCompanyDomainsAction, saveSnapshotRetentionAction } from '@/app/(app)/settings/actions';
import type { TCompanyDomainsInfo } from '@/lib/settings';

function DomainsField({ defaultValue, source }: { defaultValue: string; source: TCompanyDomainsInfo['source'] }) {
  // The action reports a bad list under `domains`, a bad domain (found by lib/settings) under the setting's key.
  const listError = useFieldError('domains');
  const settingError = useFieldError('company.domains');
  const error = listError ?? settingError;
  const hint =
    source === 'inferred'
      ? 'Not set: Attest uses the most common email domain of the latest snapshot. One domain per line; subdomains count as internal.'
      : 'One domain per line; subdomains count as internal. Emails on other domains are flagged as external.';
  return (
    <Field label="Company email domains" hint={hint} error={error}>
      <Textarea name="domains" rows={4} defaultValue={defaultValue} spellCheck={false} />
    </Field>
  );
}

function RetentionField({ defaultValue }: { defaultValue: number }) {
  const inputError = useFieldError('keepLast');
  const settingError = useFieldError('snapshot.retention');
  const error = inputError ?? settingError;
  return (
    <Field label="Keep the last N complete snapshots" hint="Snapshots reviewed by a campaign are always kept, whatever their age." error={error}>
      <Input name="keepLast" type="number" min={1} max={1000} defaultValue={defaultValue} className="w-32!" />
    </Field>
  );
}

export function DirectorySettingsForms({ domains, keepLast }: { domains: TCompanyDomainsInfo; keepLast: number }) {
  const router = useRouter();
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card>
        <CardHeader title="Company domains" />
        <CardBody>
          <ActionForm action={saveCompanyDomainsAction} successMessage="Company domains saved" onSuccess={() => router.refresh()} aria-label="Company domains" className="space-y-4">
            <DomainsField defaultValue={domains.domains.join('\n')} source={domains.source} />
            <SubmitButton>Save domains</SubmitButton>
          </ActionForm>
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Snapshot retention" />
        <CardBody>
          <ActionForm action={saveSnapshotRetentionAction} successMessage="Retention saved" onSuccess={() => router.refresh()} aria-label="Snapshot retention" className="space-y-4">
            <RetentionField defaultValue={keepLast} />
            <SubmitButton>Save retention</SubmitButton>
          </ActionForm>
        </CardBody>
      </Card>
    </div>
  );
}
