import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { listAuditPage } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { commitImport, getCurrentImports, listImports, MAX_IMPORT_BYTES, previewImport, type TImportView } from './index';
import { countAllImportContent } from './queries';

/**
 * HR roster and activity imports through the real database: what a good file stores, and for
 * every kind of bad file, an error that names the line and column and a database left exactly
 * as it was (row counts, the current import of each kind, the audit log).
 */

const ADMIN = { id: 'admin-1', email: 'admin@northwind.example' };
const utf8 = (text: string) => new TextEncoder().encode(text);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const GOOD_HR = [
  'Work Email,Employment Status,Termination Date,Department,Cost Centre,Division,Manager Email,First Name,Last Name',
  'Ann.Lee@northwind.example,Active,,Engineering,CC-100,Product,boss@northwind.example,Ann,Lee',
  'bob.roe@northwind.example,Terminated,2026-09-30,Sales,CC-200,Revenue,,Bob,Roe',
  'cy.fox@northwind.example,On leave,,Finance,,,,Cy,Fox',
  '',
].join('\n');

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

/** Everything a refused import must leave untouched. */
function databaseState() {
  return { counts: countAllImportContent(), current: getCurrentImports(), audit: listAuditPage({}, 1, 1).total };
}

describe('imports', () => {
  useTempDatabase();

  it('commits an HR roster: rows normalised, the import recorded with uploader, rows and SHA-256, and audited', () => {
    const bytes = utf8(GOOD_HR);
    const view = commitImport(ADMIN, 'hr', bytes, 'C:\\exports\\roster.csv');
    expect(view).toMatchObject<Partial<TImportView>>({
      kind: 'hr',
      fileName: 'roster.csv',
      sha256: sha256(bytes),
      byteCount: bytes.length,
      rowCount: 3,
      uploadedByEmail: ADMIN.email,
      columnMap: {
        'Work Email': 'email',
        'Employment Status': 'employmentStatus',
        'Termination Date': 'terminationDate',
        Department: 'department',
        'Cost Centre': 'costCenter',
        Division: 'division',
        'Manager Email': 'managerEmail',
        'First Name': 'givenName',
        'Last Name': 'familyName',
      },
    });
    expect(Date.now() - Date.parse(view.uploadedAt)).toBeLessThan(60_000);
    expect(countAllImportContent()).toEqual({ imports: 1, hrRecords: 3, activityRecords: 0 });
    expect(getCurrentImports().hr?.id).toBe(view.id);
    const audit = listAuditPage({ action: 'import.committed' }, 1, 10).rows;
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ kind: 'hr', fileName: 'roster.csv', sha256: sha256(bytes), rowCount: 3, replacesImportId: null });
    expect(listImports({ page: 1, pageSize: 10 }).rows.map((r) => r.id)).toEqual([view.id]);
  });

  it('previews without writing: mapping, first rows as they would be stored, counts and problems', () => {
    const before = databaseState();
    const preview = previewImport('hr', utf8(GOOD_HR), 'roster.csv');
    expect(databaseState()).toEqual(before);
    expect(preview).toMatchObject({ ok: true, rowCount: 3, problemCount: 0, encoding: 'UTF-8', delimiter: 'comma', current: null, sameAsCurrent: false });
    expect(preview.fields.find((f) => f.key === 'email')).toEqual({ key: 'email', label: 'Email', required: true, column: 'A', header: 'Work Email' });
    expect(preview.rows[0]).toMatchObject({ line: 2, email: 'ann.lee@northwind.example', employmentStatus: 'active', name: 'Ann Lee', costCenter: 'CC-100' });
    expect(preview.rows[1]).toMatchObject({ line: 3, employmentStatus: 'terminated', terminationDate: '2026-09-30' });
    expect(preview.rows[2]).toMatchObject({ line: 4, employmentStatus: 'leave', costCenter: null });
    expect(preview.stats).toEqual({ kind: 'hr', active: 1, terminated: 1, leave: 1, withTerminationDate: 1 });

    const bad = previewImport('hr', utf8('email,status\nx@northwind.example,contractor\ny@northwind.example,active\ny@northwind.example,active\n'), 'bad.csv');
    expect(bad.ok).toBe(false);
    expect(bad.problems.map((p) => [p.line, p.column])).toEqual([
      [2, 'B'],
      [4, 'A'],
    ]);
    expect(databaseState()).toEqual(before);
  });

  it('reads last-activity exports: synonyms, "Never", time zones, and a UTF-8 byte-order mark', () => {
    const text = '\uFEFFE-mail Address;Last sign-in (UTC)\r\nkim@northwind.example;2026-11-20T09:30:00+02:00\r\nlee@northwind.example;Never\r\nmo@northwind.example;"Sep 3, 2026, 2:05 PM"\r\n';
    const view = commitImport(ADMIN, 'activity', utf8(text), 'okta.csv');
    expect(view.rowCount).toBe(3);
    expect(view.columnMap).toEqual({ 'E-mail Address': 'email', 'Last sign-in (UTC)': 'lastActiveAt' });
    const preview = previewImport('activity', utf8(text), 'okta.csv');
    expect(preview.rows).toEqual([
      { kind: 'activity', line: 2, email: 'kim@northwind.example', lastActiveAt: '2026-11-20T07:30:00.000Z' },
      { kind: 'activity', line: 3, email: 'lee@northwind.example', lastActiveAt: null },
      { kind: 'activity', line: 4, email: 'mo@northwind.example', lastActiveAt: '2026-09-03T14:05:00.000Z' },
    ]);
    expect(preview).toMatchObject({ encoding: 'UTF-8 with byte-order mark', delimiter: 'semicolon', sameAsCurrent: true, ok: false });
  });

  it('decodes UTF-16 LE and BE files that carry a byte-order mark (Excel "Unicode Text")', () => {
    const text = 'Email\tLast active\r\nzoë@northwind.example\t2026-11-01\r\n';
    const le = Uint8Array.from([0xff, 0xfe, ...Buffer.from(text, 'utf16le')]);
    const be = Uint8Array.from([0xfe, 0xff, ...Buffer.from(text, 'utf16le').swap16()]);
    expect(previewImport('activity', le, 'a.txt')).toMatchObject({ ok: true, encoding: 'UTF-16 LE (byte-order mark)', delimiter: 'tab' });
    const view = commitImport(ADMIN, 'activity', be, 'b.txt');
    expect(view.rowCount).toBe(1);
    expect(previewImport('activity', be, 'b.txt').rows[0]).toMatchObject({ email: 'zoë@northwind.example', lastActiveAt: '2026-11-01T00:00:00.000Z' });
  });

  describe('refuses bad files with the line and column, and changes nothing', () => {
    const cases: Array<{ name: string; kind: 'hr' | 'activity'; bytes: () => Uint8Array; code?: string; message: RegExp }> = [
      {
        name: 'an impossible date',
        kind: 'hr',
        bytes: () => utf8('email,status,termination date\na@northwind.example,terminated,2026-02-30\n'),
        message: /^Nothing was imported\. Line 2, column C \("termination date"\): "2026-02-30" is not a valid date: 2026-02 has no day 30\.$/,
      },
      {
        name: 'a date that is not a date',
        kind: 'activity',
        bytes: () => utf8('email,last active\na@northwind.example,2026-11-01\nb@northwind.example,yesterday\n'),
        message: /Line 3, column B \("last active"\): "yesterday" is not a valid date/,
      },
      {
        name: 'day-first and month-first dates mixed in one column',
        kind: 'hr',
        bytes: () => utf8('email,status,end date\na@northwind.example,terminated,30/04/2026\nb@northwind.example,terminated,04/30/2026\n'),
        message: /Line 3, column C \("end date"\): this column mixes day-first dates \(line 2\) and month-first dates \(line 3\)/,
      },
      {
        name: 'numeric dates whose order nothing settles',
        kind: 'hr',
        bytes: () => utf8('email,status,termination date\na@northwind.example,terminated,03/04/2026\n'),
        message: /Line 2, column C \("termination date"\): dates such as this one could be day-first or month-first/,
      },
      {
        name: 'a last-active date in the future',
        kind: 'activity',
        bytes: () => utf8('email,last login\na@northwind.example,2031-01-01\n'),
        message: /Line 2, column B \("last login"\): "2031-01-01" is in the future/,
      },
      {
        name: 'a missing required column',
        kind: 'hr',
        bytes: () => utf8('email,department\na@northwind.example,Sales\n'),
        message: /Line 1: no column for "Employment status" \(required\)\. .*Columns found: "email", "department"\./,
      },
      {
        name: 'only unknown columns',
        kind: 'activity',
        bytes: () => utf8('Full Name,Seat type\nAnn,Editor\n'),
        message: /Line 1: no column for "Email" \(required\)/,
      },
      {
        name: 'two columns that both look like the email',
        kind: 'activity',
        bytes: () => utf8('Email,last active,EMAIL\na@northwind.example,2026-11-01,b@northwind.example\n'),
        message: /Line 1: columns A \("Email"\) and C \("EMAIL"\) both look like "Email"/,
      },
      {
        name: 'an unknown employment status',
        kind: 'hr',
        bytes: () => utf8('email,status\na@northwind.example,Contractor\n'),
        message: /Line 2, column B \("status"\): "Contractor" is not an employment status Attest knows/,
      },
      {
        name: 'a row without an email',
        kind: 'hr',
        bytes: () => utf8('email,status\n,active\n'),
        message: /Line 2, column A \("email"\): the email is empty/,
      },
      {
        name: 'a value that is not an email',
        kind: 'activity',
        bytes: () => utf8('email,last active\nann at northwind,2026-11-01\n'),
        message: /Line 2, column A \("email"\): "ann at northwind" is not an email address/,
      },
      {
        name: 'duplicate emails (case-insensitively)',
        kind: 'hr',
        bytes: () => utf8('email,status\na@northwind.example,active\nb@northwind.example,active\n\nA@Northwind.example,terminated\n'),
        message: /Line 5, column A \("email"\): a@northwind\.example is already on line 2\. The file must have one row per person\./,
      },
      {
        name: 'invalid UTF-8 (a Windows-1252 export)',
        kind: 'hr',
        bytes: () => Uint8Array.from([...utf8('email,status,name\na@northwind.example,active,Ren'), 0xe9, ...utf8('e\n')]),
        message: /Line 2, column C \("name"\): byte 0xE9 is not valid UTF-8\. .*Save it as "CSV UTF-8"/,
      },
      {
        name: 'UTF-16 without a byte-order mark',
        kind: 'activity',
        bytes: () => Uint8Array.from(Buffer.from('email,last active\r\na@northwind.example,2026-11-01\r\n', 'utf16le')),
        message: /UTF-16 without a byte-order mark/,
      },
      {
        name: 'an Excel workbook',
        kind: 'hr',
        bytes: () => Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]),
        message: /Excel workbook \(\.xlsx\).*CSV UTF-8/,
      },
      { name: 'an empty file', kind: 'hr', bytes: () => new Uint8Array(0), message: /The file is empty: line 1 should be a header row/ },
      { name: 'a file of blank lines', kind: 'activity', bytes: () => utf8('\uFEFF\r\n\r\n  \n'), message: /The file is empty/ },
      { name: 'a header without rows', kind: 'hr', bytes: () => utf8('email,status\n\n'), message: /Line 2: the file has a header but no data rows/ },
      {
        name: 'a quote that is never closed',
        kind: 'hr',
        bytes: () => utf8('email,status\na@northwind.example,active\nb@northwind.example,"active\nc@northwind.example,active\n'),
        message: /Line 3: a quoted value starts here and is never closed/,
      },
      {
        name: 'a row with more values than the header',
        kind: 'hr',
        bytes: () => utf8('email,status\na@northwind.example,active,Sales, EMEA\n'),
        message: /Line 2 has 4 values but the header has 2/,
      },
      {
        name: 'a file over 50 MB',
        kind: 'hr',
        bytes: () => new Uint8Array(MAX_IMPORT_BYTES + 1),
        code: 'too_large',
        message: /^The file is 50 MB \(52,428,801 bytes\); imports are limited to 50 MB \(52,428,800 bytes\)\./,
      },
    ];

    it.each(cases)('$name', ({ kind, bytes, code, message }) => {
      // A current import of each kind exists: a refused file must not replace it.
      commitImport(ADMIN, 'hr', utf8(GOOD_HR), 'roster.csv');
      commitImport(ADMIN, 'activity', utf8('email,last active\nann.lee@northwind.example,2026-11-01\n'), 'activity.csv');
      const before = databaseState();
      const error = thrown(() => commitImport(ADMIN, kind, bytes(), 'upload.csv'));
      expect(error.code).toBe(code ?? 'invalid');
      expect(error.message).toMatch(message);
      expect(databaseState()).toEqual(before);
    });

    it('reports how many more problems there are and keeps the first ones as field errors', () => {
      const before = databaseState();
      const error = thrown(() => commitImport(ADMIN, 'hr', utf8('email,status\nx,active\ny,active\nz@northwind.example,unknown\n'), 'many.csv'));
      expect(error.message).toMatch(/^Nothing was imported\. Line 2, column A \("email"\): "x" is not an email address\. \(2 more problems: preview the file to see them all\.\)$/);
      expect(error.fieldErrors?.file).toHaveLength(3);
      expect(databaseState()).toEqual(before);
    });
  });

  it('rolls back every row already written when the last line of a long file is bad', () => {
    commitImport(ADMIN, 'activity', utf8('email,last active\nann.lee@northwind.example,2026-11-01\n'), 'activity.csv');
    const before = databaseState();
    const rows = Array.from({ length: 5_000 }, (_, i) => `user${i}@northwind.example,2026-10-${String((i % 28) + 1).padStart(2, '0')}`);
    const error = thrown(() => commitImport(ADMIN, 'activity', utf8(`email,last active\n${rows.join('\n')}\nlast@northwind.example,2026-10-32\n`), 'long.csv'));
    expect(error.message).toMatch(/^Nothing was imported\. Line 5002, column B \("last active"\): "2026-10-32" is not a valid date/);
    expect(databaseState()).toEqual(before);
  });

  it('refuses a file identical to the current import, and a file that is not the one previewed', () => {
    const first = commitImport(ADMIN, 'hr', utf8(GOOD_HR), 'roster.csv');
    const before = databaseState();
    const same = thrown(() => commitImport(ADMIN, 'hr', utf8(GOOD_HR), 'roster-again.csv'));
    expect(same.code).toBe('conflict');
    expect(same.message).toContain(`import #${first.id}`);
    const other = `${GOOD_HR}dee@northwind.example,Active,,,,,,Dee,Ray\n`;
    const mismatch = thrown(() => commitImport(ADMIN, 'hr', utf8(other), 'roster.csv', { expectedSha256: sha256(utf8(GOOD_HR)) }));
    expect(mismatch.code).toBe('conflict');
    expect(mismatch.message).toMatch(/not the file you previewed/);
    expect(databaseState()).toEqual(before);

    // The matching hash goes through, and the new import replaces the old one as current.
    const second = commitImport(ADMIN, 'hr', utf8(other), 'roster.csv', { expectedSha256: sha256(utf8(other)) });
    expect(getCurrentImports().hr?.id).toBe(second.id);
    expect(countAllImportContent()).toEqual({ imports: 2, hrRecords: 7, activityRecords: 0 });
    const audit = listAuditPage({ action: 'import.committed' }, 1, 1).rows[0]!;
    expect(JSON.parse(audit.details)).toMatchObject({ replacesImportId: first.id, rowCount: 4 });
  });

  it('validates its arguments', () => {
    expect(thrown(() => previewImport('payroll' as 'hr', utf8(GOOD_HR), 'x.csv')).message).toBe('Choose HR roster or Last activity.');
    expect(thrown(() => commitImport(ADMIN, 'hr', utf8(GOOD_HR), '   ')).message).toBe('The file has no name.');
  });
});
