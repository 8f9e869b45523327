/**
 * `npm run import -- hr|activity <file> [--preview]` (for cron or by hand): import an HR roster or
 * a last-activity export (CSV) exactly as the Imports page does — the whole file is validated,
 * then stored in one transaction, or nothing is stored.
 *
 * On success the LAST line on stdout is exactly one JSON object
 * `{"importId","kind","fileName","rows","bytes","sha256"}` (with `--preview`:
 * `{"preview":true,"kind","fileName","rows","bytes","sha256","problems"}` and nothing is written).
 * Problems go to stderr, each naming its line and column.
 * Exit codes: 0 imported (or a preview without problems), 1 the file was refused (nothing
 * changed), 2 bad arguments.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { closeDb } from '@/db/client';
import { IMPORT_KINDS, type TImportKind } from '@/db/schema';
import type { TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { commitImport, MAX_IMPORT_BYTES, previewImport } from '@/lib/imports';
import { tooLargeMessage } from '@/lib/imports/decode';

const CLI_ACTOR: TActor = { id: null, email: 'cli' };
const EXIT_REFUSED = 1;
const EXIT_USAGE = 2;
const USAGE = 'usage: npm run import -- hr|activity <file.csv> [--preview]';

const err = (line: string): void => void process.stderr.write(`${line}\n`);

function parseArgs(argv: readonly string[]): { kind: TImportKind; path: string; preview: boolean } | null {
  const preview = argv.includes('--preview');
  const rest = argv.filter((a) => a !== '--preview');
  const [kind, path, ...extra] = rest;
  if (extra.length > 0 || !kind || !path || path.startsWith('--')) return null;
  if (!(IMPORT_KINDS as readonly string[]).includes(kind)) return null;
  return { kind: kind as TImportKind, path, preview };
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    err(USAGE);
    return EXIT_USAGE;
  }
  let size: number;
  try {
    size = statSync(args.path).size;
  } catch (e) {
    err(`import: cannot read ${args.path}: ${e instanceof Error && 'code' in e ? String(e.code) : 'unknown error'}`);
    return EXIT_REFUSED;
  }
  // Refuse before reading: the limit exists so nobody loads a 5 GB file into memory.
  if (size > MAX_IMPORT_BYTES) {
    err(`import: ${tooLargeMessage(size)} Nothing was imported.`);
    return EXIT_REFUSED;
  }
  const bytes = new Uint8Array(readFileSync(args.path));
  const fileName = basename(args.path);

  if (args.preview) {
    const preview = previewImport(args.kind, bytes, fileName);
    for (const p of preview.problems) err(`import: ${p.message}`);
    if (preview.problemCount > preview.problems.length) err(`import: … and ${preview.problemCount - preview.problems.length} more problems`);
    if (preview.sameAsCurrent) err(`import: this file is already the current ${args.kind === 'hr' ? 'HR roster' : 'activity import'}`);
    process.stdout.write(
      `${JSON.stringify({ preview: true, kind: args.kind, fileName, rows: preview.rowCount, bytes: preview.byteCount, sha256: preview.sha256, problems: preview.problemCount })}\n`,
    );
    return preview.ok ? 0 : EXIT_REFUSED;
  }

  try {
    const view = commitImport(CLI_ACTOR, args.kind, bytes, fileName);
    err(`import: ${args.kind} import #${view.id} stored: ${view.rowCount} rows from ${fileName}, SHA-256 ${view.sha256}`);
    process.stdout.write(`${JSON.stringify({ importId: view.id, kind: view.kind, fileName: view.fileName, rows: view.rowCount, bytes: view.byteCount, sha256: view.sha256 })}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    err(`import: ${e.message}`);
    for (const message of (e.fieldErrors?.file ?? []).slice(1)) err(`import: ${message}`);
    return EXIT_REFUSED;
  }
}

let code = EXIT_REFUSED;
try {
  code = main();
} catch (e) {
  err(`import: unexpected error: ${e instanceof Error ? e.message : String(e)}`);
  code = EXIT_REFUSED;
} finally {
  closeDb();
}
process.exit(code);
