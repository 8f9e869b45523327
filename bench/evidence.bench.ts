/**
 * `npm run bench -- evidence`: memory of the evidence package of a 100k-item campaign.
 *
 * Setup: a 20,000-user enterprise (~4 memberships each, deactivated users included: ~100k items)
 * copied into a snapshot, one campaign with a fixed reviewer, 2% of the items revoked with a
 * justification, the rest certified, closed (the close queues the revokes in the remediation outbox).
 *
 * - evidence/stream: the whole zip (report.html, decisions.csv, remediation.csv, population.csv,
 *   reconciliation.csv, manifest.json) streamed to /dev/null through `streamEvidenceZip`. Value:
 *   peak RSS growth in MB (goal <= 200, i.e. flat: nothing holds the campaign in memory). Baseline:
 *   the peak RSS growth of streaming the JSON export of the same snapshot (every user, group and
 *   membership), so the ratio says how the package compares with Attest's other big stream.
 *
 * Each measurement runs in a fresh child process on the prepared database file, so neither one
 * inherits the other's heap (or the setup's).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { closeDb, getDb } from '@/db/client';
import { resetEnvForTests } from '@/lib/env';
import { streamEvidenceZip } from '@/lib/evidence';
import { bulkDecide, closeCampaign, createCampaignDraft, launchCampaign, listReviewItems } from '@/lib/review';
import { ADMIN, actor, campaignInput, seededStore, snapshotFromStore } from '@/lib/review/testing';
import { exportSnapshotJson } from '@/lib/snapshot';
import { printFigure } from './report';

const USERS = 20_000;
const GROUPS = 400;
const REVOKED_SHARE = 0.02;
const REVIEWER = 'reviewer@northwind-bench.example';
const MEASURE_ENV = 'ATTEST_EVIDENCE_BENCH_MEASURE';

type TMeasurement = { rssBeforeMb: number; peakRssMb: number; growthMb: number; seconds: number; bytes: number };

/** Sample RSS while `work` runs (every 10 ms, and at the end). */
async function measure(work: () => Promise<number>): Promise<TMeasurement> {
  // Let the process settle after imports and the database open.
  await new Promise((r) => setTimeout(r, 200));
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const started = performance.now();
  const bytes = await work();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const mb = (n: number) => n / 2 ** 20;
  return { rssBeforeMb: mb(before), peakRssMb: mb(peak), growthMb: mb(peak - before), seconds, bytes };
}

/** Child process: one measurement, printed as JSON on stdout. */
async function measureInChild(): Promise<void> {
  const [kind, id] = (process.env[MEASURE_ENV] ?? '').split(':');
  getDb();
  const result = await measure(async () => {
    let bytes = 0;
    if (kind === 'evidence') {
      const zip = streamEvidenceZip(ADMIN, Number(id));
      zip.stream.on('data', (chunk: Buffer) => void (bytes += chunk.length));
      await pipeline(zip.stream, createWriteStream('/dev/null'));
      await zip.done;
    } else {
      const file = exportSnapshotJson(Number(id));
      const out = createWriteStream('/dev/null');
      await pipeline(
        (async function* () {
          for await (const chunk of file.chunks) {
            const buf = Buffer.from(chunk, 'utf8');
            bytes += buf.length;
            yield buf;
          }
        })(),
        out,
      );
    }
    return bytes;
  });
  closeDb();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function child(dbPath: string, what: string): Promise<TMeasurement> {
  const script = fileURLToPath(import.meta.url);
  const proc = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', script], {
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: `file:${dbPath}`, [MEASURE_ENV]: what },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => void (out += d.toString()));
  return new Promise((resolve, reject) => {
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`measurement ${what} exited ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as TMeasurement);
    });
  });
}

/** The 100k-item closed campaign; returns its ids and item count. */
function setup(dbPath: string): { snapshotId: number; campaignId: number; items: number; revoked: number } {
  process.env.DATABASE_URL = `file:${dbPath}`;
  resetEnvForTests();
  getDb();
  const store = seededStore({ users: USERS, groups: GROUPS, membershipsPerUser: 4, seed: 7 });
  const snapshotId = snapshotFromStore(store);
  store.close();
  const draft = createCampaignDraft(
    ADMIN,
    campaignInput(snapshotId, { name: 'Evidence bench', reviewerRule: 'fixed', fixedReviewerEmail: REVIEWER, scope: { kind: 'all', includeInactive: true } }),
  );
  const { itemCount } = launchCampaign(ADMIN, draft.id);
  const reviewer = actor(REVIEWER);
  // Every 50th item revoked (2%), with a justification, then everything else certified.
  const ids: number[] = [];
  for (let page = 1; ; page++) {
    const { rows } = listReviewItems(draft.id, { email: ADMIN.email, role: 'admin' }, { sort: 'email', page, pageSize: 500 });
    if (rows.length === 0) break;
    for (const r of rows) if (r.id % Math.round(1 / REVOKED_SHARE) === 0) ids.push(r.id);
  }
  for (let i = 0; i < ids.length; i += 10_000) {
    bulkDecide(reviewer, { campaignId: draft.id, decision: 'revoke', comment: 'No longer needed after the reorganisation', target: { itemIds: ids.slice(i, i + 10_000) } });
  }
  const rest = itemCount - ids.length;
  bulkDecide(reviewer, { campaignId: draft.id, decision: 'certify', target: { filter: { decision: 'undecided' }, expectedCount: rest } });
  closeCampaign(ADMIN, draft.id);
  closeDb();
  return { snapshotId, campaignId: draft.id, items: itemCount, revoked: ids.length };
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'attest-bench-evidence-'));
  const previousUrl = process.env.DATABASE_URL;
  try {
    const dbPath = join(dir, 'evidence.db');
    const s = setup(dbPath);
    const baseline = await child(dbPath, `snapshot:${s.snapshotId}`);
    const evidence = await child(dbPath, `evidence:${s.campaignId}`);
    printFigure({
      bench: 'evidence/stream',
      value: evidence.growthMb,
      unit: 'MB',
      baseline: baseline.growthMb,
      ratio: evidence.growthMb / baseline.growthMb,
      goal: '<= 200',
      items: s.items,
      revoked: s.revoked,
      itemsPerSecond: Math.round(s.items / evidence.seconds),
      seconds: Math.round(evidence.seconds * 100) / 100,
      peakRssMb: Math.round(evidence.peakRssMb),
      zipBytes: evidence.bytes,
      snapshotExport: { seconds: Math.round(baseline.seconds * 100) / 100, bytes: baseline.bytes, peakRssMb: Math.round(baseline.peakRssMb) },
    });
  } finally {
    closeDb();
    if (previousUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previousUrl;
    resetEnvForTests();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env[MEASURE_ENV]) await measureInChild();
