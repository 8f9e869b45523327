import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAuditPage, verifyAuditLog } from '@/lib/audit';
import { recordSignInFailure, signInThrottleKeys } from '@/lib/auth/throttle';
import { addUser, recordSignIn, setUserRole } from '@/lib/auth/users';
import { clearConnection, saveConnection, testConnection } from '@/lib/connection';
import { drainOutbox, exportDryRun, recordDryRunExport } from '@/lib/remediation';
import { saveNotificationRules, saveSmtpSettings, sendTestMail } from '@/lib/notifications';
import {
  acceptCarriedOver,
  acceptRecommendations,
  advanceStage,
  bulkDecide,
  closeCampaign,
  createCampaignDraft,
  decideItem,
  DEFAULT_ATTESTATION_STATEMENT,
  deleteCampaignDraft,
  excludeItems,
  extendDueDate,
  launchCampaign,
  passOnAsNotSure,
  reassignItems,
  setGroupOwners,
  signOff,
  undoDecision,
  updateCampaignDraft,
} from '@/lib/review';
import { allItems, campaignInput, inDays, seededStore, snapshotFromStore } from '@/lib/review/testing';
import { createTemplate, deleteTemplate, setTemplateEnabled, updateTemplate } from '@/lib/schedule';
import { templateInput } from '@/lib/schedule/testing';
import { fastClient, startSeededSim, TEST_TOKEN, type TSimServer } from '@/lib/scim/testing/fixtures';
import { clearSetting, setCompanyDomains, setSetting, setSnapshotRetention, setStaleThresholds } from '@/lib/settings';
import { applySnapshotRetention, recordSnapshotExport, requestSnapshotCancel, startSnapshot, takeSnapshot } from '@/lib/snapshot';
import { recordChargebackExport } from '@/lib/stale/chargeback';
import { recordStaleExport } from '@/lib/stale/read';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { buildEvidenceManifest, checkReconciliation, recordEvidenceDownload, requestReconciliation, writeEvidenceDirectory, writeEvidenceZip } from './index';
import { ADMIN, decide, launchedCampaign, REVIEWER, REVIEWER_ACTOR, tempDir } from './testing';

/**
 * Audit coverage: every domain write in lib/ appends to the hash-chained audit log. Each case
 * runs the write through its lib/ function on a real database and checks that the rows appended
 * meanwhile include the expected action and that the chain still verifies. A guard then scans
 * lib/ for exported functions that take an actor (the signature of a write someone makes) and
 * fails for any that no case here — or a listed owner's own tests — covers, so a new write cannot
 * ship unaudited unnoticed. It also checks that every download route records its download.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Functions proven below, by name. */
const COVERED = new Set<string>();

/**
 * Writes whose audit rows are asserted by their owners' tests, or that cannot run outside a
 * request. Each needs a reason; the guard accepts nothing else.
 */
const COVERED_ELSEWHERE: Record<string, string> = {
  startRemediation: 'lib/remediation/apply.int.test.ts (remediation.started, remediation.enqueued)',
  retryFailed: 'lib/remediation/apply.int.test.ts (remediation.retried)',
  enqueueStaleDeactivations: 'lib/remediation tests (remediation.enqueued)',
  startBackgroundRemediation: 'delegates to startRemediation',
  startBackgroundSnapshot: 'delegates to startSnapshot (covered here)',
  deactivateStaleAccounts: 'delegates to enqueueStaleDeactivations (remediation.enqueued)',
  commitImport: 'lib/imports: import.committed in the same transaction as the rows (its tests own the file formats)',
  previewAcceptRecommendations: 'read-only: counts what acceptRecommendations (covered here) would do, writes nothing',
  storeSettingValue: 'a row write inside its caller’s transaction; every caller (setSetting, saveSmtpSettings, saveNotificationRules, covered here) audits it',
};

/** Rows appended while `run` runs: their actions, in order. */
async function auditedBy(run: () => unknown): Promise<string[]> {
  const before = listAuditPage({}, 1, 1).rows[0]?.id ?? 0;
  await run();
  const appended = listAuditPage({}, 1, 1_000).rows.filter((r) => r.id > before);
  const verdict = verifyAuditLog();
  expect(verdict.ok, verdict.ok ? '' : verdict.reason).toBe(true);
  return appended.map((r) => r.action).reverse();
}

/** Prove that `fns` append `actions` when `run` runs (registered for the guard). */
function proves(fns: string[], actions: string[], run: () => unknown, timeout?: number): void {
  for (const fn of fns) COVERED.add(fn);
  it(`${fns.join(', ')} → ${actions.join(', ')}`, { timeout }, async () => {
    const appended = await auditedBy(run);
    for (const action of actions) expect(appended, `expected ${action} in ${appended.join(', ') || 'nothing'}`).toContain(action);
  });
}

function smallSnapshot(): number {
  const store = seededStore({ users: 24, groups: 4, seed: 6 });
  const id = snapshotFromStore(store);
  store.close();
  return id;
}

describe('every domain write appends to the audit log', () => {
  useTempDatabase();
  let server: TSimServer;
  beforeEach(async () => {
    server = await startSeededSim({ users: 30, groups: 4, seed: 2 });
  });
  afterEach(async () => {
    await server.close();
  });
  const options = (client = fastClient(server)) => ({ actor: ADMIN, trigger: 'ui' as const, client, source: 'env' as const, baseUrl: server.url, applyRetention: false });

  describe('snapshots', () => {
    proves(['startSnapshot', 'takeSnapshot'], ['snapshot.started', 'snapshot.completed'], () => takeSnapshot(options()));
    proves(['takeSnapshot (failure)'], ['snapshot.started', 'snapshot.failed'], () => takeSnapshot(options(fastClient(server, { token: `${TEST_TOKEN}-wrong`, maxRetries: 0 }))));
    proves(['requestSnapshotCancel'], ['snapshot.cancel_requested', 'snapshot.cancelled'], async () => {
      server.sim.setFaults({ latencyMs: 200 });
      const run = startSnapshot(options());
      await new Promise((r) => setTimeout(r, 50));
      requestSnapshotCancel(ADMIN, run.snapshotId);
      expect((await run.done).status).toBe('cancelled');
    });
    proves(['applySnapshotRetention'], ['settings.updated', 'snapshot.deleted_by_retention'], () => {
      smallSnapshot();
      smallSnapshot();
      setSnapshotRetention(ADMIN, 1);
      expect(applySnapshotRetention().deleted.length).toBeGreaterThan(0);
    });
    proves(['recordSnapshotExport'], ['snapshot.exported'], () => recordSnapshotExport(ADMIN, smallSnapshot(), 'users'));
  });

  describe('settings and connection', () => {
    proves(['setSetting', 'setCompanyDomains'], ['settings.updated'], () => setCompanyDomains(ADMIN, ['northwind.example']));
    proves(['setSnapshotRetention'], ['settings.updated'], () => setSnapshotRetention(ADMIN, 6));
    proves(['setStaleThresholds'], ['settings.updated'], () => setStaleThresholds(ADMIN, { inactiveDays: 120, neverActiveGraceDays: 45 }));
    proves(['clearSetting'], ['settings.updated', 'settings.cleared'], () => {
      setSetting(ADMIN, 'snapshot.retention', 3);
      expect(clearSetting(ADMIN, 'snapshot.retention')).toBe(true);
    });
    proves(['saveConnection', 'clearConnection'], ['settings.connection_saved', 'settings.connection_cleared'], () => {
      saveConnection(ADMIN, { baseUrl: server.url, token: TEST_TOKEN });
      clearConnection(ADMIN);
    });
    proves(['testConnection'], ['settings.connection_tested'], () => testConnection(ADMIN, { baseUrl: server.url, token: TEST_TOKEN }));
  });

  describe('people and roles', () => {
    proves(['recordSignIn'], ['auth.sign_in'], () => recordSignIn({ email: 'someone@northwind.example', name: 'Someone', method: 'oidc' }));
    proves(['recordSignInFailure'], ['auth.sign_in_locked'], () => {
      for (let i = 0; i < 5; i++) recordSignInFailure(signInThrottleKeys('guess@northwind.example'), { method: 'demo' });
    });
    proves(['addUser', 'setUserRole'], ['user.added', 'user.role_changed'], () => {
      const user = addUser(ADMIN, { email: 'auditor@audit.example', name: null, role: 'reviewer' });
      setUserRole(ADMIN, user.id, 'auditor');
    });
    proves(['setGroupOwners'], ['group_owners.updated'], () => setGroupOwners(ADMIN, 'ugp00000000000001', 'Finance', ['owner@northwind.example']));
  });

  describe('campaigns and reviews', () => {
    const fixed = (snapshotId: number) => campaignInput(snapshotId, { reviewerRule: 'fixed', fixedReviewerEmail: REVIEWER, fallbackReviewerEmail: 'fallback@evidence.test' });
    proves(['createCampaignDraft', 'updateCampaignDraft', 'deleteCampaignDraft'], ['campaign.draft_created', 'campaign.draft_updated', 'campaign.draft_deleted'], () => {
      const snapshotId = smallSnapshot();
      const draft = createCampaignDraft(ADMIN, fixed(snapshotId));
      updateCampaignDraft(ADMIN, draft.id, { ...fixed(snapshotId), name: 'Renamed' });
      deleteCampaignDraft(ADMIN, draft.id);
    });
    proves(['launchCampaign'], ['campaign.launched'], () => launchCampaign(ADMIN, createCampaignDraft(ADMIN, fixed(smallSnapshot())).id));
    proves(['decideItem', 'undoDecision', 'bulkDecide'], ['review.decided', 'review.undone', 'review.bulk_decided'], () => {
      const { campaignId, items } = launchedCampaign({ snapshotId: smallSnapshot() });
      const item = items[0]!;
      const decided = decideItem(REVIEWER_ACTOR, { campaignId, itemId: item.id, decision: 'certify', expectedVersion: item.version });
      undoDecision(REVIEWER_ACTOR, { campaignId, itemId: item.id, expectedVersion: decided.version });
      bulkDecide(REVIEWER_ACTOR, { campaignId, decision: 'certify', target: { itemIds: items.slice(1, 4).map((i) => i.id) } });
    });
    proves(['signOff'], ['review.signed_off'], () => {
      const { campaignId, items } = launchedCampaign({ snapshotId: smallSnapshot() });
      decide(campaignId, items, 'certify');
      signOff(REVIEWER_ACTOR, { campaignId, statement: DEFAULT_ATTESTATION_STATEMENT });
    });
    proves(['reassignItems', 'extendDueDate'], ['campaign.items_reassigned', 'campaign.due_date_extended'], () => {
      const { campaignId, items } = launchedCampaign({ snapshotId: smallSnapshot() });
      reassignItems(ADMIN, { campaignId, itemIds: [items[0]!.id], toReviewerEmail: 'other@evidence.test', reason: 'leave' });
      extendDueDate(ADMIN, campaignId, inDays(60));
    });
    it('closeCampaign, enqueueCampaignRevocations → campaign.closed recording the queued revocations', async () => {
      COVERED.add('closeCampaign');
      COVERED.add('enqueueCampaignRevocations');
      const { campaignId, items } = launchedCampaign({ snapshotId: smallSnapshot() });
      decide(campaignId, items.slice(0, 2), 'revoke', 'gone');
      const appended = await auditedBy(() => closeCampaign(ADMIN, campaignId));
      expect(appended).toEqual(['campaign.closed']);
      // lib/remediation's enqueue writes no row of its own: the close's row must record what it queued.
      const closed = listAuditPage({ action: 'campaign.closed' }, 1, 1).rows[0]!;
      expect(JSON.parse(closed.details)).toMatchObject({ revoked: 2, remediationQueued: 2 });
    });
    proves(['acceptRecommendations'], ['review.recommendations_accepted'], () => {
      const { campaignId, items } = launchedCampaign({ snapshotId: smallSnapshot() });
      const actionable = items.filter((i) => i.recommendation !== 'review').length;
      acceptRecommendations(REVIEWER_ACTOR, { campaignId, filter: {}, expectedCount: actionable });
    });
    proves(['passOnAsNotSure', 'advanceStage'], ['review.not_sure', 'campaign.stage_advanced'], () => {
      const laterStages = [{ reviewerRule: 'fixed' as const, fixedReviewerEmail: 'second@evidence.test', dueAt: inDays(45), advance: 'all' as const, showPreviousDecisions: true }];
      const { campaignId, items } = launchedCampaign({ snapshotId: smallSnapshot() }, { laterStages });
      const item = items[0]!;
      passOnAsNotSure(REVIEWER_ACTOR, { campaignId, itemId: item.id, expectedVersion: item.version, comment: 'not my team' });
      advanceStage(ADMIN, campaignId);
    });
    proves(['excludeItems'], ['campaign.items_excluded'], () => {
      const { campaignId, items } = launchedCampaign({ snapshotId: smallSnapshot() });
      excludeItems(ADMIN, { campaignId, itemIds: [items[0]!.id], reason: 'service account, reviewed elsewhere' });
    });
    proves(['acceptCarriedOver'], ['review.carry_over_accepted'], () => {
      const snapshotId = smallSnapshot();
      const first = launchedCampaign({ snapshotId });
      decide(first.campaignId, first.items, 'certify');
      closeCampaign(ADMIN, first.campaignId);
      const second = launchedCampaign({ snapshotId }, { allowCarryOverAccept: true });
      const carried = allItems(second.campaignId).filter((i) => i.carriedOverFromCampaignId === first.campaignId);
      expect(carried.length).toBeGreaterThan(0);
      acceptCarriedOver(REVIEWER_ACTOR, { campaignId: second.campaignId, expectedCount: carried.length });
    });
    proves(['drainOutbox', 'startDrain'], ['remediation.started', 'remediation.applied'], async () => {
      const snapshot = await takeSnapshot(options());
      const { campaignId, items } = launchedCampaign({ snapshotId: snapshot.id });
      decide(campaignId, items.filter((i) => i.kind === 'membership').slice(0, 1), 'revoke', 'gone');
      closeCampaign(ADMIN, campaignId);
      await drainOutbox({ client: fastClient(server), actor: ADMIN, campaignId, retryBaseMs: 5, retryMaxMs: 20 });
    });
  });

  describe('notifications and schedules', () => {
    proves(['saveSmtpSettings', 'saveNotificationRules'], ['notifications.settings_updated'], () => {
      saveSmtpSettings(ADMIN, { enabled: false, host: '127.0.0.1', port: 2525, security: 'none', from: 'Attest <attest@northwind.example>' });
      saveNotificationRules(ADMIN, { reminderDaysBefore: '', overdueEveryDays: 2, escalateAfterDays: 3 });
    });
    // No SMTP server needed: an attempt that cannot be sent is audited like one that is.
    proves(['sendTestMail'], ['notifications.test_mail_sent'], () => sendTestMail(ADMIN, { to: 'it@northwind.example' }));
    proves(
      ['createTemplate', 'updateTemplate', 'setTemplateEnabled', 'deleteTemplate'],
      ['schedule.template_created', 'schedule.template_updated', 'schedule.template_disabled', 'schedule.template_deleted'],
      () => {
        const template = createTemplate(ADMIN, templateInput());
        updateTemplate(ADMIN, template.id, templateInput({ name: 'Renamed review' }));
        setTemplateEnabled(ADMIN, template.id, false);
        deleteTemplate(ADMIN, template.id);
      },
    );
  });

  describe('exports and evidence', () => {
    const closed = (): number => {
      const { campaignId, items } = launchedCampaign({ snapshotId: smallSnapshot() });
      decide(campaignId, items, 'certify');
      closeCampaign(ADMIN, campaignId);
      return campaignId;
    };
    proves(['recordChargebackExport'], ['chargeback.exported'], () => recordChargebackExport(ADMIN, smallSnapshot(), 'chargeback.csv'));
    proves(['recordStaleExport'], ['stale.exported'], () => {
      smallSnapshot();
      recordStaleExport(ADMIN, {});
    });
    proves(['recordDryRunExport'], ['remediation.dry_run_exported'], () => {
      const campaignId = closed();
      recordDryRunExport(ADMIN, campaignId, exportDryRun(campaignId, 'csv'));
    });
    proves(['recordEvidenceDownload'], ['evidence.downloaded'], () => recordEvidenceDownload(ADMIN, closed(), 'zip'));
    // writeEvidenceZip streams through streamEvidenceZip (the route's path).
    proves(['buildEvidenceManifest', 'writeEvidenceDirectory', 'writeEvidenceZip', 'streamEvidenceZip'], ['evidence.manifest_issued'], async () => {
      const campaignId = closed();
      const dir = tempDir();
      await buildEvidenceManifest(ADMIN, campaignId);
      await writeEvidenceDirectory(ADMIN, campaignId, join(dir, 'package'));
      await writeEvidenceZip(ADMIN, campaignId, join(dir, 'package.zip'));
      const issued = listAuditPage({ action: 'evidence.manifest_issued' }, 1, 10).total;
      expect(issued).toBe(3);
    });
    proves(['requestReconciliation', 'checkReconciliation'], ['evidence.reconciliation_requested', 'snapshot.started', 'evidence.reconciliation_checked'], async () => {
      const snapshot = await takeSnapshot(options());
      const { campaignId, items } = launchedCampaign({ snapshotId: snapshot.id });
      decide(campaignId, items, 'certify');
      closeCampaign(ADMIN, campaignId);
      const requested = requestReconciliation(ADMIN, campaignId, { connection: { client: fastClient(server), source: 'env', baseUrl: server.url }, applyRetention: false });
      const outcome = await requested.done;
      expect(outcome.result?.status).toBe('clean');
      checkReconciliation(ADMIN, requested.reconciliationId);
    });
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

// An exported function whose parameter list declares `actor: TActor` (generic or multi-line signatures included).
const EXPORTED_FUNCTION = /export\s+(?:async\s+)?function\s+(\w+)\s*(?:<[^(]*?>)?\s*\(([\s\S]*?)\)\s*(?::\s*[^{;]*)?\{/g;

describe('audit coverage guard', () => {
  it('finds a case for every exported lib/ function that takes an actor', () => {
    const files = walk(join(ROOT, 'lib')).filter((path) => {
      const rel = relative(ROOT, path);
      return rel.endsWith('.ts') && !/\.test\.ts$|(^|\/)testing\.ts$|\/testing\/|\/queries\.ts$/.test(rel) && !rel.startsWith('lib/audit/') && !rel.startsWith('lib/airtable-sim/');
    });
    const writers: string[] = [];
    for (const path of files) {
      for (const m of readFileSync(path, 'utf8').matchAll(EXPORTED_FUNCTION)) {
        if (/\bactor\s*:\s*TActor\b/.test(m[2] ?? '')) writers.push(`${relative(ROOT, path)}:${m[1]}`);
      }
    }
    expect(writers.length).toBeGreaterThan(30);
    const uncovered = writers.filter((w) => {
      const name = w.split(':')[1] as string;
      return !COVERED.has(name) && !(name in COVERED_ELSEWHERE);
    });
    expect(uncovered, `takes an actor but no case in lib/evidence/audit-coverage.int.test.ts proves it appends to the audit log: ${uncovered.join(', ')}`).toEqual([]);
  });

  it('every download route records the download in the audit log before it streams', () => {
    const routes = walk(join(ROOT, 'app')).filter((p) => p.endsWith('route.ts'));
    const downloads = routes.filter((p) => /exportResponse\(|Content-Disposition|attachment\(/.test(readFileSync(p, 'utf8')));
    expect(downloads.length).toBeGreaterThanOrEqual(4);
    for (const path of downloads) {
      const text = readFileSync(path, 'utf8');
      const recordAt = text.search(/record\w*(Export|Download)\(/);
      const respondAt = Math.max(text.lastIndexOf('exportResponse('), text.lastIndexOf('new Response('));
      expect(recordAt, `${relative(ROOT, path)} streams a download without recording it (record…Export / record…Download)`).toBeGreaterThan(0);
      expect(recordAt, `${relative(ROOT, path)} records the download after responding`).toBeLessThan(respondAt);
    }
  });
});

