import 'server-only';

/**
 * lib/remediation — pushing revocations to Airtable through an outbox
 * (docs/decisions/008-remediation.md). Enqueue: enqueue.ts (called by the campaign close);
 * worker: worker.ts (+ verify.ts, outcome.ts, recovery.ts); admin actions: apply.ts; dry run and
 * its export: dry-run.ts; reads for pages: read.ts. Pages and server actions import from here.
 */

export * from './types';
export { enqueueCampaignRevocations, enqueueStaleDeactivations, ZStaleDeactivationInput, type TStaleDeactivationInput } from './enqueue';
export { startDrain, drainOutbox, RemediationRunningError, type TDrainOptions, type TDrainProgress, type TDrainResult, type TStartedDrain } from './worker';
export { startRemediation, retryFailed, type TRetryResult, type TStartRemediationOptions } from './apply';
export { dryRunCampaign, exportDryRun, recordDryRunExport, DRY_RUN_CSV_HEADER } from './dry-run';
export {
  getRemediationProgress,
  listRemediationActions,
  getRemediationAction,
  getRemediationRun,
  getRunningRemediation,
  ZActionListQuery,
  type TActionListQuery,
} from './read';
export { recoverInterruptedRemediationRuns, describeRunInterruption, RUN_HEARTBEAT_STALE_MS } from './recovery';
export { campaignItemKey, staleUserKey, describeRemediation } from './requests';
