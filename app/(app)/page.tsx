import type { Metadata } from 'next';
import Link from 'next/link';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader, StatCard } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Progress } from '@/components/ui/progress';
import { Table, TableEmpty, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requirePageRole } from '@/lib/auth/guards';
import { ROLE_DESCRIPTION, ROLE_LABEL } from '@/lib/auth/roles';
import { getConnectionSummary } from '@/lib/connection';
import { formatCount, formatDate, formatDateTime, formatDuration } from '@/lib/format';
import { getRemediationProgress } from '@/lib/remediation';
import { campaignProgress, listCampaigns, listMyCampaigns } from '@/lib/review';
import { getCurrentSnapshot, getRunningSnapshot } from '@/lib/snapshot';
import { getStaleOverview } from '@/lib/stale';

export const metadata: Metadata = { title: 'Dashboard' };

/** How many recent closed campaigns the remediation summary looks at. */
const RECENT_CLOSED = 50;

function age(iso: string): string {
  return `${formatDuration(Math.max(0, Date.now() - Date.parse(iso)))} ago`;
}

/**
 * The home page: where things stand and what needs doing. Admins and auditors see the directory,
 * open campaigns with overdue reviewers, stale accounts and remediation; everyone who reviews sees
 * their own open reviews.
 */
export default async function DashboardPage() {
  const user = await requirePageRole();
  const oversees = user.role !== 'reviewer';
  const mine = user.role === 'auditor' ? [] : listMyCampaigns(user.email).filter((c) => c.status === 'active');

  return (
    <div className="space-y-6">
      <PageHeader title={`Welcome, ${user.name ?? user.email}`} description={`${ROLE_LABEL[user.role]}: ${ROLE_DESCRIPTION[user.role].toLowerCase()}.`} />
      {oversees ? <Oversight /> : null}
      {user.role !== 'auditor' ? (
        <section aria-labelledby="my-reviews-heading" className="space-y-3">
          <h2 id="my-reviews-heading" className="text-lg font-semibold">
            My open reviews
          </h2>
          <Table label="My open reviews" maxHeight="none">
            <THead>
              <TR>
                <TH>Campaign</TH>
                <TH>Due</TH>
                <TH>Progress</TH>
                <TH>Signed off</TH>
              </TR>
            </THead>
            <TBody>
              {mine.length === 0 ? <TableEmpty colSpan={4}>Nothing to review right now.</TableEmpty> : null}
              {mine.map((c) => (
                <TR key={c.campaignId}>
                  <TD>
                    <Link href={`/reviews/${c.campaignId}`} className="font-medium text-accent-ink underline">
                      {c.name}
                    </Link>
                  </TD>
                  <TD>
                    {formatDate(c.dueAt)} {c.overdue ? <Badge tone="danger">Overdue</Badge> : null}
                  </TD>
                  <TD className="min-w-48">
                    <Progress label={`${c.name} decided`} hideLabel value={c.decided} max={Math.max(c.total, 1)} valueText={`${formatCount(c.decided)} of ${formatCount(c.total)}`} size="sm" />
                  </TD>
                  <TD>{c.signedOffAt ? formatDateTime(c.signedOffAt) : '—'}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </section>
      ) : null}
    </div>
  );
}

function Oversight() {
  const connection = getConnectionSummary();
  const snapshot = getCurrentSnapshot();
  const running = getRunningSnapshot();
  const open = listCampaigns({ status: 'active', pageSize: 20 }).rows.map((c) => ({ campaign: c, progress: campaignProgress(c.id) }));
  const closed = listCampaigns({ status: 'closed', pageSize: RECENT_CLOSED }).rows;
  const remediation = closed
    .map((c) => ({ campaign: c, progress: getRemediationProgress(c.id) }))
    .filter(({ progress }) => progress.counts.pending + progress.counts.in_flight + progress.counts.applied + progress.counts.failed > 0);
  const staleRows = getRemediationProgress(null);
  const stale = getStaleOverview();
  const waiting = remediation.reduce((n, r) => n + r.progress.counts.pending + r.progress.counts.in_flight + r.progress.counts.applied, 0) + staleRows.counts.pending;
  const failed = remediation.reduce((n, r) => n + r.progress.counts.failed, 0) + staleRows.counts.failed;
  const overdueReviewers = open.reduce((n, o) => n + o.progress.perReviewer.filter((r) => r.overdue).length, 0);

  return (
    <>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <StatCard
          label="Last snapshot"
          value={snapshot ? age(snapshot.startedAt) : 'None yet'}
          hint={running ? `Snapshot #${running.id} running now` : snapshot ? `#${snapshot.id}: ${formatCount(snapshot.usersDone)} users, ${formatCount(snapshot.membershipsCount)} memberships` : 'Take the first one'}
          href={snapshot ? `/snapshots/${snapshot.id}` : '/snapshots'}
        />
        <StatCard
          label="Open campaigns"
          value={formatCount(open.length)}
          hint={overdueReviewers > 0 ? `${formatCount(overdueReviewers)} reviewers overdue` : 'No reviewer overdue'}
          tone={overdueReviewers > 0 ? 'warning' : 'neutral'}
          href="/campaigns"
        />
        <StatCard
          label="Stale accounts"
          value={stale ? formatCount(stale.flagged) : '—'}
          hint={stale ? `${formatCount(stale.reclaimable)} licenses to reclaim` : 'Needs a snapshot'}
          tone={stale && stale.flagged > 0 ? 'warning' : 'neutral'}
          href="/stale"
        />
        <StatCard
          label="Remediation"
          value={failed > 0 ? `${formatCount(failed)} failed` : `${formatCount(waiting)} waiting`}
          hint={failed > 0 ? `${formatCount(waiting)} waiting to be applied` : waiting > 0 ? 'Revocations not yet applied' : 'Nothing waiting'}
          tone={failed > 0 ? 'danger' : waiting > 0 ? 'warning' : 'neutral'}
          href={remediation[0] ? `/campaigns/${remediation[0].campaign.id}/remediation` : '/campaigns'}
        />
      </div>
      {connection.source === 'demo' ? (
        <Alert tone="info" title="Demo directory">
          Attest reads its built-in Airtable simulator (about 1,000 users in 60 groups). Connect a real enterprise in Settings.
        </Alert>
      ) : null}

      <section aria-labelledby="open-campaigns-heading" className="space-y-3">
        <h2 id="open-campaigns-heading" className="text-lg font-semibold">
          Open campaigns
        </h2>
        <Table label="Open campaigns" maxHeight="none">
          <THead>
            <TR>
              <TH>Campaign</TH>
              <TH>Due</TH>
              <TH>Decided</TH>
              <TH numeric>Reviewers overdue</TH>
              <TH numeric>Signed off</TH>
            </TR>
          </THead>
          <TBody>
            {open.length === 0 ? <TableEmpty colSpan={5}>No campaign is open.</TableEmpty> : null}
            {open.map(({ campaign, progress }) => {
              const overdue = progress.perReviewer.filter((r) => r.overdue).length;
              return (
                <TR key={campaign.id}>
                  <TD>
                    <Link href={`/campaigns/${campaign.id}`} className="font-medium text-accent-ink underline">
                      {campaign.name}
                    </Link>
                  </TD>
                  <TD>{formatDate(campaign.dueAt)}</TD>
                  <TD className="min-w-48">
                    <Progress
                      label={`${campaign.name} decided`}
                      hideLabel
                      value={progress.overall.decided}
                      max={Math.max(progress.overall.total, 1)}
                      valueText={`${formatCount(progress.overall.decided)} of ${formatCount(progress.overall.total)}`}
                      size="sm"
                    />
                  </TD>
                  <TD numeric>{overdue > 0 ? <Badge tone="danger">{formatCount(overdue)}</Badge> : '0'}</TD>
                  <TD numeric>
                    {formatCount(progress.overall.signedOff)} of {formatCount(progress.overall.reviewers)}
                  </TD>
                </TR>
              );
            })}
          </TBody>
        </Table>
      </section>

      {remediation.length > 0 ? (
        <section aria-labelledby="remediation-heading" className="space-y-3">
          <h2 id="remediation-heading" className="text-lg font-semibold">
            Revocations not yet done
          </h2>
          <Card>
            <CardHeader title="Closed campaigns with pending or failed remediation" />
            <CardBody>
              <ul className="space-y-2 text-sm">
                {remediation.map(({ campaign, progress }) => (
                  <li key={campaign.id}>
                    <Link href={`/campaigns/${campaign.id}/remediation`} className="font-medium text-accent-ink underline">
                      {campaign.name}
                    </Link>
                    : {formatCount(progress.counts.pending + progress.counts.in_flight + progress.counts.applied)} waiting, {formatCount(progress.counts.failed)} failed,{' '}
                    {formatCount(progress.counts.verified)} verified
                  </li>
                ))}
              </ul>
            </CardBody>
          </Card>
        </section>
      ) : null}
    </>
  );
}
