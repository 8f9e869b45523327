import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { StaleAccountsTable } from '@/components/stale/stale-accounts-table';
import { staleFilterOf, staleQueryStrings, UNASSIGNED_DEPARTMENT, ZStaleUrl } from '@/components/stale/stale-query';
import { StaleThresholdsForm } from '@/components/stale/stale-thresholds-form';
import { StaleTrendChart } from '@/components/stale/stale-trend-chart';
import { Alert } from '@/components/ui/alert';
import { buttonClasses } from '@/components/ui/button';
import { Card, CardBody, CardHeader, StatCard } from '@/components/ui/card';
import { Field, Input, Select } from '@/components/ui/input';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { Spinner } from '@/components/ui/spinner';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requirePageRole } from '@/lib/auth/guards';
import { formatCount, formatDate, formatDateTime } from '@/lib/format';
import { getStaleOverview, getStaleTrend, listStaleAccounts, staleCampaignHref, STALE_RULES, type TStaleOverview } from '@/lib/stale';
import { hrefWith } from '@/lib/url';
import { NoSnapshotYet } from '@/components/snapshots/no-snapshot-yet';

export const metadata: Metadata = { title: 'Stale accounts' };

const PAGE_SIZE = 50;

type TProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function BasisCard({ overview, isAdmin }: { overview: TStaleOverview; isAdmin: boolean }) {
  const b = overview.basis;
  const importLine = (label: string, i: TStaleOverview['basis']['hrImport']) =>
    i ? (
      <>
        {label}: {i.fileName} ({formatCount(i.rowCount)} rows, imported {formatDateTime(i.uploadedAt)})
      </>
    ) : (
      <>
        {label}: <span className="font-medium text-warning-ink">none imported</span>
      </>
    );
  return (
    <Card>
      <CardHeader
        title="What the findings are based on"
        actions={
          isAdmin ? (
            <Link href="/stale/imports" className={buttonClasses('secondary', 'sm')}>
              Import HR or activity data
            </Link>
          ) : undefined
        }
      />
      <CardBody className="space-y-4">
        <ul className="grid gap-1 text-sm sm:grid-cols-2">
          <li>
            Snapshot{' '}
            <Link href={`/snapshots/${b.snapshotId}`} className="text-accent-ink underline">
              #{b.snapshotId}
            </Link>
            , taken {formatDateTime(b.snapshotStartedAt)}
          </li>
          <li>As of {formatDate(`${b.asOfDate}T00:00:00Z`)} (UTC)</li>
          <li>{importLine('HR roster', b.hrImport)}</li>
          <li>{importLine('Last activity', b.activityImport)}</li>
          <li>
            Company domains: {b.companyDomains.length > 0 ? b.companyDomains.join(', ') : 'unknown'}
            {b.companyDomainsSource === 'inferred' ? ' (inferred from the snapshot; set them in Settings → Directory)' : ''}
          </li>
          <li>
            Stale after {b.inactiveDays} days without activity; never-active accounts flagged after {b.neverActiveGraceDays} days
          </li>
        </ul>
        {isAdmin ? <StaleThresholdsForm inactiveDays={b.inactiveDays} neverActiveGraceDays={b.neverActiveGraceDays} /> : null}
      </CardBody>
    </Card>
  );
}

/** The trend streams in after the rest of the page: a first load evaluates each past snapshot once. */
async function StaleTrendSection({ points, filterOnly }: { points: number; filterOnly: Record<string, string | undefined> }) {
  const trend = await getStaleTrend(points);
  const base = '/stale';
  return (
    <Card>
      <CardHeader
        title="Trend"
        description="Each snapshot as it stood while it was the latest one, with the imports current then."
        actions={
          <form method="get" action={base} className="flex items-end gap-2">
            {Object.entries(filterOnly).map(([k, v]) => (v ? <input key={k} type="hidden" name={k} value={v} /> : null))}
            <Field label="Snapshots" labelHidden>
              <Select name="points" defaultValue={String(points)}>
                {[6, 12, 24, 36].map((n) => (
                  <option key={n} value={n}>
                    Last {n} snapshots
                  </option>
                ))}
              </Select>
            </Field>
            <button type="submit" className={buttonClasses('secondary', 'sm')}>
              Show
            </button>
          </form>
        }
      />
      <CardBody className="space-y-4">
        <StaleTrendChart points={trend.map((p) => ({ label: `#${p.snapshotId}`, activeSeats: p.activeSeats, flagged: p.flagged, reclaimable: p.reclaimable }))} />
        <Table label="Trend numbers" maxHeight="20rem">
          <THead>
            <TR>
              <TH>Snapshot</TH>
              <TH>Taken</TH>
              <TH numeric>Active seats</TH>
              <TH numeric>Flagged</TH>
              <TH numeric>To reclaim</TH>
              <TH numeric>Terminated in HR</TH>
              <TH numeric>No recent activity</TH>
              <TH numeric>Never active</TH>
            </TR>
          </THead>
          <TBody>
            {trend.map((p) => (
              <TR key={p.snapshotId}>
                <TD>#{p.snapshotId}</TD>
                <TD className="whitespace-nowrap">
                  <time dateTime={p.startedAt}>{formatDate(p.startedAt)}</time>
                </TD>
                <TD numeric>{formatCount(p.activeSeats)}</TD>
                <TD numeric>{formatCount(p.flagged)}</TD>
                <TD numeric>{formatCount(p.reclaimable)}</TD>
                <TD numeric>{formatCount(p.counts.terminated_in_hr)}</TD>
                <TD numeric>{formatCount(p.counts.inactive)}</TD>
                <TD numeric>{formatCount(p.counts.never_active)}</TD>
              </TR>
            ))}
          </TBody>
        </Table>
      </CardBody>
    </Card>
  );
}

function TrendPlaceholder() {
  return (
    <Card>
      <CardHeader title="Trend" />
      <CardBody className="flex items-center gap-2 text-sm text-ink-muted">
        <Spinner /> Evaluating past snapshots…
      </CardBody>
    </Card>
  );
}

export default async function StaleAccountsPage({ searchParams }: TProps) {
  const user = await requirePageRole('admin', 'auditor');
  const url = ZStaleUrl.parse(await searchParams);
  const isAdmin = user.role === 'admin';
  const overview = getStaleOverview();

  if (!overview) {
    return (
      <div className="space-y-6">
        <PageHeader title="Stale accounts" />
        <NoSnapshotYet why="The stale-account rules run over the latest complete snapshot of the directory. Take one first." />
      </div>
    );
  }

  const filter = staleFilterOf(url);
  const accounts = listStaleAccounts({ ...filter, page: url.page, pageSize: PAGE_SIZE });
  const current = staleQueryStrings(url);
  const base = '/stale';
  const filterOnly = { ...current, page: undefined, points: undefined };
  const exportHref = hrefWith('/api/stale/export', filterOnly, {});
  const snapshotId = overview.basis.snapshotId;
  const ruleHref = (rule: string | null) => hrefWith(base, { ...current, page: undefined }, { rule });
  const filtered = Boolean(url.rule || url.department || url.q);

  return (
    <div className="space-y-6">
      <PageHeader
        title="Stale accounts"
        description="Licenses to reclaim and accounts of people who have left, from the latest snapshot compared with the HR roster and last-activity imports."
        actions={
          <>
            <a href={exportHref} className={buttonClasses('secondary', 'md')} download>
              Export CSV
            </a>
            {isAdmin ? (
              <Link href={staleCampaignHref(snapshotId, filter)} className={buttonClasses('primary', 'md')}>
                Start a campaign for these accounts
              </Link>
            ) : null}
          </>
        }
      />

      {!overview.basis.hrImport || !overview.basis.activityImport ? (
        <Alert tone="info" title="Some rules need an import">
          {!overview.basis.hrImport ? 'Without an HR roster, terminated and unknown people cannot be found. ' : ''}
          {!overview.basis.activityImport ? 'Without last-activity data, inactive and never-active accounts cannot be found. ' : ''}
          {isAdmin ? <Link href="/stale/imports">Import them</Link> : 'An admin can import them.'}
        </Alert>
      ) : null}

      <section aria-label="Totals" className="grid gap-4 sm:grid-cols-3">
        <StatCard label="Active seats" value={formatCount(overview.activeSeats)} hint={`of ${formatCount(overview.users)} accounts in snapshot #${snapshotId}`} />
        <StatCard label="Flagged accounts" value={formatCount(overview.flagged)} hint="at least one finding" href={ruleHref(null)} tone={overview.flagged > 0 ? 'warning' : 'success'} />
        <StatCard
          label="Licenses to reclaim"
          value={formatCount(overview.reclaimable)}
          hint="terminated, inactive or never active"
          href={ruleHref('reclaim')}
          tone={overview.reclaimable > 0 ? 'danger' : 'success'}
        />
      </section>

      <section aria-label="Findings per rule" className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {overview.rules.map((r) => (
          <StatCard
            key={r.key}
            label={r.label}
            value={r.available ? formatCount(r.count) : '—'}
            hint={r.available ? r.description : r.unavailableReason}
            href={r.available ? ruleHref(r.key) : undefined}
            tone={!r.available || r.count === 0 ? 'neutral' : STALE_RULES.find((s) => s.key === r.key)?.reclaim ? 'danger' : 'warning'}
            className={url.rule === r.key ? 'border-accent ring-1 ring-accent' : undefined}
          />
        ))}
      </section>

      <BasisCard overview={overview} isAdmin={isAdmin} />

      <Suspense fallback={<TrendPlaceholder />}>
        <StaleTrendSection points={url.points} filterOnly={filterOnly} />
      </Suspense>

      <section aria-labelledby="flagged-heading" className="space-y-4">
        <h2 id="flagged-heading" className="text-base font-semibold text-ink">
          Flagged accounts
        </h2>
        <form method="get" action={base} className="grid items-end gap-4 rounded-card border border-line bg-surface p-4 sm:grid-cols-2 lg:grid-cols-5" aria-label="Filter flagged accounts">
          {url.points !== 12 ? <input type="hidden" name="points" value={url.points} /> : null}
          <Field label="Finding">
            <Select name="rule" defaultValue={url.rule ?? ''}>
              <option value="">Any finding</option>
              <option value="reclaim">Licenses to reclaim</option>
              {STALE_RULES.map((r) => (
                <option key={r.key} value={r.key}>
                  {r.label}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Department">
            <Select name="department" defaultValue={url.department ?? ''}>
              <option value="">Any department</option>
              {overview.departments.map((d) => (
                <option key={d.department ?? UNASSIGNED_DEPARTMENT} value={d.department ?? UNASSIGNED_DEPARTMENT}>
                  {d.department ?? 'Unassigned'} ({formatCount(d.count)})
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Search" className="lg:col-span-2">
            <Input name="q" type="search" defaultValue={url.q ?? ''} placeholder="Name or email" />
          </Field>
          <div className="flex gap-2">
            <button type="submit" className={buttonClasses('primary', 'md')}>
              Apply
            </button>
            <a href={base} className={buttonClasses('ghost', 'md')}>
              Reset
            </a>
          </div>
        </form>
        <StaleAccountsTable
          rows={accounts.rows.map((a) => ({
            scimId: a.scimId,
            name: a.name,
            email: a.email,
            active: a.active,
            department: a.department,
            departmentSource: a.departmentSource,
            rules: a.rules,
            reasons: a.reasons,
            lastActiveAt: a.lastActiveAt,
            hrStatus: a.hrStatus,
          }))}
          snapshotId={snapshotId}
          canAct={isAdmin}
          emptyMessage={filtered ? 'No flagged account matches these filters.' : 'No account is flagged. Nothing to reclaim.'}
        />
        <Pagination page={url.page} pageSize={PAGE_SIZE} total={accounts.total} hrefFor={(p) => hrefWith(base, current, { page: p })} label="Flagged accounts pages" />
      </section>
    </div>
  );
}
