import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cancelBackgroundRemediation, getRemediationStatusView, startBackgroundRemediation } from '@/lib/jobs/remediation-job';
import { resetEnvForTests } from '@/lib/env';
import { ADMIN, thrown } from '@/lib/review/testing';
import { startSeededSim, TEST_TOKEN, type TSimServer } from '@/lib/scim/testing/fixtures';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { campaignWithRevokes, type TCampaignFixture } from './testing';

/** The web server's "Apply now": the configured connection (here SCIM_BASE_URL / SCIM_TOKEN), a run id at once, progress by polling. */

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('remediation job (lib/jobs/remediation-job.ts)', () => {
  useTempDatabase();
  let server: TSimServer;
  let fixture: TCampaignFixture;
  const saved = { url: process.env.SCIM_BASE_URL, token: process.env.SCIM_TOKEN, rate: process.env.SCIM_RATE_LIMIT };

  beforeEach(async () => {
    server = await startSeededSim({ users: 40, groups: 4, seed: 31 });
    process.env.SCIM_BASE_URL = server.url;
    process.env.SCIM_TOKEN = TEST_TOKEN;
    process.env.SCIM_RATE_LIMIT = '0';
    resetEnvForTests();
    fixture = campaignWithRevokes(server.sim.store, (items) => items.filter((i) => i.userActive).slice(0, 24));
  });
  afterEach(async () => {
    for (const [key, value] of [['SCIM_BASE_URL', saved.url], ['SCIM_TOKEN', saved.token], ['SCIM_RATE_LIMIT', saved.rate]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    resetEnvForTests();
    await server.close();
  });

  it('starts in the background, returns the run id at once, and a page can poll it to the end', async () => {
    server.sim.setFaults({ latencyMs: 15 });
    const { runId } = startBackgroundRemediation(ADMIN, { campaignId: fixture.campaignId });
    const first = getRemediationStatusView(fixture.campaignId);
    expect(first.running).toMatchObject({ id: runId, status: 'running', campaignId: fixture.campaignId });
    expect(first.campaign).toMatchObject({ total: 24, running: { id: runId } });
    expect(thrown(() => startBackgroundRemediation(ADMIN, { campaignId: fixture.campaignId }))).toMatchObject({ code: 'conflict' });
    await until(() => getRemediationStatusView(fixture.campaignId).running === null, 'the run to finish');
    const done = getRemediationStatusView(fixture.campaignId);
    expect(done.campaign).toMatchObject({ total: 24, done: 24, percentDone: 100, counts: { verified: 24 }, lastRun: { id: runId, status: 'finished', summary: { verified: 24, patchesSent: 24 } } });
    expect(server.sim.countRequests({ method: 'PATCH' })).toBe(24);
  });

  it('cancels after the rows in progress; the rest stay queued for the next run', async () => {
    server.sim.setFaults({ latencyMs: 60 });
    const { runId } = startBackgroundRemediation(ADMIN, { campaignId: fixture.campaignId });
    await until(() => server.sim.countRequests({ method: 'PATCH' }) > 0, 'a first PATCH');
    expect(cancelBackgroundRemediation(runId, 'Cancelled by admin@northwind.example.')).toBe(true);
    await until(() => getRemediationStatusView().running === null, 'the run to stop');
    const view = getRemediationStatusView(fixture.campaignId).campaign!;
    expect(view.lastRun).toMatchObject({ id: runId, status: 'interrupted', summary: { stoppedReason: 'Cancelled by admin@northwind.example.' } });
    expect(view.counts.pending).toBeGreaterThan(0);
    expect(view.counts.in_flight + view.counts.applied).toBe(0);
    expect(cancelBackgroundRemediation(runId, 'again')).toBe(false);
  });
});
