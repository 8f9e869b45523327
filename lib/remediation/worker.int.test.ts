import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { remediationActions, remediationRuns } from '@/db/schema';
import { listAuditPage, verifyAuditLog } from '@/lib/audit';
import { fastClient, startSeededSim, type TSimServer } from '@/lib/scim/testing/fixtures';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { ADMIN } from '@/lib/review/testing';
import { drainOutbox, getRemediationAction, getRemediationProgress, listRemediationActions, startDrain } from './index';
import {
  campaignWithRevokes,
  directoryState,
  effectivePatches,
  expectedState,
  membershipKey,
  patchesByTarget,
  usersWithMemberships,
  type TCampaignFixture,
} from './testing';
import type { TReviewItemRow } from '@/lib/review';

/**
 * The worker against the simulator over HTTP, with the real SQLite database: final states in
 * Airtable, the evidence on each row, and the faults a real tenant produces.
 */

const FORBIDDEN_TOKEN = 'pat-forbidden-token-0123456789';

/** A mixed plan: users whose account AND memberships are revoked, accounts alone, memberships alone. */
function mixedPlan(items: TReviewItemRow[]): TReviewItemRow[] {
  const both = usersWithMemberships(items.filter((i) => i.userActive)).slice(0, 3);
  const taken = new Set(both.map((b) => b.account.userScimId));
  const accounts = items.filter((i) => i.kind === 'account' && i.userActive && !taken.has(i.userScimId)).slice(0, 4);
  accounts.forEach((a) => taken.add(a.userScimId));
  const memberships = items.filter((i) => i.kind === 'membership' && !taken.has(i.userScimId)).slice(0, 6);
  return [...both.flatMap((b) => [b.account, ...b.memberships]), ...accounts, ...memberships];
}

function rows() {
  return getDb().select().from(remediationActions).orderBy(remediationActions.id).all();
}

describe('drainOutbox against the simulator', () => {
  useTempDatabase();
  let server: TSimServer;
  let fixture: TCampaignFixture;

  beforeEach(async () => {
    server = await startSeededSim({ users: 80, groups: 8, seed: 5 }, { forbiddenTokens: [FORBIDDEN_TOKEN] });
    fixture = campaignWithRevokes(server.sim.store, mixedPlan);
    server.sim.clearRequestLog();
  });
  afterEach(async () => {
    await server.close();
  });

  const drain = (overrides: Partial<Parameters<typeof drainOutbox>[0]> = {}) =>
    drainOutbox({ client: fastClient(server), actor: ADMIN, campaignId: fixture.campaignId, retryBaseMs: 5, retryMaxMs: 20, ...overrides });

  it('applies every revoke of a closed campaign exactly, verifies each, and changes nothing else', async () => {
    const before = directoryState(server.sim.store);
    const accountAndMemberships = usersWithMemberships(fixture.revoked);
    expect(accountAndMemberships.length).toBeGreaterThan(0);
    expect(fixture.revoked.filter((i) => i.kind === 'account').length).toBeGreaterThan(accountAndMemberships.length);

    const result = await drain();

    expect(result).toMatchObject({ status: 'finished', counts: { pending: 0, in_flight: 0, applied: 0, verified: fixture.revoked.length, failed: 0 } });
    expect(result.summary).toMatchObject({ verified: fixture.revoked.length, failed: 0, patchesSent: fixture.revoked.length, checks: fixture.revoked.length, stoppedReason: null });
    const after = directoryState(server.sim.store);
    const wanted = expectedState(before, fixture.revoked);
    expect([...after.inactive].sort()).toEqual([...wanted.inactive].sort());
    expect([...after.memberships].sort()).toEqual([...wanted.memberships].sort());
    // The deactivated users keep their other memberships (Airtable does), only the revoked ones are gone.
    for (const { account, memberships } of accountAndMemberships) {
      expect(server.sim.store.getUser(account.userScimId)?.active).toBe(false);
      for (const m of memberships) expect(after.memberships.has(membershipKey(m.groupScimId!, m.userScimId))).toBe(false);
    }

    // Exactly the stored request went out, once per row; never a DELETE.
    const log = server.sim.requestLog();
    expect(log.filter((r) => r.method === 'DELETE')).toHaveLength(0);
    for (const row of rows()) {
      const sent = log.filter((r) => r.method === 'PATCH' && r.path === row.requestPath && r.bodyText === row.requestBody);
      expect(sent).toHaveLength(1);
      expect(row).toMatchObject({ status: 'verified', attempts: 1, responseStatus: 200, lastError: null });
      expect(row.verifyNote).toMatch(row.kind === 'deactivate_user' ? /shows active: false/ : /does not list usr/);
      expect(row.appliedAt).not.toBeNull();
      expect(row.verifiedAt! >= row.appliedAt!).toBe(true);
    }
    expect(log.filter((r) => r.method === 'PATCH')).toHaveLength(fixture.revoked.length);

    // Evidence: one audit row per applied change, and the chain still verifies.
    const applied = listAuditPage({ action: 'remediation.applied' }, 1, 100);
    expect(applied.total).toBe(fixture.revoked.length);
    const first = JSON.parse(applied.rows.at(-1)!.details) as Record<string, unknown>;
    expect(first).toMatchObject({ runId: result.runId, outcome: 'applied', campaignId: fixture.campaignId, request: { method: 'PATCH' }, responseStatus: 200 });
    expect(listAuditPage({ action: 'remediation.finished' }, 1, 5).total).toBe(1);
    expect(verifyAuditLog().ok).toBe(true);

    const progress = getRemediationProgress(fixture.campaignId);
    expect(progress).toMatchObject({ total: fixture.revoked.length, done: fixture.revoked.length, percentDone: 100, running: null, lastRun: { id: result.runId, status: 'finished' } });
    const detail = getRemediationAction(rows()[0]!.id)!;
    expect(detail.request).toEqual({ method: 'PATCH', path: detail.requestPath, body: JSON.parse(rows()[0]!.requestBody) });
    expect(JSON.parse(detail.responseBody!)).toMatchObject({ id: expect.stringMatching(/^(usr|ugp)/) });
  });

  it('a second drain sends nothing', async () => {
    await drain();
    server.sim.clearRequestLog();
    const again = await drain();
    expect(server.sim.requestLog()).toHaveLength(0);
    expect(again.summary).toMatchObject({ rowsAtStart: 0, verified: 0, patchesSent: 0, checks: 0 });
    expect(getDb().select().from(remediationRuns).all().map((r) => r.status)).toEqual(['finished', 'finished']);
  });

  it('rides out a 429 storm: every row verified, no target changed twice', async () => {
    server.sim.setFaults({ burst429: 40, retryAfterSeconds: 0 });
    const before = directoryState(server.sim.store);
    const result = await drain({ client: fastClient(server, { maxRetries: 2 }) });
    expect(result.counts).toMatchObject({ verified: fixture.revoked.length, failed: 0, pending: 0 });
    expect(result.summary.throttled).toBeGreaterThan(0);
    expect(directoryState(server.sim.store)).toEqual(expectedState(before, fixture.revoked));
    for (const statuses of patchesByTarget(server.sim.requestLog()).values()) expect(effectivePatches(statuses)).toBe(1);
  });

  it('retries 5xx with backoff and ends in the wanted state', async () => {
    // A fixed plan, not a rate: every path's first two requests of each method answer 500 then 503.
    // With a seeded rate5xx and 8 rows in flight, which row drew which fault depended on timing, and
    // a row could occasionally use up its tries; here each row meets the same faults on every run.
    server.sim.setFaults({ failFirstPerPath: [{ status: 500, times: 1 }, { status: 503, times: 1 }] });
    const before = directoryState(server.sim.store);
    const result = await drain({ maxAttemptsPerRun: 12 });
    expect(result.counts).toMatchObject({ verified: fixture.revoked.length, failed: 0 });
    expect(result.summary.retriesScheduled).toBeGreaterThan(0);
    expect(directoryState(server.sim.store)).toEqual(expectedState(before, fixture.revoked));
    const log = server.sim.requestLog();
    for (const statuses of patchesByTarget(log).values()) expect(effectivePatches(statuses)).toBe(1);
    // Every target was refused twice before a PATCH went through.
    for (const path of new Set(rows().map((r) => r.requestPath))) {
      expect(log.filter((r) => r.method === 'PATCH' && r.path === path).map((r) => r.status).slice(0, 2), path).toEqual([500, 503]);
    }
    expect(rows().some((r) => r.attempts > 1)).toBe(true);
    // Two refusals per path at most: no row comes near its 12 tries.
    expect(Math.max(...rows().map((r) => r.attempts))).toBeLessThanOrEqual(3);
  });

  it('after a dropped connection checks before resending: a PATCH that took effect is never sent again', async () => {
    server.sim.setFaults({ dropConnectionRate: 0.3 });
    const before = directoryState(server.sim.store);
    const result = await drain({ maxAttemptsPerRun: 12 });
    expect(result.counts).toMatchObject({ verified: fixture.revoked.length, failed: 0 });
    expect(directoryState(server.sim.store)).toEqual(expectedState(before, fixture.revoked));
    const byTarget = patchesByTarget(server.sim.requestLog());
    expect(byTarget.size).toBe(fixture.revoked.length);
    for (const statuses of byTarget.values()) expect(effectivePatches(statuses)).toBe(1);
    const droppedPatches = [...byTarget.values()].filter((s) => s.includes('dropped')).length;
    expect(droppedPatches).toBeGreaterThan(0);
    expect(rows().filter((r) => r.verifyNote?.startsWith('Already in the wanted state when checked before resending'))).toHaveLength(droppedPatches);
  });

  it('verifies a user deleted out of band, and a group deleted out of band, with a note instead of an error', async () => {
    const account = fixture.revoked.find((i) => i.kind === 'account')!;
    const membership = fixture.revoked.find((i) => i.kind === 'membership' && i.userScimId !== account.userScimId && i.groupScimId !== null)!;
    server.sim.store.deleteUser(account.userScimId);
    server.sim.store.deleteGroup(membership.groupScimId!);
    const result = await drain();
    expect(result.counts).toMatchObject({ verified: fixture.revoked.length, failed: 0 });
    const byItem = new Map(rows().map((r) => [r.itemId, r]));
    expect(byItem.get(account.id)).toMatchObject({ status: 'verified', responseStatus: 404, attempts: 1 });
    expect(byItem.get(account.id)!.verifyNote).toMatch(/^The user no longer exists in Airtable \(PATCH answered HTTP 404.*\); GET \/Users\/usr\w+ answered 404/);
    expect(byItem.get(membership.id)).toMatchObject({ status: 'verified', responseStatus: 400 });
    expect(byItem.get(membership.id)!.verifyNote).toMatch(/^The group no longer exists in Airtable .*the group no longer exists$/);
    const audit = listAuditPage({ action: 'remediation.applied', target: String(byItem.get(account.id)!.id) }, 1, 5).rows;
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ outcome: 'target_gone' });
  });

  it('fails the row with the server\'s reason on a 403 token, without retrying, and stops the run', async () => {
    const before = directoryState(server.sim.store);
    const result = await drain({ client: fastClient(server, { token: FORBIDDEN_TOKEN }), concurrency: 1 });
    expect(result.status).toBe('finished');
    expect(result.summary.stoppedReason).toMatch(/^Airtable refused this token \(HTTP 403: Token lacks the enterprise\.scim\.usersAndGroups:manage scope\)/);
    expect(result.counts).toMatchObject({ failed: 1, pending: fixture.revoked.length - 1, verified: 0 });
    const failed = rows().find((r) => r.status === 'failed')!;
    expect(failed).toMatchObject({ attempts: 1, responseStatus: 403 });
    expect(failed.lastError).toContain('The token needs the enterprise.scim.usersAndGroups:manage scope');
    expect(server.sim.countRequests({ method: 'PATCH' })).toBe(1);
    expect(directoryState(server.sim.store)).toEqual(before);
    expect(JSON.parse(listAuditPage({ action: 'remediation.failed' }, 1, 5).rows[0]!.details)).toMatchObject({ responseStatus: 403, attempts: 1 });
  });

  it('fails a row Airtable refuses (400) at once, and applies the others', async () => {
    const victim = fixture.revoked.find((i) => i.kind === 'account')!;
    server.sim.setFaults({ failNext: [{ method: 'PATCH', pathPrefix: `/Users/${victim.userScimId}`, status: 400, times: 1, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidValue', detail: 'Cannot deactivate the last admin' } }] });
    const result = await drain();
    expect(result.counts).toMatchObject({ failed: 1, verified: fixture.revoked.length - 1 });
    const row = rows().find((r) => r.itemId === victim.id)!;
    expect(row).toMatchObject({ status: 'failed', attempts: 1, responseStatus: 400, lastError: 'Airtable refused the request (HTTP 400 invalidValue: Cannot deactivate the last admin)' });
    expect(server.sim.countRequests({ method: 'PATCH', path: `/Users/${victim.userScimId}` })).toBe(1);
    expect(server.sim.store.getUser(victim.userScimId)?.active).toBe(true);
  });

  it('does not believe a 200 that changed nothing: the GET catches it and the row is sent again', async () => {
    const victim = fixture.revoked.find((i) => i.kind === 'account')!;
    // The server answers 200 without doing the work, once.
    server.sim.setFaults({ failNext: [{ method: 'PATCH', pathPrefix: `/Users/${victim.userScimId}`, status: 200, times: 1, body: { id: victim.userScimId, active: false } }] });
    const result = await drain();
    expect(result.counts).toMatchObject({ verified: fixture.revoked.length, failed: 0 });
    const row = rows().find((r) => r.itemId === victim.id)!;
    expect(row).toMatchObject({ status: 'verified', attempts: 2 });
    expect(row.lastError).toMatch(/^Airtable answered HTTP 200 to the PATCH, but GET \/Users\/usr\w+ still shows active: true/);
    expect(server.sim.store.getUser(victim.userScimId)?.active).toBe(false);
    expect(server.sim.countRequests({ method: 'PATCH', path: `/Users/${victim.userScimId}` })).toBe(2);
  });

  it('gives up after the attempts of a run and says why; the row stays retryable', async () => {
    const victim = fixture.revoked.find((i) => i.kind === 'membership')!;
    server.sim.setFaults({ failNext: [{ method: 'PATCH', pathPrefix: `/Groups/${victim.groupScimId}`, status: 503, times: 1_000 }] });
    const result = await drain({ maxAttemptsPerRun: 3 });
    const row = rows().find((r) => r.itemId === victim.id)!;
    expect(row.status).toBe('failed');
    expect(row.lastError).toMatch(/^Airtable answered HTTP 503: Injected failure \(503\)\. Gave up after 3 tries in this run/);
    expect(result.counts.failed).toBeGreaterThanOrEqual(1);
    const list = listRemediationActions(fixture.campaignId, { status: 'failed' });
    expect(list.rows.map((r) => r.id)).toContain(row.id);
  });

  it('refuses a second run while one is going (conflict naming it), across the whole outbox', async () => {
    server.sim.setFaults({ latencyMs: 30 });
    const first = startDrain({ client: fastClient(server), actor: ADMIN, campaignId: fixture.campaignId });
    expect(() => startDrain({ client: fastClient(server), actor: ADMIN })).toThrow(/Remediation is already running \(run #\d+ for campaign #\d+, started by admin@northwind\.example/);
    await first.done;
    expect(getDb().select().from(remediationRuns).all()).toHaveLength(1);
  });
});
