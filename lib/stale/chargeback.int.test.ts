import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { openSimStore } from '@/lib/airtable-sim';
import { AppError } from '@/lib/errors';
import { collectText } from '@/lib/export';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { exportChargebackCsv, exportChargebackSeatsCsv, getChargeback, listChargebackAccounts } from './index';
import { addUser, csv, DAY_MS, importCsv, snapshotFromStore } from './testing';

/**
 * Chargeback over three snapshots (35 days ago, 10 days ago, now) of a small crafted directory:
 * seats per department from the enterprise extension, the HR roster where the directory is
 * blank, "Unassigned" where both are, the month-over-month change against the snapshot at least
 * 28 days older, and the accounts behind every number.
 */

const ago = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

async function directory() {
  const store = openSimStore(':memory:', () => Date.now());
  const person = (userName: string, fields: Omit<Parameters<typeof addUser>[1], 'userName'>) =>
    addUser(store, { userName, organization: 'Northwind Inc.', costCenter: 'CC-1', division: 'Revenue', ...fields });
  const u = {
    a1: person('a1@northwind.example', { department: 'Sales', costCenter: '=1+1' }),
    a2: person('a2@northwind.example', { department: 'Sales' }),
    mover: person('mover@northwind.example', { department: 'Sales' }),
    leaver: person('leaver@northwind.example', { department: 'Sales' }),
    // Blank in the directory; the HR roster (imported later) says Marketing.
    hrOnly: person('hr.only@northwind.example', { department: null, organization: null }),
  };
  const p = await snapshotFromStore(store, { startedAt: ago(35) });
  const joiner = person('joiner@northwind.example', { department: 'Sales' });
  const q = await snapshotFromStore(store, { startedAt: ago(10) });
  store.patchUser(u.mover, { department: 'Marketing' });
  store.setUserActive(u.leaver, false);
  const unassigned = person('nobody@northwind.example', { department: null, organization: null });
  const blankInHr = person('blank.hr@northwind.example', { department: null, organization: null });
  const spaces = person('spaces@northwind.example', { department: '   ', organization: null });
  const gone = person('gone@northwind.example', { department: 'Sales', active: false });
  importCsv(
    'hr',
    csv(
      ['email', 'status', 'department', 'cost center'],
      [
        ['hr.only@northwind.example', 'active', 'Marketing', null],
        ['blank.hr@northwind.example', 'active', null, null],
        ['spaces@northwind.example', 'active', 'Finance', null],
        ['a1@northwind.example', 'active', 'Ignored: the directory has one', null],
      ],
    ),
  );
  const s = await snapshotFromStore(store);
  return { p, q, s, u: { ...u, joiner, unassigned, blankInHr, spaces, gone } };
}

describe('chargeback', () => {
  useTempDatabase();

  it('counts active seats per department: directory first, HR roster where blank, Unassigned explicitly; month over month', async () => {
    const { p, q, s, u } = await directory();
    const c = getChargeback({ dimension: 'department' });
    expect(c.snapshot.id).toBe(s);
    // 10 days back is not a month: the comparison is the snapshot 35 days back.
    expect(c.comparison).toMatchObject({ snapshotId: p, days: 35, kind: 'month' });
    expect(c.buckets).toEqual([
      // The mover and the leaver left Sales; the joiner arrived.
      { value: 'Sales', label: 'Sales', seats: 3, fromHr: 0, previous: 4, change: -1 },
      // The mover arrived from Sales, and the roster places hr.only (Unassigned a month ago: no roster was current then).
      { value: 'Marketing', label: 'Marketing', seats: 2, fromHr: 1, previous: 0, change: 2 },
      // A department of spaces counts as blank: the roster's Finance applies.
      { value: 'Finance', label: 'Finance', seats: 1, fromHr: 1, previous: 0, change: 1 },
      { value: null, label: 'Unassigned', seats: 2, fromHr: 0, previous: 1, change: 1 },
    ]);
    expect(c.totals).toEqual({ seats: 8, previous: 5, change: 3, fromHr: 2, unassigned: 2 });

    const ids = (rows: Array<{ scimId: string }>) => rows.map((r) => r.scimId).sort();
    expect(ids(listChargebackAccounts({ dimension: 'department', value: 'Sales' }).rows)).toEqual([u.a1, u.a2, u.joiner].sort());
    expect(ids(listChargebackAccounts({ dimension: 'department', value: null }).rows)).toEqual([u.unassigned, u.blankInHr].sort());
    const marketing = listChargebackAccounts({ dimension: 'department', value: 'Marketing' }).rows;
    expect(marketing.find((r) => r.scimId === u.hrOnly)).toMatchObject({ source: 'hr', value: 'Marketing' });
    expect(marketing.find((r) => r.scimId === u.mover)).toMatchObject({ source: 'directory' });

    // The accounts behind each change, with what happened to them.
    const notes = (change: 'added' | 'removed', value: string | null) =>
      Object.fromEntries(listChargebackAccounts({ dimension: 'department', value, change }).rows.map((r) => [r.email, r.note]));
    expect(notes('added', 'Sales')).toEqual({ 'joiner@northwind.example': 'New or reactivated account' });
    expect(notes('removed', 'Sales')).toEqual({ 'leaver@northwind.example': 'Deactivated or removed', 'mover@northwind.example': 'Moved to Marketing' });
    expect(notes('added', 'Marketing')).toEqual({ 'hr.only@northwind.example': 'Moved from Unassigned', 'mover@northwind.example': 'Moved from Sales' });
    expect(notes('removed', null)).toEqual({ 'hr.only@northwind.example': 'Moved to Marketing' });
    expect(notes('added', null)).toEqual({ 'blank.hr@northwind.example': 'New or reactivated account', 'nobody@northwind.example': 'New or reactivated account' });

    // Another comparison on request; the oldest snapshot has none; a short history says how short.
    expect(getChargeback({ dimension: 'department', compareTo: q }).buckets[0]).toMatchObject({ value: 'Sales', previous: 5, change: -2 });
    expect(getChargeback({ dimension: 'department', compareTo: q }).comparison).toMatchObject({ snapshotId: q, kind: 'chosen', days: 10 });
    expect(getChargeback({ snapshotId: q, dimension: 'department' }).comparison).toMatchObject({ snapshotId: p, kind: 'shorter', days: 25 });
    const oldest = getChargeback({ snapshotId: p, dimension: 'department' });
    expect(oldest.comparison).toBeNull();
    expect(oldest.buckets).toEqual([
      { value: 'Sales', label: 'Sales', seats: 4, fromHr: 0, previous: null, change: null },
      { value: null, label: 'Unassigned', seats: 1, fromHr: 0, previous: null, change: null },
    ]);
    expect(() => listChargebackAccounts({ snapshotId: p, dimension: 'department', value: 'Sales', change: 'added' })).toThrow(/no older snapshot/);
    expect(() => getChargeback({ dimension: 'department', compareTo: s })).toThrow(AppError);
  });

  it('has no HR fallback for organization, and exports CSV with formula-looking values neutralised', async () => {
    const { s, u } = await directory();
    const org = getChargeback({ dimension: 'organization' });
    expect(org.buckets.map((b) => [b.label, b.seats, b.fromHr])).toEqual([
      ['Northwind Inc.', 4, 0],
      ['Unassigned', 4, 0],
    ]);

    const summary = parse(await collectText(exportChargebackCsv({ dimension: 'costCenter' }).chunks)) as string[][];
    expect(summary[0]).toEqual(['dimension', 'value', 'activeSeats', 'fromHrRoster', 'previousSeats', 'change', 'snapshotId', 'snapshotStartedAt', 'comparedSnapshotId', 'comparedStartedAt']);
    expect(summary.slice(1).map((r) => r.slice(0, 6))).toEqual([
      ['Cost center', 'CC-1', '7', '0', '4', '3'],
      ['Cost center', "'=1+1", '1', '0', '1', '0'],
    ]);

    const file = exportChargebackSeatsCsv(s);
    expect(file.fileName).toBe(`attest-chargeback-${s}-seats.csv`);
    const seats = parse(await collectText(file.chunks), { columns: true }) as Array<Record<string, string>>;
    expect(file.rows()).toBe(8);
    expect(seats.find((r) => r.id === u.spaces)).toMatchObject({ department: 'Finance', departmentSource: 'hr', organization: '', snapshotId: String(s) });
    expect(seats.find((r) => r.id === u.unassigned)).toMatchObject({ department: '', departmentSource: 'none' });
    expect(seats.some((r) => r.id === u.gone || r.id === u.leaver)).toBe(false);
  });
});
