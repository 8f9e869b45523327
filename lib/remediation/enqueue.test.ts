import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { remediationActions } from '@/db/schema';
import { listAuditPage } from '@/lib/audit';
import { bulkDecide, closeCampaign } from '@/lib/review';
import { ADMIN, seededStore, snapshotFromStore, thrown } from '@/lib/review/testing';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { enqueueCampaignRevocations, enqueueStaleDeactivations } from './index';
import { writeTransaction } from './queries';
import { campaignWithRevokes, REVIEWER_ACTOR, usersWithMemberships } from './testing';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const rows = () => getDb().select().from(remediationActions).orderBy(remediationActions.id).all();

describe('enqueueing revocations', () => {
  useTempDatabase();

  it('closing a campaign writes one row per revoke with the exact request, including a user revoked entirely', () => {
    const store = seededStore({ users: 60, groups: 6, seed: 3 });
    let both: ReturnType<typeof usersWithMemberships>[number] | undefined;
    const fixture = campaignWithRevokes(store, (items) => {
      both = usersWithMemberships(items)[0];
      const membershipOnly = items.find((i) => i.kind === 'membership' && i.userScimId !== both?.account.userScimId);
      return [both!.account, ...both!.memberships, membershipOnly!];
    });
    const written = rows();
    expect(written).toHaveLength(fixture.revoked.length);
    const account = written.find((r) => r.itemId === both!.account.id)!;
    expect(account).toMatchObject({
      idempotencyKey: `campaign:${fixture.campaignId}:item:${both!.account.id}`,
      source: 'campaign',
      campaignId: fixture.campaignId,
      kind: 'deactivate_user',
      userScimId: both!.account.userScimId,
      groupScimId: null,
      status: 'pending',
      attempts: 0,
      requestMethod: 'PATCH',
      requestPath: `/Users/${both!.account.userScimId}`,
      reason: 'Revoked by reviewer@attest.test: No longer needed',
      requestedByEmail: 'reviewer@attest.test',
    });
    expect(JSON.parse(account.requestBody)).toEqual({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
    // The memberships of the deactivated user are removed too: Airtable keeps them on a deactivated user.
    for (const m of both!.memberships) {
      const row = written.find((r) => r.itemId === m.id)!;
      expect(row).toMatchObject({ kind: 'remove_membership', requestPath: `/Groups/${m.groupScimId}`, groupScimId: m.groupScimId, groupName: m.groupName });
      expect(JSON.parse(row.requestBody)).toEqual({ schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${m.userScimId}"]` }] });
    }
    expect(written.some((r) => r.requestMethod !== 'PATCH')).toBe(false);
    const closed = JSON.parse(listAuditPage({ action: 'campaign.closed' }, 1, 1).rows[0]!.details) as Record<string, unknown>;
    expect(closed.remediationQueued).toBe(fixture.revoked.length);
  });

  it('is idempotent: enqueueing a closed campaign again adds nothing and changes nothing', () => {
    const store = seededStore({ users: 40, groups: 4, seed: 4 });
    const fixture = campaignWithRevokes(store, (items) => items.slice(0, 7));
    const first = rows();
    const again = writeTransaction((tx) => enqueueCampaignRevocations(tx, fixture.campaignId, ADMIN));
    expect(again).toEqual({ queued: 0, alreadyQueued: 7, total: 7 });
    expect(rows()).toEqual(first);
  });

  it('queues the close rule\'s revokes with its reason, and whoever closed as the requester', () => {
    const store = seededStore({ users: 30, groups: 3, seed: 6 });
    const fixture = campaignWithRevokes(store, (items) => items.slice(0, 2), { close: false, overrides: { undecidedAction: 'revoke' } });
    const result = closeCampaign(ADMIN, fixture.campaignId);
    expect(result.remediationQueued).toBe(fixture.items.length);
    const ruled = rows().filter((r) => !fixture.revoked.some((i) => i.id === r.itemId));
    expect(ruled).toHaveLength(fixture.items.length - 2);
    expect(ruled[0]).toMatchObject({ reason: 'Undecided when the campaign closed: revoked by the campaign rule', requestedByEmail: ADMIN.email });
  });

  it('refuses an active campaign and writes nothing; the outbox is append-only', () => {
    const store = seededStore({ users: 30, groups: 3, seed: 7 });
    const fixture = campaignWithRevokes(store, (items) => items.slice(0, 3), { close: false, overrides: { name: 'Open one' } });
    const err = thrown(() => writeTransaction((tx) => enqueueCampaignRevocations(tx, fixture.campaignId, ADMIN)));
    expect(err).toMatchObject({ code: 'conflict', message: '"Open one" is active: its revocations are queued when it closes.' });
    expect(rows()).toHaveLength(0);
    closeCampaign(ADMIN, fixture.campaignId);
    const sqlite = getDb().$client;
    expect(() => sqlite.prepare("UPDATE remediation_actions SET request_path = '/Users/other' WHERE id = 1").run()).toThrow(/immutable/);
    expect(() => sqlite.prepare('DELETE FROM remediation_actions WHERE id = 1').run()).toThrow(/kept as evidence/);
  });

  it('closing a campaign without revokes queues nothing', () => {
    const store = seededStore({ users: 20, groups: 2, seed: 8 });
    const fixture = campaignWithRevokes(store, () => [], { close: false });
    bulkDecide(REVIEWER_ACTOR, { campaignId: fixture.campaignId, decision: 'certify', target: { itemIds: fixture.items.slice(0, 2).map((i) => i.id) } });
    expect(closeCampaign(ADMIN, fixture.campaignId).remediationQueued).toBe(0);
    expect(rows()).toHaveLength(0);
  });
});

describe('enqueueStaleDeactivations', () => {
  useTempDatabase();

  it('queues deactivations of users in the latest complete snapshot, once, with the justification, audited as a batch', () => {
    const store = seededStore({ users: 30, groups: 3, seed: 9 });
    snapshotFromStore(store);
    const active = store.allUsers().filter((u) => u.active);
    const [a, b, c] = [active[0]!, active[1]!, active[2]!];
    const result = enqueueStaleDeactivations(ADMIN, { userScimIds: [a.id, b.id, a.id], justification: '  No sign-in for 180 days  ' });
    expect(result).toMatchObject({ queued: 2, alreadyQueued: [], batchId: expect.any(Number) });
    const written = rows();
    expect(written.map((r) => r.idempotencyKey)).toEqual([`stale:${result.batchId}:user:${a.id}`, `stale:${result.batchId}:user:${b.id}`]);
    expect(written[0]).toMatchObject({ source: 'stale', campaignId: null, itemId: null, kind: 'deactivate_user', userEmail: a.userName.toLowerCase(), reason: 'Stale account: No sign-in for 180 days', requestedByEmail: ADMIN.email, requestPath: `/Users/${a.id}` });
    const audit = listAuditPage({ action: 'remediation.enqueued' }, 1, 5).rows;
    expect(audit).toHaveLength(1);
    expect(audit[0]!.id).toBe(result.batchId);
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ source: 'stale', justification: 'No sign-in for 180 days', count: 2, userScimIds: [a.id, b.id] });

    // Asking again for a user whose deactivation is still waiting does not queue it twice.
    const again = enqueueStaleDeactivations(ADMIN, { userScimIds: [a.id, c.id], justification: 'Second pass' });
    expect(again).toMatchObject({ queued: 1, alreadyQueued: [a.id] });
    expect(rows()).toHaveLength(3);
    expect(enqueueStaleDeactivations(ADMIN, { userScimIds: [a.id], justification: 'Third pass' })).toMatchObject({ queued: 0, batchId: null, alreadyQueued: [a.id] });
  });

  it('requires a justification and users of the latest complete snapshot; writes nothing otherwise', () => {
    const store = seededStore({ users: 20, groups: 2, seed: 10 });
    const id = store.allUsers()[0]!.id;
    expect(thrown(() => enqueueStaleDeactivations(ADMIN, { userScimIds: [id], justification: 'x' }))).toMatchObject({
      code: 'conflict',
      message: 'There is no complete snapshot yet: take one before deactivating stale accounts.',
    });
    const snapshotId = snapshotFromStore(store);
    const blank = thrown(() => enqueueStaleDeactivations(ADMIN, { userScimIds: [id], justification: '   ' }));
    expect(blank).toMatchObject({ code: 'invalid', fieldErrors: { justification: ['explain why these accounts should be deactivated'] } });
    const unknown = thrown(() => enqueueStaleDeactivations(ADMIN, { userScimIds: [id, 'usrNOTINSNAPSHOT1'], justification: 'Left' }));
    expect(unknown.code).toBe('invalid');
    expect(unknown.message).toBe(`1 of the selected users are not in the latest complete snapshot (#${snapshotId}): usrNOTINSNAPSHOT1. Nothing was queued.`);
    expect(thrown(() => enqueueStaleDeactivations(ADMIN, { userScimIds: [], justification: 'Left' })).fieldErrors).toEqual({ userScimIds: ['choose at least one user'] });
    expect(rows()).toHaveLength(0);
    expect(listAuditPage({ action: 'remediation.enqueued' }, 1, 5).total).toBe(0);
  });
});
