import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { CampaignForm } from '@/components/campaigns/campaign-form';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageRole } from '@/lib/auth/guards';
import { formatCount, formatDateTime } from '@/lib/format';
import { listSnapshotGroups, listSnapshotOrgUnits, listSnapshots } from '@/lib/snapshot';

export const metadata: Metadata = { title: 'New campaign' };

const GROUP_LIMIT = 500;
const ZQuery = z.object({ snapshot: z.coerce.number().int().min(1).optional().catch(undefined) });

/** The suggested due date: two weeks out (a server page renders once per request). */
function twoWeeksFromToday(): string {
  return new Date(Date.now() + 14 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

type TProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function NewCampaignPage({ searchParams }: TProps) {
  await requirePageRole('admin');
  const { snapshot } = ZQuery.parse(await searchParams);
  // Only complete snapshots can be reviewed; the newest first.
  const complete = listSnapshots({ page: 1, pageSize: 100 }).rows.filter((s) => s.status === 'complete');
  const breadcrumbs = [{ label: 'Campaigns', href: '/campaigns' }, { label: 'New campaign' }];

  if (complete.length === 0) {
    return (
      <div className="space-y-6">
        <PageHeader title="New campaign" breadcrumbs={breadcrumbs} />
        <EmptyState
          title="No complete snapshot yet"
          description="A campaign reviews a snapshot of the directory. Take one first."
          action={
            <Link href="/snapshots" className={buttonClasses('primary', 'md')}>
              Go to snapshots
            </Link>
          }
        />
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
      />
    </div>
  );
}
