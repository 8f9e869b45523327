'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ActionForm, SubmitButton, useFieldError } from '@/components/forms/action-form';
import { Button } from '@/components/ui/button';
import { buttonClasses } from '@/components/ui/button-classes';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { Checkbox } from '@/components/ui/checkbox';
import { Field, Input, Select } from '@/components/ui/input';
import { useToast } from '@/components/ui/toast';
import {
  closeCampaignAction,
  deleteCampaignDraftAction,
  extendDueDateAction,
  launchCampaignAction,
  reassignItemsAction,
} from '@/app/(app)/campaigns/actions';
import type { TCloseResult, TUndecidedAction } from '@/lib/review/types';
import { formatCountOf } from '@/lib/format';

const items = (n: number): string => formatCountOf(n, 'item');

/** Launch (with the item count to confirm) and Delete for a draft. */
export function DraftControls({ campaignId, name, totalItems, reviewers, canLaunch }: { campaignId: number; name: string; totalItems: number; reviewers: number; canLaunch: boolean }) {
  const router = useRouter();
  const { toast } = useToast();
  const [confirm, setConfirm] = useState<'launch' | 'delete' | null>(null);
  return (
    <div className="flex flex-wrap gap-3">
      <Button onClick={() => setConfirm('launch')} disabled={!canLaunch}>
        Launch
      </Button>
      <Link href={`/campaigns/${campaignId}/edit`} className={buttonClasses('secondary', 'md')}>
        Edit settings
      </Link>
      <Button variant="secondary" onClick={() => setConfirm('delete')}>
        Delete draft
      </Button>
      <ConfirmDialog
        open={confirm === 'launch'}
        onClose={() => setConfirm(null)}
        title={`Launch “${name}”?`}
        message={`This creates ${items(totalItems)} for ${reviewers === 1 ? '1 reviewer' : `${reviewers} reviewers`}. The scope and rules cannot be changed afterwards.`}
        confirmLabel={`Launch ${items(totalItems)}`}
        onConfirm={async () => {
          const result = await launchCampaignAction({ campaignId });
          if (!result.ok) return result;
          toast({ title: `Campaign launched with ${items(result.data.itemCount)}`, tone: 'success' });
          router.refresh();
        }}
      />
      <ConfirmDialog
        open={confirm === 'delete'}
        onClose={() => setConfirm(null)}
        title={`Delete the draft “${name}”?`}
        message="Nothing was sent to reviewers yet; the draft and its settings are removed."
        confirmLabel="Delete draft"
        danger
        onConfirm={async () => {
          const result = await deleteCampaignDraftAction({ campaignId });
          if (!result.ok) return result;
          toast({ title: 'Draft deleted', tone: 'success' });
          router.push('/campaigns');
        }}
      />
    </div>
  );
}

function DueField({ defaultValue }: { defaultValue: string }) {
  const error = useFieldError('dueAt');
  return (
    <Field label="New due date" hint="End of that day, UTC." error={error} required>
      <Input name="dueAt" type="date" defaultValue={defaultValue} />
    </Field>
  );
}

export function ExtendDueForm({ campaignId, currentDue }: { campaignId: number; currentDue: string }) {
  const router = useRouter();
  return (
    <Card>
      <CardHeader title="Extend the due date" />
      <CardBody>
        <ActionForm action={extendDueDateAction} successMessage="Due date changed" onSuccess={() => router.refresh()} aria-label="Extend the due date" className="flex flex-wrap items-end gap-4">
          <input type="hidden" name="campaignId" value={campaignId} />
          <DueField defaultValue={currentDue.slice(0, 10)} />
          <div>
            <SubmitButton variant="secondary">Extend</SubmitButton>
          </div>
        </ActionForm>
      </CardBody>
    </Card>
  );
}

function ReassignFields({ reviewers }: { reviewers: string[] }) {
  const fromError = useFieldError('fromReviewerEmail');
  const itemsError = useFieldError('itemIds');
  const from = fromError ?? itemsError;
  const to = useFieldError('toReviewerEmail');
  const reason = useFieldError('reason');
  return (
    <>
      <Field label="From reviewer" error={from} required>
        <Select name="fromReviewerEmail" defaultValue="" placeholder="Choose a reviewer">
          {reviewers.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="To (email)" error={to} required>
        <Input name="toReviewerEmail" type="email" autoComplete="off" />
      </Field>
      <Field label="Reason" error={reason} required className="sm:col-span-2">
        <Input name="reason" autoComplete="off" maxLength={500} />
      </Field>
    </>
  );
}

export function ReassignForm({ campaignId, reviewers }: { campaignId: number; reviewers: string[] }) {
  const router = useRouter();
  return (
    <Card>
      <CardHeader title="Reassign items" description="Move every item of one reviewer to someone else. Items of the new reviewer's own access never move." />
      <CardBody>
        <ActionForm
          action={reassignItemsAction}
          successMessage={(r) => `${items(r.moved)} moved${r.refusedSelfReview ? `, ${items(r.refusedSelfReview)} kept (own access)` : ''}`}
          resetOnSuccess
          onSuccess={() => router.refresh()}
          aria-label="Reassign items"
          className="grid items-end gap-4 sm:grid-cols-2"
        >
          <input type="hidden" name="campaignId" value={campaignId} />
          <ReassignFields reviewers={reviewers} />
          <Checkbox name="moveSignedOff" value="true" label="Also move items of a reviewer who already signed off" className="sm:col-span-2" />
          <div>
            <SubmitButton variant="secondary">Reassign</SubmitButton>
          </div>
        </ActionForm>
      </CardBody>
    </Card>
  );
}

const closeSummary = (r: TCloseResult) =>
  `${r.certified.toLocaleString('en-US')} certified, ${r.revoked.toLocaleString('en-US')} revoked` +
  `${r.revokedByRule ? ` (${r.revokedByRule.toLocaleString('en-US')} by the close rule)` : ''}, ${r.undecided.toLocaleString('en-US')} undecided. ` +
  (r.remediationQueued > 0 ? `${r.remediationQueued.toLocaleString('en-US')} revocations are queued: review the dry run, then apply them.` : 'Nothing to remediate.');

export function CloseControl({ campaignId, name, undecided, undecidedAction }: { campaignId: number; name: string; undecided: number; undecidedAction: TUndecidedAction }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { toast } = useToast();
  const rule =
    undecidedAction === 'revoke'
      ? `${items(undecided)} still undecided will be revoked by the close rule.`
      : `${items(undecided)} still undecided will be reported as undecided; nothing is revoked for them.`;
  return (
    <div className="flex flex-col gap-3">
      <div>
        <Button variant="danger" onClick={() => setOpen(true)}>
          Close campaign
        </Button>
      </div>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Close “${name}”?`}
        message={
          <>
            <p>Reviewers can no longer decide or sign off. {rule} Every revoke is queued for remediation; nothing is sent to Airtable until you apply it.</p>
          </>
        }
        confirmLabel="Close campaign"
        danger
        onConfirm={async () => {
          const outcome = await closeCampaignAction({ campaignId });
          if (!outcome.ok) return outcome;
          toast({ title: 'Campaign closed', description: closeSummary(outcome.data), tone: 'success' });
          // The next step is remediation: take the admin there.
          if (outcome.data.remediationQueued > 0) router.push(`/campaigns/${campaignId}/remediation`);
          else router.refresh();
        }}
      />
    </div>
  );
}
