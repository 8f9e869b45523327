import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { CampaignHeader } from '@/components/campaigns/campaign-header';
import { loadCampaign } from '@/components/campaigns/load-campaign';
import { RemediationControls } from '@/components/campaigns/remediation-controls';
import { RemediationStatusBadge } from '@/components/campaigns/remediation-status-badge';
import { Alert } from '@/components/ui/alert';
import { AutoRefresh } from '@/components/ui/auto-refresh';
import { Card, CardBody } from '@/components/ui/card';
import { Pagination } from '@/components/ui/pagination';
import { Progress } from '@/components/ui/progress';
import { Table, TableEmpty, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { TabNav } from '@/components/ui/tabs';
import { REMEDIATION_STATUSES } from '@/db/schema';
import { requirePageRole } from '@/lib/auth/guards';
import { formatCount, formatDateTime } from '@/lib/format';
import { getRemediationProgress, listRemediationActions } from '@/lib/remediation';
import { hrefWith, queryPage } from '@/lib/url';

export const metadata: Metadata = { title: 'Campaign remediation' };

const PAGE_SIZE = 50;
const ZQuery = z.object({ status: z.enum(REMEDIATION_STATUSES).optional().catch(undefined), page: queryPage });
type TProps = { params: Promise<{ campaignId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const STATUS_FILTERS = [
  { status: undefined, label: 'All' },
  { status: 'pending', label: 'Pending' },
  { status: 'failed', label: 'Failed' },
  { status: 'applied', label: 'Not verified' },
  { status: 'verified', label: 'Verified' },
] as const;

/**
 * A closed campaign's revocations on their way to Airtable: live progress, every outbox row with
 * its status and evidence, filters, apply now, retry failed and the dry run.
 */
export default async function CampaignRemediationPage({ params, searchParams }: TProps) {
  const user = await requirePageRole('admin', 'auditor');
  const campaign = loadCampaign((await params).campaignId);
  const query = ZQuery.parse(await searchParams);
  const progress = getRemediationProgress(campaign.id);
  const page = listRemediationActions(campaign.id, { status: query.status, page: query.page, pageSize: PAGE_SIZE });
  const base = `/campaigns/${campaign.id}/remediation`;
  const running = progress.running !== null;
  const toSend = progress.counts.pending + progress.counts.in_flight + progress.counts.applied;
  const lastRun = progress.lastRun;

  return (
    <div className="space-y-6">
      <CampaignHeader campaign={campaign} section="remediation" />
      <AutoRefresh active={running} />
      {campaign.status !== 'closed' ? (
        <Alert tone="info" title="Nothing is sent before close">
          Revocations are queued when the campaign closes; then an admin applies them here. The dry run shows what would be sent.
        </Alert>
      ) : null}
      <Card>
        <CardBody className="space-y-4">
          <Progress
            label="Remediated"
            value={progress.done}
            max={Math.max(progress.total, 1)}
            valueText={`${formatCount(progress.counts.verified)} verified, ${formatCount(progress.counts.failed)} failed of ${formatCount(progress.total)}`}
            tone={progress.counts.failed > 0 ? 'danger' : progress.total > 0 && progress.counts.verified === progress.total ? 'success' : 'accent'}
          />
          <dl className="grid gap-4 text-sm sm:grid-cols-5">
            {(['pending', 'in_flight', 'applied', 'verified', 'failed'] as const).map((s) => (
              <div key={s}>
                <dt className="text-ink-muted">
                  <RemediationStatusBadge status={s} />
                </dt>
                <dd className="mt-1 text-base font-semibold tabular-nums">{formatCount(progress.counts[s])}</dd>
              </div>
            ))}
          </dl>
          {progress.retrying > 0 && progress.nextAttemptAt ? (
            <p className="text-sm text-ink-muted">
              {formatCount(progress.retrying)} waiting to be retried; next attempt {formatDateTime(progress.nextAttemptAt)}.
            </p>
          ) : null}
          {running ? <p className="text-sm">Applying now (started {formatDateTime(progress.running?.startedAt ?? '')} by {progress.running?.startedByEmail}).</p> : null}
          {!running && lastRun ? (
            <p className="text-sm text-ink-muted">
              Last run {formatDateTime(lastRun.startedAt)} by {lastRun.startedByEmail}: {lastRun.status}
              {lastRun.summary ? `, ${formatCount(lastRun.summary.verified)} verified, ${formatCount(lastRun.summary.failed)} failed, ${formatCount(lastRun.summary.requests)} requests` : ''}
              {lastRun.summary?.stoppedReason ? `. Stopped: ${lastRun.summary.stoppedReason}` : ''}
              {lastRun.interruptedReason ? `. ${lastRun.interruptedReason}` : ''}
            </p>
          ) : null}
          <div className="flex flex-wrap items-center gap-3">
            {user.role === 'admin' && campaign.status === 'closed' ? (
              <RemediationControls campaignId={campaign.id} toSend={toSend} failed={progress.counts.failed} running={running} />
            ) : null}
            <Link href={`${base}/dry-run`} className="text-sm text-accent-ink underline">
              Dry run: the exact requests
            </Link>
          </div>
        </CardBody>
      </Card>

      <TabNav
        label="Remediation filter"
        items={STATUS_FILTERS.map((f) => ({
          href: hrefWith(base, {}, { status: f.status ?? null }),
          label: f.label,
          active: query.status === f.status,
          count: f.status ? progress.counts[f.status] : progress.total,
        }))}
      />
      <Table label="Remediation rows">
        <THead>
          <TR>
            <TH>User</TH>
            <TH>Change</TH>
            <TH>Status</TH>
            <TH numeric>Attempts</TH>
            <TH>Result</TH>
            <TH>Verified</TH>
          </TR>
        </THead>
        <TBody>
          {page.rows.length === 0 ? <TableEmpty colSpan={6}>{progress.total === 0 ? 'No revocations in this campaign.' : 'No row has this status.'}</TableEmpty> : null}
          {page.rows.map((row) => (
            <TR key={row.id}>
              <TD>
                <Link href={`${base}/${row.id}`} className="font-medium text-accent-ink underline">
                  {row.userEmail}
                </Link>
              </TD>
              <TD>{row.kind === 'deactivate_user' ? 'Deactivate the account' : `Remove from ${row.groupName ?? row.groupScimId}`}</TD>
              <TD>
                <RemediationStatusBadge status={row.status} />
              </TD>
              <TD numeric>{row.attempts}</TD>
              <TD className="max-w-md text-sm">{row.lastError ?? row.verifyNote ?? (row.responseStatus ? `HTTP ${row.responseStatus}` : '')}</TD>
              <TD className="whitespace-nowrap text-sm">{row.verifiedAt ? formatDateTime(row.verifiedAt) : '—'}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
      <Pagination page={page.page} pageSize={PAGE_SIZE} total={page.total} hrefFor={(p) => hrefWith(base, { status: query.status }, { page: p })} />
    </div>
  );
}
