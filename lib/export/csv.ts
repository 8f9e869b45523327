import { stringify } from 'csv-stringify/sync';

/**
 * CSV for every download Attest produces (snapshots, diffs, evidence). Two rules:
 * - every cell is neutralised against formula injection (OWASP "CSV Injection"): a cell that a
 *   spreadsheet would evaluate gets a leading `'` so it is shown as text;
 * - output is streamed as an `AsyncIterable<string>` of chunks of many rows, never one string of
 *   the whole file (a snapshot has a million memberships).
 */

export type TCsvCell = string | number | boolean | null | undefined;

/** RFC 4180 §2: records end with CRLF. */
export const CSV_EOL = '\r\n';
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

const ROWS_PER_CHUNK = 2000;

// OWASP CSV Injection: "=", "+", "-", "@", tab (0x09) and carriage return (0x0D) start a formula in Excel, LibreOffice or Sheets.
function isFormulaStart(code: number): boolean {
  return code === 0x3d || code === 0x2b || code === 0x2d || code === 0x40 || code === 0x09 || code === 0x0d;
}

/**
 * One cell as text, neutralised: strings starting with `=`, `+`, `-`, `@`, tab or CR get a leading
 * `'` (OWASP CSV Injection guidance); null/undefined become empty; numbers and booleans are
 * written as they are (a number is never a formula).
 */
export function neutraliseCell(value: TCsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  return value.length > 0 && isFormulaStart(value.charCodeAt(0)) ? `'${value}` : value;
}

/** A whole row neutralised (allocates one array; the rows of a stream are converted in place by `csvStream`). */
export function neutraliseRow(row: readonly TCsvCell[]): string[] {
  return row.map(neutraliseCell);
}

/** CSV text of rows that are already neutralised strings, via csv-stringify (quoting per RFC 4180). */
function toCsv(rows: string[][]): string {
  return stringify(rows, { record_delimiter: CSV_EOL });
}

export type TCsvStreamOptions = {
  /** Called once per data row written (manifests count rows this way). */
  onRow?: () => void;
  /** Rows per yielded chunk (default 2000: ~200 KB, few enough awaits to keep the export fast). */
  rowsPerChunk?: number;
};

/**
 * Stream a CSV file: the header line first, then chunks of rows. `rows` may be a sync iterable
 * (e.g. a better-sqlite3 `stmt.raw().iterate()` on a reader connection) or an async one; only one
 * chunk of rows is held in memory at a time. The yielded strings concatenated are the file.
 */
export async function* csvStream(
  header: readonly string[],
  rows: Iterable<readonly TCsvCell[]> | AsyncIterable<readonly TCsvCell[]>,
  options: TCsvStreamOptions = {},
): AsyncGenerator<string, void, undefined> {
  const perChunk = options.rowsPerChunk ?? ROWS_PER_CHUNK;
  yield toCsv([neutraliseRow(header)]);
  let batch: string[][] = [];
  const push = (row: readonly TCsvCell[]): void => {
    const out = new Array<string>(row.length);
    for (let i = 0; i < row.length; i++) out[i] = neutraliseCell(row[i]);
    batch.push(out);
    options.onRow?.();
  };
  if (Symbol.asyncIterator in rows) {
    for await (const row of rows) {
      push(row);
      if (batch.length >= perChunk) {
        yield toCsv(batch);
        batch = [];
      }
    }
  } else {
    for (const row of rows) {
      push(row);
      if (batch.length >= perChunk) {
        yield toCsv(batch);
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield toCsv(batch);
}

/** Collect a stream into one string (tests and small files only). */
export async function collectText(chunks: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of chunks) out += chunk;
  return out;
}
