import type { Metadata } from 'next';
import { z } from 'zod';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button';
import { Card, CardBody } from '@/components/ui/card';
import { Field, Input, Select } from '@/components/ui/input';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { Table, TableEmpty, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { listAuditActions, listAuditPage, verifyAuditLog } from '@/lib/audit';
import { requirePageRole } from '@/lib/auth/guards';
import { formatCount, formatDateTime } from '@/lib/format';
import { queryPage, queryText } from '@/lib/url';

export const metadata: Metadata = { title: 'Audit log' };

const PAGE_SIZE = 50;

// Bad query values fall back to "no filter" rather than an error page: these come from URLs people edit.
const ZAuditQuery = z.object({
  actor: queryText(320),
  action: queryText(100),
  target: queryText(200),
  from: z.iso.date().optional().catch(undefined),
  to: z.iso.date().optional().catch(undefined),
  page: queryPage,
});

type TProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AuditLogPage({ searchParams }: TProps) {
  await requirePageRole('admin', 'auditor');
  const query = ZAuditQuery.parse(await searchParams);
  const filter = {
    actor: query.actor,
    action: query.action,
    target: query.target,
    from: query.from ? `${query.from}T00:00:00.000Z` : undefined,
    to: query.to ? `${query.to}T23:59:59.999Z` : undefined,
  };
  const { rows, total } = listAuditPage(filter, query.page, PAGE_SIZE);
  const actions = listAuditActions();
  const chain = verifyAuditLog();

  const hrefFor = (page: number) => {
    const params = new URLSearchParams();
    for (const key of ['actor', 'action', 'target', 'from', 'to'] as const) {
      const v = query[key];
      if (v) params.set(key, v);
    }
    if (page > 1) params.set('page', String(page));
    const qs = params.toString();
    return qs ? `/audit?${qs}` : '/audit';
  };

  return (
    <div className="space-y-6">
      <PageHeader title="Audit log" description="Every sign-in, setting change and domain write, hash-chained so tampering is detectable." />
      {chain.ok ? (
        <Alert tone="success" title="Chain intact">
          All {formatCount(chain.rows)} entries verify against their hashes (last hash <code className="font-mono text-xs">{chain.lastHash.slice(0, 16)}…</code>).
        </Alert>
      ) : (
        <Alert tone="danger" title="Chain broken">
          Entry {chain.brokenRowId}: {chain.reason}. Run <code>npm run audit:verify</code> on the server and investigate.
        </Alert>
      )}
      <Card>
        <CardBody>
          <form method="get" action="/audit" className="grid items-end gap-4 sm:grid-cols-6" aria-label="Filter the audit log">
            <Field label="Actor">
              <Input id="f-actor" name="actor" defaultValue={query.actor ?? ''} placeholder="email contains…" />
            </Field>
            <Field label="Action">
              <Select id="f-action" name="action" defaultValue={query.action ?? ''}>
                <option value="">Any action</option>
                {actions.map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="Target">
              <Input id="f-target" name="target" defaultValue={query.target ?? ''} placeholder="id or type" />
            </Field>
            <Field label="From">
              <Input id="f-from" name="from" type="date" defaultValue={query.from ?? ''} />
            </Field>
            <Field label="To">
              <Input id="f-to" name="to" type="date" defaultValue={query.to ?? ''} />
            </Field>
            <div className="flex gap-2">
              <button type="submit" className={buttonClasses('primary', 'md')}>
                Filter
              </button>
              <a href="/audit" className={buttonClasses('ghost', 'md')}>
                Clear
              </a>
            </div>
          </form>
        </CardBody>
      </Card>
      <Table label="Audit log entries">
        <THead>
          <TR>
            <TH numeric>#</TH>
            <TH>Time</TH>
            <TH>Actor</TH>
            <TH>Action</TH>
            <TH>Target</TH>
            <TH>Details</TH>
          </TR>
        </THead>
        <TBody>
          {rows.length === 0 ? <TableEmpty colSpan={6}>No entries match these filters.</TableEmpty> : null}
          {rows.map((row) => (
            <TR key={row.id}>
              <TD numeric>{row.id}</TD>
              <TD className="whitespace-nowrap">
                <time dateTime={row.at}>{formatDateTime(row.at)}</time>
              </TD>
              <TD>{row.actorEmail}</TD>
              <TD>
                <Badge tone="neutral">{row.action}</Badge>
              </TD>
              <TD className="font-mono text-xs">{row.targetType ? `${row.targetType}:${row.targetId ?? ''}` : '—'}</TD>
              <TD className="max-w-md">
                <code className="block truncate font-mono text-xs" title={row.details}>
                  {row.details === '{}' ? '—' : row.details}
                </code>
              </TD>
            </TR>
          ))}
        </TBody>
      </Table>
      <Pagination page={query.page} pageSize={PAGE_SIZE} total={total} hrefFor={hrefFor} />
    </div>
  );
}
