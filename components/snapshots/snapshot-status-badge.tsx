import { Badge } from '@/components/ui/badge';
import type { TSnapshotStatus } from '@/db/schema';

const TONE = { running: 'info', complete: 'success', failed: 'danger', cancelled: 'warning' } as const;
const LABEL: Record<TSnapshotStatus, string> = { running: 'Running', complete: 'Complete', failed: 'Failed', cancelled: 'Cancelled' };

/** A snapshot's status; a failure's reason is in the tooltip and in the text for screen readers. */
export function SnapshotStatusBadge({ status, error }: { status: TSnapshotStatus; error?: string | null }) {
  return (
    <span className="inline-flex flex-col gap-0.5">
      <Badge tone={TONE[status]} title={error ?? undefined}>
        {LABEL[status]}
      </Badge>
      {error ? <span className="max-w-xs text-xs text-danger-ink">{error}</span> : null}
    </span>
  );
}
