import { withRole } from '@/lib/auth/guards';
import {
  assertEvidenceAvailable,
  buildEvidenceManifest,
  exportEvidenceFile,
  isEvidenceFileName,
  MANIFEST_FILE_NAME,
  manifestBytes,
  parseCampaignId,
  recordEvidenceDownload,
} from '@/lib/evidence';
import { attachment, errorResponse, exportResponse } from '@/lib/http/stream';

export const dynamic = 'force-dynamic';

type TContext = { params: Promise<{ campaignId: string; file: string }> };

/**
 * One file of a campaign's evidence package (admin, auditor): report.html, decisions.csv,
 * remediation.csv, population.csv, reconciliation.csv, or manifest.json — the manifest of the
 * package as generated for this request (docs/decisions/010-evidence-package.md: the CSV files are
 * reproducible, so their hashes match separately downloaded copies while the data is unchanged).
 * Every download is audited as `evidence.downloaded`.
 */
export const GET = withRole<TContext>(['admin', 'auditor'], async (_req, { params }, user) => {
  const { campaignId: rawId, file } = await params;
  const campaignId = parseCampaignId(rawId);
  if (campaignId === null || (file !== MANIFEST_FILE_NAME && !isEvidenceFileName(file))) {
    return Response.json({ ok: false, code: 'not_found', error: 'No such evidence file.' }, { status: 404 });
  }
  try {
    const actor = { id: user.id, email: user.email };
    assertEvidenceAvailable(campaignId);
    recordEvidenceDownload(actor, campaignId, file);
    if (file === MANIFEST_FILE_NAME) {
      const manifest = await buildEvidenceManifest(actor, campaignId);
      return new Response(new Uint8Array(manifestBytes(manifest)), {
        headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Disposition': attachment(MANIFEST_FILE_NAME), 'Cache-Control': 'no-store' },
      });
    }
    return exportResponse(exportEvidenceFile(campaignId, file));
  } catch (error) {
    return errorResponse(error);
  }
});
