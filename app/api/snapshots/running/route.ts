import { withRole } from '@/lib/auth/guards';
import { getSnapshotStatusView } from '@/lib/jobs/snapshot-job';

export const dynamic = 'force-dynamic';

/** Live progress for the snapshots page: the running snapshot, or the last finished one. */
export const GET = withRole(['admin', 'auditor'], () => Response.json(getSnapshotStatusView(), { headers: { 'Cache-Control': 'no-store' } }));
