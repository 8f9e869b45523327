import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { SnapshotRunPanel } from '@/components/snapshots/snapshot-run-panel';
import { SnapshotStatusBadge } from '@/components/snapshots/snapshot-status-badge';
import { buttonClasses } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { Table, TableEmpty, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requirePageRole } from '@/lib/auth/guards';
import { formatCount, formatDateTime, formatDuration } from '@/lib/format';
import { getSnapshotStatusView } from '@/lib/jobs/snapshot-job';
import { listSnapshots } from '@/lib/snapshot';
import { queryPage } from '@/lib/url';

export const metadata: Metadata = { title: 'Snapshots' };

const PAGE_SIZE = 25;
const ZQuery = z.object({ page: queryPage });

type TProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SnapshotsPage({ searchParams }: TProps) {
  const user = await requirePageRole('admin', 'auditor');
  const { page } = ZQuery.parse(await searchParams);
  const history = listSnapshots({ page, pageSize: PAGE_SIZE });
  const completeCount = history.rows.filter((s) => s.status === 'complete').length;

  return (
    <div className="space-y-6">
      <PageHeader
        title="Snapshots"
        description="Point-in-time copies of every Airtable user, group and membership. Campaigns review a snapshot; it never changes afterwards."
        actions={
          completeCount > 1 || history.total > PAGE_SIZE ? (
            <Link href="/snapshots/diff" className={buttonClasses('secondary', 'md')}>
              Compare snapshots
            </Link>
          ) : null
        }
      />
      <SnapshotRunPanel initial={getSnapshotStatusView()} canRun={user.role === 'admin'} />
      <Table label="Snapshot history">
        <THead>
          <TR>
            <TH numeric>#</TH>
            <TH>Started</TH>
            <TH>By</TH>
            <TH>Status</TH>
            <TH numeric>Users</TH>
            <TH numeric>Groups</TH>
            <TH numeric>Memberships</TH>
            <TH numeric>Requests</TH>
            <TH numeric>Duration</TH>
            <TH>Digest</TH>
          </TR>
        </THead>
        <TBody>
          {history.rows.length === 0 ? <TableEmpty colSpan={10}>No snapshots yet. Take the first one above.</TableEmpty> : null}
          {history.rows.map((s) => (
            <TR key={s.id}>
              <TD numeric>
                {s.status === 'complete' ? (
                  <Link href={`/snapshots/${s.id}`} className="font-medium text-accent-ink underline">
                    {s.id}
                  </Link>
                ) : (
                  s.id
                )}
              </TD>
              <TD className="whitespace-nowrap">
                <time dateTime={s.startedAt}>{formatDateTime(s.startedAt)}</time>
              </TD>
              <TD>
                {s.startedByEmail}
                <span className="text-ink-muted"> · {s.trigger}</span>
              </TD>
              <TD>
                <SnapshotStatusBadge status={s.status} error={s.error} />
              </TD>
              <TD numeric>{formatCount(s.usersDone)}</TD>
              <TD numeric>{formatCount(s.groupsDone)}</TD>
              <TD numeric>{formatCount(s.membershipsCount)}</TD>
              <TD numeric>{formatCount(s.requests)}</TD>
              <TD numeric>{s.durationMs === null ? '—' : formatDuration(s.durationMs)}</TD>
              <TD>{s.digest ? <code className="font-mono text-xs" title={s.digest}>{s.digest.slice(0, 12)}…</code> : '—'}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
      <Pagination page={page} pageSize={PAGE_SIZE} total={history.total} hrefFor={(p) => (p > 1 ? `/snapshots?page=${p}` : '/snapshots')} />
    </div>
  );
}
