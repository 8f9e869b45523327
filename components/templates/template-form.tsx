'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { createTemplateAction, previewScheduleAction, updateTemplateAction } from '@/app/(app)/campaigns/templates/actions';
import { ReviewRulesCard } from '@/components/campaigns/review-rules-card';
import { LaterStageFields, ReviewersCard, StageCountField } from '@/components/campaigns/reviewer-fields';
import { ActionForm, SubmitButton, useFieldError } from '@/components/forms/action-form';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Checkbox } from '@/components/ui/checkbox';
import { Field, Input } from '@/components/ui/input';
import { formatDateTime } from '@/lib/format';
import { DEFAULT_TIMEZONE } from '@/lib/schedule/cron';
import { MAX_DURATION_DAYS, type TScheduleKind } from '@/lib/schedule/schemas';
import type { TSchedulePreview, TTemplateView } from '@/lib/schedule/types';
import { ChoiceGroup, FlagCheckbox, Radio, TextField } from '@/components/forms/choice-fields';
import { formatInZone } from './run-status';
import { GroupPicker, OrgUnitPicker, type TGroupOption, type TOrgUnits } from '@/components/campaigns/scope-fields';

type TProps = {
  /** Editing: its settings fill the form and saving replaces them. */
  template?: TTemplateView;
  /** Groups of the latest complete snapshot (empty without one). */
  groups: TGroupOption[];
  groupsTruncated: boolean;
  orgUnits: TOrgUnits;
  /** IANA names for the timezone field's suggestions. */
  timezones: string[];
  /** The schedule's next runs as first shown (computed by the page). */
  initialPreview: TSchedulePreview | null;
};

type TSettings = TTemplateView['settings'];

type TPreviewState = { kind: 'runs'; preview: TSchedulePreview } | { kind: 'problem'; message: string } | { kind: 'idle' };

/**
 * The schedule: the quarterly preset or a cron expression, a timezone, and a live preview of the
 * next three runs computed by the server with the scheduler's own rules (so what it shows is what
 * will happen, DST included).
 */
function ScheduleCard({ template, timezones, initialPreview }: Pick<TProps, 'template' | 'timezones' | 'initialPreview'>) {
  const [schedule, setSchedule] = useState<TScheduleKind>(template?.schedule ?? 'quarterly');
  const [cron, setCron] = useState(template?.schedule === 'cron' ? template.cron : '0 9 1 * *');
  const [timezone, setTimezone] = useState(template?.timezone ?? DEFAULT_TIMEZONE);
  const [preview, setPreview] = useState<TPreviewState>(initialPreview ? { kind: 'runs', preview: initialPreview } : { kind: 'idle' });
  const shownFor = useRef(initialPreview ? `${schedule}|${cron}|${timezone}` : '');
  const cronError = useFieldError('cron');
  const timezoneError = useFieldError('timezone');

  useEffect(() => {
    const key = `${schedule}|${cron}|${timezone}`;
    if (key === shownFor.current) return;
    let cancelled = false;
    // Debounced: one request once the admin stops typing.
    const timer = setTimeout(() => {
      void previewScheduleAction({ schedule, cron, timezone }).then((result) => {
        if (cancelled) return;
        shownFor.current = key;
        if (result.ok) setPreview({ kind: 'runs', preview: result.data });
        else setPreview({ kind: 'problem', message: result.fieldErrors?.cron?.[0] ?? result.fieldErrors?.timezone?.[0] ?? result.error });
      });
    }, 350);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [schedule, cron, timezone]);

  return (
    <Card>
      <CardHeader title="Schedule" description="Each run takes a fresh snapshot and launches the campaign. Periods that pass while Attest is down are not launched late; the latest one is." />
      <CardBody className="flex flex-col gap-4">
        <ChoiceGroup legend="Runs" error="schedule">
          <Radio
            name="schedule"
            value="quarterly"
            label="Quarterly"
            description="09:00 on 1 January, April, July and October."
            checked={schedule === 'quarterly'}
            onChange={() => setSchedule('quarterly')}
          />
          <Radio name="schedule" value="cron" label="Custom (cron expression)" description="At most once a day." checked={schedule === 'cron'} onChange={() => setSchedule('cron')} />
        </ChoiceGroup>
        <div className="grid gap-4 sm:grid-cols-2">
          {schedule === 'cron' ? (
            <Field label="Cron expression" hint="minute hour day-of-month month day-of-week, e.g. 0 9 1 * * for 09:00 on the 1st of each month." error={cronError} required>
              <Input name="cron" value={cron} onChange={(e) => setCron(e.target.value)} autoComplete="off" spellCheck={false} className="font-mono" maxLength={100} />
            </Field>
          ) : null}
          <Field label="Timezone" hint="The schedule's wall clock (IANA name)." error={timezoneError}>
            {(control) => (
              <>
                <Input {...control} name="timezone" value={timezone} onChange={(e) => setTimezone(e.target.value)} list="template-timezones" autoComplete="off" maxLength={100} />
                <datalist id="template-timezones">
                  {timezones.map((tz) => (
                    <option key={tz} value={tz} />
                  ))}
                </datalist>
              </>
            )}
          </Field>
        </div>
        <div aria-live="polite" className="rounded-card border border-line bg-surface-subtle px-4 py-3 text-sm">
          {preview.kind === 'runs' ? (
            <>
              <p className="font-medium text-ink">{preview.preview.scheduleText}. Next runs:</p>
              <ol className="mt-1 list-decimal pl-5 text-ink-muted">
                {preview.preview.nextRuns.map((iso) => (
                  <li key={iso}>
                    <time dateTime={iso}>{formatInZone(iso, preview.preview.timezone)}</time>
                    {preview.preview.timezone === 'UTC' ? null : <span> · {formatDateTime(iso)}</span>}
                  </li>
                ))}
              </ol>
            </>
          ) : preview.kind === 'problem' ? (
            <p className="text-danger">{preview.message}</p>
          ) : (
            <p className="text-ink-muted">The next runs appear here.</p>
          )}
        </div>
      </CardBody>
    </Card>
  );
}

function StagesCard({ settings }: { settings: TSettings | undefined }) {
  const [count, setCount] = useState(1 + (settings?.laterStages.length ?? 0));
  return (
    <Card>
      <CardHeader title="Duration and stages" description="Due dates are counted from the launch, so a run that starts late still gives reviewers the whole time." />
      <CardBody className="flex flex-col gap-4">
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            name="reviewDays"
            label="Stage 1 lasts (days)"
            hint="Reviews are due this many days after the campaign launches."
            type="number"
            inputMode="numeric"
            min="1"
            max={String(MAX_DURATION_DAYS)}
            required
            defaultValue={String(settings?.reviewDays ?? 14)}
          />
          <StageCountField count={count} onChange={setCount} />
        </div>
        {Array.from({ length: count - 1 }, (_, i) => {
          const stage = settings?.laterStages[i];
          return (
            <LaterStageFields
              key={i}
              index={i}
              stage={stage}
              deadline={
                <TextField
                  name={`laterStages.${i}.durationDays`}
                  label={`Stage ${i + 2} lasts (days)`}
                  hint={`Due this many days after stage ${i + 1}.`}
                  type="number"
                  inputMode="numeric"
                  min="1"
                  max={String(MAX_DURATION_DAYS)}
                  required
                  defaultValue={String(stage?.durationDays ?? 7)}
                />
              }
            />
          );
        })}
      </CardBody>
    </Card>
  );
}

/** The recurring campaign form: a new template, or (with `template`) the settings of one. */
export function TemplateForm({ template, groups, groupsTruncated, orgUnits, timezones, initialPreview }: TProps) {
  const router = useRouter();
  const settings = template?.settings;
  const [kind, setKind] = useState<string>(settings?.scope.kind ?? 'all');
  const action = template ? updateTemplateAction : createTemplateAction;

  return (
    <ActionForm
      action={action}
      successMessage={template ? 'Template updated' : 'Template created'}
      onSuccess={(data) => router.push(`/campaigns/templates/${data.id}`)}
      aria-label={template ? 'Edit recurring campaign' : 'New recurring campaign'}
      className="flex flex-col gap-6"
    >
      {template ? <input type="hidden" name="templateId" value={template.id} /> : null}
      <Card>
        <CardHeader title="Basics" />
        <CardBody className="flex flex-col gap-4">
          <TextField
            name="name"
            label="Name"
            hint="Each campaign is named after it and its period, e.g. “Engineering access — 2027 Q1”."
            required
            autoComplete="off"
            defaultValue={template?.name}
            className="sm:max-w-md"
          />
          <FlagCheckbox
            name="enabled"
            label="Enabled"
            description="Launch campaigns on this schedule. Periods that passed while it was off are never launched."
            defaultChecked={template?.enabled ?? true}
          />
        </CardBody>
      </Card>

      <ScheduleCard template={template} timezones={timezones} initialPreview={initialPreview} />

      <Card>
        <CardHeader title="Scope" description="Who is in each campaign, resolved against the fresh snapshot of each run." />
        <CardBody className="flex flex-col gap-4">
          <ChoiceGroup legend="Users in scope" error={['scope', 'scope.kind', 'scope.groupIds', 'scope.departments', 'scope.costCenters', 'scope.divisions', 'scope.userIds']}>
            <Radio name="scope.kind" value="all" label="All users" checked={kind === 'all'} onChange={setKind} />
            <Radio name="scope.kind" value="groups" label="Members of chosen groups" checked={kind === 'groups'} onChange={setKind} />
            {kind === 'groups' ? <GroupPicker groups={groups} truncated={groupsTruncated} initial={settings?.scope.groupIds ?? []} /> : null}
            <Radio
              name="scope.kind"
              value="attributes"
              label="Users of chosen departments, cost centers or divisions"
              description="From the enterprise extension. A user must match each list where you chose something."
              checked={kind === 'attributes'}
              onChange={setKind}
            />
            {kind === 'attributes' ? <OrgUnitPicker orgUnits={orgUnits} initial={settings?.scope} /> : null}
            {settings?.scope.kind === 'users' ? (
              <>
                <Radio name="scope.kind" value="users" label={`Named users (${settings.scope.userIds.length.toLocaleString('en-US')})`} checked={kind === 'users'} onChange={setKind} />
                {kind === 'users' ? settings.scope.userIds.map((id) => <input key={id} type="hidden" name="scope.userIds" value={id} />) : null}
              </>
            ) : null}
          </ChoiceGroup>
          <Checkbox
            name="scope.includeInactive"
            value="true"
            label="Include deactivated users"
            description="Deactivated accounts that still hold access are often worth a look."
            defaultChecked={settings?.scope.includeInactive ?? false}
          />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="What is reviewed" />
        <CardBody>
          <ChoiceGroup legend="Items" error="reviewAccounts">
            <Checkbox name="reviewAccounts" value="true" label="Accounts" description="Should this person have an account at all?" defaultChecked={settings?.reviewAccounts ?? true} />
            <Checkbox name="reviewMemberships" value="true" label="Group memberships" description="Should this person be in this group?" defaultChecked={settings?.reviewMemberships ?? false} />
          </ChoiceGroup>
        </CardBody>
      </Card>

      <ReviewersCard values={settings} />

      <StagesCard settings={settings} />

      <ReviewRulesCard values={settings} />

      <div>
        <SubmitButton>{template ? 'Save changes' : 'Create recurring campaign'}</SubmitButton>
      </div>
    </ActionForm>
  );
}
