import { withRole } from '@/lib/auth/guards';
import { errorResponse, exportResponse } from '@/lib/http/stream';
import { buildSnapshotManifest, exportSnapshot, recordSnapshotExport, type TSnapshotExportKind } from '@/lib/snapshot';

export const dynamic = 'force-dynamic';

const FILES: Record<string, TSnapshotExportKind | 'manifest'> = {
  'users.csv': 'users',
  'groups.csv': 'groups',
  'memberships.csv': 'memberships',
  'snapshot.json': 'json',
  'manifest.json': 'manifest',
};

type TContext = { params: Promise<{ snapshotId: string; file: string }> };

/** Snapshot downloads (admin, auditor), streamed from the database; every download is audited. */
export const GET = withRole(['admin', 'auditor'], async (_req, ctx: TContext, user) => {
  const { snapshotId: rawId, file } = await ctx.params;
  const kind = FILES[file];
  const snapshotId = Number(rawId);
  if (!kind || !Number.isInteger(snapshotId) || snapshotId < 1) return Response.json({ ok: false, code: 'not_found', error: 'No such export.' }, { status: 404 });
  try {
    const actor = { id: user.id, email: user.email };
    if (kind === 'manifest') {
      const manifest = await buildSnapshotManifest(snapshotId);
      recordSnapshotExport(actor, snapshotId, 'manifest');
      return new Response(JSON.stringify(manifest, null, 2), {
        headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Disposition': `attachment; filename="attest-snapshot-${snapshotId}-manifest.json"`, 'Cache-Control': 'no-store' },
      });
    }
    const exported = exportSnapshot(snapshotId, kind);
    recordSnapshotExport(actor, snapshotId, kind);
    return exportResponse(exported);
  } catch (error) {
    return errorResponse(error);
  }
});
