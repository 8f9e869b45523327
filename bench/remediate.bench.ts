/**
 * `npm run bench -- remediate`: lib/remediation's worker against the simulator over HTTP.
 *
 * - remediate/rate: 1,000 revocations of a closed campaign (400 deactivations, 600 membership
 *   removals) drained at Airtable's 50 requests/s (simulator and client both at 50/s), every row
 *   PATCHed once and verified with a GET, each verified row written with its audit row. Baseline:
 *   the rate-limit lower bound, (PATCH + verifying GET requests the simulator received) ÷ 50.
 *   The ratio is what the worker's own work (database transactions, the audit chain, scheduling)
 *   costs on top of the rate limit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDb, getDb } from '@/db/client';
import { seedEnterprise, startSimServer } from '@/lib/airtable-sim';
import { resetEnvForTests } from '@/lib/env';
import { drainOutbox } from '@/lib/remediation';
import { campaignWithRevokes } from '@/lib/remediation/testing';
import { ADMIN } from '@/lib/review/testing';
import { createScimClient } from '@/lib/scim';
import { printFigure } from './report';

const RATE = 50;
const ACCOUNTS = 400;
const MEMBERSHIPS = 600;

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'attest-bench-remediate-'));
  const token = 'bench-remediate-token-0001';
  const server = await startSimServer({ tokens: [token], rateLimitPerSecond: RATE, seedRandom: 1 });
  try {
    closeDb();
    process.env.DATABASE_URL = `file:${join(dir, 'remediate.db')}`;
    resetEnvForTests();
    getDb();
    seedEnterprise(server.sim.store, { seed: 3, users: 1_500, groups: 60, membershipsPerUser: 4 });
    const fixture = campaignWithRevokes(server.sim.store, (items) => {
      const accounts = items.filter((i) => i.kind === 'account' && i.userActive).slice(0, ACCOUNTS);
      // Memberships of other users, spread over the groups (every other item), as a real review's removals are.
      const taken = new Set(accounts.map((a) => a.userScimId));
      const memberships = items.filter((i, n) => i.kind === 'membership' && !taken.has(i.userScimId) && n % 2 === 0).slice(0, MEMBERSHIPS);
      return [...accounts, ...memberships];
    });
    const revocations = fixture.revoked.length;
    if (revocations !== ACCOUNTS + MEMBERSHIPS) throw new Error(`the fixture has ${revocations} revocations, wanted ${ACCOUNTS + MEMBERSHIPS}`);
    server.sim.clearRequestLog();

    const client = createScimClient({ baseUrl: server.url, token, rateLimitPerSecond: RATE });
    const started = performance.now();
    const result = await drainOutbox({ client, actor: ADMIN, campaignId: fixture.campaignId });
    const elapsed = (performance.now() - started) / 1000;
    if (result.counts.verified !== revocations) throw new Error(`remediation incomplete: ${JSON.stringify(result.counts)} ${result.summary.stoppedReason ?? ''}`);

    const patches = server.sim.countRequests({ method: 'PATCH' });
    const gets = server.sim.countRequests({ method: 'GET' });
    const baseline = (patches + gets) / RATE;
    printFigure({
      bench: 'remediate/rate',
      value: elapsed,
      unit: 's',
      baseline,
      ratio: elapsed / baseline,
      goal: '<= 1.15',
      revocations,
      patches,
      verifyGets: gets,
      throttled: result.summary.throttled,
      retries: result.summary.retries,
      rateLimitWaitMs: result.summary.rateLimitWaitMs,
    });
  } finally {
    await server.close();
    closeDb();
    rmSync(dir, { recursive: true, force: true });
  }
}
