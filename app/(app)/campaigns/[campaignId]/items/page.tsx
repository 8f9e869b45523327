import type { Metadata } from 'next';
import Link from 'next/link';
import { CampaignHeader } from '@/components/campaigns/campaign-header';
import { ItemReassignForm } from '@/components/campaigns/item-reassign-form';
import { loadCampaign } from '@/components/campaigns/load-campaign';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button-classes';
import { Input, Select } from '@/components/ui/input';
import { Pagination } from '@/components/ui/pagination';
import { Table, TableEmpty, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requirePageRole } from '@/lib/auth/guards';
import { formatCount, formatDateTime } from '@/lib/format';
import { campaignProgress, earlierStagesLine, itemNote, listReviewItems, SIGNALS, ZItemListQuery, type TReviewItemRow } from '@/lib/review';
import { hrefWith } from '@/lib/url';

export const metadata: Metadata = { title: 'Campaign items' };

const PAGE_SIZE = 100;
type TProps = { params: Promise<{ campaignId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

function DecisionCell({ item }: { item: TReviewItemRow }) {
  const badge =
    item.excludedReason !== null ? (
      <Badge tone="neutral" title={item.excludedReason}>
        Excluded
      </Badge>
    ) : item.decision === 'certify' ? (
      <Badge tone="success">Certified</Badge>
    ) : item.decision === 'revoke' ? (
      <Badge tone="danger">{item.decidedByRule ? 'Revoked by rule' : 'Revoked'}</Badge>
    ) : item.awaitingNextStage ? (
      <Badge tone="warning">Not sure: next stage</Badge>
    ) : (
      <Badge>Undecided</Badge>
    );
  return (
    <>
      {badge}
      {item.stage > 1 ? <span className="ml-1 text-xs text-ink-muted">stage {item.stage}</span> : null}
      {item.earlierStages?.length ? (
        <div className="text-xs text-ink-muted">{earlierStagesLine(item.earlierStages)}</div>
      ) : null}
    </>
  );
}

/**
 * Every item of a campaign (admins and auditors): filters, the reviewer and the original
 * reviewer when it moved, decisions with their comments. Admins of an active campaign select
 * rows and reassign them.
 */
export default async function CampaignItemsPage({ params, searchParams }: TProps) {
  const user = await requirePageRole('admin', 'auditor');
  const campaign = loadCampaign((await params).campaignId);
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, first(v)]));
  const parsed = ZItemListQuery.safeParse({ ...raw, pageSize: PAGE_SIZE, sort: raw.sort ?? 'email' });
  const query = parsed.success ? parsed.data : ZItemListQuery.parse({ pageSize: PAGE_SIZE, sort: 'email' });
  const page = listReviewItems(campaign.id, { email: user.email, role: user.role }, query);
  const reviewers = campaignProgress(campaign.id).perReviewer.map((r) => r.reviewerEmail);
  const canReassign = user.role === 'admin' && campaign.status === 'active';
  const current = { q: query.q, reviewer: query.reviewer, decision: query.decision, kind: query.kind, signal: query.signal };
  const base = `/campaigns/${campaign.id}/items`;

  const table = (
    <Table label="Campaign items">
      <THead>
        <TR>
          {canReassign ? <TH className="w-10"><span className="sr-only">Select</span></TH> : null}
          <TH>User</TH>
          <TH>Access</TH>
          <TH>Reviewer</TH>
          <TH>Decision</TH>
          <TH>Comment</TH>
          <TH>Decided</TH>
          <TH><span className="sr-only">History</span></TH>
        </TR>
      </THead>
      <TBody>
        {page.rows.length === 0 ? <TableEmpty colSpan={canReassign ? 8 : 7}>No item matches these filters.</TableEmpty> : null}
        {page.rows.map((item) => (
          <TR key={item.id}>
            {canReassign ? (
              <TD>
                <input type="checkbox" name="itemIds" value={item.id} aria-label={`Select ${item.userEmail} ${item.kind === 'account' ? 'account' : item.groupName}`} className="size-4 accent-accent" />
              </TD>
            ) : null}
            <TD>
              <div className="font-medium">{item.userDisplayName ?? item.userName}</div>
              <div className="text-xs text-ink-muted">{item.userEmail}</div>
            </TD>
            <TD>{item.kind === 'account' ? 'Airtable account' : item.groupName}</TD>
            <TD>
              {item.reviewerEmail}
              {item.originalReviewerEmail !== item.reviewerEmail ? <div className="text-xs text-ink-muted">was {item.originalReviewerEmail}</div> : null}
            </TD>
            <TD>
              <DecisionCell item={item} />
            </TD>
            <TD className="max-w-xs truncate" title={itemNote(item) || undefined}>
              {itemNote(item)}
            </TD>
            <TD className="whitespace-nowrap text-xs text-ink-muted">{item.decidedAt ? `${formatDateTime(item.decidedAt)} · ${item.decidedByEmail ?? 'close rule'}` : ''}</TD>
            <TD>
              <Link href={`${base}/${item.id}`} className="text-accent-ink underline" aria-label={`History of ${item.userEmail} ${item.kind === 'account' ? 'account' : item.groupName}`}>
                History
              </Link>
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );

  return (
    <div className="space-y-6">
      <CampaignHeader campaign={campaign} section="items" />
      {!parsed.success ? <Alert tone="warning" title="Some filters were not valid and were ignored." /> : null}
      <form method="get" action={base} aria-label="Filter items" className="flex flex-wrap items-end gap-3 rounded-card border border-line bg-surface p-4">
        <label className="flex flex-col gap-1 text-sm font-medium">
          Search
          <Input name="q" type="search" defaultValue={query.q} placeholder="Name, email, group…" className="w-56" />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Reviewer
          <Select name="reviewer" defaultValue={query.reviewer ?? ''}>
            <option value="">Everyone</option>
            {reviewers.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </Select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Decision
          <Select name="decision" defaultValue={query.decision ?? ''}>
            <option value="">All</option>
            <option value="undecided">Undecided</option>
            <option value="certify">Certified</option>
            <option value="revoke">Revoked</option>
            <option value="not_sure">Not sure</option>
            <option value="excluded">Excluded</option>
          </Select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Access
          <Select name="kind" defaultValue={query.kind ?? ''}>
            <option value="">Accounts and memberships</option>
            <option value="account">Accounts</option>
            <option value="membership">Memberships</option>
          </Select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Signal
          <Select name="signal" defaultValue={query.signal ?? ''}>
            <option value="">Any</option>
            {SIGNALS.map((s) => (
              <option key={s.key} value={s.key}>
                {s.label}
              </option>
            ))}
          </Select>
        </label>
        <button type="submit" className={buttonClasses('secondary', 'md')}>
          Apply
        </button>
      </form>
      <p className="text-sm text-ink-muted">{formatCount(page.total)} matching</p>
      {canReassign ? <ItemReassignForm campaignId={campaign.id}>{table}</ItemReassignForm> : table}
      <Pagination page={query.page} pageSize={PAGE_SIZE} total={page.total} hrefFor={(p) => hrefWith(base, current, { page: p })} />
    </div>
  );
}
