'use client';

import { useState, type ReactNode } from 'react';
import { useFieldError } from '@/components/forms/action-form';
import { ChoiceGroup, FlagCheckbox, Radio, TextField } from '@/components/forms/choice-fields';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Field, Select } from '@/components/ui/input';
import { MAX_STAGES, STAGE_ADVANCE_LABEL } from '@/lib/review/schemas';
import type { TReviewerRule } from '@/lib/review/types';

/**
 * Who reviews: the reviewer rule of stage 1 with its fallback, and the fields of stages 2 and 3.
 * Shared by the campaign wizard (due dates) and recurring campaigns (durations in days), which
 * differ only in how a stage's deadline is given.
 */

const RULE_CHOICES = [
  { value: 'manager', label: "The user's manager" },
  { value: 'group_owner', label: 'The owner of the group' },
  { value: 'fixed', label: 'A fixed reviewer' },
] as const satisfies ReadonlyArray<{ value: TReviewerRule; label: string }>;

type TReviewerValues = { reviewerRule: TReviewerRule; fixedReviewerEmail?: string | null; fallbackReviewerEmail: string };

/** Stage 1's reviewer rule, its fixed reviewer, and the fallback reviewer. */
export function ReviewersCard({ values }: { values: TReviewerValues | undefined }) {
  const [rule, setRule] = useState<string>(values?.reviewerRule ?? 'manager');
  return (
    <Card>
      <CardHeader title="Reviewers" />
      <CardBody className="flex flex-col gap-4">
        <ChoiceGroup legend="Reviewer rule" error="reviewerRule">
          {RULE_CHOICES.map((r) => (
            <Radio key={r.value} name="reviewerRule" value={r.value} label={r.label} checked={rule === r.value} onChange={setRule} />
          ))}
        </ChoiceGroup>
        <div className="grid gap-4 sm:grid-cols-2">
          {rule === 'fixed' ? (
            <TextField name="fixedReviewerEmail" label="Fixed reviewer email" type="email" required autoComplete="off" defaultValue={values?.fixedReviewerEmail ?? undefined} />
          ) : null}
          <TextField
            name="fallbackReviewerEmail"
            label="Fallback reviewer email"
            type="email"
            hint="Reviews items when the rule finds nobody, or would pick the user themself."
            required
            autoComplete="off"
            defaultValue={values?.fallbackReviewerEmail}
          />
        </div>
      </CardBody>
    </Card>
  );
}

/** "Number of stages": how many `LaterStageFields` the form shows. */
export function StageCountField({ count, onChange }: { count: number; onChange: (count: number) => void }) {
  const error = useFieldError('laterStages');
  return (
    <Field label="Number of stages" error={error}>
      <Select value={String(count)} onChange={(e) => onChange(Number(e.target.value))}>
        {Array.from({ length: MAX_STAGES }, (_, i) => (
          <option key={i + 1} value={i + 1}>
            {i === 0 ? '1 stage' : `${i + 1} stages`}
          </option>
        ))}
      </Select>
    </Field>
  );
}

type TLaterStageValues = { reviewerRule: TReviewerRule; fixedReviewerEmail?: string | null; advance: keyof typeof STAGE_ADVANCE_LABEL; showPreviousDecisions: boolean };

/**
 * A stage after the first (field names `laterStages.<index>.…`): its reviewer rule, which items it
 * takes, whether it sees earlier decisions, and `deadline` — the form's own field for when it is due.
 */
export function LaterStageFields({ index, stage, deadline }: { index: number; stage: TLaterStageValues | undefined; deadline: ReactNode }) {
  const number = index + 2;
  const prefix = `laterStages.${index}`;
  const [rule, setRule] = useState<string>(stage?.reviewerRule ?? 'fixed');
  const advanceError = useFieldError(`${prefix}.advance`);
  return (
    <fieldset className="flex flex-col gap-3 rounded-card border border-line p-4">
      <legend className="px-1 text-sm font-semibold text-ink">Stage {number}</legend>
      <ChoiceGroup legend={`Stage ${number} reviewer rule`} error={`${prefix}.reviewerRule`}>
        {RULE_CHOICES.map((r) => (
          <Radio key={r.value} name={`${prefix}.reviewerRule`} value={r.value} label={r.label} checked={rule === r.value} onChange={setRule} />
        ))}
      </ChoiceGroup>
      <div className="grid gap-4 sm:grid-cols-3">
        {rule === 'fixed' ? (
          <TextField name={`${prefix}.fixedReviewerEmail`} label={`Stage ${number} reviewer email`} type="email" required autoComplete="off" defaultValue={stage?.fixedReviewerEmail ?? undefined} />
        ) : null}
        {deadline}
        <Field label={`Stage ${number} reviews`} error={advanceError} hint="Undecided and “not sure” items always go on.">
          <Select name={`${prefix}.advance`} defaultValue={stage?.advance ?? 'all'}>
            {Object.entries(STAGE_ADVANCE_LABEL).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <FlagCheckbox name={`${prefix}.showPreviousDecisions`} label="Show the earlier stages’ decisions to these reviewers" defaultChecked={stage?.showPreviousDecisions ?? true} />
    </fieldset>
  );
}
