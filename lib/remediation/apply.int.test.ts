import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { remediationActions, remediationRuns } from '@/db/schema';
import { countAuditRows } from '@/lib/audit/queries';
import { listAuditPage } from '@/lib/audit';
import { createCampaignDraft } from '@/lib/review';
import { ADMIN, campaignInput, snapshotFromStore, thrown } from '@/lib/review/testing';
import { fastClient, startSeededSim, type TSimServer } from '@/lib/scim/testing/fixtures';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { enqueueStaleDeactivations, getRemediationProgress, listRemediationActions, retryFailed, startRemediation } from './index';
import { campaignWithRevokes } from './testing';

const FORBIDDEN_TOKEN = 'pat-forbidden-token-apply-0001';
const rows = () => getDb().select().from(remediationActions).orderBy(remediationActions.id).all();
const runs = () => getDb().select().from(remediationRuns).all();

describe('startRemediation and retryFailed', () => {
  useTempDatabase();
  let server: TSimServer;

  beforeEach(async () => {
    server = await startSeededSim({ users: 50, groups: 5, seed: 12 }, { forbiddenTokens: [FORBIDDEN_TOKEN] });
  });
  afterEach(async () => {
    await server.close();
  });

  it('refuses a draft, an active campaign and an unknown one, writing nothing and sending nothing', () => {
    const snapshotId = snapshotFromStore(server.sim.store);
    const draft = createCampaignDraft(ADMIN, campaignInput(snapshotId, { name: 'Drafted' }));
    const active = campaignWithRevokes(server.sim.store, (items) => items.slice(0, 2), { close: false, overrides: { name: 'Running review' } });
    const auditBefore = countAuditRows();
    const client = fastClient(server);
    expect(thrown(() => startRemediation(ADMIN, { campaignId: draft.id }, { client }))).toMatchObject({
      code: 'conflict',
      message: '"Drafted" is a draft that was never launched: its revocations go to Airtable after the campaign closes.',
    });
    expect(thrown(() => startRemediation(ADMIN, { campaignId: active.campaignId }, { client }))).toMatchObject({
      code: 'conflict',
      message: '"Running review" is still active: its revocations go to Airtable after the campaign closes.',
    });
    expect(thrown(() => startRemediation(ADMIN, { campaignId: 9_999 }, { client }))).toMatchObject({ code: 'not_found', message: 'Campaign not found.' });
    expect(thrown(() => startRemediation(ADMIN, { campaignId: -1 }, { client }))).toMatchObject({ code: 'invalid' });
    expect(runs()).toHaveLength(0);
    expect(rows()).toHaveLength(0);
    expect(countAuditRows()).toBe(auditBefore);
    expect(server.sim.requestLog()).toHaveLength(0);
  });

  it('returns the run id at once, audits the start, and drains in the background', async () => {
    const fixture = campaignWithRevokes(server.sim.store, (items) => items.filter((i) => i.userActive).slice(0, 6), { overrides: { name: 'Q4' } });
    server.sim.setFaults({ latencyMs: 20 });
    const started = startRemediation(ADMIN, { campaignId: fixture.campaignId }, { client: fastClient(server) });
    // Synchronous part done: the run row exists and is running; nothing sent yet.
    expect(runs()).toEqual([expect.objectContaining({ id: started.runId, status: 'running', campaignId: fixture.campaignId, startedByEmail: ADMIN.email })]);
    expect(getRemediationProgress(fixture.campaignId).running).toMatchObject({ id: started.runId, status: 'running' });
    expect(JSON.parse(listAuditPage({ action: 'remediation.started' }, 1, 1).rows[0]!.details)).toEqual({
      campaignId: fixture.campaignId,
      campaignName: 'Q4',
      trigger: 'ui',
      rowsAtStart: 6,
    });
    const result = await started.done;
    expect(result).toMatchObject({ runId: started.runId, status: 'finished', counts: { verified: 6 } });
    expect(getRemediationProgress(fixture.campaignId)).toMatchObject({ running: null, percentDone: 100, lastRun: { id: started.runId, status: 'finished', summary: { verified: 6 } } });
  });

  it('queues the revokes of a campaign closed before remediation existed, once', async () => {
    const fixture = campaignWithRevokes(server.sim.store, (items) => items.slice(0, 3), { close: false });
    // Closed without going through closeCampaign (an older version of Attest): no outbox rows.
    getDb().$client.prepare("UPDATE campaigns SET status = 'closed', closed_at = ?, closed_by_email = ? WHERE id = ?").run(new Date().toISOString(), ADMIN.email, fixture.campaignId);
    expect(rows()).toHaveLength(0);
    const result = await startRemediation(ADMIN, { campaignId: fixture.campaignId }, { client: fastClient(server) }).done;
    expect(result.counts.verified).toBe(3);
    expect(JSON.parse(listAuditPage({ action: 'remediation.enqueued' }, 1, 1).rows[0]!.details)).toMatchObject({ source: 'campaign', queued: 3 });
    await startRemediation(ADMIN, { campaignId: fixture.campaignId }, { client: fastClient(server) }).done;
    expect(rows()).toHaveLength(3);
    expect(listAuditPage({ action: 'remediation.enqueued' }, 1, 5).total).toBe(1);
  });

  it('retries failed rows only: clear errors otherwise; attempts are kept and the row is checked before it is resent', async () => {
    const fixture = campaignWithRevokes(server.sim.store, (items) => items.filter((i) => i.kind === 'account' && i.userActive).slice(0, 3));
    // A refused token fails the first row and stops the run.
    await startRemediation(ADMIN, { campaignId: fixture.campaignId }, { client: fastClient(server, { token: FORBIDDEN_TOKEN }), concurrency: 1 }).done;
    const failedRow = rows()[0]!;
    const pendingRow = rows()[1]!;
    expect(failedRow).toMatchObject({ status: 'failed', attempts: 1 });
    expect(pendingRow).toMatchObject({ status: 'pending', attempts: 0 });

    expect(thrown(() => retryFailed(ADMIN, { campaignId: fixture.campaignId, ids: [failedRow.id, pendingRow.id] }))).toMatchObject({
      code: 'conflict',
      message: `Only failed rows can be retried: #${pendingRow.id} is pending. Nothing was changed.`,
    });
    expect(thrown(() => retryFailed(ADMIN, { campaignId: fixture.campaignId, ids: [failedRow.id, 4_242] }))).toMatchObject({ code: 'not_found', message: 'Not remediation rows of "Q4 access review": #4242.' });
    expect(rows()[0]!.status).toBe('failed');

    expect(retryFailed(ADMIN, { campaignId: fixture.campaignId, ids: [failedRow.id] })).toEqual({ retried: 1, actionIds: [failedRow.id] });
    expect(rows()[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: failedRow.lastError });
    expect(JSON.parse(listAuditPage({ action: 'remediation.retried' }, 1, 1).rows[0]!.details)).toEqual({ campaignId: fixture.campaignId, count: 1, actionIds: [failedRow.id] });
    expect(thrown(() => retryFailed(ADMIN, { campaignId: fixture.campaignId }))).toMatchObject({ code: 'conflict', message: 'Campaign "Q4 access review" has no failed rows to retry.' });

    server.sim.clearRequestLog();
    const result = await startRemediation(ADMIN, { campaignId: fixture.campaignId }, { client: fastClient(server) }).done;
    expect(result.counts).toMatchObject({ verified: 3, failed: 0 });
    expect(rows()[0]).toMatchObject({ status: 'verified', attempts: 2 });
    // Sent before, so looked at first: GET, then the PATCH, then the verifying GET.
    expect(server.sim.requestLog().filter((r) => r.path === failedRow.requestPath).map((r) => r.method)).toEqual(['GET', 'PATCH', 'GET']);
  });

  it('with no campaign drains the whole outbox, stale-account deactivations included', async () => {
    const fixture = campaignWithRevokes(server.sim.store, (items) => items.filter((i) => i.kind === 'membership').slice(0, 2));
    const stale = server.sim.store.allUsers().find((u) => u.active && !fixture.revoked.some((r) => r.userScimId === u.id))!;
    enqueueStaleDeactivations(ADMIN, { userScimIds: [stale.id], justification: 'Left in March' });
    const result = await startRemediation(ADMIN, {}, { client: fastClient(server) }).done;
    expect(result).toMatchObject({ campaignId: null, counts: { verified: 3 } });
    expect(server.sim.store.getUser(stale.id)?.active).toBe(false);
    // The stale-account rows have their own progress and list (campaign null).
    expect(getRemediationProgress(null)).toMatchObject({ campaignId: null, total: 1, done: 1, counts: { verified: 1 }, lastRun: { id: result.runId, campaignId: null } });
    expect(listRemediationActions(null).rows).toEqual([expect.objectContaining({ source: 'stale', userScimId: stale.id, status: 'verified', reason: 'Stale account: Left in March' })]);
    expect(getRemediationProgress(fixture.campaignId)).toMatchObject({ total: 2, done: 2 });
  });
});
