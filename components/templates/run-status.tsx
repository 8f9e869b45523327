import Link from 'next/link';
import { Badge, type TBadgeTone } from '@/components/ui/badge';
import type { TTemplateRunStatus, TTemplateRunView } from '@/lib/schedule/types';

const TONE: Record<TTemplateRunStatus, TBadgeTone> = { claimed: 'info', snapshot_taken: 'info', draft_created: 'info', launched: 'success', failed: 'danger' };
const LABEL: Record<TTemplateRunStatus, string> = {
  claimed: 'Taking a snapshot',
  snapshot_taken: 'Snapshot taken',
  draft_created: 'Draft created',
  launched: 'Launched',
  failed: 'Failed',
};

export function RunStatusBadge({ status }: { status: TTemplateRunStatus }) {
  return <Badge tone={TONE[status]}>{LABEL[status]}</Badge>;
}

/** A run's campaign as a link (or why there is none), and its error when it failed. */
export function RunOutcome({ run }: { run: TTemplateRunView }) {
  return (
    <div className="flex flex-col gap-1">
      {run.campaignId !== null ? (
        run.campaignName !== null ? (
          <Link href={`/campaigns/${run.campaignId}`} className="text-accent-ink underline">
            {run.campaignName}
          </Link>
        ) : (
          <span className="text-ink-muted">Campaign #{run.campaignId} (deleted)</span>
        )
      ) : null}
      {run.error ? <p className="max-w-prose text-sm text-danger">{run.error}</p> : null}
    </div>
  );
}

/** An instant as the template's wall clock shows it, e.g. "1 Jan 2032, 09:00 Europe/Berlin". */
export function formatInZone(iso: string, timezone: string): string {
  const text = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: timezone }).format(new Date(iso));
  return `${text} ${timezone}`;
}
