import { describe, expect, it } from 'vitest';
import { canonicalTimezone, cronProblem, describeSchedule, latestPeriodAt, nextPeriods, periodLabel, periodsBetween, QUARTERLY_CRON } from './cron';

const at = (iso: string): Date => new Date(iso);
const EPOCH = at('2000-01-01T00:00:00Z');
const latest = (now: string, timezone = 'UTC', after: Date = EPOCH): string | undefined => latestPeriodAt(QUARTERLY_CRON, timezone, after, at(now))?.toISOString();

describe('quarterly periods', () => {
  it('is the latest quarter start at or before now, across the year end (UTC)', () => {
    expect(latest('2031-12-31T23:59:59.999Z')).toBe('2031-10-01T09:00:00.000Z');
    expect(latest('2032-01-01T08:59:59.999Z')).toBe('2031-10-01T09:00:00.000Z');
    // The instant itself is due (P ≤ now), a millisecond later too.
    expect(latest('2032-01-01T09:00:00.000Z')).toBe('2032-01-01T09:00:00.000Z');
    expect(latest('2032-01-01T09:00:00.001Z')).toBe('2032-01-01T09:00:00.000Z');
    expect(latest('2032-03-31T23:00:00Z')).toBe('2032-01-01T09:00:00.000Z');
    expect(latest('2032-04-01T09:00:30Z')).toBe('2032-04-01T09:00:00.000Z');
  });

  it('follows the template timezone, including its summer time', () => {
    // 09:00 on 1 January in Auckland (NZDT, +13) is still 31 December in UTC.
    expect(latest('2031-12-31T20:00:00Z', 'Pacific/Auckland')).toBe('2031-12-31T20:00:00.000Z');
    // NZ summer time starts in late September, so 1 October 09:00 is +13 as well.
    expect(latest('2031-12-31T19:59:59Z', 'Pacific/Auckland')).toBe('2031-09-30T20:00:00.000Z');
    // …and ends in early April: 1 July 09:00 is NZST (+12).
    expect(latest('2032-07-01T00:00:00Z', 'Pacific/Auckland')).toBe('2032-06-30T21:00:00.000Z');
    // New York: EST (−5) in January, EDT (−4) in April.
    expect(nextPeriods(QUARTERLY_CRON, 'America/New_York', 2, at('2031-12-01T00:00:00Z')).map((d) => d.toISOString())).toEqual([
      '2032-01-01T14:00:00.000Z',
      '2032-04-01T13:00:00.000Z',
    ]);
  });

  it('names the period by its local quarter', () => {
    expect(periodLabel(QUARTERLY_CRON, 'Pacific/Auckland', at('2031-12-31T20:00:00Z'))).toBe('2032 Q1');
    expect(periodLabel(QUARTERLY_CRON, 'UTC', at('2031-12-31T20:00:00Z'))).toBe('2031 Q4');
    expect(periodLabel(QUARTERLY_CRON, 'UTC', at('2032-07-01T09:00:00Z'))).toBe('2032 Q3');
    // Other schedules: the local date.
    expect(periodLabel('0 22 * * 1', 'America/Los_Angeles', at('2032-01-06T06:00:00Z'))).toBe('2032-01-05');
  });

  it('never returns a period at or before activeFrom', () => {
    const created = at('2032-01-01T09:00:00Z');
    expect(latest('2032-02-01T00:00:00Z', 'UTC', created)).toBeUndefined();
    expect(latest('2032-04-01T09:00:00Z', 'UTC', created)).toBe('2032-04-01T09:00:00.000Z');
    expect(latest('2032-04-01T09:00:00Z', 'UTC', at('2032-01-01T08:59:59Z'))).toBe('2032-04-01T09:00:00.000Z');
  });

  it('lists the periods a late tick skips', () => {
    const skipped = periodsBetween(QUARTERLY_CRON, 'UTC', at('2031-01-01T09:00:00Z'), at('2032-04-01T09:00:00Z'), 12);
    expect(skipped.map((d) => d.toISOString())).toEqual([
      '2031-04-01T09:00:00.000Z',
      '2031-07-01T09:00:00.000Z',
      '2031-10-01T09:00:00.000Z',
      '2032-01-01T09:00:00.000Z',
    ]);
    expect(periodsBetween('0 9 * * *', 'UTC', at('2031-01-01T00:00:00Z'), at('2032-01-01T00:00:00Z'), 5)).toHaveLength(5);
  });
});

describe('cron validation', () => {
  it.each([
    ['0 9 * * 1', null],
    ['0 9 1 * *', null],
    ['30 6 L * *', null],
    ['@daily', null],
    [QUARTERLY_CRON, null],
  ])('accepts %s', (expr, problem) => {
    expect(cronProblem(expr)).toBe(problem);
  });

  it.each([
    ['', 'enter a cron expression'],
    ['every monday', 'not a valid cron expression'],
    ['61 9 * * *', 'invalid value for minute: 61'],
    ['0 0 9 * * *', 'not a valid cron expression'],
    ['*/5 * * * *', 'runs more than once a day'],
    ['0 * * * *', 'runs more than once a day'],
    ['0 9,17 * * *', 'runs more than once a day'],
    ['@hourly', 'runs more than once a day'],
    ['0 9 31 2 *', 'never runs'],
  ])('refuses %j', (expr, message) => {
    expect(cronProblem(expr)).toContain(message);
  });

  it('canonicalises timezones and refuses unknown ones', () => {
    expect(canonicalTimezone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimezone('UTC')).toBe('UTC');
    expect(canonicalTimezone('Mars/Olympus_Mons')).toBeNull();
    expect(canonicalTimezone('')).toBeNull();
  });
});

describe('schedule in words', () => {
  it.each([
    [QUARTERLY_CRON, 'UTC', 'Quarterly: 1 Jan, Apr, Jul and Oct at 09:00 (UTC)'],
    ['0 9 * * *', 'Europe/Berlin', 'Every day at 09:00 (Europe/Berlin)'],
    ['30 8 * * 1', 'UTC', 'Every Monday at 08:30 (UTC)'],
    ['0 7 * * 1-5', 'UTC', 'Every weekday at 07:00 (UTC)'],
    ['0 9 15 * *', 'UTC', 'Monthly on the 15th at 09:00 (UTC)'],
    ['0 9 1 1,7 *', 'UTC', 'On 1 Jan and Jul at 09:00 (UTC)'],
    ['0 9 1 3 *', 'UTC', 'Yearly 1 Mar at 09:00 (UTC)'],
    ['0 9 L * *', 'UTC', 'Monthly on the last day at 09:00 (UTC)'],
    ['0 9 1-7 * 1', 'UTC', 'Cron “0 9 1-7 * 1” (UTC)'],
  ])('%s in %s', (cron, tz, text) => {
    expect(describeSchedule(cron, tz)).toBe(text);
  });
});
