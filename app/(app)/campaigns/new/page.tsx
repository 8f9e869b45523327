import type { Metadata } from 'next';
import { z } from 'zod';
import { CampaignForm } from '@/components/campaigns/campaign-form';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageRole } from '@/lib/auth/guards';
import { formatCount, formatDateTime } from '@/lib/format';
import { MAX_SCOPE_USERS } from '@/lib/review';
import { listSnapshotGroups, listSnapshotOrgUnits, listSnapshots } from '@/lib/snapshot';
import { listStaleAccountIds, MAX_LINK_USERS, STALE_RULE_FILTERS } from '@/lib/stale';
import { NoSnapshotYet } from '@/components/snapshots/no-snapshot-yet';

export const metadata: Metadata = { title: 'New campaign' };

const GROUP_LIMIT = 500;
const ZQuery = z.object({
  snapshot: z.coerce.number().int().min(1).optional().catch(undefined),
  // From the stale-accounts dashboard (lib/stale/links.ts): chosen accounts, or a filter of flagged ones.
  stale: z.literal('1').optional().catch(undefined),
  users: z.string().max(3_000).optional().catch(undefined),
  staleRule: z.enum(STALE_RULE_FILTERS).optional().catch(undefined),
  staleDepartment: z.string().trim().min(1).max(200).optional().catch(undefined),
  staleUnassigned: z.literal('1').optional().catch(undefined),
  staleQ: z.string().trim().max(200).optional().catch(undefined),
});

/** The accounts a stale-dashboard link names: the ticked ones, or every flagged account of its filter. */
function staleSelection(query: z.output<typeof ZQuery>): { userIds: string[]; label: string } | null {
  if (query.stale !== '1') return null;
  if (query.users) {
    const userIds = [...new Set(query.users.split(',').map((id) => id.trim()).filter(Boolean))].slice(0, MAX_LINK_USERS);
    return { userIds, label: `${formatCount(userIds.length)} accounts chosen on the stale-accounts dashboard` };
  }
  const filter = { rule: query.staleRule, department: query.staleUnassigned === '1' ? null : query.staleDepartment, q: query.staleQ };
  const { ids } = listStaleAccountIds(filter, MAX_SCOPE_USERS);
  return { userIds: ids, label: `${formatCount(ids.length)} flagged accounts from the stale-accounts dashboard` };
}

/** The suggested due date: two weeks out (a server page renders once per request). */
function twoWeeksFromToday(): string {
  return new Date(Date.now() + 14 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

type TProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function NewCampaignPage({ searchParams }: TProps) {
  await requirePageRole('admin');
  const query = ZQuery.parse(await searchParams);
  const { snapshot } = query;
  // Only complete snapshots can be reviewed; the newest first.
  const complete = listSnapshots({ page: 1, pageSize: 100 }).rows.filter((s) => s.status === 'complete');
  const breadcrumbs = [{ label: 'Campaigns', href: '/campaigns' }, { label: 'New campaign' }];

  if (complete.length === 0) {
    return (
      <div className="space-y-6">
        <PageHeader title="New campaign" breadcrumbs={breadcrumbs} />
        <NoSnapshotYet why="A campaign reviews a snapshot of the directory. Take one first." />
      </div>
    );
  }

  const chosen = complete.find((s) => s.id === snapshot) ?? complete[0]!;
  const groups = listSnapshotGroups(chosen.id, { page: 1, pageSize: GROUP_LIMIT, sort: 'name', dir: 'asc' });

  return (
    <div className="space-y-6">
      <PageHeader title="New campaign" description="Saved as a draft: you see a preview of the items and reviewers before you launch." breadcrumbs={breadcrumbs} />
      <CampaignForm
        snapshots={complete.map((s) => ({ id: s.id, label: `#${s.id} · ${formatDateTime(s.startedAt)} · ${formatCount(s.usersDone)} users` }))}
        snapshotId={chosen.id}
        groups={groups.rows.map((g) => ({ scimId: g.scimId, displayName: g.displayName, memberCount: g.memberCount }))}
        groupsTruncated={groups.total > groups.rows.length}
        orgUnits={listSnapshotOrgUnits(chosen.id)}
        defaultDueDate={twoWeeksFromToday()}
        namedUsers={staleSelection(query)}
      />
    </div>
  );
}
