'use client';

import { useRouter } from 'next/navigation';
import { useId, useState, type ReactNode } from 'react';
import { ActionForm, SubmitButton, useFieldError, useFieldErrors } from '@/components/forms/action-form';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Checkbox } from '@/components/ui/checkbox';
import { ErrorIcon } from '@/components/ui/icons';
import { Field, Input, Select } from '@/components/ui/input';
import { createCampaignDraftAction } from '@/app/(app)/campaigns/actions';

export type TSnapshotOption = { id: number; label: string };
export type TGroupOption = { scimId: string; displayName: string; memberCount: number };

type TProps = {
  snapshots: TSnapshotOption[];
  snapshotId: number;
  groups: TGroupOption[];
  /** More groups exist than `groups` holds (the list is capped). */
  groupsTruncated: boolean;
  departments: string[];
  defaultDueDate: string;
};

function FieldError({ id, name }: { id: string; name: string | string[] }) {
  const names = Array.isArray(name) ? name : [name];
  const all = useFieldErrors();
  const errors = [...new Set(names.flatMap((n) => all[n] ?? []))];
  if (errors.length === 0) return null;
  return (
    <div id={id} className="flex flex-col gap-0.5 text-sm text-danger">
      {errors.map((message) => (
        <p key={message} className="flex items-start gap-1.5">
          <ErrorIcon size={16} className="mt-0.5 shrink-0" />
          <span>{message}</span>
        </p>
      ))}
    </div>
  );
}

/** A fieldset (legend, options, its field error) for radio groups and checkbox lists. */
function ChoiceGroup({ legend, hint, error, children }: { legend: string; hint?: string; error: string | string[]; children: ReactNode }) {
  const errorId = useId();
  const hintId = useId();
  const names = Array.isArray(error) ? error : [error];
  const all = useFieldErrors();
  const invalid = names.some((n) => (all[n]?.length ?? 0) > 0);
  return (
    <fieldset className="flex flex-col gap-2" aria-describedby={[invalid ? errorId : '', hint ? hintId : ''].filter(Boolean).join(' ') || undefined} aria-invalid={invalid || undefined}>
      <legend className="mb-1 text-sm font-medium text-ink">{legend}</legend>
      {hint ? (
        <p id={hintId} className="text-sm text-ink-muted">
          {hint}
        </p>
      ) : null}
      {children}
      <FieldError id={errorId} name={error} />
    </fieldset>
  );
}

function Radio({ name, value, label, checked, onChange, description }: { name: string; value: string; label: string; checked: boolean; onChange: (v: string) => void; description?: string }) {
  const id = useId();
  return (
    <div className="flex items-start gap-2">
      <input id={id} type="radio" name={name} value={value} checked={checked} onChange={() => onChange(value)} className="mt-0.5 size-4 shrink-0 cursor-pointer accent-accent" />
      <div className="flex flex-col">
        <label htmlFor={id} className="cursor-pointer text-sm text-ink">
          {label}
        </label>
        {description ? <p className="text-sm text-ink-muted">{description}</p> : null}
      </div>
    </div>
  );
}

function TextField({ name, label, hint, type = 'text', required, defaultValue, ...rest }: { name: string; label: string; hint?: string; type?: string; required?: boolean; defaultValue?: string; autoComplete?: string; min?: string }) {
  const error = useFieldError(name);
  return (
    <Field label={label} hint={hint} error={error} required={required}>
      <Input name={name} type={type} defaultValue={defaultValue} {...rest} />
    </Field>
  );
}

function SnapshotField({ snapshots, snapshotId }: { snapshots: TSnapshotOption[]; snapshotId: number }) {
  const error = useFieldError('snapshotId');
  const router = useRouter();
  return (
    <Field label="Snapshot" hint="The campaign reviews this point-in-time copy of the directory." error={error} required>
      <Select name="snapshotId" defaultValue={String(snapshotId)} onChange={(e) => router.replace(`/campaigns/new?snapshot=${e.target.value}`, { scroll: false })}>
        {snapshots.map((s) => (
          <option key={s.id} value={s.id}>
            {s.label}
          </option>
        ))}
      </Select>
    </Field>
  );
}

/**
 * An unchecked box sends nothing, and ZFlag defaults some flags to on: the hidden field sends
 * 'true' or 'false' explicitly.
 */
function FlagCheckbox({ name, label, defaultChecked = false }: { name: string; label: string; defaultChecked?: boolean }) {
  const [checked, setChecked] = useState(defaultChecked);
  return (
    <>
      <input type="hidden" name={name} value={checked ? 'true' : 'false'} />
      <Checkbox label={label} checked={checked} onChange={(e) => setChecked(e.target.checked)} />
    </>
  );
}

const GROUP_DISPLAY_LIMIT = 200;

function GroupPicker({ groups, truncated }: { groups: TGroupOption[]; truncated: boolean }) {
  const [filter, setFilter] = useState('');
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const needle = filter.trim().toLowerCase();
  const visible = groups.filter((g) => !needle || g.displayName.toLowerCase().includes(needle));
  const shown = new Set(visible.slice(0, GROUP_DISPLAY_LIMIT).map((g) => g.scimId));
  return (
    <div className="flex flex-col gap-2 pl-6">
      <Field label="Find a group" labelHidden>
        <Input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Find a group" />
      </Field>
      <p className="text-sm text-ink-muted">
        {checked.size} selected · {visible.length > GROUP_DISPLAY_LIMIT ? `showing ${GROUP_DISPLAY_LIMIT} of ${visible.length}, narrow with the search` : `${visible.length} shown`}
        {truncated ? ' · the first 500 groups of the snapshot are listed' : ''}
      </p>
      <div className="max-h-64 overflow-auto rounded-card border border-line p-2" role="group" aria-label="Groups">
        {groups.map((g) => (
          // Hidden, not unmounted: a checked group stays in the form while the search hides it.
          <Checkbox
            key={g.scimId}
            name="scope.groupIds"
            value={g.scimId}
            label={`${g.displayName} (${g.memberCount})`}
            className={shown.has(g.scimId) || checked.has(g.scimId) ? 'py-0.5' : 'hidden'}
            checked={checked.has(g.scimId)}
            onChange={(e) => {
              const next = new Set(checked);
              if (e.target.checked) next.add(g.scimId);
              else next.delete(g.scimId);
              setChecked(next);
            }}
          />
        ))}
      </div>
    </div>
  );
}

export function CampaignForm({ snapshots, snapshotId, groups, groupsTruncated, departments, defaultDueDate }: TProps) {
  const router = useRouter();
  const [kind, setKind] = useState('all');
  const [rule, setRule] = useState('manager');
  const [undecided, setUndecided] = useState('report');

  return (
    <ActionForm action={createCampaignDraftAction} successMessage="Draft saved" onSuccess={(data) => router.push(`/campaigns/${data.id}`)} aria-label="New campaign" className="flex flex-col gap-6">
      <Card>
        <CardHeader title="Basics" />
        <CardBody className="grid gap-4 sm:grid-cols-3">
          <TextField name="name" label="Name" required autoComplete="off" />
          <SnapshotField snapshots={snapshots} snapshotId={snapshotId} />
          <TextField name="dueAt" label="Due date" type="date" hint="Reviews are due at the end of this day (UTC)." required defaultValue={defaultDueDate} />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Scope" description="Who is in the campaign." />
        <CardBody className="flex flex-col gap-4">
          <ChoiceGroup legend="Users in scope" error={['scope', 'scope.kind', 'scope.groupIds', 'scope.departments']}>
            <Radio name="scope.kind" value="all" label="All users" checked={kind === 'all'} onChange={setKind} />
            <Radio name="scope.kind" value="groups" label="Members of chosen groups" checked={kind === 'groups'} onChange={setKind} />
            {kind === 'groups' ? <GroupPicker groups={groups} truncated={groupsTruncated} /> : null}
            <Radio name="scope.kind" value="attributes" label="Users of chosen departments" checked={kind === 'attributes'} onChange={setKind} />
            {kind === 'attributes' ? (
              <div className="max-h-64 overflow-auto rounded-card border border-line p-2 ml-6" role="group" aria-label="Departments">
                {departments.length === 0 ? <p className="text-sm text-ink-muted">No departments in this snapshot.</p> : null}
                {departments.map((d) => (
                  <Checkbox key={d} name="scope.departments" value={d} label={d} className="py-0.5" />
                ))}
              </div>
            ) : null}
          </ChoiceGroup>
          <Checkbox name="scope.includeInactive" label="Include deactivated users" description="Deactivated accounts that still hold access are often worth a look." />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="What is reviewed" />
        <CardBody>
          <ChoiceGroup legend="Items" error="reviewAccounts">
            <Checkbox name="reviewAccounts" label="Accounts" description="Should this person have an account at all?" defaultChecked />
            <Checkbox name="reviewMemberships" label="Group memberships" description="Should this person be in this group?" />
          </ChoiceGroup>
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Reviewers" />
        <CardBody className="flex flex-col gap-4">
          <ChoiceGroup legend="Reviewer rule" error="reviewerRule">
            <Radio name="reviewerRule" value="manager" label="The user's manager" checked={rule === 'manager'} onChange={setRule} />
            <Radio name="reviewerRule" value="group_owner" label="The owner of the group" checked={rule === 'group_owner'} onChange={setRule} />
            <Radio name="reviewerRule" value="fixed" label="A fixed reviewer" checked={rule === 'fixed'} onChange={setRule} />
          </ChoiceGroup>
          <div className="grid gap-4 sm:grid-cols-2">
            {rule === 'fixed' ? <TextField name="fixedReviewerEmail" label="Fixed reviewer email" type="email" required autoComplete="off" /> : null}
            <TextField
              name="fallbackReviewerEmail"
              label="Fallback reviewer email"
              type="email"
              hint="Reviews items when the rule finds nobody, or would pick the user themself."
              required
              autoComplete="off"
            />
          </div>
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Rules" />
        <CardBody className="flex flex-col gap-4">
          <FlagCheckbox name="revokeNeedsJustification" label="A revoke needs a justification" defaultChecked />
          <FlagCheckbox name="certifyFlaggedNeedsComment" label="Certifying a flagged item needs a comment" />
          <ChoiceGroup legend="At close, undecided items are" error="undecidedAction">
            <Radio name="undecidedAction" value="report" label="Reported as undecided" checked={undecided === 'report'} onChange={setUndecided} />
            <Radio name="undecidedAction" value="revoke" label="Revoked" checked={undecided === 'revoke'} onChange={setUndecided} />
          </ChoiceGroup>
        </CardBody>
      </Card>

      <div>
        <SubmitButton>Save draft</SubmitButton>
      </div>
    </ActionForm>
  );
}
