'use client';

import { useState } from 'react';
import { useFieldError } from '@/components/forms/action-form';
import { ChoiceGroup, FlagCheckbox, Radio } from '@/components/forms/choice-fields';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Field, Textarea } from '@/components/ui/input';
import { DEFAULT_ATTESTATION_STATEMENT } from '@/lib/review/schemas';

export type TReviewRules = {
  revokeNeedsJustification: boolean;
  certifyFlaggedNeedsComment: boolean;
  allowCarryOverAccept: boolean;
  undecidedAction: 'report' | 'revoke';
  attestationStatement: string;
};

function AttestationField({ defaultValue }: { defaultValue: string }) {
  const error = useFieldError('attestationStatement');
  return (
    <Field label="Attestation statement" hint="Each reviewer confirms this statement when they sign off; it is kept with their sign-off." error={error}>
      <Textarea name="attestationStatement" rows={3} defaultValue={defaultValue} maxLength={4000} />
    </Field>
  );
}

/** The review rules of a campaign (the wizard) or of each campaign a recurring template launches. */
export function ReviewRulesCard({ values }: { values: Partial<TReviewRules> | undefined }) {
  const [undecided, setUndecided] = useState<string>(values?.undecidedAction ?? 'report');
  return (
    <Card>
      <CardHeader title="Rules" />
      <CardBody className="flex flex-col gap-4">
        <FlagCheckbox name="revokeNeedsJustification" label="A revoke needs a justification" defaultChecked={values?.revokeNeedsJustification ?? true} />
        <FlagCheckbox name="certifyFlaggedNeedsComment" label="Certifying a flagged item needs a comment" defaultChecked={values?.certifyFlaggedNeedsComment ?? false} />
        <FlagCheckbox
          name="allowCarryOverAccept"
          label="Reviewers may accept carried-over certifications in one step (items certified last time and unchanged since)"
          defaultChecked={values?.allowCarryOverAccept ?? false}
        />
        <ChoiceGroup legend="At close, undecided items are" error="undecidedAction">
          <Radio name="undecidedAction" value="report" label="Reported as undecided" checked={undecided === 'report'} onChange={setUndecided} />
          <Radio name="undecidedAction" value="revoke" label="Revoked" checked={undecided === 'revoke'} onChange={setUndecided} />
        </ChoiceGroup>
        <AttestationField defaultValue={values?.attestationStatement ?? DEFAULT_ATTESTATION_STATEMENT} />
      </CardBody>
    </Card>
  );
}
