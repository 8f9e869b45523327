'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { deactivateStaleAccountsAction } from '@/app/(app)/stale/actions';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button, buttonClasses } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Dialog } from '@/components/ui/dialog';
import { Field, Textarea } from '@/components/ui/input';
import { Table, TableEmpty, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { staleCampaignHref } from '@/lib/stale/links';
import { RULE_BY_KEY, type TStaleRuleKey } from '@/lib/stale/rules';

/** One row as the page passes it (plain data). */
export type TStaleAccountRow = {
  scimId: string;
  name: string;
  email: string;
  active: boolean;
  department: string | null;
  departmentSource: 'directory' | 'hr' | null;
  rules: TStaleRuleKey[];
  reasons: string[];
  lastActiveAt: string | null;
  hrStatus: string | null;
};

type TProps = {
  rows: readonly TStaleAccountRow[];
  snapshotId: number;
  /** Admins select rows to deactivate or to review; auditors only read. */
  canAct: boolean;
  emptyMessage: string;
};

const HR_STATUS_LABEL: Record<string, string> = { active: 'Active', terminated: 'Terminated', leave: 'On leave' };

/**
 * The flagged accounts of one page with their findings in words. Admins can tick accounts and
 * either queue their deactivation (a justification is required and kept as evidence) or start a
 * campaign for them.
 */
export function StaleAccountsTable({ rows, snapshotId, canAct, emptyMessage }: TProps) {
  const router = useRouter();
  const { toast } = useToast();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [dialogOpen, setDialogOpen] = useState(false);
  const [justification, setJustification] = useState('');
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [pending, startTransition] = useTransition();

  // Only active accounts can be deactivated (a deactivated one is flagged for its groups).
  const selectable = rows.filter((r) => r.active).map((r) => r.scimId);
  const allSelected = selectable.length > 0 && selectable.every((id) => selected.has(id));
  const someSelected = selectable.some((id) => selected.has(id));
  const toggle = (id: string, on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  function submit() {
    setError(null);
    startTransition(async () => {
      let result: Awaited<ReturnType<typeof deactivateStaleAccountsAction>>;
      try {
        result = await deactivateStaleAccountsAction({ userScimIds: [...selected], justification });
      } catch {
        setError({ message: 'The request did not reach Attest. Nothing was queued; try again.' });
        return;
      }
      if (!result.ok) {
        setError({ message: result.error, field: result.fieldErrors?.justification?.[0] });
        return;
      }
      const { queued, alreadyQueued } = result.data;
      toast({
        tone: 'success',
        title: `${queued} deactivation${queued === 1 ? '' : 's'} queued`,
        description: alreadyQueued.length > 0 ? `${alreadyQueued.length} already waiting were not queued again. Send them from Remediation.` : 'Send them to Airtable from Remediation.',
      });
      setDialogOpen(false);
      setSelected(new Set());
      setJustification('');
      router.refresh();
    });
  }

  const count = selected.size;
  return (
    <div className="space-y-3">
      {canAct ? (
        <div className="flex flex-wrap items-center gap-2" aria-live="polite">
          <span className="text-sm text-ink-muted">{count === 0 ? 'Select accounts to act on them.' : `${count} selected`}</span>
          <Button variant="danger" size="sm" disabled={count === 0} onClick={() => setDialogOpen(true)}>
            Deactivate selected…
          </Button>
          {count > 0 ? (
            <Link href={staleCampaignHref(snapshotId, {}, [...selected])} className={buttonClasses('secondary', 'sm')}>
              Review selected in a campaign
            </Link>
          ) : null}
        </div>
      ) : null}
      <Table label="Flagged accounts">
        <THead>
          <TR>
            {canAct ? (
              <TH className="w-10">
                <Checkbox
                  label="Select every active account on this page"
                  labelHidden
                  checked={allSelected}
                  indeterminate={someSelected && !allSelected}
                  disabled={selectable.length === 0}
                  onChange={(e) => setSelected(e.currentTarget.checked ? new Set(selectable) : new Set())}
                />
              </TH>
            ) : null}
            <TH>Account</TH>
            <TH>Department</TH>
            <TH>Findings</TH>
            <TH>Last active</TH>
            <TH>HR status</TH>
          </TR>
        </THead>
        <TBody>
          {rows.length === 0 ? <TableEmpty colSpan={canAct ? 6 : 5}>{emptyMessage}</TableEmpty> : null}
          {rows.map((r) => (
            <TR key={r.scimId} selected={selected.has(r.scimId)}>
              {canAct ? (
                <TD>
                  <Checkbox
                    label={`Select ${r.name}`}
                    labelHidden
                    checked={selected.has(r.scimId)}
                    disabled={!r.active}
                    onChange={(e) => toggle(r.scimId, e.currentTarget.checked)}
                  />
                </TD>
              ) : null}
              <TD>
                <Link href={`/snapshots/${snapshotId}/users/${encodeURIComponent(r.scimId)}`} className="font-medium text-accent-ink underline">
                  {r.name}
                </Link>
                <div className="text-xs text-ink-muted">{r.email}</div>
                {!r.active ? <Badge tone="neutral">Deactivated</Badge> : null}
              </TD>
              <TD>
                {r.department ?? <span className="text-ink-muted">Unassigned</span>}
                {r.departmentSource === 'hr' ? (
                  <Badge tone="info" title="Blank in the directory; taken from the HR roster" className="ml-1">
                    HR
                  </Badge>
                ) : null}
              </TD>
              <TD>
                <div className="flex flex-wrap gap-1">
                  {r.rules.map((key) => (
                    <Badge key={key} tone={RULE_BY_KEY[key].reclaim ? 'danger' : 'warning'}>
                      {RULE_BY_KEY[key].label}
                    </Badge>
                  ))}
                </div>
                <ul className="mt-1 list-disc space-y-0.5 pl-4 text-xs text-ink-muted">
                  {r.reasons.map((reason) => (
                    <li key={reason}>{reason}</li>
                  ))}
                </ul>
              </TD>
              <TD className="whitespace-nowrap">{r.lastActiveAt ? <time dateTime={r.lastActiveAt}>{r.lastActiveAt.slice(0, 10)}</time> : '—'}</TD>
              <TD>{r.hrStatus ? (HR_STATUS_LABEL[r.hrStatus] ?? r.hrStatus) : '—'}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
      {canAct ? (
        <Dialog
          open={dialogOpen}
          onClose={() => setDialogOpen(false)}
          dismissible={!pending}
          title={`Deactivate ${count} account${count === 1 ? '' : 's'} in Airtable?`}
          description="Each account is queued in the remediation outbox; nothing is sent until remediation runs. Deactivation frees the license and can be undone by reactivating the user."
          footer={
            <>
              <Button variant="secondary" onClick={() => setDialogOpen(false)} disabled={pending}>
                Cancel
              </Button>
              <Button variant="danger" loading={pending} onClick={submit}>
                Queue {count} deactivation{count === 1 ? '' : 's'}
              </Button>
            </>
          }
        >
          <div className="space-y-3">
            <Field label="Justification" required hint="Kept as evidence with every request (at least 10 characters)." error={error?.field}>
              <Textarea name="justification" rows={3} value={justification} onChange={(e) => setJustification(e.currentTarget.value)} maxLength={2000} data-autofocus />
            </Field>
            {error && !error.field ? (
              <Alert tone="danger" title="Not queued">
                {error.message}
              </Alert>
            ) : null}
          </div>
        </Dialog>
      ) : null}
    </div>
  );
}
