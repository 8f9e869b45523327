import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button';
import { Checkbox, Field, Input } from '@/components/ui/input';
import { Pagination } from '@/components/ui/pagination';
import { Table, TableEmpty, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { listSnapshotMemberships } from '@/lib/snapshot';
import { hrefWith } from '@/lib/url';
import type { TSnapshotTabQuery } from './snapshot-query';

const PAGE_SIZE = 100;

type TProps = { snapshotId: number; query: TSnapshotTabQuery; current: Record<string, string | undefined> };

export function SnapshotMembershipsTab({ snapshotId, query, current }: TProps) {
  const base = `/snapshots/${snapshotId}`;
  const result = listSnapshotMemberships(snapshotId, { q: query.q, groupId: query.group, orphanOnly: query.orphan === '1', page: query.page, pageSize: PAGE_SIZE });

  return (
    <div className="space-y-4">
      <form method="get" action={base} className="flex flex-wrap items-end gap-4 rounded-card border border-line bg-surface p-4" aria-label="Filter memberships">
        <input type="hidden" name="tab" value="memberships" />
        {query.group ? <input type="hidden" name="group" value={query.group} /> : null}
        <Field label="Search" className="min-w-64">
          <Input name="q" type="search" defaultValue={query.q ?? ''} placeholder="User email or group name…" />
        </Field>
        <Checkbox name="orphan" value="1" label="Orphans only (member not in the user list)" defaultChecked={query.orphan === '1'} />
        <button type="submit" className={buttonClasses('primary', 'md')}>
          Apply
        </button>
      </form>
      <Table label="Memberships in this snapshot">
        <THead>
          <TR>
            <TH>Group</TH>
            <TH>User</TH>
            <TH>Email</TH>
            <TH>Note</TH>
          </TR>
        </THead>
        <TBody>
          {result.rows.length === 0 ? <TableEmpty colSpan={4}>No memberships match.</TableEmpty> : null}
          {result.rows.map((m) => (
            <TR key={`${m.groupId}:${m.userId}`}>
              <TD>
                <Link href={`${base}/groups/${m.groupId}`} className="text-accent-ink underline">
                  {m.groupName}
                </Link>
              </TD>
              <TD>
                {m.orphan ? (
                  <span className="font-mono text-xs">{m.userId}</span>
                ) : (
                  <Link href={`${base}/users/${m.userId}`} className="text-accent-ink underline">
                    {m.userName ?? m.userId}
                  </Link>
                )}
              </TD>
              <TD>{m.userEmail ?? m.memberDisplay ?? '—'}</TD>
              <TD>{m.orphan ? <Badge tone="danger" title="The group lists this member, but the user list does not contain it">Orphan</Badge> : null}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
      <Pagination page={query.page} pageSize={PAGE_SIZE} total={result.total} hrefFor={(p) => hrefWith(base, current, { page: p })} label="Memberships pages" />
    </div>
  );
}
