import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { CampaignStatusBadge } from '@/components/campaigns/campaign-status-badge';
import { buttonClasses } from '@/components/ui/button';
import { Field, Select } from '@/components/ui/input';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { Table, TableEmpty, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requirePageRole } from '@/lib/auth/guards';
import { formatCount, formatDate } from '@/lib/format';
import { listCampaigns } from '@/lib/review';
import { hrefWith, queryPage } from '@/lib/url';

export const metadata: Metadata = { title: 'Campaigns' };

const PAGE_SIZE = 25;
const ZQuery = z.object({ page: queryPage, status: z.enum(['draft', 'active', 'closed']).optional().catch(undefined) });

type TProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const percent = (part: number, whole: number) => (whole > 0 ? `${Math.floor((part / whole) * 100)}%` : '—');

export default async function CampaignsPage({ searchParams }: TProps) {
  const user = await requirePageRole('admin', 'auditor');
  const { page, status } = ZQuery.parse(await searchParams);
  const campaigns = listCampaigns({ page, pageSize: PAGE_SIZE, status });
  const current = { status };

  return (
    <div className="space-y-6">
      <PageHeader
        title="Campaigns"
        description="Access reviews of a snapshot: who reviews what, by when, and what was certified or revoked."
        actions={
          <>
            <Link href="/campaigns/templates" className={buttonClasses('secondary', 'md')}>
              Recurring campaigns
            </Link>
            {user.role === 'admin' ? (
              <Link href="/campaigns/new" className={buttonClasses('primary', 'md')}>
                New campaign
              </Link>
            ) : null}
          </>
        }
      />
      <form method="get" action="/campaigns" className="flex flex-wrap items-end gap-4 rounded-card border border-line bg-surface p-4" aria-label="Filter campaigns">
        <Field label="Status" className="min-w-48">
          <Select name="status" defaultValue={status ?? ''}>
            <option value="">All</option>
            <option value="draft">Draft</option>
            <option value="active">Active</option>
            <option value="closed">Closed</option>
          </Select>
        </Field>
        <button type="submit" className={buttonClasses('primary', 'md')}>
          Apply
        </button>
      </form>
      <Table label="Campaigns">
        <THead>
          <TR>
            <TH>Name</TH>
            <TH>Status</TH>
            <TH numeric>Snapshot</TH>
            <TH>Due</TH>
            <TH numeric>Items</TH>
            <TH numeric>Decided</TH>
            <TH numeric>Revoked</TH>
          </TR>
        </THead>
        <TBody>
          {campaigns.rows.length === 0 ? (
            <TableEmpty colSpan={7}>{status ? 'No campaigns with this status.' : user.role === 'admin' ? 'No campaigns yet. Start one with “New campaign”.' : 'No campaigns yet.'}</TableEmpty>
          ) : null}
          {campaigns.rows.map((c) => (
            <TR key={c.id}>
              <TD>
                <Link href={`/campaigns/${c.id}`} className="font-medium text-accent-ink underline">
                  {c.name}
                </Link>
              </TD>
              <TD>
                <CampaignStatusBadge status={c.status} />
              </TD>
              <TD numeric>
                <Link href={`/snapshots/${c.snapshotId}`} className="text-accent-ink underline" aria-label={`Snapshot ${c.snapshotId}`}>
                  #{c.snapshotId}
                </Link>
              </TD>
              <TD className="whitespace-nowrap">
                <time dateTime={c.dueAt}>{formatDate(c.dueAt)}</time>
              </TD>
              <TD numeric>{c.status === 'draft' ? '—' : formatCount(c.itemCount)}</TD>
              <TD numeric>{c.status === 'draft' ? '—' : percent(c.decided, c.itemCount)}</TD>
              <TD numeric>{c.status === 'draft' ? '—' : formatCount(c.revoked)}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
      <Pagination page={page} pageSize={PAGE_SIZE} total={campaigns.total} hrefFor={(p) => hrefWith('/campaigns', current, { page: p })} />
    </div>
  );
}
