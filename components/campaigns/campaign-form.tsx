'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { GroupPicker, OrgUnitPicker, type TGroupOption } from '@/components/campaigns/scope-fields';
import { ReviewRulesCard } from '@/components/campaigns/review-rules-card';
import { ActionForm, SubmitButton, useFieldError } from '@/components/forms/action-form';
import { ChoiceGroup, FlagCheckbox, Radio, TextField } from '@/components/forms/choice-fields';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Checkbox } from '@/components/ui/checkbox';
import { Field, Select } from '@/components/ui/input';
import { createCampaignDraftAction, updateCampaignDraftAction } from '@/app/(app)/campaigns/actions';
import { MAX_STAGES, STAGE_ADVANCE_LABEL, type TLaterStage } from '@/lib/review/schemas';
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

const STAGE_RULES = [
  { value: 'manager', label: "The user's manager" },
  { value: 'group_owner', label: 'The owner of the group' },
  { value: 'fixed', label: 'A fixed reviewer' },
] as const;

/** One stage after the first: its reviewer rule, due date, which items it takes, and whether it sees earlier decisions. */
function LaterStageFields({ index, draft, defaultDueDate }: { index: number; draft: TLaterStage | undefined; defaultDueDate: string }) {
  const stage = index + 2;
  const prefix = `laterStages.${index}`;
  const [rule, setRule] = useState<string>(draft?.reviewerRule ?? 'fixed');
  const advanceError = useFieldError(`${prefix}.advance`);
  return (
    <fieldset className="flex flex-col gap-3 rounded-card border border-line p-4">
      <legend className="px-1 text-sm font-semibold text-ink">Stage {stage}</legend>
      <ChoiceGroup legend={`Stage ${stage} reviewer rule`} error={`${prefix}.reviewerRule`}>
        {STAGE_RULES.map((r) => (
          <Radio key={r.value} name={`${prefix}.reviewerRule`} value={r.value} label={r.label} checked={rule === r.value} onChange={setRule} />
        ))}
      </ChoiceGroup>
      <div className="grid gap-4 sm:grid-cols-3">
        {rule === 'fixed' ? (
          <TextField name={`${prefix}.fixedReviewerEmail`} label={`Stage ${stage} reviewer email`} type="email" required autoComplete="off" defaultValue={draft?.fixedReviewerEmail ?? undefined} />
        ) : null}
        <TextField name={`${prefix}.dueAt`} label={`Stage ${stage} due date`} type="date" required defaultValue={draft ? draft.dueAt.slice(0, 10) : defaultDueDate} />
        <Field label={`Stage ${stage} reviews`} error={advanceError} hint="Undecided and “not sure” items always go on.">
          <Select name={`${prefix}.advance`} defaultValue={draft?.advance ?? 'all'}>
            {Object.entries(STAGE_ADVANCE_LABEL).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <FlagCheckbox name={`${prefix}.showPreviousDecisions`} label="Show the earlier stages’ decisions to these reviewers" defaultChecked={draft?.showPreviousDecisions ?? true} />
    </fieldset>
  );
}

/** How many stages, and the settings of stages 2 and 3 (stage 1 is the reviewer rule and due date above). */
function StagesCard({ draft, defaultDueDate }: { draft: TCampaignView | undefined; defaultDueDate: string }) {
  const [count, setCount] = useState(1 + (draft?.laterStages.length ?? 0));
  const error = useFieldError('laterStages');
  const laterDue = (i: number): string => new Date(Date.parse(`${defaultDueDate}T00:00:00Z`) + (i + 1) * 14 * 86_400_000).toISOString().slice(0, 10);
  return (
    <Card>
      <CardHeader title="Stages" description="A second or third stage reviews again, e.g. the group owner after the manager. The last stage that reviews an item decides it." />
      <CardBody className="flex flex-col gap-4">
        <Field label="Number of stages" error={error}>
          <Select value={String(count)} onChange={(e) => setCount(Number(e.target.value))} aria-label="Number of stages">
            {Array.from({ length: MAX_STAGES }, (_, i) => (
              <option key={i + 1} value={i + 1}>
                {i === 0 ? '1 stage' : `${i + 1} stages`}
              </option>
            ))}
          </Select>
        </Field>
        {Array.from({ length: count - 1 }, (_, i) => (
          <LaterStageFields key={i} index={i} draft={draft?.laterStages[i]} defaultDueDate={laterDue(i)} />
        ))}
      </CardBody>
    </Card>
  );
}

/** The wizard: a new draft, or (with `draft`) the settings of an existing one. */
export function CampaignForm({ snapshots, snapshotId, groups, groupsTruncated, orgUnits, defaultDueDate, draft, namedUsers }: TProps) {
  const router = useRouter();
  const named = namedUsers ?? (draft?.scope.kind === 'users' ? { userIds: draft.scope.userIds, label: `${draft.scope.userIds.length.toLocaleString('en-US')} named users` } : null);
  const [kind, setKind] = useState<string>(draft?.scope.kind ?? (named ? 'users' : 'all'));
  const [rule, setRule] = useState<string>(draft?.reviewerRule ?? 'manager');
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

      <Card>
        <CardHeader title="Reviewers" />
        <CardBody className="flex flex-col gap-4">
          <ChoiceGroup legend="Reviewer rule" error="reviewerRule">
            <Radio name="reviewerRule" value="manager" label="The user's manager" checked={rule === 'manager'} onChange={setRule} />
            <Radio name="reviewerRule" value="group_owner" label="The owner of the group" checked={rule === 'group_owner'} onChange={setRule} />
            <Radio name="reviewerRule" value="fixed" label="A fixed reviewer" checked={rule === 'fixed'} onChange={setRule} />
          </ChoiceGroup>
          <div className="grid gap-4 sm:grid-cols-2">
            {rule === 'fixed' ? (
              <TextField name="fixedReviewerEmail" label="Fixed reviewer email" type="email" required autoComplete="off" defaultValue={draft?.fixedReviewerEmail ?? undefined} />
            ) : null}
            <TextField
              name="fallbackReviewerEmail"
              label="Fallback reviewer email"
              type="email"
              hint="Reviews items when the rule finds nobody, or would pick the user themself."
              required
              autoComplete="off"
              defaultValue={draft?.fallbackReviewerEmail}
            />
          </div>
        </CardBody>
      </Card>

      <StagesCard draft={draft} defaultDueDate={defaultDueDate} />

      <ReviewRulesCard values={draft} />

      <div>
        <SubmitButton>{draft ? 'Save changes' : 'Save draft'}</SubmitButton>
      </div>
    </ActionForm>
  );
}
