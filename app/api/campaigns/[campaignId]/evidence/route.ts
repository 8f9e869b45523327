import { Readable } from 'node:stream';
import { withRole } from '@/lib/auth/guards';
import { assertEvidenceAvailable, parseCampaignId, recordEvidenceDownload, streamEvidenceZip } from '@/lib/evidence';
import { attachment, errorResponse } from '@/lib/http/stream';

export const dynamic = 'force-dynamic';

type TContext = { params: Promise<{ campaignId: string }> };

/**
 * The whole evidence package of a campaign as one zip (admin, auditor), generated while it
 * streams: report.html, the CSV files, then manifest.json with their hashes. Audited as
 * `evidence.downloaded` (and `evidence.manifest_issued` once the manifest is written).
 */
export const GET = withRole<TContext>(['admin', 'auditor'], async (_req, { params }, user) => {
  const campaignId = parseCampaignId((await params).campaignId);
  if (campaignId === null) return Response.json({ ok: false, code: 'not_found', error: 'Campaign not found.' }, { status: 404 });
  try {
    const actor = { id: user.id, email: user.email };
    assertEvidenceAvailable(campaignId);
    recordEvidenceDownload(actor, campaignId, 'zip');
    const zip = streamEvidenceZip(actor, campaignId);
    // A cancelled download cancels the web stream, which destroys the zip stream and ends the generation.
    const body = Readable.toWeb(zip.stream) as ReadableStream<Uint8Array>;
    return new Response(body, {
      headers: { 'Content-Type': zip.contentType, 'Content-Disposition': attachment(zip.fileName), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
    });
  } catch (error) {
    return errorResponse(error);
  }
});
