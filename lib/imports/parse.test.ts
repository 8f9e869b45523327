import { describe, expect, it } from 'vitest';
import { numericDateOrders, parseDateCell } from './dates';
import { columnLetter, detectDelimiter, firstInvalidUtf8Offset } from './decode';
import { mapHeaders, meansNever, normaliseHeader, parseEmploymentStatus } from './fields';
import { scanImport } from './parse';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('dates', () => {
  it.each([
    ['2026-09-30', '2026-09-30T00:00:00.000Z', '2026-09-30'],
    ['2026-09-30T14:05:00Z', '2026-09-30T14:05:00.000Z', '2026-09-30'],
    ['2026-09-30 14:05:07.250+02:00', '2026-09-30T12:05:07.250Z', '2026-09-30'],
    ['2026/9/3', '2026-09-03T00:00:00.000Z', '2026-09-03'],
    ['30 Sep 2026', '2026-09-30T00:00:00.000Z', '2026-09-30'],
    ['30-Sep-2026', '2026-09-30T00:00:00.000Z', '2026-09-30'],
    ['September 30, 2026', '2026-09-30T00:00:00.000Z', '2026-09-30'],
    ['Sep 3, 2026, 2:05 PM', '2026-09-03T14:05:00.000Z', '2026-09-03'],
    ['Tue, 29 Sep 2026 12:00:00 GMT', '2026-09-29T12:00:00.000Z', '2026-09-29'],
    ['2026-01-01 12:30 AM', '2026-01-01T00:30:00.000Z', '2026-01-01'],
    ['2026-03-01T00:30:00-05:00', '2026-03-01T05:30:00.000Z', '2026-03-01'],
  ])('%s', (text, instant, date) => {
    expect(parseDateCell(text, null)).toEqual({ kind: 'ok', value: { instant, date } });
  });

  it('refuses impossible and ambiguous dates with a reason', () => {
    expect(parseDateCell('2026-02-29', null)).toEqual({ kind: 'invalid', reason: '2026-02 has no day 29' });
    expect(parseDateCell('2028-02-29', null).kind).toBe('ok');
    expect(parseDateCell('2026-13-01', null)).toEqual({ kind: 'invalid', reason: 'there is no month 13' });
    expect(parseDateCell('1850-01-01', null)).toMatchObject({ kind: 'invalid', reason: 'the year 1850 is out of range' });
    expect(parseDateCell('9/30/26', null)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('two-digit years') });
    expect(parseDateCell('soon', null)).toMatchObject({ kind: 'invalid' });
    expect(parseDateCell('2026-09-30T25:00', null)).toMatchObject({ kind: 'invalid', reason: 'the time is out of range' });
    expect(parseDateCell('03/04/2026', null)).toEqual({ kind: 'ambiguous' });
    expect(parseDateCell('03/04/2026', 'dmy')).toMatchObject({ kind: 'ok', value: { date: '2026-04-03' } });
    expect(parseDateCell('03/04/2026', 'mdy')).toMatchObject({ kind: 'ok', value: { date: '2026-03-04' } });
    // One order is the only valid one: no column decision needed.
    expect(parseDateCell('30/09/2026', null)).toMatchObject({ kind: 'ok', value: { date: '2026-09-30' } });
    expect(parseDateCell('9/30/2026 2:05 PM', null)).toMatchObject({ kind: 'ok', value: { instant: '2026-09-30T14:05:00.000Z' } });
  });

  it('tells which numeric orders a value allows', () => {
    expect(numericDateOrders('30/09/2026')).toEqual(['dmy']);
    expect(numericDateOrders('09/30/2026')).toEqual(['mdy']);
    expect(numericDateOrders('03/04/2026')).toEqual(['dmy', 'mdy']);
    expect(numericDateOrders('31/31/2026')).toEqual([]);
    expect(numericDateOrders('2026-09-30')).toBeNull();
  });
});

describe('decoding and headers', () => {
  it('names columns like a spreadsheet', () => {
    expect([0, 1, 25, 26, 27, 701, 702].map(columnLetter)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });

  it('finds the first byte that is not UTF-8 (overlongs, surrogates and truncations included)', () => {
    expect(firstInvalidUtf8Offset(utf8('plain ascii, é, 日本, 😀'))).toBe(-1);
    expect(firstInvalidUtf8Offset(Uint8Array.from([0x61, 0xc0, 0x80]))).toBe(1);
    expect(firstInvalidUtf8Offset(Uint8Array.from([0x61, 0x62, 0xed, 0xa0, 0x80]))).toBe(2);
    expect(firstInvalidUtf8Offset(Uint8Array.from([0xe2, 0x82]))).toBe(0);
    expect(firstInvalidUtf8Offset(Uint8Array.from([0x41, 0xe9, 0x41]))).toBe(1);
  });

  it('detects the delimiter from the header', () => {
    expect(detectDelimiter('email,status')).toBe(',');
    expect(detectDelimiter('email;status;"a,b"')).toBe(';');
    expect(detectDelimiter('email\tstatus')).toBe('\t');
  });

  it('maps headers case-insensitively with synonyms, best synonym first', () => {
    expect(normaliseHeader(' Work E-mail (primary) ')).toBe('work e mail');
    const m = mapHeaders('hr', ['Name', 'Status', 'Login', 'Work Email', 'Dept.', "Manager's Email", 'Badge']);
    expect(m.problems).toEqual([]);
    expect(m.fieldIndex).toEqual({ name: 0, employmentStatus: 1, email: 3, department: 4, managerEmail: 5 });
    expect(m.columns[2]).toMatchObject({ field: null, note: 'Email is read from column D ("Work Email")' });
    expect(m.columns[6]).toMatchObject({ field: null, note: null });
  });

  it('knows the employment statuses HR systems write, and the words for "never"', () => {
    expect(['Active', 'EMPLOYED', 'Terminated', 'inactive', 'On Leave', 'LOA'].map(parseEmploymentStatus)).toEqual(['active', 'active', 'terminated', 'terminated', 'leave', 'leave']);
    expect(parseEmploymentStatus('Contractor')).toBeNull();
    expect(['Never', 'never logged in', '-', '—', ''].every(meansNever)).toBe(true);
    expect(meansNever('2026-01-01')).toBe(false);
  });
});

describe('scanImport', () => {
  it('counts the line a record starts on, across quoted line breaks and blank lines', () => {
    const scan = scanImport('hr', utf8('email,status,department\r\na@x.example,active,"R&D\r\nLabs"\r\n\r\nb@x.example,bogus,Eng\r\n'));
    expect(scan.rowCount).toBe(2);
    expect(scan.problems.map((p) => [p.line, p.column, p.header])).toEqual([[5, 'B', 'status']]);
    expect(scan.plan).toBeNull();
  });

  it('reports at most 100 problems but counts them all', () => {
    const rows = Array.from({ length: 150 }, (_, i) => `user${i},active`).join('\n');
    const scan = scanImport('hr', utf8(`email,status\n${rows}\n`));
    expect(scan.problems).toHaveLength(100);
    expect(scan.problemCount).toBe(150);
    expect(scan.problems[0]?.line).toBe(2);
  });
});
