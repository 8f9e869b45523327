import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TImportKind } from '@/db/schema';
import { listAuditPage } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { commitImport, getCurrentImports, IMPORT_FIELDS, previewImport, type TImportField, type TImportPreview, type TImportView } from './index';
import { countAllImportContent } from './queries';

/**
 * Property-based tests of the CSV importers through the real database: arbitrary bytes, and CSV
 * built from random headers and cells (quotes, delimiters, newlines, BOMs, unicode, long values,
 * duplicate emails, bad dates, damage). Each upload either imports exactly its data rows, or is
 * refused with an AppError whose message names the line (and the column) and leaves the database
 * exactly as it was. Preview and commit always agree.
 */

const ADMIN = { id: 'admin-1', email: 'admin@northwind.example' };

/** Everything a refused import must leave untouched. */
function databaseState() {
  return { counts: countAllImportContent(), current: getCurrentImports(), audit: listAuditPage({}, 1, 1).total };
}

type TOutcome = { ok: true; view: TImportView } | { ok: false; error: AppError };

function commit(kind: TImportKind, bytes: Uint8Array): TOutcome {
  try {
    return { ok: true, view: commitImport(ADMIN, kind, bytes, 'upload.csv') };
  } catch (error) {
    // Anything but an AppError is a crash: let it fail the property.
    if (!(error instanceof AppError)) throw error;
    return { ok: false, error };
  }
}

/** The physical lines of the text as an editor counts them (CRLF, CR and LF each end one). */
const lineCount = (text: string): number => text.replace(/\r\n?/g, '\n').split('\n').length;

/**
 * Import `bytes` and check what holds for any file: preview and commit agree, a success adds exactly
 * one import with `rowCount` records, a refusal changes nothing and names a line within the file.
 */
function importAndCheck(kind: TImportKind, bytes: Uint8Array, maxLine: number): { preview: TImportPreview; outcome: TOutcome } {
  const before = databaseState();
  const preview = previewImport(kind, bytes, 'upload.csv');
  expect(databaseState()).toEqual(before);
  for (const p of preview.problems) {
    expect(Number.isInteger(p.line) && p.line >= 1 && p.line <= maxLine, `line ${p.line} of ${maxLine}: ${p.message}`).toBe(true);
    expect(p.message.length).toBeGreaterThan(0);
    // A problem located in a column names it ("column B", or "columns A (…) and B (…)" for a header clash).
    if (p.column !== null && p.message.includes(`Line ${p.line}`)) {
      expect(p.column).toMatch(/^[A-Z]+$/);
      expect(p.message.includes(`column ${p.column}`) || p.message.includes(` ${p.column} ("`)).toBe(true);
    }
    // A problem that names no line is about the whole file (an encoding, a workbook, nothing in it).
    if (!p.message.includes(`Line ${p.line}`)) expect(p.message).toMatch(/^The file (looks like UTF-16|starts with a UTF-16|is empty)|^This is an (old )?Excel workbook/);
  }
  expect(preview.problemCount).toBeGreaterThanOrEqual(preview.problems.length);

  const outcome = commit(kind, bytes);
  const after = databaseState();
  expect(outcome.ok).toBe(preview.ok);
  if (outcome.ok) {
    const { view } = outcome;
    expect(view.rowCount).toBe(preview.rowCount);
    expect(view.rowCount).toBeGreaterThan(0);
    expect(view.byteCount).toBe(bytes.length);
    expect(view.sha256).toBe(preview.sha256);
    const table = kind === 'hr' ? 'hrRecords' : 'activityRecords';
    const other = kind === 'hr' ? 'activityRecords' : 'hrRecords';
    expect(after.counts.imports).toBe(before.counts.imports + 1);
    expect(after.counts[table]).toBe(before.counts[table] + view.rowCount);
    expect(after.counts[other]).toBe(before.counts[other]);
    expect(after.current[kind]?.id).toBe(view.id);
    expect(after.audit).toBe(before.audit + 1);
  } else {
    const { error } = outcome;
    expect(after).toEqual(before);
    if (preview.sameAsCurrent) {
      expect(error.code).toBe('conflict');
      expect(error.message).toMatch(/already the current/);
    } else {
      expect(error.code).toBe('invalid');
      const first = preview.problems[0];
      expect(first).toBeDefined();
      expect(error.message.startsWith(`Nothing was imported. ${first?.message}`)).toBe(true);
      expect(error.fieldErrors?.file?.[0]).toBe(first?.message);
    }
  }
  return { preview, outcome };
}

// ─── Arbitrary bytes ───────────────────────────────────────────────────────────────────────

describe('imports of arbitrary bytes', () => {
  useTempDatabase();

  it('previews and commits any byte array without crashing, and a refusal writes nothing', () => {
    const prefix = fc.constantFrom(
      [],
      [0xef, 0xbb, 0xbf],
      [0xff, 0xfe],
      [0xfe, 0xff],
      [0x50, 0x4b, 0x03, 0x04],
      [0xd0, 0xcf, 0x11, 0xe0],
      [...new TextEncoder().encode('email,status,last active\n')],
    );
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 120 }),
      // Bytes mostly from the CSV alphabet, so that some of them get past decoding.
      fc.array(fc.constantFrom(0x61, 0x40, 0x2e, 0x2c, 0x3b, 0x09, 0x22, 0x0a, 0x0d, 0x20, 0x00, 0xe9, 0xc3, 0xa9, 0x31, 0x2d), { maxLength: 120 }).map((a) => Uint8Array.from(a)),
    );
    fc.assert(
      fc.property(fc.constantFrom<TImportKind>('hr', 'activity'), prefix, body, (kind, head, rest) => {
        const bytes = Uint8Array.from([...head, ...rest]);
        let breaks = 0;
        for (const b of bytes) if (b === 0x0a || b === 0x0d) breaks++;
        importAndCheck(kind, bytes, breaks + 2);
      }),
      { numRuns: 150 },
    );
  });
});

// ─── CSV from random headers and cells ─────────────────────────────────────────────────────

type TColumn = { field: TImportField | null; header: string };
type TRow = { cells: string[] };
type TFile = {
  kind: TImportKind;
  columns: TColumn[];
  rows: TRow[];
  delimiter: ',' | ';' | '\t';
  eol: '\n' | '\r\n';
  quoteAll: boolean;
  blankLines: number[];
  trailingEol: boolean;
  encoding: 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be';
  damage: null | 'unclosed-quote' | 'ragged-row' | 'nul' | 'latin1';
  damageAt: number;
};

const FREE_TEXT_UNITS = ['a', 'Z', '0', ' ', ',', ';', '\t', '"', '\n', '\r\n', '\r', "'", '%', '_', '\\', 'é', '日', '😀', '\u00a0', '\u2028', 'Ann', 'Lee', 'Sales'];
/** Mostly values that are fine, sometimes one that is not (a run then has a fair chance of being importable). */
const mostly = (good: fc.Arbitrary<string>, bad: fc.Arbitrary<string>) => fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: bad });
const freeText = mostly(
  fc.string({ unit: fc.constantFrom(...FREE_TEXT_UNITS), maxLength: 8 }),
  fc.integer({ min: 190, max: 260 }).map((n) => 'w'.repeat(n)),
);
const email = mostly(
  fc.tuple(fc.integer({ min: 0, max: 60 }), fc.boolean(), fc.boolean()).map(([n, upper, padded]) => {
    const e = `user${n}@northwind.example`;
    return `${padded ? ' ' : ''}${upper ? e.toUpperCase() : e}${padded ? ' ' : ''}`;
  }),
  fc.constantFrom('', 'not an email', 'ann@', '@northwind.example', 'a b@northwind.example', 'zoë@northwind.example', 'a"b@x.io'),
);
const CELL: Record<TImportField, fc.Arbitrary<string>> = {
  email,
  employmentStatus: mostly(fc.constantFrom('Active', 'active', ' Terminated ', 'On leave', 'LOA', 'A', 'former employee'), fc.constantFrom('Contractor', '')),
  // Day-first and month-first dates are each fine alone, a problem together in one column.
  terminationDate: mostly(fc.constantFrom('', '', '2026-09-30', 'Sep 30, 2026', '2026-09-30T14:05:00+02:00'), fc.constantFrom('30/09/2026', '09/30/2026', '03/04/2026', '2026-02-30', 'yesterday', '1899-01-01')),
  lastActiveAt: mostly(fc.constantFrom('', '2026-09-30', '2026-09-30T14:05:00Z', 'Never', '—', 'N/A'), fc.constantFrom('30.09.2026', '9/30/2026 2:05 PM', '03/04/2026', '2031-01-01', '2026-13-01', 'soon')),
  department: freeText,
  costCenter: freeText,
  division: freeText,
  managerEmail: fc.oneof(email, fc.constant('')),
  name: freeText,
  givenName: freeText,
  familyName: freeText,
};

/** A header that normalises to `synonym` (fields.ts: case, punctuation and "(…)" do not matter). */
const headerFor = (synonym: string) =>
  fc.tuple(fc.array(fc.constantFrom(' ', '-', '_', ' - ', '/'), { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 2 ** 20 }), fc.boolean()).map(([seps, mask, suffix]) => {
    let i = 0;
    const spaced = synonym.replace(/ /g, () => seps[i++ % seps.length] as string);
    const cased = [...spaced].map((c, j) => ((mask >> j % 20) & 1 ? c.toUpperCase() : c)).join('');
    return suffix ? `${cased} (UTC)` : cased;
  });
const NOISE_HEADERS = ['Notes', 'Seat type', 'Employee ID', 'Location', 'Phone', 'x', ''];

const csvFile: fc.Arbitrary<TFile> = fc.constantFrom<TImportKind>('hr', 'activity').chain((kind) => {
  const specs = IMPORT_FIELDS[kind];
  const fieldColumn = (spec: (typeof specs)[number]) =>
    fc.constantFrom(...spec.synonyms).chain(headerFor).map((header): TColumn => ({ field: spec.key, header }));
  const columns = fc
    .tuple(
      // Each field at most once (a required one usually there), in random order, plus ignored columns.
      fc.tuple(...specs.map((spec) => fc.option(fieldColumn(spec), { freq: spec.required ? 12 : 2, nil: null }))),
      fc.array(fc.constantFrom(...NOISE_HEADERS, ...(kind === 'activity' ? ['Department', 'Status'] : ['Last active'])), { maxLength: 2 }),
      fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }),
    )
    .chain(([fields, noise, duplicate]) => {
      const cols: TColumn[] = [...fields.filter((c): c is TColumn => c !== null), ...noise.map((header) => ({ field: null, header }))];
      // Sometimes the same header twice: which column is meant is then a problem.
      const copied = duplicate === null || cols.length === 0 ? null : (cols[duplicate % cols.length] as TColumn);
      if (copied) cols.push({ field: copied.field, header: copied.header });
      if (cols.every((c) => c.header.trim() === '')) cols.push({ field: null, header: 'Notes' });
      return fc.shuffledSubarray(cols, { minLength: cols.length, maxLength: cols.length });
    });
  return columns.chain((cols) =>
    fc.record({
      kind: fc.constant(kind),
      columns: fc.constant(cols),
      rows: fc.array(fc.tuple(...cols.map((c) => (c.field ? CELL[c.field] : freeText))).map((cells) => ({ cells })), { maxLength: 7 }),
      delimiter: fc.constantFrom(',', ';', '\t'),
      eol: fc.constantFrom('\n', '\r\n'),
      quoteAll: fc.boolean(),
      blankLines: fc.array(fc.nat({ max: 8 }), { maxLength: 2 }),
      trailingEol: fc.boolean(),
      encoding: fc.constantFrom('utf-8', 'utf-8', 'utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be'),
      damage: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('unclosed-quote', 'ragged-row', 'nul', 'latin1') }),
      damageAt: fc.nat(),
    }),
  );
});

/** RFC 4180 quoting: a value with a delimiter, quote, line break or edge whitespace goes in quotes, with quotes doubled. */
function cellText(value: string, file: TFile): string {
  const needs = file.quoteAll || /[,;\t"\r\n]/.test(value) || value.trim() !== value;
  return needs ? `"${value.replace(/"/g, '""')}"` : value;
}

type TBuilt = { bytes: Uint8Array; text: string; rowLines: number[]; dataRows: TRow[]; damaged: boolean; damageLine: number | null };

/**
 * Serialise the file; `rowLines[i]` is the line row i starts on, `dataRows` the rows that are not
 * blank, `damaged` whether damage was applied (a Latin-1 byte only exists in a UTF-8 file).
 */
function build(file: TFile): TBuilt {
  const lines = [file.columns.map((c) => cellText(c.header, file)).join(file.delimiter)];
  let line = 2;
  const rowLines: number[] = [];
  file.rows.forEach((row, i) => {
    for (const at of file.blankLines) {
      if (at === i) {
        lines.push('');
        line++;
      }
    }
    const text = row.cells.map((c) => cellText(c, file)).join(file.delimiter);
    rowLines.push(line);
    lines.push(text);
    line += lineCount(text);
  });
  let text = lines.join(file.eol) + (file.trailingEol ? file.eol : '');
  // The damaged rows are appended on a line of their own.
  const damageLine = file.damage === 'unclosed-quote' || file.damage === 'ragged-row' ? lineCount(text) + 1 : null;
  if (file.damage === 'unclosed-quote') text += `${file.eol}"never closed${file.delimiter}x`;
  if (file.damage === 'ragged-row') text += `${file.eol}${[...file.columns, null].map(() => 'extra').join(file.delimiter)}`;
  const cut = file.damageAt % (text.length + 1);
  // Insert at a code point boundary, so the damage is exactly the one byte or character.
  const at = /[\udc00-\udfff]/.test(text[cut] ?? '') ? cut - 1 : cut;
  if (file.damage === 'nul') text = `${text.slice(0, at)}\0${text.slice(at)}`;

  let bytes: Uint8Array;
  if (file.encoding === 'utf-16le' || file.encoding === 'utf-16be') {
    const le = Buffer.from(text, 'utf16le');
    bytes = Uint8Array.from([...(file.encoding === 'utf-16le' ? [0xff, 0xfe] : [0xfe, 0xff]), ...(file.encoding === 'utf-16le' ? le : Buffer.from(le).swap16())]);
  } else {
    const bom = file.encoding === 'utf-8-bom' ? [0xef, 0xbb, 0xbf] : [];
    const enc = new TextEncoder();
    const latin1 = file.damage === 'latin1' ? [0xe9] : [];
    bytes = Uint8Array.from([...bom, ...enc.encode(text.slice(0, at)), ...latin1, ...enc.encode(text.slice(at))]);
  }
  const dataRows = file.rows.filter((r) => r.cells.some((c) => c.trim() !== ''));
  const damaged = file.damage !== null && !(file.damage === 'latin1' && file.encoding.startsWith('utf-16'));
  return { bytes, text, rowLines, dataRows, damaged, damageLine };
}

const SIMPLE_EMAIL = /^[^\s@"<>()[\],;:]+@[^\s@"<>()[\],;:]+\.[^\s@"<>()[\],;:]+$/;

describe('imports of CSV built from random headers and cells', () => {
  useTempDatabase();

  it('imports exactly the data rows, or refuses with the line (and column) of the first problem and writes nothing', () => {
    // A current import of each kind exists, so a refused file must leave it current.
    commitImport(ADMIN, 'hr', new TextEncoder().encode('email,status\nfirst@northwind.example,active\n'), 'roster.csv');
    commitImport(ADMIN, 'activity', new TextEncoder().encode('email,last active\nfirst@northwind.example,2026-01-01\n'), 'activity.csv');

    fc.assert(
      fc.property(csvFile, (file) => {
        const built = build(file);
        const { preview, outcome } = importAndCheck(file.kind, built.bytes, lineCount(built.text) + 1);
        const rowsWithEmail = built.dataRows.map((row) => {
          const index = file.columns.findIndex((c) => c.field === 'email');
          return (row.cells[index] ?? '').trim().toLowerCase();
        });
        const duplicatedHeader = new Set(file.columns.filter((c) => c.field).map((c) => c.field)).size !== file.columns.filter((c) => c.field).length;
        const missingRequired = IMPORT_FIELDS[file.kind].some((s) => s.required && !file.columns.some((c) => c.field === s.key));
        const duplicateEmail = new Set(rowsWithEmail).size !== rowsWithEmail.length;

        if (outcome.ok) {
          // Only a clean file can be imported, and it is imported whole.
          expect(built.damaged).toBe(false);
          expect(duplicatedHeader || missingRequired || duplicateEmail).toBe(false);
          expect(outcome.view.rowCount).toBe(built.dataRows.length);
          expect(rowsWithEmail.every((e) => SIMPLE_EMAIL.test(e))).toBe(true);
          return;
        }
        // Each of these always refuses the file.
        if (built.damaged || duplicatedHeader || missingRequired || built.dataRows.length === 0) expect(preview.ok).toBe(false);
        // Broken quoting or a row of the wrong length is reported on the line where that row starts
        // (a header that lacks a required column or repeats one is reported first, on line 1).
        if (built.damageLine !== null && !missingRequired && !duplicatedHeader) {
          expect(preview.problems).toHaveLength(1);
          expect(preview.problems[0]?.line).toBe(built.damageLine);
          expect(preview.problems[0]?.message).toMatch(file.damage === 'ragged-row' ? new RegExp(`^Line ${built.damageLine} has ${file.columns.length + 1} values but the header has ${file.columns.length}\\.`) : new RegExp(`^Line ${built.damageLine}: a quoted value starts here and is never closed`));
        }
        if (built.damaged || duplicatedHeader) return;
        if (missingRequired) expect(preview.problems.some((p) => p.line === 1 && /no column for ".*" \(required\)/.test(p.message))).toBe(true);
        if (missingRequired || built.dataRows.length === 0) return;
        // The file parsed: problems in rows point at the line the row starts on, in the column of the value.
        expect(preview.rowCount).toBe(built.dataRows.length);
        const starts = new Set(file.rows.map((r, i) => (built.dataRows.includes(r) ? built.rowLines[i] : -1)));
        for (const p of preview.problems) {
          if (p.line === 1) continue;
          expect(starts.has(p.line), `line ${p.line}: ${p.message}`).toBe(true);
          expect(p.column).not.toBeNull();
          expect(p.header).toBe(file.columns[p.column ? p.column.charCodeAt(0) - 65 : -1]?.header.trim());
        }
        // A repeated email (among rows that are otherwise valid) names the line of its first occurrence.
        const emailOnLine = (lineNo: number) => rowsWithEmail[built.dataRows.indexOf(file.rows[built.rowLines.indexOf(lineNo)] as TRow)];
        for (const dup of preview.problems.filter((p) => /is already on line \d+/.test(p.message))) {
          expect(duplicateEmail).toBe(true);
          const firstLine = Number(/is already on line (\d+)/.exec(dup.message)?.[1]);
          expect(firstLine).toBeLessThan(dup.line);
          expect(emailOnLine(firstLine)).toBe(emailOnLine(dup.line));
          expect(dup.message).toContain(emailOnLine(dup.line));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('regressions found by the properties above', () => {
  useTempDatabase();

  it('refuses a UTF-16 file holding a NUL character, like a UTF-8 file with a NUL byte (was: imported)', () => {
    const text = 'email,status,department\r\nann@northwind.example,active,Sa\0les\r\n';
    const le = Uint8Array.from([0xff, 0xfe, ...Buffer.from(text, 'utf16le')]);
    const before = databaseState();
    const preview = previewImport('hr', le, 'roster.txt');
    expect(preview.ok).toBe(false);
    expect(preview.problems).toEqual([
      { line: 2, column: 'C', header: 'department', message: 'Line 2, column C: the file contains a NUL character, so it is not a text CSV file.' },
    ]);
    expect(() => commitImport(ADMIN, 'hr', le, 'roster.txt')).toThrow(/^Nothing was imported\. Line 2, column C: the file contains a NUL character/);
    const be = Uint8Array.from([0xfe, 0xff, ...Buffer.from(text, 'utf16le').swap16()]);
    expect(() => commitImport(ADMIN, 'hr', be, 'roster.txt')).toThrow(/Line 2, column C: the file contains a NUL character/);
    expect(databaseState()).toEqual(before);
  });

  it('names the line an unclosed quote starts on, past blank lines (was: the blank line after the last good row)', () => {
    const bytes = new TextEncoder().encode('email,status\nann@northwind.example,active\n\n\nbob@northwind.example,"active\n');
    expect(previewImport('hr', bytes, 'roster.csv').problems).toEqual([
      { line: 5, column: null, header: null, message: 'Line 5: a quoted value starts here and is never closed (a " is missing).' },
    ]);
    // A quote opened in the header itself is on line 1 (was: line 2).
    expect(previewImport('hr', new TextEncoder().encode('email,"status\nann@northwind.example,active\n'), 'roster.csv').problems[0]?.message).toMatch(/^Line 1: a quoted value starts here/);
  });
});
