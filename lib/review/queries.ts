import 'server-only';
import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import { getDb, type TExecutor } from '@/db/client';
import { prepared, readTransaction, sqlite, writeTransaction } from '@/db/statements';
import {
  campaignStages,
  campaigns,
  groupOwners,
  reviewerSignoffs,
  type TReviewItemStageResult,
  type TStageAdvanceRule,
  type TCampaign,
  type TCampaignStatus,
  type TDecision,
  type TItemKind,
  type TRecommendation,
  type TReviewerRule,
  type TSnapshotStatus,
} from '@/db/schema';
import type { TCampaignScope, TItemFilter, TItemSort } from './schemas';
import type { TItemEventType } from './types';
import { SIGNAL_BIT } from './signals';

/**
 * The only module of lib/review that touches the database. Simple rows go through drizzle; the
 * hot paths (launch, grid pages, bulk decisions) use raw prepared statements on the process
 * connection, cached per connection. Raw statements run on the same connection as drizzle, so
 * inside `writeTransaction` they join its transaction.
 *
 * Authorization lives in the SQL: every reviewer-facing read or write takes the reviewer's email
 * and puts it in the WHERE clause, so someone else's item is simply "not found".
 */

// ─── Statements and transactions ────────────────────────────────────────────────────────────

type TParams = Record<string, unknown>;

const nowIso = (): string => new Date().toISOString();
export { nowIso, readTransaction, writeTransaction };

// ─── Campaigns ──────────────────────────────────────────────────────────────────────────────

export type TCampaignInsert = typeof campaigns.$inferInsert;
export type TCampaignDraftValues = Omit<
  TCampaignInsert,
  'id' | 'status' | 'createdAt' | 'createdByEmail' | 'launchedAt' | 'launchedByEmail' | 'closedAt' | 'closedByEmail' | 'itemCount' | 'currentStage' | 'templateId'
>;

export function getCampaignRow(id: number, tx: TExecutor = getDb()): TCampaign | null {
  return tx.select().from(campaigns).where(eq(campaigns.id, id)).get() ?? null;
}

export function insertCampaignRow(tx: TExecutor, values: TCampaignInsert): TCampaign {
  return tx.insert(campaigns).values(values).returning().get();
}

/** Update a draft; false when it is no longer a draft (or gone). */
export function updateDraftRow(tx: TExecutor, id: number, values: TCampaignDraftValues): boolean {
  return (
    tx
      .update(campaigns)
      .set(values)
      .where(and(eq(campaigns.id, id), eq(campaigns.status, 'draft')))
      .run().changes > 0
  );
}

export function deleteDraftRow(tx: TExecutor, id: number): boolean {
  return (
    tx
      .delete(campaigns)
      .where(and(eq(campaigns.id, id), eq(campaigns.status, 'draft')))
      .run().changes > 0
  );
}

export function markCampaignLaunched(tx: TExecutor, id: number, values: { at: string; by: string; itemCount: number }): boolean {
  return (
    tx
      .update(campaigns)
      .set({ status: 'active', launchedAt: values.at, launchedByEmail: values.by, itemCount: values.itemCount })
      .where(and(eq(campaigns.id, id), eq(campaigns.status, 'draft')))
      .run().changes > 0
  );
}

export function setCampaignDueAt(tx: TExecutor, id: number, dueAt: string): boolean {
  return (
    tx
      .update(campaigns)
      .set({ dueAt })
      .where(and(eq(campaigns.id, id), sql`${campaigns.status} <> 'closed'`))
      .run().changes > 0
  );
}

export function markCampaignClosed(tx: TExecutor, id: number, values: { at: string; by: string }): boolean {
  return (
    tx
      .update(campaigns)
      .set({ status: 'closed', closedAt: values.at, closedByEmail: values.by })
      .where(and(eq(campaigns.id, id), eq(campaigns.status, 'active')))
      .run().changes > 0
  );
}

export function listCampaignRows(status: TCampaignStatus | undefined, limit: number, offset: number): { rows: TCampaign[]; total: number } {
  const db = getDb();
  const where = status ? eq(campaigns.status, status) : undefined;
  const rows = db.select().from(campaigns).where(where).orderBy(desc(campaigns.id)).limit(limit).offset(offset).all();
  const total = db.select({ n: count() }).from(campaigns).where(where).get()?.n ?? 0;
  return { rows, total };
}

export function countCampaignRows(): number {
  return getDb().select({ n: count() }).from(campaigns).get()?.n ?? 0;
}

/** Decided and revoked counts of some campaigns (the campaigns list). */
export function queryDecisionTotals(ids: readonly number[]): Map<number, { decided: number; revoked: number }> {
  const out = new Map<number, { decided: number; revoked: number }>();
  if (ids.length === 0) return out;
  const rows = prepared<{ campaignId: number; decided: number; revoked: number }>(
    `SELECT c.value AS campaignId,
            (SELECT count(*) FROM review_items r WHERE r.campaign_id = c.value AND r.decision IS NOT NULL) AS decided,
            (SELECT count(*) FROM review_items r WHERE r.campaign_id = c.value AND r.decision = 'revoke') AS revoked
       FROM json_each(?) c`,
  ).all(JSON.stringify(ids));
  for (const r of rows) out.set(r.campaignId, { decided: r.decided, revoked: r.revoked });
  return out;
}

/** Every snapshot a campaign points at (snapshot retention must keep them). */
export function listCampaignSnapshotIds(): number[] {
  return prepared<number>('SELECT DISTINCT snapshot_id FROM campaigns').pluck().all();
}

export type TPreviousCampaign = { id: number; name: string; snapshotId: number };

/** The most recently launched other campaign (for "new / changed since"), and the most recently closed one (for "previously revoked"). */
export function findPreviousCampaigns(excludeId: number): { launched: TPreviousCampaign | null; closed: TPreviousCampaign | null } {
  const launched =
    prepared<TPreviousCampaign>(
      // A previous snapshot whose rows are gone would make everyone look "new": skip such a campaign.
      `SELECT c.id, c.name, c.snapshot_id AS snapshotId FROM campaigns c
        WHERE c.id <> ? AND c.launched_at IS NOT NULL
          AND EXISTS (SELECT 1 FROM snapshot_users u WHERE u.snapshot_id = c.snapshot_id)
        ORDER BY c.launched_at DESC, c.id DESC LIMIT 1`,
    ).get(excludeId) ?? null;
  const closed =
    prepared<TPreviousCampaign>(
      `SELECT id, name, snapshot_id AS snapshotId FROM campaigns
        WHERE id <> ? AND status = 'closed' ORDER BY closed_at DESC, id DESC LIMIT 1`,
    ).get(excludeId) ?? null;
  return { launched, closed };
}

// ─── Snapshots (read-only here) ─────────────────────────────────────────────────────────────

export function getSnapshotStatus(snapshotId: number): TSnapshotStatus | null {
  return prepared<TSnapshotStatus>('SELECT status FROM snapshots WHERE id = ?').pluck().get(snapshotId) ?? null;
}

/** The ids of `groupIds` that are not groups of the snapshot. */
export function findUnknownGroupIds(snapshotId: number, groupIds: readonly string[]): string[] {
  if (groupIds.length === 0) return [];
  return prepared<string>(
    `SELECT g.value FROM json_each(?) g
      WHERE NOT EXISTS (SELECT 1 FROM snapshot_groups s WHERE s.snapshot_id = ? AND s.scim_id = g.value)`,
  )
    .pluck()
    .all(JSON.stringify(groupIds), snapshotId);
}

// Snapshots are never ANALYZEd, and without statistics SQLite may pick the membership primary key
// (snapshot_id, group_id, …) for a per-user lookup — a scan of every membership per user.
// INDEXED BY pins the per-user index wherever a query looks memberships up by user.

type TScopeSql = { where: string; params: TParams; groupFilter: boolean };

/** The users of a scope as a WHERE clause over `snapshot_users u`, plus whether memberships are limited to chosen groups. */
function scopeSql(snapshotId: number, scope: TCampaignScope): TScopeSql {
  const parts = ['u.snapshot_id = @snapshotId'];
  const params: TParams = { snapshotId };
  if (!scope.includeInactive) parts.push('u.active = 1');
  if (scope.kind === 'groups') {
    parts.push(
      `EXISTS (SELECT 1 FROM snapshot_memberships sm WHERE sm.snapshot_id = u.snapshot_id AND sm.user_id = u.scim_id
                 AND sm.group_id IN (SELECT value FROM json_each(@groupIds)))`,
    );
    params.groupIds = JSON.stringify(scope.groupIds);
  }
  if (scope.kind === 'attributes') {
    const lists = [
      ['department', 'departments', scope.departments],
      ['cost_center', 'costCenters', scope.costCenters],
      ['division', 'divisions', scope.divisions],
    ] as const;
    for (const [column, name, values] of lists) {
      if (values.length === 0) continue;
      parts.push(`u.${column} IN (SELECT value FROM json_each(@${name}))`);
      params[name] = JSON.stringify(values);
    }
  }
  if (scope.kind === 'users') {
    parts.push('u.scim_id IN (SELECT value FROM json_each(@userIds))');
    params.userIds = JSON.stringify(scope.userIds);
  }
  return { where: parts.join(' AND '), params, groupFilter: scope.kind === 'groups' };
}

/** How many users and memberships a scope selects (the wizard's "selects nothing" check). */
export function countScope(snapshotId: number, scope: TCampaignScope): { users: number; memberships: number } {
  const s = scopeSql(snapshotId, scope);
  const groupLimit = s.groupFilter ? 'AND m.group_id IN (SELECT value FROM json_each(@groupIds))' : '';
  const row = prepared<{ users: number; memberships: number | null }>(
    `SELECT count(*) AS users,
            sum((SELECT count(*) FROM snapshot_memberships m INDEXED BY snapshot_memberships_user_idx
                   JOIN snapshot_groups g ON g.snapshot_id = m.snapshot_id AND g.scim_id = m.group_id
                  WHERE m.snapshot_id = u.snapshot_id AND m.user_id = u.scim_id ${groupLimit})) AS memberships
       FROM snapshot_users u WHERE ${s.where}`,
  ).get(s.params);
  return { users: row?.users ?? 0, memberships: row?.memberships ?? 0 };
}

// ─── Group owners ───────────────────────────────────────────────────────────────────────────

export type TGroupOwnerRow = typeof groupOwners.$inferSelect;

export function listGroupOwnerRows(tx: TExecutor = getDb()): TGroupOwnerRow[] {
  return tx.select().from(groupOwners).orderBy(asc(groupOwners.groupName), asc(groupOwners.groupScimId), asc(groupOwners.ownerEmail)).all();
}

export function listOwnersOfGroup(tx: TExecutor, groupScimId: string): TGroupOwnerRow[] {
  return tx.select().from(groupOwners).where(eq(groupOwners.groupScimId, groupScimId)).orderBy(asc(groupOwners.ownerEmail)).all();
}

/** Replace the owners of one group. */
export function replaceGroupOwnerRows(
  tx: TExecutor,
  values: { groupScimId: string; groupName: string; emails: readonly string[]; by: string; at: string },
): void {
  tx.delete(groupOwners).where(eq(groupOwners.groupScimId, values.groupScimId)).run();
  if (values.emails.length === 0) return;
  tx.insert(groupOwners)
    .values(values.emails.map((ownerEmail) => ({ groupScimId: values.groupScimId, ownerEmail, groupName: values.groupName, updatedBy: values.by, updatedAt: values.at })))
    .run();
}

// ─── Launch: staging ────────────────────────────────────────────────────────────────────────

/*
 * A launch computes one row per user in JS (reviewer, signals, recommendation: the pure
 * functions) into a connection-private TEMP table, then generates every item with two
 * INSERT … SELECT statements that join it to the snapshot's memberships. 100k items never become
 * JS objects; only the users do, in batches.
 */

const STAGE_DDL = `
  CREATE TEMP TABLE IF NOT EXISTS review_stage_users (
    user_scim_id TEXT NOT NULL,
    email TEXT NOT NULL,
    user_name TEXT NOT NULL,
    display_name TEXT,
    department TEXT,
    title TEXT,
    active INTEGER NOT NULL,
    reviewer TEXT NOT NULL,
    reviewer_reason TEXT NOT NULL,
    user_signals INTEGER NOT NULL,
    account_signals INTEGER NOT NULL,
    account_rec TEXT NOT NULL,
    account_reason TEXT NOT NULL,
    member_rec TEXT NOT NULL,
    member_reason TEXT NOT NULL,
    member_prev_rec TEXT NOT NULL,
    member_prev_reason TEXT NOT NULL
  );
  CREATE TEMP TABLE IF NOT EXISTS review_stage_owners (group_id TEXT PRIMARY KEY NOT NULL, owner1 TEXT NOT NULL, owner2 TEXT);
  CREATE TEMP TABLE IF NOT EXISTS review_stage_managers (email TEXT PRIMARY KEY NOT NULL, active INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TEMP TABLE IF NOT EXISTS review_stage_revoked (user_id TEXT NOT NULL, group_id TEXT NOT NULL, PRIMARY KEY (user_id, group_id)) WITHOUT ROWID;
  CREATE TEMP TABLE IF NOT EXISTS review_target_ids (id INTEGER PRIMARY KEY);
  CREATE TEMP TABLE IF NOT EXISTS review_stage_moves (id INTEGER PRIMARY KEY, reviewer TEXT NOT NULL, reason TEXT NOT NULL);
`;

// Run every time (a no-op when they exist): a TEMP table created inside a transaction that
// rolls back is gone again, so "created once" cannot be remembered.
function ensureTempTables(): void {
  sqlite().exec(STAGE_DDL);
}

/** Empty the staging tables (start of a launch or preview, and after it). */
export function clearStage(): void {
  ensureTempTables();
  sqlite().exec('DELETE FROM temp.review_stage_users; DELETE FROM temp.review_stage_owners; DELETE FROM temp.review_stage_revoked; DELETE FROM temp.review_stage_managers;');
}

/**
 * Stage every manager email of the snapshot's users with whether that manager is active (a user
 * with that email exists and is active): a few thousand distinct managers, looked up once each
 * instead of once per report.
 */
export function stageManagers(snapshotId: number): number {
  return prepared(
    `INSERT INTO temp.review_stage_managers (email, active)
     SELECT mgr.email, max(mgr.active) FROM snapshot_users mgr
      WHERE mgr.snapshot_id = @snapshotId
        AND mgr.email IN (SELECT DISTINCT lower(trim(manager_email)) FROM snapshot_users
                           WHERE snapshot_id = @snapshotId AND manager_email IS NOT NULL)
      GROUP BY mgr.email`,
  ).run({ snapshotId }).changes;
}

/**
 * Stage the revoke decisions of the previous closed campaign (few rows, read through the
 * decision index): "previously revoked" becomes a primary-key probe per user and membership
 * instead of a walk over every item of the user in that campaign. Accounts have group_id ''.
 */
export function stagePreviousRevocations(prevClosedCampaignId: number): number {
  return prepared(
    `INSERT OR IGNORE INTO temp.review_stage_revoked (user_id, group_id)
     SELECT user_scim_id, coalesce(group_scim_id, '') FROM review_items WHERE campaign_id = ? AND decision = 'revoke'`,
  ).run(prevClosedCampaignId).changes;
}

/** One user of the scope with what the launch needs to compute its items. */
export type TScopeUserRaw = {
  scimId: string;
  userName: string;
  email: string;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  title: string | null;
  active: 0 | 1;
  department: string | null;
  costCenter: string | null;
  division: string | null;
  managerEmail: string | null;
  /** 1 / 0 for an active / deactivated manager; null when no user has the manager's email. */
  managerActive: 0 | 1 | null;
  groupCount: number;
  prevScimId: string | null;
  prevTitle: string | null;
  prevDepartment: string | null;
  prevCostCenter: string | null;
  prevDivision: string | null;
  prevManagerEmail: string | null;
  prevRevokedAccount: 0 | 1;
};

export type TScopeCursor = {
  snapshotId: number;
  scope: TCampaignScope;
  prevSnapshotId: number | null;
  prevClosedCampaignId: number | null;
};

/** The next `limit` users of the scope after `afterScimId` (keyset on the primary key: bounded memory). Needs `stageManagers` first. */
export function listScopeUsersBatch(cursor: TScopeCursor, afterScimId: string, limit: number): TScopeUserRaw[] {
  const s = scopeSql(cursor.snapshotId, cursor.scope);
  const prevJoin = cursor.prevSnapshotId === null ? '' : 'LEFT JOIN snapshot_users p ON p.snapshot_id = @prevSnapshotId AND p.scim_id = u.scim_id';
  const prevCols =
    cursor.prevSnapshotId === null
      ? 'NULL AS prevScimId, NULL AS prevTitle, NULL AS prevDepartment, NULL AS prevCostCenter, NULL AS prevDivision, NULL AS prevManagerEmail'
      : `p.scim_id AS prevScimId, p.title AS prevTitle, p.department AS prevDepartment, p.cost_center AS prevCostCenter,
         p.division AS prevDivision, p.manager_email AS prevManagerEmail`;
  const prevRevoked =
    cursor.prevClosedCampaignId === null
      ? '0'
      : `EXISTS (SELECT 1 FROM temp.review_stage_revoked r WHERE r.user_id = u.scim_id AND r.group_id = '')`;
  return prepared<TScopeUserRaw>(
    `SELECT u.scim_id AS scimId, u.user_name AS userName, lower(u.email) AS email, u.display_name AS displayName,
            u.given_name AS givenName, u.family_name AS familyName, u.title, u.active, u.department,
            u.cost_center AS costCenter, u.division, u.manager_email AS managerEmail,
            mg.active AS managerActive,
            (SELECT count(*) FROM snapshot_memberships m INDEXED BY snapshot_memberships_user_idx
              WHERE m.snapshot_id = u.snapshot_id AND m.user_id = u.scim_id) AS groupCount,
            ${prevCols},
            ${prevRevoked} AS prevRevokedAccount
       FROM snapshot_users u
       LEFT JOIN temp.review_stage_managers mg ON mg.email = lower(trim(u.manager_email))
       ${prevJoin}
      WHERE ${s.where} AND u.scim_id > @after
      ORDER BY u.scim_id LIMIT @limit`,
  ).all({ ...s.params, prevSnapshotId: cursor.prevSnapshotId, after: afterScimId, limit });
}

/** A staged user, in `review_stage_users` column order. */
export type TStageRow = [
  userScimId: string,
  email: string,
  userName: string,
  displayName: string | null,
  department: string | null,
  title: string | null,
  active: 0 | 1,
  reviewer: string,
  reviewerReason: string,
  userSignals: number,
  accountSignals: number,
  accountRec: TRecommendation,
  accountReason: string,
  memberRec: TRecommendation,
  memberReason: string,
  memberPrevRec: TRecommendation,
  memberPrevReason: string,
];

export function insertStageRows(rows: readonly TStageRow[]): void {
  const insert = prepared(`INSERT INTO temp.review_stage_users VALUES (${Array.from({ length: 17 }, () => '?').join(', ')})`);
  for (const row of rows) insert.run(...row);
}

/** The group-owner choices: first and second owner (by email) of each group that has owners. */
export function insertStageOwners(rows: ReadonlyArray<readonly [groupId: string, owner1: string, owner2: string | null]>): void {
  const insert = prepared('INSERT INTO temp.review_stage_owners (group_id, owner1, owner2) VALUES (?, ?, ?)');
  for (const row of rows) insert.run(...row);
}

export type TStagedContext = {
  campaignId: number;
  snapshotId: number;
  rule: TReviewerRule;
  fallbackReviewerEmail: string;
  /** Membership items only for these groups (scope kind "groups"); null = every group. */
  groupIds: readonly string[] | null;
  prevClosedCampaignId: number | null;
};

/** Items of the staged users as rows of (…, reviewer, reason, signals, rec, rec_reason): one SELECT for preview and launch. */
function stagedSelect(kind: TItemKind, ctx: TStagedContext): { text: string; params: TParams } {
  if (kind === 'account') {
    return {
      text: `SELECT s.user_scim_id, NULL AS group_scim_id, s.email AS user_email, s.user_name, s.display_name, s.department, s.title,
                    s.active, NULL AS group_name, s.reviewer, s.reviewer_reason AS reason, s.account_signals AS signals,
                    s.account_rec AS rec, s.account_reason AS rec_reason
               FROM temp.review_stage_users s`,
      params: {},
    };
  }
  // Mirrors resolveReviewer() for the group-owner rule: the first owner (by email) who is not
  // the member, else the fallback ('fallback_self_review' when the only owner is the member).
  const byOwner = ctx.rule === 'group_owner';
  const reviewer = byOwner
    ? `CASE WHEN o.owner1 IS NULL THEN @fallback WHEN o.owner1 <> s.email THEN o.owner1 WHEN o.owner2 IS NOT NULL THEN o.owner2 ELSE @fallback END`
    : 's.reviewer';
  const reason = byOwner
    ? `CASE WHEN o.owner1 IS NULL THEN 'fallback_no_reviewer' WHEN o.owner1 <> s.email OR o.owner2 IS NOT NULL THEN 'group_owner' ELSE 'fallback_self_review' END`
    : 's.reviewer_reason';
  const withPrev = ctx.prevClosedCampaignId !== null;
  const prevJoin = withPrev
    ? 'LEFT JOIN temp.review_stage_revoked pr ON pr.user_id = m.user_id AND pr.group_id = m.group_id'
    : '';
  const revoked = withPrev ? 'pr.user_id IS NOT NULL' : '0';
  const params: TParams = { snapshotId: ctx.snapshotId, prevBit: SIGNAL_BIT.previously_revoked };
  if (byOwner) params.fallback = ctx.fallbackReviewerEmail;
  if (ctx.groupIds) params.groupIds = JSON.stringify(ctx.groupIds);
  return {
    text: `SELECT s.user_scim_id, m.group_id AS group_scim_id, s.email AS user_email, s.user_name, s.display_name, s.department, s.title,
                  s.active, g.display_name AS group_name, ${reviewer} AS reviewer, ${reason} AS reason,
                  s.user_signals | (CASE WHEN ${revoked} THEN @prevBit ELSE 0 END) AS signals,
                  CASE WHEN ${revoked} THEN s.member_prev_rec ELSE s.member_rec END AS rec,
                  CASE WHEN ${revoked} THEN s.member_prev_reason ELSE s.member_reason END AS rec_reason
             FROM temp.review_stage_users s
             -- CROSS JOIN fixes the order (SQLite never reorders it): staged users outside, their memberships by index inside.
             CROSS JOIN snapshot_memberships m INDEXED BY snapshot_memberships_user_idx ON m.snapshot_id = @snapshotId AND m.user_id = s.user_scim_id
             JOIN snapshot_groups g ON g.snapshot_id = @snapshotId AND g.scim_id = m.group_id
             ${byOwner ? 'LEFT JOIN temp.review_stage_owners o ON o.group_id = m.group_id' : ''}
             ${prevJoin}
            ${ctx.groupIds ? 'WHERE m.group_id IN (SELECT value FROM json_each(@groupIds))' : ''}`,
    params,
  };
}

/** Insert the staged items of one kind into `review_items`; returns how many. */
export function insertStagedItems(kind: TItemKind, ctx: TStagedContext): number {
  const select = stagedSelect(kind, ctx);
  return prepared(
    `INSERT INTO review_items (campaign_id, kind, user_scim_id, group_scim_id, user_email, user_name, user_display_name, department,
                               title, user_active, group_name, reviewer_email, original_reviewer_email, reviewer_reason, signals,
                               recommendation, recommendation_reason)
     SELECT @campaignId, '${kind}', x.user_scim_id, x.group_scim_id, x.user_email, x.user_name, x.display_name, x.department,
            x.title, x.active, x.group_name, x.reviewer, x.reviewer, x.reason, x.signals, x.rec, x.rec_reason
       FROM (${select.text}) x`,
  ).run({ ...select.params, campaignId: ctx.campaignId }).changes;
}

export type TStagedAggregate = { reviewer: string; reason: string; rec: TRecommendation; self: number; n: number };

/** The staged items of one kind grouped by reviewer, reason and recommendation (the preview), without writing them. */
export function aggregateStagedItems(kind: TItemKind, ctx: TStagedContext): TStagedAggregate[] {
  const select = stagedSelect(kind, ctx);
  return prepared<TStagedAggregate>(
    `SELECT x.reviewer, x.reason, x.rec, sum(x.reviewer = x.user_email) AS self, count(*) AS n
       FROM (${select.text}) x GROUP BY x.reviewer, x.reason, x.rec`,
  ).all(select.params);
}

/** Items of a campaign whose reviewer is their own user (only ever through a fallback that is that user). */
export function countSelfReviewItems(campaignId: number, fallbackReviewerEmail: string): number {
  return (
    prepared<number>('SELECT count(*) FROM review_items WHERE campaign_id = ? AND reviewer_email = ? AND user_email = reviewer_email')
      .pluck()
      .get(campaignId, fallbackReviewerEmail) ?? 0
  );
}

// ─── Items ──────────────────────────────────────────────────────────────────────────────────

export type TItemRaw = {
  id: number;
  campaignId: number;
  kind: TItemKind;
  userScimId: string;
  groupScimId: string | null;
  userEmail: string;
  userName: string;
  userDisplayName: string | null;
  department: string | null;
  title: string | null;
  userActive: 0 | 1;
  groupName: string | null;
  reviewerEmail: string;
  originalReviewerEmail: string;
  reviewerReason: string;
  signals: number;
  recommendation: TRecommendation;
  recommendationReason: string;
  decision: TDecision | null;
  decisionComment: string | null;
  decidedAt: string | null;
  decidedByEmail: string | null;
  decidedByRule: 0 | 1;
  version: number;
  stage: number;
  notSureByEmail: string | null;
  notSureComment: string | null;
  notSureAt: string | null;
  awaitingNextStage: 0 | 1;
  carriedOverFromCampaignId: number | null;
  excludedReason: string | null;
  excludedByEmail: string | null;
  excludedAt: string | null;
};

const ITEM_COLUMNS = `id, campaign_id AS campaignId, kind, user_scim_id AS userScimId, group_scim_id AS groupScimId,
  user_email AS userEmail, user_name AS userName, user_display_name AS userDisplayName, department, title,
  user_active AS userActive, group_name AS groupName, reviewer_email AS reviewerEmail,
  original_reviewer_email AS originalReviewerEmail, reviewer_reason AS reviewerReason, signals, recommendation,
  recommendation_reason AS recommendationReason, decision, decision_comment AS decisionComment, decided_at AS decidedAt,
  decided_by_email AS decidedByEmail, decided_by_rule AS decidedByRule, version, stage, not_sure_by_email AS notSureByEmail,
  not_sure_comment AS notSureComment, not_sure_at AS notSureAt, awaiting_next_stage AS awaitingNextStage,
  carried_over_from_campaign_id AS carriedOverFromCampaignId, excluded_reason AS excludedReason,
  excluded_by_email AS excludedByEmail, excluded_at AS excludedAt`;

/** One item of a campaign; with `reviewerEmail`, only when it is assigned to that reviewer. */
export function getItemRaw(campaignId: number, itemId: number, reviewerEmail: string | null): TItemRaw | null {
  if (reviewerEmail === null) {
    return prepared<TItemRaw>(`SELECT ${ITEM_COLUMNS} FROM review_items WHERE id = ? AND campaign_id = ?`).get(itemId, campaignId) ?? null;
  }
  return (
    prepared<TItemRaw>(`SELECT ${ITEM_COLUMNS} FROM review_items WHERE id = ? AND campaign_id = ? AND reviewer_email = ?`).get(
      itemId,
      campaignId,
      reviewerEmail,
    ) ?? null
  );
}

// ─── Working queues ─────────────────────────────────────────────────────────────────────────

/**
 * What narrows a reviewer's working queue in this campaign beyond "assigned to them": while a
 * later stage runs, only that stage's items (earlier stages' results are history); excluded
 * items never. Both are skipped when they cannot apply, so a one-stage campaign without
 * exclusions keeps its index-only plans (docs/decisions/012-campaign-stages.md).
 */
export type TQueueContext = {
  /** Only items at this stage (an active campaign past its first stage); null: no stage filter. */
  stage: number | null;
  /** The campaign has excluded items: filter them out. */
  excludes: boolean;
  /** The campaign has later stages: "undecided" leaves out items passed on to the next stage. */
  multiStage: boolean;
};

export function queueContext(campaignId: number): TQueueContext {
  const row = prepared<{ status: TCampaignStatus; currentStage: number; multiStage: 0 | 1; excludes: 0 | 1 }>(
    `SELECT status, current_stage AS currentStage, later_stages_json <> '[]' AS multiStage,
            EXISTS (SELECT 1 FROM review_items INDEXED BY review_items_excluded_idx
                     WHERE campaign_id = c.id AND excluded_reason IS NOT NULL) AS excludes
       FROM campaigns c WHERE id = ?`,
  ).get(campaignId);
  if (!row) return { stage: null, excludes: false, multiStage: false };
  return { stage: row.status === 'active' && row.currentStage > 1 ? row.currentStage : null, excludes: row.excludes === 1, multiStage: row.multiStage === 1 };
}

/** The queue's predicates (integers only are inlined: the stage number). */
function queuePredicates(ctx: TQueueContext, alias = ''): string[] {
  const parts: string[] = [];
  if (ctx.stage !== null) parts.push(`${alias}stage = ${Math.trunc(ctx.stage)}`);
  if (ctx.excludes) parts.push(`${alias}excluded_reason IS NULL`);
  return parts;
}

/** "Still to decide" for a reviewer: no decision, and not passed on as not sure to the next stage. */
function openPredicate(ctx: TQueueContext, alias = ''): string {
  return ctx.multiStage ? `${alias}decision IS NULL AND ${alias}awaiting_next_stage = 0` : `${alias}decision IS NULL`;
}

function queueWhere(campaignId: number, reviewerEmail: string): { where: string; params: TParams; ctx: TQueueContext } {
  const ctx = queueContext(campaignId);
  return { where: ['campaign_id = @campaignId', 'reviewer_email = @reviewerEmail', ...queuePredicates(ctx)].join(' AND '), params: { campaignId, reviewerEmail }, ctx };
}

/** How many items the reviewer has in the campaign's working queue (see `TQueueContext`). */
export function countReviewerItems(campaignId: number, reviewerEmail: string): number {
  const { where, params } = queueWhere(campaignId, reviewerEmail);
  return prepared<number>(`SELECT count(*) FROM review_items WHERE ${where}`).pluck().get(params) ?? 0;
}

/** How many of them are still to decide. */
export function countUndecidedReviewerItems(campaignId: number, reviewerEmail: string): number {
  const { where, params, ctx } = queueWhere(campaignId, reviewerEmail);
  return prepared<number>(`SELECT count(*) FROM review_items WHERE ${where} AND ${openPredicate(ctx)}`).pluck().get(params) ?? 0;
}

/** Deciding an item the same stage passed on as "not sure" withdraws that pass (the reviewer made up their mind). */
const WITHDRAW_NOT_SURE = `not_sure_by_email = CASE WHEN awaiting_next_stage = 1 THEN NULL ELSE not_sure_by_email END,
  not_sure_comment = CASE WHEN awaiting_next_stage = 1 THEN NULL ELSE not_sure_comment END,
  not_sure_at = CASE WHEN awaiting_next_stage = 1 THEN NULL ELSE not_sure_at END, awaiting_next_stage = 0`;

/** Set (or clear, with decision null) an item's decision if its version is still `expectedVersion`. */
export function updateItemDecision(values: {
  id: number;
  expectedVersion: number;
  decision: TDecision | null;
  comment: string | null;
  at: string | null;
  by: string | null;
}): boolean {
  return (
    prepared(
      `UPDATE review_items SET decision = @decision, decision_comment = @comment, decided_at = @at, decided_by_email = @by,
              decided_by_rule = 0, version = version + 1, ${WITHDRAW_NOT_SURE}
        WHERE id = @id AND version = @expectedVersion`,
    ).run(values).changes > 0
  );
}

export type TEventInsert = {
  itemId: number;
  campaignId: number;
  type: TItemEventType;
  decisionBefore: TDecision | null;
  decisionAfter: TDecision | null;
  reviewerBefore: string | null;
  reviewerAfter: string | null;
  comment: string | null;
  actorEmail: string;
  at: string;
};

export function insertItemEvent(event: TEventInsert): number {
  return Number(
    prepared(
      `INSERT INTO review_item_events (item_id, campaign_id, type, decision_before, decision_after, reviewer_before, reviewer_after, comment, actor_email, at)
       VALUES (@itemId, @campaignId, @type, @decisionBefore, @decisionAfter, @reviewerBefore, @reviewerAfter, @comment, @actorEmail, @at)`,
    ).run(event).lastInsertRowid,
  );
}

export type TEventRaw = {
  id: number;
  type: TItemEventType;
  decisionBefore: TDecision | null;
  decisionAfter: TDecision | null;
  reviewerBefore: string | null;
  reviewerAfter: string | null;
  comment: string | null;
  actorEmail: string;
  at: string;
};

export function listItemEvents(itemId: number): TEventRaw[] {
  return prepared<TEventRaw>(
    `SELECT id, type, decision_before AS decisionBefore, decision_after AS decisionAfter, reviewer_before AS reviewerBefore,
            reviewer_after AS reviewerAfter, comment, actor_email AS actorEmail, at
       FROM review_item_events WHERE item_id = ? ORDER BY id`,
  ).all(itemId);
}

export function countItemEvents(campaignId: number): number {
  return prepared<number>('SELECT count(*) FROM review_item_events WHERE campaign_id = ?').pluck().get(campaignId) ?? 0;
}

// ─── Filters, pages ─────────────────────────────────────────────────────────────────────────

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The WHERE clause of a filter over `review_items`. `reviewerEmail` (a reviewer's own view, or a
 * bulk decision) always wins over the filter's `reviewer` (an admin's narrowing).
 */
function itemWhere(campaignId: number, filter: TItemFilter, reviewerEmail: string | null): { where: string; params: TParams } {
  const parts = ['campaign_id = @campaignId'];
  const params: TParams = { campaignId };
  const ctx = queueContext(campaignId);
  const reviewer = reviewerEmail ?? filter.reviewer ?? null;
  if (reviewer !== null) {
    parts.push('reviewer_email = @reviewerEmail');
    params.reviewerEmail = reviewer;
  }
  // A reviewer's own view is their working queue; an admin sees every item, excluded ones under their own filter.
  if (reviewerEmail !== null) parts.push(...queuePredicates(ctx));
  else if (ctx.excludes && filter.decision !== 'excluded') parts.push('excluded_reason IS NULL');
  if (filter.decision === 'undecided') parts.push(openPredicate(ctx));
  else if (filter.decision === 'not_sure') parts.push('not_sure_at IS NOT NULL');
  else if (filter.decision === 'excluded') parts.push('excluded_reason IS NOT NULL');
  else if (filter.decision) {
    parts.push('decision = @decision');
    params.decision = filter.decision;
  }
  if (filter.kind) {
    parts.push('kind = @kind');
    params.kind = filter.kind;
  }
  if (filter.signal) {
    parts.push('(signals & @signalBit) <> 0');
    params.signalBit = SIGNAL_BIT[filter.signal];
  }
  if (filter.recommendation) {
    parts.push('recommendation = @recommendation');
    params.recommendation = filter.recommendation;
  }
  if (filter.department) {
    parts.push('department = @department');
    params.department = filter.department;
  }
  if (filter.groupScimId) {
    parts.push('group_scim_id = @groupScimId');
    params.groupScimId = filter.groupScimId;
  }
  if (filter.q) {
    parts.push(
      `(user_display_name LIKE @q ESCAPE '\\' OR user_email LIKE @q ESCAPE '\\' OR group_name LIKE @q ESCAPE '\\' OR title LIKE @q ESCAPE '\\')`,
    );
    params.q = `%${escapeLike(filter.q)}%`;
  }
  return { where: parts.join(' AND '), params };
}

const SORT_TERMS: Record<TItemSort, readonly string[]> = {
  user: ['user_display_name'],
  email: ['user_email'],
  department: ['department'],
  title: ['title'],
  access: ['kind', 'group_name'],
  // Risk first when ascending: revoke, review, certify.
  recommendation: [`CASE recommendation WHEN 'revoke' THEN 0 WHEN 'review' THEN 1 ELSE 2 END`],
  decision: ['decision'],
  signals: ['signals'],
};

/** A sort key value of the last row of a page: where the next page starts. */
export type TSortKeyValue = string | number | null;
export type TPagePosition = { offset: number } | { after: readonly TSortKeyValue[] };

/** The number of sort key values a cursor for `sort` carries (its terms, then `id`). */
export function sortKeyLength(sort: TItemSort): number {
  return SORT_TERMS[sort].length + 1;
}

/**
 * "Rows after this key" in the page's order, NULL-aware (SQLite sorts NULLs first ascending,
 * last descending). The common single-term case with a value is a row-value comparison, which
 * SQLite turns into an index range: a page deep in a 50k queue costs what the first page costs.
 */
function afterKey(terms: readonly string[], descending: boolean, values: readonly TSortKeyValue[], params: TParams): string {
  const key = (i: number): string => {
    params[`k${i}`] = values[i];
    return `@k${i}`;
  };
  const [first] = terms;
  if (terms.length === 1 && first !== undefined && values[0] !== null) {
    const row = `(${first}, id) ${descending ? '<' : '>'} (${key(0)}, @k1)`;
    params.k1 = values[1];
    return descending ? `(${row} OR ${first} IS NULL)` : row;
  }
  const beyond = (term: string, i: number): string => {
    if (values[i] === null) return descending ? '0' : `${term} IS NOT NULL`;
    return descending ? `(${term} < ${key(i)} OR ${term} IS NULL)` : `${term} > ${key(i)}`;
  };
  const same = (term: string, i: number): string => (values[i] === null ? `${term} IS NULL` : `${term} = ${key(i)}`);
  const idIndex = terms.length;
  let clause = `id ${descending ? '<' : '>'} ${key(idIndex)}`;
  for (let i = terms.length - 1; i >= 0; i--) {
    const term = terms[i] as string;
    clause = `(${beyond(term, i)} OR (${same(term, i)} AND ${clause}))`;
  }
  return clause;
}

export type TItemPage = {
  rows: TItemRaw[];
  /** Rows matching the filter; only counted for an offset page (a cursor page continues a counted list). */
  total: number | null;
  /** The sort key of the last row when more rows may follow. */
  lastKey: TSortKeyValue[] | null;
};

/**
 * One page of items, sorted with `id` as the tie-breaker so pages never overlap. An offset page
 * (the first one, or a jump) also counts the matches; a cursor page ("after this key") does not,
 * and reads only its own rows over the index.
 */
export function queryItemPage(
  campaignId: number,
  filter: TItemFilter,
  reviewerEmail: string | null,
  order: { sort: TItemSort; dir: 'asc' | 'desc' },
  limit: number,
  position: TPagePosition,
): TItemPage {
  const { where, params } = itemWhere(campaignId, filter, reviewerEmail);
  const descending = order.dir === 'desc';
  const terms = SORT_TERMS[order.sort];
  const orderBy = [...terms, 'id'].map((term) => `${term} ${descending ? 'DESC' : 'ASC'}`).join(', ');
  const keyColumns = [...terms, 'id'].map((term, i) => `${term} AS k${i}`).join(', ');
  type TRowWithKey = TItemRaw & Record<`k${number}`, TSortKeyValue>;
  const toPage = (keyed: TRowWithKey[], total: number | null): TItemPage => {
    const last = keyed.length === limit ? keyed[keyed.length - 1] : undefined;
    const lastKey = last ? [...terms, 'id'].map((_, i) => last[`k${i}`] ?? null) : null;
    const rows = keyed.map((row) => {
      const item = { ...row } as Partial<TRowWithKey>;
      for (let i = 0; i <= terms.length; i++) delete item[`k${i}`];
      return item as TItemRaw;
    });
    return { rows, total, lastKey };
  };

  if ('after' in position) {
    const after = afterKey(terms, descending, position.after, params);
    const keyed = prepared<TRowWithKey>(
      `SELECT ${ITEM_COLUMNS}, ${keyColumns} FROM review_items WHERE ${where} AND ${after} ORDER BY ${orderBy} LIMIT @limit`,
    ).all({ ...params, limit });
    return toPage(keyed, null);
  }
  return readTransaction(() => {
    const total = prepared<number>(`SELECT count(*) FROM review_items WHERE ${where}`).pluck().get(params) ?? 0;
    const keyed =
      total === 0 || position.offset >= total
        ? []
        : // Late row lookup: skip to the page over the index (ids only), then read just its rows.
          prepared<TRowWithKey>(
            `SELECT ${ITEM_COLUMNS}, ${keyColumns}
               FROM (SELECT id AS pick FROM review_items WHERE ${where} ORDER BY ${orderBy} LIMIT @limit OFFSET @offset) page
              CROSS JOIN review_items ON review_items.id = page.pick
              ORDER BY ${orderBy}`,
          ).all({ ...params, limit, offset: position.offset });
    return toPage(keyed, total);
  });
}

/** The departments of a campaign's items (optionally only a reviewer's), for the filter select. */
export function queryCampaignDepartments(campaignId: number, reviewerEmail: string | null): string[] {
  if (reviewerEmail === null) {
    return prepared<string>('SELECT DISTINCT department FROM review_items WHERE campaign_id = ? AND department IS NOT NULL ORDER BY department')
      .pluck()
      .all(campaignId);
  }
  return prepared<string>(
    'SELECT DISTINCT department FROM review_items WHERE campaign_id = ? AND reviewer_email = ? AND department IS NOT NULL ORDER BY department',
  )
    .pluck()
    .all(campaignId, reviewerEmail);
}

export type TCampaignGroupRow = { groupScimId: string; groupName: string; items: number };

/** The groups of a campaign's membership items still under review, by name, with how many items each. */
export function queryCampaignGroups(campaignId: number): TCampaignGroupRow[] {
  return prepared<TCampaignGroupRow>(
    `SELECT group_scim_id AS groupScimId, coalesce(max(group_name), group_scim_id) AS groupName, count(*) AS items
       FROM review_items WHERE campaign_id = ? AND kind = 'membership' AND excluded_reason IS NULL
      GROUP BY group_scim_id ORDER BY groupName`,
  ).all(campaignId);
}

// ─── Bulk targets (decisions, reassignment) ─────────────────────────────────────────────────

/** Put the items matching a filter into the target set (replacing it); returns how many. */
export function stageTargetsByFilter(campaignId: number, filter: TItemFilter, reviewerEmail: string): number {
  ensureTempTables();
  sqlite().exec('DELETE FROM temp.review_target_ids');
  const { where, params } = itemWhere(campaignId, filter, reviewerEmail);
  return prepared(`INSERT INTO temp.review_target_ids (id) SELECT id FROM review_items WHERE ${where}`).run(params).changes;
}

/** Put the given items of the campaign (of `reviewerEmail` only, when given) into the target set; returns how many exist. */
export function stageTargetsByIds(campaignId: number, itemIds: readonly number[], reviewerEmail: string | null): number {
  ensureTempTables();
  sqlite().exec('DELETE FROM temp.review_target_ids');
  const mine = reviewerEmail === null ? '' : ['', 'reviewer_email = @reviewerEmail', ...queuePredicates(queueContext(campaignId))].join(' AND ');
  return prepared(
    `INSERT OR IGNORE INTO temp.review_target_ids (id)
     SELECT id FROM review_items WHERE id IN (SELECT value FROM json_each(@ids)) AND campaign_id = @campaignId ${mine}`,
  ).run({ ids: JSON.stringify(itemIds), campaignId, reviewerEmail }).changes;
}

/** Put every item of a reviewer's working queue into the target set; returns how many. */
export function stageTargetsByReviewer(campaignId: number, reviewerEmail: string): number {
  ensureTempTables();
  sqlite().exec('DELETE FROM temp.review_target_ids');
  const { where, params } = queueWhere(campaignId, reviewerEmail);
  return prepared(`INSERT INTO temp.review_target_ids (id) SELECT id FROM review_items WHERE ${where}`).run(params).changes;
}

/** Put every membership item of a group (not yet excluded) into the target set; returns how many. */
export function stageTargetsByGroup(campaignId: number, groupScimId: string): number {
  ensureTempTables();
  sqlite().exec('DELETE FROM temp.review_target_ids');
  return prepared(
    `INSERT INTO temp.review_target_ids (id) SELECT id FROM review_items
      WHERE campaign_id = ? AND kind = 'membership' AND group_scim_id = ? AND excluded_reason IS NULL`,
  ).run(campaignId, groupScimId).changes;
}

/** Targets no longer under review: excluded, or left in a stage that ended. */
export function countTargetsOutsideStage(stage: number): number {
  return (
    prepared<number>(
      'SELECT count(*) FROM temp.review_target_ids t JOIN review_items r ON r.id = t.id WHERE r.excluded_reason IS NOT NULL OR r.stage <> ?',
    )
      .pluck()
      .get(stage) ?? 0
  );
}

/** Remove targets that are already excluded; returns how many. */
export function dropExcludedTargets(): number {
  return prepared(
    'DELETE FROM temp.review_target_ids WHERE id IN (SELECT r.id FROM temp.review_target_ids t JOIN review_items r ON r.id = t.id WHERE r.excluded_reason IS NOT NULL)',
  ).run().changes;
}

/** Keep only targets with an actionable recommendation (certify or revoke; "review" needs a person). */
export function dropTargetsWithoutActionableRecommendation(): number {
  return prepared(
    `DELETE FROM temp.review_target_ids WHERE id IN (SELECT r.id FROM temp.review_target_ids t JOIN review_items r ON r.id = t.id
      WHERE r.recommendation NOT IN ('certify', 'revoke'))`,
  ).run().changes;
}

export type TRecommendationGroup = { recommendation: TRecommendation; reason: string; items: number };

/** The targets grouped by recommendation and its reason, largest first (what "accept recommendations" shows first). */
export function summarizeTargetRecommendations(): TRecommendationGroup[] {
  return prepared<TRecommendationGroup>(
    `SELECT r.recommendation, r.recommendation_reason AS reason, count(*) AS items
       FROM temp.review_target_ids t JOIN review_items r ON r.id = t.id
      GROUP BY r.recommendation, r.recommendation_reason ORDER BY items DESC, r.recommendation, reason`,
  ).all();
}

export type TTargetSummary = { n: number; undecided: number; certify: number; revoke: number; flagged: number };

export function summarizeTargets(): TTargetSummary {
  const row = prepared<TTargetSummary>(
    `SELECT count(*) AS n, coalesce(sum(r.decision IS NULL), 0) AS undecided, coalesce(sum(r.decision = 'certify'), 0) AS certify,
            coalesce(sum(r.decision = 'revoke'), 0) AS revoke, coalesce(sum(r.recommendation <> 'certify'), 0) AS flagged
       FROM temp.review_target_ids t JOIN review_items r ON r.id = t.id`,
  ).get();
  return row ?? { n: 0, undecided: 0, certify: 0, revoke: 0, flagged: 0 };
}

/** Remove targets whose user is `email` (nobody reviews their own access); returns how many. */
export function dropTargetsOfUser(email: string): number {
  return prepared('DELETE FROM temp.review_target_ids WHERE id IN (SELECT r.id FROM temp.review_target_ids t JOIN review_items r ON r.id = t.id WHERE r.user_email = ?)').run(
    email,
  ).changes;
}

/** Remove targets already assigned to `email`; returns how many. */
export function dropTargetsOfReviewer(email: string): number {
  return prepared(
    'DELETE FROM temp.review_target_ids WHERE id IN (SELECT r.id FROM temp.review_target_ids t JOIN review_items r ON r.id = t.id WHERE r.reviewer_email = ?)',
  ).run(email).changes;
}

/** Reviewers of the targets, with how many targets each, and their sign-off time if they signed off. */
export function targetReviewers(): Array<{ reviewerEmail: string; items: number; signedAt: string | null }> {
  return prepared<{ reviewerEmail: string; items: number; signedAt: string | null }>(
    `SELECT r.reviewer_email AS reviewerEmail, count(*) AS items, s.signed_at AS signedAt
       FROM temp.review_target_ids t JOIN review_items r ON r.id = t.id
       LEFT JOIN reviewer_signoffs s ON s.campaign_id = r.campaign_id AND s.reviewer_email = r.reviewer_email
             AND s.stage = (SELECT current_stage FROM campaigns c WHERE c.id = r.campaign_id)
      GROUP BY r.reviewer_email ORDER BY items DESC, r.reviewer_email`,
  ).all();
}

/** The target ids (for an audit entry; callers cap how many they record). */
export function listTargetIds(limit: number): number[] {
  return prepared<number>('SELECT id FROM temp.review_target_ids ORDER BY id LIMIT ?').pluck().all(limit);
}

export type TEventRange = { count: number; firstEventId: number | null; lastEventId: number | null };

function eventRange(changes: number, lastRowid: number | bigint): TEventRange {
  const last = Number(lastRowid);
  // One INSERT … SELECT in a write transaction appends consecutive rowids.
  return changes === 0 ? { count: 0, firstEventId: null, lastEventId: null } : { count: changes, firstEventId: last - changes + 1, lastEventId: last };
}

/** Decide every target: one event per item, then one UPDATE. */
export function decideTargets(values: { decision: TDecision; comment: string | null; actorEmail: string; at: string }): TEventRange {
  const events = prepared(
    `INSERT INTO review_item_events (item_id, campaign_id, type, decision_before, decision_after, comment, actor_email, at)
     SELECT r.id, r.campaign_id, 'decision', r.decision, @decision, @comment, @actorEmail, @at
       FROM temp.review_target_ids t JOIN review_items r ON r.id = t.id ORDER BY t.id`,
  ).run(values);
  prepared(
    `UPDATE review_items SET decision = @decision, decision_comment = @comment, decided_at = @at, decided_by_email = @actorEmail,
            decided_by_rule = 0, version = version + 1, ${WITHDRAW_NOT_SURE}
      WHERE id IN (SELECT id FROM temp.review_target_ids)`,
  ).run(values);
  return eventRange(events.changes, events.lastInsertRowid);
}

/**
 * Decide every target as recommended ("accept recommendations"): certify or revoke per item, the
 * item's recommendation reason as the comment. Callers keep only actionable targets first.
 */
export function acceptTargetRecommendations(values: { commentPrefix: string; actorEmail: string; at: string }): TEventRange {
  const events = prepared(
    `INSERT INTO review_item_events (item_id, campaign_id, type, decision_before, decision_after, comment, actor_email, at)
     SELECT r.id, r.campaign_id, 'decision', r.decision, r.recommendation, @commentPrefix || r.recommendation_reason, @actorEmail, @at
       FROM temp.review_target_ids t JOIN review_items r ON r.id = t.id ORDER BY t.id`,
  ).run(values);
  prepared(
    `UPDATE review_items SET decision = recommendation, decision_comment = @commentPrefix || recommendation_reason, decided_at = @at,
            decided_by_email = @actorEmail, decided_by_rule = 0, version = version + 1, ${WITHDRAW_NOT_SURE}
      WHERE id IN (SELECT id FROM temp.review_target_ids)`,
  ).run(values);
  return eventRange(events.changes, events.lastInsertRowid);
}

/** Exclude every target with the reason: one 'excluded' event per item, then one UPDATE. */
export function excludeTargets(values: { reason: string; actorEmail: string; at: string }): TEventRange {
  const events = prepared(
    `INSERT INTO review_item_events (item_id, campaign_id, type, decision_before, decision_after, comment, actor_email, at)
     SELECT r.id, r.campaign_id, 'excluded', r.decision, r.decision, @reason, @actorEmail, @at
       FROM temp.review_target_ids t JOIN review_items r ON r.id = t.id ORDER BY t.id`,
  ).run(values);
  prepared(
    `UPDATE review_items SET excluded_reason = @reason, excluded_by_email = @actorEmail, excluded_at = @at, version = version + 1
      WHERE id IN (SELECT id FROM temp.review_target_ids)`,
  ).run(values);
  return eventRange(events.changes, events.lastInsertRowid);
}

/** Move every target to another reviewer: one event per item, then one UPDATE. */
export function reassignTargets(values: { toReviewerEmail: string; reason: string; actorEmail: string; at: string }): TEventRange {
  const events = prepared(
    `INSERT INTO review_item_events (item_id, campaign_id, type, decision_before, decision_after, reviewer_before, reviewer_after, comment, actor_email, at)
     SELECT r.id, r.campaign_id, 'reassign', r.decision, r.decision, r.reviewer_email, @toReviewerEmail, @reason, @actorEmail, @at
       FROM temp.review_target_ids t JOIN review_items r ON r.id = t.id ORDER BY t.id`,
  ).run(values);
  prepared(
    `UPDATE review_items SET reviewer_email = @toReviewerEmail, reviewer_reason = 'reassigned', version = version + 1
      WHERE id IN (SELECT id FROM temp.review_target_ids)`,
  ).run({ toReviewerEmail: values.toReviewerEmail });
  return eventRange(events.changes, events.lastInsertRowid);
}

// ─── Sign-offs ──────────────────────────────────────────────────────────────────────────────

export type TSignoffRow = typeof reviewerSignoffs.$inferSelect;

const CURRENT_STAGE = sql`(SELECT ${campaigns.currentStage} FROM ${campaigns} WHERE ${campaigns.id} = ${reviewerSignoffs.campaignId})`;

/** The reviewer's sign-off of the campaign's current stage. */
export function getSignoffRow(campaignId: number, reviewerEmail: string, tx: TExecutor = getDb()): TSignoffRow | null {
  return (
    tx
      .select()
      .from(reviewerSignoffs)
      .where(and(eq(reviewerSignoffs.campaignId, campaignId), eq(reviewerSignoffs.reviewerEmail, reviewerEmail), eq(reviewerSignoffs.stage, CURRENT_STAGE)))
      .get() ?? null
  );
}

export function insertSignoffRow(tx: TExecutor, row: TSignoffRow): void {
  tx.insert(reviewerSignoffs).values(row).run();
}

export function deleteSignoffRow(tx: TExecutor, campaignId: number, reviewerEmail: string): boolean {
  return (
    tx
      .delete(reviewerSignoffs)
      .where(and(eq(reviewerSignoffs.campaignId, campaignId), eq(reviewerSignoffs.reviewerEmail, reviewerEmail), eq(reviewerSignoffs.stage, CURRENT_STAGE)))
      .run().changes > 0
  );
}

/** The sign-offs of the campaign's current stage. */
export function listSignoffRows(campaignId: number): TSignoffRow[] {
  return getDb()
    .select()
    .from(reviewerSignoffs)
    .where(and(eq(reviewerSignoffs.campaignId, campaignId), eq(reviewerSignoffs.stage, CURRENT_STAGE)))
    .all();
}

// ─── Progress and reviewer pages ────────────────────────────────────────────────────────────

export type TReviewerCounts = { reviewerEmail: string; total: number; decided: number; certified: number; revoked: number };

/** Per reviewer, their working queue of the current stage (an item passed on as not sure counts as done for them). */
export function queryReviewerCounts(campaignId: number): TReviewerCounts[] {
  const where = ['campaign_id = ?', ...queuePredicates(queueContext(campaignId))].join(' AND ');
  return prepared<TReviewerCounts>(
    `SELECT reviewer_email AS reviewerEmail, count(*) AS total, coalesce(sum(decision IS NOT NULL OR awaiting_next_stage = 1), 0) AS decided,
            coalesce(sum(decision = 'certify'), 0) AS certified, coalesce(sum(decision = 'revoke'), 0) AS revoked
       FROM review_items WHERE ${where} GROUP BY reviewer_email ORDER BY reviewer_email`,
  ).all(campaignId);
}

export type TMyCampaignRaw = {
  campaignId: number;
  name: string;
  status: TCampaignStatus;
  dueAt: string;
  closedAt: string | null;
  stage: number;
  total: number;
  decided: number;
  revoked: number;
  signedOffAt: string | null;
};

/** A reviewer's working queue in campaign `c` (see `TQueueContext`), as one correlated predicate over `review_items r`. */
const MY_QUEUE = `r.campaign_id = c.id AND r.reviewer_email = @e AND r.excluded_reason IS NULL AND (c.status <> 'active' OR r.stage = c.current_stage)`;

/** Launched campaigns where the reviewer has items, with their own counts (per-campaign index ranges, no table scan). */
export function queryMyCampaigns(reviewerEmail: string): TMyCampaignRaw[] {
  return prepared<TMyCampaignRaw>(
    `SELECT * FROM (
       SELECT c.id AS campaignId, c.name, c.status, c.due_at AS dueAt, c.closed_at AS closedAt, c.current_stage AS stage,
              (SELECT count(*) FROM review_items r WHERE ${MY_QUEUE}) AS total,
              (SELECT count(*) FROM review_items r WHERE ${MY_QUEUE} AND (r.decision IS NOT NULL OR r.awaiting_next_stage = 1)) AS decided,
              (SELECT count(*) FROM review_items r WHERE ${MY_QUEUE} AND r.decision = 'revoke') AS revoked,
              s.signed_at AS signedOffAt
         FROM campaigns c
         LEFT JOIN reviewer_signoffs s ON s.campaign_id = c.id AND s.reviewer_email = @e AND s.stage = c.current_stage
        WHERE c.status <> 'draft')
      WHERE total > 0
      ORDER BY status = 'closed', dueAt, campaignId`,
  ).all({ e: reviewerEmail });
}

export type TDecisionCounts = { total: number; certified: number; revoked: number; revokedByRule: number; undecided: number; excluded: number };

/** Final decisions over the items under review; excluded items are counted apart and in nothing else. */
export function queryDecisionCounts(campaignId: number): TDecisionCounts {
  const row = prepared<TDecisionCounts>(
    `SELECT coalesce(sum(x IS NULL), 0) AS total, coalesce(sum(x IS NULL AND decision = 'certify'), 0) AS certified,
            coalesce(sum(x IS NULL AND decision = 'revoke'), 0) AS revoked,
            coalesce(sum(x IS NULL AND decision = 'revoke' AND decided_by_rule = 1), 0) AS revokedByRule,
            coalesce(sum(x IS NULL AND decision IS NULL), 0) AS undecided, coalesce(sum(x IS NOT NULL), 0) AS excluded
       FROM (SELECT decision, decided_by_rule, excluded_reason AS x FROM review_items WHERE campaign_id = ?)`,
  ).get(campaignId);
  return row ?? { total: 0, certified: 0, revoked: 0, revokedByRule: 0, undecided: 0, excluded: 0 };
}

export type TRevocationRaw = {
  itemId: number;
  campaignId: number;
  kind: TItemKind;
  userScimId: string;
  userEmail: string;
  groupScimId: string | null;
  groupName: string | null;
  decidedAt: string;
  decidedByEmail: string;
  decidedByRule: 0 | 1;
  comment: string | null;
};

export function queryRevocations(campaignId: number): TRevocationRaw[] {
  return prepared<TRevocationRaw>(
    `SELECT id AS itemId, campaign_id AS campaignId, kind, user_scim_id AS userScimId, user_email AS userEmail,
            group_scim_id AS groupScimId, group_name AS groupName, decided_at AS decidedAt, decided_by_email AS decidedByEmail,
            decided_by_rule AS decidedByRule, decision_comment AS comment
       FROM review_items WHERE campaign_id = ? AND decision = 'revoke' AND excluded_reason IS NULL ORDER BY id`,
  ).all(campaignId);
}

// ─── Stages ─────────────────────────────────────────────────────────────────────────────────

export type TCampaignStageRow = typeof campaignStages.$inferSelect;

export function insertCampaignStageRows(tx: TExecutor, rows: ReadonlyArray<typeof campaignStages.$inferInsert>): void {
  if (rows.length > 0) tx.insert(campaignStages).values([...rows]).run();
}

export function listCampaignStageRows(campaignId: number, tx: TExecutor = getDb()): TCampaignStageRow[] {
  return tx.select().from(campaignStages).where(eq(campaignStages.campaignId, campaignId)).orderBy(asc(campaignStages.stage)).all();
}

/** Update a stage row (on the process connection: inside a transaction, part of it). */
export function updateCampaignStageRow(
  campaignId: number,
  stage: number,
  values: Partial<Pick<TCampaignStageRow, 'startedAt' | 'endedAt' | 'itemsReviewed' | 'itemsPassedOn' | 'dueAt'>>,
): void {
  getDb()
    .update(campaignStages).set(values).where(and(eq(campaignStages.campaignId, campaignId), eq(campaignStages.stage, stage))).run();
}

/** Move an active campaign to its next stage (only from `fromStage`: a concurrent advance finds nothing to do). */
export function setCampaignStage(id: number, values: { fromStage: number; toStage: number; dueAt: string }): boolean {
  return (
    getDb()
      .update(campaigns)
      .set({ currentStage: values.toStage, dueAt: values.dueAt })
      .where(and(eq(campaigns.id, id), eq(campaigns.status, 'active'), eq(campaigns.currentStage, values.fromStage)))
      .run().changes > 0
  );
}

/** Which items of a stage go on, as SQL over `review_items` (undecided and "not sure" items always do). */
function goesOnSql(advance: TStageAdvanceRule): string {
  const decided = advance === 'all' ? 'decision IS NOT NULL' : advance === 'revoked' ? "decision = 'revoke'" : "decision = 'certify'";
  return `(decision IS NULL OR awaiting_next_stage = 1 OR ${decided})`;
}

/** Items a stage holds (not excluded). */
export function countStageItems(campaignId: number, stage: number): number {
  return prepared<number>('SELECT count(*) FROM review_items WHERE campaign_id = ? AND stage = ? AND excluded_reason IS NULL').pluck().get(campaignId, stage) ?? 0;
}

export type TStageOpenCounts = { reviewers: number; signedOff: number; open: number };

/** The current stage's queues: how many reviewers have items, how many of them signed off, how many items are still to decide. */
export function queryStageOpenCounts(campaignId: number, stage: number): TStageOpenCounts {
  return (
    prepared<TStageOpenCounts>(
      `SELECT count(*) AS reviewers, coalesce(sum(s.signed_at IS NOT NULL), 0) AS signedOff, coalesce(sum(q.open), 0) AS open
         FROM (SELECT reviewer_email, sum(decision IS NULL AND awaiting_next_stage = 0) AS open FROM review_items
                WHERE campaign_id = @campaignId AND stage = @stage AND excluded_reason IS NULL GROUP BY reviewer_email) q
         LEFT JOIN reviewer_signoffs s ON s.campaign_id = @campaignId AND s.stage = @stage AND s.reviewer_email = q.reviewer_email`,
    ).get({ campaignId, stage }) ?? { reviewers: 0, signedOff: 0, open: 0 }
  );
}

/**
 * Record every item's result in the ending stage (history the next stage cannot rewrite);
 * returns how many items the stage reviewed and how many go on.
 */
export function insertStageResults(campaignId: number, stage: number, advance: TStageAdvanceRule): { reviewed: number; passedOn: number } {
  const goesOn = goesOnSql(advance);
  const reviewed = prepared(
    `INSERT INTO review_item_stage_results (item_id, campaign_id, stage, reviewer_email, decision, decision_comment, decided_at,
                                            decided_by_email, not_sure_comment, passed_on)
     SELECT id, campaign_id, stage, reviewer_email, decision, decision_comment, decided_at, decided_by_email,
            CASE WHEN awaiting_next_stage = 1 THEN not_sure_comment END, ${goesOn}
       FROM review_items WHERE campaign_id = ? AND stage = ? AND excluded_reason IS NULL ORDER BY id`,
  ).run(campaignId, stage).changes;
  const passedOn =
    prepared<number>('SELECT count(*) FROM review_item_stage_results WHERE campaign_id = ? AND stage = ? AND passed_on = 1').pluck().get(campaignId, stage) ?? 0;
  return { reviewed, passedOn };
}

/** An item going on to the next stage, with what the next stage's reviewer rule needs. */
export type TAdvancingItem = {
  id: number;
  kind: TItemKind;
  userEmail: string;
  groupScimId: string | null;
  managerEmail: string | null;
  /** 1 / 0: the manager is an active / deactivated user of the snapshot; null: no such user. */
  managerActive: 0 | 1 | null;
};

/** The items of `stage` that the stage result marked as going on, in id order, a batch after `afterId`. */
export function listAdvancingItems(campaignId: number, stage: number, afterId: number, limit: number): TAdvancingItem[] {
  return prepared<TAdvancingItem>(
    `SELECT r.id, r.kind, r.user_email AS userEmail, r.group_scim_id AS groupScimId, lower(trim(u.manager_email)) AS managerEmail,
            (SELECT max(m.active) FROM snapshot_users m WHERE m.snapshot_id = c.snapshot_id AND m.email = lower(trim(u.manager_email))) AS managerActive
       FROM review_item_stage_results sr
       JOIN review_items r ON r.id = sr.item_id
       JOIN campaigns c ON c.id = r.campaign_id
       LEFT JOIN snapshot_users u ON u.snapshot_id = c.snapshot_id AND u.scim_id = r.user_scim_id
      WHERE sr.campaign_id = @campaignId AND sr.stage = @stage AND sr.passed_on = 1 AND sr.item_id > @afterId
      ORDER BY sr.item_id LIMIT @limit`,
  ).all({ campaignId, stage, afterId, limit });
}

/** Stage the next reviewer of each advancing item (replacing the staged set). */
export function stageAdvanceMoves(rows: ReadonlyArray<readonly [id: number, reviewer: string, reason: string]>, reset: boolean): void {
  ensureTempTables();
  if (reset) sqlite().exec('DELETE FROM temp.review_stage_moves');
  const insert = prepared('INSERT INTO temp.review_stage_moves (id, reviewer, reason) VALUES (?, ?, ?)');
  for (const row of rows) insert.run(...row);
}

/** Items whose staged next reviewer is their own user (the fallback is that user: nobody else can take them). */
export function countSelfReviewMoves(): number {
  return prepared<number>('SELECT count(*) FROM temp.review_stage_moves m JOIN review_items r ON r.id = m.id WHERE r.user_email = m.reviewer').pluck().get() ?? 0;
}

/**
 * Move the staged items to the next stage: one 'stage_advanced' event each (reviewer before and
 * after, the decision the stage left), then one UPDATE that hands them to their new reviewer
 * undecided. A "not sure" comment stays for the next reviewer to read.
 */
export function applyStageMoves(values: { toStage: number; actorEmail: string; at: string }): TEventRange {
  const events = prepared(
    `INSERT INTO review_item_events (item_id, campaign_id, type, decision_before, decision_after, reviewer_before, reviewer_after, comment, actor_email, at)
     SELECT r.id, r.campaign_id, 'stage_advanced', r.decision, NULL, r.reviewer_email, m.reviewer, 'Stage ' || @toStage, @actorEmail, @at
       FROM temp.review_stage_moves m JOIN review_items r ON r.id = m.id ORDER BY m.id`,
  ).run(values);
  prepared(
    `UPDATE review_items SET stage = @toStage,
            reviewer_email = (SELECT reviewer FROM temp.review_stage_moves m WHERE m.id = review_items.id),
            original_reviewer_email = (SELECT reviewer FROM temp.review_stage_moves m WHERE m.id = review_items.id),
            reviewer_reason = (SELECT reason FROM temp.review_stage_moves m WHERE m.id = review_items.id),
            decision = NULL, decision_comment = NULL, decided_at = NULL, decided_by_email = NULL, decided_by_rule = 0,
            awaiting_next_stage = 0, version = version + 1
      WHERE id IN (SELECT id FROM temp.review_stage_moves)`,
  ).run({ toStage: values.toStage });
  sqlite().exec('DELETE FROM temp.review_stage_moves');
  return eventRange(events.changes, events.lastInsertRowid);
}

export type TStageResultRaw = Omit<TReviewItemStageResult, 'passedOn'> & { passedOn: 0 | 1 };

/** Decisions of ended stages for some items, by item then stage. */
export function listStageResults(itemIds: readonly number[]): TStageResultRaw[] {
  if (itemIds.length === 0) return [];
  return prepared<TStageResultRaw>(
    `SELECT item_id AS itemId, campaign_id AS campaignId, stage, reviewer_email AS reviewerEmail, decision, decision_comment AS decisionComment,
            decided_at AS decidedAt, decided_by_email AS decidedByEmail, not_sure_comment AS notSureComment, passed_on AS passedOn
       FROM review_item_stage_results WHERE item_id IN (SELECT value FROM json_each(?)) ORDER BY item_id, stage`,
  ).all(JSON.stringify(itemIds));
}

// ─── Not sure ───────────────────────────────────────────────────────────────────────────────

/**
 * Pass an item on as "not sure" if its version is still `expectedVersion`: to `toReviewerEmail`
 * (the fallback reviewer, now), or with null to the next stage (the item waits, done for this
 * reviewer). Any decision on it is cleared.
 */
export function passItemOnRow(values: { id: number; expectedVersion: number; by: string; comment: string; at: string; toReviewerEmail: string | null }): boolean {
  const reviewer =
    values.toReviewerEmail === null
      ? 'awaiting_next_stage = 1'
      : "awaiting_next_stage = 0, reviewer_email = @toReviewerEmail, reviewer_reason = 'not_sure'";
  return (
    prepared(
      `UPDATE review_items SET decision = NULL, decision_comment = NULL, decided_at = NULL, decided_by_email = NULL, decided_by_rule = 0,
              not_sure_by_email = @by, not_sure_comment = @comment, not_sure_at = @at, ${reviewer}, version = version + 1
        WHERE id = @id AND version = @expectedVersion`,
    ).run(values).changes > 0
  );
}

// ─── Carry-over ─────────────────────────────────────────────────────────────────────────────

/**
 * Mark the new campaign's items that the previous closed campaign certified (a person, not the
 * close rule) and that are unchanged since: the same access, and nothing flagged now (no new,
 * changed, inactive or risk signal; a "certify" recommendation). Sets the carry-over column and
 * signal; returns how many.
 */
export function markCarriedOver(campaignId: number, previousCampaignId: number, changedMask: number): number {
  return prepared(
    `UPDATE review_items SET carried_over_from_campaign_id = @previous, signals = signals | @carriedBit
      WHERE campaign_id = @campaignId AND recommendation = 'certify' AND (signals & @changedMask) = 0
        AND EXISTS (SELECT 1 FROM review_items p INDEXED BY review_items_user_idx
                     WHERE p.campaign_id = @previous AND p.user_scim_id = review_items.user_scim_id AND p.kind = review_items.kind
                       AND coalesce(p.group_scim_id, '') = coalesce(review_items.group_scim_id, '')
                       AND p.decision = 'certify' AND p.decided_by_rule = 0 AND p.excluded_reason IS NULL)`,
  ).run({ campaignId, previous: previousCampaignId, changedMask, carriedBit: SIGNAL_BIT.carried_over }).changes;
}

// ─── Close ──────────────────────────────────────────────────────────────────────────────────

export const CLOSE_RULE_COMMENT = 'Undecided when the campaign closed: revoked by the campaign rule';

/** Revoke every undecided item of a campaign by rule (events first, then one UPDATE). Before the status changes: triggers lock closed campaigns. */
export function revokeUndecidedByRule(campaignId: number, actorEmail: string, at: string): TEventRange {
  const values = { campaignId, actorEmail, at, comment: CLOSE_RULE_COMMENT };
  const events = prepared(
    `INSERT INTO review_item_events (item_id, campaign_id, type, decision_before, decision_after, comment, actor_email, at)
     SELECT id, campaign_id, 'close_rule', NULL, 'revoke', @comment, @actorEmail, @at
       FROM review_items WHERE campaign_id = @campaignId AND decision IS NULL AND excluded_reason IS NULL ORDER BY id`,
  ).run(values);
  prepared(
    `UPDATE review_items SET decision = 'revoke', decision_comment = @comment, decided_at = @at, decided_by_email = @actorEmail,
            decided_by_rule = 1, version = version + 1
      WHERE campaign_id = @campaignId AND decision IS NULL AND excluded_reason IS NULL`,
  ).run(values);
  return eventRange(events.changes, events.lastInsertRowid);
}

// ─── Fixtures (tests and benchmarks) ────────────────────────────────────────────────────────

export type TFixtureUser = {
  scimId: string;
  userName: string;
  email: string;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  title: string | null;
  active: boolean;
  department: string | null;
  costCenter: string | null;
  division: string | null;
  organization: string | null;
  managerEmail: string | null;
  managerName: string | null;
};
export type TFixtureGroup = { scimId: string; displayName: string; memberIds: readonly string[] };

/**
 * Insert a whole snapshot (row, users, groups, memberships) in one transaction, with the given
 * status. For tests and benchmarks that need a snapshot without crawling a SCIM server.
 */
export function insertSnapshotFixture(input: { status: TSnapshotStatus; users: readonly TFixtureUser[]; groups: readonly TFixtureGroup[] }): number {
  const db = sqlite();
  const at = nowIso();
  return db.transaction(() => {
    const userIds = new Set(input.users.map((u) => u.scimId));
    let memberships = 0;
    for (const g of input.groups) memberships += g.memberIds.length;
    const finished = input.status === 'running' ? null : at;
    const snapshotId = Number(
      db
        .prepare(
          `INSERT INTO snapshots (status, phase, started_at, finished_at, heartbeat_at, owner_pid, owner_host, started_by_email, trigger, source,
                                  base_url, users_total, users_done, groups_total, groups_done, memberships_count, duration_ms, error)
           VALUES (?, ?, ?, ?, ?, ?, 'fixture', 'fixture@attest.local', 'cli', 'demo', 'http://fixture.invalid/scim/v2', ?, ?, ?, ?, ?, 0, ?)`,
        )
        .run(
          input.status,
          input.status === 'running' ? 'users' : 'done',
          at,
          finished,
          at,
          process.pid,
          input.users.length,
          input.users.length,
          input.groups.length,
          input.groups.length,
          memberships,
          input.status === 'failed' ? 'fixture: failed on purpose' : null,
        ).lastInsertRowid,
    );
    const insertUser = db.prepare(
      `INSERT INTO snapshot_users (snapshot_id, scim_id, user_name, email, given_name, family_name, display_name, title, active, department,
                                   cost_center, division, organization, manager_email, manager_name, emails_json, raw_json)
       VALUES (${snapshotId}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}')`,
    );
    for (const u of input.users) {
      insertUser.run(
        u.scimId,
        u.userName,
        u.email.toLowerCase(),
        u.givenName,
        u.familyName,
        u.displayName,
        u.title,
        u.active ? 1 : 0,
        u.department,
        u.costCenter,
        u.division,
        u.organization,
        u.managerEmail,
        u.managerName,
        JSON.stringify([{ value: u.email, type: 'work', primary: true }]),
      );
    }
    const insertGroup = db.prepare(`INSERT INTO snapshot_groups (snapshot_id, scim_id, display_name, member_count, raw_json) VALUES (${snapshotId}, ?, ?, ?, '{}')`);
    const insertMember = db.prepare(`INSERT INTO snapshot_memberships (snapshot_id, group_id, user_id, member_display, orphan) VALUES (${snapshotId}, ?, ?, NULL, ?)`);
    for (const g of input.groups) {
      insertGroup.run(g.scimId, g.displayName, g.memberIds.length);
      for (const userId of g.memberIds) insertMember.run(g.scimId, userId, userIds.has(userId) ? 0 : 1);
    }
    return snapshotId;
  })();
}
