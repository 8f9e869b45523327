import { withRole } from '@/lib/auth/guards';
import { errorResponse, exportResponse } from '@/lib/http/stream';
import { exportDryRun, recordDryRunExport } from '@/lib/remediation';
import { ZCampaignId } from '@/lib/review';

export const dynamic = 'force-dynamic';

type TContext = { params: Promise<{ campaignId: string }> };

/**
 * The dry run of a campaign's remediation as a file (admin, auditor): every request that is or
 * would be sent (method, path, body); nothing is sent. `?format=json` for JSON, CSV otherwise.
 */
export const GET = withRole<TContext>(['admin', 'auditor'], async (req, { params }, user) => {
  const id = ZCampaignId.safeParse((await params).campaignId);
  if (!id.success) return Response.json({ ok: false, code: 'not_found', error: 'Campaign not found.' }, { status: 404 });
  const format = new URL(req.url).searchParams.get('format') === 'json' ? 'json' : 'csv';
  try {
    const file = exportDryRun(id.data, format);
    recordDryRunExport({ id: user.id, email: user.email }, id.data, file);
    return exportResponse(file);
  } catch (error) {
    return errorResponse(error);
  }
});
