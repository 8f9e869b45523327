import { openSimStore, seedEnterprise, type SimStore, type SimUserInput } from '@/lib/airtable-sim';
import type { TSnapshotStatus } from '@/db/schema';
import type { TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { insertSnapshotFixture, type TFixtureUser } from './queries';
import { listReviewItems } from './read';
import type { TCampaignInput, TItemListQuery } from './schemas';
import type { TReviewItemRow } from './types';

/**
 * Test and benchmark helpers for lib/review: a snapshot copied straight from a simulator store
 * (the same fields `takeSnapshot` stores, without crawling over HTTP), actors, and wizard input.
 * Not used by app code.
 */

export const ADMIN: TActor = { id: 'admin-1', email: 'admin@northwind.example' };

/** An actor for a reviewer email. */
export function actor(email: string): TActor {
  return { id: `id-${email}`, email };
}

/** Copy the simulator's directory into a snapshot with `status` (default complete); returns its id. */
export function snapshotFromStore(store: SimStore, options: { status?: TSnapshotStatus } = {}): number {
  const users: TFixtureUser[] = store.allUsers().map((u) => ({
    scimId: u.id,
    userName: u.userName,
    // Airtable's userName is the email; the snapshot keeps the primary email lowercased.
    email: u.userName.toLowerCase(),
    givenName: u.givenName,
    familyName: u.familyName,
    displayName: null,
    title: u.title,
    active: u.active,
    department: u.department,
    costCenter: u.costCenter,
    division: u.division,
    organization: u.organization,
    managerEmail: u.managerValue,
    managerName: u.managerDisplayName,
  }));
  const groups = store.allGroupsWithMembers().map((g) => ({ scimId: g.id, displayName: g.displayName, memberIds: g.memberIds }));
  return insertSnapshotFixture({ status: options.status ?? 'complete', users, groups });
}

/** `YYYY-MM-DD`, `days` from today (UTC). */
export function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Wizard input with sensible defaults (all users, accounts and memberships, manager rule). */
export function campaignInput(snapshotId: number, overrides: Partial<TCampaignInput> = {}): TCampaignInput {
  return {
    name: 'Q4 access review',
    snapshotId,
    scope: { kind: 'all', includeInactive: false },
    reviewAccounts: true,
    reviewMemberships: true,
    reviewerRule: 'manager',
    fallbackReviewerEmail: 'fallback@northwind.example',
    dueAt: inDays(30),
    ...overrides,
  };
}

/** A simulator store seeded with a realistic enterprise (in memory). */
export function seededStore(options: { users: number; groups: number; seed?: number; membershipsPerUser?: number }): SimStore {
  const store = openSimStore(':memory:', () => Date.UTC(2026, 10, 1));
  seedEnterprise(store, { seed: options.seed ?? 1, users: options.users, groups: options.groups, membershipsPerUser: options.membershipsPerUser });
  return store;
}

/** Add a user to the simulator (and to the given groups); returns its SCIM id. */
export function addUser(
  store: SimStore,
  user: Omit<SimUserInput, 'id'> & { groups?: readonly string[] },
): string {
  const { groups, ...input } = user;
  const created = store.createUser({ givenName: 'Test', familyName: 'User', department: 'Engineering', title: 'Engineer', ...input });
  for (const groupId of groups ?? []) store.addMember(groupId, created.id);
  return created.id;
}

/** Every item of a campaign (admin view), optionally filtered. */
export function allItems(campaignId: number, filter: Omit<TItemListQuery, 'page' | 'pageSize'> = {}): TReviewItemRow[] {
  const out: TReviewItemRow[] = [];
  for (let page = 1; ; page++) {
    const { rows, total } = listReviewItems(campaignId, { email: ADMIN.email, role: 'admin' }, { sort: 'email', ...filter, page, pageSize: 500 });
    out.push(...rows);
    if (out.length >= total || rows.length === 0) return out;
  }
}

/** Run `fn`, which must throw an AppError, and return it (tests then assert its code and message). */
export function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}
