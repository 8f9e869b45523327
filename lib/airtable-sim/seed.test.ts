import { afterEach, describe, expect, it } from 'vitest';
import { isIdOf } from './ids';
import { DEMO_COMPANY_DOMAIN, DEMO_EXTERNAL_DOMAINS, seedEnterprise, type SeedOptions } from './seed';
import { openSimStore, type SimStore } from './store';

const stores: SimStore[] = [];
function seeded(opts: SeedOptions) {
  const store = openSimStore();
  stores.push(store);
  const summary = seedEnterprise(store, opts);
  return { store, summary };
}
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

const NAMED = [
  { userName: 'ada.admin@northwind.example', givenName: 'Ada', familyName: 'Admin', title: 'IT Director', department: 'Operations' },
  { userName: 'rita.reviewer@northwind.example', givenName: 'Rita', familyName: 'Reviewer', title: 'Engineering Manager', department: 'Engineering', directReports: 6 },
  { userName: 'otto.auditor@audit-firm.example', givenName: 'Otto', familyName: 'Auditor', title: 'External Auditor', department: 'Finance' },
];

describe('seedEnterprise', () => {
  it('is deterministic: the same seed gives the same users, ids, groups and memberships', () => {
    const a = seeded({ seed: 42, users: 600, groups: 50 });
    const b = seeded({ seed: 42, users: 600, groups: 50 });
    expect(b.summary).toEqual(a.summary);
    expect(b.store.allUsers()).toEqual(a.store.allUsers());
    expect(b.store.allGroupsWithMembers()).toEqual(a.store.allGroupsWithMembers());
    const c = seeded({ seed: 43, users: 600, groups: 50 });
    expect(c.store.allUsers().map((u) => u.userName)).not.toEqual(a.store.allUsers().map((u) => u.userName));
  });

  it('builds a realistic company', () => {
    const { store, summary } = seeded({ seed: 1, users: 2000, groups: 120 });
    const users = store.allUsers();
    const groups = store.allGroupsWithMembers();
    expect(users).toHaveLength(2000);
    expect(groups).toHaveLength(120);
    expect(summary).toMatchObject({ users: 2000, groups: 120, companyDomain: DEMO_COMPANY_DOMAIN });
    expect(store.counts()).toEqual({ users: 2000, activeUsers: summary.activeUsers, groups: 120, memberships: summary.memberships });

    // Ids and userNames have Airtable's shapes and are unique.
    expect(users.every((u) => isIdOf('usr', u.id))).toBe(true);
    expect(groups.every((g) => isIdOf('ugp', g.id))).toBe(true);
    expect(new Set(users.map((u) => u.userName.toLowerCase())).size).toBe(2000);
    expect(new Set(groups.map((g) => g.displayName.toLowerCase())).size).toBe(120);
    expect(users.every((u) => /^[a-z]+\.[a-z]+\d*@[a-z.-]+\.example$/.test(u.userName))).toBe(true);

    // ~2% contractors on external domains, ~5% deactivated.
    const external = users.filter((u) => !u.userName.endsWith(`@${DEMO_COMPANY_DOMAIN}`));
    expect(external.length).toBe(summary.externalUsers);
    expect(external.length).toBeGreaterThan(10);
    expect(external.length).toBeLessThan(100);
    expect(external.every((u) => (DEMO_EXTERNAL_DOMAINS as readonly string[]).includes(u.userName.split('@')[1] ?? ''))).toBe(true);
    const inactive = users.filter((u) => !u.active).length;
    expect(inactive).toBe(summary.deactivatedUsers);
    expect(inactive / users.length).toBeGreaterThan(0.02);
    expect(inactive / users.length).toBeLessThan(0.09);

    // Enterprise attributes: departments, divisions, cost centers tied to departments.
    const departments = new Set(users.map((u) => u.department));
    for (const d of ['Engineering', 'Sales', 'Marketing', 'Finance', 'HR', 'Legal', 'Operations', 'Support', 'Product', 'Design']) {
      expect(departments.has(d)).toBe(true);
    }
    expect(users.every((u) => /^CC-\d{4}$/.test(u.costCenter ?? ''))).toBe(true);
    const ccByDept = new Map<string, Set<string>>();
    for (const u of users) ccByDept.set(u.department ?? '', (ccByDept.get(u.department ?? '') ?? new Set()).add(u.costCenter ?? ''));
    expect(ccByDept.get('Engineering')?.has('CC-3010')).toBe(false);

    // Manager hierarchy by email: every manager reference is an existing user; one CEO at the top.
    const byEmail = new Map(users.map((u) => [u.userName, u]));
    const withManager = users.filter((u) => u.managerValue !== null);
    expect(withManager.every((u) => byEmail.has(u.managerValue ?? ''))).toBe(true);
    expect(withManager.every((u) => {
      const m = byEmail.get(u.managerValue ?? '');
      return m !== undefined && u.managerDisplayName === `${m.givenName} ${m.familyName}`;
    })).toBe(true);
    expect(users.filter((u) => u.managerValue === null).map((u) => u.userName)).toEqual([summary.ceo]);
    expect(byEmail.get(summary.ceo ?? '')?.title).toBe('Chief Executive Officer');

    // Groups of very different sizes; some users in none.
    const sizes = groups.map((g) => g.memberIds.length).sort((x, y) => y - x);
    expect(sizes[0]).toBeGreaterThan(users.length * 0.1);
    expect(sizes.at(-1)).toBeLessThan(20);
    expect(groups.map((g) => g.displayName)).toEqual(expect.arrayContaining(['All Employees', 'Engineering', 'Finance - AP', 'Project Falcon']));
    const grouped = new Set(groups.flatMap((g) => g.memberIds));
    expect(users.length - grouped.size).toBe(summary.usersWithoutGroups);
    expect(summary.usersWithoutGroups).toBeGreaterThan(0);
    // Some deactivated users still hold group memberships (a stale-access signal for the app).
    expect(users.some((u) => !u.active && grouped.has(u.id))).toBe(true);
  });

  it('inserts named users first, exactly as given, with their direct reports', () => {
    const { store, summary } = seeded({ seed: 5, users: 300, groups: 40, namedUsers: NAMED });
    const users = store.allUsers();
    expect(users.slice(0, 3).map((u) => [u.userName, u.givenName, u.familyName, u.title, u.department, u.active])).toEqual(
      NAMED.map((n) => [n.userName, n.givenName, n.familyName, n.title, n.department, true]),
    );
    const reports = users.filter((u) => u.managerValue === 'rita.reviewer@northwind.example');
    expect(reports).toHaveLength(6);
    expect(reports.every((u) => u.department === 'Engineering' && u.managerDisplayName === 'Rita Reviewer')).toBe(true);
    expect(summary.tokenOwner).toBe('ada.admin@northwind.example');
    expect(store.getTokenOwner()).toBe('ada.admin@northwind.example');
    expect(users).toHaveLength(300);
  });

  it('never generates fewer users than the named users and their reports', () => {
    const { store } = seeded({ seed: 5, users: 2, groups: 3, namedUsers: NAMED });
    expect(store.counts().users).toBe(3 + 6);
  });

  it('approaches a memberships-per-user target with heavy-tailed project groups', () => {
    const { summary } = seeded({ seed: 9, users: 3000, groups: 200, membershipsPerUser: 8 });
    expect(summary.memberships / summary.users).toBeGreaterThan(8 * 0.85);
    expect(summary.memberships / summary.users).toBeLessThan(8 * 1.15);
  });
});
