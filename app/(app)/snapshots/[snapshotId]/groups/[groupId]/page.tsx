import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { loadCompleteSnapshot } from '@/components/snapshots/load-snapshot';
import { SearchForm } from '@/components/snapshots/search-form';
import { z } from 'zod';
import { Badge } from '@/components/ui/badge';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { Table, TableEmpty, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requirePageRole } from '@/lib/auth/guards';
import { formatCount } from '@/lib/format';
import { getSnapshotGroup, listGroupMembers } from '@/lib/snapshot';
import { hrefWith, queryPage, queryText } from '@/lib/url';

export const metadata: Metadata = { title: 'Group · Snapshot' };

const PAGE_SIZE = 100;
const ZQuery = z.object({ q: queryText(200), page: queryPage });

type TProps = { params: Promise<{ snapshotId: string; groupId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SnapshotGroupPage({ params, searchParams }: TProps) {
  await requirePageRole('admin', 'auditor');
  const { snapshotId: rawId, groupId } = await params;
  const snapshotId = loadCompleteSnapshot(rawId).id;
  const group = getSnapshotGroup(snapshotId, decodeURIComponent(groupId));
  if (!group) notFound();
  const query = ZQuery.parse(await searchParams);
  const members = listGroupMembers(snapshotId, group.scimId, { q: query.q, page: query.page, pageSize: PAGE_SIZE });
  const base = `/snapshots/${snapshotId}`;
  const here = `${base}/groups/${group.scimId}`;

  return (
    <div className="space-y-6">
      <PageHeader
        title={group.displayName}
        breadcrumbs={[{ label: 'Snapshots', href: '/snapshots' }, { label: `#${snapshotId}`, href: `${base}?tab=groups` }, { label: group.displayName }]}
        description={`${formatCount(group.memberCount)} members in snapshot #${snapshotId}${group.orphanMembers ? `, ${formatCount(group.orphanMembers)} of them not in the user list` : ''} · SCIM id ${group.scimId}`}
        actions={
          <Link href={hrefWith(base, {}, { group: group.scimId })} className="text-sm text-accent-ink underline">
            Filter the users tab by this group
          </Link>
        }
      />
      <SearchForm action={here} label="Search members" defaultValue={query.q} placeholder="Name or email…" />
      <Table label={`Members of ${group.displayName}`}>
        <THead>
          <TR>
            <TH>Name</TH>
            <TH>Email</TH>
            <TH>Department</TH>
            <TH>Title</TH>
            <TH>Status</TH>
          </TR>
        </THead>
        <TBody>
          {members.rows.length === 0 ? <TableEmpty colSpan={5}>No members match.</TableEmpty> : null}
          {members.rows.map((m) => (
            <TR key={m.userId}>
              <TD>
                {m.orphan ? (
                  <span className="font-mono text-xs">{m.userId}</span>
                ) : (
                  <Link href={`${base}/users/${m.userId}`} className="text-accent-ink underline">
                    {m.name ?? m.userId}
                  </Link>
                )}
              </TD>
              <TD>{m.email ?? m.memberDisplay ?? '—'}</TD>
              <TD>{m.department ?? '—'}</TD>
              <TD>{m.title ?? '—'}</TD>
              <TD>
                {m.orphan ? <Badge tone="danger">Orphan</Badge> : m.active ? <Badge tone="success">Active</Badge> : <Badge tone="neutral">Deactivated</Badge>}
              </TD>
            </TR>
          ))}
        </TBody>
      </Table>
      <Pagination page={query.page} pageSize={PAGE_SIZE} total={members.total} hrefFor={(p) => hrefWith(here, { q: query.q }, { page: p })} label="Members pages" />
    </div>
  );
}
