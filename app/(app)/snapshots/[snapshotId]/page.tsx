import type { Metadata } from 'next';
import { loadCompleteSnapshot } from '@/components/snapshots/load-snapshot';
import { SnapshotGroupsTab } from '@/components/snapshots/snapshot-groups-tab';
import { SnapshotMembershipsTab } from '@/components/snapshots/snapshot-memberships-tab';
import { SnapshotSummary } from '@/components/snapshots/snapshot-summary';
import { SnapshotUsersTab } from '@/components/snapshots/snapshot-users-tab';
import { queryStrings, ZSnapshotTabQuery } from '@/components/snapshots/snapshot-query';
import { PageHeader } from '@/components/ui/page-header';
import { TabNav } from '@/components/ui/tabs';
import { requirePageRole } from '@/lib/auth/guards';
import { hrefWith } from '@/lib/url';

type TProps = { params: Promise<{ snapshotId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: TProps): Promise<Metadata> {
  return { title: `Snapshot #${(await params).snapshotId}` };
}

export default async function SnapshotPage({ params, searchParams }: TProps) {
  await requirePageRole('admin', 'auditor');
  const snapshot = loadCompleteSnapshot((await params).snapshotId);
  const query = ZSnapshotTabQuery.parse(await searchParams);
  const base = `/snapshots/${snapshot.id}`;
  const tabHref = (tab: string) => hrefWith(base, {}, { tab: tab === 'users' ? null : tab });

  return (
    <div className="space-y-6">
      <PageHeader
        title={`Snapshot #${snapshot.id}`}
        breadcrumbs={[{ label: 'Snapshots', href: '/snapshots' }, { label: `#${snapshot.id}` }]}
        description="A frozen copy of the directory as SCIM reported it."
      />
      <SnapshotSummary snapshot={snapshot} />
      <TabNav
        label="Snapshot contents"
        items={[
          { href: tabHref('users'), label: 'Users', active: query.tab === 'users', count: snapshot.usersDone },
          { href: tabHref('groups'), label: 'Groups', active: query.tab === 'groups', count: snapshot.groupsDone },
          { href: tabHref('memberships'), label: 'Memberships', active: query.tab === 'memberships', count: snapshot.membershipsCount },
        ]}
      />
      {query.tab === 'users' ? <SnapshotUsersTab snapshotId={snapshot.id} query={query} current={queryStrings(query)} /> : null}
      {query.tab === 'groups' ? <SnapshotGroupsTab snapshotId={snapshot.id} query={query} current={queryStrings(query)} /> : null}
      {query.tab === 'memberships' ? <SnapshotMembershipsTab snapshotId={snapshot.id} query={query} current={queryStrings(query)} /> : null}
    </div>
  );
}
