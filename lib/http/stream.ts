import 'server-only';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { AppError, asBusyError } from '@/lib/errors';
import { encodeUtf8, type TExportFile } from '@/lib/export/stream';
import { log } from '@/lib/log';

/**
 * A download response streamed from an export: the body is pulled lazily, so the client's
 * reading pace is the backpressure and no export sits whole in memory.
 */
export function exportResponse(file: TExportFile): Response {
  const body = Readable.toWeb(Readable.from(encodeUtf8(file.chunks))) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: { 'Content-Type': file.contentType, 'Content-Disposition': attachment(file.fileName), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
  });
}

/** A `Content-Disposition` value safe for any file name (RFC 6266 with an ASCII fallback). */
export function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** Map an error thrown by a lib/ call in a route handler to a JSON answer (internal ones get an id, never their text). */
export function errorResponse(thrown: unknown): Response {
  const error = asBusyError(thrown);
  if (error instanceof AppError) return Response.json({ ok: false, code: error.code, error: error.message }, { status: error.status });
  const errorId = randomUUID().slice(0, 8);
  log.error({ errorId, err: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) }, 'route handler failed');
  return Response.json({ ok: false, code: 'internal', error: `Something went wrong (error id ${errorId}).` }, { status: 500 });
}
