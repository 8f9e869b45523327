import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { CampaignHeader } from '@/components/campaigns/campaign-header';
import { loadCampaign } from '@/components/campaigns/load-campaign';
import { RemediationStatusBadge } from '@/components/campaigns/remediation-status-badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { requirePageRole } from '@/lib/auth/guards';
import { formatDateTime } from '@/lib/format';
import { getRemediationAction } from '@/lib/remediation';
import { ZCampaignId } from '@/lib/review';

export const metadata: Metadata = { title: 'Remediation evidence' };

type TProps = { params: Promise<{ campaignId: string; actionId: string }> };

function pretty(text: string | null): string {
  if (text === null) return '—';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** One revocation's evidence: the exact request, Airtable's answer, the verification, and when. */
export default async function RemediationActionPage({ params }: TProps) {
  await requirePageRole('admin', 'auditor');
  const { campaignId, actionId } = await params;
  const campaign = loadCampaign(campaignId);
  const id = ZCampaignId.safeParse(actionId);
  const action = id.success ? getRemediationAction(id.data) : null;
  if (!action || action.campaignId !== campaign.id) notFound();
  const what = action.kind === 'deactivate_user' ? `Deactivate ${action.userEmail}` : `Remove ${action.userEmail} from ${action.groupName ?? action.groupScimId}`;
  const facts: Array<[string, string]> = [
    ['Reason', action.reason],
    ['Requested', `${formatDateTime(action.createdAt)} by ${action.requestedByEmail}`],
    ['Attempts', String(action.attempts)],
    ['Sent', action.startedAt ? formatDateTime(action.startedAt) : '—'],
    ['Applied', action.appliedAt ? formatDateTime(action.appliedAt) : '—'],
    ['Verified', action.verifiedAt ? formatDateTime(action.verifiedAt) : '—'],
    ['Verification', action.verifyNote ?? '—'],
    ['Last error', action.lastError ?? '—'],
    ['Idempotency key', action.idempotencyKey],
  ];
  return (
    <div className="space-y-6">
      <CampaignHeader campaign={campaign} section="remediation" crumb={{ label: what }} />
      <Card>
        <CardHeader title={what} description={<RemediationStatusBadge status={action.status} />} />
        <CardBody>
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
            {facts.map(([label, value]) => (
              <div key={label}>
                <dt className="text-ink-muted">{label}</dt>
                <dd className="break-words text-ink">{value}</dd>
              </div>
            ))}
          </dl>
        </CardBody>
      </Card>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader title="Request" />
          <CardBody>
            <pre tabIndex={0} className="overflow-auto rounded bg-surface-muted p-3 text-xs" aria-label="Request">
              {`${action.request.method} ${action.request.path}\n\n${JSON.stringify(action.request.body, null, 2)}`}
            </pre>
          </CardBody>
        </Card>
        <Card>
          <CardHeader title={`Response${action.responseStatus ? ` · HTTP ${action.responseStatus}` : ''}`} />
          <CardBody>
            <pre tabIndex={0} className="overflow-auto rounded bg-surface-muted p-3 text-xs" aria-label="Response">
              {pretty(action.responseBody)}
            </pre>
          </CardBody>
        </Card>
      </div>
    </div>
  );
}
