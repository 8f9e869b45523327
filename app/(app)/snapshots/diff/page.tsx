import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button';
import { Card, CardBody } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Field, Select } from '@/components/ui/input';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { Table, TableEmpty, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requirePageRole } from '@/lib/auth/guards';
import { AppError } from '@/lib/errors';
import { formatCount, formatDateTime } from '@/lib/format';
import { DIFF_KINDS, diffSnapshots, listDiffEntries, listSnapshots, type TDiffKind } from '@/lib/snapshot';
import { hrefWith, queryPage } from '@/lib/url';

export const metadata: Metadata = { title: 'Compare snapshots' };

const PAGE_SIZE = 100;
const KIND_LABEL: Record<TDiffKind, string> = {
  joiner: 'Joiners',
  leaver: 'Leavers',
  activated: 'Activated',
  deactivated: 'Deactivated',
  attribute: 'Changed attributes',
  membership_added: 'Memberships added',
  membership_removed: 'Memberships removed',
};
const KIND_TONE: Record<TDiffKind, 'success' | 'danger' | 'info' | 'warning' | 'neutral'> = {
  joiner: 'success',
  leaver: 'danger',
  activated: 'success',
  deactivated: 'warning',
  attribute: 'info',
  membership_added: 'success',
  membership_removed: 'danger',
};

const ZQuery = z.object({
  from: z.coerce.number().int().positive().optional().catch(undefined),
  to: z.coerce.number().int().positive().optional().catch(undefined),
  kind: z.enum(DIFF_KINDS).optional().catch(undefined),
  page: queryPage,
});

type TProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SnapshotDiffPage({ searchParams }: TProps) {
  await requirePageRole('admin', 'auditor');
  const query = ZQuery.parse(await searchParams);
  const complete = listSnapshots({ page: 1, pageSize: 200 }).rows.filter((s) => s.status === 'complete');
  // Default: the two most recent complete snapshots, older → newer.
  const to = query.to ?? complete[0]?.id;
  const from = query.from ?? complete[1]?.id;
  const current = { from: from ? String(from) : undefined, to: to ? String(to) : undefined, kind: query.kind };

  const diff = from && to && from !== to ? loadDiff(from, to, query.kind, query.page) : null;
  let body: React.ReactNode;
  if (!from || !to) {
    body = <EmptyState title="Two complete snapshots are needed" description="Take another snapshot to compare it with the last one." />;
  } else if (from === to) {
    body = <Alert tone="warning" title="Same snapshot twice">Pick two different snapshots.</Alert>;
  } else if (diff && 'error' in diff) {
    body = <Alert tone="danger" title="Cannot compare">{diff.error}</Alert>;
  } else if (diff) {
    const { summary, entries } = diff;
    body = (
      <div className="space-y-6">
        <ul className="grid gap-3 sm:grid-cols-3 lg:grid-cols-7">
          {DIFF_KINDS.map((kind) => (
            <li key={kind}>
              <Link
                href={hrefWith('/snapshots/diff', current, { kind: query.kind === kind ? null : kind })}
                aria-current={query.kind === kind ? 'true' : undefined}
                className="block rounded-card border border-line bg-surface p-3 hover:border-accent aria-[current=true]:border-accent aria-[current=true]:bg-accent-soft"
              >
                <span className="block text-xs text-ink-muted">{KIND_LABEL[kind]}</span>
                <span className="numeric block text-xl font-semibold">{formatCount(summary.counts[kind])}</span>
              </Link>
            </li>
          ))}
        </ul>
        <div className="flex items-center justify-between">
          <p className="text-sm text-ink-muted">
            {formatCount(summary.total)} differences from #{from} ({formatDateTime(summary.from.startedAt)}) to #{to} ({formatDateTime(summary.to.startedAt)})
            {query.kind ? ` · showing ${KIND_LABEL[query.kind].toLowerCase()}` : ''}
          </p>
          <a href={`/api/snapshots/diff?from=${from}&to=${to}`} className={buttonClasses('secondary', 'sm')} download>
            Download diff CSV
          </a>
        </div>
        <Table label="Differences">
          <THead>
            <TR>
              <TH>Change</TH>
              <TH>User</TH>
              <TH>Group</TH>
              <TH>Field</TH>
              <TH>Before</TH>
              <TH>After</TH>
            </TR>
          </THead>
          <TBody>
            {entries.rows.length === 0 ? <TableEmpty colSpan={6}>No differences{query.kind ? ' of this kind' : ''}.</TableEmpty> : null}
            {entries.rows.map((e, i) => (
              <TR key={`${e.kind}:${e.userId}:${e.groupId ?? ''}:${e.field ?? ''}:${i}`}>
                <TD>
                  <Badge tone={KIND_TONE[e.kind]}>{KIND_LABEL[e.kind]}</Badge>
                </TD>
                <TD>{e.userEmail ?? <span className="font-mono text-xs">{e.userId}</span>}</TD>
                <TD>{e.groupName ?? '—'}</TD>
                <TD>{e.field ?? '—'}</TD>
                <TD>{e.before ?? '—'}</TD>
                <TD>{e.after ?? '—'}</TD>
              </TR>
            ))}
          </TBody>
        </Table>
        <Pagination page={query.page} pageSize={PAGE_SIZE} total={entries.total} hrefFor={(p) => hrefWith('/snapshots/diff', current, { page: p })} label="Difference pages" />
      </div>
    );
  }

  return (
    <div className="space-y-6">
      <PageHeader
        title="Compare snapshots"
        breadcrumbs={[{ label: 'Snapshots', href: '/snapshots' }, { label: 'Compare' }]}
        description="Joiners, leavers, activations, attribute changes and membership changes between two snapshots."
      />
      <Card>
        <CardBody>
          <form method="get" action="/snapshots/diff" className="flex flex-wrap items-end gap-4" aria-label="Choose snapshots">
            <SnapshotSelect label="From (older)" name="from" value={from} snapshots={complete} />
            <SnapshotSelect label="To (newer)" name="to" value={to} snapshots={complete} />
            <button type="submit" className={buttonClasses('primary', 'md')}>
              Compare
            </button>
          </form>
        </CardBody>
      </Card>
      {body}
    </div>
  );
}

/** The diff's summary and one page of entries, or the reason it cannot be computed. */
function loadDiff(from: number, to: number, kind: TDiffKind | undefined, page: number) {
  try {
    return { summary: diffSnapshots(from, to), entries: listDiffEntries(from, to, { kind, page, pageSize: PAGE_SIZE }) };
  } catch (error) {
    if (error instanceof AppError) return { error: error.message };
    throw error;
  }
}

function SnapshotSelect({ label, name, value, snapshots }: { label: string; name: string; value: number | undefined; snapshots: Array<{ id: number; startedAt: string }> }) {
  return (
    <Field label={label}>
      <Select name={name} defaultValue={value ? String(value) : ''}>
        {snapshots.map((s) => (
          <option key={s.id} value={s.id}>
            #{s.id} · {formatDateTime(s.startedAt)}
          </option>
        ))}
      </Select>
    </Field>
  );
}
