import { withRole } from '@/lib/auth/guards';
import { errorResponse, exportResponse } from '@/lib/http/stream';
import { DIMENSIONS, exportChargebackCsv, exportChargebackSeatsCsv, recordChargebackExport, type TDimension } from '@/lib/stale';

export const dynamic = 'force-dynamic';

type TContext = { params: Promise<{ snapshotId: string; file: string }> };

/**
 * Chargeback downloads (admin, auditor), audited: `<dimension>.csv` (seats per value with the
 * month-over-month change; `?compare=<id>` picks the comparison) or `seats.csv` (every active seat
 * with its resolved department, cost center, division, organization and their sources).
 */
export const GET = withRole(['admin', 'auditor'], async (req, ctx: TContext, user) => {
  const { snapshotId: rawId, file } = await ctx.params;
  const snapshotId = Number(rawId);
  const dimension = file.replace(/\.csv$/, '');
  const known = file === 'seats.csv' || (file.endsWith('.csv') && (DIMENSIONS as readonly string[]).includes(dimension));
  if (!known || !Number.isInteger(snapshotId) || snapshotId < 1) return Response.json({ ok: false, code: 'not_found', error: 'No such export.' }, { status: 404 });
  try {
    const compare = Number(new URL(req.url).searchParams.get('compare'));
    const exported =
      file === 'seats.csv'
        ? exportChargebackSeatsCsv(snapshotId)
        : exportChargebackCsv({ snapshotId, dimension: dimension as TDimension, compareTo: Number.isInteger(compare) && compare > 0 ? compare : undefined });
    recordChargebackExport({ id: user.id, email: user.email }, snapshotId, file);
    return exportResponse(exported);
  } catch (error) {
    return errorResponse(error);
  }
});
