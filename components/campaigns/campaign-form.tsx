'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { GroupPicker, OrgUnitPicker, type TGroupOption } from '@/components/campaigns/scope-fields';
import { ReviewRulesCard } from '@/components/campaigns/review-rules-card';
import { LaterStageFields, ReviewersCard, StageCountField } from '@/components/campaigns/reviewer-fields';
import { ActionForm, SubmitButton, useFieldError } from '@/components/forms/action-form';
import { ChoiceGroup, Radio, TextField } from '@/components/forms/choice-fields';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Checkbox } from '@/components/ui/checkbox';
import { Field, Select } from '@/components/ui/input';
import { createCampaignDraftAction, updateCampaignDraftAction } from '@/app/(app)/campaigns/actions';
import type { TCampaignView } from '@/lib/review/types';

export type TSnapshotOption = { id: number; label: string };
export type { TGroupOption } from '@/components/campaigns/scope-fields';

type TProps = {
  snapshots: TSnapshotOption[];
  snapshotId: number;
  groups: TGroupOption[];
  /** More groups exist than `groups` holds (the list is capped). */
  groupsTruncated: boolean;
  /** Distinct values of the snapshot's organisation fields, for an attribute scope. */
  orgUnits: { department: string[]; costCenter: string[]; division: string[] };
  defaultDueDate: string;
  /** Editing a draft: its settings fill the form and saving replaces them. */
  draft?: TCampaignView;
  /** A list of users to review, e.g. from the stale-accounts dashboard: offered as the "named users" scope. */
  namedUsers?: { userIds: string[]; label: string } | null;
};

function SnapshotField({ snapshots, snapshotId, editingId }: { snapshots: TSnapshotOption[]; snapshotId: number; editingId?: number }) {
  const error = useFieldError('snapshotId');
  const router = useRouter();
  // Another snapshot has other groups and departments: reload the wizard's choices for it.
  const base = editingId ? `/campaigns/${editingId}/edit` : '/campaigns/new';
  return (
    <Field label="Snapshot" hint="The campaign reviews this point-in-time copy of the directory." error={error} required>
      <Select name="snapshotId" defaultValue={String(snapshotId)} onChange={(e) => router.replace(`${base}?snapshot=${e.target.value}`, { scroll: false })}>
        {snapshots.map((s) => (
          <option key={s.id} value={s.id}>
            {s.label}
          </option>
        ))}
      </Select>
    </Field>
  );
}

/** How many stages, and the settings of stages 2 and 3 (stage 1 is the reviewer rule and due date above). */
function StagesCard({ draft, defaultDueDate }: { draft: TCampaignView | undefined; defaultDueDate: string }) {
  const [count, setCount] = useState(1 + (draft?.laterStages.length ?? 0));
  const laterDue = (i: number): string => new Date(Date.parse(`${defaultDueDate}T00:00:00Z`) + (i + 1) * 14 * 86_400_000).toISOString().slice(0, 10);
  return (
    <Card>
      <CardHeader title="Stages" description="A second or third stage reviews again, e.g. the group owner after the manager. The last stage that reviews an item decides it." />
      <CardBody className="flex flex-col gap-4">
        <StageCountField count={count} onChange={setCount} />
        {Array.from({ length: count - 1 }, (_, i) => {
          const stage = draft?.laterStages[i];
          return (
            <LaterStageFields
              key={i}
              index={i}
              stage={stage}
              deadline={
                <TextField name={`laterStages.${i}.dueAt`} label={`Stage ${i + 2} due date`} type="date" required defaultValue={stage ? stage.dueAt.slice(0, 10) : laterDue(i)} />
              }
            />
          );
        })}
      </CardBody>
    </Card>
  );
}

/** The wizard: a new draft, or (with `draft`) the settings of an existing one. */
export function CampaignForm({ snapshots, snapshotId, groups, groupsTruncated, orgUnits, defaultDueDate, draft, namedUsers }: TProps) {
  const router = useRouter();
  const named = namedUsers ?? (draft?.scope.kind === 'users' ? { userIds: draft.scope.userIds, label: `${draft.scope.userIds.length.toLocaleString('en-US')} named users` } : null);
  const [kind, setKind] = useState<string>(draft?.scope.kind ?? (named ? 'users' : 'all'));
  const action = draft ? updateCampaignDraftAction : createCampaignDraftAction;

  return (
    <ActionForm
      action={action}
      successMessage={draft ? 'Draft updated' : 'Draft saved'}
      onSuccess={(data) => router.push(`/campaigns/${data.id}`)}
      aria-label={draft ? 'Edit campaign' : 'New campaign'}
      className="flex flex-col gap-6"
    >
      {draft ? <input type="hidden" name="campaignId" value={draft.id} /> : null}
      <Card>
        <CardHeader title="Basics" />
        <CardBody className="grid gap-4 sm:grid-cols-3">
          <TextField name="name" label="Name" required autoComplete="off" defaultValue={draft?.name} />
          <SnapshotField snapshots={snapshots} snapshotId={snapshotId} editingId={draft?.id} />
          <TextField
            name="dueAt"
            label="Due date"
            type="date"
            hint="Reviews are due at the end of this day (UTC)."
            required
            defaultValue={draft ? draft.dueAt.slice(0, 10) : defaultDueDate}
          />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Scope" description="Who is in the campaign." />
        <CardBody className="flex flex-col gap-4">
          <ChoiceGroup legend="Users in scope" error={['scope', 'scope.kind', 'scope.groupIds', 'scope.departments', 'scope.costCenters', 'scope.divisions', 'scope.userIds']}>
            <Radio name="scope.kind" value="all" label="All users" checked={kind === 'all'} onChange={setKind} />
            <Radio name="scope.kind" value="groups" label="Members of chosen groups" checked={kind === 'groups'} onChange={setKind} />
            {kind === 'groups' ? <GroupPicker groups={groups} truncated={groupsTruncated} initial={draft?.scope.groupIds ?? []} snapshotName="this snapshot" /> : null}
            <Radio
              name="scope.kind"
              value="attributes"
              label="Users of chosen departments, cost centers or divisions"
              description="From the enterprise extension. A user must match each list where you chose something."
              checked={kind === 'attributes'}
              onChange={setKind}
            />
            {kind === 'attributes' ? <OrgUnitPicker orgUnits={orgUnits} initial={draft?.scope} /> : null}
            {named ? (
              <>
                <Radio name="scope.kind" value="users" label={`Named users: ${named.label}`} checked={kind === 'users'} onChange={setKind} />
                {kind === 'users' ? named.userIds.map((id) => <input key={id} type="hidden" name="scope.userIds" value={id} />) : null}
              </>
            ) : null}
          </ChoiceGroup>
          <Checkbox
            name="scope.includeInactive"
            label="Include deactivated users"
            description="Deactivated accounts that still hold access are often worth a look."
            defaultChecked={draft?.scope.includeInactive ?? Boolean(namedUsers)}
          />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="What is reviewed" />
        <CardBody>
          <ChoiceGroup legend="Items" error="reviewAccounts">
            <Checkbox name="reviewAccounts" label="Accounts" description="Should this person have an account at all?" defaultChecked={draft?.reviewAccounts ?? true} />
            <Checkbox name="reviewMemberships" label="Group memberships" description="Should this person be in this group?" defaultChecked={draft?.reviewMemberships ?? false} />
          </ChoiceGroup>
        </CardBody>
      </Card>

      <ReviewersCard values={draft} />

      <StagesCard draft={draft} defaultDueDate={defaultDueDate} />

      <ReviewRulesCard values={draft} />

      <div>
        <SubmitButton>{draft ? 'Save changes' : 'Save draft'}</SubmitButton>
      </div>
    </ActionForm>
  );
}
