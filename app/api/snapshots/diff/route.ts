import { z } from 'zod';
import { withRole } from '@/lib/auth/guards';
import { errorResponse, exportResponse } from '@/lib/http/stream';
import { recordSnapshotExport, streamDiffCsv } from '@/lib/snapshot';

export const dynamic = 'force-dynamic';

const ZPair = z.object({ from: z.coerce.number().int().positive(), to: z.coerce.number().int().positive() });

/** The difference between two snapshots as CSV (admin, auditor); audited. */
export const GET = withRole(['admin', 'auditor'], (req, _ctx: unknown, user) => {
  const parsed = ZPair.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) return Response.json({ ok: false, code: 'invalid', error: 'Pass two snapshot ids as ?from=…&to=….' }, { status: 400 });
  try {
    const file = streamDiffCsv(parsed.data.from, parsed.data.to);
    recordSnapshotExport({ id: user.id, email: user.email }, parsed.data.to, 'diff', { from: parsed.data.from });
    return exportResponse(file);
  } catch (error) {
    return errorResponse(error);
  }
});
