import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ReviewGrid } from '@/components/reviews/review-grid';
import { Badge } from '@/components/ui/badge';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageRole } from '@/lib/auth/guards';
import { formatDate, formatDateTime } from '@/lib/format';
import { ZCampaignId, getCampaignForViewer, listMyCampaigns, listReviewItems } from '@/lib/review';

export const metadata: Metadata = { title: 'Review' };

const PAGE_SIZE = 200;

export default async function ReviewPage({ params }: { params: Promise<{ campaignId: string }> }) {
  const user = await requirePageRole('admin', 'reviewer');
  const id = ZCampaignId.safeParse((await params).campaignId);
  if (!id.success) notFound();
  // My own queue, also for admins: the campaign-wide view lives under /campaigns.
  const viewer = { email: user.email, role: 'reviewer' as const };
  const campaign = getCampaignForViewer(id.data, viewer);
  if (!campaign) notFound();
  const mine = listMyCampaigns(user.email).find((c) => c.campaignId === campaign.id);
  const first = listReviewItems(campaign.id, viewer, { page: 1, pageSize: PAGE_SIZE });
  const locked = campaign.status !== 'active' || Boolean(mine?.signedOffAt);
  const stages = 1 + campaign.laterStages.length;

  return (
    <div className="space-y-4">
      <PageHeader
        breadcrumbs={[{ label: 'My reviews', href: '/reviews' }, { label: campaign.name }]}
        title={campaign.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            {stages > 1 ? <Badge tone="info">Stage {campaign.currentStage} of {stages}</Badge> : null}
            <span>Due {formatDate(campaign.dueAt)}</span>
            {mine?.overdue ? <Badge tone="danger">Overdue</Badge> : null}
            {mine?.signedOffAt ? <Badge tone="success">Signed off {formatDateTime(mine.signedOffAt)}</Badge> : null}
            {campaign.status === 'closed' ? <Badge>Closed</Badge> : null}
          </span>
        }
      />
      <ReviewGrid
        campaign={{
          id: campaign.id,
          attestationStatement: campaign.attestationStatement,
          revokeNeedsJustification: campaign.revokeNeedsJustification,
          certifyFlaggedNeedsComment: campaign.certifyFlaggedNeedsComment,
          allowCarryOverAccept: campaign.allowCarryOverAccept,
          hasNextStage: campaign.currentStage < stages,
        }}
        initial={first}
        counts={{ total: mine?.total ?? first.total, decided: mine?.decided ?? 0 }}
        locked={locked}
        pageSize={PAGE_SIZE}
      />
    </div>
  );
}
