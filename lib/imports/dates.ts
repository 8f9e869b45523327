/**
 * Dates as HR systems, the Airtable admin panel and SSO reports write them. Pure.
 *
 * Accepted: ISO 8601 (`2026-09-30`, `2026-09-30T14:05:00Z`, `2026-09-30 14:05:00+02:00`),
 * `2026/09/30`, month names (`30 Sep 2026`, `Sep 30, 2026`, `30-Sep-2026`, `Tue, 30 Sep 2026
 * 14:05:00 GMT`), and numeric day/month orders (`30/09/2026`, `9/30/2026 2:05 PM`, `30.09.2026`).
 * A time without a zone is UTC. Two-digit years and years outside 1900–2100 are refused.
 *
 * Numeric `a/b/yyyy` is ambiguous when both parts are ≤ 12. The order is decided per column from
 * the whole file (a value like 30/09 proves day-first); a column where nothing settles it, or
 * that mixes both orders, is refused: guessing would move a termination date by months.
 */

export type TDateOrder = 'dmy' | 'mdy';

/** A parsed value: the instant (UTC ISO) and the calendar date as written (`YYYY-MM-DD`). */
export type TParsedDate = { instant: string; date: string };

export type TDateParse =
  | { kind: 'ok'; value: TParsedDate }
  /** Numeric a/b/yyyy where both orders are valid dates and the column's order is unknown. */
  | { kind: 'ambiguous' }
  | { kind: 'invalid'; reason: string };

const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6,
  jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10, nov: 11, november: 11,
  dec: 12, december: 12,
};

const TIME = String.raw`(?:[T\s,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([AaPp][Mm])?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?|(?:UTC|GMT)[+-]\d{1,2}(?::?\d{2})?)?`;
const ISO_RE = new RegExp(String.raw`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})${TIME}$`);
const NUMERIC_RE = new RegExp(String.raw`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})${TIME}$`);
const DAY_MONTH_RE = new RegExp(String.raw`^(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s-]+(\d{4})${TIME}$`);
const MONTH_DAY_RE = new RegExp(String.raw`^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})${TIME}$`);
const WEEKDAY_PREFIX = /^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+/i;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

type TTimeParts = [h?: string, m?: string, s?: string, frac?: string, ampm?: string, zone?: string];

function offsetMinutes(zone: string | undefined): number | null {
  if (!zone || /^(Z|UTC|GMT)$/i.test(zone)) return 0;
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(zone);
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  if (hours > 14 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function build(year: number, month: number, day: number, time: TTimeParts): TDateParse {
  if (year < 1900 || year > 2100) return { kind: 'invalid', reason: `the year ${year} is out of range` };
  if (month < 1 || month > 12) return { kind: 'invalid', reason: `there is no month ${month}` };
  if (day < 1 || day > daysInMonth(year, month)) return { kind: 'invalid', reason: `${year}-${pad(month)} has no day ${day}` };
  const [h, m, s, frac, ampm, zone] = time;
  let hour = h === undefined ? 0 : Number(h);
  const minute = m === undefined ? 0 : Number(m);
  const second = s === undefined ? 0 : Number(s);
  if (ampm) {
    if (hour < 1 || hour > 12) return { kind: 'invalid', reason: `${hour} ${ampm.toUpperCase()} is not a time` };
    hour = (hour % 12) + (ampm.toLowerCase() === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59 || second > 59) return { kind: 'invalid', reason: 'the time is out of range' };
  const offset = offsetMinutes(zone);
  if (offset === null) return { kind: 'invalid', reason: `"${zone}" is not a time zone offset` };
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  const instant = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 60_000;
  return { kind: 'ok', value: { instant: new Date(instant).toISOString(), date: `${year}-${pad(month)}-${pad(day)}` } };
}

/**
 * For a numeric `a/b/yyyy` value: which orders give a valid date. null when the value is not of
 * that shape (ISO and month names need no order).
 */
export function numericDateOrders(value: string): TDateOrder[] | null {
  const m = NUMERIC_RE.exec(value.trim());
  if (!m) return null;
  const a = Number(m[1]);
  const b = Number(m[2]);
  const year = Number(m[3]);
  const valid = (day: number, month: number) => month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
  const orders: TDateOrder[] = [];
  if (valid(a, b)) orders.push('dmy');
  if (valid(b, a)) orders.push('mdy');
  return orders;
}

/** Parse one non-empty cell. `order` is the column's numeric order when known. */
export function parseDateCell(raw: string, order: TDateOrder | null): TDateParse {
  const value = raw.trim().replace(WEEKDAY_PREFIX, '');
  let m = ISO_RE.exec(value);
  if (m) return build(Number(m[1]), Number(m[2]), Number(m[3]), m.slice(4) as TTimeParts);
  m = NUMERIC_RE.exec(value);
  if (m) {
    const orders = numericDateOrders(value) ?? [];
    const a = Number(m[1]);
    const b = Number(m[2]);
    const time = m.slice(4) as TTimeParts;
    if (orders.length === 0) return build(Number(m[3]), order === 'mdy' ? a : b, order === 'mdy' ? b : a, time);
    const chosen = order ?? (orders.length === 1 ? orders[0] : null);
    if (!chosen) return { kind: 'ambiguous' };
    return chosen === 'dmy' ? build(Number(m[3]), b, a, time) : build(Number(m[3]), a, b, time);
  }
  m = DAY_MONTH_RE.exec(value);
  if (m) {
    const month = MONTHS[(m[2] ?? '').toLowerCase()];
    if (month) return build(Number(m[3]), month, Number(m[1]), m.slice(4) as TTimeParts);
  }
  m = MONTH_DAY_RE.exec(value);
  if (m) {
    const month = MONTHS[(m[1] ?? '').toLowerCase()];
    if (month) return build(Number(m[3]), month, Number(m[2]), m.slice(4) as TTimeParts);
  }
  if (/^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}(\s|$)/.test(value)) return { kind: 'invalid', reason: 'two-digit years are ambiguous: write the year in full (2026-09-30)' };
  return { kind: 'invalid', reason: 'not a date Attest understands (write it as 2026-09-30)' };
}
