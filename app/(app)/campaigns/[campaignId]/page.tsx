import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { CloseControl, DraftControls, ExtendDueForm, ReassignForm } from '@/components/campaigns/campaign-admin-controls';
import { CampaignHeader } from '@/components/campaigns/campaign-header';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader, StatCard } from '@/components/ui/card';
import { Progress } from '@/components/ui/progress';
import { Table, TableEmpty, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requirePageRole } from '@/lib/auth/guards';
import { AppError } from '@/lib/errors';
import { formatCount, formatDateTime } from '@/lib/format';
import { AdvanceStageControl, ExcludeGroupForm } from '@/components/campaigns/stage-and-exclusion-controls';
import {
  campaignProgress,
  getCampaign,
  listCampaignGroups,
  listCampaignStages,
  previewCampaign,
  REVIEWER_RULE_LABEL,
  STAGE_ADVANCE_LABEL,
  type TCampaignPreview,
  type TCampaignProgress,
  type TCampaignView,
} from '@/lib/review';

type TProps = { params: Promise<{ campaignId: string }> };

function parseId(raw: string): number | null {
  const id = Number(raw);
  return /^\d+$/.test(raw) && Number.isSafeInteger(id) && id > 0 ? id : null;
}

export async function generateMetadata({ params }: TProps): Promise<Metadata> {
  const id = parseId((await params).campaignId);
  const campaign = id ? getCampaign(id) : null;
  return { title: campaign ? campaign.name : 'Campaign' };
}

export default async function CampaignPage({ params }: TProps) {
  const user = await requirePageRole('admin', 'auditor');
  const id = parseId((await params).campaignId);
  const campaign = id ? getCampaign(id) : null;
  if (!campaign) notFound();
  const isAdmin = user.role === 'admin';

  return (
    <div className="space-y-6">
      <CampaignHeader campaign={campaign} section="overview" />
      {campaign.status === 'draft' ? <DraftView campaign={campaign} isAdmin={isAdmin} /> : <RunningView campaign={campaign} isAdmin={isAdmin} />}
      <Parameters campaign={campaign} />
    </div>
  );
}

function DraftView({ campaign, isAdmin }: { campaign: TCampaignView; isAdmin: boolean }) {
  let preview: TCampaignPreview | null = null;
  let problem: string | null = null;
  try {
    preview = previewCampaign(campaign.id);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    problem = error.message;
  }
  return (
    <section aria-labelledby="preview-heading" className="space-y-4">
      <h2 id="preview-heading" className="text-lg font-semibold text-ink">
        Preview
      </h2>
      {problem ? <Alert tone="danger" title="This draft cannot launch">{problem}</Alert> : null}
      {preview ? (
        <>
          <div className="grid gap-4 sm:grid-cols-3 lg:grid-cols-6">
            <StatCard label="Items" value={formatCount(preview.totalItems)} />
            <StatCard label="Accounts" value={formatCount(preview.accountItems)} />
            <StatCard label="Memberships" value={formatCount(preview.membershipItems)} />
            <StatCard label="Self-review avoided" value={formatCount(preview.selfReviewAvoided)} hint="Sent to the fallback reviewer" />
            <StatCard label="Unresolved" value={formatCount(preview.unresolved)} hint="No reviewer found: fallback" tone={preview.unresolved > 0 ? 'warning' : 'neutral'} />
            <StatCard label="Blocked" value={formatCount(preview.selfReviewBlocked)} hint="Fallback would review own access" tone={preview.selfReviewBlocked > 0 ? 'danger' : 'neutral'} />
          </div>
          {preview.selfReviewBlocked > 0 ? (
            <Alert tone="danger" title="Launch is blocked">
              {formatCount(preview.selfReviewBlocked)} items would be reviewed by their own user. Edit the draft and choose another fallback reviewer.
            </Alert>
          ) : null}
          <Table label="Items per reviewer" maxHeight="50vh">
            <THead>
              <TR>
                <TH>Reviewer</TH>
                <TH numeric>Items</TH>
                <TH numeric>Via fallback</TH>
              </TR>
            </THead>
            <TBody>
              {preview.perReviewer.length === 0 ? <TableEmpty colSpan={3}>No items.</TableEmpty> : null}
              {preview.perReviewer.map((r) => (
                <TR key={r.reviewerEmail}>
                  <TD>{r.reviewerEmail}</TD>
                  <TD numeric>{formatCount(r.items)}</TD>
                  <TD numeric>{formatCount(r.viaFallback)}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </>
      ) : null}
      {isAdmin ? (
        <DraftControls
          campaignId={campaign.id}
          name={campaign.name}
          totalItems={preview?.totalItems ?? 0}
          reviewers={preview?.perReviewer.length ?? 0}
          canLaunch={preview !== null && preview.totalItems > 0 && preview.selfReviewBlocked === 0}
        />
      ) : null}
    </section>
  );
}

function RunningView({ campaign, isAdmin }: { campaign: TCampaignView; isAdmin: boolean }) {
  const progress = campaignProgress(campaign.id);
  const { overall } = progress;
  return (
    <>
      <section aria-labelledby="progress-heading" className="space-y-4">
        <h2 id="progress-heading" className="text-lg font-semibold text-ink">
          Progress{progress.stage.total > 1 ? ` — stage ${progress.stage.current} of ${progress.stage.total}` : ''}
        </h2>
        {progress.excluded > 0 ? (
          <p className="text-sm text-ink-muted">
            {formatCount(progress.excluded)} items excluded from the review (see Items, filter “Excluded”); they are in no count below.
          </p>
        ) : null}
        <Card>
          <CardBody className="space-y-4">
            <Progress label="Decided" value={overall.decided} max={overall.total} valueText={`${formatCount(overall.decided)} of ${formatCount(overall.total)} items`} tone={campaign.status === 'closed' ? 'success' : 'accent'} />
            <dl className="grid gap-4 text-sm sm:grid-cols-5">
              <Stat label="Certified" value={formatCount(overall.certified)} />
              <Stat label="Revoked" value={formatCount(overall.revoked)} />
              <Stat label="Undecided" value={formatCount(overall.undecided)} />
              <Stat label="Reviewers" value={formatCount(overall.reviewers)} />
              <Stat label="Signed off" value={`${formatCount(overall.signedOff)} of ${formatCount(overall.reviewers)}`} />
            </dl>
          </CardBody>
        </Card>
        {campaign.status === 'closed' && campaign.closedAt ? (
          <Alert tone="info" title="Closed">
            Closed <time dateTime={campaign.closedAt}>{formatDateTime(campaign.closedAt)}</time> by {campaign.closedByEmail}:{' '}
            {formatCount(overall.certified)} certified, {formatCount(overall.revoked)} revoked, {formatCount(overall.undecided)} undecided.
          </Alert>
        ) : null}
        <Table label="Progress per reviewer">
          <THead>
            <TR>
              <TH>Reviewer</TH>
              <TH numeric>Items</TH>
              <TH numeric>Decided</TH>
              <TH numeric>Certified</TH>
              <TH numeric>Revoked</TH>
              <TH>Signed off</TH>
            </TR>
          </THead>
          <TBody>
            {progress.perReviewer.length === 0 ? <TableEmpty colSpan={6}>No reviewers.</TableEmpty> : null}
            {progress.perReviewer.map((r) => (
              <TR key={r.reviewerEmail}>
                <TD>
                  {r.reviewerEmail}
                  {r.overdue ? (
                    <Badge tone="danger" className="ml-2">
                      Overdue
                    </Badge>
                  ) : null}
                </TD>
                <TD numeric>{formatCount(r.total)}</TD>
                <TD numeric>
                  {formatCount(r.decided)} <span className="text-ink-muted">({r.total > 0 ? Math.floor((r.decided / r.total) * 100) : 0}%)</span>
                </TD>
                <TD numeric>{formatCount(r.certified)}</TD>
                <TD numeric>{formatCount(r.revoked)}</TD>
                <TD className="whitespace-nowrap">{r.signedOffAt ? <time dateTime={r.signedOffAt}>{formatDateTime(r.signedOffAt)}</time> : '—'}</TD>
              </TR>
            ))}
          </TBody>
        </Table>
      </section>
      {campaign.laterStages.length > 0 ? <StagesCard campaign={campaign} progress={progress} isAdmin={isAdmin} /> : null}
      {isAdmin && campaign.status === 'active' ? (
        <section aria-label="Manage campaign" className="grid gap-4 lg:grid-cols-2">
          <Card className="lg:col-span-2">
            <CardHeader title="Exclude a group" description="Take every membership of a group out of this review, e.g. a service group reviewed elsewhere. The reason is listed in the evidence; excluded items are never revoked." />
            <CardBody>
              <ExcludeGroupForm campaignId={campaign.id} groups={listCampaignGroups(campaign.id)} />
            </CardBody>
          </Card>
          <ExtendDueForm campaignId={campaign.id} currentDue={campaign.dueAt} />
          <ReassignForm campaignId={campaign.id} reviewers={progress.perReviewer.map((r) => r.reviewerEmail)} />
          <Card className="lg:col-span-2">
            <CardHeader
              title="Close the campaign"
              description={
                campaign.undecidedAction === 'revoke'
                  ? 'Undecided items are revoked at close.'
                  : 'Undecided items are reported as undecided at close; nothing is revoked for them.'
              }
            />
            <CardBody>
              <CloseControl campaignId={campaign.id} name={campaign.name} undecided={overall.undecided} undecidedAction={campaign.undecidedAction} />
            </CardBody>
          </Card>
        </section>
      ) : null}
    </>
  );
}

const RULE_SHORT: Record<TCampaignView['reviewerRule'], string> = { manager: 'Manager', group_owner: 'Group owner', fixed: 'Fixed reviewer' };

/** The stages as configured and as they ran, and (admins) "start the next stage now". */
function StagesCard({ campaign, progress, isAdmin }: { campaign: TCampaignView; progress: TCampaignProgress; isAdmin: boolean }) {
  const stages = listCampaignStages(campaign.id);
  const next = progress.stage.current + 1;
  return (
    <section aria-labelledby="stages-heading" className="space-y-3">
      <h2 id="stages-heading" className="text-lg font-semibold text-ink">
        Stages
      </h2>
      <Table label="Stages">
        <THead>
          <TR>
            <TH>Stage</TH>
            <TH>Reviewers</TH>
            <TH>Takes</TH>
            <TH>Due</TH>
            <TH>Started</TH>
            <TH>Ended</TH>
            <TH numeric>Reviewed</TH>
            <TH numeric>Passed on</TH>
          </TR>
        </THead>
        <TBody>
          {stages.map((s) => (
            <TR key={s.stage}>
              <TD>
                {s.stage}
                {s.stage === progress.stage.current && campaign.status === 'active' ? (
                  <Badge tone="info" className="ml-2">
                    Current
                  </Badge>
                ) : null}
              </TD>
              <TD>
                {RULE_SHORT[s.reviewerRule]}
                {s.fixedReviewerEmail ? `: ${s.fixedReviewerEmail}` : ''}
                {s.stage > 1 ? <span className="block text-xs text-ink-muted">{s.showPreviousDecisions ? 'Sees earlier decisions' : 'Earlier decisions hidden'}</span> : null}
              </TD>
              <TD>{s.stage === 1 ? 'Every item' : STAGE_ADVANCE_LABEL[s.advance]}</TD>
              <TD className="whitespace-nowrap">{formatDateTime(s.dueAt)}</TD>
              <TD className="whitespace-nowrap">{s.startedAt ? formatDateTime(s.startedAt) : '—'}</TD>
              <TD className="whitespace-nowrap">{s.endedAt ? formatDateTime(s.endedAt) : '—'}</TD>
              <TD numeric>{s.endedAt ? formatCount(s.itemsReviewed) : '—'}</TD>
              <TD numeric>{s.endedAt ? formatCount(s.itemsPassedOn) : '—'}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
      {isAdmin && campaign.status === 'active' && next <= progress.stage.total ? (
        <div className="flex flex-wrap items-center gap-3">
          <AdvanceStageControl campaignId={campaign.id} nextStage={next} undecided={progress.overall.undecided} />
          <p className="text-sm text-ink-muted">Stage {next} also starts on its own when every stage {progress.stage.current} reviewer has signed off.</p>
        </div>
      ) : null}
    </section>
  );
}

function Stat({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div>
      <dt className="text-ink-muted">{label}</dt>
      <dd className="text-base font-semibold text-ink tabular-nums">{value}</dd>
    </div>
  );
}

function Parameters({ campaign: c }: { campaign: TCampaignView }) {
  const scope =
    c.scope.kind === 'all'
      ? 'All users'
      : c.scope.kind === 'groups'
        ? `Members of ${c.scope.groupIds.length} group${c.scope.groupIds.length === 1 ? '' : 's'}`
        : c.scope.kind === 'users'
          ? `${formatCount(c.scope.userIds.length)} named users`
          : [c.scope.departments.length ? `Departments: ${c.scope.departments.join(', ')}` : '', c.scope.costCenters.length ? `Cost centers: ${c.scope.costCenters.join(', ')}` : '', c.scope.divisions.length ? `Divisions: ${c.scope.divisions.join(', ')}` : '']
            .filter(Boolean)
            .join('; ');
  const reviewed = [c.reviewAccounts ? 'Accounts' : '', c.reviewMemberships ? 'Group memberships' : ''].filter(Boolean).join(' and ');
  return (
    <Card>
      <CardHeader title="Parameters" />
      <CardBody>
        <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
          <Stat label="Scope" value={<span className="font-normal">{`${scope}${c.scope.includeInactive ? ', including deactivated users' : ', active users only'}`}</span>} />
          <Stat label="Reviewed" value={<span className="font-normal">{reviewed}</span>} />
          <Stat label="Reviewer rule" value={<span className="font-normal">{REVIEWER_RULE_LABEL[c.reviewerRule]}{c.fixedReviewerEmail ? `: ${c.fixedReviewerEmail}` : ''}</span>} />
          <Stat label="Fallback reviewer" value={<span className="font-normal">{c.fallbackReviewerEmail}</span>} />
          <Stat label="Revoke needs a justification" value={<span className="font-normal">{c.revokeNeedsJustification ? 'Yes' : 'No'}</span>} />
          <Stat label="Certifying a flagged item needs a comment" value={<span className="font-normal">{c.certifyFlaggedNeedsComment ? 'Yes' : 'No'}</span>} />
          <Stat label="Undecided at close" value={<span className="font-normal">{c.undecidedAction === 'revoke' ? 'Revoked' : 'Reported'}</span>} />
          <Stat label="Stages" value={<span className="font-normal">{1 + c.laterStages.length}</span>} />
          <Stat label="Carried-over certifications accepted in one step" value={<span className="font-normal">{c.allowCarryOverAccept ? 'Allowed' : 'No'}</span>} />
          <Stat label="Created" value={<span className="font-normal">{formatDateTime(c.createdAt)} by {c.createdByEmail}</span>} />
          {c.launchedAt ? <Stat label="Launched" value={<span className="font-normal">{formatDateTime(c.launchedAt)} by {c.launchedByEmail}</span>} /> : null}
        </dl>
      </CardBody>
    </Card>
  );
}
