import type { Metadata } from 'next';
import { z } from 'zod';
import { GroupOwnersForm } from '@/components/settings/group-owners';
import { buttonClasses } from '@/components/ui/button-classes';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Pagination } from '@/components/ui/pagination';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requirePageRole } from '@/lib/auth/guards';
import { formatCount, formatDateTime } from '@/lib/format';
import { listGroupOwners } from '@/lib/review';
import { getCurrentSnapshot, listSnapshotGroups } from '@/lib/snapshot';
import { hrefWith, queryPage, queryText } from '@/lib/url';
import { NoSnapshotYet } from '@/components/snapshots/no-snapshot-yet';

export const metadata: Metadata = { title: 'Group owners · Settings' };

const PAGE_SIZE = 50;
const ZQuery = z.object({ q: queryText(200), page: queryPage });

type TProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * Who owns each group, for the "group owner" reviewer rule. Groups come from the latest
 * complete snapshot; owners are kept by SCIM group id, so they carry over to later snapshots.
 */
export default async function GroupOwnersPage({ searchParams }: TProps) {
  await requirePageRole('admin');
  const query = ZQuery.parse(await searchParams);
  const snapshot = getCurrentSnapshot();
  if (!snapshot) {
    return (
      <NoSnapshotYet why="Group owners are set per Airtable group. Take a snapshot to list the groups." />
    );
  }
  const groups = listSnapshotGroups(snapshot.id, { q: query.q, page: query.page, pageSize: PAGE_SIZE, sort: 'name', dir: 'asc' });
  const owners = new Map(listGroupOwners().map((g) => [g.groupScimId, g]));
  const withOwners = [...owners.keys()].length;
  const current = { q: query.q };

  return (
    <Card>
      <CardHeader
        title="Group owners"
        description={`The "group owner" reviewer rule sends each membership to the group's first owner who is not the member. ${formatCount(withOwners)} groups have owners; groups of snapshot #${snapshot.id}.`}
      />
      <CardBody className="space-y-4">
        <form method="get" role="search" aria-label="Find a group" className="flex gap-2">
          <Input name="q" type="search" defaultValue={query.q} placeholder="Group name" aria-label="Group name" className="max-w-sm" />
          <button type="submit" className={buttonClasses('secondary', 'md')}>
            Search
          </button>
        </form>
        <Table label="Groups and their owners">
          <THead>
            <TR>
              <TH>Group</TH>
              <TH className="text-right">Members</TH>
              <TH>Owners</TH>
              <TH>Last change</TH>
            </TR>
          </THead>
          <TBody>
            {groups.rows.map((g) => {
              const entry = owners.get(g.scimId);
              return (
                <TR key={g.scimId}>
                  <TD className="font-medium">{g.displayName}</TD>
                  <TD className="text-right tabular-nums">{formatCount(g.memberCount)}</TD>
                  <TD className="min-w-[22rem]">
                    <GroupOwnersForm groupScimId={g.scimId} groupName={g.displayName} owners={entry?.owners ?? []} />
                  </TD>
                  <TD className="text-sm text-ink-muted">{entry ? `${formatDateTime(entry.updatedAt)} by ${entry.updatedBy}` : '—'}</TD>
                </TR>
              );
            })}
          </TBody>
        </Table>
        {groups.rows.length === 0 ? <p className="text-sm text-ink-muted">No group matches “{query.q}”.</p> : null}
        <Pagination page={groups.page} pageSize={PAGE_SIZE} total={groups.total} hrefFor={(page) => hrefWith('/settings/group-owners', current, { page })} />
      </CardBody>
    </Card>
  );
}
