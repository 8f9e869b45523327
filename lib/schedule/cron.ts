import { Cron, CronPattern } from 'croner';

/**
 * Schedule arithmetic for recurring campaigns, on croner (zero-dependency; its timezone support
 * is the platform's Intl). Pure and client-safe: the template form uses the same rules as the
 * scheduler. Periods are whole minutes: only classic 5-field expressions are accepted.
 */

/** The default schedule: 09:00 on the first day of each quarter. */
export const QUARTERLY_CRON = '0 9 1 1,4,7,10 *';
export const DEFAULT_TIMEZONE = 'UTC';

/** The canonical name of an IANA timezone ('europe/berlin' → 'Europe/Berlin'), or null when unknown. */
export function canonicalTimezone(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

function cronOf(expression: string, timezone: string): Cron {
  // paused + no callback: a calculator, never a timer.
  return new Cron(expression, { timezone, paused: true, mode: '5-part' });
}

/** croner's parse error without its class prefix ("CronPattern: Invalid value for minute: 61" → "invalid value for minute: 61"). */
function parseMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const bare = text.replace(/^Cron\w*:\s*/, '').replace(/\s*\(.*$/, '');
  return bare.charAt(0).toLowerCase() + bare.slice(1);
}

/**
 * Why a cron expression cannot be a template's schedule, or null when it can. Refused: anything
 * croner cannot parse, 6/7-field expressions (seconds, years), expressions that never fire, and
 * anything that can fire more than once a day — each run takes a full snapshot of the directory
 * and opens a campaign, so "every hour" is always a mistake. One minute value and one hour value
 * is exactly "at most once a day" (every day a cron fires, it fires at the same times).
 */
export function cronProblem(expression: string): string | null {
  const trimmed = expression.trim();
  if (!trimmed) return 'enter a cron expression';
  if (trimmed.length > 100) return 'at most 100 characters';
  let pattern: CronPattern;
  try {
    pattern = new CronPattern(trimmed, DEFAULT_TIMEZONE, { mode: '5-part' });
    cronOf(trimmed, DEFAULT_TIMEZONE);
  } catch (error) {
    return `not a valid cron expression (minute hour day-of-month month day-of-week): ${parseMessage(error)}`;
  }
  const minutes = pattern.minute.filter(Boolean).length;
  const hours = pattern.hour.filter(Boolean).length;
  if (minutes !== 1 || hours !== 1) return 'runs more than once a day: a recurring campaign runs at most daily (one minute and one hour, e.g. "0 9 * * 1")';
  if (cronOf(trimmed, DEFAULT_TIMEZONE).nextRun(new Date()) === null) return 'this expression never runs';
  return null;
}

const SECOND = 1_000;

/**
 * The latest scheduled instant P with `after` < P ≤ `now`, or null. croner's `previousRuns` is
 * strictly before its reference and ignores milliseconds, so the reference is the next whole
 * second after `now`'s.
 */
export function latestPeriodAt(expression: string, timezone: string, after: Date, now: Date): Date | null {
  const reference = new Date(Math.floor(now.getTime() / SECOND) * SECOND + SECOND);
  const [p] = cronOf(expression, timezone).previousRuns(1, reference);
  if (!p || p.getTime() > now.getTime() || p.getTime() <= after.getTime()) return null;
  return p;
}

/** The next `n` scheduled instants strictly after `from`. */
export function nextPeriods(expression: string, timezone: string, n: number, from: Date): Date[] {
  return cronOf(expression, timezone).nextRuns(n, from);
}

/**
 * Scheduled instants strictly between `after` and `before`, oldest first, at most `cap` (the
 * periods a late tick skips; shown in the audit trail, never launched).
 */
export function periodsBetween(expression: string, timezone: string, after: Date, before: Date, cap: number): Date[] {
  const out: Date[] = [];
  let cursor = after;
  const cron = cronOf(expression, timezone);
  while (out.length < cap) {
    const next = cron.nextRun(cursor);
    if (!next || next.getTime() >= before.getTime()) break;
    out.push(next);
    cursor = next;
  }
  return out;
}

/** Year, month, day, hour and minute of an instant as a wall clock in `timezone` shows them. */
export function wallClock(at: Date, timezone: string): { year: number; month: number; day: number; hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour'), minute: part('minute') };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * How a period is named in its campaign: "2027 Q1" for the quarterly preset (the quarter of the
 * period's local date, so 1 January 09:00 in Auckland is 2027 Q1 although it is still 2026 in
 * UTC), otherwise the local date "2027-01-01".
 */
export function periodLabel(expression: string, timezone: string, periodAt: Date): string {
  const local = wallClock(periodAt, timezone);
  if (expression.trim() === QUARTERLY_CRON) return `${local.year} Q${Math.floor((local.month - 1) / 3) + 1}`;
  return `${local.year}-${pad(local.month)}-${pad(local.day)}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  // Indexes 4–9 are past the list: 'th'.
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

const isPlainNumber = (field: string): boolean => /^\d{1,2}$/.test(field);
const isNumberList = (field: string): boolean => /^\d{1,2}(,\d{1,2})*$/.test(field);

/**
 * A schedule in words for the template list ("Quarterly: 1 Jan, Apr, Jul and Oct at 09:00 (UTC)").
 * Common shapes get a sentence; anything else shows the expression itself (the page also lists
 * the next run, which is the unambiguous answer).
 */
export function describeSchedule(expression: string, timezone: string): string {
  const cron = expression.trim();
  const zone = ` (${timezone})`;
  if (cron === QUARTERLY_CRON) return `Quarterly: 1 Jan, Apr, Jul and Oct at 09:00${zone}`;
  const fields = cron.split(/\s+/);
  if (fields.length !== 5) return `Cron “${cron}”${zone}`;
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  if (!isPlainNumber(minute) || !isPlainNumber(hour)) return `Cron “${cron}”${zone}`;
  const at = `at ${pad(Number(hour))}:${pad(Number(minute))}${zone}`;
  if (dom === '*' && month === '*' && dow === '*') return `Every day ${at}`;
  if (dom === '*' && month === '*' && /^[0-7]$/.test(dow)) return `Every ${WEEKDAYS[Number(dow) % 7]} ${at}`;
  if (dom === '*' && month === '*' && dow === '1-5') return `Every weekday ${at}`;
  if (isPlainNumber(dom) && dow === '*') {
    if (month === '*') return `Monthly on the ${ordinal(Number(dom))} ${at}`;
    if (isNumberList(month)) {
      const names = month.split(',').map((m) => MONTHS[Number(m) - 1] ?? m);
      const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
      return `${names.length === 1 ? 'Yearly' : 'On'} ${Number(dom)} ${list} ${at}`;
    }
  }
  if (dom === 'L' && month === '*' && dow === '*') return `Monthly on the last day ${at}`;
  return `Cron “${cron}”${zone}`;
}
