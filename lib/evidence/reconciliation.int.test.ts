import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAuditPage } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { drainOutbox } from '@/lib/remediation';
import { closeCampaign, type TReviewItemRow } from '@/lib/review';
import { fastClient, startSeededSim, TEST_TOKEN, type TSimServer } from '@/lib/scim/testing/fixtures';
import { takeSnapshot } from '@/lib/snapshot';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { getEvidenceSummary, requestReconciliation, verifyEvidence, writeEvidenceZip, type TReconciliationConnection } from './index';
import { ADMIN, csvObjects, decide, launchedCampaign, readZip, tempDir } from './testing';

/**
 * Access after remediation, end to end over HTTP: the campaign's snapshot is crawled from the
 * simulator, the close queues the revokes (lib/remediation), the worker applies them through SCIM
 * PATCH, the directory then changes (or not), and a reconciliation crawls it again.
 */

type TSetup = { campaignId: number; membership: TReviewItemRow; account: TReviewItemRow; certified: TReviewItemRow[] };

describe('reconciliation against the simulator', () => {
  useTempDatabase();
  let server: TSimServer;
  let connection: TReconciliationConnection;

  beforeEach(async () => {
    server = await startSeededSim({ users: 60, groups: 6, seed: 11 });
    connection = { client: fastClient(server), source: 'env', baseUrl: server.url };
  });
  afterEach(async () => {
    await server.close();
  });

  /** A closed campaign over a snapshot crawled over HTTP: one membership and one account revoked (different users), the rest certified. */
  async function closedCampaign(): Promise<TSetup> {
    const snapshot = await takeSnapshot({ actor: ADMIN, trigger: 'ui', client: fastClient(server), source: 'env', baseUrl: server.url, applyRetention: false });
    const { campaignId, items } = launchedCampaign({ snapshotId: snapshot.id });
    const membership = items.find((i) => i.kind === 'membership')!;
    const account = items.find((i) => i.kind === 'account' && i.userScimId !== membership.userScimId)!;
    decide(campaignId, [membership, account], 'revoke', 'no longer needed');
    const certified = items.filter((i) => i.id !== membership.id && i.id !== account.id);
    decide(campaignId, certified, 'certify');
    closeCampaign(ADMIN, campaignId);
    return { campaignId, membership, account, certified };
  }

  async function remediate(campaignId: number): Promise<void> {
    const result = await drainOutbox({ client: fastClient(server), actor: ADMIN, campaignId, retryBaseMs: 5, retryMaxMs: 20 });
    expect(result.counts.verified).toBe(2);
  }

  async function reconcile(campaignId: number) {
    const requested = requestReconciliation(ADMIN, campaignId, { connection, applyRetention: false });
    const outcome = await requested.done;
    expect(outcome.error).toBeNull();
    return { requested, result: outcome.result! };
  }

  async function packageFiles(campaignId: number) {
    const path = join(tempDir(), 'evidence.zip');
    const manifest = await writeEvidenceZip(ADMIN, campaignId, path);
    expect((await verifyEvidence(path)).ok).toBe(true);
    const entries = await readZip(path);
    const file = (name: string) => entries.find((e) => e.name === name)!.data;
    return { manifest, reconciliation: csvObjects(file('reconciliation.csv')), report: file('report.html').toString('utf8') };
  }

  it('is clean when every revoked access is gone and nothing else changed', async () => {
    const { campaignId, membership, account } = await closedCampaign();
    await remediate(campaignId);
    const { requested, result } = await reconcile(campaignId);
    expect(result).toMatchObject({ status: 'clean', reconciliationId: requested.reconciliationId, snapshotId: requested.snapshotId });
    expect(result.counts).toEqual({ revocation_confirmed: 2, revocation_not_applied: 0, changed_unexpectedly: 0, attribute_changed: 0, revocations: 2, flagged: 0 });

    const { manifest, reconciliation, report } = await packageFiles(campaignId);
    expect(manifest.reconciliationId).toBe(requested.reconciliationId);
    expect(reconciliation.map((r) => [r.category, r.change, Number(r.item_id), r.remediation_status])).toEqual(
      [
        ['revocation_confirmed', 'access_removed', membership.id, 'verified'],
        ['revocation_confirmed', 'access_removed', account.id, 'verified'],
      ].sort((a, b) => (a[2] as number) - (b[2] as number)),
    );
    expect(report).toContain('clean — every revoked access is gone and nothing else changed');
    expect(report).toContain('the recomputation for this package gives the same counts');
    expect(report).toMatch(/Access after remediation matches the decisions<\/td><td><span class="ok">Yes/);
    expect(getEvidenceSummary(campaignId)?.reconciliation).toMatchObject({ state: 'checked', result: { status: 'clean' } });
    expect(listAuditPage({ action: 'evidence.reconciliation_checked' }, 1, 5).rows[0]).toMatchObject({ targetId: String(campaignId) });
  });

  it('flags an access revoked in the review, removed by remediation, and re-added in Airtable afterwards', async () => {
    const { campaignId, membership, account, certified } = await closedCampaign();
    await remediate(campaignId);
    const admin = fastClient(server);
    // Someone puts the revoked member back, grants a new membership, and deactivates a certified user.
    await admin.addGroupMember(membership.groupScimId!, membership.userScimId);
    const other = certified.find((i) => i.kind === 'membership' && i.userScimId !== membership.userScimId && i.userScimId !== account.userScimId)!;
    const newGroup = server.sim.store.allGroupsWithMembers().find((g) => !g.memberIds.includes(other.userScimId))!;
    await admin.addGroupMember(newGroup.id, other.userScimId);
    const deactivated = certified.find((i) => i.kind === 'account' && i.userScimId !== membership.userScimId && i.userScimId !== other.userScimId)!;
    await admin.deactivateUser(deactivated.userScimId);

    const { result } = await reconcile(campaignId);
    expect(result.status).toBe('flagged');
    expect(result.counts).toMatchObject({ revocation_confirmed: 1, revocation_not_applied: 0, changed_unexpectedly: 3, flagged: 3 });
    expect(result.flaggedSample.map((f) => [f.change, f.userScimId])).toEqual(
      expect.arrayContaining([
        ['access_present_again', membership.userScimId],
        ['membership_added', other.userScimId],
        ['user_deactivated', deactivated.userScimId],
      ]),
    );

    const { reconciliation, report } = await packageFiles(campaignId);
    const readded = reconciliation.find((r) => r.change === 'access_present_again')!;
    expect(readded).toMatchObject({ category: 'changed_unexpectedly', item_id: String(membership.id), group_scim_id: membership.groupScimId, remediation_status: 'verified' });
    expect(readded.note).toMatch(/re-granted after the review/);
    expect(reconciliation.find((r) => r.change === 'membership_added')).toMatchObject({ group_scim_id: newGroup.id, user_scim_id: other.userScimId });
    expect(reconciliation.find((r) => r.change === 'user_deactivated')).toMatchObject({ field: 'active', before: 'true', after: 'false' });
    expect(report).toContain('3 finding(s) flagged');
    expect(report).toMatch(/Access after remediation matches the decisions<\/td><td><span class="bad">No/);
  });

  it('flags revocations that were never applied before the fresh snapshot', async () => {
    const { campaignId } = await closedCampaign();
    const { result } = await reconcile(campaignId);
    expect(result.counts).toMatchObject({ revocation_confirmed: 0, revocation_not_applied: 2, changed_unexpectedly: 0, flagged: 2 });
    expect(result.flaggedSample.every((f) => f.change === 'access_still_present' && f.remediationStatus === 'pending')).toBe(true);
    expect(result.flaggedSample[0]?.note).toMatch(/remediation pending/);
  });

  it('refuses a campaign that is not closed, and records a reconciliation whose snapshot failed', async () => {
    const snapshot = await takeSnapshot({ actor: ADMIN, trigger: 'ui', client: fastClient(server), source: 'env', baseUrl: server.url, applyRetention: false });
    const active = launchedCampaign({ snapshotId: snapshot.id });
    expect(() => requestReconciliation(ADMIN, active.campaignId, { connection })).toThrow(expect.objectContaining({ code: 'conflict' }) as AppError);
    expect(() => requestReconciliation(ADMIN, 9_999, { connection })).toThrow(expect.objectContaining({ code: 'not_found' }) as AppError);

    closeCampaign(ADMIN, active.campaignId);
    const badToken = { ...connection, client: fastClient(server, { token: `${TEST_TOKEN}-revoked`, maxRetries: 0 }) };
    const requested = requestReconciliation(ADMIN, active.campaignId, { connection: badToken, applyRetention: false });
    const outcome = await requested.done;
    expect(outcome.result).toBeNull();
    expect(outcome.error).toMatch(/failed/);
    expect(getEvidenceSummary(active.campaignId)?.reconciliation).toMatchObject({ state: 'failed', reconciliationId: requested.reconciliationId });
    const { report, reconciliation } = await packageFiles(active.campaignId);
    expect(report).toContain('The reconciliation snapshot did not complete');
    expect(reconciliation).toHaveLength(0);
    expect(listAuditPage({ action: 'evidence.reconciliation_requested' }, 1, 5).total).toBe(1);
  });
});
