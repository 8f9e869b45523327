import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { z } from 'zod';
import { CampaignForm } from '@/components/campaigns/campaign-form';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageRole } from '@/lib/auth/guards';
import { formatCount, formatDateTime } from '@/lib/format';
import { getCampaign, ZCampaignId } from '@/lib/review';
import { listSnapshotGroups, listSnapshotOrgUnits, listSnapshots } from '@/lib/snapshot';

export const metadata: Metadata = { title: 'Edit campaign' };

const GROUP_LIMIT = 500;
const ZQuery = z.object({ snapshot: z.coerce.number().int().min(1).optional().catch(undefined) });

type TProps = { params: Promise<{ campaignId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The wizard over a draft's settings. A launched campaign's settings are frozen: back to its page. */
export default async function EditCampaignPage({ params, searchParams }: TProps) {
  await requirePageRole('admin');
  const id = ZCampaignId.safeParse((await params).campaignId);
  const campaign = id.success ? getCampaign(id.data) : null;
  if (!campaign) notFound();
  if (campaign.status !== 'draft') redirect(`/campaigns/${campaign.id}`);

  const { snapshot } = ZQuery.parse(await searchParams);
  const complete = listSnapshots({ page: 1, pageSize: 100 }).rows.filter((s) => s.status === 'complete');
  const chosen = complete.find((s) => s.id === (snapshot ?? campaign.snapshotId)) ?? complete.find((s) => s.id === campaign.snapshotId) ?? complete[0];
  if (!chosen) notFound();
  const groups = listSnapshotGroups(chosen.id, { page: 1, pageSize: GROUP_LIMIT, sort: 'name', dir: 'asc' });

  return (
    <div className="space-y-6">
      <PageHeader
        title={`Edit “${campaign.name}”`}
        description="A draft's settings can change until it is launched."
        breadcrumbs={[{ label: 'Campaigns', href: '/campaigns' }, { label: campaign.name, href: `/campaigns/${campaign.id}` }, { label: 'Edit' }]}
      />
      <CampaignForm
        snapshots={complete.map((s) => ({ id: s.id, label: `#${s.id} · ${formatDateTime(s.startedAt)} · ${formatCount(s.usersDone)} users` }))}
        snapshotId={chosen.id}
        groups={groups.rows.map((g) => ({ scimId: g.scimId, displayName: g.displayName, memberCount: g.memberCount }))}
        groupsTruncated={groups.total > groups.rows.length}
        orgUnits={listSnapshotOrgUnits(chosen.id)}
        defaultDueDate={campaign.dueAt.slice(0, 10)}
        draft={campaign}
      />
    </div>
  );
}
