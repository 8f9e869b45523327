import { describe, expect, it } from 'vitest';
import type { SimStore, SimUser } from '@/lib/airtable-sim';
import { setCompanyDomains, setStaleThresholds } from '@/lib/settings';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { getStaleOverview, listStaleAccountIds, listStaleAccounts, staleCampaignHref, type TStaleAccount, type TStaleRuleKey } from './index';
import { ADMIN, addUser, csv, dayFromToday, importCsv, seededStore, snapshotFromStore } from './testing';

/**
 * The rules over a seeded enterprise (the simulator's demo company: managers, ~2% contractors on
 * external domains, ~5% deactivated) plus crafted accounts with known findings. The expected
 * findings of the seeded people are computed here from the simulator's own data, independently
 * of the SQL; the crafted ones are spelled out, with their sentences.
 */

const DOMAIN = 'northwind.example';
const RECENT = dayFromToday(-3);

function allFlagged(): TStaleAccount[] {
  const out: TStaleAccount[] = [];
  for (let page = 1; ; page++) {
    const { rows, total } = listStaleAccounts({ page, pageSize: 200 });
    out.push(...rows);
    if (out.length >= total) return out;
  }
}

/** What the rules must find among the seeded people, from the simulator's data alone. */
function expectedSeededFindings(store: SimStore, crafted: ReadonlySet<string>, inHr: (u: SimUser) => boolean): Map<string, Set<TStaleRuleKey>> {
  const users = store.allUsers();
  const byEmail = new Map(users.map((u) => [u.userName.toLowerCase(), u]));
  const memberships = new Map<string, number>();
  for (const g of store.allGroupsWithMembers()) for (const id of g.memberIds) memberships.set(id, (memberships.get(id) ?? 0) + 1);
  const nameKey = (u: SimUser) => `${u.givenName ?? ''} ${u.familyName ?? ''}`.trim().toLowerCase();
  // Duplicates: more active accounts with one name than the HR roster has people of that name (and more than one).
  const byName = new Map<string, SimUser[]>();
  for (const u of users) if (u.active) byName.set(nameKey(u), [...(byName.get(nameKey(u)) ?? []), u]);
  const duplicated = (u: SimUser) => {
    const group = byName.get(nameKey(u)) ?? [];
    return group.length > Math.max(group.filter(inHr).length, 1);
  };

  const expected = new Map<string, Set<TStaleRuleKey>>();
  const add = (id: string, rule: TStaleRuleKey) => expected.set(id, (expected.get(id) ?? new Set()).add(rule));
  for (const u of users) {
    if (crafted.has(u.id)) continue;
    if (!u.active) {
      if ((memberships.get(u.id) ?? 0) > 0) add(u.id, 'deactivated_in_groups');
      continue;
    }
    const domain = u.userName.toLowerCase().split('@')[1] ?? '';
    if (domain !== DOMAIN && !domain.endsWith(`.${DOMAIN}`)) add(u.id, 'external_domain');
    if (u.managerValue) {
      const manager = byEmail.get(u.managerValue.toLowerCase());
      if (!manager || !manager.active) add(u.id, 'manager_gone');
    }
    if (duplicated(u)) add(u.id, 'duplicate_person');
  }
  return expected;
}

describe('stale-account rules on a seeded enterprise', () => {
  useTempDatabase();

  it('flags exactly the expected accounts, each with its findings in words', async () => {
    // Seed 7: its deactivated people include managers with active reports (manager_gone in the population).
    const store = seededStore({ users: 400, groups: 30, seed: 7 });
    const group = (name: string) => store.createGroup({ displayName: name }).id;
    const [g1, g2] = [group('Crafted one'), group('Crafted two')];
    const u = {
      terminated: addUser(store, { userName: 'terry.gone@northwind.example', givenName: 'Terry', familyName: 'Gone', groups: [g1] }),
      futureLeaver: addUser(store, { userName: 'fiona.later@northwind.example', givenName: 'Fiona', familyName: 'Later' }),
      onLeave: addUser(store, { userName: 'lea.away@northwind.example', givenName: 'Lea', familyName: 'Away' }),
      ghost: addUser(store, { userName: 'gus.ghost@northwind.example', givenName: 'Gus', familyName: 'Ghost' }),
      stale: addUser(store, { userName: 'stan.stale@northwind.example', givenName: 'Stan', familyName: 'Stale' }),
      edge90: addUser(store, { userName: 'ed.ninety@northwind.example', givenName: 'Ed', familyName: 'Ninety' }),
      edge89: addUser(store, { userName: 'eve.eightynine@northwind.example', givenName: 'Eve', familyName: 'Eightynine' }),
      never: addUser(store, { userName: 'nev.never@northwind.example', givenName: 'Nev', familyName: 'Never', createdDaysAgo: 100 }),
      neverListed: addUser(store, { userName: 'nora.nolog@northwind.example', givenName: 'Nora', familyName: 'Nolog', createdDaysAgo: 400 }),
      newbie: addUser(store, { userName: 'nina.new@northwind.example', givenName: 'Nina', familyName: 'New', createdDaysAgo: 10 }),
      leftInGroups: addUser(store, { userName: 'len.left@northwind.example', givenName: 'Len', familyName: 'Left', active: false, groups: [g1, g2] }),
      leftClean: addUser(store, { userName: 'lara.clean@northwind.example', givenName: 'Lara', familyName: 'Clean', active: false }),
      external: addUser(store, { userName: 'kim@contractor-mail.example', givenName: 'Kim', familyName: 'Contractor' }),
      bossGone: addUser(store, { userName: 'bea.boss@northwind.example', givenName: 'Bea', familyName: 'Boss', active: false }),
      reportOfGone: addUser(store, { userName: 'rex.report@northwind.example', givenName: 'Rex', familyName: 'Report', managerValue: 'Bea.Boss@northwind.example' }),
      reportOfTerminated: addUser(store, { userName: 'tia.team@northwind.example', givenName: 'Tia', familyName: 'Team', managerValue: 'terry.gone@northwind.example' }),
      reportOfMissing: addUser(store, { userName: 'mo.orphan@northwind.example', givenName: 'Mo', familyName: 'Orphan', managerValue: 'nobody@northwind.example' }),
      twinA: addUser(store, { userName: 'dana.whitfield@northwind.example', givenName: 'Dana', familyName: 'Whitfield' }),
      // A second account of the same person: the roster knows one Dana Whitfield.
      twinB: addUser(store, { userName: 'dwhitfield@northwind.example', givenName: 'Dana', familyName: 'Whitfield' }),
      // Two different employees who share a name: both in the roster, so not duplicates.
      namesakeA: addUser(store, { userName: 'sam.lee@northwind.example', givenName: 'Sam', familyName: 'Lee' }),
      namesakeB: addUser(store, { userName: 'sam.lee2@northwind.example', givenName: 'Sam', familyName: 'Lee' }),
      twinGone: addUser(store, { userName: 'dana.whitfield.old@northwind.example', givenName: 'Dana', familyName: 'Whitfield', active: false }),
    };
    const crafted = new Set(Object.values(u));
    await snapshotFromStore(store);
    setCompanyDomains(ADMIN, [DOMAIN]);

    // HR roster: everyone but the ghost and Dana's second account; the deactivated as terminated (not findings: the seat is already off).
    const special: Record<string, [string, string | null]> = {
      [u.terminated]: ['Terminated', '2026-10-01'],
      [u.futureLeaver]: ['Terminated', dayFromToday(20)],
      [u.onLeave]: ['On leave', null],
    };
    const users = store.allUsers();
    importCsv(
      'hr',
      csv(
        ['Work Email', 'Employment Status', 'Termination Date', 'Department', 'Cost Center'],
        users
          .filter((x) => x.id !== u.ghost && x.id !== u.twinB)
          .map((x) => {
            const [status, date] = special[x.id] ?? (x.active ? ['Active', null] : ['Terminated', '2026-06-30']);
            return [x.userName.toUpperCase(), status, date, x.department, x.costCenter];
          }),
      ),
    );
    // Activity: everyone recent, except the crafted stale, never-active and brand-new accounts.
    const lastActive: Record<string, string | null | undefined> = {
      [u.stale]: dayFromToday(-200),
      [u.edge90]: `${dayFromToday(-90)}T23:59:00Z`,
      [u.edge89]: dayFromToday(-89),
      [u.never]: undefined,
      [u.newbie]: undefined,
      [u.neverListed]: 'Never',
    };
    importCsv(
      'activity',
      csv(
        ['Email', 'Last active'],
        users.filter((x) => lastActive[x.id] !== undefined || !(x.id in lastActive)).map((x) => [x.userName, x.id in lastActive ? (lastActive[x.id] ?? null) : RECENT]),
      ),
    );

    const flagged = allFlagged();
    const got = new Map(flagged.map((a) => [a.scimId, new Set(a.rules)]));
    const expected = expectedSeededFindings(store, crafted, (x) => x.id !== u.ghost && x.id !== u.twinB);
    const craftedExpected: Record<string, TStaleRuleKey[]> = {
      [u.terminated]: ['terminated_in_hr'],
      [u.ghost]: ['not_in_hr'],
      [u.stale]: ['inactive'],
      [u.edge90]: ['inactive'],
      [u.never]: ['never_active'],
      [u.neverListed]: ['never_active'],
      [u.leftInGroups]: ['deactivated_in_groups'],
      [u.external]: ['external_domain'],
      [u.reportOfGone]: ['manager_gone'],
      [u.reportOfTerminated]: ['manager_gone'],
      [u.reportOfMissing]: ['manager_gone'],
      [u.twinA]: ['duplicate_person'],
      [u.twinB]: ['not_in_hr', 'duplicate_person'],
    };
    for (const [id, rules] of Object.entries(craftedExpected)) expected.set(id, new Set(rules));

    // Exactly these accounts, each with exactly these findings.
    expect(new Map([...got].sort())).toEqual(new Map([...expected].sort()));
    // The seeded company really exercises the population rules, not only the crafted accounts.
    const seededRules = new Set([...expected].filter(([id]) => !crafted.has(id)).flatMap(([, r]) => [...r]));
    for (const rule of ['deactivated_in_groups', 'external_domain', 'manager_gone'] as const) expect(seededRules).toContain(rule);
    for (const quiet of [u.futureLeaver, u.onLeave, u.edge89, u.newbie, u.leftClean, u.twinGone, u.bossGone, u.namesakeA, u.namesakeB]) expect(got.has(quiet)).toBe(false);

    const reasons = (id: string) => flagged.find((a) => a.scimId === id)?.reasons;
    expect(reasons(u.terminated)).toEqual(['Terminated in HR on 2026-10-01, but the Airtable account is active']);
    expect(reasons(u.ghost)).toEqual(['Active in Airtable, but not in the HR roster']);
    expect(reasons(u.stale)).toEqual([`No activity for 200 days (last active ${dayFromToday(-200)})`]);
    expect(reasons(u.edge90)).toEqual([`No activity for 90 days (last active ${dayFromToday(-90)})`]);
    expect(reasons(u.never)).toEqual([`Never active since it was created on ${dayFromToday(-100)} (100 days ago)`]);
    expect(reasons(u.neverListed)).toEqual([`Never active since it was created on ${dayFromToday(-400)} (400 days ago)`]);
    expect(reasons(u.leftInGroups)).toEqual(['Deactivated, but still in 2 groups']);
    expect(reasons(u.external)).toEqual(['External email domain contractor-mail.example']);
    expect(reasons(u.reportOfGone)).toEqual(['Manager bea.boss@northwind.example is deactivated in Airtable and is terminated in HR']);
    expect(reasons(u.reportOfTerminated)).toEqual(['Manager terry.gone@northwind.example is terminated in HR']);
    expect(reasons(u.reportOfMissing)).toEqual(['Manager nobody@northwind.example is not in the Airtable directory']);
    expect(reasons(u.twinA)).toEqual(['Same name ("Dana Whitfield") as 1 other active account: dwhitfield@northwind.example']);

    // The cards count the same accounts; the license-reclaim figure is terminated + inactive + never active.
    const overview = getStaleOverview();
    expect(overview).not.toBeNull();
    const count = (key: TStaleRuleKey) => overview?.rules.find((r) => r.key === key)?.count;
    for (const key of ['terminated_in_hr', 'not_in_hr', 'inactive', 'never_active', 'external_domain', 'manager_gone', 'duplicate_person', 'deactivated_in_groups'] as const) {
      expect(count(key), key).toBe([...expected.values()].filter((r) => r.has(key)).length);
    }
    expect(overview?.flagged).toBe(expected.size);
    expect(overview?.reclaimable).toBe(5);
    expect(overview?.activeSeats).toBe(users.filter((x) => x.active).length);
    expect(overview?.rules.every((r) => r.available)).toBe(true);
    expect(overview?.basis).toMatchObject({ hrImport: { rowCount: users.length - 2 }, inactiveDays: 90, neverActiveGraceDays: 30, companyDomains: [DOMAIN] });

    // Filters: by rule, by department (resolved), by search; the campaign link carries the same filter.
    const inactive = listStaleAccounts({ rule: 'inactive', page: 1 });
    expect(inactive.rows.map((a) => a.scimId).sort()).toEqual([u.edge90, u.stale].sort());
    expect(listStaleAccounts({ rule: 'reclaim', page: 1 }).total).toBe(5);
    expect(listStaleAccounts({ q: 'whitfield', page: 1 }).rows.map((a) => a.email).sort()).toEqual(['dana.whitfield@northwind.example', 'dwhitfield@northwind.example']);
    const engineering = listStaleAccounts({ department: 'Engineering', rule: 'never_active', page: 1 });
    expect(engineering.rows.map((a) => a.scimId).sort()).toEqual([u.never, u.neverListed].sort());
    expect(listStaleAccountIds({ rule: 'inactive' }).ids.sort()).toEqual([u.edge90, u.stale].sort());
    expect(staleCampaignHref(7, { rule: 'inactive', department: 'Engineering' })).toBe('/campaigns/new?snapshot=7&stale=1&staleRule=inactive&staleDepartment=Engineering');
    expect(staleCampaignHref(7, {}, [u.stale, u.edge90])).toBe(`/campaigns/new?snapshot=7&stale=1&users=${u.stale}%2C${u.edge90}`);

    // Thresholds come from the settings: 200 days of inactivity keeps only the 200-day account.
    setStaleThresholds(ADMIN, { inactiveDays: 200, neverActiveGraceDays: 150 });
    expect(listStaleAccounts({ rule: 'inactive', page: 1 }).rows.map((a) => a.scimId)).toEqual([u.stale]);
    expect(listStaleAccounts({ rule: 'never_active', page: 1 }).rows.map((a) => a.scimId)).toEqual([u.neverListed]);
  });

  it('without imports only the directory rules run, and the HR and activity rules say what they need', async () => {
    const store = seededStore({ users: 60, groups: 6, seed: 3 });
    addUser(store, { userName: 'solo@northwind.example' });
    await snapshotFromStore(store);
    const overview = getStaleOverview();
    const byKey = new Map(overview?.rules.map((r) => [r.key, r]));
    expect(byKey.get('not_in_hr')).toMatchObject({ count: 0, available: false, unavailableReason: 'Import an HR roster to evaluate this rule.' });
    expect(byKey.get('inactive')).toMatchObject({ count: 0, available: false, unavailableReason: 'Import last-activity data to evaluate this rule.' });
    expect(byKey.get('never_active')).toMatchObject({ count: 0, available: false });
    // Company domains are inferred from the snapshot (the most common domain) until set.
    expect(overview?.basis.companyDomainsSource).toBe('inferred');
    expect(byKey.get('external_domain')?.available).toBe(true);
  });

  it('without an HR roster, any two active accounts with one name are possible duplicates', async () => {
    const store = seededStore({ users: 30, groups: 3, seed: 2 });
    const a = addUser(store, { userName: 'sam.lee@northwind.example', givenName: 'Sam', familyName: ' Lee ' });
    const b = addUser(store, { userName: 'slee@northwind.example', givenName: 'SAM', familyName: 'lee' });
    addUser(store, { userName: 'sam.lee.old@northwind.example', givenName: 'Sam', familyName: 'Lee', active: false });
    await snapshotFromStore(store);
    const rows = listStaleAccounts({ rule: 'duplicate_person', q: 'lee', page: 1 }).rows;
    expect(rows.map((r) => r.scimId).sort()).toEqual([a, b].sort());
    expect(rows.find((r) => r.scimId === b)?.reasons).toEqual(['Same name ("SAM lee") as 1 other active account: sam.lee@northwind.example']);
  });

  it('falls back to the first snapshot that saw the account when SCIM sends no meta.created', async () => {
    const store = seededStore({ users: 40, groups: 4, seed: 5 });
    const early = addUser(store, { userName: 'early.bird@northwind.example', givenName: 'Early', familyName: 'Bird', createdDaysAgo: 1 });
    await snapshotFromStore(store, { startedAt: new Date(Date.now() - 45 * 86_400_000).toISOString(), omitCreated: true });
    const late = addUser(store, { userName: 'late.comer@northwind.example', givenName: 'Late', familyName: 'Comer', createdDaysAgo: 1 });
    await snapshotFromStore(store, { omitCreated: true });
    importCsv('activity', csv(['email', 'last login'], store.allUsers().filter((x) => x.id !== early && x.id !== late).map((x) => [x.userName, RECENT])));

    const never = listStaleAccounts({ rule: 'never_active', page: 1 }).rows;
    // meta.created says 1 day, but without it the account is known to exist since the first snapshot 45 days ago.
    expect(never.map((a) => a.scimId)).toEqual([early]);
    expect(never[0]?.reasons).toEqual([`Never active since it was first seen on ${dayFromToday(-45)} (45 days ago)`]);
  });
});
