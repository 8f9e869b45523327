'use client';

import { useRef, useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { ActionForm, SubmitButton, useFieldError } from '@/components/forms/action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { Field, Input } from '@/components/ui/input';
import { useToast } from '@/components/ui/toast';
import { clearConnectionAction, saveConnectionAction, testConnectionAction } from '@/app/(app)/settings/actions';
import type { TConnectionSummary } from '@/lib/connection/types';

const SOURCE_LABEL: Record<TConnectionSummary['source'], string> = {
  env: 'Environment variables (SCIM_BASE_URL / SCIM_TOKEN)',
  saved: 'Saved in Attest (encrypted)',
  demo: 'Demo mode: the built-in Airtable simulator',
};

const FAILURE_TITLE: Record<string, string> = {
  unreachable: 'Server unreachable',
  auth_failed: 'Authentication failed',
  forbidden: 'Forbidden',
  rate_limited: 'Rate limited',
  not_scim: 'Not a SCIM server',
  error: 'Connection failed',
};

type TTestOutcome = { tone: 'success' | 'danger' | 'warning'; title: string; body: string } | null;

function BaseUrlField({ defaultValue }: { defaultValue: string }) {
  const error = useFieldError('baseUrl');
  return (
    <Field label="SCIM base URL" hint="Airtable: https://airtable.com/scim/v2" error={error} required>
      <Input id="baseUrl" name="baseUrl" type="url" defaultValue={defaultValue} autoComplete="off" spellCheck={false} required />
    </Field>
  );
}

function TokenField({ last4 }: { last4: string | null }) {
  const error = useFieldError('token');
  return (
    <Field
      label="Access token"
      hint={`A personal access token of an enterprise admin with scope enterprise.scim.usersAndGroups:manage.${last4 ? ` Saved token ends in …${last4}; enter it again to change the connection.` : ''}`}
      error={error}
     
      required
    >
      <Input id="token" name="token" type="password" autoComplete="new-password" spellCheck={false} required />
    </Field>
  );
}

export function ConnectionSettings({ summary, defaultBaseUrl }: { summary: TConnectionSummary; defaultBaseUrl: string }) {
  const router = useRouter();
  const { toast } = useToast();
  const formRef = useRef<HTMLDivElement>(null);
  const [testing, startTest] = useTransition();
  const [outcome, setOutcome] = useState<TTestOutcome>(null);
  const [confirmClear, setConfirmClear] = useState(false);

  function runTest() {
    const form = formRef.current?.closest('form') ?? null;
    const data = form ? new FormData(form) : new FormData();
    const baseUrl = String(data.get('baseUrl') ?? '');
    const token = String(data.get('token') ?? '');
    // With a token typed in, test what is typed; otherwise test the connection in use.
    const input = token ? { baseUrl, token } : { baseUrl: '' as const, token: '' as const };
    startTest(async () => {
      const result = await testConnectionAction(input);
      if (!result.ok) {
        setOutcome({ tone: 'danger', title: 'Could not test', body: result.fieldErrors ? Object.values(result.fieldErrors).flat().join(' ') : result.error });
        return;
      }
      const r = result.data;
      if (r.ok) {
        setOutcome({
          tone: 'success',
          title: 'Reachable',
          body: `${r.baseUrl} answered: ${r.totalUsers.toLocaleString()} users${r.totalGroups === null ? '' : `, ${r.totalGroups.toLocaleString()} groups`} visible to this token.`,
        });
      } else {
        setOutcome({
          tone: r.kind === 'rate_limited' ? 'warning' : 'danger',
          title: FAILURE_TITLE[r.kind] ?? 'Connection failed',
          body: `${r.status ? `HTTP ${r.status}: ` : ''}${r.message}`,
        });
      }
    });
  }

  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <Card className="lg:col-span-2">
        <CardHeader title="Airtable SCIM connection" />
        <CardBody>
          {summary.source === 'env' ? (
            <Alert tone="info" title="Set by the environment" className="mb-4">
              SCIM_TOKEN is set in the server environment and overrides anything saved here.
            </Alert>
          ) : null}
          <ActionForm
            action={saveConnectionAction}
            successMessage="Connection saved"
            resetOnSuccess
            onSuccess={() => router.refresh()}
            aria-label="SCIM connection"
            className="space-y-4"
          >
            <div ref={formRef} className="space-y-4">
              <BaseUrlField defaultValue={summary.source === 'demo' ? defaultBaseUrl : summary.baseUrl} />
              <TokenField last4={summary.tokenLast4} />
            </div>
            <div className="flex flex-wrap gap-3">
              <SubmitButton>Save connection</SubmitButton>
              <Button variant="secondary" onClick={runTest} loading={testing}>
                Test connection
              </Button>
              {summary.source === 'saved' ? (
                <Button variant="ghost" onClick={() => setConfirmClear(true)}>
                  Remove saved connection
                </Button>
              ) : null}
            </div>
          </ActionForm>
          <div aria-live="polite" className="mt-4">
            {outcome ? (
              <Alert tone={outcome.tone} title={outcome.title}>
                {outcome.body}
              </Alert>
            ) : null}
          </div>
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="In use now" />
        <CardBody>
          <dl className="space-y-3 text-sm">
            <div>
              <dt className="text-ink-muted">Source</dt>
              <dd className="font-medium">{SOURCE_LABEL[summary.source]}</dd>
            </div>
            {summary.source !== 'demo' ? (
              <>
                <div>
                  <dt className="text-ink-muted">Base URL</dt>
                  <dd className="break-all font-mono text-xs">{summary.baseUrl}</dd>
                </div>
                <div>
                  <dt className="text-ink-muted">Token</dt>
                  <dd className="font-mono">…{summary.tokenLast4}</dd>
                </div>
              </>
            ) : null}
            {summary.updatedAt ? (
              <div>
                <dt className="text-ink-muted">Last changed</dt>
                <dd>
                  <time dateTime={summary.updatedAt}>{new Date(summary.updatedAt).toLocaleString()}</time> by {summary.updatedBy}
                </dd>
              </div>
            ) : null}
          </dl>
        </CardBody>
      </Card>
      <ConfirmDialog
        open={confirmClear}
        onClose={() => setConfirmClear(false)}
        title="Remove the saved connection?"
        message="Attest goes back to demo mode (or to the environment's connection) until a new token is saved. Snapshots and campaigns are kept."
        confirmLabel="Remove connection"
        danger
        onConfirm={async () => {
          const result = await clearConnectionAction({});
          setConfirmClear(false);
          if (result.ok) {
            toast({ title: 'Saved connection removed', tone: 'success' });
            router.refresh();
          } else toast({ title: 'Not removed', description: result.error, tone: 'danger' });
        }}
      />
    </div>
  );
}
