'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { saveNotificationRulesAction, saveSmtpSettingsAction, sendTestMailAction } from '@/app/(app)/settings/notifications/actions';
import { ActionForm, SubmitButton, useFieldError, useFieldErrors } from '@/components/forms/action-form';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Checkbox, Field, Input, Select } from '@/components/ui/input';
import { formatCount, formatDateTime } from '@/lib/format';
import { DEFAULT_SMTP_PORT, SMTP_SECURITY, SMTP_SECURITY_LABEL, type TNotificationRules, type TSmtpSecurity } from '@/lib/notifications/schemas';
import type { TSmtpSummary } from '@/lib/notifications/settings';
import type { TOutboxSummary } from '@/lib/notifications/tick';

type TProps = { smtp: TSmtpSummary; rules: TNotificationRules; outbox: TOutboxSummary; appUrl: string; adminEmail: string };

const FAILURE_TITLE: Record<string, string> = {
  not_configured: 'Not configured',
  unreachable: 'SMTP server unreachable',
  timeout: 'No answer in time',
  tls: 'TLS failed',
  auth_failed: 'Authentication failed',
  rejected: 'Mail refused',
  temporary: 'Mail deferred',
  config: 'Configuration problem',
  error: 'Sending failed',
};

function TextField({ name, label, hint, defaultValue, type = 'text', placeholder, required }: { name: string; label: string; hint?: string; defaultValue?: string | number | null; type?: string; placeholder?: string; required?: boolean }) {
  return (
    <Field label={label} hint={hint} error={useFieldError(name)} required={required}>
      <Input name={name} type={type} defaultValue={defaultValue ?? ''} placeholder={placeholder} autoComplete="off" spellCheck={false} />
    </Field>
  );
}

function SecurityField({ value, onChange }: { value: TSmtpSecurity; onChange: (v: TSmtpSecurity) => void }) {
  return (
    <Field label="Security" error={useFieldError('security')}>
      <Select name="security" value={value} onChange={(e) => onChange(e.target.value as TSmtpSecurity)}>
        {SMTP_SECURITY.map((s) => (
          <option key={s} value={s}>
            {SMTP_SECURITY_LABEL[s]}
          </option>
        ))}
      </Select>
    </Field>
  );
}

function PasswordField({ password }: { password: TSmtpSummary['password'] }) {
  const saved = password.set ? (password.endsWith ? `A password is saved (ends in …${password.endsWith}).` : 'A password is saved.') : 'No password saved.';
  return (
    <Field label="Password" hint={`${saved} Leave blank to keep it; it is stored encrypted and never shown.`} error={useFieldError('password')}>
      <Input name="password" type="password" autoComplete="new-password" spellCheck={false} />
    </Field>
  );
}

function ReminderDaysField({ defaultValue }: { defaultValue: string }) {
  // Zod reports each bad entry under its index (reminderDaysBefore.1): show them together.
  const errors = Object.entries(useFieldErrors())
    .filter(([key]) => key === 'reminderDaysBefore' || key.startsWith('reminderDaysBefore.'))
    .flatMap(([, messages]) => messages);
  return (
    <Field label="Reminders before the due date (days)" hint="For example 3, 1: a reminder 3 days and 1 day before. Blank: no reminders." error={errors.length > 0 ? [...new Set(errors)] : undefined}>
      <Input name="reminderDaysBefore" defaultValue={defaultValue} placeholder="3, 1" className="w-40!" />
    </Field>
  );
}

function DaysField({ name, label, hint, defaultValue }: { name: string; label: string; hint: string; defaultValue: number | null }) {
  return (
    <Field label={label} hint={hint} error={useFieldError(name)}>
      <Input name={name} type="number" inputMode="numeric" min={1} defaultValue={defaultValue ?? ''} placeholder="never" className="w-28!" />
    </Field>
  );
}

/** Settings → Notifications: the SMTP server, a test mail, the timing rules and the state of the mail outbox. */
export function NotificationSettingsForms({ smtp, rules, outbox, appUrl, adminEmail }: TProps) {
  const router = useRouter();
  const [security, setSecurity] = useState<TSmtpSecurity>(smtp.security);
  const [testTo, setTestTo] = useState('');
  const [testing, startTest] = useTransition();
  const [testOutcome, setTestOutcome] = useState<{ tone: 'success' | 'danger'; title: string; body: string } | null>(null);

  function sendTest() {
    startTest(async () => {
      const result = await sendTestMailAction({ to: testTo });
      if (!result.ok) {
        setTestOutcome({ tone: 'danger', title: 'Could not send', body: result.fieldErrors ? Object.values(result.fieldErrors).flat().join(' ') : result.error });
        return;
      }
      const r = result.data;
      setTestOutcome(
        r.ok
          ? { tone: 'success', title: 'Test mail sent', body: `The SMTP server accepted a test mail to ${r.to}. Check that it arrived.` }
          : { tone: 'danger', title: FAILURE_TITLE[r.kind] ?? 'Sending failed', body: r.message },
      );
      router.refresh();
    });
  }

  const status = !smtp.configured ? (
    <Badge>Not configured: in-app only</Badge>
  ) : smtp.enabled ? (
    <Badge tone="success">Mail on</Badge>
  ) : (
    <Badge tone="warning">Mail off: in-app only</Badge>
  );

  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <div className="space-y-6 lg:col-span-2">
        <Card>
          <CardHeader title="Mail server (SMTP)" description="Notifications always appear in Attest; with a mail server they are also emailed." actions={status} />
          <CardBody>
            <ActionForm action={saveSmtpSettingsAction} successMessage="Mail settings saved" onSuccess={() => router.refresh()} aria-label="Mail server" className="space-y-4">
              <Checkbox name="enabled" label="Send notifications by email" description="Off: notifications are only shown in Attest." defaultChecked={smtp.configured ? smtp.enabled : true} />
              <div className="grid gap-4 sm:grid-cols-3">
                <div className="sm:col-span-2">
                  <TextField name="host" label="Host" hint="For example smtp.office365.com. Blank: no mail server." defaultValue={smtp.host} />
                </div>
                <TextField name="port" label="Port" type="number" hint={`Blank: ${DEFAULT_SMTP_PORT[security]}.`} defaultValue={smtp.port} placeholder={String(DEFAULT_SMTP_PORT[security])} />
              </div>
              <SecurityField value={security} onChange={setSecurity} />
              <div className="grid gap-4 sm:grid-cols-2">
                <TextField name="username" label="Username" hint="Blank when the server needs no login." defaultValue={smtp.username} />
                <PasswordField password={smtp.password} />
              </div>
              <TextField name="from" label="From address" hint="For example Attest <attest@example.com>." defaultValue={smtp.from} />
              <SubmitButton>Save mail settings</SubmitButton>
            </ActionForm>
          </CardBody>
        </Card>

        <Card>
          <CardHeader title="Send a test mail" description="Uses the saved settings, even while mail is off." />
          <CardBody className="space-y-4">
            <div className="flex flex-wrap items-end gap-3">
              <Field label="Send to" hint={`Blank: ${adminEmail}`} className="min-w-64 flex-1">
                <Input name="testTo" type="email" value={testTo} onChange={(e) => setTestTo(e.target.value)} placeholder={adminEmail} autoComplete="off" />
              </Field>
              <Button variant="secondary" onClick={sendTest} loading={testing} disabled={!smtp.configured}>
                Send test mail
              </Button>
            </div>
            <div aria-live="polite">
              {testOutcome ? (
                <Alert tone={testOutcome.tone} title={testOutcome.title}>
                  {testOutcome.body}
                </Alert>
              ) : null}
            </div>
          </CardBody>
        </Card>

        <Card>
          <CardHeader title="When to notify" description="Relative to the due date of the campaign's current stage. Reviewers who signed off, and closed campaigns, get nothing." />
          <CardBody>
            <ActionForm action={saveNotificationRulesAction} successMessage="Notification rules saved" onSuccess={() => router.refresh()} aria-label="When to notify" className="space-y-4">
              <ReminderDaysField defaultValue={rules.reminderDaysBefore.join(', ')} />
              <div className="flex flex-wrap gap-4">
                <DaysField name="overdueEveryDays" label="Overdue notice every (days)" hint="From the due date on. Blank: none." defaultValue={rules.overdueEveryDays} />
                <DaysField
                  name="escalateAfterDays"
                  label="Escalate after (days overdue)"
                  hint="Once, to the reviewer's manager (else the campaign owner). Blank: never."
                  defaultValue={rules.escalateAfterDays}
                />
              </div>
              <p className="text-sm text-ink-muted">Everything one person is told at the same time arrives as one summary mail.</p>
              <SubmitButton>Save rules</SubmitButton>
            </ActionForm>
          </CardBody>
        </Card>
      </div>

      <Card>
        <CardHeader title="Mail outbox" />
        <CardBody>
          <dl className="space-y-3 text-sm">
            <div className="flex justify-between">
              <dt className="text-ink-muted">Sent</dt>
              <dd className="tabular-nums">{formatCount(outbox.counts.sent)}</dd>
            </div>
            <div className="flex justify-between">
              <dt className="text-ink-muted">Waiting or retrying</dt>
              <dd className="tabular-nums">{formatCount(outbox.counts.pending)}</dd>
            </div>
            <div className="flex justify-between">
              <dt className="text-ink-muted">Failed</dt>
              <dd className="tabular-nums">{formatCount(outbox.counts.failed)}</dd>
            </div>
            <div className="flex justify-between">
              <dt className="text-ink-muted">Not sent: no longer needed</dt>
              <dd className="tabular-nums">{formatCount(outbox.counts.skipped)}</dd>
            </div>
            <div className="flex justify-between">
              <dt className="text-ink-muted">In-app only (mail off)</dt>
              <dd className="tabular-nums">{formatCount(outbox.counts.not_configured)}</dd>
            </div>
            <div>
              <dt className="text-ink-muted">Links in mails point to</dt>
              <dd className="break-all font-mono text-xs">{appUrl}</dd>
              <dd className="text-xs text-ink-muted">Set APP_URL to change it.</dd>
            </div>
            {smtp.updatedAt ? (
              <div>
                <dt className="text-ink-muted">Mail settings last changed</dt>
                <dd>
                  <time dateTime={smtp.updatedAt}>{formatDateTime(smtp.updatedAt)}</time> by {smtp.updatedBy}
                </dd>
              </div>
            ) : null}
          </dl>
          {outbox.lastError ? (
            <Alert tone="warning" title={outbox.lastError.status === 'pending' ? 'Latest error (will retry)' : 'Latest error'} className="mt-4">
              <p className="break-words">{outbox.lastError.error}</p>
              <p className="mt-1 text-xs">
                To {outbox.lastError.recipientEmail}, {formatDateTime(outbox.lastError.createdAt)}
              </p>
            </Alert>
          ) : null}
        </CardBody>
      </Card>
    </div>
  );
}
