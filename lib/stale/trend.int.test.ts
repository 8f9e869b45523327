import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { listAuditPage } from '@/lib/audit';
import { collectText } from '@/lib/export';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { exportStaleAccountsCsv, getStaleOverview, getStaleTrend, recordStaleExport, STALE_CSV_HEADER } from './index';
import { ADMIN, addUser, csv, DAY_MS, importCsv, seededStore, snapshotFromStore } from './testing';

/**
 * The trend evaluates each past snapshot as the dashboard showed it while that snapshot was the
 * current one: with the imports that were current until the next snapshot started.
 */

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const roster = (rows: Array<[string, string]>) => csv(['email', 'status'], rows);

describe('stale-account trend and export', () => {
  useTempDatabase();

  it('shows active seats and findings per snapshot, each with the imports current at the time', async () => {
    const store = seededStore({ users: 50, groups: 5, seed: 4 });
    const x = addUser(store, { userName: 'xavier@northwind.example', givenName: 'Xavier', familyName: 'One' });
    const y = addUser(store, { userName: 'yara@northwind.example', givenName: 'Yara', familyName: 'Two' });
    const everyone = () => store.allUsers().map((u): [string, string] => [u.userName, u.active ? 'active' : 'terminated']);
    const a = await snapshotFromStore(store, { startedAt: new Date(Date.now() - 60 * DAY_MS).toISOString() });
    importCsv('hr', roster(everyone().map(([e, s]) => [e, e === 'xavier@northwind.example' ? 'terminated' : s])));
    await pause(5);
    const b = await snapshotFromStore(store);
    importCsv('hr', roster(everyone().map(([e, s]) => [e, e === 'xavier@northwind.example' || e === 'yara@northwind.example' ? 'terminated' : s])));
    await pause(5);
    addUser(store, { userName: 'zed@northwind.example', givenName: 'Zed', familyName: 'Three' });
    const c = await snapshotFromStore(store);

    const trend = await getStaleTrend(12);
    expect(trend.map((p) => p.snapshotId)).toEqual([a, b, c]);
    expect(trend.map((p) => p.counts.terminated_in_hr)).toEqual([1, 2, 2]);
    // Zed joined after the last roster: not in HR, only in the newest snapshot.
    expect(trend.map((p) => p.counts.not_in_hr)).toEqual([0, 0, 1]);
    const active = store.allUsers().filter((u) => u.active).length;
    expect(trend.map((p) => p.activeSeats)).toEqual([active - 1, active - 1, active]);
    // The newest point is the dashboard's numbers.
    const overview = getStaleOverview();
    expect(trend.at(-1)).toMatchObject({ flagged: overview?.flagged, reclaimable: overview?.reclaimable, activeSeats: overview?.activeSeats });
    expect(trend[0]?.asOfDate).toBe(new Date().toISOString().slice(0, 10));
    // Asking for fewer points keeps the newest.
    expect((await getStaleTrend(2)).map((p) => p.snapshotId)).toEqual([b, c]);
    expect([x, y]).toHaveLength(2);
  });

  it('exports every matching flagged account with its findings and basis, and audits the download', async () => {
    const store = seededStore({ users: 40, groups: 4, seed: 6 });
    const ghost = addUser(store, { userName: '=ghost@northwind.example', givenName: '@Gus', familyName: 'Ghost' });
    importCsv('hr', roster(store.allUsers().filter((u) => u.id !== ghost).map((u) => [u.userName, u.active ? 'active' : 'terminated'])));
    const snapshotId = await snapshotFromStore(store);
    const file = exportStaleAccountsCsv({ rule: 'not_in_hr' });
    expect(file.fileName).toBe(`attest-stale-accounts-${snapshotId}-${new Date().toISOString().slice(0, 10)}-not-in-hr.csv`);
    const rows = parse(await collectText(file.chunks)) as string[][];
    expect(rows[0]).toEqual([...STALE_CSV_HEADER]);
    expect(rows).toHaveLength(2);
    const row = Object.fromEntries(STALE_CSV_HEADER.map((h, i) => [h, rows[1]?.[i]]));
    // Cells a spreadsheet would run as formulas are neutralised.
    expect(row).toMatchObject({ id: ghost, email: "'=ghost@northwind.example", name: "'@Gus Ghost", active: 'true', rules: 'not_in_hr', snapshotId: String(snapshotId) });
    expect(row.findings).toBe('Active in Airtable, but not in the HR roster');
    expect(file.rows()).toBe(1);

    recordStaleExport(ADMIN, { rule: 'not_in_hr', department: null });
    const audit = listAuditPage({ action: 'stale.exported' }, 1, 1).rows[0];
    expect(JSON.parse(audit?.details ?? '{}')).toEqual({ rule: 'not_in_hr', department: '(unassigned)', q: null });
  });
});
