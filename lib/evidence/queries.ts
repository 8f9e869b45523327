import 'server-only';
import type Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { getDb, type TExecutor } from '@/db/client';
import { campaignReconciliations, type TCampaignReconciliation, type TCampaignStatus, type TItemKind, type TRemediationStatus } from '@/db/schema';
import type { TCampaignScope } from '@/lib/review/schemas';
import { openSnapshotReader, type TSnapshotReader } from '@/lib/snapshot/queries';

/**
 * Every SQL statement of lib/evidence (house rule: only queries.ts touches the database).
 *
 * A package is read through ONE read-only connection inside ONE read transaction
 * (`openEvidenceReader`): in WAL mode every file of the package then describes the same state,
 * even while reviewers decide and the remediation worker writes, and a download that stays open
 * for minutes never blocks a writer. Rows are streamed with `stmt.iterate()`; nothing here
 * returns a whole campaign as an array. Functions take the connection (`Database.Database`), so
 * the campaign page's summary can run the same counts on the app connection.
 *
 * lib/remediation owns `remediation_actions`; this module reads it with its own statements.
 *
 * Excluded items (taken out of the review by an admin, migration 0008) are neither decided nor
 * undecided and never a revocation, whatever decision they carried: every statement that counts
 * decisions or reads revokes filters `excluded_reason IS NULL`, as lib/review's close does.
 */

export type TEvidenceReader = TSnapshotReader;
type TDb = Database.Database;

/** A read-only connection with one read transaction for a whole package (see lib/snapshot: the same reader). */
export function openEvidenceReader(): TEvidenceReader {
  const reader = openSnapshotReader();
  reader.begin();
  return reader;
}

/** The app's own connection, for counts outside a package (the campaign page). */
export function appConnection(): TDb {
  return getDb().$client;
}

// ─── Campaign, snapshot ─────────────────────────────────────────────────────────────────────

export type TEvidenceCampaignRaw = {
  id: number;
  name: string;
  status: TCampaignStatus;
  snapshotId: number;
  scopeJson: string;
  reviewAccounts: 0 | 1;
  reviewMemberships: 0 | 1;
  reviewerRule: 'manager' | 'group_owner' | 'fixed';
  fixedReviewerEmail: string | null;
  fallbackReviewerEmail: string;
  dueAt: string;
  revokeNeedsJustification: 0 | 1;
  certifyFlaggedNeedsComment: 0 | 1;
  undecidedAction: 'report' | 'revoke';
  revokeImmediately: 0 | 1;
  attestationStatement: string;
  createdByEmail: string;
  createdAt: string;
  launchedAt: string | null;
  launchedByEmail: string | null;
  closedAt: string | null;
  closedByEmail: string | null;
  itemCount: number;
  laterStagesJson: string;
  currentStage: number;
  allowCarryOverAccept: 0 | 1;
  templateId: number | null;
};

export function readCampaign(db: TDb, campaignId: number): TEvidenceCampaignRaw | null {
  return (
    db
      .prepare<[number], TEvidenceCampaignRaw>(
        `SELECT id, name, status, snapshot_id AS snapshotId, scope_json AS scopeJson, review_accounts AS reviewAccounts,
                review_memberships AS reviewMemberships, reviewer_rule AS reviewerRule, fixed_reviewer_email AS fixedReviewerEmail,
                fallback_reviewer_email AS fallbackReviewerEmail, due_at AS dueAt, revoke_needs_justification AS revokeNeedsJustification,
                certify_flagged_needs_comment AS certifyFlaggedNeedsComment, undecided_action AS undecidedAction,
                revoke_immediately AS revokeImmediately, attestation_statement AS attestationStatement, created_by_email AS createdByEmail,
                created_at AS createdAt, launched_at AS launchedAt, launched_by_email AS launchedByEmail, closed_at AS closedAt,
                closed_by_email AS closedByEmail, item_count AS itemCount, later_stages_json AS laterStagesJson,
                current_stage AS currentStage, allow_carry_over_accept AS allowCarryOverAccept, template_id AS templateId
           FROM campaigns WHERE id = ?`,
      )
      .get(campaignId) ?? null
  );
}

export type TEvidenceSnapshotRaw = {
  id: number;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  startedByEmail: string;
  trigger: string;
  source: string;
  baseUrl: string;
  usersTotal: number | null;
  groupsTotal: number | null;
  membershipsCount: number;
  orphanMembershipsCount: number;
  requests: number;
  retries: number;
  throttled: number;
  durationMs: number | null;
  digest: string | null;
  error: string | null;
};

export function readSnapshot(db: TDb, snapshotId: number): TEvidenceSnapshotRaw | null {
  return (
    db
      .prepare<[number], TEvidenceSnapshotRaw>(
        `SELECT id, status, started_at AS startedAt, finished_at AS finishedAt, started_by_email AS startedByEmail, "trigger", source,
                base_url AS baseUrl, users_total AS usersTotal, groups_total AS groupsTotal, memberships_count AS membershipsCount,
                orphan_memberships_count AS orphanMembershipsCount, requests, retries, throttled, duration_ms AS durationMs, digest, error
           FROM snapshots WHERE id = ?`,
      )
      .get(snapshotId) ?? null
  );
}

/** Display names of the given groups in a snapshot, by id (the scope described in words). */
export function readGroupNames(db: TDb, snapshotId: number, groupIds: readonly string[]): Map<string, string> {
  if (groupIds.length === 0) return new Map();
  const rows = db
    .prepare<[number, string], { id: string; name: string }>(
      `SELECT scim_id AS id, display_name AS name FROM snapshot_groups WHERE snapshot_id = ? AND scim_id IN (SELECT value FROM json_each(?))`,
    )
    .all(snapshotId, JSON.stringify(groupIds));
  return new Map(rows.map((r) => [r.id, r.name]));
}

// ─── Scope (recomputed from the stored scope, independently of the launch) ──────────────────

/*
 * The population is derived again here from the campaign's stored scope and its frozen snapshot,
 * with the same rules as lib/review's launch (active users unless includeInactive; members of the
 * chosen groups and only those memberships; department / cost center / division lists). It is a
 * second, independent derivation on purpose: if the two ever disagree, the population
 * reconciliation in the report shows the difference instead of hiding it.
 */

/** Named parameters every scoped statement binds (unused ones are ignored by better-sqlite3). */
export function scopeParams(scope: TCampaignScope): Record<string, string> {
  return {
    scopeGroupIds: JSON.stringify(scope.groupIds),
    scopeDepartments: JSON.stringify(scope.departments),
    scopeCostCenters: JSON.stringify(scope.costCenters),
    scopeDivisions: JSON.stringify(scope.divisions),
    scopeUserIds: JSON.stringify(scope.userIds),
  };
}

/** A boolean SQL expression over `snapshot_users` row `a`: the user is in the scope (snapshot condition not included). */
function userInScope(a: string, scope: TCampaignScope): string {
  const parts: string[] = [];
  if (!scope.includeInactive) parts.push(`${a}.active = 1`);
  if (scope.kind === 'groups') {
    parts.push(
      `EXISTS (SELECT 1 FROM snapshot_memberships sm INDEXED BY snapshot_memberships_user_idx
                WHERE sm.snapshot_id = ${a}.snapshot_id AND sm.user_id = ${a}.scim_id AND sm.group_id IN (SELECT value FROM json_each(@scopeGroupIds)))`,
    );
  }
  if (scope.kind === 'attributes') {
    if (scope.departments.length > 0) parts.push(`${a}.department IN (SELECT value FROM json_each(@scopeDepartments))`);
    if (scope.costCenters.length > 0) parts.push(`${a}.cost_center IN (SELECT value FROM json_each(@scopeCostCenters))`);
    if (scope.divisions.length > 0) parts.push(`${a}.division IN (SELECT value FROM json_each(@scopeDivisions))`);
  }
  if (scope.kind === 'users') {
    parts.push(`${a}.scim_id IN (SELECT value FROM json_each(@scopeUserIds))`);
  }
  return parts.length === 0 ? '1' : `(${parts.join(' AND ')})`;
}

/** A boolean SQL expression over `snapshot_memberships` row `m`: the group is in the scope. */
function groupInScope(m: string, scope: TCampaignScope): string {
  return scope.kind === 'groups' ? `${m}.group_id IN (SELECT value FROM json_each(@scopeGroupIds))` : '1';
}

// ─── Population ─────────────────────────────────────────────────────────────────────────────

export type TPopulationCounts = {
  users: { total: number; inactive: number; inScope: number };
  memberships: { total: number; orphan: number; userOutOfScope: number; groupOutOfScope: number; inScope: number };
  items: {
    account: number;
    membership: number;
    /** Users in scope without an account item (only meaningful when accounts are reviewed). */
    usersWithoutAccountItem: number;
    /** Account items whose user is not in the scope of the snapshot. */
    accountItemsOutsideScope: number;
    membershipsWithoutItem: number;
    membershipItemsOutsideScope: number;
    /** Items that review an access another item of the campaign already reviews. */
    duplicates: number;
  };
};

/** Counts that reconcile the snapshot to the campaign's items (report section "population"). */
export function readPopulationCounts(db: TDb, campaignId: number, snapshotId: number, scope: TCampaignScope): TPopulationCounts {
  const params = { ...scopeParams(scope), c: campaignId, s: snapshotId };
  const inScope = userInScope('u', scope);
  const groupOk = groupInScope('m', scope);
  const users = db
    .prepare<[typeof params], TPopulationCounts['users']>(
      `SELECT count(*) AS total, coalesce(sum(u.active = 0), 0) AS inactive, coalesce(sum(${inScope}), 0) AS inScope
         FROM snapshot_users u WHERE u.snapshot_id = @s`,
    )
    .get(params) ?? { total: 0, inactive: 0, inScope: 0 };
  const memberships = db
    .prepare<[typeof params], TPopulationCounts['memberships']>(
      `SELECT count(*) AS total,
              coalesce(sum(u.scim_id IS NULL), 0) AS orphan,
              coalesce(sum(u.scim_id IS NOT NULL AND NOT ${inScope}), 0) AS userOutOfScope,
              coalesce(sum(u.scim_id IS NOT NULL AND ${inScope} AND NOT (${groupOk})), 0) AS groupOutOfScope,
              coalesce(sum(u.scim_id IS NOT NULL AND ${inScope} AND (${groupOk})), 0) AS inScope
         FROM snapshot_memberships m
         LEFT JOIN snapshot_users u ON u.snapshot_id = m.snapshot_id AND u.scim_id = m.user_id
        WHERE m.snapshot_id = @s`,
    )
    .get(params) ?? { total: 0, orphan: 0, userOutOfScope: 0, groupOutOfScope: 0, inScope: 0 };
  const items = db
    .prepare<[typeof params], TPopulationCounts['items']>(
      `SELECT
         (SELECT count(*) FROM review_items WHERE campaign_id = @c AND kind = 'account') AS account,
         (SELECT count(*) FROM review_items WHERE campaign_id = @c AND kind = 'membership') AS membership,
         (SELECT count(*) FROM snapshot_users u WHERE u.snapshot_id = @s AND ${inScope}
             AND NOT EXISTS (SELECT 1 FROM review_items r WHERE r.campaign_id = @c AND r.user_scim_id = u.scim_id AND r.kind = 'account')) AS usersWithoutAccountItem,
         (SELECT count(*) FROM review_items r WHERE r.campaign_id = @c AND r.kind = 'account'
             AND NOT EXISTS (SELECT 1 FROM snapshot_users u WHERE u.snapshot_id = @s AND u.scim_id = r.user_scim_id AND ${inScope})) AS accountItemsOutsideScope,
         (SELECT count(*) FROM snapshot_memberships m JOIN snapshot_users u ON u.snapshot_id = m.snapshot_id AND u.scim_id = m.user_id
           WHERE m.snapshot_id = @s AND ${inScope} AND ${groupOk}
             AND NOT EXISTS (SELECT 1 FROM review_items r WHERE r.campaign_id = @c AND r.user_scim_id = m.user_id AND r.kind = 'membership'
                               AND r.group_scim_id = m.group_id)) AS membershipsWithoutItem,
         (SELECT count(*) FROM review_items r WHERE r.campaign_id = @c AND r.kind = 'membership'
             AND NOT EXISTS (SELECT 1 FROM snapshot_memberships m JOIN snapshot_users u ON u.snapshot_id = m.snapshot_id AND u.scim_id = m.user_id
                              WHERE m.snapshot_id = @s AND m.group_id = r.group_scim_id AND m.user_id = r.user_scim_id AND ${inScope} AND ${groupOk})) AS membershipItemsOutsideScope,
         (SELECT count(*) - count(DISTINCT kind || ':' || user_scim_id || ':' || coalesce(group_scim_id, '')) FROM review_items WHERE campaign_id = @c) AS duplicates`,
    )
    .get(params);
  return {
    users,
    memberships,
    items: items ?? {
      account: 0,
      membership: 0,
      usersWithoutAccountItem: 0,
      accountItemsOutsideScope: 0,
      membershipsWithoutItem: 0,
      membershipItemsOutsideScope: 0,
      duplicates: 0,
    },
  };
}

/** Rows of population.csv: users in scope, plus memberships in scope when they are reviewed. */
export function countPopulationRows(db: TDb, snapshotId: number, scope: TCampaignScope, withMemberships: boolean): number {
  const params = { ...scopeParams(scope), s: snapshotId };
  const users = db.prepare<[typeof params], number>(`SELECT count(*) FROM snapshot_users u WHERE u.snapshot_id = @s AND ${userInScope('u', scope)}`).pluck().get(params) ?? 0;
  if (!withMemberships) return users;
  const memberships =
    db
      .prepare<[typeof params], number>(
        `SELECT count(*) FROM snapshot_memberships m JOIN snapshot_users u ON u.snapshot_id = m.snapshot_id AND u.scim_id = m.user_id
          WHERE m.snapshot_id = @s AND ${userInScope('u', scope)} AND ${groupInScope('m', scope)}`,
      )
      .pluck()
      .get(params) ?? 0;
  return users + memberships;
}

export const POPULATION_CSV_HEADER = [
  'record',
  'user_scim_id',
  'user_name',
  'email',
  'given_name',
  'family_name',
  'display_name',
  'active',
  'department',
  'cost_center',
  'division',
  'title',
  'manager_email',
  'group_scim_id',
  'group_name',
  'review_item_id',
] as const;

export type TPopulationCsvRaw = [
  record: 'user' | 'membership',
  userScimId: string,
  userName: string,
  email: string,
  givenName: string | null,
  familyName: string | null,
  displayName: string | null,
  active: number,
  department: string | null,
  costCenter: string | null,
  division: string | null,
  title: string | null,
  managerEmail: string | null,
  groupScimId: string | null,
  groupName: string | null,
  reviewItemId: number | null,
];

const POPULATION_USER_COLUMNS = `u.scim_id, u.user_name, u.email, u.given_name, u.family_name, u.display_name, u.active, u.department,
  u.cost_center, u.division, u.title, u.manager_email`;

/** Users in scope, in id order, each with the id of its account item (null when none). */
export function iteratePopulationUsers(db: TDb, campaignId: number, snapshotId: number, scope: TCampaignScope): IterableIterator<TPopulationCsvRaw> {
  return db
    .prepare<[Record<string, unknown>], TPopulationCsvRaw>(
      `SELECT 'user', ${POPULATION_USER_COLUMNS}, NULL, NULL,
              (SELECT min(r.id) FROM review_items r WHERE r.campaign_id = @c AND r.user_scim_id = u.scim_id AND r.kind = 'account')
         FROM snapshot_users u WHERE u.snapshot_id = @s AND ${userInScope('u', scope)}
        ORDER BY u.scim_id`,
    )
    .raw()
    .iterate({ ...scopeParams(scope), c: campaignId, s: snapshotId });
}

/** Memberships in scope, in (group, user) order (the primary key: no sort), each with the id of its membership item. */
export function iteratePopulationMemberships(db: TDb, campaignId: number, snapshotId: number, scope: TCampaignScope): IterableIterator<TPopulationCsvRaw> {
  return db
    .prepare<[Record<string, unknown>], TPopulationCsvRaw>(
      `SELECT 'membership', ${POPULATION_USER_COLUMNS}, m.group_id, g.display_name,
              (SELECT min(r.id) FROM review_items r WHERE r.campaign_id = @c AND r.user_scim_id = m.user_id AND r.kind = 'membership'
                  AND r.group_scim_id = m.group_id)
         FROM snapshot_memberships m
         JOIN snapshot_users u ON u.snapshot_id = m.snapshot_id AND u.scim_id = m.user_id
         LEFT JOIN snapshot_groups g ON g.snapshot_id = m.snapshot_id AND g.scim_id = m.group_id
        WHERE m.snapshot_id = @s AND ${userInScope('u', scope)} AND ${groupInScope('m', scope)}
        ORDER BY m.group_id, m.user_id`,
    )
    .raw()
    .iterate({ ...scopeParams(scope), c: campaignId, s: snapshotId });
}

/*
 * Reading a whole campaign in id order: every index on `campaign_id` has more columns after it,
 * so `WHERE campaign_id = ? ORDER BY id` makes SQLite sort the campaign's rows in a temporary
 * B-tree before the first one comes out — 100k items held in memory. A campaign's rows are
 * written together (launch, close), so they occupy a narrow id range: walking that range by rowid
 * (NOT INDEXED) and keeping the campaign's rows streams them in order with nothing held.
 */
function campaignIdRange(db: TDb, table: 'review_items' | 'remediation_actions', campaignId: number): { lo: number; hi: number } {
  const row = db.prepare<[number], { lo: number | null; hi: number | null }>(`SELECT min(id) AS lo, max(id) AS hi FROM ${table} WHERE campaign_id = ?`).get(campaignId);
  return { lo: row?.lo ?? 1, hi: row?.hi ?? 0 };
}

// ─── Items and decisions ────────────────────────────────────────────────────────────────────

// The newest outbox row of an item (one per revoke by idempotency key; `max` keeps one row per item whatever happens).
const LATEST_REMEDIATION_JOIN = 'LEFT JOIN remediation_actions ra ON ra.id = (SELECT max(x.id) FROM remediation_actions x WHERE x.item_id = r.id)';

export type TDecisionCounts = {
  total: number;
  accounts: number;
  memberships: number;
  certified: number;
  revoked: number;
  revokedByRule: number;
  /** Not decided and not excluded (excluded items are out of the review, not open). */
  undecided: number;
  /** Decided after the due date. */
  decidedLate: number;
  /** Items whose reviewer is the item's own user (must be 0). */
  selfAssigned: number;
  /** Items decided by their own user (must be 0). */
  selfDecided: number;
  /** Results of ended stages decided by the item's own user (must be 0). */
  selfDecidedEarlierStages: number;
  /** Recommended "revoke" but certified. */
  certifiedAgainstRevokeRecommendation: number;
  fallbackNoReviewer: number;
  fallbackSelfReview: number;
  reassigned: number;
  /** Passed to the fallback reviewer because their reviewer was not sure. */
  notSure: number;
  /** Taken out of the review by an admin. */
  excluded: number;
  /** Certified in an earlier campaign and unchanged since. */
  carriedOver: number;
  /** Carried over and certified in this campaign (one by one, or all at once where the campaign allows it). */
  carriedOverCertified: number;
};

export function readDecisionCounts(db: TDb, campaignId: number): TDecisionCounts {
  const zero: TDecisionCounts = {
    total: 0,
    accounts: 0,
    memberships: 0,
    certified: 0,
    revoked: 0,
    revokedByRule: 0,
    undecided: 0,
    decidedLate: 0,
    selfAssigned: 0,
    selfDecided: 0,
    selfDecidedEarlierStages: 0,
    certifiedAgainstRevokeRecommendation: 0,
    fallbackNoReviewer: 0,
    fallbackSelfReview: 0,
    reassigned: 0,
    notSure: 0,
    excluded: 0,
    carriedOver: 0,
    carriedOverCertified: 0,
  };
  return (
    db
      .prepare<[{ c: number }], TDecisionCounts>(
        `SELECT count(*) AS total, coalesce(sum(r.kind = 'account'), 0) AS accounts, coalesce(sum(r.kind = 'membership'), 0) AS memberships,
                coalesce(sum(r.decision = 'certify' AND r.excluded_reason IS NULL), 0) AS certified, coalesce(sum(r.decision = 'revoke' AND r.excluded_reason IS NULL), 0) AS revoked,
                coalesce(sum(r.decision = 'revoke' AND r.decided_by_rule = 1 AND r.excluded_reason IS NULL), 0) AS revokedByRule,
                coalesce(sum(r.decision IS NULL AND r.excluded_reason IS NULL), 0) AS undecided,
                coalesce(sum(r.decided_at > c.due_at), 0) AS decidedLate,
                coalesce(sum(r.reviewer_email = r.user_email), 0) AS selfAssigned,
                coalesce(sum(r.decided_by_email = r.user_email), 0) AS selfDecided,
                (SELECT count(*) FROM review_item_stage_results sr JOIN review_items i ON i.id = sr.item_id
                  WHERE sr.campaign_id = @c AND sr.decided_by_email = i.user_email) AS selfDecidedEarlierStages,
                coalesce(sum(r.recommendation = 'revoke' AND r.decision = 'certify' AND r.excluded_reason IS NULL), 0) AS certifiedAgainstRevokeRecommendation,
                coalesce(sum(r.reviewer_reason = 'fallback_no_reviewer'), 0) AS fallbackNoReviewer,
                coalesce(sum(r.reviewer_reason = 'fallback_self_review'), 0) AS fallbackSelfReview,
                coalesce(sum(r.reviewer_reason = 'reassigned'), 0) AS reassigned,
                coalesce(sum(r.reviewer_reason = 'not_sure'), 0) AS notSure,
                coalesce(sum(r.excluded_reason IS NOT NULL), 0) AS excluded,
                coalesce(sum(r.carried_over_from_campaign_id IS NOT NULL), 0) AS carriedOver,
                coalesce(sum(r.carried_over_from_campaign_id IS NOT NULL AND r.decision = 'certify' AND r.excluded_reason IS NULL), 0) AS carriedOverCertified
           FROM review_items r JOIN campaigns c ON c.id = r.campaign_id
          WHERE r.campaign_id = @c`,
      )
      .get({ c: campaignId }) ?? zero
  );
}

/** Items whose decision was changed or undone at least once (more than one decision event). */
export function countChangedDecisions(db: TDb, campaignId: number): number {
  return (
    db
      .prepare<[number], number>(
        `SELECT count(*) FROM (SELECT item_id FROM review_item_events WHERE campaign_id = ? AND type IN ('decision', 'undo')
                                GROUP BY item_id HAVING count(*) > 1)`,
      )
      .pluck()
      .get(campaignId) ?? 0
  );
}

export type TReviewerRaw = {
  stage: number;
  reviewerEmail: string;
  items: number;
  certified: number;
  revoked: number;
  /** Passed on to the next stage as "not sure". */
  notSure: number;
  undecided: number;
  signedAt: string | null;
  statement: string | null;
  signedItemCount: number | null;
};

/**
 * Every reviewer of every stage with items or a sign-off, with their counts and that stage's
 * sign-off, by stage then email. A stage's items are those still at it (review_items.stage) plus,
 * for an ended stage, those it passed on (their result in review_item_stage_results: the item row
 * now holds the later stage). Excluded items are nobody's.
 */
export function readReviewers(db: TDb, campaignId: number): TReviewerRaw[] {
  return db
    .prepare<[{ c: number }], TReviewerRaw>(
      `WITH q AS (
         SELECT stage, reviewer_email AS reviewerEmail, count(*) AS items, sum(decision = 'certify') AS certified, sum(decision = 'revoke') AS revoked,
                sum(decision IS NULL AND awaiting_next_stage = 1) AS notSure, sum(decision IS NULL AND awaiting_next_stage = 0) AS undecided
           FROM review_items WHERE campaign_id = @c AND excluded_reason IS NULL GROUP BY stage, reviewer_email
         UNION ALL
         SELECT stage, reviewer_email, count(*), sum(decision = 'certify'), sum(decision = 'revoke'),
                sum(decision IS NULL AND not_sure_comment IS NOT NULL), sum(decision IS NULL AND not_sure_comment IS NULL)
           FROM review_item_stage_results WHERE campaign_id = @c AND passed_on = 1 GROUP BY stage, reviewer_email),
       n AS (SELECT stage, reviewerEmail, sum(items) AS items, sum(certified) AS certified, sum(revoked) AS revoked, sum(notSure) AS notSure,
                    sum(undecided) AS undecided
               FROM q GROUP BY stage, reviewerEmail),
       p AS (SELECT stage, reviewerEmail FROM n UNION SELECT stage, reviewer_email FROM reviewer_signoffs WHERE campaign_id = @c)
       SELECT p.stage, p.reviewerEmail, coalesce(n.items, 0) AS items, coalesce(n.certified, 0) AS certified, coalesce(n.revoked, 0) AS revoked,
              coalesce(n.notSure, 0) AS notSure, coalesce(n.undecided, 0) AS undecided, s.signed_at AS signedAt, s.statement,
              s.item_count AS signedItemCount
         FROM p
         LEFT JOIN n ON n.stage = p.stage AND n.reviewerEmail = p.reviewerEmail
         LEFT JOIN reviewer_signoffs s ON s.campaign_id = @c AND s.stage = p.stage AND s.reviewer_email = p.reviewerEmail
        ORDER BY p.stage, p.reviewerEmail`,
    )
    .all({ c: campaignId });
}

// ─── Stages ─────────────────────────────────────────────────────────────────────────────────

export type TStageRaw = {
  stage: number;
  reviewerRule: 'manager' | 'group_owner' | 'fixed';
  fixedReviewerEmail: string | null;
  dueAt: string;
  advance: 'all' | 'revoked' | 'certified';
  showPreviousDecisions: 0 | 1;
  startedAt: string | null;
  endedAt: string | null;
  itemsReviewed: number;
  itemsPassedOn: number;
};

/** The stages of a launched campaign as they ran (one row each, written at launch and at each advance). */
export function readStages(db: TDb, campaignId: number): TStageRaw[] {
  return db
    .prepare<[number], TStageRaw>(
      `SELECT stage, reviewer_rule AS reviewerRule, fixed_reviewer_email AS fixedReviewerEmail, due_at AS dueAt, advance,
              show_previous_decisions AS showPreviousDecisions, started_at AS startedAt, ended_at AS endedAt, items_reviewed AS itemsReviewed,
              items_passed_on AS itemsPassedOn
         FROM campaign_stages WHERE campaign_id = ? ORDER BY stage`,
    )
    .all(campaignId);
}

export type TStageDecisionCounts = {
  stage: number;
  /** 'results': the stage ended and recorded each item's result; 'items': read from the items still at it. */
  source: 'results' | 'items';
  items: number;
  certified: number;
  revoked: number;
  /** Passed on as "not sure" (to the next stage). */
  notSure: number;
  undecided: number;
  /** Went (or, while the stage runs, will go) on to the next stage. */
  passedOn: number;
};

/**
 * Decisions per stage. An ended stage is counted from its recorded results; a stage without
 * results (the current one, or the last one of a closed campaign) from the items at that stage.
 */
export function readStageDecisionCounts(db: TDb, campaignId: number): TStageDecisionCounts[] {
  type TRow = Omit<TStageDecisionCounts, 'source'>;
  const fromResults = db
    .prepare<[number], TRow>(
      `SELECT stage, count(*) AS items, coalesce(sum(decision = 'certify'), 0) AS certified, coalesce(sum(decision = 'revoke'), 0) AS revoked,
              coalesce(sum(decision IS NULL AND not_sure_comment IS NOT NULL), 0) AS notSure,
              coalesce(sum(decision IS NULL AND not_sure_comment IS NULL), 0) AS undecided, coalesce(sum(passed_on), 0) AS passedOn
         FROM review_item_stage_results WHERE campaign_id = ? GROUP BY stage`,
    )
    .all(campaignId);
  const fromItems = db
    .prepare<[number], TRow>(
      `SELECT stage, count(*) AS items, coalesce(sum(decision = 'certify'), 0) AS certified, coalesce(sum(decision = 'revoke'), 0) AS revoked,
              coalesce(sum(decision IS NULL AND awaiting_next_stage = 1), 0) AS notSure,
              coalesce(sum(decision IS NULL AND awaiting_next_stage = 0), 0) AS undecided, coalesce(sum(awaiting_next_stage), 0) AS passedOn
         FROM review_items WHERE campaign_id = ? AND excluded_reason IS NULL GROUP BY stage`,
    )
    .all(campaignId);
  const byStage = new Map<number, TStageDecisionCounts>();
  for (const r of fromItems) byStage.set(r.stage, { ...r, source: 'items' });
  for (const r of fromResults) byStage.set(r.stage, { ...r, source: 'results' });
  return [...byStage.values()].sort((a, b) => a.stage - b.stage);
}

// ─── Exclusions ─────────────────────────────────────────────────────────────────────────────

export type TExclusionCounts = {
  items: number;
  /** Excluded items with a remediation outbox row (must be 0: an excluded item is never remediated). */
  remediated: number;
  /** Excluded items that carry a decision (made before the exclusion; it has no effect). */
  decided: number;
};

// Few items are ever excluded: the partial index review_items_excluded_idx holds exactly them.
export function readExclusionCounts(db: TDb, campaignId: number): TExclusionCounts {
  return (
    db
      .prepare<[number], TExclusionCounts>(
        `SELECT count(*) AS items, coalesce(sum(EXISTS (SELECT 1 FROM remediation_actions x WHERE x.item_id = r.id)), 0) AS remediated,
                coalesce(sum(r.decision IS NOT NULL), 0) AS decided
           FROM review_items r WHERE r.campaign_id = ? AND r.excluded_reason IS NOT NULL`,
      )
      .get(campaignId) ?? { items: 0, remediated: 0, decided: 0 }
  );
}

export type TExclusionBatchRaw = {
  reason: string;
  byEmail: string | null;
  at: string | null;
  kind: TItemKind;
  groupScimId: string | null;
  groupName: string | null;
  items: number;
  /** The user, when the batch is one item. */
  userEmail: string;
};

/**
 * Exclusions as they were made: one row per (time, admin, reason, kind, group) — an exclusion of
 * a whole group is one row with its item count, a single item one row naming its user.
 */
export function iterateExclusionBatches(db: TDb, campaignId: number): IterableIterator<TExclusionBatchRaw> {
  return db
    .prepare<[number], TExclusionBatchRaw>(
      `SELECT excluded_reason AS reason, excluded_by_email AS byEmail, excluded_at AS at, kind, group_scim_id AS groupScimId,
              max(group_name) AS groupName, count(*) AS items, min(user_email) AS userEmail
         FROM review_items WHERE campaign_id = ? AND excluded_reason IS NOT NULL
        GROUP BY excluded_at, excluded_by_email, excluded_reason, kind, group_scim_id
        ORDER BY excluded_at, min(id)`,
    )
    .iterate(campaignId);
}

export type TExcludedItemRaw = {
  id: number;
  kind: TItemKind;
  userEmail: string;
  user: string;
  groupName: string | null;
  reviewerEmail: string;
  decision: 'certify' | 'revoke' | null;
  reason: string;
  byEmail: string | null;
  at: string | null;
  remediationId: number | null;
};

/** Every excluded item, in id order, with its remediation row if one exists (there should be none). */
export function iterateExcludedItems(db: TDb, campaignId: number): IterableIterator<TExcludedItemRaw> {
  return db
    .prepare<[number], TExcludedItemRaw>(
      `SELECT r.id, r.kind, r.user_email AS userEmail, coalesce(r.user_display_name, r.user_name) AS user, r.group_name AS groupName,
              r.reviewer_email AS reviewerEmail, r.decision, r.excluded_reason AS reason, r.excluded_by_email AS byEmail, r.excluded_at AS at,
              ra.id AS remediationId
         FROM review_items r ${LATEST_REMEDIATION_JOIN}
        WHERE r.campaign_id = ? AND r.excluded_reason IS NOT NULL ORDER BY r.id`,
    )
    .iterate(campaignId);
}

// ─── Separation of duties ───────────────────────────────────────────────────────────────────

export type TReassignReasonRaw = { reason: string | null; moves: number; items: number; actors: string; firstAt: string; lastAt: string };

/** The reasons admins gave for reassignments (every stage), with how many item moves each covers. */
export function iterateReassignReasons(db: TDb, campaignId: number): IterableIterator<TReassignReasonRaw> {
  return db
    .prepare<[number], TReassignReasonRaw>(
      `SELECT comment AS reason, count(*) AS moves, count(DISTINCT item_id) AS items, group_concat(DISTINCT actor_email) AS actors,
              min(at) AS firstAt, max(at) AS lastAt
         FROM review_item_events WHERE campaign_id = ? AND type = 'reassign'
        GROUP BY comment ORDER BY min(id)`,
    )
    .iterate(campaignId);
}

export type TNotSureEventRaw = {
  eventId: number;
  itemId: number;
  kind: TItemKind;
  userEmail: string;
  groupName: string | null;
  /** Who was not sure. */
  actorEmail: string;
  /** The fallback reviewer it went to; null: to the next stage. */
  reviewerAfter: string | null;
  comment: string | null;
  at: string;
};

/** Every "not sure" pass of the campaign (every stage), in order. */
export function iterateNotSureEvents(db: TDb, campaignId: number): IterableIterator<TNotSureEventRaw> {
  return db
    .prepare<[number], TNotSureEventRaw>(
      `SELECT e.id AS eventId, e.item_id AS itemId, r.kind, r.user_email AS userEmail, r.group_name AS groupName, e.actor_email AS actorEmail,
              e.reviewer_after AS reviewerAfter, e.comment, e.at
         FROM review_item_events e JOIN review_items r ON r.id = e.item_id
        WHERE e.campaign_id = ? AND e.type = 'not_sure' ORDER BY e.id`,
    )
    .iterate(campaignId);
}

export const DECISIONS_CSV_HEADER = [
  'item_id',
  'kind',
  'user_scim_id',
  'user',
  'user_email',
  'department',
  'title',
  'user_active',
  'access',
  'group_scim_id',
  'reviewer_email',
  'original_reviewer_email',
  'reviewer_reason',
  'decision',
  'decided_by_rule',
  'comment',
  'decided_at',
  'decided_by',
  'signals',
  'recommendation',
  'recommendation_reason',
  'remediation_id',
  'remediation_status',
  'remediation_applied_at',
  'remediation_verified_at',
  // Stages, "not sure", carry-over and exclusions (migration 0008), after the original columns so
  // an auditor's existing column references keep working.
  'stage',
  'awaiting_next_stage',
  'not_sure_by',
  'not_sure_comment',
  'not_sure_at',
  'carried_over_from_campaign_id',
  'excluded_reason',
  'excluded_by',
  'excluded_at',
] as const;

/** The columns repeated for each earlier stage `n` (`stage1_decision`, …): that stage's result for the item. */
export const STAGE_RESULT_COLUMNS = ['reviewer', 'decision', 'comment', 'decided_by', 'decided_at', 'not_sure_comment', 'passed_on'] as const;

/**
 * decisions.csv's header for a campaign with `earlierStages` stages before its last: the fixed
 * columns, then `stage<n>_<column>` for each earlier stage. Fixed for the life of a campaign (its
 * stage count is set at launch), so the file stays reproducible.
 */
export function decisionsCsvHeader(earlierStages: number): string[] {
  const out: string[] = [...DECISIONS_CSV_HEADER];
  for (let n = 1; n <= earlierStages; n++) out.push(...STAGE_RESULT_COLUMNS.map((c) => `stage${n}_${c}`));
  return out;
}

/** A decisions.csv row as read: the columns of `decisionsCsvHeader`, in order. */
export type TDecisionCsvRaw = Array<string | number | null>;

/**
 * One row per item of the campaign, in id order (streamed, see `campaignIdRange`), with its newest
 * remediation row and its result in each earlier stage (primary-key lookups, nothing sorted).
 * `decision` is the final one: `excluded` for an item taken out of the review undecided.
 */
export function iterateDecisionRows(db: TDb, campaignId: number, earlierStages: number): IterableIterator<TDecisionCsvRaw> {
  const stages = Array.from({ length: earlierStages }, (_, i) => i + 1);
  const stageColumns = stages
    .map(
      (n) => `, s${n}.reviewer_email,
              CASE WHEN s${n}.item_id IS NULL THEN NULL WHEN s${n}.decision IS NOT NULL THEN s${n}.decision
                   WHEN s${n}.not_sure_comment IS NOT NULL THEN 'not_sure' ELSE 'undecided' END,
              s${n}.decision_comment, s${n}.decided_by_email, s${n}.decided_at, s${n}.not_sure_comment, s${n}.passed_on`,
    )
    .join('');
  const stageJoins = stages.map((n) => `LEFT JOIN review_item_stage_results s${n} ON s${n}.item_id = r.id AND s${n}.stage = ${n}`).join('\n         ');
  return db
    .prepare<[{ c: number; lo: number; hi: number }], TDecisionCsvRaw>(
      `SELECT r.id, r.kind, r.user_scim_id, coalesce(r.user_display_name, r.user_name), r.user_email, r.department, r.title, r.user_active,
              CASE r.kind WHEN 'account' THEN 'Airtable account' ELSE r.group_name END, r.group_scim_id,
              r.reviewer_email, r.original_reviewer_email, r.reviewer_reason,
              CASE WHEN r.decision IS NOT NULL THEN r.decision WHEN r.excluded_reason IS NOT NULL THEN 'excluded' ELSE 'undecided' END,
              r.decided_by_rule, r.decision_comment, r.decided_at, r.decided_by_email, r.signals, r.recommendation, r.recommendation_reason,
              ra.id, ra.status, ra.applied_at, ra.verified_at,
              r.stage, r.awaiting_next_stage, r.not_sure_by_email, r.not_sure_comment, r.not_sure_at, r.carried_over_from_campaign_id,
              r.excluded_reason, r.excluded_by_email, r.excluded_at${stageColumns}
         FROM review_items r NOT INDEXED ${LATEST_REMEDIATION_JOIN}
         ${stageJoins}
        WHERE r.id BETWEEN @lo AND @hi AND r.campaign_id = @c ORDER BY r.id`,
    )
    .raw()
    .iterate({ c: campaignId, ...campaignIdRange(db, 'review_items', campaignId) });
}

export function countItems(db: TDb, campaignId: number): number {
  return db.prepare<[number], number>('SELECT count(*) FROM review_items WHERE campaign_id = ?').pluck().get(campaignId) ?? 0;
}

/** An item as the report's lists show it. */
export type TReportItemRaw = {
  id: number;
  kind: TItemKind;
  userEmail: string;
  user: string;
  groupName: string | null;
  reviewerEmail: string;
  originalReviewerEmail: string;
  reviewerReason: string;
  decision: 'certify' | 'revoke' | null;
  comment: string | null;
  decidedAt: string | null;
  decidedByEmail: string | null;
  decidedByRule: 0 | 1;
  recommendation: string;
  recommendationReason: string;
};

const REPORT_ITEM_COLUMNS = `r.id, r.kind, r.user_email AS userEmail, coalesce(r.user_display_name, r.user_name) AS user, r.group_name AS groupName,
  r.reviewer_email AS reviewerEmail, r.original_reviewer_email AS originalReviewerEmail, r.reviewer_reason AS reviewerReason, r.decision,
  r.decision_comment AS comment, r.decided_at AS decidedAt, r.decided_by_email AS decidedByEmail, r.decided_by_rule AS decidedByRule,
  r.recommendation, r.recommendation_reason AS recommendationReason`;

export type TItemListKind = 'undecided' | 'fallback_no_reviewer' | 'fallback_self_review' | 'certified_against_revoke';

const ITEM_LIST_WHERE: Record<TItemListKind, string> = {
  undecided: 'r.decision IS NULL AND r.excluded_reason IS NULL',
  fallback_no_reviewer: "r.reviewer_reason = 'fallback_no_reviewer'",
  fallback_self_review: "r.reviewer_reason = 'fallback_self_review'",
  certified_against_revoke: "r.recommendation = 'revoke' AND r.decision = 'certify' AND r.excluded_reason IS NULL",
};

/** Items of one exception list, in id order (undecided through the decision index, the others by walking the campaign's id range). */
export function iterateItemList(db: TDb, campaignId: number, list: TItemListKind): IterableIterator<TReportItemRaw> {
  if (list === 'undecided') {
    return db
      .prepare<[number], TReportItemRaw>(`SELECT ${REPORT_ITEM_COLUMNS} FROM review_items r WHERE r.campaign_id = ? AND ${ITEM_LIST_WHERE.undecided} ORDER BY r.id`)
      .iterate(campaignId);
  }
  return db
    .prepare<[{ c: number; lo: number; hi: number }], TReportItemRaw>(
      `SELECT ${REPORT_ITEM_COLUMNS} FROM review_items r NOT INDEXED
        WHERE r.id BETWEEN @lo AND @hi AND r.campaign_id = @c AND ${ITEM_LIST_WHERE[list]} ORDER BY r.id`,
    )
    .iterate({ c: campaignId, ...campaignIdRange(db, 'review_items', campaignId) });
}

export type TRevocationRaw = TReportItemRaw & {
  remediationId: number | null;
  remediationStatus: TRemediationStatus | null;
  requestMethod: string | null;
  requestPath: string | null;
  requestBody: string | null;
  responseStatus: number | null;
  attempts: number | null;
  appliedAt: string | null;
  verifiedAt: string | null;
  verifyNote: string | null;
  lastError: string | null;
};

const REMEDIATION_COLUMNS = `ra.id AS remediationId, ra.status AS remediationStatus, ra.request_method AS requestMethod, ra.request_path AS requestPath,
  ra.request_body AS requestBody, ra.response_status AS responseStatus, ra.attempts, ra.applied_at AS appliedAt, ra.verified_at AS verifiedAt,
  ra.verify_note AS verifyNote, ra.last_error AS lastError`;

/** Every revoke of the campaign with its remediation evidence, in item order. */
export function iterateRevocations(db: TDb, campaignId: number): IterableIterator<TRevocationRaw> {
  return db
    .prepare<[number], TRevocationRaw>(
      `SELECT ${REPORT_ITEM_COLUMNS}, ${REMEDIATION_COLUMNS}
         FROM review_items r ${LATEST_REMEDIATION_JOIN}
        WHERE r.campaign_id = ? AND r.decision = 'revoke' AND r.excluded_reason IS NULL ORDER BY r.id`,
    )
    .iterate(campaignId);
}

/** Revokes whose remediation is not verified (pending, in flight, applied, failed) or that have no outbox row. */
export function iterateRemediationExceptions(db: TDb, campaignId: number): IterableIterator<TRevocationRaw> {
  return db
    .prepare<[number], TRevocationRaw>(
      `SELECT ${REPORT_ITEM_COLUMNS}, ${REMEDIATION_COLUMNS}
         FROM review_items r ${LATEST_REMEDIATION_JOIN}
        WHERE r.campaign_id = ? AND r.decision = 'revoke' AND r.excluded_reason IS NULL AND (ra.id IS NULL OR ra.status <> 'verified') ORDER BY r.id`,
    )
    .iterate(campaignId);
}

export type TReassignRaw = {
  eventId: number;
  itemId: number;
  kind: TItemKind;
  userEmail: string;
  groupName: string | null;
  reviewerBefore: string | null;
  reviewerAfter: string | null;
  reason: string | null;
  actorEmail: string;
  at: string;
};

/** Every reassignment event, in order. */
export function iterateReassignments(db: TDb, campaignId: number): IterableIterator<TReassignRaw> {
  return db
    .prepare<[number], TReassignRaw>(
      `SELECT e.id AS eventId, e.item_id AS itemId, r.kind, r.user_email AS userEmail, r.group_name AS groupName, e.reviewer_before AS reviewerBefore,
              e.reviewer_after AS reviewerAfter, e.comment AS reason, e.actor_email AS actorEmail, e.at
         FROM review_item_events e JOIN review_items r ON r.id = e.item_id
        WHERE e.campaign_id = ? AND e.type = 'reassign' ORDER BY e.id`,
    )
    .iterate(campaignId);
}

export function countReassignments(db: TDb, campaignId: number): number {
  return db.prepare<[number], number>("SELECT count(*) FROM review_item_events WHERE campaign_id = ? AND type = 'reassign'").pluck().get(campaignId) ?? 0;
}

// ─── Remediation outbox (owned by lib/remediation; read here) ───────────────────────────────

export type TRemediationCounts = Record<TRemediationStatus, number> & { total: number; revokesWithoutAction: number };

export function readRemediationCounts(db: TDb, campaignId: number): TRemediationCounts {
  const byStatus = db
    .prepare<[number], { status: TRemediationStatus; n: number }>(
      'SELECT status, count(*) AS n FROM remediation_actions WHERE campaign_id = ? GROUP BY status',
    )
    .all(campaignId);
  const counts: TRemediationCounts = { pending: 0, in_flight: 0, applied: 0, verified: 0, failed: 0, total: 0, revokesWithoutAction: 0 };
  for (const r of byStatus) {
    counts[r.status] = r.n;
    counts.total += r.n;
  }
  counts.revokesWithoutAction =
    db
      .prepare<[number], number>(
        `SELECT count(*) FROM review_items r WHERE r.campaign_id = ? AND r.decision = 'revoke' AND r.excluded_reason IS NULL
            AND NOT EXISTS (SELECT 1 FROM remediation_actions x WHERE x.item_id = r.id)`,
      )
      .pluck()
      .get(campaignId) ?? 0;
  return counts;
}

export const REMEDIATION_CSV_HEADER = [
  'remediation_id',
  'item_id',
  'kind',
  'user_scim_id',
  'user_email',
  'group_scim_id',
  'group_name',
  'reason',
  'request_method',
  'request_path',
  'request_body',
  'status',
  'attempts',
  'response_status',
  'response_body',
  'verify_note',
  'last_error',
  'requested_by',
  'created_at',
  'started_at',
  'applied_at',
  'verified_at',
  'updated_at',
] as const;

export type TRemediationCsvRaw = Array<string | number | null>;

/** Every outbox row of the campaign, in id order (streamed by id range: the close writes them together). */
export function iterateRemediationRows(db: TDb, campaignId: number): IterableIterator<TRemediationCsvRaw> {
  return db
    .prepare<[{ c: number; lo: number; hi: number }], TRemediationCsvRaw>(
      `SELECT id, item_id, kind, user_scim_id, user_email, group_scim_id, group_name, reason, request_method, request_path, request_body,
              status, attempts, response_status, response_body, verify_note, last_error, requested_by_email, created_at, started_at,
              applied_at, verified_at, updated_at
         FROM remediation_actions NOT INDEXED WHERE id BETWEEN @lo AND @hi AND campaign_id = @c ORDER BY id`,
    )
    .raw()
    .iterate({ c: campaignId, ...campaignIdRange(db, 'remediation_actions', campaignId) });
}

// ─── Reconciliation ─────────────────────────────────────────────────────────────────────────

export type TReconciliationRaw = {
  id: number;
  campaignId: number;
  snapshotId: number;
  requestedByEmail: string;
  createdAt: string;
  resultJson: string | null;
  checkedAt: string | null;
  snapshotStatus: string;
  snapshotStartedAt: string;
  snapshotError: string | null;
};

const RECONCILIATION_SELECT = `SELECT cr.id, cr.campaign_id AS campaignId, cr.snapshot_id AS snapshotId, cr.requested_by_email AS requestedByEmail,
  cr.created_at AS createdAt, cr.result_json AS resultJson, cr.checked_at AS checkedAt, s.status AS snapshotStatus,
  s.started_at AS snapshotStartedAt, s.error AS snapshotError
  FROM campaign_reconciliations cr JOIN snapshots s ON s.id = cr.snapshot_id`;

/** The newest reconciliation of a campaign, with its snapshot's state. */
export function readLatestReconciliation(db: TDb, campaignId: number): TReconciliationRaw | null {
  return db.prepare<[number], TReconciliationRaw>(`${RECONCILIATION_SELECT} WHERE cr.campaign_id = ? ORDER BY cr.id DESC LIMIT 1`).get(campaignId) ?? null;
}

export function readReconciliation(db: TDb, reconciliationId: number): TReconciliationRaw | null {
  return db.prepare<[number], TReconciliationRaw>(`${RECONCILIATION_SELECT} WHERE cr.id = ?`).get(reconciliationId) ?? null;
}

export function insertReconciliationRow(tx: TExecutor, values: { campaignId: number; snapshotId: number; requestedByEmail: string }): TCampaignReconciliation {
  return tx.insert(campaignReconciliations).values(values).returning().get();
}

/** Record the result of a check (a later check of the same reconciliation replaces it: the inputs are immutable, so it is the same). */
export function saveReconciliationResult(tx: TExecutor, id: number, resultJson: string, checkedAt: string): boolean {
  return tx.update(campaignReconciliations).set({ resultJson, checkedAt }).where(eq(campaignReconciliations.id, id)).run().changes > 0;
}

export type TRevocationOutcomeRaw = {
  itemId: number;
  kind: TItemKind;
  userScimId: string;
  userEmail: string;
  groupScimId: string | null;
  groupName: string | null;
  userPresent: 0 | 1;
  userActive: 0 | 1 | null;
  memberPresent: 0 | 1;
  remediationStatus: TRemediationStatus | null;
  appliedAt: string | null;
  verifiedAt: string | null;
};

/** Every revoke of the campaign and whether its access exists in snapshot `@s1`, in item order. */
export function iterateRevocationOutcomes(db: TDb, campaignId: number, freshSnapshotId: number): IterableIterator<TRevocationOutcomeRaw> {
  return db
    .prepare<[{ c: number; s1: number }], TRevocationOutcomeRaw>(
      `SELECT r.id AS itemId, r.kind, r.user_scim_id AS userScimId, r.user_email AS userEmail, r.group_scim_id AS groupScimId,
              r.group_name AS groupName, u1.scim_id IS NOT NULL AS userPresent, u1.active AS userActive,
              CASE WHEN r.kind = 'membership' THEN EXISTS (SELECT 1 FROM snapshot_memberships m1
                                                            WHERE m1.snapshot_id = @s1 AND m1.group_id = r.group_scim_id AND m1.user_id = r.user_scim_id)
                   ELSE 0 END AS memberPresent,
              ra.status AS remediationStatus, ra.applied_at AS appliedAt, ra.verified_at AS verifiedAt
         FROM review_items r
         LEFT JOIN snapshot_users u1 ON u1.snapshot_id = @s1 AND u1.scim_id = r.user_scim_id
         ${LATEST_REMEDIATION_JOIN}
        WHERE r.campaign_id = @c AND r.decision = 'revoke' AND r.excluded_reason IS NULL ORDER BY r.id`,
    )
    .iterate({ c: campaignId, s1: freshSnapshotId });
}

/** The user fields compared between the two snapshots (attribute changes), as `[name, SQL column]`. */
export const RECONCILED_USER_FIELDS = [
  ['userName', 'user_name'],
  ['email', 'email'],
  ['givenName', 'given_name'],
  ['familyName', 'family_name'],
  ['displayName', 'display_name'],
  ['title', 'title'],
  ['department', 'department'],
  ['costCenter', 'cost_center'],
  ['division', 'division'],
  ['organization', 'organization'],
  ['managerEmail', 'manager_email'],
] as const;

export type TUserChangeRaw = {
  userScimId: string;
  userEmail: string;
  activeBefore: 0 | 1;
  present: 0 | 1;
  activeAfter: 0 | 1 | null;
  accountRevoked: 0 | 1;
  /** JSON arrays of the `RECONCILED_USER_FIELDS` values before and after (null after when the user is gone). */
  beforeJson: string;
  afterJson: string | null;
};

/** Users in the campaign's scope (snapshot `@s0`) who are gone, changed state or changed attributes in `@s1`, in id order. */
export function iterateUserChanges(db: TDb, campaignId: number, scope: TCampaignScope, campaignSnapshotId: number, freshSnapshotId: number): IterableIterator<TUserChangeRaw> {
  const cols = (a: string) => `json_array(${RECONCILED_USER_FIELDS.map(([, c]) => `${a}.${c}`).join(', ')})`;
  const changed = RECONCILED_USER_FIELDS.map(([, c]) => `u0.${c} IS NOT u1.${c}`).join(' OR ');
  return db
    .prepare<[Record<string, unknown>], TUserChangeRaw>(
      `SELECT u0.scim_id AS userScimId, u0.email AS userEmail, u0.active AS activeBefore, u1.scim_id IS NOT NULL AS present,
              u1.active AS activeAfter,
              EXISTS (SELECT 1 FROM review_items r WHERE r.campaign_id = @c AND r.user_scim_id = u0.scim_id AND r.kind = 'account'
                         AND r.decision = 'revoke' AND r.excluded_reason IS NULL) AS accountRevoked,
              ${cols('u0')} AS beforeJson, CASE WHEN u1.scim_id IS NULL THEN NULL ELSE ${cols('u1')} END AS afterJson
         FROM snapshot_users u0
         LEFT JOIN snapshot_users u1 ON u1.snapshot_id = @s1 AND u1.scim_id = u0.scim_id
        WHERE u0.snapshot_id = @s0 AND ${userInScope('u0', scope)}
          AND (u1.scim_id IS NULL OR u0.active IS NOT u1.active OR ${changed})
        ORDER BY u0.scim_id`,
    )
    .iterate({ ...scopeParams(scope), c: campaignId, s0: campaignSnapshotId, s1: freshSnapshotId });
}

export type TMembershipChangeRaw = { groupScimId: string; groupName: string | null; userScimId: string; userEmail: string };

/**
 * Memberships in the campaign's scope (snapshot `@s0`) that are gone from `@s1` although nobody
 * revoked them, for users still in the directory (a removed user is reported once, as a user), in
 * (group, user) order.
 */
export function iterateUnexpectedMembershipRemovals(
  db: TDb,
  campaignId: number,
  scope: TCampaignScope,
  campaignSnapshotId: number,
  freshSnapshotId: number,
): IterableIterator<TMembershipChangeRaw> {
  return db
    .prepare<[Record<string, unknown>], TMembershipChangeRaw>(
      `SELECT m0.group_id AS groupScimId, g0.display_name AS groupName, m0.user_id AS userScimId, u0.email AS userEmail
         FROM snapshot_memberships m0
         JOIN snapshot_users u0 ON u0.snapshot_id = m0.snapshot_id AND u0.scim_id = m0.user_id
         JOIN snapshot_users u1 ON u1.snapshot_id = @s1 AND u1.scim_id = m0.user_id
         LEFT JOIN snapshot_groups g0 ON g0.snapshot_id = m0.snapshot_id AND g0.scim_id = m0.group_id
        WHERE m0.snapshot_id = @s0 AND ${userInScope('u0', scope)} AND ${groupInScope('m0', scope)}
          AND NOT EXISTS (SELECT 1 FROM snapshot_memberships m1 WHERE m1.snapshot_id = @s1 AND m1.group_id = m0.group_id AND m1.user_id = m0.user_id)
          AND NOT EXISTS (SELECT 1 FROM review_items r WHERE r.campaign_id = @c AND r.user_scim_id = m0.user_id AND r.kind = 'membership'
                             AND r.group_scim_id = m0.group_id AND r.decision = 'revoke' AND r.excluded_reason IS NULL)
        ORDER BY m0.group_id, m0.user_id`,
    )
    .iterate({ ...scopeParams(scope), c: campaignId, s0: campaignSnapshotId, s1: freshSnapshotId });
}

/** Memberships of users in the campaign's scope that exist in `@s1` but not in `@s0` (access granted after the review), in (group, user) order. */
export function iterateMembershipAdditions(db: TDb, scope: TCampaignScope, campaignSnapshotId: number, freshSnapshotId: number): IterableIterator<TMembershipChangeRaw> {
  return db
    .prepare<[Record<string, unknown>], TMembershipChangeRaw>(
      `SELECT m1.group_id AS groupScimId, g1.display_name AS groupName, m1.user_id AS userScimId, u0.email AS userEmail
         FROM snapshot_memberships m1
         JOIN snapshot_users u0 ON u0.snapshot_id = @s0 AND u0.scim_id = m1.user_id
         LEFT JOIN snapshot_groups g1 ON g1.snapshot_id = m1.snapshot_id AND g1.scim_id = m1.group_id
        WHERE m1.snapshot_id = @s1 AND ${userInScope('u0', scope)} AND ${groupInScope('m1', scope)}
          AND NOT EXISTS (SELECT 1 FROM snapshot_memberships m0 WHERE m0.snapshot_id = @s0 AND m0.group_id = m1.group_id AND m0.user_id = m1.user_id)
        ORDER BY m1.group_id, m1.user_id`,
    )
    .iterate({ ...scopeParams(scope), s0: campaignSnapshotId, s1: freshSnapshotId });
}

// ─── Audit log (read) ───────────────────────────────────────────────────────────────────────

export type TCampaignAuditRaw = { id: number; at: string; actorEmail: string; action: string; details: string };

/** Audit rows that target the campaign itself (launch, bulk decisions, sign-offs, reassignments, close, downloads…), in order. */
export function iterateCampaignAuditRows(db: TDb, campaignId: number): IterableIterator<TCampaignAuditRaw> {
  return db
    .prepare<[string], TCampaignAuditRaw>(
      `SELECT id, at, actor_email AS actorEmail, action, details FROM audit_log WHERE target_type = 'campaign' AND target_id = ? ORDER BY id`,
    )
    .iterate(String(campaignId));
}

/** Audit rows about single items of the campaign (`review.decided`, `review.undone`, `remediation.applied`, `remediation.failed`…), by action. */
export function countItemAuditRows(db: TDb, campaignId: number): Array<{ action: string; n: number }> {
  return db
    .prepare<[number], { action: string; n: number }>(
      `SELECT action, count(*) AS n FROM audit_log
        WHERE target_type IN ('review_item', 'remediation_action') AND json_extract(details, '$.campaignId') = ? GROUP BY action ORDER BY action`,
    )
    .all(campaignId);
}
