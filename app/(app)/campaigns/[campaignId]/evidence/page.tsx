import type { Metadata } from 'next';
import Link from 'next/link';
import { CampaignHeader } from '@/components/campaigns/campaign-header';
import { loadCampaign } from '@/components/campaigns/load-campaign';
import { ReconcileButton } from '@/components/campaigns/reconcile-button';
import { Alert } from '@/components/ui/alert';
import { AutoRefresh } from '@/components/ui/auto-refresh';
import { Badge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button-classes';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requirePageRole } from '@/lib/auth/guards';
import { getEvidenceSummary, type TReconciliationState } from '@/lib/evidence';
import { formatCount, formatDateTime } from '@/lib/format';

export const metadata: Metadata = { title: 'Campaign evidence' };

type TProps = { params: Promise<{ campaignId: string }> };

function ReconciliationStatus({ state }: { state: TReconciliationState }) {
  switch (state.state) {
    case 'none':
      return <p className="text-sm text-ink-muted">Not reconciled yet. After remediation, reconcile to prove every revoked access is gone.</p>;
    case 'running':
      return (
        <p className="text-sm">
          <Badge tone="info">Running</Badge> Snapshot{' '}
          <Link href={`/snapshots/${state.snapshotId}`} className="text-accent-ink underline">
            #{state.snapshotId}
          </Link>{' '}
          requested {formatDateTime(state.requestedAt)} by {state.requestedByEmail}.
        </p>
      );
    case 'failed':
      return (
        <Alert tone="danger" title={`Reconciliation snapshot #${state.snapshotId} failed`}>
          {state.error}
        </Alert>
      );
    case 'unchecked':
      return <p className="text-sm">Snapshot #{state.snapshotId} is complete; the check runs when the package is generated.</p>;
    case 'checked': {
      const { result } = state;
      return (
        <div className="space-y-3 text-sm">
          <p>
            {result.status === 'clean' ? <Badge tone="success">Clean</Badge> : <Badge tone="danger">Flagged</Badge>} Checked {formatDateTime(result.checkedAt)} against snapshot{' '}
            <Link href={`/snapshots/${result.snapshotId}`} className="text-accent-ink underline">
              #{result.snapshotId}
            </Link>
            : {formatCount(result.counts.revocation_confirmed)} of {formatCount(result.counts.revocations)} revocations confirmed gone,{' '}
            {formatCount(result.counts.revocation_not_applied)} still present, {formatCount(result.counts.changed_unexpectedly)} changed unexpectedly,{' '}
            {formatCount(result.counts.attribute_changed)} attribute changes.
          </p>
          {result.flaggedSample.length > 0 ? (
            <Table label="Flagged accesses" maxHeight="40vh">
              <THead>
                <TR>
                  <TH>User</TH>
                  <TH>Access</TH>
                  <TH>Finding</TH>
                  <TH>Remediation</TH>
                </TR>
              </THead>
              <TBody>
                {result.flaggedSample.map((f, i) => (
                  <TR key={`${f.userScimId}-${f.groupScimId ?? ''}-${i}`}>
                    <TD>{f.userEmail ?? f.userScimId}</TD>
                    <TD>{f.groupName ?? (f.groupScimId ? f.groupScimId : 'Airtable account')}</TD>
                    <TD>{f.note}</TD>
                    <TD>{f.remediationStatus ?? '—'}</TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          ) : null}
        </div>
      );
    }
  }
}

/**
 * The campaign's evidence package for auditors: every file with its row count, the whole
 * package as one zip with a manifest of SHA-256 hashes, and the post-remediation reconciliation.
 */
export default async function CampaignEvidencePage({ params }: TProps) {
  const user = await requirePageRole('admin', 'auditor');
  const campaign = loadCampaign((await params).campaignId);
  const summary = getEvidenceSummary(campaign.id);
  const base = `/api/campaigns/${campaign.id}/evidence`;
  const reconciliation = summary?.reconciliation ?? { state: 'none' as const };

  return (
    <div className="space-y-6">
      <CampaignHeader campaign={campaign} section="evidence" />
      <AutoRefresh active={reconciliation.state === 'running'} />
      {!summary?.available ? (
        <Alert tone="info" title="No evidence yet">
          Evidence exists once the campaign is launched.
        </Alert>
      ) : (
        <>
          {summary.inProgress ? (
            <Alert tone="warning" title="Campaign in progress">
              The package can be downloaded now and is marked “in progress”; the final evidence comes after close and remediation.
            </Alert>
          ) : null}
          <Card>
            <CardHeader
              title="Evidence package"
              description="One zip with the printable report, the decisions, the remediation evidence, the population and the reconciliation; manifest.json lists each file's SHA-256. Check a download with npm run evidence:verify."
            />
            <CardBody className="space-y-4">
              <a href={base} className={buttonClasses('primary', 'md')} download={summary.zipFileName}>
                Download {summary.zipFileName}
              </a>
              <Table label="Evidence files">
                <THead>
                  <TR>
                    <TH>File</TH>
                    <TH>Contents</TH>
                    <TH numeric>Rows</TH>
                    <TH>
                      <span className="sr-only">Download</span>
                    </TH>
                  </TR>
                </THead>
                <TBody>
                  {summary.files.map((f) => (
                    <TR key={f.name}>
                      <TD className="font-mono text-xs">{f.name}</TD>
                      <TD>{f.description}</TD>
                      <TD numeric>{f.rows === null ? '—' : formatCount(f.rows)}</TD>
                      <TD>
                        <a href={`${base}/${f.name}`} className="text-accent-ink underline" download={f.name} aria-label={`Download ${f.name}`}>
                          Download
                        </a>
                      </TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Access after remediation" description="A fresh snapshot compared with the decisions: every revoked access must be gone, and nothing else may have changed for the people in scope." />
            <CardBody className="space-y-4">
              <ReconciliationStatus state={reconciliation} />
              {user.role === 'admin' && campaign.status === 'closed' && reconciliation.state !== 'running' ? (
                <ReconcileButton campaignId={campaign.id} again={reconciliation.state !== 'none'} />
              ) : null}
            </CardBody>
          </Card>
        </>
      )}
    </div>
  );
}
