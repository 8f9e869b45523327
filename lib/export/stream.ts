import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A downloadable file produced as a stream. `chunks` is an `AsyncIterable<string>` (UTF-8 text,
 * pulled on demand: nothing starts before the first pull, and `return()` — what a cancelled
 * `ReadableStream` calls — closes the database reader). A route handler wraps it, e.g.
 * `new Response(ReadableStream.from(encode(file.chunks)), { headers: { 'content-type': file.contentType } })`.
 * Each `TExportFile` can be consumed once.
 */
export type TExportFile = {
  fileName: string;
  contentType: string;
  chunks: AsyncIterable<string>;
  /** Data rows emitted so far (header excluded); final once `chunks` is exhausted. */
  rows: () => number;
};

export type TStreamDigest = { sha256: string; bytes: number; rows: number };

/** Consume a file and return the SHA-256 and size of its UTF-8 bytes (manifests; nothing is kept). */
export async function digestExport(file: TExportFile): Promise<TStreamDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of file.chunks) {
    const buf = Buffer.from(chunk, 'utf8');
    hash.update(buf);
    bytes += buf.length;
  }
  return { sha256: hash.digest('hex'), bytes, rows: file.rows() };
}

/** UTF-8 bytes of a text stream, for `ReadableStream.from(...)` in route handlers. */
export async function* encodeUtf8(chunks: AsyncIterable<string>): AsyncGenerator<Uint8Array, void, undefined> {
  const encoder = new TextEncoder();
  for await (const chunk of chunks) yield encoder.encode(chunk);
}

let cachedVersion: string | undefined;

/** `attest <version>` from package.json: written into manifests so a file says what produced it. */
export function generatorName(): string {
  if (cachedVersion === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version?: unknown };
      cachedVersion = typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      cachedVersion = 'unknown';
    }
  }
  return `attest ${cachedVersion}`;
}
