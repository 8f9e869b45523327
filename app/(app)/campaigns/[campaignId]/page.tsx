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
import { campaignProgress, getCampaign, previewCampaign, REVIEWER_RULE_LABEL, type TCampaignPreview, type TCampaignView } from '@/lib/review';

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
          Progress
        </h2>
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
      {isAdmin && campaign.status === 'active' ? (
        <section aria-label="Manage campaign" className="grid gap-4 lg:grid-cols-2">
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
          <Stat label="Created" value={<span className="font-normal">{formatDateTime(c.createdAt)} by {c.createdByEmail}</span>} />
          {c.launchedAt ? <Stat label="Launched" value={<span className="font-normal">{formatDateTime(c.launchedAt)} by {c.launchedByEmail}</span>} /> : null}
        </dl>
      </CardBody>
    </Card>
  );
}
