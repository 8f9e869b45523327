import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { remediationActions, remediationRuns } from '@/db/schema';
import { collectText } from '@/lib/export';
import { seededStore, thrown } from '@/lib/review/testing';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { DRY_RUN_CSV_HEADER, dryRunCampaign, exportDryRun, getRemediationAction, getRemediationProgress, listRemediationActions } from './index';
import { campaignWithRevokes, usersWithMemberships } from './testing';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const rows = () => getDb().select().from(remediationActions).orderBy(remediationActions.id).all();

describe('dry run', () => {
  useTempDatabase();

  it('previews what closing an active campaign would send, including the close rule, without writing anything', () => {
    const store = seededStore({ users: 40, groups: 4, seed: 20 });
    let plan: ReturnType<typeof usersWithMemberships>[number] | undefined;
    const fixture = campaignWithRevokes(
      store,
      (items) => {
        plan = usersWithMemberships(items)[0];
        return [plan!.account, plan!.memberships[0]!];
      },
      { close: false, overrides: { name: 'Preview me' } },
    );
    const dry = dryRunCampaign(fixture.campaignId);
    expect(dry).toMatchObject({ campaignId: fixture.campaignId, campaignName: 'Preview me', source: 'preview', total: 2, byKind: { deactivate_user: 1, remove_membership: 1 }, page: 1 });
    expect(dry.requests).toEqual([
      expect.objectContaining({
        actionId: null,
        itemId: plan!.account.id,
        kind: 'deactivate_user',
        method: 'PATCH',
        path: `/Users/${plan!.account.userScimId}`,
        body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] },
        status: null,
        reason: 'Revoked by reviewer@attest.test: No longer needed',
      }),
      expect.objectContaining({
        kind: 'remove_membership',
        path: `/Groups/${plan!.memberships[0]!.groupScimId}`,
        body: { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${plan!.account.userScimId}"]` }] },
      }),
    ]);
    expect(rows()).toHaveLength(0);
    expect(getDb().select().from(remediationRuns).all()).toHaveLength(0);

    // With the "revoke" close rule, undecided items would be revoked too: the preview says so.
    const strict = campaignWithRevokes(store, () => [], { close: false, overrides: { name: 'Strict', undecidedAction: 'revoke' } });
    const strictDry = dryRunCampaign(strict.campaignId, { pageSize: 5 });
    expect(strictDry.total).toBe(strict.items.length);
    expect(strictDry.requests).toHaveLength(5);
    expect(strictDry.requests[0]!.reason).toBe('Undecided: the close rule would revoke it');
  });

  it('for a closed campaign lists the queued rows: the stored bytes and their status', () => {
    const store = seededStore({ users: 40, groups: 4, seed: 21 });
    const fixture = campaignWithRevokes(store, (items) => items.slice(0, 5));
    const dry = dryRunCampaign(fixture.campaignId, { page: 2, pageSize: 2 });
    const stored = rows();
    expect(dry).toMatchObject({ source: 'outbox', total: 5, page: 2, pageSize: 2 });
    expect(dry.requests.map((r) => [r.actionId, r.path, JSON.stringify(r.body), r.status])).toEqual(
      stored.slice(2, 4).map((r) => [r.id, r.requestPath, r.requestBody, 'pending']),
    );
    expect(thrown(() => dryRunCampaign(9_999))).toMatchObject({ code: 'not_found' });
  });

  it('exports the same requests as CSV (neutralised) and JSON, streamed', async () => {
    const store = seededStore({ users: 40, groups: 4, seed: 22 });
    const fixture = campaignWithRevokes(store, (items) => items.slice(0, 4));

    const csv = exportDryRun(fixture.campaignId, 'csv');
    expect(csv).toMatchObject({ fileName: `campaign-${fixture.campaignId}-remediation-requests.csv`, contentType: 'text/csv; charset=utf-8' });
    const records = parse(await collectText(csv.chunks), { columns: true }) as Array<Record<string, string>>;
    expect(csv.rows()).toBe(4);
    expect(Object.keys(records[0]!)).toEqual([...DRY_RUN_CSV_HEADER]);
    expect(records.map((r) => [Number(r.action_id), r.method, r.path, r.body])).toEqual(rows().map((r) => [r.id, 'PATCH', r.requestPath, r.requestBody]));

    const json = exportDryRun(fixture.campaignId, 'json');
    const doc = JSON.parse(await collectText(json.chunks)) as { format: string; total: number; source: string; requests: Array<{ path: string; body: unknown }> };
    expect(doc).toMatchObject({ format: 'attest-remediation-requests/1', campaignId: fixture.campaignId, source: 'outbox', total: 4 });
    expect(doc.requests.map((r) => [r.path, JSON.stringify(r.body)])).toEqual(rows().map((r) => [r.requestPath, r.requestBody]));
    expect(json.rows()).toBe(4);
  });

  it('neutralises a group name a spreadsheet would run as a formula', async () => {
    const store = seededStore({ users: 30, groups: 3, seed: 23 });
    const group = store.allGroupsWithMembers().find((g) => g.memberIds.length > 0)!;
    store.renameGroup(group.id, '=HYPERLINK("http://evil.example","open")');
    const fixture = campaignWithRevokes(store, (items) => items.filter((i) => i.groupScimId === group.id).slice(0, 1));
    const text = await collectText(exportDryRun(fixture.campaignId, 'csv').chunks);
    const record = (parse(text, { columns: true }) as Array<Record<string, string>>)[0]!;
    expect(record.group_name).toBe(`'=HYPERLINK("http://evil.example","open")`);
    expect(record.group_scim_id).toBe(group.id);
  });
});

describe('reads for pages', () => {
  useTempDatabase();

  it('progress, pages by status, and one row with its evidence', () => {
    const store = seededStore({ users: 40, groups: 4, seed: 24 });
    const fixture = campaignWithRevokes(store, (items) => items.slice(0, 7));
    const ids = rows().map((r) => r.id);
    getDb().$client.prepare("UPDATE remediation_actions SET status = 'verified', verify_note = 'GET shows active: false', attempts = 1 WHERE id IN (?, ?)").run(ids[0], ids[1]);
    getDb().$client.prepare("UPDATE remediation_actions SET status = 'failed', last_error = 'HTTP 400', attempts = 1 WHERE id = ?").run(ids[2]);
    getDb().$client.prepare("UPDATE remediation_actions SET attempts = 1, next_attempt_at = '2099-01-01T00:00:00.000Z', last_error = 'HTTP 503' WHERE id = ?").run(ids[3]);
    expect(getRemediationProgress(fixture.campaignId)).toEqual({
      campaignId: fixture.campaignId,
      total: 7,
      counts: { pending: 4, in_flight: 0, applied: 0, verified: 2, failed: 1 },
      retrying: 1,
      done: 3,
      percentDone: 42.8,
      nextAttemptAt: '2099-01-01T00:00:00.000Z',
      running: null,
      lastRun: null,
    });
    const page = listRemediationActions(fixture.campaignId, { status: 'pending', page: 2, pageSize: 3 });
    expect(page).toMatchObject({ total: 4, page: 2, pageSize: 3 });
    expect(page.rows.map((r) => r.id)).toEqual([ids[6]]);
    expect(listRemediationActions(fixture.campaignId).rows.map((r) => r.id)).toEqual(ids);
    expect(thrown(() => listRemediationActions(fixture.campaignId, { pageSize: 10_000 }))).toMatchObject({ code: 'invalid' });

    const detail = getRemediationAction(ids[0]!)!;
    expect(detail).toMatchObject({ id: ids[0], status: 'verified', verifyNote: 'GET shows active: false', idempotencyKey: `campaign:${fixture.campaignId}:item:${detail.itemId}`, responseBody: null });
    expect(detail.request).toEqual({ method: 'PATCH', path: detail.requestPath, body: JSON.parse(rows()[0]!.requestBody) });
    expect(getRemediationAction(99_999)).toBeNull();
    expect(getRemediationProgress(9_999)).toMatchObject({ total: 0, percentDone: 100 });
  });
});
