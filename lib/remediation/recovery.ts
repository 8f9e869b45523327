import 'server-only';
import type { TRemediationRun } from '@/db/schema';
import { appendAudit, SYSTEM_ACTOR } from '@/lib/audit';
import { describeOwnerLoss, RUN_HEARTBEAT_STALE_MS } from '@/lib/jobs/run-owner';
import { log } from '@/lib/log';
import { countInFlightActions, listRunningRunRows, markRunEnded, writeTransaction } from './queries';
import { activeRemediationRuns } from './runs';
import { parseSummary } from './summary';

export { RUN_HEARTBEAT_STALE_MS };

/** Why a `running` run is in fact interrupted, or null while its owner is alive (lib/jobs/run-owner.ts). */
export function describeRunInterruption(run: TRemediationRun, now: Date = new Date()): string | null {
  return describeOwnerLoss(run, activeRemediationRuns().has(run.id), now);
}

/**
 * Mark `interrupted` every running run whose owner is gone or silent for two minutes (audited as
 * `remediation.interrupted`). The rows it left in flight stay so: the next run checks each with a
 * GET before sending anything. Called before every start and by the status view. Returns how many
 * runs were marked.
 */
export function recoverInterruptedRemediationRuns(now: Date = new Date()): number {
  let recovered = 0;
  for (const run of listRunningRunRows()) {
    const reason = describeRunInterruption(run, now);
    if (reason === null) continue;
    const finishedAt = now.toISOString();
    const summary = { ...parseSummary(run.summaryJson), interruptedReason: reason };
    const marked = writeTransaction((tx) => {
      // Guarded by status: two processes recovering at once mark (and audit) it once.
      if (!markRunEnded(tx, run.id, { status: 'interrupted', finishedAt, summaryJson: JSON.stringify(summary) })) return false;
      appendAudit(
        {
          actor: SYSTEM_ACTOR,
          action: 'remediation.interrupted',
          target: { type: 'remediation_run', id: String(run.id) },
          details: { campaignId: run.campaignId, reason, rowsInFlight: countInFlightActions(run.campaignId ?? 'all'), recovered: true },
        },
        tx,
      );
      return true;
    });
    if (!marked) continue;
    log.warn({ runId: run.id, reason }, 'recovered an interrupted remediation run');
    recovered++;
  }
  return recovered;
}
