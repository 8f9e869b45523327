import 'server-only';
import type { TActor } from '@/lib/audit';
import { log } from '@/lib/log';
import { getRemediationProgress, getRunningRemediation, startRemediation, type TDrainResult, type TRemediationProgress, type TRemediationRunView } from '@/lib/remediation';
import { activeRemediationRuns } from '@/lib/remediation/runs';

// The web server's running remediation, kept outside the request that started it.
const holder = globalThis as unknown as { __attestRemediationJob?: { runId: number; done: Promise<TDrainResult> } };

/**
 * "Apply now" from a page: start draining a campaign's outbox (or, without a campaign, the whole
 * outbox) in the background of the web server with the configured connection, and return the run
 * id at once. Progress is persisted (row statuses and the run's summary), so a page polls
 * `getRemediationStatusView` and a reload or another admin sees the same run. Throws what
 * `startRemediation` throws (conflict: another run, or a campaign that is not closed).
 */
export function startBackgroundRemediation(actor: TActor, input: { campaignId?: number | null }): { runId: number } {
  const job = startRemediation(actor, input, { trigger: 'ui' });
  holder.__attestRemediationJob = job;
  void job.done.then((result) => {
    log.info({ runId: result.runId, status: result.status, counts: result.counts }, 'background remediation finished');
    if (holder.__attestRemediationJob?.runId === result.runId) holder.__attestRemediationJob = undefined;
  });
  return { runId: job.runId };
}

/**
 * Stop the run this web server is doing after the rows in progress (the rest stay queued).
 * False when this process runs nothing with that id (a CLI run stops with SIGINT).
 */
export function cancelBackgroundRemediation(runId: number, reason: string): boolean {
  const run = activeRemediationRuns().get(runId);
  if (!run) return false;
  run.cancel(reason);
  return true;
}

export type TRemediationStatusView = { running: TRemediationRunView | null; campaign: TRemediationProgress | null };

/** What the remediation panel polls: the run going on (any campaign), and the campaign's progress. */
export function getRemediationStatusView(campaignId?: number): TRemediationStatusView {
  return { running: getRunningRemediation(), campaign: campaignId === undefined ? null : getRemediationProgress(campaignId) };
}
