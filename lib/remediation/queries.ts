import 'server-only';
import { and, asc, count, desc, eq, gt, inArray, isNull, lte, min, or, sql, type SQL } from 'drizzle-orm';
import { getDb, type TExecutor } from '@/db/client';
import { prepared, writeTransaction } from '@/db/statements';
import {
  campaigns,
  remediationActions,
  remediationRuns,
  snapshots,
  snapshotUsers,
  type TCampaign,
  type TItemKind,
  type TRemediationAction,
  type TRemediationRun,
  type TRemediationRunStatus,
  type TRemediationStatus,
} from '@/db/schema';

/**
 * Every SQL statement of lib/remediation. Outbox rows and runs go through drizzle; the bulk
 * insert at close and the revoke reads use raw prepared statements on the process connection,
 * which join the caller's transaction (the close runs in lib/review's IMMEDIATE transaction).
 *
 * Status changes are guarded by the status they expect (`WHERE status IN (…)`), so a worker that
 * lost its run (recovered as interrupted by another process) cannot move a row backwards.
 */

export { writeTransaction };

export const nowIso = (): string => new Date().toISOString();

/** Which outbox rows: one campaign's, the stale-account deactivations (no campaign), or all of them (a run over everything). */
export type TActionScope = number | 'stale' | 'all';

function inScope(scope: TActionScope): SQL | undefined {
  if (scope === 'all') return undefined;
  if (scope === 'stale') return isNull(remediationActions.campaignId);
  return eq(remediationActions.campaignId, scope);
}

// ─── Campaigns and revokes (read only) ──────────────────────────────────────────────────────

export type TCampaignRef = Pick<TCampaign, 'id' | 'name' | 'status' | 'revokeImmediately' | 'undecidedAction'>;

export function getCampaignRef(id: number, tx: TExecutor = getDb()): TCampaignRef | null {
  return (
    tx
      .select({ id: campaigns.id, name: campaigns.name, status: campaigns.status, revokeImmediately: campaigns.revokeImmediately, undecidedAction: campaigns.undecidedAction })
      .from(campaigns)
      .where(eq(campaigns.id, id))
      .get() ?? null
  );
}

/** A review item that is (or, for a preview, would be) revoked. */
export type TRevokeItem = {
  itemId: number;
  kind: TItemKind;
  userScimId: string;
  groupScimId: string | null;
  userEmail: string;
  groupName: string | null;
  decidedByEmail: string | null;
  decidedByRule: 0 | 1;
  comment: string | null;
  /** 1 when the item is undecided and only the close rule would revoke it (previews). */
  undecided: 0 | 1;
};

/** Items decided 'revoke', or undecided ones (what a close with the "revoke" rule would revoke). */
export type TRevokeSegment = 'revoked' | 'undecided';

const REVOKE_ITEM_COLUMNS = `id AS itemId, kind, user_scim_id AS userScimId, group_scim_id AS groupScimId, user_email AS userEmail, group_name AS groupName,
            decided_by_email AS decidedByEmail, decided_by_rule AS decidedByRule, decision_comment AS comment, (decision IS NULL) AS undecided`;

/**
 * Items of one segment in id order after `afterItemId` (excluded items are out of the review: never remediated). One equality on `decision` keeps the walk
 * on `review_items_decision_idx` (campaign_id, decision, rowid): an OR of both would sort the
 * whole campaign for every batch (seconds at 100k items, inside the close's transaction).
 */
export function listRevokeItems(
  campaignId: number,
  segment: TRevokeSegment,
  options: { afterItemId: number; limit: number; offset?: number; withoutRow?: boolean },
): TRevokeItem[] {
  const decision = segment === 'revoked' ? "decision = 'revoke'" : 'decision IS NULL';
  // `withoutRow`: only items that have no outbox row yet (an item has at most one), so enqueueing again reads nothing.
  const unqueued = options.withoutRow ? 'AND NOT EXISTS (SELECT 1 FROM remediation_actions ra WHERE ra.item_id = review_items.id)' : '';
  return prepared<TRevokeItem>(
    `SELECT ${REVOKE_ITEM_COLUMNS} FROM review_items INDEXED BY review_items_decision_idx
      WHERE campaign_id = @campaignId AND ${decision} AND excluded_reason IS NULL AND id > @afterItemId ${unqueued}
      ORDER BY id LIMIT @limit OFFSET @offset`,
  ).all({ campaignId, afterItemId: options.afterItemId, limit: options.limit, offset: options.offset ?? 0 });
}

export function countRevokeItems(campaignId: number, segment: TRevokeSegment): { account: number; membership: number } {
  const decision = segment === 'revoked' ? "decision = 'revoke'" : 'decision IS NULL';
  const row = prepared<{ account: number; membership: number }>(
    `SELECT coalesce(sum(kind = 'account'), 0) AS account, coalesce(sum(kind = 'membership'), 0) AS membership
       FROM review_items INDEXED BY review_items_decision_idx WHERE campaign_id = @campaignId AND ${decision} AND excluded_reason IS NULL`,
  ).get({ campaignId });
  return row ?? { account: 0, membership: 0 };
}

// ─── Snapshot users (stale deactivations) ───────────────────────────────────────────────────

export function getLatestCompleteSnapshotId(tx: TExecutor = getDb()): number | null {
  return tx.select({ id: snapshots.id }).from(snapshots).where(eq(snapshots.status, 'complete')).orderBy(desc(snapshots.id)).limit(1).get()?.id ?? null;
}

export function findSnapshotUsers(tx: TExecutor, snapshotId: number, scimIds: readonly string[]): Array<{ scimId: string; email: string }> {
  const out: Array<{ scimId: string; email: string }> = [];
  // Chunks keep each statement under SQLite's bound-variable limit.
  for (let i = 0; i < scimIds.length; i += 500) {
    const chunk = scimIds.slice(i, i + 500);
    out.push(
      ...tx
        .select({ scimId: snapshotUsers.scimId, email: snapshotUsers.email })
        .from(snapshotUsers)
        .where(and(eq(snapshotUsers.snapshotId, snapshotId), inArray(snapshotUsers.scimId, chunk)))
        .all(),
    );
  }
  return out;
}

/** Users among `scimIds` with a deactivation that is not finished (pending, in flight or applied), from any source. */
export function findOpenDeactivations(tx: TExecutor, scimIds: readonly string[]): Set<string> {
  const open = new Set<string>();
  for (let i = 0; i < scimIds.length; i += 500) {
    const chunk = scimIds.slice(i, i + 500);
    const rows = tx
      .select({ userScimId: remediationActions.userScimId })
      .from(remediationActions)
      .where(
        and(
          inArray(remediationActions.userScimId, chunk),
          eq(remediationActions.kind, 'deactivate_user'),
          inArray(remediationActions.status, ['pending', 'in_flight', 'applied']),
        ),
      )
      .all();
    for (const r of rows) open.add(r.userScimId);
  }
  return open;
}

// ─── Outbox rows ────────────────────────────────────────────────────────────────────────────

export type TActionInsert = {
  idempotencyKey: string;
  source: 'campaign' | 'stale';
  campaignId: number | null;
  itemId: number | null;
  kind: 'deactivate_user' | 'remove_membership';
  userScimId: string;
  groupScimId: string | null;
  userEmail: string;
  groupName: string | null;
  reason: string;
  requestMethod: string;
  requestPath: string;
  requestBody: string;
  requestedByEmail: string;
  updatedAt: string;
};

/** Insert one outbox row unless its idempotency key exists; true when written. Joins the open transaction. */
export function insertActionIfNew(row: TActionInsert): boolean {
  return (
    prepared(
      `INSERT INTO remediation_actions (idempotency_key, source, campaign_id, item_id, kind, user_scim_id, group_scim_id, user_email, group_name,
                                        reason, request_method, request_path, request_body, status, attempts, requested_by_email, updated_at)
       VALUES (@idempotencyKey, @source, @campaignId, @itemId, @kind, @userScimId, @groupScimId, @userEmail, @groupName,
               @reason, @requestMethod, @requestPath, @requestBody, 'pending', 0, @requestedByEmail, @updatedAt)
       ON CONFLICT (idempotency_key) DO NOTHING`,
    ).run(row).changes > 0
  );
}

export function getActionRow(id: number, tx: TExecutor = getDb()): TRemediationAction | null {
  return tx.select().from(remediationActions).where(eq(remediationActions.id, id)).get() ?? null;
}

export function countActionsByStatus(scope: TActionScope): Record<TRemediationStatus, number> {
  const counts: Record<TRemediationStatus, number> = { pending: 0, in_flight: 0, applied: 0, verified: 0, failed: 0 };
  const rows = getDb()
    .select({ status: remediationActions.status, n: count() })
    .from(remediationActions)
    .where(inScope(scope))
    .groupBy(remediationActions.status)
    .all();
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

/** Pending rows that were sent before (waiting for a retry), and the earliest scheduled attempt. */
export function queryRetrying(scope: TActionScope): { retrying: number; nextAttemptAt: string | null } {
  const row = getDb()
    .select({ n: count(), next: min(remediationActions.nextAttemptAt) })
    .from(remediationActions)
    .where(and(inScope(scope), eq(remediationActions.status, 'pending'), gt(remediationActions.attempts, 0)))
    .get();
  return { retrying: row?.n ?? 0, nextAttemptAt: row?.next ?? null };
}

export function listActionPage(scope: TActionScope, status: TRemediationStatus | undefined, limit: number, offset: number): { rows: TRemediationAction[]; total: number } {
  const db = getDb();
  const where = and(inScope(scope), status ? eq(remediationActions.status, status) : undefined);
  const rows = db.select().from(remediationActions).where(where).orderBy(asc(remediationActions.id)).limit(limit).offset(offset).all();
  const total = db.select({ n: count() }).from(remediationActions).where(where).get()?.n ?? 0;
  return { rows, total };
}

/** Rows of a campaign in id order after `afterId` (dry run over the outbox, exports). */
export function listCampaignActionsAfter(campaignId: number, afterId: number, limit: number): TRemediationAction[] {
  return getDb()
    .select()
    .from(remediationActions)
    .where(and(eq(remediationActions.campaignId, campaignId), gt(remediationActions.id, afterId)))
    .orderBy(asc(remediationActions.id))
    .limit(limit)
    .all();
}

export function countCampaignActionsByKind(campaignId: number): { deactivate_user: number; remove_membership: number } {
  const out = { deactivate_user: 0, remove_membership: 0 };
  const rows = getDb()
    .select({ kind: remediationActions.kind, n: count() })
    .from(remediationActions)
    .where(eq(remediationActions.campaignId, campaignId))
    .groupBy(remediationActions.kind)
    .all();
  for (const r of rows) out[r.kind] = r.n;
  return out;
}

/** The rows with these ids that belong to the campaign (null: stale-account rows). */
export function listActionsByIds(tx: TExecutor, campaignId: number | null, ids: readonly number[]): TRemediationAction[] {
  const scope = campaignId === null ? isNull(remediationActions.campaignId) : eq(remediationActions.campaignId, campaignId);
  return tx.select().from(remediationActions).where(and(scope, inArray(remediationActions.id, [...ids]))).all();
}

export function listFailedActionIds(tx: TExecutor, campaignId: number | null): number[] {
  const scope = campaignId === null ? isNull(remediationActions.campaignId) : eq(remediationActions.campaignId, campaignId);
  return tx
    .select({ id: remediationActions.id })
    .from(remediationActions)
    .where(and(scope, eq(remediationActions.status, 'failed')))
    .orderBy(asc(remediationActions.id))
    .all()
    .map((r) => r.id);
}

/** failed → pending (attempts and the last error kept as history); only rows still failed. */
export function resetFailedActions(tx: TExecutor, ids: readonly number[], at: string): number {
  let changed = 0;
  for (let i = 0; i < ids.length; i += 500) {
    changed += tx
      .update(remediationActions)
      .set({ status: 'pending', nextAttemptAt: null, updatedAt: at })
      .where(and(inArray(remediationActions.id, ids.slice(i, i + 500)), eq(remediationActions.status, 'failed')))
      .run().changes;
  }
  return changed;
}

// ─── Worker transitions ─────────────────────────────────────────────────────────────────────

/** Rows left `in_flight` (only possible after a worker died: a live run is the only one, and it is ours). */
export function listInFlightActions(scope: TActionScope): TRemediationAction[] {
  return getDb()
    .select()
    .from(remediationActions)
    .where(and(inScope(scope), eq(remediationActions.status, 'in_flight')))
    .orderBy(asc(remediationActions.id))
    .all();
}

export function countInFlightActions(scope: TActionScope): number {
  return (
    getDb()
      .select({ n: count() })
      .from(remediationActions)
      .where(and(inScope(scope), eq(remediationActions.status, 'in_flight')))
      .get()?.n ?? 0
  );
}

/** Pending and applied rows whose time has come, in id order after `afterId`. */
export function listDueActions(scope: TActionScope, now: string, afterId: number, limit: number): TRemediationAction[] {
  return getDb()
    .select()
    .from(remediationActions)
    .where(
      and(
        inScope(scope),
        inArray(remediationActions.status, ['pending', 'applied']),
        or(isNull(remediationActions.nextAttemptAt), lte(remediationActions.nextAttemptAt, now)),
        gt(remediationActions.id, afterId),
      ),
    )
    .orderBy(asc(remediationActions.id))
    .limit(limit)
    .all();
}

/** The earliest retry scheduled after `now` among pending and applied rows, or null. */
export function nextScheduledAttempt(scope: TActionScope, now: string): string | null {
  return (
    getDb()
      .select({ next: min(remediationActions.nextAttemptAt) })
      .from(remediationActions)
      .where(and(inScope(scope), inArray(remediationActions.status, ['pending', 'applied']), gt(remediationActions.nextAttemptAt, now)))
      .get()?.next ?? null
  );
}

/** Rows the run has to work through: not yet verified or failed. */
export function countOpenActions(scope: TActionScope): number {
  return (
    getDb()
      .select({ n: count() })
      .from(remediationActions)
      .where(and(inScope(scope), inArray(remediationActions.status, ['pending', 'in_flight', 'applied'])))
      .get()?.n ?? 0
  );
}

/** pending | in_flight → in_flight, attempts + 1: the row is about to be sent. Null when it is no longer sendable. */
export function claimAction(id: number, at: string): TRemediationAction | null {
  return (
    getDb()
      .update(remediationActions)
      .set({ status: 'in_flight', attempts: sql`${remediationActions.attempts} + 1`, startedAt: at, updatedAt: at, nextAttemptAt: null })
      .where(and(eq(remediationActions.id, id), inArray(remediationActions.status, ['pending', 'in_flight'])))
      .returning()
      .get() ?? null
  );
}

/**
 * in_flight → applied with Airtable's answer (2xx, or the 404/400 that says the target is gone).
 * `last_error` is kept: it is the history of an earlier failed try, shown with the row.
 */
export function markActionApplied(id: number, values: { responseStatus: number | null; responseBody: string | null; at: string }): boolean {
  return (
    getDb()
      .update(remediationActions)
      .set({ status: 'applied', responseStatus: values.responseStatus, responseBody: values.responseBody, appliedAt: values.at, updatedAt: values.at, nextAttemptAt: null })
      .where(and(eq(remediationActions.id, id), eq(remediationActions.status, 'in_flight')))
      .run().changes > 0
  );
}

/** → verified with what the GET found. Joins the caller's transaction (the audit row commits with it). */
export function markActionVerified(tx: TExecutor, id: number, values: { note: string; at: string }): TRemediationAction | null {
  return (
    tx
      .update(remediationActions)
      .set({ status: 'verified', verifyNote: values.note, verifiedAt: values.at, updatedAt: values.at, nextAttemptAt: null })
      .where(and(eq(remediationActions.id, id), inArray(remediationActions.status, ['pending', 'in_flight', 'applied'])))
      .returning()
      .get() ?? null
  );
}

/** → failed with the reason (and the server's answer when there was one). Joins the caller's transaction. */
export function markActionFailed(
  tx: TExecutor,
  id: number,
  values: { lastError: string; responseStatus?: number | null; responseBody?: string | null; at: string },
): TRemediationAction | null {
  const answer = values.responseStatus === undefined ? {} : { responseStatus: values.responseStatus, responseBody: values.responseBody ?? null };
  return (
    tx
      .update(remediationActions)
      .set({ status: 'failed', lastError: values.lastError, updatedAt: values.at, nextAttemptAt: null, ...answer })
      .where(and(eq(remediationActions.id, id), inArray(remediationActions.status, ['pending', 'in_flight', 'applied'])))
      .returning()
      .get() ?? null
  );
}

/**
 * Schedule another attempt: an unsent or ambiguous row goes back to pending (it will be checked
 * before it is sent again, since attempts > 0); an applied row stays applied (only its GET is repeated).
 */
export function scheduleActionRetry(
  id: number,
  values: { status: 'pending' | 'applied'; nextAttemptAt: string | null; lastError: string; responseStatus?: number | null; responseBody?: string | null; at: string },
): boolean {
  const answer = values.responseStatus === undefined ? {} : { responseStatus: values.responseStatus, responseBody: values.responseBody ?? null };
  const from: TRemediationStatus[] = values.status === 'applied' ? ['applied'] : ['pending', 'in_flight', 'applied'];
  return (
    getDb()
      .update(remediationActions)
      .set({ status: values.status, nextAttemptAt: values.nextAttemptAt, lastError: values.lastError, updatedAt: values.at, ...answer })
      .where(and(eq(remediationActions.id, id), inArray(remediationActions.status, from)))
      .run().changes > 0
  );
}

// ─── Runs ───────────────────────────────────────────────────────────────────────────────────

export type TNewRun = Pick<typeof remediationRuns.$inferInsert, 'campaignId' | 'startedByEmail' | 'startedAt' | 'ownerPid' | 'ownerHost' | 'heartbeatAt' | 'summaryJson'>;

export function insertRunningRun(tx: TExecutor, values: TNewRun): TRemediationRun {
  return tx
    .insert(remediationRuns)
    .values({ ...values, status: 'running' })
    .returning()
    .get();
}

export function getRunRow(id: number, tx: TExecutor = getDb()): TRemediationRun | null {
  return tx.select().from(remediationRuns).where(eq(remediationRuns.id, id)).get() ?? null;
}

export function getRunningRunRow(tx: TExecutor = getDb()): TRemediationRun | null {
  return tx.select().from(remediationRuns).where(eq(remediationRuns.status, 'running')).orderBy(desc(remediationRuns.id)).limit(1).get() ?? null;
}

export function listRunningRunRows(tx: TExecutor = getDb()): TRemediationRun[] {
  return tx.select().from(remediationRuns).where(eq(remediationRuns.status, 'running')).all();
}

/** The newest run started for a campaign (null: the newest run over the whole outbox). */
export function getLatestCampaignRunRow(campaignId: number | null): TRemediationRun | null {
  const where = campaignId === null ? isNull(remediationRuns.campaignId) : eq(remediationRuns.campaignId, campaignId);
  return getDb().select().from(remediationRuns).where(where).orderBy(desc(remediationRuns.id)).limit(1).get() ?? null;
}

/** Progress and heartbeat of a running run; false when it is no longer running (recovered elsewhere). */
export function touchRun(id: number, values: { heartbeatAt: string; summaryJson: string }): boolean {
  return (
    getDb()
      .update(remediationRuns)
      .set(values)
      .where(and(eq(remediationRuns.id, id), eq(remediationRuns.status, 'running')))
      .run().changes > 0
  );
}

/** running → finished | interrupted, only if still running. */
export function markRunEnded(
  tx: TExecutor,
  id: number,
  values: { status: Exclude<TRemediationRunStatus, 'running'>; finishedAt: string; summaryJson: string; heartbeatAt?: string },
): boolean {
  return (
    tx
      .update(remediationRuns)
      .set(values)
      .where(and(eq(remediationRuns.id, id), eq(remediationRuns.status, 'running')))
      .run().changes > 0
  );
}
