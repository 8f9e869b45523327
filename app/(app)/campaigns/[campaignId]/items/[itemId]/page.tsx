import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { CampaignHeader } from '@/components/campaigns/campaign-header';
import { loadCampaign } from '@/components/campaigns/load-campaign';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Table, TableEmpty, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requirePageRole } from '@/lib/auth/guards';
import { formatDateTime } from '@/lib/format';
import { getReviewItem, SIGNALS, stageOutcome, ZCampaignId, type TReviewItemEvent } from '@/lib/review';

export const metadata: Metadata = { title: 'Item history' };

type TProps = { params: Promise<{ campaignId: string; itemId: string }> };

const EVENT_LABEL: Record<TReviewItemEvent['type'], string> = {
  decision: 'Decision',
  undo: 'Undo',
  reassign: 'Reassigned',
  close_rule: 'Close rule',
  not_sure: 'Not sure',
  stage_advanced: 'Next stage',
  excluded: 'Excluded',
};

function describe(e: TReviewItemEvent): string {
  if (e.type === 'reassign' || e.type === 'stage_advanced') return `${e.reviewerBefore ?? '—'} → ${e.reviewerAfter ?? '—'}`;
  if (e.type === 'not_sure') return e.reviewerAfter ? `passed to ${e.reviewerAfter}` : 'passed on to the next stage';
  if (e.type === 'excluded') return 'taken out of the review';
  return `${e.decisionBefore ?? 'undecided'} → ${e.decisionAfter ?? 'undecided'}`;
}

/** One item as the auditor asks about it: what it is, who reviews it, and everything that happened to it. */
export default async function ItemHistoryPage({ params }: TProps) {
  const user = await requirePageRole('admin', 'auditor');
  const { campaignId, itemId } = await params;
  const campaign = loadCampaign(campaignId);
  const id = ZCampaignId.safeParse(itemId);
  const detail = id.success ? getReviewItem(campaign.id, id.data, { email: user.email, role: user.role }) : null;
  if (!detail) notFound();
  const { item, events } = detail;
  const access = item.kind === 'account' ? 'Airtable account' : `Member of ${item.groupName ?? item.groupScimId}`;
  const signals = SIGNALS.filter((s) => item.signalKeys.includes(s.key)).map((s) => s.label);

  return (
    <div className="space-y-6">
      <CampaignHeader campaign={campaign} section="items" crumb={{ label: `${item.userEmail} · ${access}` }} />
      <Card>
        <CardHeader title={`${item.userDisplayName ?? item.userName} · ${access}`} description={item.userEmail} />
        <CardBody>
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
            {[
              ['Department', item.department ?? '—'],
              ['Title', item.title ?? '—'],
              ['Account', item.userActive ? 'Active' : 'Deactivated'],
              ['Reviewer', item.reviewerEmail],
              ['Original reviewer', `${item.originalReviewerEmail} (${item.reviewerReason.replaceAll('_', ' ')})`],
              ['Signals', signals.length ? signals.join(', ') : 'None'],
              ['Recommendation', `${item.recommendation}: ${item.recommendationReason}`],
              ['Stage', String(item.stage)],
              ['Decision', item.excludedReason !== null ? 'Excluded' : (item.decision ?? (item.awaitingNextStage ? 'Not sure: waits for the next stage' : 'Undecided'))],
              ['Comment', item.decisionComment ?? '—'],
              ...(item.notSureComment ? [['Not sure', `${item.notSureByEmail ?? 'a reviewer'}: ${item.notSureComment}`]] : []),
              ...(item.excludedReason !== null ? [['Excluded', `${item.excludedByEmail ?? 'an admin'}: ${item.excludedReason}`]] : []),
              ...(item.carriedOverFromCampaignId !== null ? [['Carried over', `Certified in campaign #${item.carriedOverFromCampaignId}, unchanged since`]] : []),
              ...(item.earlierStages ?? []).map((s) => [
                `Stage ${s.stage} result`,
                `${stageOutcome(s)} by ${s.reviewerEmail}${s.decisionComment ? ` — ${s.decisionComment}` : ''}${s.notSureComment ? ` — ${s.notSureComment}` : ''}${s.passedOn ? ' · went on' : ''}`,
              ]),
            ].map(([label, value]) => (
              <div key={label}>
                <dt className="text-ink-muted">{label}</dt>
                <dd className="text-ink">{value}</dd>
              </div>
            ))}
          </dl>
        </CardBody>
      </Card>
      <Table label="Item history">
        <THead>
          <TR>
            <TH>When</TH>
            <TH>What</TH>
            <TH>Change</TH>
            <TH>By</TH>
            <TH>Comment or reason</TH>
          </TR>
        </THead>
        <TBody>
          {events.length === 0 ? <TableEmpty colSpan={5}>Nothing happened to this item yet.</TableEmpty> : null}
          {events.map((e) => (
            <TR key={e.id}>
              <TD className="whitespace-nowrap">
                <time dateTime={e.at}>{formatDateTime(e.at)}</time>
              </TD>
              <TD>{EVENT_LABEL[e.type]}</TD>
              <TD>{describe(e)}</TD>
              <TD>{e.actorEmail}</TD>
              <TD>{e.comment ?? ''}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
    </div>
  );
}
