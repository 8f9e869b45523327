import type { Metadata } from 'next';
import { z } from 'zod';
import { CampaignHeader } from '@/components/campaigns/campaign-header';
import { loadCampaign } from '@/components/campaigns/load-campaign';
import { Alert } from '@/components/ui/alert';
import { buttonClasses } from '@/components/ui/button-classes';
import { Pagination } from '@/components/ui/pagination';
import { Table, TableEmpty, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requirePageRole } from '@/lib/auth/guards';
import { formatCount } from '@/lib/format';
import { dryRunCampaign } from '@/lib/remediation';
import { hrefWith, queryPage } from '@/lib/url';

export const metadata: Metadata = { title: 'Remediation dry run' };

const PAGE_SIZE = 100;
const ZQuery = z.object({ page: queryPage });
type TProps = { params: Promise<{ campaignId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Every SCIM request the campaign's remediation sends (or, before close, would send); nothing is sent from here. */
export default async function RemediationDryRunPage({ params, searchParams }: TProps) {
  await requirePageRole('admin', 'auditor');
  const campaign = loadCampaign((await params).campaignId);
  const { page } = ZQuery.parse(await searchParams);
  const dryRun = dryRunCampaign(campaign.id, { page, pageSize: PAGE_SIZE });
  const base = `/campaigns/${campaign.id}/remediation/dry-run`;
  const api = `/api/campaigns/${campaign.id}/remediation/dry-run`;

  return (
    <div className="space-y-6">
      <CampaignHeader campaign={campaign} section="remediation" crumb={{ label: 'Dry run' }} />
      <Alert tone="info" title={`${formatCount(dryRun.total)} requests, nothing sent`}>
        {dryRun.source === 'outbox'
          ? 'These are the requests stored in the outbox when the campaign closed: exactly what Attest sends, retries included.'
          : 'The campaign is not closed: these are the requests its close would queue with the decisions as they are now.'}
      </Alert>
      <div className="flex flex-wrap gap-3">
        <a href={`${api}?format=csv`} className={buttonClasses('secondary', 'md')} download>
          Export CSV
        </a>
        <a href={`${api}?format=json`} className={buttonClasses('secondary', 'md')} download>
          Export JSON
        </a>
      </div>
      <Table label="Dry-run requests">
        <THead>
          <TR>
            <TH>User</TH>
            <TH>Method</TH>
            <TH>Path</TH>
            <TH>Body</TH>
          </TR>
        </THead>
        <TBody>
          {dryRun.requests.length === 0 ? <TableEmpty colSpan={4}>No revocation, so no request.</TableEmpty> : null}
          {dryRun.requests.map((r) => (
            <TR key={`${r.actionId ?? 'p'}-${r.itemId ?? r.userScimId}`}>
              <TD>
                {r.userEmail}
                <div className="text-xs text-ink-muted">{r.kind === 'deactivate_user' ? 'account' : r.groupName}</div>
              </TD>
              <TD className="font-mono text-xs">{r.method}</TD>
              <TD className="font-mono text-xs">{r.path}</TD>
              <TD>
                <code className="block max-w-xl text-xs break-all whitespace-pre-wrap">{JSON.stringify(r.body)}</code>
              </TD>
            </TR>
          ))}
        </TBody>
      </Table>
      <Pagination page={dryRun.page} pageSize={PAGE_SIZE} total={dryRun.total} hrefFor={(p) => hrefWith(base, {}, { page: p })} />
    </div>
  );
}
