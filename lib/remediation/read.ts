import 'server-only';
import { z } from 'zod';
import { REMEDIATION_STATUSES, type TRemediationAction } from '@/db/schema';
import { AppError } from '@/lib/errors';
import {
  countActionsByStatus,
  getActionRow,
  getLatestCampaignRunRow,
  getRunningRunRow,
  getRunRow,
  listActionPage,
  queryRetrying,
} from './queries';
import { recoverInterruptedRemediationRuns } from './recovery';
import { storedRequest } from './requests';
import { toRunView } from './summary';
import type { TPage, TRemediationActionDetail, TRemediationActionRow, TRemediationProgress, TRemediationRunView } from './types';

/** Reads for pages (admins and auditors; callers check the role). */

function toActionRow(r: TRemediationAction): TRemediationActionRow {
  return {
    id: r.id,
    source: r.source,
    campaignId: r.campaignId,
    itemId: r.itemId,
    kind: r.kind,
    userScimId: r.userScimId,
    userEmail: r.userEmail,
    groupScimId: r.groupScimId,
    groupName: r.groupName,
    reason: r.reason,
    requestMethod: r.requestMethod,
    requestPath: r.requestPath,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt,
    lastError: r.lastError,
    responseStatus: r.responseStatus,
    verifyNote: r.verifyNote,
    requestedByEmail: r.requestedByEmail,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    startedAt: r.startedAt,
    appliedAt: r.appliedAt,
    verifiedAt: r.verifiedAt,
  };
}

/** The run going on now (after recovering dead ones), or null. */
export function getRunningRemediation(): TRemediationRunView | null {
  recoverInterruptedRemediationRuns();
  const run = getRunningRunRow();
  return run ? toRunView(run) : null;
}

export function getRemediationRun(runId: number): TRemediationRunView | null {
  if (!Number.isInteger(runId) || runId < 1) return null;
  const run = getRunRow(runId);
  return run ? toRunView(run) : null;
}

/**
 * A campaign's remediation at a glance (null: the stale-account deactivations, which belong to no
 * campaign): rows per status, how many are done (verified, or failed until someone retries them),
 * retries waiting, the run draining them now and the last run started for them.
 */
export function getRemediationProgress(campaignId: number | null): TRemediationProgress {
  const scope = campaignId ?? 'stale';
  const counts = countActionsByStatus(scope);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const done = counts.verified + counts.failed;
  const { retrying, nextAttemptAt } = queryRetrying(scope);
  const running = getRunningRemediation();
  const last = getLatestCampaignRunRow(campaignId);
  return {
    campaignId,
    total,
    counts,
    retrying,
    done,
    percentDone: total === 0 ? 100 : Math.floor((done / total) * 1000) / 10,
    nextAttemptAt,
    running: running && (running.campaignId === null || running.campaignId === campaignId) ? running : null,
    lastRun: last ? toRunView(last) : null,
  };
}

export const ZActionListQuery = z.object({
  status: z.enum(REMEDIATION_STATUSES).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type TActionListQuery = z.input<typeof ZActionListQuery>;

/** One page of a campaign's outbox rows (null: the stale-account deactivations) in id order, the order they were queued; optionally by status. */
export function listRemediationActions(campaignId: number | null, query: TActionListQuery = {}): TPage<TRemediationActionRow> {
  const parsed = ZActionListQuery.safeParse(query);
  if (!parsed.success) throw new AppError('invalid', `Invalid list query: ${parsed.error.issues[0]?.message ?? 'check the filters'}.`);
  const { status, page, pageSize } = parsed.data;
  const { rows, total } = listActionPage(campaignId ?? 'stale', status, pageSize, (page - 1) * pageSize);
  return { rows: rows.map(toActionRow), total, page, pageSize };
}

/** One outbox row with its evidence (the exact request, the server's answer, the verification), or null. */
export function getRemediationAction(id: number): TRemediationActionDetail | null {
  if (!Number.isInteger(id) || id < 1) return null;
  const row = getActionRow(id);
  if (!row) return null;
  return { ...toActionRow(row), idempotencyKey: row.idempotencyKey, request: storedRequest(row), responseBody: row.responseBody };
}
