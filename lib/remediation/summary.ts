import type { TRemediationRun } from '@/db/schema';
import type { TRemediationRunView, TRunSummary } from './types';

/** The run summary kept in `remediation_runs.summary_json`, and the run as pages see it. Pure. */

export function emptySummary(rowsAtStart = 0): TRunSummary {
  return {
    rowsAtStart,
    verified: 0,
    alreadyInWantedState: 0,
    recovered: 0,
    failed: 0,
    retriesScheduled: 0,
    unverified: 0,
    patchesSent: 0,
    checks: 0,
    requests: 0,
    retries: 0,
    throttled: 0,
    rateLimitWaitMs: 0,
    stoppedReason: null,
    durationMs: 0,
  };
}

type TStoredSummary = Partial<TRunSummary> & { interruptedReason?: string };

/** The stored JSON, tolerant of rows written by an older version (missing keys) or by hand (garbage). */
export function parseSummary(json: string | null): TStoredSummary {
  if (!json) return {};
  try {
    const value = JSON.parse(json) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as TStoredSummary) : {};
  } catch {
    return {};
  }
}

export function toRunView(run: TRemediationRun): TRemediationRunView {
  const stored = parseSummary(run.summaryJson);
  const { interruptedReason, ...counters } = stored;
  return {
    id: run.id,
    campaignId: run.campaignId,
    status: run.status,
    startedByEmail: run.startedByEmail,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    heartbeatAt: run.heartbeatAt,
    summary: run.summaryJson ? { ...emptySummary(), ...counters } : null,
    interruptedReason: interruptedReason ?? null,
  };
}
