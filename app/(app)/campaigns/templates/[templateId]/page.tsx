import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { loadTemplate } from '@/components/templates/load-template';
import { formatInZone, RunOutcome, RunStatusBadge } from '@/components/templates/run-status';
import { TemplateControls } from '@/components/templates/template-controls';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TableEmpty, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requirePageRole } from '@/lib/auth/guards';
import { formatDateTime } from '@/lib/format';
import { REVIEWER_RULE_LABEL, STAGE_ADVANCE_LABEL } from '@/lib/review';
import { getTemplate, listTemplateRuns, nextRunOf, ZTemplateId, type TTemplateView } from '@/lib/schedule';

type TProps = { params: Promise<{ templateId: string }> };

export async function generateMetadata({ params }: TProps): Promise<Metadata> {
  const id = ZTemplateId.safeParse((await params).templateId);
  const template = id.success ? getTemplate(id.data) : null;
  return { title: template ? template.name : 'Recurring campaign' };
}

const RUN_HISTORY = 100;
const days = (n: number) => (n === 1 ? '1 day' : `${n} days`);

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-1 py-2 sm:grid-cols-3">
      <dt className="text-sm text-ink-muted">{label}</dt>
      <dd className="text-sm text-ink sm:col-span-2">{children}</dd>
    </div>
  );
}

function scopeText(scope: TTemplateView['settings']['scope']): string {
  const inactive = scope.includeInactive ? ', deactivated users included' : '';
  if (scope.kind === 'all') return `All users${inactive}`;
  if (scope.kind === 'groups') return `Members of ${scope.groupIds.length === 1 ? '1 group' : `${scope.groupIds.length} groups`}${inactive}`;
  if (scope.kind === 'users') return `${scope.userIds.length.toLocaleString('en-US')} named users${inactive}`;
  const parts = [
    scope.departments.length ? `departments: ${scope.departments.join(', ')}` : '',
    scope.costCenters.length ? `cost centers: ${scope.costCenters.join(', ')}` : '',
    scope.divisions.length ? `divisions: ${scope.divisions.join(', ')}` : '',
  ].filter(Boolean);
  return `Users of ${parts.join('; ')}${inactive}`;
}

export default async function TemplatePage({ params }: TProps) {
  const user = await requirePageRole('admin', 'auditor');
  const template = loadTemplate((await params).templateId);
  const runs = listTemplateRuns(template.id, RUN_HISTORY);
  const nextRunAt = nextRunOf(template, new Date());
  const s = template.settings;

  return (
    <div className="space-y-6">
      <PageHeader
        title={template.name}
        description={template.scheduleText}
        breadcrumbs={[{ label: 'Campaigns', href: '/campaigns' }, { label: 'Recurring campaigns', href: '/campaigns/templates' }, { label: template.name }]}
        actions={user.role === 'admin' ? <TemplateControls templateId={template.id} name={template.name} enabled={template.enabled} /> : null}
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Schedule" actions={template.enabled ? <Badge tone="success">Enabled</Badge> : <Badge>Disabled</Badge>} />
          <CardBody>
            <dl className="divide-y divide-line">
              <Row label="Runs">{template.scheduleText}</Row>
              <Row label="Cron expression">
                <code>{template.cron}</code> in {template.timezone}
              </Row>
              <Row label="Next run">{nextRunAt ? <time dateTime={nextRunAt}>{formatInZone(nextRunAt, template.timezone)} · {formatDateTime(nextRunAt)}</time> : '— (disabled)'}</Row>
              <Row label="Launches periods after">
                <time dateTime={template.activeFrom}>{formatDateTime(template.activeFrom)}</time>
              </Row>
              <Row label="Created">
                {formatDateTime(template.createdAt)} by {template.createdByEmail}
              </Row>
              <Row label="Last changed">
                {formatDateTime(template.updatedAt)} by {template.updatedByEmail}
              </Row>
            </dl>
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Each campaign" />
          <CardBody>
            <dl className="divide-y divide-line">
              <Row label="Scope">{scopeText(s.scope)}</Row>
              <Row label="Reviews">{[s.reviewAccounts ? 'accounts' : '', s.reviewMemberships ? 'group memberships' : ''].filter(Boolean).join(' and ')}</Row>
              <Row label="Stage 1">
                {REVIEWER_RULE_LABEL[s.reviewerRule]}
                {s.fixedReviewerEmail ? ` (${s.fixedReviewerEmail})` : ''}, due {days(s.reviewDays)} after the launch
              </Row>
              {s.laterStages.map((stage, i) => (
                <Row key={i} label={`Stage ${i + 2}`}>
                  {REVIEWER_RULE_LABEL[stage.reviewerRule]}
                  {stage.fixedReviewerEmail ? ` (${stage.fixedReviewerEmail})` : ''}, {days(stage.durationDays)} later; reviews {STAGE_ADVANCE_LABEL[stage.advance]}
                  {stage.showPreviousDecisions ? '' : ', earlier decisions hidden'}
                </Row>
              ))}
              <Row label="Fallback reviewer">{s.fallbackReviewerEmail}</Row>
              <Row label="Rules">
                {[
                  s.revokeNeedsJustification ? 'a revoke needs a justification' : 'revokes need no justification',
                  s.certifyFlaggedNeedsComment ? 'certifying a flagged item needs a comment' : '',
                  s.allowCarryOverAccept ? 'carried-over certifications can be accepted in one step' : '',
                  s.revokeImmediately ? 'revocations may be applied before close' : '',
                  s.undecidedAction === 'revoke' ? 'undecided items are revoked at close' : 'undecided items are reported at close',
                ]
                  .filter(Boolean)
                  .join('; ')}
              </Row>
            </dl>
          </CardBody>
        </Card>
      </div>
      <section aria-labelledby="runs-heading" className="space-y-3">
        <h2 id="runs-heading" className="text-lg font-semibold text-ink">
          Runs
        </h2>
        <Table label="Runs of this template" maxHeight="60vh">
          <THead>
            <TR>
              <TH>Period</TH>
              <TH>Status</TH>
              <TH>Campaign or reason</TH>
              <TH numeric>Snapshot</TH>
              <TH>Started</TH>
              <TH>Finished</TH>
            </TR>
          </THead>
          <TBody>
            {runs.length === 0 ? <TableEmpty colSpan={6}>No run yet.</TableEmpty> : null}
            {runs.map((run) => (
              <TR key={run.id}>
                <TD className="whitespace-nowrap">
                  <time dateTime={run.periodAt}>{formatInZone(run.periodAt, template.timezone)}</time>
                </TD>
                <TD>
                  <RunStatusBadge status={run.status} />
                </TD>
                <TD>
                  <RunOutcome run={run} />
                </TD>
                <TD numeric>
                  {run.snapshotId !== null ? (
                    <Link href={`/snapshots/${run.snapshotId}`} className="text-accent-ink underline" aria-label={`Snapshot ${run.snapshotId}`}>
                      #{run.snapshotId}
                    </Link>
                  ) : (
                    '—'
                  )}
                </TD>
                <TD className="whitespace-nowrap">{formatDateTime(run.startedAt)}</TD>
                <TD className="whitespace-nowrap">{run.finishedAt ? formatDateTime(run.finishedAt) : '—'}</TD>
              </TR>
            ))}
          </TBody>
        </Table>
      </section>
    </div>
  );
}
