import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { getCompanyDomains, isExternalEmail } from '@/lib/settings';
import {
  getCompleteSnapshotRow,
  getLatestCompleteSnapshotRow,
  getRunningSnapshotRow,
  getSnapshotRow,
  listSnapshotRows,
  queryDepartments,
  queryDistinctOrgUnits,
  type TOrgUnitField,
  queryGroup,
  queryGroupMembersPage,
  queryGroupsOfUser,
  queryGroupsPage,
  queryMembershipsPage,
  queryUser,
  queryUsersPage,
  type TUserRowRaw,
} from './queries';
import { recoverInterruptedSnapshots } from './recovery';
import {
  GROUP_SORTS,
  USER_SORTS,
  type TGroupListQuery,
  type TGroupMemberQuery,
  type TGroupMemberRow,
  type TMembershipListQuery,
  type TPage,
  type TPageQuery,
  type TSnapshot,
  type TSnapshotEmail,
  type TSnapshotGroupDetail,
  type TSnapshotGroupRow,
  type TSnapshotMembershipRow,
  type TSnapshotUserDetail,
  type TSnapshotUserRow,
  type TUserListQuery,
} from './types';

/**
 * What the snapshot pages read. Every list is paginated in SQL (LIMIT/OFFSET plus a total),
 * every input is validated (bad input → `AppError('invalid')`), and everything except
 * `listSnapshots` / `getSnapshot` / `getRunningSnapshot` reads complete snapshots only: a
 * running, failed or unknown id is `AppError('not_found')`.
 */

export const MAX_PAGE_SIZE = 500;

const ZPage = z.number().int().min(1).max(1_000_000);
const ZPageSize = z.number().int().min(1).max(MAX_PAGE_SIZE);
// An empty search box means "no search".
const ZSearch = z
  .string()
  .trim()
  .max(200)
  .optional()
  .transform((s) => (s ? s : undefined));
const ZId = z.string().trim().min(1).max(200);
const ZDir = z.enum(['asc', 'desc']).default('asc');

export const ZPageQuery = z.object({ page: ZPage, pageSize: ZPageSize });

export const ZUserListQuery = z.object({
  q: ZSearch,
  active: z.boolean().optional(),
  department: z.string().max(200).optional(),
  groupId: ZId.optional(),
  noGroups: z.boolean().optional(),
  externalOnly: z.boolean().optional(),
  sort: z.enum(USER_SORTS).default('name'),
  dir: ZDir,
  page: ZPage,
  pageSize: ZPageSize,
});

export const ZGroupListQuery = z.object({ q: ZSearch, sort: z.enum(GROUP_SORTS).default('name'), dir: ZDir, page: ZPage, pageSize: ZPageSize });
export const ZMembershipListQuery = z.object({ q: ZSearch, groupId: ZId.optional(), orphanOnly: z.boolean().optional(), page: ZPage, pageSize: ZPageSize });
export const ZGroupMemberQuery = z.object({ q: ZSearch, page: ZPage, pageSize: ZPageSize });
const ZSnapshotId = z.number().int().min(1);

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.join('.') || '_';
    (fieldErrors[key] ??= []).push(issue.message);
  }
  const summary = Object.entries(fieldErrors)
    .map(([k, v]) => `${k}: ${v.join(', ')}`)
    .join('; ');
  throw new AppError('invalid', `Invalid query (${summary}).`, fieldErrors);
}

function requireComplete(snapshotId: number): TSnapshot {
  parse(ZSnapshotId, snapshotId);
  const row = getCompleteSnapshotRow(snapshotId);
  if (!row) throw new AppError('not_found', `Snapshot #${snapshotId} does not exist or is not complete.`);
  return row;
}

const offsetOf = (q: TPageQuery): number => (q.page - 1) * q.pageSize;

function personName(u: Pick<TUserRowRaw, 'displayName' | 'givenName' | 'familyName' | 'userName'>): string {
  const full = [u.givenName, u.familyName].filter((p): p is string => Boolean(p)).join(' ');
  return u.displayName || full || u.userName;
}

function toUserRow(r: TUserRowRaw & { groupCount: number }, domains: readonly string[]): TSnapshotUserRow {
  return {
    scimId: r.scimId,
    userName: r.userName,
    email: r.email,
    givenName: r.givenName,
    familyName: r.familyName,
    displayName: r.displayName,
    name: personName(r),
    title: r.title,
    active: r.active === 1,
    department: r.department,
    costCenter: r.costCenter,
    division: r.division,
    organization: r.organization,
    managerEmail: r.managerEmail,
    managerName: r.managerName,
    groupCount: r.groupCount,
    isExternal: isExternalEmail(r.email, domains),
  };
}

/** Every snapshot (all statuses), newest first, with counts, status and error. */
export function listSnapshots(query: TPageQuery): TPage<TSnapshot> {
  const q = parse(ZPageQuery, query);
  const { rows, total } = listSnapshotRows(q.pageSize, offsetOf(q));
  return { rows, total, page: q.page, pageSize: q.pageSize };
}

/** One snapshot of any status (running ones show live progress), or null. */
export function getSnapshot(snapshotId: number): TSnapshot | null {
  parse(ZSnapshotId, snapshotId);
  return getSnapshotRow(snapshotId);
}

/** The latest complete snapshot: the one pages show by default. */
export function getCurrentSnapshot(): TSnapshot | null {
  return getLatestCompleteSnapshotRow();
}

/**
 * The running snapshot, or null. A `running` row whose process died is recovered (marked
 * failed) first, so a page never shows a snapshot that will never finish.
 */
export function getRunningSnapshot(): TSnapshot | null {
  const running = getRunningSnapshotRow();
  if (!running) return null;
  recoverInterruptedSnapshots();
  return getRunningSnapshotRow();
}

/**
 * Users of a complete snapshot. `q` matches email, userName, display name, "given family" and
 * title (contains, case-insensitive for ASCII; `%` and `_` are literal). `groupCount` and
 * `isExternal` (email domain outside the company domains, lib/settings) come with each row.
 */
export function listSnapshotUsers(snapshotId: number, query: TUserListQuery): TPage<TSnapshotUserRow> {
  requireComplete(snapshotId);
  const q = parse(ZUserListQuery, query);
  const domains = getCompanyDomains();
  const { rows, total } = queryUsersPage(
    snapshotId,
    { q: q.q, active: q.active, department: q.department, groupId: q.groupId, noGroups: q.noGroups, externalOnly: q.externalOnly, companyDomains: domains },
    q.sort,
    q.dir,
    q.pageSize,
    offsetOf(q),
  );
  return { rows: rows.map((r) => toUserRow(r, domains)), total, page: q.page, pageSize: q.pageSize };
}

/** One user with emails and the raw SCIM resource, or null. */
export function getSnapshotUser(snapshotId: number, scimId: string): TSnapshotUserDetail | null {
  requireComplete(snapshotId);
  const id = parse(ZId, scimId);
  const row = queryUser(snapshotId, id);
  if (!row) return null;
  return {
    ...toUserRow(row, getCompanyDomains()),
    emails: JSON.parse(row.emailsJson) as TSnapshotEmail[],
    raw: JSON.parse(row.rawJson) as Record<string, unknown>,
  };
}

/** The groups a user belongs to in a snapshot, by name (a user has few; not paginated). */
export function listGroupsOfUser(snapshotId: number, scimId: string): TSnapshotGroupRow[] {
  requireComplete(snapshotId);
  return queryGroupsOfUser(snapshotId, parse(ZId, scimId));
}

/** Groups of a complete snapshot; `q` matches the name (contains) or the exact id. */
export function listSnapshotGroups(snapshotId: number, query: TGroupListQuery): TPage<TSnapshotGroupRow> {
  requireComplete(snapshotId);
  const q = parse(ZGroupListQuery, query);
  const { rows, total } = queryGroupsPage(snapshotId, q.q, q.sort, q.dir, q.pageSize, offsetOf(q));
  return { rows, total, page: q.page, pageSize: q.pageSize };
}

/** One group with its raw SCIM resource (members excluded) and its orphan member count, or null. */
export function getSnapshotGroup(snapshotId: number, groupId: string): TSnapshotGroupDetail | null {
  requireComplete(snapshotId);
  const row = queryGroup(snapshotId, parse(ZId, groupId));
  if (!row) return null;
  return {
    scimId: row.scimId,
    displayName: row.displayName,
    memberCount: row.memberCount,
    orphanMembers: row.orphanMembers,
    raw: JSON.parse(row.rawJson) as Record<string, unknown>,
  };
}

/**
 * Members of one group, by email (orphans last, by id); `q` matches the user's email, userName or
 * name, an orphan's member display, or the exact id. An unknown group is `AppError('not_found')`.
 */
export function listGroupMembers(snapshotId: number, groupId: string, query: TGroupMemberQuery): TPage<TGroupMemberRow> {
  const snapshot = requireComplete(snapshotId);
  const id = parse(ZId, groupId);
  const q = parse(ZGroupMemberQuery, query);
  const group = queryGroup(snapshotId, id);
  if (!group) throw new AppError('not_found', `Group ${id} is not in snapshot #${snapshotId}.`);
  const { rows, total } = queryGroupMembersPage(snapshot, group, q.q, q.pageSize, offsetOf(q));
  return {
    rows: rows.map((r) => ({
      userId: r.userId,
      email: r.email,
      name: r.name,
      title: r.title,
      department: r.department,
      active: r.active === null ? null : r.active === 1,
      memberDisplay: r.memberDisplay,
      orphan: r.orphan === 1,
    })),
    total,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/**
 * Memberships of a complete snapshot, ordered by group name then member id, joined with the
 * group name and the user's email and name. `q` matches the user's email, userName or name, the
 * group's name, or the exact user id.
 */
export function listSnapshotMemberships(snapshotId: number, query: TMembershipListQuery): TPage<TSnapshotMembershipRow> {
  requireComplete(snapshotId);
  const q = parse(ZMembershipListQuery, query);
  const { rows, total } = queryMembershipsPage(snapshotId, { q: q.q, groupId: q.groupId, orphanOnly: q.orphanOnly }, q.pageSize, offsetOf(q));
  return {
    rows: rows.map((r) => ({
      groupId: r.groupId,
      groupName: r.groupName,
      userId: r.userId,
      userEmail: r.userEmail,
      userName: r.userName,
      memberDisplay: r.memberDisplay,
      orphan: r.orphan === 1,
    })),
    total,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** Distinct non-empty departments of a snapshot, sorted (for a filter select). */
export function listSnapshotDepartments(snapshotId: number): string[] {
  requireComplete(snapshotId);
  return queryDepartments(snapshotId);
}

/** Distinct departments, cost centers and divisions of a snapshot (the campaign wizard's scope choices). */
export function listSnapshotOrgUnits(snapshotId: number): Record<TOrgUnitField, string[]> {
  requireComplete(snapshotId);
  return {
    department: queryDistinctOrgUnits(snapshotId, 'department'),
    costCenter: queryDistinctOrgUnits(snapshotId, 'costCenter'),
    division: queryDistinctOrgUnits(snapshotId, 'division'),
  };
}
