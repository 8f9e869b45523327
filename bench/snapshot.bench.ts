/**
 * `npm run bench -- snapshot`: three figures for lib/snapshot, each with its baseline measured in
 * the same run.
 *
 * - snapshot/rate: a full snapshot of a 10,000-user / 500-group enterprise over HTTP at Airtable's
 *   50 requests/s (simulator and client both at 50/s) vs the rate-limit lower bound requests ÷ 50.
 * - snapshot/ingest (+ snapshot/ingest-rss): 100k users / 2k groups / 1M memberships fed to the
 *   snapshot writer (pages generated lazily in memory, no HTTP) — including `finish()` (member
 *   counts and the digest pass over the stored rows) — vs a bare better-sqlite3 prepared-insert
 *   loop of the same rows in one transaction into the same schema in a fresh database.
 * - snapshot/export (+ snapshot/export-rss): the memberships CSV export of those 1M rows vs a raw
 *   loop iterating the same statement and joining cells with commas (no quoting, no neutralising).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDb, getDb, openDatabase } from '@/db/client';
import { seedEnterprise, startSimServer } from '@/lib/airtable-sim';
import { SYSTEM_ACTOR } from '@/lib/audit';
import { resetEnvForTests } from '@/lib/env';
import { createScimClient, type TScimGroup, type TScimUser } from '@/lib/scim';
import { exportSnapshotMembershipsCsv, takeSnapshot } from '@/lib/snapshot';
import {
  insertRunningSnapshot,
  iterateMembershipsCsvRows,
  markSnapshotComplete,
  openSnapshotReader,
} from '@/lib/snapshot/queries';
import { createSnapshotWriter } from '@/lib/snapshot/writer';
import { printFigure } from './report';

const RATE = 50;
const RATE_USERS = 10_000;
const RATE_GROUPS = 500;

const INGEST_USERS = 100_000;
const INGEST_GROUPS = 2_000;
const INGEST_MEMBERSHIPS = 1_000_000;
const PAGE = 100;

function openBenchDatabase(dir: string, name: string): string {
  closeDb();
  const path = join(dir, name);
  process.env.DATABASE_URL = `file:${path}`;
  resetEnvForTests();
  getDb();
  return path;
}

// ---------------------------------------------------------------------------------------------
// (a) rate
// ---------------------------------------------------------------------------------------------

async function benchRate(dir: string): Promise<void> {
  openBenchDatabase(dir, 'rate.db');
  const token = 'bench-snapshot-token-0001';
  const server = await startSimServer({ tokens: [token], rateLimitPerSecond: RATE, seedRandom: 1 });
  try {
    // ~10 memberships per user: ~100k memberships, as a large Airtable enterprise has.
    const seeded = seedEnterprise(server.sim.store, { seed: 1, users: RATE_USERS, groups: RATE_GROUPS, membershipsPerUser: 10 });
    const client = createScimClient({ baseUrl: server.url, token, rateLimitPerSecond: RATE });
    const started = performance.now();
    const row = await takeSnapshot({ actor: SYSTEM_ACTOR, trigger: 'cli', client, source: 'env', baseUrl: server.url, applyRetention: false });
    const elapsed = (performance.now() - started) / 1000;
    if (row.status !== 'complete' || row.usersTotal !== RATE_USERS || row.groupsTotal !== RATE_GROUPS) {
      throw new Error(`snapshot incomplete: ${row.status} ${row.error ?? ''}`);
    }
    const baseline = row.requests / RATE;
    printFigure({
      bench: 'snapshot/rate',
      value: elapsed,
      unit: 's',
      baseline,
      ratio: elapsed / baseline,
      goal: '<= 1.10',
      requests: row.requests,
      throttled: row.throttled,
      retries: row.retries,
      users: row.usersTotal,
      groups: row.groupsTotal,
      memberships: row.membershipsCount,
      expectedMemberships: seeded.memberships,
    });
  } finally {
    await server.close();
  }
}

// ---------------------------------------------------------------------------------------------
// (b) ingest: a lazy, deterministic enterprise
// ---------------------------------------------------------------------------------------------

const DEPARTMENTS = ['Engineering', 'Sales', 'Marketing', 'Finance', 'Operations', 'Support', 'Legal', 'People'];

// Ids in random order (as Airtable's are), unique because the index is their suffix.
function userId(i: number): string {
  const h = Math.imul(i + 1, 2654435761) >>> 0;
  return `usr${h.toString(36).padStart(7, '0')}${i.toString(36).padStart(7, '0')}`;
}
function groupId(g: number): string {
  const h = Math.imul(g + 7, 2246822519) >>> 0;
  return `ugp${h.toString(36).padStart(7, '0')}${g.toString(36).padStart(7, '0')}`;
}
const email = (i: number): string => `user.${i}@northwind.example`;

function makeUser(i: number): TScimUser {
  const id = userId(i);
  const dept = DEPARTMENTS[i % DEPARTMENTS.length] as string;
  const givenName = `Given${i % 997}`;
  const familyName = `Family${i % 1009}`;
  const managerEmail = i === 0 ? null : email(Math.floor(i / 10));
  const raw: Record<string, unknown> = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    id,
    userName: email(i),
    name: { givenName, familyName },
    active: i % 20 !== 0,
    emails: [{ value: email(i), primary: true, type: 'work' }],
    title: `${dept} Specialist`,
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
      costCenter: `CC-${100 + (i % 40)}`,
      department: dept,
      division: 'Northwind',
      organization: 'Northwind Inc.',
      ...(managerEmail ? { manager: { value: managerEmail, displayName: `Manager ${Math.floor(i / 10)}` } } : {}),
    },
    meta: { resourceType: 'User', created: '2024-01-01T00:00:00.000Z', lastModified: '2026-10-01T00:00:00.000Z', location: `/scim/v2/Users/${id}` },
  };
  return {
    id,
    userName: email(i),
    givenName,
    familyName,
    displayName: null,
    title: `${dept} Specialist`,
    active: i % 20 !== 0,
    emails: [{ value: email(i), type: 'work', primary: true }],
    primaryEmail: email(i),
    costCenter: `CC-${100 + (i % 40)}`,
    department: dept,
    division: 'Northwind',
    organization: 'Northwind Inc.',
    managerEmail,
    managerName: managerEmail ? `Manager ${Math.floor(i / 10)}` : null,
    raw,
  };
}

function* userPages(): Generator<TScimUser[]> {
  for (let start = 0; start < INGEST_USERS; start += PAGE) {
    const page: TScimUser[] = [];
    for (let i = start; i < Math.min(INGEST_USERS, start + PAGE); i++) page.push(makeUser(i));
    yield page;
  }
}

// Heavy-tailed sizes summing to exactly INGEST_MEMBERSHIPS: a few huge groups, many small ones.
function groupSizes(): number[] {
  const weights = Array.from({ length: INGEST_GROUPS }, (_, g) => 1 / Math.pow(g + 1, 0.8));
  const total = weights.reduce((s, w) => s + w, 0);
  const sizes = weights.map((w) => Math.max(1, Math.min(INGEST_USERS, Math.floor((INGEST_MEMBERSHIPS * w) / total))));
  let missing = INGEST_MEMBERSHIPS - sizes.reduce((s, n) => s + n, 0);
  for (let g = INGEST_GROUPS - 1; missing > 0; g = (g - 1 + INGEST_GROUPS) % INGEST_GROUPS) {
    sizes[g] = (sizes[g] as number) + 1;
    missing--;
  }
  return sizes;
}

/** One full group (as GET /Groups/{id} gives it) at a time; members are distinct (stride 13 is coprime to 100,000). */
function* groups(): Generator<TScimGroup> {
  const sizes = groupSizes();
  for (let g = 0; g < INGEST_GROUPS; g++) {
    const size = sizes[g] as number;
    const start = (g * 7919) % INGEST_USERS;
    const members = new Array<{ value: string; display: string | null; type: string | null }>(size);
    for (let k = 0; k < size; k++) {
      const u = (start + k * 13) % INGEST_USERS;
      members[k] = { value: userId(u), display: `Given${u % 997} Family${u % 1009}`, type: null };
    }
    const id = groupId(g);
    yield { id, displayName: `Group ${g}`, members, membersIncluded: true, raw: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id, displayName: `Group ${g}`, members } };
  }
}

function generationOnly(): number {
  const started = performance.now();
  let n = 0;
  for (const page of userPages()) for (const u of page) n += JSON.stringify(u.raw).length > 0 ? 1 : 0;
  for (const g of groups()) n += g.members.length;
  if (n !== INGEST_USERS + INGEST_MEMBERSHIPS) throw new Error(`generator produced ${n} rows`);
  return (performance.now() - started) / 1000;
}

function createRunningSnapshot(): number {
  const now = new Date().toISOString();
  return getDb().transaction((tx) =>
    insertRunningSnapshot(tx, { startedAt: now, heartbeatAt: now, ownerPid: process.pid, ownerHost: 'bench', startedById: null, startedByEmail: 'bench', trigger: 'cli', source: 'env', baseUrl: 'http://bench' }),
  ).id;
}

/** The bare loop: the same rows, one prepared statement per table, one transaction. */
function bareInsert(path: string): number {
  const { sqlite } = openDatabase(path);
  try {
    const now = new Date().toISOString();
    const id = Number(
      sqlite
        .prepare(
          `INSERT INTO snapshots (status, started_at, heartbeat_at, owner_pid, owner_host, started_by_email, "trigger", source, base_url)
           VALUES ('running', ?, ?, ?, 'bench', 'bench', 'cli', 'env', 'http://bench')`,
        )
        .run(now, now, process.pid).lastInsertRowid,
    );
    const insertUser = sqlite.prepare(
      `INSERT INTO snapshot_users (snapshot_id, scim_id, user_name, email, given_name, family_name, display_name, title, active,
         department, cost_center, division, organization, manager_email, manager_name, emails_json, raw_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertGroup = sqlite.prepare('INSERT INTO snapshot_groups (snapshot_id, scim_id, display_name, member_count, raw_json) VALUES (?, ?, ?, ?, ?)');
    const insertMember = sqlite.prepare('INSERT INTO snapshot_memberships (snapshot_id, group_id, user_id, member_display, orphan) VALUES (?, ?, ?, ?, 0)');
    const started = performance.now();
    sqlite.transaction(() => {
      for (const page of userPages()) {
        for (const u of page) {
          insertUser.run(id, u.id, u.userName, (u.primaryEmail ?? u.userName).toLowerCase(), u.givenName, u.familyName, u.displayName, u.title, u.active ? 1 : 0, u.department, u.costCenter, u.division, u.organization, u.managerEmail, u.managerName, JSON.stringify(u.emails), JSON.stringify(u.raw));
        }
      }
      for (const g of groups()) {
        const { members: _members, ...raw } = g.raw;
        insertGroup.run(id, g.id, g.displayName, g.members.length, JSON.stringify(raw));
        for (const m of g.members) insertMember.run(id, g.id, m.value, m.display);
      }
    })();
    return (performance.now() - started) / 1000;
  } finally {
    sqlite.close();
  }
}

type TWriterRun = { seconds: number; writeSeconds: number; finishSeconds: number; peakRssGrowthMb: number; snapshotId: number; digest: string };

// The rows arrive as fast as the generator makes them (a backlog), so the writer takes its
// large-batch path; RSS is sampled in the loop since no timer can run in between.
async function writerIngest(): Promise<TWriterRun> {
  const snapshotId = createRunningSnapshot();
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const started = performance.now();
  const writer = createSnapshotWriter(snapshotId);
  let n = 0;
  for (const page of userPages()) {
    writer.addUsers(page);
    if (++n % 50 === 0) sample();
  }
  writer.usersComplete();
  for (const g of groups()) {
    writer.addGroups([g]);
    if (++n % 20 === 0) sample();
  }
  writer.flush();
  sample();
  const written = performance.now();
  const result = await writer.finish();
  const finished = performance.now();
  sample();
  if (result.users !== INGEST_USERS || result.groups !== INGEST_GROUPS || result.memberships !== INGEST_MEMBERSHIPS) {
    throw new Error(`writer wrote ${result.users}/${result.groups}/${result.memberships}`);
  }
  getDb().transaction((tx) =>
    markSnapshotComplete(tx, snapshotId, { finishedAt: new Date().toISOString(), durationMs: 0, digest: result.digest, usersTotal: result.users, groupsTotal: result.groups, membershipsCount: result.memberships }),
  );
  return {
    seconds: (finished - started) / 1000,
    writeSeconds: (written - started) / 1000,
    finishSeconds: (finished - written) / 1000,
    peakRssGrowthMb: (peak - rssBefore) / 2 ** 20,
    snapshotId,
    digest: result.digest,
  };
}

async function benchIngest(dir: string): Promise<number> {
  // Three rounds in fresh databases, alternating which goes first; the best time of each counts
  // (disk cache and GC noise), the worst RSS growth counts. Round 0 runs the writer first, before
  // anything else has grown the heap, so its RSS growth is not hidden by earlier allocations.
  const bare: number[] = [];
  const runs: TWriterRun[] = [];
  let previousDb: string | null = null;
  const dropDb = (name: string): void => {
    for (const ext of ['', '-wal', '-shm']) rmSync(join(dir, `${name}${ext}`), { force: true });
  };
  for (let round = 0; round < 3; round++) {
    const writerRound = async (): Promise<void> => {
      closeDb();
      if (previousDb) dropDb(previousDb);
      previousDb = `ingest-${round}.db`;
      openBenchDatabase(dir, previousDb);
      runs.push(await writerIngest());
    };
    const bareRound = (): void => {
      bare.push(bareInsert(join(dir, `bare-${round}.db`)));
      dropDb(`bare-${round}.db`);
    };
    if (round % 2 === 0) {
      await writerRound();
      bareRound();
    } else {
      bareRound();
      await writerRound();
    }
  }
  const genSeconds = generationOnly();
  const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const baseline = Math.min(...bare);
  printFigure({
    bench: 'snapshot/ingest',
    value: best.seconds,
    unit: 's',
    baseline,
    ratio: best.seconds / baseline,
    goal: '<= 1.5',
    users: INGEST_USERS,
    groups: INGEST_GROUPS,
    memberships: INGEST_MEMBERSHIPS,
    writeSeconds: Math.round(best.writeSeconds * 1000) / 1000,
    finishSeconds: Math.round(best.finishSeconds * 1000) / 1000,
    generationSeconds: Math.round(genSeconds * 1000) / 1000,
    ratioExcludingGeneration: Math.round(((best.seconds - genSeconds) / (baseline - genSeconds)) * 1000) / 1000,
  });
  printFigure({
    bench: 'snapshot/ingest-rss',
    value: Math.max(...runs.map((r) => r.peakRssGrowthMb)),
    unit: 'MB',
    baseline: null,
    ratio: null,
    goal: '<= 300',
  });
  // The last writer round's database stays open for the export figure.
  return runs[runs.length - 1]!.snapshotId;
}

// ---------------------------------------------------------------------------------------------
// (c) export
// ---------------------------------------------------------------------------------------------

function rawCsvLoop(snapshotId: number): { rows: number; bytes: number; seconds: number } {
  const reader = openSnapshotReader();
  try {
    const started = performance.now();
    let rows = 0;
    let bytes = 0;
    let chunk = 'groupId,groupName,userId,userEmail,userName,memberDisplay,orphan\r\n';
    for (const r of iterateMembershipsCsvRows(reader, snapshotId)) {
      chunk += `${r[0]},${r[1] ?? ''},${r[2]},${r[3] ?? ''},${r[4] ?? ''},${r[5] ?? ''},${r[6]}\r\n`;
      rows++;
      if (chunk.length >= 1 << 16) {
        bytes += chunk.length;
        chunk = '';
      }
    }
    bytes += chunk.length;
    return { rows, bytes, seconds: (performance.now() - started) / 1000 };
  } finally {
    reader.close();
  }
}

async function exportRun(snapshotId: number): Promise<{ rows: number; bytes: number; seconds: number; peakRssGrowthMb: number }> {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const started = performance.now();
  const file = exportSnapshotMembershipsCsv(snapshotId);
  let bytes = 0;
  let n = 0;
  for await (const chunk of file.chunks) {
    bytes += chunk.length;
    if (++n % 20 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return { rows: file.rows(), bytes, seconds: (performance.now() - started) / 1000, peakRssGrowthMb: (peak - rssBefore) / 2 ** 20 };
}

async function benchExport(snapshotId: number): Promise<void> {
  const raws: number[] = [];
  let best: Awaited<ReturnType<typeof exportRun>> | null = null;
  for (let round = 0; round < 2; round++) {
    const raw = rawCsvLoop(snapshotId);
    if (raw.rows !== INGEST_MEMBERSHIPS) throw new Error(`raw loop read ${raw.rows} rows`);
    raws.push(raw.rows / raw.seconds);
    const run = await exportRun(snapshotId);
    if (run.rows !== INGEST_MEMBERSHIPS) throw new Error(`export wrote ${run.rows} rows`);
    if (!best || run.seconds < best.seconds) best = run;
  }
  if (!best) throw new Error('no run');
  const rawRate = Math.max(...raws);
  const rate = best.rows / best.seconds;
  printFigure({ bench: 'snapshot/export', value: rate, unit: 'rows/s', baseline: rawRate, ratio: rate / rawRate, goal: '>= 0.5', rows: best.rows, seconds: Math.round(best.seconds * 1000) / 1000 });
  printFigure({ bench: 'snapshot/export-rss', value: best.peakRssGrowthMb, unit: 'MB', baseline: null, ratio: null, goal: 'flat (<= 100)' });
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'attest-bench-snapshot-'));
  try {
    const only = process.env.BENCH_SNAPSHOT_ONLY;
    if (!only || only === 'rate') await benchRate(dir);
    if (!only || only !== 'rate') {
      const snapshotId = await benchIngest(dir);
      await benchExport(snapshotId);
    }
  } finally {
    closeDb();
    rmSync(dir, { recursive: true, force: true });
  }
}
