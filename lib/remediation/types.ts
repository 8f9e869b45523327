import type { TRemediationKind, TRemediationRunStatus, TRemediationSource, TRemediationStatus } from '@/db/schema';

/** Result types of lib/remediation (what pages and the CLI show). Pure types, importable anywhere. */

export type { TRemediationKind, TRemediationRunStatus, TRemediationSource, TRemediationStatus };

/** The exact SCIM request of an outbox row, as stored when it was enqueued. */
export type TStoredRequest = { method: string; path: string; body: unknown };

/** What `enqueueCampaignRevocations` did: rows written now, and revokes that already had their row. */
export type TEnqueueResult = { queued: number; alreadyQueued: number; total: number };

/** What `enqueueStaleDeactivations` did. `batchId` is the id of the audit row that requested the batch. */
export type TStaleEnqueueResult = {
  batchId: number | null;
  snapshotId: number;
  queued: number;
  /** Users that already had a deactivation waiting or in progress: not queued twice. */
  alreadyQueued: string[];
};

/** Counters of one drain of the outbox, persisted in `remediation_runs.summary_json` while it runs. */
export type TRunSummary = {
  /** Rows in the run's scope that were pending, in flight or applied when it started. */
  rowsAtStart: number;
  /** Rows verified by this run (the change is in effect in Airtable). */
  verified: number;
  /** Of `verified`, rows found already in the wanted state (deactivated, removed or deleted) without a new PATCH taking effect. */
  alreadyInWantedState: number;
  /** Rows left in flight by an interrupted run, checked with a GET before anything was resent. */
  recovered: number;
  /** Rows that failed for good in this run (permanent refusal, or out of attempts). */
  failed: number;
  /** Transient failures that were scheduled for another attempt. */
  retriesScheduled: number;
  /** Rows whose PATCH was accepted but that could not be verified in this run (they stay `applied`). */
  unverified: number;
  /** PATCH deliveries (a 429 repeated by the client counts once) and verifying GETs made by the worker. */
  patchesSent: number;
  checks: number;
  /** HTTP-level counters of the SCIM client over the run (every attempt, 429s, time waiting for the rate limit). */
  requests: number;
  retries: number;
  throttled: number;
  rateLimitWaitMs: number;
  /** Why the run stopped before its scope was done (a refused token, a cancel), or null. */
  stoppedReason: string | null;
  durationMs: number;
};

/** A run as pages see it (no process details). */
export type TRemediationRunView = {
  id: number;
  campaignId: number | null;
  status: TRemediationRunStatus;
  startedByEmail: string;
  startedAt: string;
  finishedAt: string | null;
  heartbeatAt: string | null;
  summary: TRunSummary | null;
  /** Why an interrupted run was marked so (recovery), when it was. */
  interruptedReason: string | null;
};

/** Progress of a campaign's remediation, for a page that polls. */
export type TRemediationProgress = {
  /** null: the stale-account deactivations. */
  campaignId: number | null;
  total: number;
  counts: Record<TRemediationStatus, number>;
  /** Pending rows that were sent before and wait for another attempt. */
  retrying: number;
  /** Rows in a final state: verified, or failed (until someone retries them). */
  done: number;
  /** done ÷ total × 100, one decimal; 100 when there is nothing to do. */
  percentDone: number;
  /** The earliest scheduled retry, if any. */
  nextAttemptAt: string | null;
  /** The run draining this campaign right now (a campaign run, or a run over the whole outbox). */
  running: TRemediationRunView | null;
  /** The newest run started for this campaign. */
  lastRun: TRemediationRunView | null;
};

/** One outbox row in a list. */
export type TRemediationActionRow = {
  id: number;
  source: TRemediationSource;
  campaignId: number | null;
  itemId: number | null;
  kind: TRemediationKind;
  userScimId: string;
  userEmail: string;
  groupScimId: string | null;
  groupName: string | null;
  reason: string;
  requestMethod: string;
  requestPath: string;
  status: TRemediationStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  responseStatus: number | null;
  verifyNote: string | null;
  requestedByEmail: string;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  appliedAt: string | null;
  verifiedAt: string | null;
};

/** One outbox row with its full evidence: the exact request and the server's answer. */
export type TRemediationActionDetail = TRemediationActionRow & {
  idempotencyKey: string;
  request: TStoredRequest;
  /** The response body as stored (JSON text, possibly truncated; for an error, the SCIM error fields). */
  responseBody: string | null;
};

export type TPage<T> = { rows: T[]; total: number; page: number; pageSize: number };

/** One request a campaign's remediation sends (or would send). */
export type TDryRunRequest = {
  /** The outbox row, when it exists; null for a request close would enqueue. */
  actionId: number | null;
  itemId: number | null;
  kind: TRemediationKind;
  userScimId: string;
  userEmail: string;
  groupScimId: string | null;
  groupName: string | null;
  reason: string;
  method: string;
  path: string;
  body: unknown;
  /** The row's status; null for a request close would enqueue. */
  status: TRemediationStatus | null;
};

export type TDryRun = {
  campaignId: number;
  campaignName: string;
  /** 'outbox': the rows written at close (what will be or was sent); 'preview': what close would enqueue now. */
  source: 'outbox' | 'preview';
  total: number;
  byKind: Record<TRemediationKind, number>;
  requests: TDryRunRequest[];
  page: number;
  pageSize: number;
};
