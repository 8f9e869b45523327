import { beforeEach, describe, expect, it } from 'vitest';
import type { SimStore, SimUser } from '@/lib/airtable-sim';
import { listAuditPage } from '@/lib/audit';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { createCampaignDraft, getCampaign, launchCampaign, previewCampaign, type TCampaignInput } from './index';
import { ADMIN, allItems, campaignInput, seededStore, snapshotFromStore } from './testing';

/**
 * Item generation, checked against counts computed independently from the simulator's own
 * directory (not from the snapshot tables the launch reads).
 */

type TScopeInput = NonNullable<TCampaignInput['scope']>;

function expectedCounts(store: SimStore, scope: TScopeInput, what: { accounts: boolean; memberships: boolean }) {
  const users = store.allUsers();
  const groups = store.allGroupsWithMembers();
  const byId = new Map(users.map((u) => [u.id, u]));
  const activeOk = (u: SimUser) => scope.includeInactive === true || u.active;
  let inScope: Set<string>;
  let groupsInScope = groups;
  if (scope.kind === 'groups') {
    groupsInScope = groups.filter((g) => [scope.groupIds ?? []].flat().includes(g.id));
    inScope = new Set(groupsInScope.flatMap((g) => g.memberIds).filter((id) => activeOk(byId.get(id) as SimUser)));
  } else if (scope.kind === 'attributes') {
    const match = (given: string | string[] | undefined, value: string | null) => {
      const list = typeof given === 'string' ? [given] : (given ?? []);
      return list.length === 0 || (value !== null && list.includes(value));
    };
    inScope = new Set(
      users.filter((u) => activeOk(u) && match(scope.departments, u.department) && match(scope.costCenters, u.costCenter) && match(scope.divisions, u.division)).map((u) => u.id),
    );
  } else if (scope.kind === 'users') {
    const named = new Set([scope.userIds ?? []].flat());
    inScope = new Set(users.filter((u) => activeOk(u) && named.has(u.id)).map((u) => u.id));
  } else {
    inScope = new Set(users.filter(activeOk).map((u) => u.id));
  }
  const memberships = groupsInScope.reduce((n, g) => n + g.memberIds.filter((id) => inScope.has(id)).length, 0);
  return { accountItems: what.accounts ? inScope.size : 0, membershipItems: what.memberships ? memberships : 0 };
}

describe('launchCampaign: item generation', () => {
  useTempDatabase();
  let store: SimStore;
  let snapshotId: number;
  beforeEach(() => {
    store = seededStore({ users: 400, groups: 40, seed: 3 });
    snapshotId = snapshotFromStore(store);
  });

  const cases: Array<{ name: string; scope: (s: SimStore) => TScopeInput; accounts: boolean; memberships: boolean }> = [
    { name: 'all users, active only, both kinds', scope: () => ({ kind: 'all', includeInactive: false }), accounts: true, memberships: true },
    { name: 'all users incl. inactive, accounts only', scope: () => ({ kind: 'all', includeInactive: true }), accounts: true, memberships: false },
    { name: 'all users incl. inactive, memberships only', scope: () => ({ kind: 'all', includeInactive: true }), accounts: false, memberships: true },
    {
      name: 'chosen groups, active only',
      scope: (s) => ({ kind: 'groups', groupIds: s.allGroupsWithMembers().filter((g) => /^(Finance|Project|Contractors)/.test(g.displayName)).map((g) => g.id), includeInactive: false }),
      accounts: true,
      memberships: true,
    },
    {
      name: 'chosen groups incl. inactive',
      scope: (s) => ({ kind: 'groups', groupIds: s.allGroupsWithMembers().slice(0, 3).map((g) => g.id), includeInactive: true }),
      accounts: true,
      memberships: true,
    },
    { name: 'departments', scope: () => ({ kind: 'attributes', departments: ['Engineering', 'Finance'], includeInactive: false }), accounts: true, memberships: true },
    {
      name: 'department AND cost center incl. inactive',
      scope: () => ({ kind: 'attributes', departments: ['Engineering'], costCenters: ['CC-1010', 'CC-1011'], includeInactive: true }),
      accounts: true,
      memberships: true,
    },
    {
      name: 'named users (the stale dashboard), an inactive one included',
      scope: (s) => ({ kind: 'users', userIds: [...s.allUsers().filter((u) => u.active).slice(0, 5), ...s.allUsers().filter((u) => !u.active).slice(0, 2)].map((u) => u.id), includeInactive: true }),
      accounts: true,
      memberships: true,
    },
    {
      name: 'named users, active only (a deactivated one named is left out)',
      scope: (s) => ({ kind: 'users', userIds: [...s.allUsers().filter((u) => u.active).slice(0, 3), ...s.allUsers().filter((u) => !u.active).slice(0, 1)].map((u) => u.id), includeInactive: false }),
      accounts: true,
      memberships: false,
    },
    { name: 'division', scope: (s) => ({ kind: 'attributes', divisions: [s.allUsers().find((u) => u.division)?.division ?? ''], includeInactive: false }), accounts: false, memberships: true },
  ];

  for (const c of cases) {
    it(`generates the right items: ${c.name}`, () => {
      const scope = c.scope(store);
      const expected = expectedCounts(store, scope, c);
      expect(expected.accountItems + expected.membershipItems).toBeGreaterThan(0);
      const draft = createCampaignDraft(ADMIN, campaignInput(snapshotId, { scope, reviewAccounts: c.accounts, reviewMemberships: c.memberships }));
      const preview = previewCampaign(draft.id);
      expect({ accountItems: preview.accountItems, membershipItems: preview.membershipItems }).toEqual(expected);
      const result = launchCampaign(ADMIN, draft.id);
      expect({ accountItems: result.accountItems, membershipItems: result.membershipItems }).toEqual(expected);
      const items = allItems(draft.id);
      expect(items.filter((i) => i.kind === 'account')).toHaveLength(expected.accountItems);
      expect(items.filter((i) => i.kind === 'membership')).toHaveLength(expected.membershipItems);
      expect(getCampaign(draft.id)).toMatchObject({ status: 'active', itemCount: items.length, launchedByEmail: ADMIN.email });
    });
  }

  it('includeInactive changes the count by exactly the inactive users', () => {
    const inactive = store.allUsers().filter((u) => !u.active).length;
    expect(inactive).toBeGreaterThan(0);
    const a = createCampaignDraft(ADMIN, campaignInput(snapshotId, { reviewMemberships: false, scope: { kind: 'all', includeInactive: false } }));
    const b = createCampaignDraft(ADMIN, campaignInput(snapshotId, { reviewMemberships: false, scope: { kind: 'all', includeInactive: true } }));
    expect(launchCampaign(ADMIN, b.id).itemCount - launchCampaign(ADMIN, a.id).itemCount).toBe(inactive);
  });

  it('copies user and group fields from the frozen snapshot and audits the launch', () => {
    const draft = createCampaignDraft(ADMIN, campaignInput(snapshotId));
    const { itemCount } = launchCampaign(ADMIN, draft.id);
    // The directory changes after the snapshot: items keep the snapshot's values.
    const users = store.allUsers();
    const someone = users.find((u) => u.active && store.groupIdsOfUser(u.id).length > 0) as SimUser;
    store.patchUser(someone.id, { department: 'Changed Later', title: 'Changed Later' });
    const groups = new Map(store.allGroupsWithMembers().map((g) => [g.id, g.displayName]));
    const items = allItems(draft.id).filter((i) => i.userScimId === someone.id);
    expect(items.length).toBe(1 + store.groupIdsOfUser(someone.id).length);
    for (const item of items) {
      expect(item).toMatchObject({ userEmail: someone.userName.toLowerCase(), department: someone.department, title: someone.title, userActive: true, version: 1, decision: null });
      expect(item.userDisplayName).toBe(`${someone.givenName} ${someone.familyName}`);
      if (item.kind === 'membership') expect(item.groupName).toBe(groups.get(item.groupScimId ?? ''));
    }
    const audit = listAuditPage({ action: 'campaign.launched' }, 1, 10).rows;
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({ before: { status: 'draft' }, after: { status: 'active', itemCount } });
  });

  it('launches only drafts, once', () => {
    const draft = createCampaignDraft(ADMIN, campaignInput(snapshotId));
    launchCampaign(ADMIN, draft.id);
    expect(() => launchCampaign(ADMIN, draft.id)).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(() => previewCampaign(draft.id)).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(() => launchCampaign(ADMIN, 9999)).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});
