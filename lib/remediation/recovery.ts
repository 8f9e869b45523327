import 'server-only';
import { hostname } from 'node:os';
import type { TRemediationRun } from '@/db/schema';
import { appendAudit, SYSTEM_ACTOR } from '@/lib/audit';
import { log } from '@/lib/log';
import { countInFlightActions, listRunningRunRows, markRunEnded, writeTransaction } from './queries';
import { activeRemediationRuns } from './runs';
import { parseSummary } from './summary';

/** A running run without a heartbeat for this long belongs to a stuck or vanished process. */
export const RUN_HEARTBEAT_STALE_MS = 2 * 60_000;

/** Whether a process with this pid exists on this host (EPERM: it exists but is someone else's). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Why a `running` run is in fact interrupted, or null while its owner is alive. Same host: the
 * owner pid must exist (our own pid counts only if this process really runs it). Any host: the
 * heartbeat (every few seconds) must be younger than two minutes.
 */
export function describeRunInterruption(run: TRemediationRun, now: Date = new Date()): string | null {
  if (activeRemediationRuns().has(run.id)) return null;
  const who = `pid ${run.ownerPid ?? '?'} on ${run.ownerHost ?? 'an unknown host'}`;
  if (run.ownerHost === hostname() && run.ownerPid !== null && (run.ownerPid === process.pid || !processExists(run.ownerPid))) {
    return `Interrupted: the process that ran it (${who}) stopped before it finished.`;
  }
  const beat = Date.parse(run.heartbeatAt ?? '');
  if (!Number.isFinite(beat) || now.getTime() - beat > RUN_HEARTBEAT_STALE_MS) {
    return `Interrupted: no heartbeat from ${who} since ${run.heartbeatAt ?? 'its start'} (more than 2 minutes).`;
  }
  return null;
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
