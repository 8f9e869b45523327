import { withRole } from '@/lib/auth/guards';
import { errorResponse, exportResponse } from '@/lib/http/stream';
import { exportStaleAccountsCsv, recordStaleExport } from '@/lib/stale';
import { staleFilterFromParams } from '@/components/stale/stale-query';

export const dynamic = 'force-dynamic';

/**
 * The flagged accounts matching the dashboard's filter as CSV (admin, auditor), streamed; every
 * download is audited. Query: `rule`, `department`, `q` — as on the page (components/stale/stale-query.ts).
 */
export const GET = withRole(['admin', 'auditor'], (req, _ctx: unknown, user) => {
  try {
    const filter = staleFilterFromParams(new URL(req.url).searchParams);
    const file = exportStaleAccountsCsv(filter);
    recordStaleExport({ id: user.id, email: user.email }, filter);
    return exportResponse(file);
  } catch (error) {
    return errorResponse(error);
  }
});
