import 'server-only';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { IMPORT_KINDS, type TDirectoryImport, type TImportKind } from '@/db/schema';
import { appendAudit, type TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { ENCODING_LABEL, formatBytes, MAX_IMPORT_BYTES, tooLargeMessage, type TImportProblem } from './decode';
import { IMPORT_FIELDS, type TColumnMapping, type TImportField } from './fields';
import { scanImport, sha256Hex, type TActivityImportStats, type THrImportStats, type TImportRecord } from './parse';
import { countImportRecords, getImportRowBefore, getLatestImportRow, importRecordWriter, insertImportRow, listImportRows } from './queries';

/**
 * lib/imports — HR roster and last-activity CSV imports (docs/decisions/009-stale-accounts.md).
 *
 * `previewImport` validates a file and shows what it would import, writing nothing.
 * `commitImport` validates the whole file again and stores it in ONE transaction: the import row,
 * every record and the audit entry commit together or not at all. The newest import of a kind is
 * the current one; older ones stay as evidence of what earlier results were based on.
 */

export { MAX_IMPORT_BYTES, formatBytes, type TImportProblem } from './decode';
export { IMPORT_FIELDS, STATUS_EXAMPLES, type TColumnMapping, type TFieldSpec, type TImportField } from './fields';
export type { TActivityImportRecord, TActivityImportStats, THrImportRecord, THrImportStats, TImportRecord } from './parse';

export const IMPORT_KIND_LABEL: Record<TImportKind, string> = { hr: 'HR roster', activity: 'Last activity' };

export type TImportView = {
  id: number;
  kind: TImportKind;
  fileName: string;
  sha256: string;
  byteCount: number;
  rowCount: number;
  /** Header in the file → field. */
  columnMap: Record<string, TImportField>;
  uploadedByEmail: string;
  uploadedAt: string;
};

export type TImportFieldMapping = { key: TImportField; label: string; required: boolean; column: string | null; header: string | null };

export type TImportPreview = {
  kind: TImportKind;
  fileName: string;
  byteCount: number;
  sha256: string;
  /** "UTF-8", "UTF-16 LE (byte-order mark)"…; null when the file could not be decoded. */
  encoding: string | null;
  delimiter: 'comma' | 'semicolon' | 'tab' | null;
  columns: TColumnMapping[];
  /** Each field of the kind and the column it is read from. */
  fields: TImportFieldMapping[];
  rowCount: number;
  rows: TImportRecord[];
  problems: TImportProblem[];
  problemCount: number;
  stats: THrImportStats | TActivityImportStats | null;
  /** True when committing would succeed (no problems, not identical to the current import). */
  ok: boolean;
  /** The import this one would replace. */
  current: TImportView | null;
  /** The file is byte-for-byte the current import of its kind. */
  sameAsCurrent: boolean;
};

const ZKind = z.enum(IMPORT_KINDS, { error: 'Choose HR roster or Last activity.' });
const ZFileName = z
  .string()
  .trim()
  .min(1, 'The file has no name.')
  .max(255, 'The file name is too long (255 characters at most).')
  // Browsers send a bare name; anything with a path keeps only its last part.
  .transform((name) => name.split(/[\\/]/).pop() as string);

function parseArgs(kind: unknown, fileName: unknown): { kind: TImportKind; fileName: string } {
  const k = ZKind.safeParse(kind);
  if (!k.success) throw new AppError('invalid', 'Choose HR roster or Last activity.', { kind: ['Choose HR roster or Last activity.'] });
  const f = ZFileName.safeParse(fileName);
  if (!f.success) throw new AppError('invalid', f.error.issues[0]?.message ?? 'Invalid file name.', { file: [f.error.issues[0]?.message ?? 'Invalid file name.'] });
  return { kind: k.data, fileName: f.data };
}

export function toImportView(row: TDirectoryImport): TImportView {
  return {
    id: row.id,
    kind: row.kind,
    fileName: row.fileName,
    sha256: row.sha256,
    byteCount: row.byteCount,
    rowCount: row.rowCount,
    columnMap: JSON.parse(row.columnMapJson) as Record<string, TImportField>,
    uploadedByEmail: row.uploadedByEmail,
    uploadedAt: row.uploadedAt,
  };
}

const DELIMITER_NAME = { ',': 'comma', ';': 'semicolon', '\t': 'tab' } as const;

function tooLarge(bytes: Uint8Array): AppError {
  return new AppError('too_large', tooLargeMessage(bytes.length), {
    file: [`at most ${formatBytes(MAX_IMPORT_BYTES)}`],
  });
}

function columnMapOf(columns: readonly TColumnMapping[]): Record<string, TImportField> {
  const map: Record<string, TImportField> = {};
  for (const c of columns) if (c.field) map[c.header] = c.field;
  return map;
}

/**
 * What importing `bytes` as `kind` would do, without writing: the column mapping, the first rows
 * as they would be stored, the row count, counts by status / activity, and every problem (the
 * first 100 in file order, each naming its line and column). A file that cannot be read at all
 * (too large, not UTF-8, empty) comes back with that one problem.
 */
export function previewImport(kind: TImportKind, bytes: Uint8Array, fileName: string): TImportPreview {
  const args = parseArgs(kind, fileName);
  if (bytes.length > MAX_IMPORT_BYTES) throw tooLarge(bytes);
  const scan = scanImport(args.kind, bytes);
  const currentRow = getLatestImportRow(args.kind);
  const sameAsCurrent = currentRow?.sha256 === scan.sha256;
  const fieldIndex = new Map(scan.columns.filter((c) => c.field).map((c) => [c.field as TImportField, c]));
  return {
    kind: args.kind,
    fileName: args.fileName,
    byteCount: scan.byteCount,
    sha256: scan.sha256,
    encoding: scan.encoding ? ENCODING_LABEL[scan.encoding] : null,
    delimiter: scan.delimiter ? DELIMITER_NAME[scan.delimiter] : null,
    columns: scan.columns,
    fields: IMPORT_FIELDS[args.kind].map((f) => ({
      key: f.key,
      label: f.label,
      required: f.required,
      column: fieldIndex.get(f.key)?.letter ?? null,
      header: fieldIndex.get(f.key)?.header ?? null,
    })),
    rowCount: scan.rowCount,
    rows: scan.preview,
    problems: scan.problems,
    problemCount: scan.problemCount,
    stats: scan.stats,
    ok: scan.plan !== null && !sameAsCurrent,
    current: currentRow ? toImportView(currentRow) : null,
    sameAsCurrent,
  };
}

/**
 * Validate the whole file and make it the current import of its kind, all or nothing: one
 * IMMEDIATE transaction writes the `directory_imports` row (time, uploader, row count, SHA-256,
 * column map), every record, and the `import.committed` audit entry. Any problem in the file is
 * an `AppError` naming the first problem's line and column (and how many more there are), and
 * the transaction is rolled back: nothing is written. `expectedSha256` (from the preview the person confirmed) refuses a file
 * that is not the one they looked at.
 */
export function commitImport(actor: TActor, kind: TImportKind, bytes: Uint8Array, fileName: string, options: { expectedSha256?: string } = {}): TImportView {
  const args = parseArgs(kind, fileName);
  if (bytes.length > MAX_IMPORT_BYTES) throw tooLarge(bytes);
  const sha256 = sha256Hex(bytes);
  if (options.expectedSha256 !== undefined && options.expectedSha256 !== sha256) {
    throw new AppError('conflict', 'This is not the file you previewed (its SHA-256 differs). Preview it again before importing.');
  }
  const label = IMPORT_KIND_LABEL[args.kind];

  // One pass over the values validates and inserts at once; any problem throws inside the
  // transaction, so the rows written until then are rolled back with the import row.
  const row = getDb().transaction(
    (tx) => {
      const previous = getLatestImportRow(args.kind, tx);
      if (previous?.sha256 === sha256) {
        throw new AppError('conflict', `This file is already the current ${label.toLowerCase()} (import #${previous.id}, uploaded ${previous.uploadedAt} by ${previous.uploadedByEmail}). Nothing changed.`);
      }
      let inserted: TDirectoryImport | null = null;
      let written = 0;
      const scan = scanImport(args.kind, bytes, {
        sinkFor: (plan) => {
          inserted = insertImportRow(tx, {
            kind: args.kind,
            fileName: args.fileName,
            sha256,
            byteCount: bytes.length,
            rowCount: plan.rowCount,
            columnMapJson: JSON.stringify(columnMapOf(plan.columns)),
            uploadedByEmail: actor.email,
            uploadedAt: new Date().toISOString(),
          });
          const write = importRecordWriter(args.kind, inserted.id);
          return (record) => {
            write(record);
            written++;
          };
        },
      });
      const first = scan.problems[0];
      if (first || !scan.plan || !inserted) {
        const more = scan.problemCount > 1 ? ` (${scan.problemCount - 1} more problem${scan.problemCount === 2 ? '' : 's'}: preview the file to see them all.)` : '';
        throw new AppError('invalid', `Nothing was imported. ${first?.message ?? 'The file cannot be imported.'}${more}`, { file: scan.problems.slice(0, 10).map((p) => p.message) });
      }
      const stored: TDirectoryImport = inserted;
      // Belt and braces: the recorded row count is evidence, it must be what the table holds.
      if (written !== scan.rowCount || countImportRecords(args.kind, stored.id) !== scan.rowCount) throw new Error(`import wrote ${written} rows, expected ${scan.rowCount}`);
      appendAudit(
        {
          actor,
          action: 'import.committed',
          target: { type: 'directory_import', id: String(stored.id) },
          details: {
            kind: args.kind,
            fileName: args.fileName,
            sha256,
            byteCount: bytes.length,
            rowCount: scan.rowCount,
            encoding: scan.encoding,
            columnMap: columnMapOf(scan.columns),
            stats: scan.stats,
            replacesImportId: previous?.id ?? null,
          },
        },
        tx,
      );
      return stored;
    },
    { behavior: 'immediate' },
  );
  return toImportView(row);
}

export const ZImportListQuery = z.object({
  kind: ZKind.optional(),
  page: z.number().int().min(1).max(1_000_000),
  pageSize: z.number().int().min(1).max(200),
});
export type TImportListQuery = z.input<typeof ZImportListQuery>;

/** Past imports, newest first. */
export function listImports(query: TImportListQuery): { rows: TImportView[]; total: number; page: number; pageSize: number } {
  const q = ZImportListQuery.safeParse(query);
  if (!q.success) throw new AppError('invalid', 'Invalid import list query.');
  const { rows, total } = listImportRows(q.data.kind, q.data.pageSize, (q.data.page - 1) * q.data.pageSize);
  return { rows: rows.map(toImportView), total, page: q.data.page, pageSize: q.data.pageSize };
}

/** The current import of each kind (the newest), or null. */
export function getCurrentImports(): Record<TImportKind, TImportView | null> {
  const hr = getLatestImportRow('hr');
  const activity = getLatestImportRow('activity');
  return { hr: hr ? toImportView(hr) : null, activity: activity ? toImportView(activity) : null };
}

/** The import of a kind that was current just before `instant` (ISO), or null. */
export function getImportCurrentAt(kind: TImportKind, instant: string): TImportView | null {
  const row = getImportRowBefore(kind, instant);
  return row ? toImportView(row) : null;
}
