import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button';
import { StatCard } from '@/components/ui/card';
import { Field, Select } from '@/components/ui/input';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { Table, TableEmpty, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { TabNav } from '@/components/ui/tabs';
import { requirePageRole } from '@/lib/auth/guards';
import { formatCount, formatDate, formatDateTime } from '@/lib/format';
import {
  DIMENSION_LABEL,
  DIMENSIONS,
  getChargeback,
  listChargebackAccounts,
  listChargebackSnapshots,
  MONTH_DAYS,
  UNASSIGNED_LABEL,
  type TChargeback,
  type TComparison,
} from '@/lib/stale';
import { hrefWith, queryPage, queryText } from '@/lib/url';
import { NoSnapshotYet } from '@/components/snapshots/no-snapshot-yet';

export const metadata: Metadata = { title: 'License chargeback' };

const PAGE_SIZE = 50;
// The drill-down's value for seats with no value anywhere (a real value can never be this).
const UNASSIGNED_VALUE = '__unassigned__';

const ZQuery = z.object({
  snapshot: z.coerce.number().int().min(1).optional().catch(undefined),
  compare: z.coerce.number().int().min(1).optional().catch(undefined),
  dimension: z.enum(DIMENSIONS).catch('department'),
  value: queryText(200),
  change: z.enum(['added', 'removed']).optional().catch(undefined),
  page: queryPage,
});

type TProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function signed(n: number | null): string {
  if (n === null) return '—';
  return n > 0 ? `+${formatCount(n)}` : n < 0 ? `−${formatCount(-n)}` : '0';
}

function comparisonText(c: TComparison | null): string {
  if (!c) return 'No older snapshot to compare with.';
  const when = `#${c.snapshotId} of ${formatDate(c.startedAt)}, ${c.days} day${c.days === 1 ? '' : 's'} earlier`;
  if (c.kind === 'month') return `Month over month: compared with ${when}.`;
  if (c.kind === 'chosen') return `Compared with ${when} (chosen).`;
  return `Compared with ${when}: no snapshot ${MONTH_DAYS} or more days older is kept.`;
}

function DrillDown({ chargeback, query, current }: { chargeback: TChargeback; query: z.infer<typeof ZQuery>; current: Record<string, string | undefined> }) {
  const value = query.value === UNASSIGNED_VALUE ? null : (query.value ?? null);
  const list = listChargebackAccounts({
    snapshotId: chargeback.snapshot.id,
    dimension: query.dimension,
    compareTo: query.compare,
    value,
    change: query.change,
    page: query.page,
    pageSize: PAGE_SIZE,
  });
  const label = value ?? UNASSIGNED_LABEL;
  const title =
    query.change === 'added'
      ? `${label}: seats added since #${list.comparison?.snapshotId}`
      : query.change === 'removed'
        ? `${label}: seats gone since #${list.comparison?.snapshotId}`
        : `${label}: active seats in #${chargeback.snapshot.id}`;
  const base = '/chargeback';
  return (
    <section aria-labelledby="drill-heading" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="drill-heading" className="text-base font-semibold text-ink">
          {title} <span className="font-normal text-ink-muted">({formatCount(list.total)})</span>
        </h2>
        <Link href={hrefWith(base, current, { value: null, change: null })} className={buttonClasses('ghost', 'sm')}>
          Close
        </Link>
      </div>
      <Table label={title}>
        <THead>
          <TR>
            <TH>Name</TH>
            <TH>Email</TH>
            <TH>Title</TH>
            <TH>{DIMENSION_LABEL[query.dimension]} from</TH>
            {query.change ? <TH>What changed</TH> : null}
          </TR>
        </THead>
        <TBody>
          {list.rows.length === 0 ? <TableEmpty colSpan={query.change ? 5 : 4}>No accounts.</TableEmpty> : null}
          {list.rows.map((a) => (
            <TR key={a.scimId}>
              <TD>
                <Link
                  href={`/snapshots/${query.change === 'removed' ? list.comparison?.snapshotId : chargeback.snapshot.id}/users/${encodeURIComponent(a.scimId)}`}
                  className="font-medium text-accent-ink underline"
                >
                  {a.name}
                </Link>
              </TD>
              <TD>{a.email}</TD>
              <TD>{a.title ?? '—'}</TD>
              <TD>{a.source === 'directory' ? 'Directory' : a.source === 'hr' ? <Badge tone="info">HR roster</Badge> : <Badge tone="warning">Nowhere</Badge>}</TD>
              {query.change ? <TD>{a.note}</TD> : null}
            </TR>
          ))}
        </TBody>
      </Table>
      <Pagination page={query.page} pageSize={PAGE_SIZE} total={list.total} hrefFor={(p) => hrefWith(base, current, { page: p })} label="Accounts pages" />
    </section>
  );
}

export default async function ChargebackPage({ searchParams }: TProps) {
  await requirePageRole('admin', 'auditor');
  const query = ZQuery.parse(await searchParams);
  const snapshots = listChargebackSnapshots();
  const breadcrumbs = [{ label: 'Stale accounts', href: '/stale' }, { label: 'License chargeback' }];
  if (snapshots.length === 0) {
    return (
      <div className="space-y-6">
        <PageHeader title="License chargeback" breadcrumbs={breadcrumbs} />
        <NoSnapshotYet why="Chargeback counts the active seats of a snapshot." />
      </div>
    );
  }
  const chosen = snapshots.find((s) => s.id === query.snapshot) ?? snapshots[0]!;
  const older = snapshots.filter((s) => s.id < chosen.id);
  const compareTo = older.some((s) => s.id === query.compare) ? query.compare : undefined;
  const chargeback = getChargeback({ snapshotId: chosen.id, dimension: query.dimension, compareTo });
  const current: Record<string, string | undefined> = {
    snapshot: query.snapshot ? String(chosen.id) : undefined,
    compare: compareTo ? String(compareTo) : undefined,
    dimension: query.dimension === 'department' ? undefined : query.dimension,
    value: query.value,
    change: query.change,
    page: query.page > 1 ? String(query.page) : undefined,
  };
  const base = '/chargeback';
  const keep = { ...current, value: undefined, change: undefined, page: undefined };
  const valueParam = (v: string | null) => v ?? UNASSIGNED_VALUE;
  const exportQuery = compareTo ? `?compare=${compareTo}` : '';
  const t = chargeback.totals;

  return (
    <div className="space-y-6">
      <PageHeader
        title="License chargeback"
        breadcrumbs={breadcrumbs}
        description="Active Airtable seats per department, cost center, division and organization: the directory's enterprise extension first, the HR roster where the directory is blank, and Unassigned where both are."
        actions={
          <>
            <a href={`/api/chargeback/${chosen.id}/export/${query.dimension}.csv${exportQuery}`} className={buttonClasses('secondary', 'md')} download>
              Export {DIMENSION_LABEL[query.dimension].toLowerCase()} CSV
            </a>
            <a href={`/api/chargeback/${chosen.id}/export/seats.csv`} className={buttonClasses('secondary', 'md')} download>
              Export every seat
            </a>
          </>
        }
      />

      <form method="get" action={base} className="flex flex-wrap items-end gap-4 rounded-card border border-line bg-surface p-4" aria-label="Choose snapshots">
        {query.dimension !== 'department' ? <input type="hidden" name="dimension" value={query.dimension} /> : null}
        <Field label="Snapshot">
          <Select name="snapshot" defaultValue={String(chosen.id)}>
            {snapshots.map((s) => (
              <option key={s.id} value={s.id}>
                #{s.id} · {formatDateTime(s.startedAt)} · {formatCount(s.usersDone)} users
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Compare with">
          <Select name="compare" defaultValue={compareTo ? String(compareTo) : ''}>
            <option value="">A month earlier (automatic)</option>
            {older.map((s) => (
              <option key={s.id} value={s.id}>
                #{s.id} · {formatDateTime(s.startedAt)}
              </option>
            ))}
          </Select>
        </Field>
        <button type="submit" className={buttonClasses('primary', 'md')}>
          Show
        </button>
      </form>

      <Alert tone={chargeback.comparison?.kind === 'shorter' ? 'warning' : 'info'} role="none">
        {comparisonText(chargeback.comparison)}
        {chargeback.hrImportId === null ? ' No HR roster was current for this snapshot, so blank values stay Unassigned.' : ''}
      </Alert>

      <section aria-label="Totals" className="grid gap-4 sm:grid-cols-4">
        <StatCard label="Active seats" value={formatCount(t.seats)} hint={`snapshot #${chosen.id}`} />
        <StatCard label="Change" value={signed(t.change)} hint={t.previous === null ? 'no comparison' : `from ${formatCount(t.previous)}`} />
        <StatCard label="From the HR roster" value={formatCount(t.fromHr)} hint="blank in the directory" />
        <StatCard
          label="Unassigned"
          value={formatCount(t.unassigned)}
          hint="no value anywhere"
          tone={t.unassigned > 0 ? 'warning' : 'neutral'}
          href={t.unassigned > 0 ? hrefWith(base, keep, { value: UNASSIGNED_VALUE }) : undefined}
        />
      </section>

      <TabNav
        label="Chargeback dimension"
        items={DIMENSIONS.map((d) => ({ href: hrefWith(base, { ...keep, dimension: undefined }, { dimension: d === 'department' ? null : d }), label: DIMENSION_LABEL[d], active: d === query.dimension }))}
      />

      <Table label={`Active seats per ${DIMENSION_LABEL[query.dimension].toLowerCase()}`}>
        <THead>
          <TR>
            <TH>{DIMENSION_LABEL[query.dimension]}</TH>
            <TH numeric>Active seats</TH>
            <TH numeric>From HR roster</TH>
            <TH numeric>Previous</TH>
            <TH numeric>Change</TH>
          </TR>
        </THead>
        <TBody>
          {chargeback.buckets.length === 0 ? <TableEmpty colSpan={5}>No active seats in this snapshot.</TableEmpty> : null}
          {chargeback.buckets.map((b) => {
            const v = valueParam(b.value);
            return (
              <TR key={v} selected={query.value === v}>
                <TD>{b.value === null ? <Badge tone="warning">{UNASSIGNED_LABEL}</Badge> : b.label}</TD>
                <TD numeric>
                  <Link href={hrefWith(base, keep, { value: v })} className="text-accent-ink underline" aria-label={`${formatCount(b.seats)} active seats in ${b.label}: list them`}>
                    {formatCount(b.seats)}
                  </Link>
                </TD>
                <TD numeric>{formatCount(b.fromHr)}</TD>
                <TD numeric>{b.previous === null ? '—' : formatCount(b.previous)}</TD>
                <TD numeric className="whitespace-nowrap">
                  {signed(b.change)}
                  {b.change !== null ? (
                    <span className="ml-2 text-xs">
                      <Link href={hrefWith(base, keep, { value: v, change: 'added' })} className="text-accent-ink underline" aria-label={`Seats added to ${b.label}`}>
                        in
                      </Link>
                      {' · '}
                      <Link href={hrefWith(base, keep, { value: v, change: 'removed' })} className="text-accent-ink underline" aria-label={`Seats gone from ${b.label}`}>
                        out
                      </Link>
                    </span>
                  ) : null}
                </TD>
              </TR>
            );
          })}
        </TBody>
      </Table>

      {query.value ? (
        <DrillDown chargeback={chargeback} query={{ ...query, compare: compareTo, change: chargeback.comparison ? query.change : undefined }} current={current} />
      ) : null}
    </div>
  );
}
