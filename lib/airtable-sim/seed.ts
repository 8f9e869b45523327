import { newId } from './ids';
import { createPrng, type Prng } from './prng';
import {
  DEMO_COMPANY_DOMAIN,
  DEMO_EXTERNAL_DOMAINS,
  DEPARTMENTS,
  EXECUTIVE,
  FIRST_NAMES,
  LAST_NAMES,
  ORGANIZATIONS,
  PROJECT_CODENAMES,
  WORKSPACE_TOPICS,
  type DepartmentSpec,
} from './seed-data';
import type { SimGroupInput, SimStore } from './store';

export { DEMO_COMPANY_DOMAIN, DEMO_EXTERNAL_DOMAINS } from './seed-data';

/** A person the caller wants to exist with exactly these fields (the demo's admin, reviewer, auditor). */
export type NamedUser = {
  userName: string;
  givenName: string;
  familyName: string;
  title: string;
  department: string;
  /** Generated users who report to this one (their manager.value = this userName). */
  directReports?: number;
};

export type SeedOptions = {
  seed: number;
  /** Total users after seeding, named users and their reports included (never fewer than those). */
  users: number;
  /** Total groups; the structural ones (All Employees, departments…) come first, then project groups. */
  groups: number;
  /** Target average group memberships per user; default: whatever the company structure gives (~4). */
  membershipsPerUser?: number;
  namedUsers?: NamedUser[];
  /** "Today" for created / lastModified timestamps (epoch ms); default 2026-11-01T00:00:00Z so a seed is reproducible. */
  now?: number;
};

export type SeedSummary = {
  users: number;
  activeUsers: number;
  deactivatedUsers: number;
  externalUsers: number;
  usersWithoutGroups: number;
  groups: number;
  memberships: number;
  largestGroup: { displayName: string; members: number } | null;
  companyDomain: string;
  externalDomains: string[];
  /** userName of the CEO (top of the manager hierarchy), null when no user was generated. */
  ceo: string | null;
  /** userName that owns the API token (first named user, else the CEO): deleting it answers 422. */
  tokenOwner: string | null;
};

const DEFAULT_NOW = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;
const EXTERNAL_RATE = 0.02;
const DEACTIVATED_RATE = 0.05;
const REPORTS_PER_MANAGER = 9;

type Person = {
  id: string;
  userName: string;
  givenName: string;
  familyName: string;
  title: string;
  department: string;
  division: string | null;
  costCenter: string | null;
  organization: string | null;
  managerValue: string | null;
  managerDisplayName: string | null;
  active: boolean;
  created: number;
  lastModified: number;
  role: 'ceo' | 'head' | 'manager' | 'ic' | 'named';
  external: boolean;
  /** False for users kept out of every group (new joiners not yet placed, deprovisioned leavers). */
  grouped: boolean;
  dept: DepartmentSpec | null;
  /** Index into dept.teams, or -1 for no team. */
  team: number;
  /** Named user with direct reports: counts as a people manager. */
  manages: boolean;
};

type PersonBase = Pick<
  Person,
  'userName' | 'givenName' | 'familyName' | 'title' | 'department' | 'division' | 'costCenter' | 'organization' | 'role' | 'external' | 'dept'
>;

function weightedPick<T extends { weight: number }>(prng: Prng, items: readonly T[]): T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let r = prng.next() * total;
  for (const item of items) {
    r -= item.weight;
    if (r < 0) return item;
  }
  const last = items[items.length - 1];
  if (!last) throw new Error('weightedPick from an empty list');
  return last;
}

/** Email local part: lowercase ASCII letters only, so "O'Brien" → "obrien", "Min-jun" → "minjun". */
const slug = (s: string): string => s.toLowerCase().replace(/[^a-z]/g, '');

function makeEmailer(taken: Set<string>) {
  return (given: string, family: string, domain: string): string => {
    const base = `${slug(given)}.${slug(family)}`;
    for (let n = 1; ; n++) {
      const email = `${base}${n === 1 ? '' : n}@${domain}`;
      if (!taken.has(email)) {
        taken.add(email);
        return email;
      }
    }
  };
}

/** Created between ~7 years and 1 day ago, a few inside the last month (recent joiners). */
function createdAt(prng: Prng, now: number): number {
  const days = prng.chance(0.04) ? prng.int(1, 30) : prng.int(31, 7 * 365);
  return now - days * DAY - prng.int(0, DAY - 1);
}

/** Add up to `k` distinct items of `pool` to `into` (uniformly; linear in k, or in pool when k is large). */
function sampleDistinct(prng: Prng, pool: readonly number[], k: number, into: Set<number>): void {
  const target = Math.min(pool.length, into.size + k);
  // Rejection sampling is linear while k ≤ pool/2; past that, a partial shuffle is cheaper.
  if (k > pool.length / 2) {
    const copy = pool.slice();
    for (let i = 0; i < copy.length && into.size < target; i++) {
      const j = prng.int(i, copy.length - 1);
      const picked = copy[j] as number;
      copy[j] = copy[i] as number;
      copy[i] = picked;
      into.add(picked);
    }
    return;
  }
  for (let attempts = 0; into.size < target && attempts < k * 20; attempts++) into.add(prng.pick(pool));
}

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Fill `store` with a realistic, reproducible enterprise: a CEO, department heads, managers and
 * ICs linked by manager EMAIL, ~2% contractors on external domains, ~5% deactivated users, some
 * users in no group, and groups from "All Employees" down to small project groups. The same
 * options always produce the same data (ids included). One transaction; 100k users / 1M
 * memberships take a few seconds.
 */
export function seedEnterprise(store: SimStore, opts: SeedOptions): SeedSummary {
  const prng = createPrng(opts.seed);
  const now = opts.now ?? DEFAULT_NOW;
  const taken = new Set<string>();
  const email = makeEmailer(taken);
  const people: Person[] = [];
  const deptByName = new Map(DEPARTMENTS.map((d) => [d.name.toLowerCase(), d]));

  // Every Person is built by this one literal so all share one hidden class (hot loops below).
  const addPerson = (base: PersonBase, manager: Person | null, deactivatable: boolean): Person => {
    const created = createdAt(prng, now);
    const active = !(deactivatable && prng.chance(DEACTIVATED_RATE));
    // Deprovisioned leavers lose their groups half the time; the rest linger (a stale-access signal).
    const grouped = active ? !prng.chance(0.02) : prng.chance(0.5);
    const lastModified = active ? created + prng.int(0, now - created) : now - prng.int(1, 120) * DAY;
    const teams = base.dept?.teams.length ?? 0;
    const person: Person = {
      id: newId('usr', prng),
      userName: base.userName,
      givenName: base.givenName,
      familyName: base.familyName,
      title: base.title,
      department: base.department,
      division: base.division,
      costCenter: base.costCenter,
      organization: base.organization,
      managerValue: manager ? manager.userName : null,
      managerDisplayName: manager ? `${manager.givenName} ${manager.familyName}` : null,
      active,
      created,
      lastModified,
      role: base.role,
      external: base.external,
      grouped,
      dept: base.dept,
      team: teams > 0 && prng.chance(0.85) ? prng.int(0, teams - 1) : -1,
      manages: false,
    };
    people.push(person);
    return person;
  };

  const generated = (dept: DepartmentSpec, title: string, role: Person['role'], manager: Person | null): Person => {
    const givenName = prng.pick(FIRST_NAMES);
    const familyName = prng.pick(LAST_NAMES);
    const external = role === 'ic' && prng.chance(EXTERNAL_RATE);
    const org = weightedPick(prng, ORGANIZATIONS);
    const domain = external ? prng.pick(DEMO_EXTERNAL_DOMAINS) : DEMO_COMPANY_DOMAIN;
    return addPerson(
      {
        userName: email(givenName, familyName, domain),
        givenName,
        familyName,
        title: external ? `${dept.name} Contractor` : title,
        department: dept.name,
        division: dept.division,
        costCenter: prng.pick(dept.costCenters),
        // Contractors are not employed by a Northwind entity.
        organization: external ? null : org.name,
        role,
        external,
        dept,
      },
      manager,
      role !== 'head' && role !== 'ceo',
    );
  };

  // 1. Named users, exactly as given (active, no manager), then their direct reports.
  const named = opts.namedUsers ?? [];
  for (const n of named) taken.add(n.userName.toLowerCase());
  const namedPeople = named.map((n) => {
    const dept = deptByName.get(n.department.toLowerCase()) ?? null;
    const p: Person = {
      id: newId('usr', prng),
      userName: n.userName,
      givenName: n.givenName,
      familyName: n.familyName,
      title: n.title,
      department: n.department,
      division: dept?.division ?? null,
      costCenter: dept?.costCenters[0] ?? null,
      organization: ORGANIZATIONS[0].name,
      managerValue: null,
      managerDisplayName: null,
      active: true,
      created: now - 3 * 365 * DAY,
      lastModified: now - 30 * DAY,
      role: 'named',
      external: false,
      grouped: true,
      dept,
      team: -1,
      manages: (n.directReports ?? 0) > 0,
    };
    people.push(p);
    return p;
  });
  for (const [i, n] of named.entries()) {
    const boss = namedPeople[i] as Person;
    const dept = boss.dept ?? weightedPick(prng, DEPARTMENTS);
    for (let r = 0; r < (n.directReports ?? 0); r++) generated(dept, prng.pick(dept.icTitles), 'ic', boss);
  }

  // 2. The generated company: CEO, a head per department, managers, ICs.
  const remaining = Math.max(0, opts.users - people.length);
  let ceo: Person | null = null;
  if (remaining > 0) {
    const givenName = prng.pick(FIRST_NAMES);
    const familyName = prng.pick(LAST_NAMES);
    ceo = addPerson(
      {
        userName: email(givenName, familyName, DEMO_COMPANY_DOMAIN),
        givenName,
        familyName,
        title: EXECUTIVE.title,
        department: EXECUTIVE.department,
        division: EXECUTIVE.division,
        costCenter: EXECUTIVE.costCenter,
        organization: ORGANIZATIONS[0].name,
        role: 'ceo',
        external: false,
        dept: null,
      },
      null,
      false,
    );
  }
  const sizes = new Map<DepartmentSpec, number>();
  for (let i = 0; i < remaining - 1; i++) {
    const d = weightedPick(prng, DEPARTMENTS);
    sizes.set(d, (sizes.get(d) ?? 0) + 1);
  }
  for (const dept of DEPARTMENTS) {
    const size = sizes.get(dept) ?? 0;
    if (size === 0) continue;
    const head = generated(dept, dept.head, 'head', ceo);
    const managerCount = Math.floor((size - 1) / (REPORTS_PER_MANAGER + 1));
    const managers: Person[] = [];
    for (let m = 0; m < managerCount; m++) managers.push(generated(dept, prng.pick(dept.managerTitles), 'manager', head));
    for (let i = 1 + managerCount; i < size; i++) {
      generated(dept, prng.pick(dept.icTitles), 'ic', managers.length > 0 ? prng.pick(managers) : head);
    }
  }

  // 3. Structural groups, filled in one pass over people (members are indexes into `people`).
  const allEmployees: number[] = [];
  const leadership: number[] = [];
  const peopleManagers: number[] = [];
  const admins: number[] = namedPeople.length > 0 ? [0] : [];
  const contractors: number[] = [];
  const byDept = new Map<DepartmentSpec, number[]>();
  const employeesByDept = new Map<DepartmentSpec, number[]>();
  const byOrg = new Map<string, number[]>();
  const byTeam = new Map<string, number[]>();
  const groupable: number[] = [];
  for (const [i, p] of people.entries()) {
    if (!p.grouped) continue;
    groupable.push(i);
    if (p.external) contractors.push(i);
    else {
      allEmployees.push(i);
      if (p.dept) push(employeesByDept, p.dept, i);
      if (p.organization) push(byOrg, p.organization, i);
    }
    if (p.role === 'ceo' || p.role === 'head') leadership.push(i);
    if (p.role === 'head' || p.role === 'manager' || p.manages) peopleManagers.push(i);
    if (p.dept) {
      push(byDept, p.dept, i);
      if (p.team >= 0) push(byTeam, `${p.dept.name} - ${p.dept.teams[p.team] ?? ''}`, i);
      if (p.dept.name === 'Operations' && p.title === 'Systems Administrator' && admins.length < 4) admins.push(i);
    }
  }
  // Most important first, so a small `groups` keeps the groups a review is about.
  const structuralSpecs: Array<{ displayName: string; members: number[] }> = [
    { displayName: 'All Employees', members: allEmployees },
    ...DEPARTMENTS.map((d) => ({ displayName: d.name, members: employeesByDept.get(d) ?? [] })),
    ...ORGANIZATIONS.map((o) => ({ displayName: o.group, members: byOrg.get(o.name) ?? [] })),
    { displayName: 'Leadership Team', members: leadership },
    { displayName: 'People Managers', members: peopleManagers },
    { displayName: 'Airtable Admins', members: admins },
    { displayName: 'Contractors', members: contractors },
    ...DEPARTMENTS.flatMap((d) => d.teams.map((t) => `${d.name} - ${t}`)).map((name) => ({
      displayName: name,
      members: byTeam.get(name) ?? [],
    })),
  ];
  const specs = structuralSpecs.slice(0, Math.max(0, opts.groups));
  const structuralMemberships = specs.reduce((n, s) => n + s.members.length, 0);

  // 4. Project groups: heavy-tailed sizes, ~70% of members from one home department.
  const projectCount = Math.max(0, opts.groups - specs.length);
  const names = projectNames(projectCount);
  const sizesOfProjects = projectSizes(prng, projectCount, groupable.length, opts.membershipsPerUser, people.length, structuralMemberships);
  for (let i = 0; i < projectCount; i++) {
    const size = sizesOfProjects[i] ?? 0;
    const members = new Set<number>();
    sampleDistinct(prng, byDept.get(weightedPick(prng, DEPARTMENTS)) ?? [], Math.round(size * 0.7), members);
    sampleDistinct(prng, groupable, size - members.size, members);
    specs.push({ displayName: names[i] as string, members: [...members] });
  }

  const inAnyGroup = new Uint8Array(people.length);
  let memberships = 0;
  let largest: { displayName: string; members: number } | null = null;
  const groups: SimGroupInput[] = specs.map((spec, i) => {
    memberships += spec.members.length;
    for (const m of spec.members) inAnyGroup[m] = 1;
    if (!largest || spec.members.length > largest.members) largest = { displayName: spec.displayName, members: spec.members.length };
    return {
      id: newId('ugp', prng),
      displayName: spec.displayName,
      memberIds: spec.members.map((m) => (people[m] as Person).id),
      created: i < structuralSpecs.length ? now - prng.int(400, 2000) * DAY : now - prng.int(1, 900) * DAY,
    };
  });

  store.bulkLoad({ users: people, groups });
  const tokenOwner = named[0]?.userName ?? ceo?.userName ?? null;
  store.setTokenOwner(tokenOwner);

  const active = people.reduce((n, p) => n + (p.active ? 1 : 0), 0);
  return {
    users: people.length,
    activeUsers: active,
    deactivatedUsers: people.length - active,
    externalUsers: people.reduce((n, p) => n + (p.external ? 1 : 0), 0),
    usersWithoutGroups: people.length - inAnyGroup.reduce((n, v) => n + v, 0),
    groups: groups.length,
    memberships,
    largestGroup: largest,
    companyDomain: DEMO_COMPANY_DOMAIN,
    externalDomains: [...DEMO_EXTERNAL_DOMAINS],
    ceo: ceo?.userName ?? null,
    tokenOwner,
  };
}

/** Unique project-style group names: "Project Falcon", "Workspace - OKRs", then numbered repeats. */
function projectNames(count: number): string[] {
  const base = [...PROJECT_CODENAMES.map((c) => `Project ${c}`), ...WORKSPACE_TOPICS.map((t) => `Workspace - ${t}`)];
  const out: string[] = [];
  for (let round = 1; out.length < count; round++) {
    for (const name of base) {
      if (out.length >= count) break;
      out.push(round === 1 ? name : `${name} ${round}`);
    }
  }
  return out;
}

/**
 * Sizes of the project groups. Without a memberships target: mostly small (3–15), some medium,
 * a few large. With one: the budget left after the structural groups, split along a
 * heavy-tailed (Zipf-like) curve so a few projects are big and most are small.
 */
function projectSizes(
  prng: Prng,
  count: number,
  pool: number,
  perUser: number | undefined,
  users: number,
  structural: number,
): number[] {
  const cap = Math.max(0, Math.floor(pool / 2));
  const clamp = (n: number): number => Math.max(Math.min(2, cap), Math.min(cap, Math.round(n)));
  const budget = perUser === undefined ? 0 : Math.round(perUser * users) - structural;
  if (budget <= 0) {
    return Array.from({ length: count }, () => {
      const r = prng.next();
      return clamp(r < 0.7 ? prng.int(3, 15) : r < 0.95 ? prng.int(15, 60) : prng.int(60, 300));
    });
  }
  const weights = Array.from({ length: count }, (_, i) => 1 / Math.pow(i + 1, 0.7));
  // Shuffle so the biggest projects are not always the first names.
  for (let i = weights.length - 1; i > 0; i--) {
    const j = prng.int(0, i);
    const t = weights[i] as number;
    weights[i] = weights[j] as number;
    weights[j] = t;
  }
  const total = weights.reduce((s, w) => s + w, 0);
  return weights.map((w) => clamp((budget * w) / total));
}
