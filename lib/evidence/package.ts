import 'server-only';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { appendAudit, type TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import type { TExportFile } from '@/lib/export';
import { log } from '@/lib/log';
import { EVIDENCE_FILES, evidenceFileSpec, MANIFEST_FILE_NAME } from './catalogue';
import { assertEvidenceAvailable, evidenceZipFileName, loadEvidenceContext, type TEvidenceContext } from './context';
import { decisionsCsv, populationCsv, remediationCsv, type TFileContent } from './csv-files';
import { openEvidenceReader, type TEvidenceReader } from './queries';
import { reconciliationCsv } from './reconciliation';
import { reportHtml } from './report';
import type { TEvidenceFileName, TEvidenceManifest, TManifestEntry } from './types';

/**
 * Writing a package: as one zip streamed in a single pass, as a directory, as one file, or as
 * its manifest alone (docs/decisions/010-evidence-package.md).
 *
 * Every way reads through one read transaction (`openEvidenceReader`), so all files describe the
 * same database state. Each file is hashed (SHA-256), measured and row-counted WHILE it is written;
 * manifest.json is built from those figures and written last — a zip made in one pass cannot hold
 * the hashes of its own files any other way. The manifest itself is not hashed inside the package:
 * its own SHA-256 goes to the audit log (`evidence.manifest_issued`), which anchors it.
 */

export const MANIFEST_FORMAT = 'attest-evidence-package/v1';

/** The content of one file of the package (lazy: nothing is read before the first chunk is pulled). */
export function evidenceFileContent(ctx: TEvidenceContext, name: TEvidenceFileName): TFileContent {
  switch (name) {
    case 'report.html':
      return reportHtml(ctx);
    case 'decisions.csv':
      return decisionsCsv(ctx);
    case 'remediation.csv':
      return remediationCsv(ctx);
    case 'population.csv':
      return populationCsv(ctx);
    case 'reconciliation.csv':
      return reconciliationCsv(ctx);
  }
}

/** UTF-8 bytes of a file, hashed and measured on the way through; `done` gets the manifest entry at the end. */
async function* hashedBytes(name: TEvidenceFileName, content: TFileContent, done: (entry: TManifestEntry) => void): AsyncGenerator<Buffer, void, undefined> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of content.chunks) {
    const buf = Buffer.from(chunk, 'utf8');
    hash.update(buf);
    bytes += buf.length;
    yield buf;
  }
  done({ name, rows: content.rows(), bytes, sha256: hash.digest('hex') });
}

function buildManifest(ctx: TEvidenceContext, files: TManifestEntry[]): TEvidenceManifest {
  return {
    format: MANIFEST_FORMAT,
    campaignId: ctx.campaign.id,
    campaignName: ctx.campaign.name,
    campaignStatus: ctx.campaign.status,
    inProgress: ctx.campaign.status !== 'closed',
    snapshotId: ctx.snapshot.id,
    snapshotDigest: ctx.snapshot.digest,
    reconciliationId: ctx.reconciliation?.id ?? null,
    generatedAt: ctx.generatedAt,
    generator: ctx.generator,
    hashAlgorithm: 'sha256',
    files,
  };
}

/** The bytes of manifest.json (pretty-printed, newline-terminated). */
export function manifestBytes(manifest: TEvidenceManifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
}

/** Anchor a manifest in the audit chain: whoever holds the package can compare its manifest.json with this row. */
function recordManifestIssued(actor: TActor, manifest: TEvidenceManifest, bytes: Buffer): void {
  appendAudit({
    actor,
    action: 'evidence.manifest_issued',
    target: { type: 'campaign', id: String(manifest.campaignId) },
    details: {
      manifestSha256: createHash('sha256').update(bytes).digest('hex'),
      generatedAt: manifest.generatedAt,
      files: manifest.files.map((f) => ({ name: f.name, rows: f.rows, sha256: f.sha256 })),
    },
  });
}

/** Audit a download (`evidence.downloaded`): route handlers call it when they start streaming, the CLI before it writes. */
export function recordEvidenceDownload(actor: TActor, campaignId: number, file: TEvidenceFileName | typeof MANIFEST_FILE_NAME | 'zip' | 'directory'): void {
  appendAudit({ actor, action: 'evidence.downloaded', target: { type: 'campaign', id: String(campaignId) }, details: { file } });
}

function openContext(campaignId: number): { reader: TEvidenceReader; ctx: TEvidenceContext } {
  assertEvidenceAvailable(campaignId);
  const reader = openEvidenceReader();
  try {
    return { reader, ctx: loadEvidenceContext(reader.connection, campaignId) };
  } catch (err) {
    reader.close();
    throw err;
  }
}

/**
 * One file of the package as a download (its own read transaction). The file name is the name it
 * has in the package, so files downloaded one by one can be checked against a manifest. Throws
 * not_found / conflict synchronously, before anything streams.
 */
export function exportEvidenceFile(campaignId: number, name: TEvidenceFileName): TExportFile {
  assertEvidenceAvailable(campaignId);
  let content: TFileContent | null = null;
  async function* chunks(): AsyncGenerator<string, void, undefined> {
    const reader = openEvidenceReader();
    try {
      content = evidenceFileContent(loadEvidenceContext(reader.connection, campaignId), name);
      yield* content.chunks;
    } finally {
      reader.close();
    }
  }
  return { fileName: name, contentType: evidenceFileSpec(name).contentType, chunks: chunks(), rows: () => content?.rows() ?? 0 };
}

/**
 * The manifest of the package as it would be generated now: every file is generated and hashed
 * (nothing is kept) in one read transaction. The CSV files are reproducible, so their hashes match
 * copies downloaded separately while the campaign's data does not change; report.html states its
 * generation time and so matches only the copy generated with this manifest. Audited as
 * `evidence.manifest_issued`.
 */
export async function buildEvidenceManifest(actor: TActor, campaignId: number): Promise<TEvidenceManifest> {
  const { reader, ctx } = openContext(campaignId);
  const files: TManifestEntry[] = [];
  try {
    for (const spec of EVIDENCE_FILES) {
      for await (const _chunk of hashedBytes(spec.name, evidenceFileContent(ctx, spec.name), (e) => files.push(e))) {
        // Hash only.
      }
    }
  } finally {
    reader.close();
  }
  const manifest = buildManifest(ctx, files);
  recordManifestIssued(actor, manifest, manifestBytes(manifest));
  return manifest;
}

export type TEvidenceZip = {
  fileName: string;
  contentType: 'application/zip';
  /** The zip bytes; destroying it (a cancelled download) stops the generation and closes the reader. */
  stream: Readable;
  /** The manifest once the last file is written; rejects when generation fails. */
  done: Promise<TEvidenceManifest>;
};

/**
 * The whole package as one zip, generated while it streams (flat memory: one chunk of rows at a
 * time, deflated by yazl with backpressure from the consumer). Entries, in order: report.html,
 * decisions.csv, remediation.csv, population.csv, reconciliation.csv, then manifest.json with the
 * hashes computed on the way. Throws not_found / conflict synchronously.
 */
export function streamEvidenceZip(actor: TActor, campaignId: number): TEvidenceZip {
  const { reader, ctx } = openContext(campaignId);
  const zip = new ZipFile();
  const output = zip.outputStream as Readable;
  const files: TManifestEntry[] = [];
  const mtime = new Date(ctx.generatedAt);
  let current: Readable | null = null;
  let settled = false;
  let resolve: (m: TEvidenceManifest) => void = () => undefined;
  let reject: (e: unknown) => void = () => undefined;
  const done = new Promise<TEvidenceManifest>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Callers that only stream the bytes need not await `done`: never an unhandled rejection.
  done.catch(() => undefined);

  const fail = (err: unknown, cancelled = false): void => {
    if (settled) return;
    settled = true;
    if (!cancelled) log.error({ campaignId, err: err instanceof Error ? err.message : String(err) }, 'evidence zip generation failed');
    current?.destroy();
    reader.close();
    reject(err);
    output.destroy(err instanceof Error ? err : new Error(String(err)));
  };
  zip.on('error', (err: unknown) => fail(err));
  // A consumer that goes away (cancelled download) destroys the output before its end.
  output.on('close', () => {
    if (!output.readableEnded) fail(new Error('The evidence download was cancelled before it finished.'), true);
  });

  for (const spec of EVIDENCE_FILES) {
    zip.addReadStreamLazy(spec.name, { mtime }, (cb) => {
      const source = Readable.from(
        hashedBytes(spec.name, evidenceFileContent(ctx, spec.name), (e) => files.push(e)),
        { objectMode: false },
      );
      // yazl does not listen for errors of a stream it is given.
      source.on('error', (err: unknown) => fail(err));
      current = source;
      cb(null, source);
    });
  }
  zip.addReadStreamLazy(MANIFEST_FILE_NAME, { mtime }, (cb) => {
    // Every file is written: the read transaction can end before the manifest is issued.
    reader.close();
    current = null;
    try {
      const manifest = buildManifest(ctx, files);
      const bytes = manifestBytes(manifest);
      recordManifestIssued(actor, manifest, bytes);
      settled = true;
      resolve(manifest);
      cb(null, Readable.from([bytes], { objectMode: false }));
    } catch (err) {
      fail(err);
    }
  });
  zip.end();
  return { fileName: evidenceZipFileName(campaignId), contentType: 'application/zip', stream: output, done };
}

/** Write the package as a zip file (CLI). */
export async function writeEvidenceZip(actor: TActor, campaignId: number, path: string): Promise<TEvidenceManifest> {
  const zip = streamEvidenceZip(actor, campaignId);
  await pipeline(zip.stream, createWriteStream(path));
  return zip.done;
}

/**
 * Write the package into a directory that does not exist yet or is empty (any other file in it
 * would be reported as extra by `verifyEvidence`): the files, then manifest.json.
 */
export async function writeEvidenceDirectory(actor: TActor, campaignId: number, dir: string): Promise<TEvidenceManifest> {
  await mkdir(dir, { recursive: true });
  const existing = await readdir(dir);
  if (existing.length > 0) throw new AppError('conflict', `${dir} is not empty: write the evidence package into a new or empty directory.`);
  const { reader, ctx } = openContext(campaignId);
  const files: TManifestEntry[] = [];
  try {
    for (const spec of EVIDENCE_FILES) {
      await pipeline(
        Readable.from(hashedBytes(spec.name, evidenceFileContent(ctx, spec.name), (e) => files.push(e)), { objectMode: false }),
        createWriteStream(join(dir, spec.name)),
      );
    }
  } finally {
    reader.close();
  }
  const manifest = buildManifest(ctx, files);
  const bytes = manifestBytes(manifest);
  await writeFile(join(dir, MANIFEST_FILE_NAME), bytes);
  recordManifestIssued(actor, manifest, bytes);
  return manifest;
}
