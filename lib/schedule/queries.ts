import 'server-only';
import { and, asc, desc, eq, inArray, notInArray, sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { getDb, type TExecutor, type TTx } from '@/db/client';
import { campaigns, campaignTemplateRuns, campaignTemplates, type TCampaignTemplate, type TCampaignTemplateRun, type TTemplateRunStatus } from '@/db/schema';

/**
 * Every SQL statement of lib/schedule. Run rows change only through compare-and-swap updates
 * guarded by the status they expect AND the owner (pid, host) that holds them, so a process
 * that lost its run (taken over after its heartbeat went stale) can never move it on: its
 * update matches nothing, and the caller rolls back whatever it wrote in the same transaction.
 */

/** Run `fn` in one IMMEDIATE transaction (write lock up front). Synchronous: `fn` must not await. */
export function writeTransaction<T>(fn: (tx: TTx) => T): T {
  return getDb().transaction(fn, { behavior: 'immediate' });
}

export type { TTx };

/** The process working on a run. */
export type TRunOwnerId = { pid: number; host: string };

export const UNFINISHED_RUN_STATUSES = ['claimed', 'snapshot_taken', 'draft_created'] as const satisfies readonly TTemplateRunStatus[];

/** SQLite's null-safe equality (`a IS b`): an unowned run has NULL owner columns. */
const isValue = (column: AnySQLiteColumn, value: string | number | null): SQL => sql`${column} IS ${value}`;

const ownedBy = (owner: TRunOwnerId): SQL | undefined => and(eq(campaignTemplateRuns.ownerPid, owner.pid), eq(campaignTemplateRuns.ownerHost, owner.host));

// ─── Templates ──────────────────────────────────────────────────────────────────────────────

export type TTemplateValues = Pick<TCampaignTemplate, 'name' | 'enabled' | 'cron' | 'timezone' | 'settingsJson' | 'activeFrom'>;

export function insertTemplateRow(tx: TExecutor, values: TTemplateValues & { createdByEmail: string; createdAt: string }): TCampaignTemplate {
  return tx
    .insert(campaignTemplates)
    .values({ ...values, updatedByEmail: values.createdByEmail, updatedAt: values.createdAt })
    .returning()
    .get();
}

export function getTemplateRow(id: number, tx: TExecutor = getDb()): TCampaignTemplate | null {
  return tx.select().from(campaignTemplates).where(eq(campaignTemplates.id, id)).get() ?? null;
}

/** Every template, enabled first, then by name. */
export function listTemplateRows(tx: TExecutor = getDb()): TCampaignTemplate[] {
  return tx.select().from(campaignTemplates).orderBy(desc(campaignTemplates.enabled), asc(campaignTemplates.name), asc(campaignTemplates.id)).all();
}

export function listEnabledTemplateRows(tx: TExecutor = getDb()): TCampaignTemplate[] {
  return tx.select().from(campaignTemplates).where(eq(campaignTemplates.enabled, true)).orderBy(asc(campaignTemplates.id)).all();
}

export function updateTemplateRow(tx: TExecutor, id: number, values: TTemplateValues & { updatedByEmail: string; updatedAt: string }): boolean {
  return tx.update(campaignTemplates).set(values).where(eq(campaignTemplates.id, id)).run().changes === 1;
}

/** Delete a template; its run rows go with it (ON DELETE CASCADE), its campaigns stay. */
export function deleteTemplateRow(tx: TExecutor, id: number): boolean {
  return tx.delete(campaignTemplates).where(eq(campaignTemplates.id, id)).run().changes === 1;
}

// ─── Runs ───────────────────────────────────────────────────────────────────────────────────

export function getRunRow(id: number, tx: TExecutor = getDb()): TCampaignTemplateRun | null {
  return tx.select().from(campaignTemplateRuns).where(eq(campaignTemplateRuns.id, id)).get() ?? null;
}

export function getRunForPeriod(templateId: number, periodAt: string, tx: TExecutor = getDb()): TCampaignTemplateRun | null {
  return (
    tx
      .select()
      .from(campaignTemplateRuns)
      .where(and(eq(campaignTemplateRuns.templateId, templateId), eq(campaignTemplateRuns.periodAt, periodAt)))
      .get() ?? null
  );
}

/**
 * Claim a period: INSERT the run row owned by `owner`. Throws SQLite's UNIQUE constraint error
 * when the (template, period) row exists: the index is the lock between processes.
 */
export function insertClaimedRun(tx: TExecutor, values: { templateId: number; periodAt: string; owner: TRunOwnerId; at: string }): TCampaignTemplateRun {
  return tx
    .insert(campaignTemplateRuns)
    .values({
      templateId: values.templateId,
      periodAt: values.periodAt,
      status: 'claimed',
      ownerPid: values.owner.pid,
      ownerHost: values.owner.host,
      heartbeatAt: values.at,
      startedAt: values.at,
    })
    .returning()
    .get();
}

/** Runs not yet launched or failed, of every template, oldest first. */
export function listUnfinishedRuns(tx: TExecutor = getDb()): TCampaignTemplateRun[] {
  return tx
    .select()
    .from(campaignTemplateRuns)
    .where(inArray(campaignTemplateRuns.status, [...UNFINISHED_RUN_STATUSES]))
    .orderBy(asc(campaignTemplateRuns.periodAt), asc(campaignTemplateRuns.id))
    .all();
}

/** The run exactly as `seen` (status, owner, heartbeat): a compare-and-swap on what the caller read. */
function unchangedSince(seen: TCampaignTemplateRun): SQL | undefined {
  return and(
    eq(campaignTemplateRuns.id, seen.id),
    eq(campaignTemplateRuns.status, seen.status),
    isValue(campaignTemplateRuns.ownerPid, seen.ownerPid),
    isValue(campaignTemplateRuns.ownerHost, seen.ownerHost),
    isValue(campaignTemplateRuns.heartbeatAt, seen.heartbeatAt),
  );
}

/** Become the owner of a run whose owner is gone; false when someone changed it since it was read. */
export function takeOverRun(tx: TExecutor, seen: TCampaignTemplateRun, owner: TRunOwnerId, at: string): boolean {
  return tx.update(campaignTemplateRuns).set({ ownerPid: owner.pid, ownerHost: owner.host, heartbeatAt: at }).where(unchangedSince(seen)).run().changes === 1;
}

/** End a run nobody owns any more (its owner is gone) without taking it over; false when it changed since it was read. */
export function failUnownedRun(tx: TExecutor, seen: TCampaignTemplateRun, error: string, at: string): boolean {
  return tx.update(campaignTemplateRuns).set({ status: 'failed', error, finishedAt: at }).where(unchangedSince(seen)).run().changes === 1;
}

export type TRunStep = Partial<Pick<TCampaignTemplateRun, 'status' | 'snapshotId' | 'campaignId' | 'error' | 'finishedAt' | 'heartbeatAt'>>;

/** Move a run on (status and what it produced) while still its owner and in `from`; false when not. */
export function updateOwnedRun(tx: TExecutor, runId: number, owner: TRunOwnerId, from: TTemplateRunStatus, changes: TRunStep): boolean {
  return (
    tx
      .update(campaignTemplateRuns)
      .set(changes)
      .where(and(eq(campaignTemplateRuns.id, runId), eq(campaignTemplateRuns.status, from), ownedBy(owner)))
      .run().changes === 1
  );
}

/** Let go of an unfinished run (it could not continue now; the next tick picks it up). */
export function releaseRun(tx: TExecutor, runId: number, owner: TRunOwnerId): boolean {
  return (
    tx
      .update(campaignTemplateRuns)
      .set({ ownerPid: null, ownerHost: null, heartbeatAt: null })
      .where(and(eq(campaignTemplateRuns.id, runId), ownedBy(owner), inArray(campaignTemplateRuns.status, [...UNFINISHED_RUN_STATUSES])))
      .run().changes === 1
  );
}

/** The owner's heartbeat; false when the run is no longer ours (taken over, finished, deleted with its template). */
export function touchRunHeartbeat(runId: number, owner: TRunOwnerId, at: string): boolean {
  return (
    getDb()
      .update(campaignTemplateRuns)
      .set({ heartbeatAt: at })
      .where(and(eq(campaignTemplateRuns.id, runId), ownedBy(owner), inArray(campaignTemplateRuns.status, [...UNFINISHED_RUN_STATUSES])))
      .run().changes === 1
  );
}

/** A run with its campaign's name and status (null when there is none, or it was deleted). */
export type TRunWithCampaign = TCampaignTemplateRun & { campaignName: string | null; campaignStatus: string | null };

const runWithCampaignColumns = {
  id: campaignTemplateRuns.id,
  templateId: campaignTemplateRuns.templateId,
  periodAt: campaignTemplateRuns.periodAt,
  status: campaignTemplateRuns.status,
  snapshotId: campaignTemplateRuns.snapshotId,
  campaignId: campaignTemplateRuns.campaignId,
  ownerPid: campaignTemplateRuns.ownerPid,
  ownerHost: campaignTemplateRuns.ownerHost,
  heartbeatAt: campaignTemplateRuns.heartbeatAt,
  error: campaignTemplateRuns.error,
  startedAt: campaignTemplateRuns.startedAt,
  finishedAt: campaignTemplateRuns.finishedAt,
  campaignName: campaigns.name,
  campaignStatus: campaigns.status,
};

/** A template's runs, newest period first. */
export function listRunsOfTemplate(templateId: number, limit: number, tx: TExecutor = getDb()): TRunWithCampaign[] {
  return tx
    .select(runWithCampaignColumns)
    .from(campaignTemplateRuns)
    .leftJoin(campaigns, eq(campaigns.id, campaignTemplateRuns.campaignId))
    .where(eq(campaignTemplateRuns.templateId, templateId))
    .orderBy(desc(campaignTemplateRuns.periodAt), desc(campaignTemplateRuns.id))
    .limit(limit)
    .all();
}

/** The latest run (by period) of each template that has one. */
export function listLatestRuns(tx: TExecutor = getDb()): Map<number, TRunWithCampaign> {
  const latest = tx
    .select({ id: sql<number>`max(${campaignTemplateRuns.id})`.as('latest_id') })
    .from(campaignTemplateRuns)
    .where(
      sql`${campaignTemplateRuns.periodAt} = (SELECT max(r2.period_at) FROM campaign_template_runs r2 WHERE r2.template_id = ${campaignTemplateRuns.templateId})`,
    )
    .groupBy(campaignTemplateRuns.templateId)
    .all()
    .map((r) => r.id);
  if (latest.length === 0) return new Map();
  const rows = tx
    .select(runWithCampaignColumns)
    .from(campaignTemplateRuns)
    .leftJoin(campaigns, eq(campaigns.id, campaignTemplateRuns.campaignId))
    .where(inArray(campaignTemplateRuns.id, latest))
    .all();
  return new Map(rows.map((r) => [r.templateId, r]));
}

/** A template's runs that are neither launched nor failed. */
export function listUnfinishedRunsOfTemplate(templateId: number, tx: TExecutor = getDb()): TCampaignTemplateRun[] {
  return tx
    .select()
    .from(campaignTemplateRuns)
    .where(and(eq(campaignTemplateRuns.templateId, templateId), notInArray(campaignTemplateRuns.status, ['launched', 'failed'])))
    .all();
}

/** Campaign ids created from a template (they outlive it: evidence is never deleted with its template). */
export function listCampaignIdsOfTemplate(templateId: number, tx: TExecutor = getDb()): number[] {
  return tx
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(eq(campaigns.templateId, templateId))
    .orderBy(asc(campaigns.id))
    .all()
    .map((r) => r.id);
}
