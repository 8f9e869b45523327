import type { Metadata } from 'next';
import Link from 'next/link';
import { formatInZone, RunOutcome, RunStatusBadge } from '@/components/templates/run-status';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TableEmpty, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requirePageRole } from '@/lib/auth/guards';
import { env } from '@/lib/env';
import { formatDateTime } from '@/lib/format';
import { listTemplates } from '@/lib/schedule';

export const metadata: Metadata = { title: 'Recurring campaigns' };

export default async function TemplatesPage() {
  const user = await requirePageRole('admin', 'auditor');
  const isAdmin = user.role === 'admin';
  const templates = listTemplates();

  return (
    <div className="space-y-6">
      <PageHeader
        title="Recurring campaigns"
        description="Templates that take a fresh snapshot and launch a campaign on a schedule, once per period."
        breadcrumbs={[{ label: 'Campaigns', href: '/campaigns' }, { label: 'Recurring campaigns' }]}
        actions={
          isAdmin ? (
            <Link href="/campaigns/templates/new" className={buttonClasses('primary', 'md')}>
              New recurring campaign
            </Link>
          ) : null
        }
      />
      {env().ATTEST_SCHEDULER === 'off' ? (
        <Alert tone="info" title="The in-process scheduler is off">
          ATTEST_SCHEDULER is off on this server: campaigns launch when <code>npm run campaigns:tick</code> runs from system cron.
        </Alert>
      ) : null}
      <Table label="Recurring campaigns">
        <THead>
          <TR>
            <TH>Name</TH>
            <TH>Schedule</TH>
            <TH>Next run</TH>
            <TH>Last run</TH>
            <TH>Outcome</TH>
          </TR>
        </THead>
        <TBody>
          {templates.length === 0 ? (
            <TableEmpty colSpan={5}>{isAdmin ? 'No recurring campaigns yet. Create one with “New recurring campaign”.' : 'No recurring campaigns yet.'}</TableEmpty>
          ) : null}
          {templates.map((t) => (
            <TR key={t.id}>
              <TD>
                <div className="flex flex-wrap items-center gap-2">
                  <Link href={`/campaigns/templates/${t.id}`} className="font-medium text-accent-ink underline">
                    {t.name}
                  </Link>
                  {t.enabled ? null : <Badge>Disabled</Badge>}
                </div>
              </TD>
              <TD>{t.scheduleText}</TD>
              <TD className="whitespace-nowrap">
                {t.nextRunAt ? (
                  <time dateTime={t.nextRunAt} title={formatDateTime(t.nextRunAt)}>
                    {formatInZone(t.nextRunAt, t.timezone)}
                  </time>
                ) : (
                  '—'
                )}
              </TD>
              <TD className="whitespace-nowrap">
                {t.lastRun ? (
                  <div className="flex flex-col items-start gap-1">
                    <time dateTime={t.lastRun.periodAt}>{formatInZone(t.lastRun.periodAt, t.timezone)}</time>
                    <RunStatusBadge status={t.lastRun.status} />
                  </div>
                ) : (
                  'Never'
                )}
              </TD>
              <TD>{t.lastRun ? <RunOutcome run={t.lastRun} /> : null}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
    </div>
  );
}
