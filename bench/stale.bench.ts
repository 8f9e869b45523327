/**
 * `npm run bench -- stale`: the stale-account rules and the HR import at 100k, each against a
 * baseline measured in the same run on the same SQLite file (WAL, the app's settings).
 *
 * Data: a seeded enterprise of 100,000 users (the simulator's demo company: managers, external
 * contractors, ~5% deactivated, ~400k memberships) copied into a snapshot through the real writer,
 * a ~100,000-row HR roster (2% terminated, 1% missing) and a ~100,000-row activity import (5%
 * inactive for 100–400 days, 1% "Never", 1% missing), both imported through `commitImport`.
 *
 * - stale/rules: what the dashboard does on a cold cache — `getStaleOverview()` (evaluate every
 *   rule into the TEMP table, count per rule) plus the first page of `listStaleAccounts` with its
 *   findings in words — ÷ ONE indexed SQL statement computing the same flags over the same joins
 *   (the rules query run raw, every row of its result read). Goal ≤ 1.10: the library adds at
 *   most 10%.
 * - stale/join: that one rules statement ÷ the bare join it is built on (users ⋈ HR ⋈ activity by
 *   primary key, every joined column read): what the rule logic itself costs (manager, membership
 *   and first-seen probes, the duplicate-name pass). Informational goal ≤ 4.
 * - stale/import: `commitImport` of the 100k-row roster (decode, a structure pass, a pass that
 *   validates and inserts, audit, all in one transaction) ÷ csv-parse alone reading the same
 *   bytes once. Goal ≤ 4.
 *
 * Each figure is the median of five alternating rounds; the counts of the library and of the raw
 * statement are compared on every round (a mismatch fails the benchmark). Progress goes to stderr.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { closeDb, getDb } from '@/db/client';
import { resetEnvForTests } from '@/lib/env';
import { commitImport } from '@/lib/imports';
import { setCompanyDomains } from '@/lib/settings';
import { getStaleOverview, listStaleAccounts } from '@/lib/stale';
import { currentBasis, ruleParams } from '@/lib/stale/basis';
import { flaggedStatement, forgetMaterialisedFlags, listCompleteSnapshotBriefs } from '@/lib/stale/queries';
import { ADMIN, csv, dayFromToday, seededStore, snapshotFromStore, utf8 } from '@/lib/stale/testing';
import { printFigure } from './report';

const USERS = 100_000;
const GROUPS = 1_000;
const ROUNDS = 5;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

function time<T>(fn: () => T): { ms: number; result: T } {
  const started = performance.now();
  const result = fn();
  return { ms: performance.now() - started, result };
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'attest-bench-stale-'));
  try {
    closeDb();
    process.env.DATABASE_URL = `file:${join(dir, 'stale.db')}`;
    resetEnvForTests();
    getDb();

    const setupStarted = performance.now();
    const phase = (name: string) => console.error(`# stale: ${name} at ${Math.round((performance.now() - setupStarted) / 1000)} s`);
    const store = seededStore({ users: USERS, groups: GROUPS, seed: 7 });
    phase('seeded');
    await snapshotFromStore(store);
    phase('snapshot written');
    const users = store.allUsers();
    store.close();
    setCompanyDomains(ADMIN, ['northwind.example']);

    const hrCsv = csv(
      ['Work Email', 'Employment Status', 'Termination Date', 'Department', 'Cost Center', 'Division', 'Manager Email', 'Name'],
      users
        .filter((_, i) => i % 100 !== 1)
        .map((u, i) => [
          u.userName,
          !u.active || i % 50 === 0 ? 'Terminated' : 'Active',
          !u.active || i % 50 === 0 ? dayFromToday(-(i % 300) - 1) : null,
          i % 7 === 0 ? null : u.department,
          u.costCenter,
          u.division,
          u.managerValue,
          `${u.givenName ?? ''} ${u.familyName ?? ''}`.trim(),
        ]),
    );
    const activityCsv = csv(
      ['Email', 'Last active'],
      users.filter((_, i) => i % 100 !== 3).map((u, i) => [u.userName, i % 20 === 0 ? dayFromToday(-100 - (i % 300)) : i % 101 === 0 ? 'Never' : dayFromToday(-(i % 30))]),
    );
    const hrBytes = utf8(hrCsv);
    commitImport(ADMIN, 'activity', utf8(activityCsv), 'activity.csv');
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    phase('activity imported');

    // (c) import: every round commits a new 100k-row import (later rounds append one row: an
    // identical file would be refused as already current).
    const importMs: number[] = [];
    const parseMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const bytes = round === 0 ? hrBytes : utf8(`${hrCsv}bench.round${round}@northwind.example,Active,,,,,,Round ${round}\n`);
      const parsed = time(() => parse(Buffer.from(bytes).toString('utf8'), { skip_empty_lines: true }) as string[][]);
      parseMs.push(parsed.ms);
      importMs.push(time(() => commitImport(ADMIN, 'hr', bytes, `hr-${round}.csv`)).ms);
    }
    // The rules read the first roster's people: put that one back as the current import.
    commitImport(ADMIN, 'hr', hrBytes, 'hr.csv');
    phase('roster imported');

    // (a) rules, (b) join
    const snapshot = listCompleteSnapshotBriefs(1)[0];
    if (!snapshot) throw new Error('no snapshot');
    const basis = currentBasis(snapshot);
    const params = ruleParams(basis);
    const db = getDb().$client;
    const statement = flaggedStatement(params);
    // The baseline runs the rules statement and reads every row of its result, as a caller would.
    const rawRules = db.prepare(statement.sql).raw();
    const runRaw = (): { flagged: number } => {
      let flagged = 0;
      for (const _row of rawRules.iterate(statement.bind)) flagged++;
      return { flagged };
    };
    const bareJoin = db.prepare(
      `SELECT count(*), sum(length(h.employment_status) + length(coalesce(h.termination_date, '')) + length(coalesce(h.manager_email, ''))
                            + length(coalesce(a.last_active_at, '')) + length(u.email) + u.active)
         FROM snapshot_users u
         LEFT JOIN hr_records h ON h.import_id = @hr AND h.email = u.email
         LEFT JOIN activity_records a ON a.import_id = @act AND a.email = u.email
        WHERE u.snapshot_id = @s`,
    );
    const libMs: number[] = [];
    const sqlMs: number[] = [];
    const joinMs: number[] = [];
    let flagged = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const sql = () => time(runRaw);
      const lib = () =>
        time(() => {
          forgetMaterialisedFlags();
          const overview = getStaleOverview();
          listStaleAccounts({ page: 1, pageSize: 50 });
          return overview;
        });
      const a = round % 2 === 0 ? lib() : null;
      const b = sql();
      const c = a ?? lib();
      joinMs.push(time(() => bareJoin.get({ s: params.snapshotId, hr: params.hrImportId, act: params.activityImportId })).ms);
      libMs.push(c.ms);
      sqlMs.push(b.ms);
      if (!c.result || c.result.flagged !== b.result.flagged) throw new Error(`library found ${c.result?.flagged} flagged accounts, the raw statement ${b.result.flagged}`);
      flagged = b.result.flagged;
      phase(`rules round ${round}`);
    }
    const overview = getStaleOverview();
    const value = median(libMs) / 1000;
    const baseline = median(sqlMs) / 1000;
    printFigure({
      bench: 'stale/rules',
      value,
      unit: 's',
      baseline,
      ratio: value / baseline,
      goal: '<= 1.10',
      users: USERS,
      flagged,
      perRule: Object.fromEntries((overview?.rules ?? []).map((r) => [r.key, r.count])),
      setupSeconds: Math.round(setupSeconds),
    });
    const joinValue = median(joinMs) / 1000;
    printFigure({ bench: 'stale/join', value: baseline, unit: 's', baseline: joinValue, ratio: baseline / joinValue, goal: '<= 4 (informational)', users: USERS });
    const importValue = median(importMs) / 1000;
    const parseValue = median(parseMs) / 1000;
    printFigure({ bench: 'stale/import', value: importValue, unit: 's', baseline: parseValue, ratio: importValue / parseValue, goal: '<= 4', rows: USERS, bytes: hrBytes.length });
  } finally {
    closeDb();
    rmSync(dir, { recursive: true, force: true });
  }
}
