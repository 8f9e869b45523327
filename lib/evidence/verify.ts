import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { z } from 'zod';
import { EVIDENCE_FILE_NAMES, MANIFEST_FILE_NAME } from './catalogue';
import type { TEvidenceManifest, TEvidenceVerification, TVerifyProblem } from './types';

/**
 * Check an evidence package (a directory or a zip) against its own manifest.json, without the
 * database: every listed file must be present with the recorded SHA-256, size and row count, no
 * file may be missing or extra, and the manifest must list exactly the files of its format. Needs
 * nothing but Node, so an auditor can run it on their own machine (`npm run evidence:verify`).
 *
 * What it cannot prove alone is that manifest.json itself is the one Attest issued: compare
 * `manifestSha256` with the `evidence.manifest_issued` row of the audit log.
 */

// The names a manifest may list: plain file names, never a path (a crafted manifest must not read outside the package).
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

const ZManifest = z.object({
  format: z.literal('attest-evidence-package/v1'),
  campaignId: z.number().int().positive(),
  campaignName: z.string(),
  campaignStatus: z.enum(['draft', 'active', 'closed']),
  inProgress: z.boolean(),
  snapshotId: z.number().int().positive(),
  snapshotDigest: z.string().nullable(),
  reconciliationId: z.number().int().positive().nullable(),
  generatedAt: z.string(),
  generator: z.string(),
  hashAlgorithm: z.literal('sha256'),
  files: z.array(
    z.object({
      name: z.enum(EVIDENCE_FILE_NAMES as [string, ...string[]]),
      rows: z.number().int().min(0).nullable(),
      bytes: z.number().int().min(0),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
});

/** Where the package's files come from. */
type TPackageSource = {
  kind: 'directory' | 'zip';
  /** Every file in the package root (sub-paths for anything outside it, so they are reported as extra). */
  names: string[];
  open: (name: string) => Promise<Readable>;
  close: () => void;
};

type TMeasured = { sha256: string; bytes: number; records: number; unterminatedQuote: boolean };

/**
 * SHA-256, size and CSV record count of a stream. Records are counted on the bytes with the
 * RFC 4180 rule (a line break inside double quotes is data): UTF-8 never puts 0x22 or 0x0A inside
 * a multi-byte character, so no decoding is needed.
 */
async function measure(stream: Readable): Promise<TMeasured> {
  const hash = createHash('sha256');
  let bytes = 0;
  let records = 0;
  let inQuotes = false;
  let last = -1;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (b === 0x22) inQuotes = !inQuotes;
      else if (b === 0x0a && !inQuotes) records++;
    }
    if (chunk.length > 0) last = chunk[chunk.length - 1] as number;
  }
  if (bytes > 0 && last !== 0x0a) records++;
  return { sha256: hash.digest('hex'), bytes, records, unterminatedQuote: inQuotes };
}

async function directorySource(dir: string): Promise<TPackageSource> {
  const entries = await readdir(dir, { withFileTypes: true });
  return {
    kind: 'directory',
    names: entries.map((e) => (e.isFile() ? e.name : `${e.name}/`)).sort(),
    open: async (name) => createReadStream(join(dir, name)),
    close: () => undefined,
  };
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true }, (err, zip) => (err ? reject(err) : resolve(zip)));
  });
}

async function zipSource(path: string): Promise<TPackageSource> {
  const zip = await openZip(path);
  const entries = new Map<string, yauzl.Entry>();
  const duplicates: string[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith('/')) {
        if (entries.has(entry.fileName)) duplicates.push(entry.fileName);
        entries.set(entry.fileName, entry);
      }
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  // A package re-zipped with its folder (`evidence/manifest.json`) is read from that folder.
  let prefix = '';
  if (!entries.has(MANIFEST_FILE_NAME)) {
    const nested = [...entries.keys()].filter((n) => n.endsWith(`/${MANIFEST_FILE_NAME}`) && n.split('/').length === 2);
    if (nested.length === 1) prefix = (nested[0] as string).slice(0, -MANIFEST_FILE_NAME.length);
  }
  const names = [...entries.keys()].map((n) => (prefix && n.startsWith(prefix) ? n.slice(prefix.length) : prefix ? `../${n}` : n));
  // A name twice in one zip is an extra copy whichever one a tool extracts.
  names.push(...duplicates.map((d) => `${d} (second entry)`));
  return {
    kind: 'zip',
    names: names.sort(),
    open: (name) => zip.openReadStreamPromise(entries.get(prefix + name) as yauzl.Entry),
    close: () => zip.close(),
  };
}

function parseManifest(bytes: Buffer, problems: TVerifyProblem[]): TEvidenceManifest | null {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    problems.push({ file: MANIFEST_FILE_NAME, kind: 'manifest', message: 'manifest.json is not valid JSON (edited or truncated).' });
    return null;
  }
  const parsed = ZManifest.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    problems.push({ file: MANIFEST_FILE_NAME, kind: 'manifest', message: `manifest.json is not an Attest evidence manifest (${detail}).` });
    return null;
  }
  return parsed.data as TEvidenceManifest;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) parts.push(chunk);
  return Buffer.concat(parts);
}

/**
 * Verify a package directory or zip (see the module comment). Every problem names its file;
 * `ok` is true only when there is none.
 */
export async function verifyEvidence(path: string): Promise<TEvidenceVerification> {
  const problems: TVerifyProblem[] = [];
  let info;
  try {
    info = await stat(path);
  } catch {
    return { ok: false, source: 'directory', manifest: null, manifestSha256: null, verified: [], problems: [{ file: basename(path), kind: 'missing', message: `${path} does not exist.` }] };
  }
  let source: TPackageSource;
  try {
    source = info.isDirectory() ? await directorySource(path) : await zipSource(path);
  } catch (err) {
    const message = `${basename(path)} is neither a directory nor a readable zip (${err instanceof Error ? err.message : String(err)}).`;
    return { ok: false, source: 'zip', manifest: null, manifestSha256: null, verified: [], problems: [{ file: basename(path), kind: 'unreadable', message }] };
  }
  const verified: string[] = [];
  let manifest: TEvidenceManifest | null = null;
  let manifestSha256: string | null = null;
  try {
    if (!source.names.includes(MANIFEST_FILE_NAME)) {
      problems.push({ file: MANIFEST_FILE_NAME, kind: 'missing', message: 'manifest.json is missing: nothing can be verified.' });
    } else {
      const bytes = await readAll(await source.open(MANIFEST_FILE_NAME));
      manifestSha256 = createHash('sha256').update(bytes).digest('hex');
      manifest = parseManifest(bytes, problems);
    }
    if (manifest) {
      const listed = new Set<string>();
      for (const entry of manifest.files) {
        if (!SAFE_NAME.test(entry.name)) {
          problems.push({ file: entry.name, kind: 'manifest', message: `The manifest lists ${JSON.stringify(entry.name)}, which is not a plain file name.` });
          continue;
        }
        if (listed.has(entry.name)) {
          problems.push({ file: entry.name, kind: 'manifest', message: `The manifest lists ${entry.name} twice.` });
          continue;
        }
        listed.add(entry.name);
        if (!source.names.includes(entry.name)) {
          problems.push({ file: entry.name, kind: 'missing', message: `${entry.name} is listed in the manifest but missing from the package.` });
          continue;
        }
        let m: TMeasured;
        try {
          m = await measure(await source.open(entry.name));
        } catch (err) {
          problems.push({ file: entry.name, kind: 'unreadable', message: `${entry.name} cannot be read (${err instanceof Error ? err.message : String(err)}).` });
          continue;
        }
        const before = problems.length;
        if (m.sha256 !== entry.sha256) problems.push({ file: entry.name, kind: 'sha256', message: `${entry.name}: SHA-256 is ${m.sha256}, the manifest says ${entry.sha256} (the file was changed).` });
        if (m.bytes !== entry.bytes) problems.push({ file: entry.name, kind: 'bytes', message: `${entry.name}: ${m.bytes} bytes, the manifest says ${entry.bytes}.` });
        if (entry.rows !== null) {
          const rows = Math.max(0, m.records - 1);
          if (m.unterminatedQuote) problems.push({ file: entry.name, kind: 'rows', message: `${entry.name}: not valid CSV (a quoted field never ends).` });
          else if (rows !== entry.rows) problems.push({ file: entry.name, kind: 'rows', message: `${entry.name}: ${rows} data rows, the manifest says ${entry.rows}.` });
        }
        if (problems.length === before) verified.push(entry.name);
      }
      for (const name of EVIDENCE_FILE_NAMES) {
        if (!listed.has(name)) problems.push({ file: name, kind: 'manifest', message: `The manifest does not list ${name}, which every package holds (the manifest was edited).` });
      }
      for (const name of source.names) {
        if (name !== MANIFEST_FILE_NAME && !listed.has(name)) {
          problems.push({ file: name, kind: 'extra', message: `${name} is in the package but not in the manifest.` });
        }
      }
    }
  } finally {
    source.close();
  }
  return { ok: problems.length === 0, source: source.kind, manifest, manifestSha256, verified, problems };
}
