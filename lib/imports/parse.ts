import { createHash } from 'node:crypto';
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import type { TEmploymentStatus, TImportKind } from '@/db/schema';
import { numericDateOrders, parseDateCell, type TDateOrder } from './dates';
import { decodeCsvBytes, detectDelimiter, type TImportProblem, type TTextEncoding } from './decode';
import { IMPORT_FIELDS, mapHeaders, meansNever, parseEmploymentStatus, STATUS_EXAMPLES, type TColumnMapping, type THeaderMapping, type TImportField } from './fields';

/**
 * Validation of a whole import file without touching the database. Pure apart from hashing.
 *
 * One scan (`scanImport`) decodes the bytes, maps the header, and validates every row, keeping
 * only the problems, the first rows for the preview and a few counts: a 50 MB roster is never
 * held as objects. It reads the text twice: first the structure (header, row count, the evidence
 * for numeric date orders), then the values, which it can hand to a sink as it goes
 * (`sinkFor`: commitImport inserts them inside its transaction).
 */

export type THrImportRecord = {
  kind: 'hr';
  line: number;
  email: string;
  employmentStatus: TEmploymentStatus;
  /** `YYYY-MM-DD` as written in the roster. */
  terminationDate: string | null;
  department: string | null;
  costCenter: string | null;
  division: string | null;
  managerEmail: string | null;
  name: string | null;
};

export type TActivityImportRecord = {
  kind: 'activity';
  line: number;
  email: string;
  /** UTC ISO instant; null = never active. */
  lastActiveAt: string | null;
};

export type TImportRecord = THrImportRecord | TActivityImportRecord;

export type THrImportStats = { kind: 'hr'; active: number; terminated: number; leave: number; withTerminationDate: number };
export type TActivityImportStats = { kind: 'activity'; withActivity: number; neverActive: number; newestActivity: string | null; oldestActivity: string | null };

/** Everything needed to normalise the file again (the decoded text and the decisions of the scan). */
export type TImportPlan = {
  kind: TImportKind;
  text: string;
  delimiter: ',' | ';' | '\t';
  columns: TColumnMapping[];
  fieldIndex: Partial<Record<TImportField, number>>;
  dateOrders: Partial<Record<TImportField, TDateOrder>>;
  rowCount: number;
};

export type TImportScan = {
  kind: TImportKind;
  byteCount: number;
  sha256: string;
  encoding: TTextEncoding | null;
  delimiter: ',' | ';' | '\t' | null;
  columns: TColumnMapping[];
  /** Data rows (blank lines not counted). */
  rowCount: number;
  /** The first problems, in file order (at most `MAX_PROBLEMS`). */
  problems: TImportProblem[];
  problemCount: number;
  /** The first rows, normalised (empty when the file could not be read). */
  preview: TImportRecord[];
  stats: THrImportStats | TActivityImportStats | null;
  /** Null when the file cannot be imported. */
  plan: TImportPlan | null;
};

export const MAX_PROBLEMS = 100;
export const PREVIEW_ROWS = 10;
const MAX_TEXT = 200;
// A last-active date this far after "now" is a wrong column or a broken export, not a clock skew.
const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000;
const EMAIL_RE = /^[^\s@"<>()[\],;:]+@[^\s@"<>()[\],;:]+\.[^\s@"<>()[\],;:]+$/;

const DATE_FIELDS: readonly TImportField[] = ['terminationDate', 'lastActiveAt'];

type TRowContext = { line: number; cells: readonly string[] };

class ProblemList {
  readonly items: TImportProblem[] = [];
  count = 0;
  add(problem: TImportProblem): void {
    this.count++;
    if (this.items.length < MAX_PROBLEMS) this.items.push(problem);
  }
}

/** csv-parse counts the lines a record ends on; a record starts that many lines earlier as its fields hold newlines. */
function startLine(endLine: number, record: readonly string[]): number {
  let newlines = 0;
  for (const field of record) for (let i = field.indexOf('\n'); i >= 0; i = field.indexOf('\n', i + 1)) newlines++;
  return endLine - newlines;
}

function csvOptions(delimiter: string, onRecord: (record: string[], endLine: number) => void) {
  return {
    delimiter,
    trim: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    // Returning null keeps nothing: the parser never accumulates the file's records.
    on_record: (record: string[], info: { lines: number }) => {
      onRecord(record, info.lines);
      return null;
    },
  };
}

/**
 * The line the record after `lastGoodLine` starts on: csv-parse skips blank lines, and lines of
 * empty values, without reporting them, so "the line after the last record" may be a blank one.
 */
function nextRecordLine(text: string, delimiter: string, lastGoodLine: number): number {
  const lines = text.split('\n');
  let line = lastGoodLine + 1;
  while (line < lines.length && (lines[line - 1] ?? '').replace(/""/g, '').split(delimiter).every((v) => v.trim() === '')) line++;
  return line;
}

function csvProblem(error: CsvError, recordLine: number, columns: readonly TColumnMapping[]): TImportProblem {
  const info = error as CsvError & { lines?: number; column?: number | string; record?: string[] };
  const line = typeof info.lines === 'number' ? info.lines : recordLine;
  const columnIndex = typeof info.column === 'number' ? info.column : null;
  const column = columnIndex === null ? undefined : columns[columnIndex];
  const where = column ? `Line ${line}, column ${column.letter} ("${column.header}")` : `Line ${line}`;
  switch (error.code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
      return {
        line,
        column: null,
        header: null,
        message: `Line ${line} has ${info.record?.length ?? 'a different number of'} values but the header has ${columns.length}. A value that contains the delimiter must be in double quotes.`,
      };
    case 'CSV_QUOTE_NOT_CLOSED':
      return { line: recordLine, column: null, header: null, message: `Line ${recordLine}: a quoted value starts here and is never closed (a " is missing).` };
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return {
        line,
        column: column?.letter ?? null,
        header: column?.header ?? null,
        message: `${where}: a double quote (") in the middle of a value. Put the whole value in quotes and double the quote inside it ("").`,
      };
    default:
      return { line, column: column?.letter ?? null, header: column?.header ?? null, message: `${where}: the file is not valid CSV (${error.message}).` };
  }
}

/** Per-row normaliser for one kind, given the mapping and the column date orders. */
function rowNormaliser(
  kind: TImportKind,
  columns: readonly TColumnMapping[],
  fieldIndex: Partial<Record<TImportField, number>>,
  dateOrders: Partial<Record<TImportField, TDateOrder>>,
  now: number,
) {
  const cell = (row: TRowContext, field: TImportField): string => {
    const index = fieldIndex[field];
    return index === undefined ? '' : (row.cells[index] ?? '').trim();
  };
  const at = (row: TRowContext, field: TImportField, message: string): TImportProblem => {
    const column = columns[fieldIndex[field] ?? -1];
    return {
      line: row.line,
      column: column?.letter ?? null,
      header: column?.header ?? null,
      message: `Line ${row.line}${column ? `, column ${column.letter} ("${column.header}")` : ''}: ${message}`,
    };
  };
  const text = (row: TRowContext, field: TImportField, problems: TImportProblem[]): string | null => {
    const value = cell(row, field);
    if (value.length > MAX_TEXT) problems.push(at(row, field, `the value is ${value.length} characters long; at most ${MAX_TEXT} are accepted.`));
    return value || null;
  };
  const email = (row: TRowContext, field: TImportField, required: boolean, problems: TImportProblem[]): string | null => {
    const value = cell(row, field).toLowerCase();
    if (!value) {
      if (required) problems.push(at(row, field, 'the email is empty; every row needs one.'));
      return null;
    }
    if (value.length > 320 || !EMAIL_RE.test(value)) {
      problems.push(at(row, field, `"${cell(row, field).slice(0, 80)}" is not an email address.`));
      return null;
    }
    return value;
  };
  const date = (row: TRowContext, field: TImportField, problems: TImportProblem[]) => {
    const value = cell(row, field);
    if (!value || (field === 'lastActiveAt' && meansNever(value))) return null;
    const parsed = parseDateCell(value, dateOrders[field] ?? null);
    if (parsed.kind === 'ok') return parsed.value;
    // Still ambiguous only in a column whose order could not be decided: `decideDateOrders`
    // reported that once for the column, not once per row.
    if (parsed.kind === 'invalid') problems.push(at(row, field, `"${value}" is not a valid date: ${parsed.reason}.`));
    return null;
  };

  if (kind === 'hr') {
    return (row: TRowContext, problems: TImportProblem[]): THrImportRecord | null => {
      const before = problems.length;
      const emailValue = email(row, 'email', true, problems);
      const statusText = cell(row, 'employmentStatus');
      const status = statusText ? parseEmploymentStatus(statusText) : null;
      if (!statusText) problems.push(at(row, 'employmentStatus', 'the employment status is empty.'));
      else if (!status) {
        problems.push(
          at(row, 'employmentStatus', `"${statusText.slice(0, 60)}" is not an employment status Attest knows. Use Active (${STATUS_EXAMPLES.active}), Terminated (${STATUS_EXAMPLES.terminated}) or Leave (${STATUS_EXAMPLES.leave}).`),
        );
      }
      const termination = date(row, 'terminationDate', problems);
      const name = text(row, 'name', problems) ?? ([text(row, 'givenName', problems), text(row, 'familyName', problems)].filter(Boolean).join(' ') || null);
      const record: THrImportRecord = {
        kind: 'hr',
        line: row.line,
        email: emailValue ?? '',
        employmentStatus: status ?? 'active',
        terminationDate: termination?.date ?? null,
        department: text(row, 'department', problems),
        costCenter: text(row, 'costCenter', problems),
        division: text(row, 'division', problems),
        managerEmail: email(row, 'managerEmail', false, problems),
        name,
      };
      return problems.length === before ? record : null;
    };
  }
  return (row: TRowContext, problems: TImportProblem[]): TActivityImportRecord | null => {
    const before = problems.length;
    const emailValue = email(row, 'email', true, problems);
    const last = date(row, 'lastActiveAt', problems);
    if (last && Date.parse(last.instant) > now + FUTURE_SLACK_MS) {
      problems.push(at(row, 'lastActiveAt', `"${cell(row, 'lastActiveAt')}" is in the future: is this the right column, and the right export?`));
    }
    return problems.length === before ? { kind: 'activity', line: row.line, email: emailValue ?? '', lastActiveAt: last?.instant ?? null } : null;
  };
}

type TDateEvidence = { dmyLine: number | null; mdyLine: number | null; ambiguousLine: number | null };

/** Decide the numeric date order of each date column from the whole file (see dates.ts). */
function decideDateOrders(
  evidence: Map<TImportField, TDateEvidence>,
  columns: readonly TColumnMapping[],
  fieldIndex: Partial<Record<TImportField, number>>,
  problems: ProblemList,
): Partial<Record<TImportField, TDateOrder>> {
  const orders: Partial<Record<TImportField, TDateOrder>> = {};
  for (const [field, e] of evidence) {
    const column = columns[fieldIndex[field] ?? -1];
    const name = column ? `column ${column.letter} ("${column.header}")` : 'the date column';
    if (e.dmyLine !== null && e.mdyLine !== null) {
      problems.add({
        line: Math.max(e.dmyLine, e.mdyLine),
        column: column?.letter ?? null,
        header: column?.header ?? null,
        message: `Line ${Math.max(e.dmyLine, e.mdyLine)}, ${name}: this column mixes day-first dates (line ${e.dmyLine}) and month-first dates (line ${e.mdyLine}). Write every date as YYYY-MM-DD.`,
      });
    } else if (e.dmyLine !== null) orders[field] = 'dmy';
    else if (e.mdyLine !== null) orders[field] = 'mdy';
    else if (e.ambiguousLine !== null) {
      problems.add({
        line: e.ambiguousLine,
        column: column?.letter ?? null,
        header: column?.header ?? null,
        message: `Line ${e.ambiguousLine}, ${name}: dates such as this one could be day-first or month-first, and no date in the column settles it. Write every date as YYYY-MM-DD.`,
      });
    }
  }
  return orders;
}

function emptyScan(kind: TImportKind, bytes: Uint8Array, sha256: string, problem: TImportProblem): TImportScan {
  return { kind, byteCount: bytes.length, sha256, encoding: null, delimiter: null, columns: [], rowCount: 0, problems: [problem], problemCount: 1, preview: [], stats: null, plan: null };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Validate a whole file. Problems name the line (1 = header) and the column; the scan continues
 * after a bad row so one upload reports many problems, except for problems that make the rest
 * unreadable (encoding, broken quoting, missing required columns).
 */
export type TScanOptions = {
  now?: number;
  /**
   * Called once the file's structure is known (header mapped, rows counted), before the values
   * are read; the sink it returns receives every valid record in file order while no problem
   * has been found (commitImport inserts them in its transaction and rolls back on any problem).
   */
  sinkFor?: (plan: TImportPlan) => (record: TImportRecord) => void;
};

export function scanImport(kind: TImportKind, bytes: Uint8Array, options: TScanOptions = {}): TImportScan {
  const now = options.now ?? Date.now();
  const sha256 = sha256Hex(bytes);
  const decoded = decodeCsvBytes(bytes);
  if (!decoded.ok) return emptyScan(kind, bytes, sha256, decoded.problem);
  // One line-ending convention, so line numbers count the way editors show them.
  const text = decoded.text.replace(/\r\n?/g, '\n');
  const firstBreak = text.indexOf('\n');
  const delimiter = detectDelimiter(firstBreak < 0 ? text : text.slice(0, firstBreak));
  const problems = new ProblemList();

  // Pass 1: header, structure, row count and the evidence for numeric date orders.
  const state: { mapping: THeaderMapping | null; rowCount: number; lastGoodLine: number } = { mapping: null, rowCount: 0, lastGoodLine: 0 };
  const evidence = new Map<TImportField, TDateEvidence>();
  const rawPreview: TRowContext[] = [];
  try {
    parse(
      text,
      csvOptions(delimiter, (record, endLine) => {
        state.lastGoodLine = endLine;
        if (!state.mapping) {
          state.mapping = mapHeaders(kind, record);
          for (const field of DATE_FIELDS) if (state.mapping.fieldIndex[field] !== undefined) evidence.set(field, { dmyLine: null, mdyLine: null, ambiguousLine: null });
          return;
        }
        state.rowCount++;
        const line = startLine(endLine, record);
        if (rawPreview.length < PREVIEW_ROWS) rawPreview.push({ line, cells: record });
        for (const [field, e] of evidence) {
          const orders = numericDateOrders(record[state.mapping.fieldIndex[field] ?? -1] ?? '');
          if (!orders || orders.length === 0) continue;
          if (orders.length === 2) e.ambiguousLine ??= line;
          else if (orders[0] === 'dmy') e.dmyLine ??= line;
          else e.mdyLine ??= line;
        }
      }),
    );
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const columns = state.mapping?.columns ?? [];
    return { ...emptyScan(kind, bytes, sha256, csvProblem(error, nextRecordLine(text, delimiter, state.lastGoodLine), columns)), encoding: decoded.encoding, delimiter, columns };
  }
  const m = state.mapping;
  const rowCount = state.rowCount;
  if (!m) return emptyScan(kind, bytes, sha256, { line: 1, column: null, header: null, message: 'The file is empty: line 1 should be a header row.' });
  const base = { kind, byteCount: bytes.length, sha256, encoding: decoded.encoding, delimiter, columns: m.columns, rowCount, preview: [], stats: null, plan: null };
  if (m.problems.length > 0) return { ...base, problems: m.problems, problemCount: m.problems.length };
  if (rowCount === 0) {
    const problem = { line: 2, column: null, header: null, message: 'Line 2: the file has a header but no data rows. An empty roster would flag every account; upload the full export.' };
    return { ...base, problems: [problem], problemCount: 1 };
  }
  const dateOrders = decideDateOrders(evidence, m.columns, m.fieldIndex, problems);
  const plan: TImportPlan = { kind, text, delimiter, columns: m.columns, fieldIndex: m.fieldIndex, dateOrders, rowCount };

  // Pass 2: every row normalised; duplicates by email; counts for the preview.
  const stats: THrImportStats | TActivityImportStats =
    kind === 'hr'
      ? { kind: 'hr', active: 0, terminated: 0, leave: 0, withTerminationDate: 0 }
      : { kind: 'activity', withActivity: 0, neverActive: 0, newestActivity: null, oldestActivity: null };
  const firstLineOf = new Map<string, number>();
  const emailColumn = m.columns[m.fieldIndex.email as number] as TColumnMapping;
  const sink = problems.count === 0 ? options.sinkFor?.(plan) : undefined;
  walkRows(plan, now, problems, (record) => {
    const first = firstLineOf.get(record.email);
    if (first !== undefined) {
      problems.add({
        line: record.line,
        column: emailColumn.letter,
        header: emailColumn.header,
        message: `Line ${record.line}, column ${emailColumn.letter} ("${emailColumn.header}"): ${record.email} is already on line ${first}. The file must have one row per person.`,
      });
      return;
    }
    firstLineOf.set(record.email, record.line);
    // Writing stops at the first problem: the caller's transaction is rolled back anyway.
    if (sink && problems.count === 0) sink(record);
    if (stats.kind === 'hr' && record.kind === 'hr') {
      stats[record.employmentStatus]++;
      if (record.terminationDate) stats.withTerminationDate++;
    } else if (stats.kind === 'activity' && record.kind === 'activity') {
      if (record.lastActiveAt === null) stats.neverActive++;
      else {
        stats.withActivity++;
        if (stats.newestActivity === null || record.lastActiveAt > stats.newestActivity) stats.newestActivity = record.lastActiveAt;
        if (stats.oldestActivity === null || record.lastActiveAt < stats.oldestActivity) stats.oldestActivity = record.lastActiveAt;
      }
    }
  });
  problems.items.sort((a, b) => a.line - b.line);
  const normalise = rowNormaliser(kind, m.columns, m.fieldIndex, dateOrders, now);
  const preview = rawPreview.flatMap((row) => normalise(row, []) ?? []);
  return { ...base, problems: problems.items, problemCount: problems.count, preview, stats, plan: problems.count === 0 ? plan : null };
}

function walkRows(plan: TImportPlan, now: number, problems: ProblemList, sink: (record: TImportRecord) => void): void {
  const normalise = rowNormaliser(plan.kind, plan.columns, plan.fieldIndex, plan.dateOrders, now);
  let isHeader = true;
  const rowProblems: TImportProblem[] = [];
  parse(
    plan.text,
    csvOptions(plan.delimiter, (record, endLine) => {
      if (isHeader) {
        isHeader = false;
        return;
      }
      rowProblems.length = 0;
      const normalised = normalise({ line: startLine(endLine, record), cells: record }, rowProblems);
      for (const p of rowProblems) problems.add(p);
      if (normalised) sink(normalised);
    }),
  );
}

/** The fields of `kind` in display order (for the preview table). */
export function fieldsOf(kind: TImportKind): readonly TImportField[] {
  return IMPORT_FIELDS[kind].map((f) => f.key).filter((k) => k !== 'givenName' && k !== 'familyName');
}
