import Link from 'next/link';
import { PageHeader } from '@/components/ui/page-header';
import { TabNav } from '@/components/ui/tabs';
import { formatDate } from '@/lib/format';
import type { TCampaignView } from '@/lib/review/types';
import { CampaignStatusBadge } from './campaign-status-badge';

export type TCampaignSection = 'overview' | 'items' | 'remediation' | 'evidence';

/** The title, status and section tabs shared by a campaign's pages. Drafts have only the overview. */
export function CampaignHeader({ campaign, section, crumb }: { campaign: TCampaignView; section: TCampaignSection; crumb?: { label: string } }) {
  const base = `/campaigns/${campaign.id}`;
  const launched = campaign.status !== 'draft';
  const sections: Array<{ key: TCampaignSection; href: string; label: string; count?: number }> = [
    { key: 'overview', href: base, label: 'Overview' },
    ...(launched
      ? [
          { key: 'items' as const, href: `${base}/items`, label: 'Items', count: campaign.itemCount },
          { key: 'remediation' as const, href: `${base}/remediation`, label: 'Remediation' },
          { key: 'evidence' as const, href: `${base}/evidence`, label: 'Evidence' },
        ]
      : []),
  ];
  return (
    <div className="space-y-4">
      <PageHeader
        title={campaign.name}
        breadcrumbs={[{ label: 'Campaigns', href: '/campaigns' }, crumb ? { label: campaign.name, href: base } : { label: campaign.name }, ...(crumb ? [crumb] : [])]}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <CampaignStatusBadge status={campaign.status} />
            <span>
              Snapshot{' '}
              <Link href={`/snapshots/${campaign.snapshotId}`} className="text-accent-ink underline">
                #{campaign.snapshotId}
              </Link>{' '}
              · due <time dateTime={campaign.dueAt}>{formatDate(campaign.dueAt)}</time>
            </span>
          </span>
        }
      />
      {sections.length > 1 ? (
        <TabNav label="Campaign sections" items={sections.map((s) => ({ href: s.href, label: s.label, active: s.key === section, count: s.count }))} />
      ) : null}
    </div>
  );
}
