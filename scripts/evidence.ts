/**
 * `npm run evidence -- <campaignId> <out.zip | out-directory>`: write a campaign's evidence package
 * (docs/decisions/010-evidence-package.md) as a zip, or as files in a new or empty directory.
 * The manifest is anchored in the audit log like a download from the app. The last line on stdout
 * is one JSON object `{"campaignId","path","format","files","generatedAt"}`.
 * Exit codes: 0 written, 1 failed (reason on stderr), 2 bad arguments.
 */
import { resolve } from 'node:path';
import { closeDb } from '@/db/client';
import type { TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { assertEvidenceAvailable, parseCampaignId, recordEvidenceDownload, writeEvidenceDirectory, writeEvidenceZip } from '@/lib/evidence';

const CLI_ACTOR: TActor = { id: null, email: 'cli' };
const USAGE = 'usage: npm run evidence -- <campaignId> <out.zip | out-directory>';

const [rawId, rawOut, ...rest] = process.argv.slice(2);
const campaignId = parseCampaignId(rawId);
if (campaignId === null || !rawOut || rest.length > 0) {
  console.error(USAGE);
  process.exit(2);
}
const out = resolve(rawOut);
const format = out.toLowerCase().endsWith('.zip') ? 'zip' : 'directory';
try {
  assertEvidenceAvailable(campaignId);
  recordEvidenceDownload(CLI_ACTOR, campaignId, format);
  const manifest = format === 'zip' ? await writeEvidenceZip(CLI_ACTOR, campaignId, out) : await writeEvidenceDirectory(CLI_ACTOR, campaignId, out);
  for (const f of manifest.files) console.error(`${f.name}: ${f.rows ?? '-'} rows, ${f.bytes} bytes, sha256 ${f.sha256}`);
  if (manifest.inProgress) console.error(`campaign #${campaignId} is still active: the package is marked IN PROGRESS`);
  console.log(JSON.stringify({ campaignId, path: out, format, files: manifest.files.length + 1, generatedAt: manifest.generatedAt }));
} catch (err) {
  console.error(err instanceof AppError ? err.message : `evidence failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  closeDb();
}
