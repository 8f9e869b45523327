import { getDb } from '@/db/client';
import { openSimStore, seedEnterprise, type SimStore, type SimUserInput } from '@/lib/airtable-sim';
import { renderUser } from '@/lib/airtable-sim/resources';
import type { TActor } from '@/lib/audit';
import { commitImport, type TImportView } from '@/lib/imports';
import { parseUser, type TScimGroup } from '@/lib/scim';
import { insertRunningSnapshot, markSnapshotComplete } from '@/lib/snapshot/queries';
import { createSnapshotWriter } from '@/lib/snapshot/writer';

/**
 * Test and benchmark helpers for lib/stale and lib/imports: a snapshot of a simulator store
 * written through the real snapshot writer (users rendered as the SCIM server renders them, raw
 * JSON and `meta.created` included, then parsed by lib/scim), with a chosen start time; CSV
 * builders; an import shortcut. Not used by app code.
 */

export const ADMIN: TActor = { id: 'admin-1', email: 'admin@northwind.example' };
export const DAY_MS = 86_400_000;

/** `YYYY-MM-DD`, `days` from today (UTC; negative = in the past). */
export function dayFromToday(days: number): string {
  return new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);
}

/** A simulator store seeded with a realistic enterprise whose clock is the real now. */
export function seededStore(options: { users: number; groups: number; seed?: number }): SimStore {
  const now = Date.now();
  const store = openSimStore(':memory:', () => now);
  seedEnterprise(store, { seed: options.seed ?? 7, users: options.users, groups: options.groups, now });
  return store;
}

/** Add a user (created `createdDaysAgo` days ago, default 400) and put it in `groups`; returns its id. */
export function addUser(store: SimStore, user: Omit<SimUserInput, 'id' | 'created'> & { groups?: readonly string[]; createdDaysAgo?: number }): string {
  const { groups, createdDaysAgo, ...input } = user;
  const created = store.createUser({
    givenName: 'Test',
    familyName: 'User',
    department: 'Engineering',
    title: 'Engineer',
    ...input,
    created: Date.now() - (createdDaysAgo ?? 400) * DAY_MS,
  });
  if (input.active === false) store.setUserActive(created.id, false);
  for (const groupId of groups ?? []) store.addMember(groupId, created.id);
  return created.id;
}

/**
 * Copy the store into a complete snapshot started at `startedAt` (default now) through the
 * production writer; returns its id. `omitCreated` drops `meta.created` from the raw JSON (a
 * SCIM server that does not send it).
 */
export async function snapshotFromStore(store: SimStore, options: { startedAt?: string; omitCreated?: boolean } = {}): Promise<number> {
  const startedAt = options.startedAt ?? new Date().toISOString();
  const snapshotId = getDb().transaction((tx) =>
    insertRunningSnapshot(tx, {
      startedAt,
      heartbeatAt: startedAt,
      ownerPid: process.pid,
      ownerHost: 'test',
      startedById: null,
      startedByEmail: 'test@attest.local',
      trigger: 'cli',
      source: 'demo',
      baseUrl: 'http://sim.test/scim/v2',
    }),
  ).id;
  const writer = createSnapshotWriter(snapshotId);
  const users = store.allUsers().map((u) => {
    const json = renderUser(u, '/scim/v2') as { meta?: Record<string, unknown> };
    if (options.omitCreated && json.meta) delete json.meta.created;
    return parseUser(json);
  });
  writer.addUsers(users);
  writer.usersComplete();
  const groups: TScimGroup[] = store.allGroupsWithMembers().map((g) => ({
    id: g.id,
    displayName: g.displayName,
    members: g.memberIds.map((value) => ({ value, display: null, type: null })),
    membersIncluded: true,
    raw: { id: g.id, displayName: g.displayName },
  }));
  writer.addGroups(groups);
  const result = await writer.finish();
  getDb().transaction((tx) =>
    markSnapshotComplete(tx, snapshotId, {
      finishedAt: startedAt,
      durationMs: 0,
      digest: result.digest,
      usersTotal: result.users,
      usersDone: result.users,
      groupsTotal: result.groups,
      groupsDone: result.groups,
      membershipsCount: result.memberships,
    }),
  );
  return snapshotId;
}

/** CSV text from a header and rows (cells quoted when needed). */
export function csv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | null>>, eol = '\n'): string {
  const cell = (v: string | null) => (v === null ? '' : /[",\n\r;\t]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [header, ...rows].map((r) => r.map(cell).join(',')).join(eol) + eol;
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Import CSV text as `kind` (as the admin). */
export function importCsv(kind: 'hr' | 'activity', text: string, fileName = `${kind}.csv`): TImportView {
  return commitImport(ADMIN, kind, utf8(text), fileName);
}
