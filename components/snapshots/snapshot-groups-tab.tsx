import Link from 'next/link';
import { Pagination } from '@/components/ui/pagination';
import { Table, TableEmpty, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { formatCount } from '@/lib/format';
import { listSnapshotGroups } from '@/lib/snapshot';
import type { TGroupSort } from '@/lib/snapshot/types';
import { hrefWith, nextSort } from '@/lib/url';
import { SearchForm } from './search-form';
import type { TSnapshotTabQuery } from './snapshot-query';

const PAGE_SIZE = 50;

type TProps = { snapshotId: number; query: TSnapshotTabQuery; current: Record<string, string | undefined> };

export function SnapshotGroupsTab({ snapshotId, query, current }: TProps) {
  const base = `/snapshots/${snapshotId}`;
  const sort: TGroupSort = query.sort === 'members' ? 'members' : 'name';
  const dir = query.dir ?? (sort === 'members' ? 'desc' : 'asc');
  const result = listSnapshotGroups(snapshotId, { q: query.q, sort, dir, page: query.page, pageSize: PAGE_SIZE });
  const header = (key: TGroupSort, label: string, numeric = false) => {
    const next = nextSort(sort, dir, key);
    return (
      <TH numeric={numeric} sort={sort === key ? dir : null} sortHref={hrefWith(base, current, { sort: next.sort, dir: next.dir })}>
        {label}
      </TH>
    );
  };

  return (
    <div className="space-y-4">
      <SearchForm action={base} label="Search groups" defaultValue={query.q} placeholder="Group name…" hidden={{ tab: 'groups' }} />
      <Table label="Groups in this snapshot">
        <THead>
          <TR>
            {header('name', 'Group')}
            <TH>SCIM id</TH>
            {header('members', 'Members', true)}
          </TR>
        </THead>
        <TBody>
          {result.rows.length === 0 ? <TableEmpty colSpan={3}>No groups match.</TableEmpty> : null}
          {result.rows.map((g) => (
            <TR key={g.scimId}>
              <TD>
                <Link href={`${base}/groups/${g.scimId}`} className="font-medium text-accent-ink underline">
                  {g.displayName}
                </Link>
              </TD>
              <TD className="font-mono text-xs">{g.scimId}</TD>
              <TD numeric>{formatCount(g.memberCount)}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
      <Pagination page={query.page} pageSize={PAGE_SIZE} total={result.total} hrefFor={(p) => hrefWith(base, current, { page: p })} label="Groups pages" />
    </div>
  );
}
