import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button';
import { Checkbox, Field, Input, Select } from '@/components/ui/input';
import { Pagination } from '@/components/ui/pagination';
import { Table, TableEmpty, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { formatCount } from '@/lib/format';
import { listSnapshotDepartments, listSnapshotUsers } from '@/lib/snapshot';
import type { TUserSort } from '@/lib/snapshot/types';
import { hrefWith, nextSort } from '@/lib/url';
import type { TSnapshotTabQuery } from './snapshot-query';

const PAGE_SIZE = 50;
const COLUMNS: Array<{ key: TUserSort; label: string; numeric?: boolean }> = [
  { key: 'name', label: 'Name' },
  { key: 'email', label: 'Email' },
  { key: 'department', label: 'Department' },
  { key: 'title', label: 'Title' },
  { key: 'active', label: 'Status' },
  { key: 'groups', label: 'Groups', numeric: true },
];

type TProps = { snapshotId: number; query: TSnapshotTabQuery; current: Record<string, string | undefined> };

export function SnapshotUsersTab({ snapshotId, query, current }: TProps) {
  const base = `/snapshots/${snapshotId}`;
  const sort = (COLUMNS.some((c) => c.key === query.sort) ? query.sort : 'name') as TUserSort;
  const dir = query.dir ?? 'asc';
  const result = listSnapshotUsers(snapshotId, {
    q: query.q,
    active: query.active === undefined ? undefined : query.active === 'active',
    department: query.department,
    groupId: query.group,
    noGroups: query.noGroups === '1',
    externalOnly: query.external === '1',
    sort,
    dir,
    page: query.page,
    pageSize: PAGE_SIZE,
  });
  const departments = listSnapshotDepartments(snapshotId);

  return (
    <div className="space-y-4">
      <form method="get" action={base} className="grid items-end gap-4 rounded-card border border-line bg-surface p-4 sm:grid-cols-2 lg:grid-cols-6" aria-label="Filter users">
        {query.group ? <input type="hidden" name="group" value={query.group} /> : null}
        <Field label="Search" className="lg:col-span-2">
          <Input name="q" type="search" defaultValue={query.q ?? ''} placeholder="Name, email, title…" />
        </Field>
        <Field label="Status">
          <Select name="active" defaultValue={query.active ?? ''}>
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="inactive">Deactivated</option>
          </Select>
        </Field>
        <Field label="Department">
          <Select name="department" defaultValue={query.department ?? ''}>
            <option value="">Any</option>
            {departments.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </Select>
        </Field>
        <div className="flex flex-col gap-2">
          <Checkbox name="noGroups" value="1" label="In no group" defaultChecked={query.noGroups === '1'} />
          <Checkbox name="external" value="1" label="External domain" defaultChecked={query.external === '1'} />
        </div>
        <div className="flex gap-2">
          <button type="submit" className={buttonClasses('primary', 'md')}>
            Apply
          </button>
          <a href={base} className={buttonClasses('ghost', 'md')}>
            Reset
          </a>
        </div>
      </form>
      {query.group ? (
        <p className="text-sm">
          Members of group <code className="font-mono">{query.group}</code> only. <Link href={hrefWith(base, current, { group: null })} className="text-accent-ink underline">Show everyone</Link>
        </p>
      ) : null}
      <Table label="Users in this snapshot">
        <THead>
          <TR>
            {COLUMNS.map((c) => {
              const next = nextSort(sort, dir, c.key);
              return (
                <TH key={c.key} numeric={c.numeric} sort={sort === c.key ? dir : null} sortHref={hrefWith(base, current, { sort: next.sort, dir: next.dir })}>
                  {c.label}
                </TH>
              );
            })}
          </TR>
        </THead>
        <TBody>
          {result.rows.length === 0 ? <TableEmpty colSpan={COLUMNS.length}>No users match these filters.</TableEmpty> : null}
          {result.rows.map((u) => (
            <TR key={u.scimId}>
              <TD>
                <Link href={`${base}/users/${u.scimId}`} className="font-medium text-accent-ink underline">
                  {u.name}
                </Link>
              </TD>
              <TD>
                {u.email} {u.isExternal ? <Badge tone="warning">External</Badge> : null}
              </TD>
              <TD>{u.department ?? '—'}</TD>
              <TD>{u.title ?? '—'}</TD>
              <TD>{u.active ? <Badge tone="success">Active</Badge> : <Badge tone="neutral">Deactivated</Badge>}</TD>
              <TD numeric>{formatCount(u.groupCount)}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
      <Pagination page={query.page} pageSize={PAGE_SIZE} total={result.total} hrefFor={(p) => hrefWith(base, current, { page: p })} label="Users pages" />
    </div>
  );
}
