import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requirePageRole } from '@/lib/auth/guards';
import { formatCount, formatDate, formatDateTime } from '@/lib/format';
import { listMyCampaigns } from '@/lib/review';

export const metadata: Metadata = { title: 'My reviews' };

export default async function MyReviewsPage() {
  const user = await requirePageRole('admin', 'reviewer');
  const campaigns = listMyCampaigns(user.email);
  return (
    <div className="space-y-6">
      <PageHeader title="My reviews" description="Campaigns with access assigned to you for review." />
      {campaigns.length === 0 ? (
        <EmptyState title="Nothing to review" description="When an admin launches a review campaign, the access assigned to you appears here." />
      ) : (
        <Table label="My review campaigns" maxHeight="none">
          <THead>
            <tr>
              <TH>Campaign</TH>
              <TH numeric>Items</TH>
              <TH numeric>Decided</TH>
              <TH numeric>Revoked</TH>
              <TH>Due</TH>
              <TH>Status</TH>
            </tr>
          </THead>
          <TBody>
            {campaigns.map((c) => (
              <TR key={c.campaignId}>
                <TD>
                  <Link href={`/reviews/${c.campaignId}`} className="font-medium text-accent-ink hover:underline">
                    {c.name}
                  </Link>
                  {c.stage > 1 ? <span className="ml-2 text-xs text-ink-muted">stage {c.stage}</span> : null}
                </TD>
                <TD numeric>{formatCount(c.total)}</TD>
                <TD numeric>
                  {formatCount(c.decided)}
                  <span className="text-ink-muted"> ({c.total === 0 ? 100 : Math.floor((c.decided / c.total) * 100)}%)</span>
                </TD>
                <TD numeric>{formatCount(c.revoked)}</TD>
                <TD>
                  {formatDate(c.dueAt)}
                  {c.overdue ? (
                    <Badge tone="danger" className="ml-2">
                      Overdue
                    </Badge>
                  ) : null}
                </TD>
                <TD>
                  {c.signedOffAt ? (
                    <Badge tone="success" title={`Signed off ${formatDateTime(c.signedOffAt)}`}>
                      Signed off
                    </Badge>
                  ) : c.status === 'closed' ? (
                    <Badge>Closed</Badge>
                  ) : c.decided === c.total ? (
                    <Badge tone="info">Ready to sign off</Badge>
                  ) : (
                    <Badge tone="warning">In progress</Badge>
                  )}
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </div>
  );
}
