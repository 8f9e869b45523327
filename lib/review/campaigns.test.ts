import { beforeEach, describe, expect, it } from 'vitest';
import { listAuditPage } from '@/lib/audit';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import {
  createCampaignDraft,
  DEFAULT_ATTESTATION_STATEMENT,
  deleteCampaignDraft,
  getCampaign,
  launchCampaign,
  listCampaigns,
  updateCampaignDraft,
  ZCampaignInput,
  type TCampaignInput,
} from './index';
import { countCampaignRows } from './queries';
import { ADMIN, campaignInput, inDays, seededStore, snapshotFromStore, thrown } from './testing';

describe('campaign drafts', () => {
  useTempDatabase();
  let snapshotId: number;
  let storeGroups: string[];

  beforeEach(() => {
    const store = seededStore({ users: 60, groups: 8, seed: 6 });
    snapshotId = snapshotFromStore(store);
    storeGroups = store.allGroupsWithMembers().map((g) => g.id);
  });

  it('creates a draft with defaults, audited', () => {
    const c = createCampaignDraft(ADMIN, campaignInput(snapshotId, { fallbackReviewerEmail: ' Fallback@Northwind.Example ' }));
    expect(c).toMatchObject({
      status: 'draft',
      fallbackReviewerEmail: 'fallback@northwind.example',
      revokeNeedsJustification: true,
      certifyFlaggedNeedsComment: false,
      undecidedAction: 'report',
      revokeImmediately: false,
      attestationStatement: DEFAULT_ATTESTATION_STATEMENT,
      scope: { kind: 'all', groupIds: [], departments: [], costCenters: [], divisions: [], includeInactive: false },
      createdByEmail: ADMIN.email,
    });
    expect(c.dueAt).toBe(`${inDays(30)}T23:59:59.999Z`);
    expect(listAuditPage({ action: 'campaign.draft_created' }, 1, 5).total).toBe(1);
  });

  const bad: Array<{ name: string; input: (snap: number) => TCampaignInput; field: string; message?: RegExp }> = [
    { name: 'a due date in the past', input: (s) => campaignInput(s, { dueAt: '2020-03-01' }), field: 'dueAt', message: /in the future/ },
    { name: 'a due date that is not a date', input: (s) => campaignInput(s, { dueAt: '2026-02-31' }), field: 'dueAt' },
    { name: 'no fallback reviewer', input: (s) => campaignInput(s, { fallbackReviewerEmail: '' }), field: 'fallbackReviewerEmail', message: /required/ },
    { name: 'the fixed rule without a reviewer', input: (s) => campaignInput(s, { reviewerRule: 'fixed' }), field: 'fixedReviewerEmail' },
    { name: 'neither accounts nor memberships', input: (s) => campaignInput(s, { reviewAccounts: false, reviewMemberships: false }), field: 'reviewAccounts' },
    { name: 'a groups scope without groups', input: (s) => campaignInput(s, { scope: { kind: 'groups', groupIds: [], includeInactive: false } }), field: 'scope.groupIds' },
    { name: 'an attributes scope without filters', input: (s) => campaignInput(s, { scope: { kind: 'attributes', includeInactive: false } }), field: 'scope.departments' },
    { name: 'a users scope naming nobody', input: (s) => campaignInput(s, { scope: { kind: 'users', userIds: [], includeInactive: true } }), field: 'scope.userIds' },
    {
      name: 'a users scope of ids not in the snapshot',
      input: (s) => campaignInput(s, { scope: { kind: 'users', userIds: ['usrDOESNOTEXIST00'], includeInactive: true } }),
      field: 'scope',
      message: /selects nothing/,
    },
    { name: 'an empty name', input: (s) => campaignInput(s, { name: '  ' }), field: 'name' },
    { name: 'a name over 200 characters', input: (s) => campaignInput(s, { name: 'x'.repeat(201) }), field: 'name' },
    { name: 'an unknown snapshot', input: () => campaignInput(9999), field: 'snapshotId', message: /does not exist/ },
    {
      name: 'a scope that selects nobody',
      input: (s) => campaignInput(s, { scope: { kind: 'attributes', departments: ['No Such Department'], includeInactive: true } }),
      field: 'scope',
      message: /selects nothing/,
    },
    {
      name: 'groups that are not in the snapshot',
      input: (s) => campaignInput(s, { scope: { kind: 'groups', groupIds: ['ugpDOESNOTEXIST00'], includeInactive: false } }),
      field: 'scope.groupIds',
    },
  ];
  for (const c of bad) {
    it(`refuses ${c.name}: invalid with a field error, nothing created`, () => {
      const before = countCampaignRows();
      const error = thrown(() => createCampaignDraft(ADMIN, c.input(snapshotId)));
      expect(error.code).toBe('invalid');
      expect(Object.keys(error.fieldErrors ?? {})).toContain(c.field);
      if (c.message) expect((error.fieldErrors?.[c.field] ?? []).join(' ')).toMatch(c.message);
      expect(countCampaignRows()).toBe(before);
    });
  }

  it('refuses a failed or running snapshot', () => {
    const store = seededStore({ users: 20, groups: 3, seed: 1 });
    for (const status of ['failed', 'running'] as const) {
      const id = snapshotFromStore(store, { status });
      const error = thrown(() => createCampaignDraft(ADMIN, campaignInput(id)));
      expect(error.code).toBe('invalid');
      expect(error.fieldErrors?.snapshotId?.[0]).toMatch(status === 'failed' ? /is failed/ : /still running/);
    }
    expect(countCampaignRows()).toBe(0);
  });

  it('parses form data the way a wizard sends it', () => {
    const parsed = ZCampaignInput.parse({
      name: 'Q1',
      snapshotId: String(snapshotId),
      scope: { kind: 'groups', groupIds: storeGroups[0], includeInactive: 'on' },
      reviewAccounts: 'on',
      reviewerRule: 'fixed',
      fixedReviewerEmail: 'Audit@northwind.example',
      fallbackReviewerEmail: 'fallback@northwind.example',
      dueAt: inDays(5),
      revokeNeedsJustification: 'false',
      attestationStatement: '',
    });
    expect(parsed).toMatchObject({
      snapshotId,
      scope: { kind: 'groups', groupIds: [storeGroups[0]], includeInactive: true },
      reviewAccounts: true,
      reviewMemberships: false,
      fixedReviewerEmail: 'audit@northwind.example',
      revokeNeedsJustification: false,
      attestationStatement: DEFAULT_ATTESTATION_STATEMENT,
    });
  });

  it('updates and deletes drafts only; launched campaigns are frozen', () => {
    const c = createCampaignDraft(ADMIN, campaignInput(snapshotId));
    const updated = updateCampaignDraft(ADMIN, c.id, campaignInput(snapshotId, { name: 'Renamed', undecidedAction: 'revoke' }));
    expect(updated).toMatchObject({ name: 'Renamed', undecidedAction: 'revoke', status: 'draft' });
    const audit = JSON.parse(listAuditPage({ action: 'campaign.draft_updated' }, 1, 1).rows[0]?.details ?? '{}') as { before: { name: string }; after: { name: string } };
    expect([audit.before.name, audit.after.name]).toEqual(['Q4 access review', 'Renamed']);
    expect(thrown(() => updateCampaignDraft(ADMIN, c.id, campaignInput(snapshotId, { dueAt: '2001-01-01' }))).code).toBe('invalid');
    expect(getCampaign(c.id)?.name).toBe('Renamed');

    const other = createCampaignDraft(ADMIN, campaignInput(snapshotId, { name: 'Throwaway' }));
    deleteCampaignDraft(ADMIN, other.id);
    expect(getCampaign(other.id)).toBeNull();
    expect(listAuditPage({ action: 'campaign.draft_deleted' }, 1, 1).total).toBe(1);

    launchCampaign(ADMIN, c.id);
    expect(thrown(() => updateCampaignDraft(ADMIN, c.id, campaignInput(snapshotId))).code).toBe('conflict');
    expect(thrown(() => deleteCampaignDraft(ADMIN, c.id)).code).toBe('conflict');
    expect(thrown(() => deleteCampaignDraft(ADMIN, 4242)).code).toBe('not_found');

    const list = listCampaigns({ page: 1, pageSize: 10 });
    expect(list).toMatchObject({ total: 1, page: 1, pageSize: 10 });
    expect(list.rows[0]).toMatchObject({ id: c.id, status: 'active', decided: 0, revoked: 0 });
    expect(listCampaigns({ status: 'draft', page: 1, pageSize: 10 }).total).toBe(0);
  });
});
