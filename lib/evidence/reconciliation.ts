import 'server-only';
import type Database from 'better-sqlite3';
import { getDb } from '@/db/client';
import { appendAudit, type TActor } from '@/lib/audit';
import { connectionClient } from '@/lib/connection';
import { AppError } from '@/lib/errors';
import { csvStream, type TCsvCell } from '@/lib/export';
import { log } from '@/lib/log';
import type { TCampaignScope } from '@/lib/review/schemas';
import type { ScimClient } from '@/lib/scim';
import { startSnapshot, type TSnapshotSource } from '@/lib/snapshot';
import { loadEvidenceContext, parseCampaignId, type TEvidenceContext } from './context';
import { CSV_ROWS_PER_CHUNK, type TFileContent } from './csv-files';
import {
  appConnection,
  insertReconciliationRow,
  iterateMembershipAdditions,
  iterateRevocationOutcomes,
  iterateUnexpectedMembershipRemovals,
  iterateUserChanges,
  openEvidenceReader,
  readCampaign,
  readReconciliation,
  RECONCILED_USER_FIELDS,
  saveReconciliationResult,
  type TReconciliationRaw,
} from './queries';
import type { TReconciliationCategory, TReconciliationChange, TReconciliationCounts, TReconciliationFinding, TReconciliationResult, TReconciliationState } from './types';

/**
 * Access after remediation (docs/decisions/010-evidence-package.md). A reconciliation is a fresh
 * snapshot taken after the campaign closed, compared with the campaign's decisions and its own
 * frozen snapshot, for the users the campaign's scope selected:
 *
 * - every revoked access must be absent (account: user deactivated or gone; membership: no longer
 *   a member, or the user gone) → `revocation_confirmed`;
 * - a revoked access still present whose remediation had not been applied when the fresh snapshot
 *   started → `revocation_not_applied` (flagged);
 * - a revoked access present again although its remediation was applied or verified before the
 *   fresh snapshot started (someone re-added it) → `changed_unexpectedly` (flagged);
 * - any other access change for those users — user removed, deactivated or reactivated without a
 *   revoke, membership removed without a revoke, membership added → `changed_unexpectedly`;
 * - attribute changes (title, department, manager…) are listed as `attribute_changed`: they grant
 *   or remove no access, so they do not flag the result.
 *
 * The comparison is a pure function of immutable inputs (closed campaign, two complete snapshots,
 * the remediation times), so the package recomputes it and the stored result is a record of it.
 */

/** How many flagged findings the stored result keeps (all of them are in reconciliation.csv). */
const FLAGGED_SAMPLE = 50;

export const RECONCILIATION_CSV_HEADER = [
  'category',
  'change',
  'item_id',
  'user_scim_id',
  'user_email',
  'group_scim_id',
  'group_name',
  'field',
  'before',
  'after',
  'remediation_status',
  'remediation_applied_at',
  'remediation_verified_at',
  'note',
] as const;

export type TReconciliationInput = {
  campaignId: number;
  scope: TCampaignScope;
  campaignSnapshotId: number;
  snapshotId: number;
  snapshotStartedAt: string;
};

const base = {
  itemId: null,
  groupScimId: null,
  groupName: null,
  field: null,
  before: null,
  after: null,
  remediationStatus: null,
  remediationAppliedAt: null,
  remediationVerifiedAt: null,
} as const;

/** Every finding of a reconciliation, in file order: revocations (item order), users (id order), memberships removed, memberships added. */
export function* reconciliationFindings(db: Database.Database, input: TReconciliationInput): Generator<TReconciliationFinding, void, undefined> {
  const { campaignId, scope, campaignSnapshotId: s0, snapshotId: s1, snapshotStartedAt } = input;
  for (const r of iterateRevocationOutcomes(db, campaignId, s1)) {
    const present = r.kind === 'account' ? r.userPresent === 1 && r.userActive === 1 : r.memberPresent === 1;
    const removedAt = r.verifiedAt ?? r.appliedAt;
    const common = {
      ...base,
      itemId: r.itemId,
      userScimId: r.userScimId,
      userEmail: r.userEmail,
      groupScimId: r.groupScimId,
      groupName: r.groupName,
      remediationStatus: r.remediationStatus,
      remediationAppliedAt: r.appliedAt,
      remediationVerifiedAt: r.verifiedAt,
    };
    if (!present) {
      const how =
        r.userPresent === 0 ? 'the user is no longer in the directory' : r.kind === 'account' ? 'the user is deactivated' : 'the user is no longer a member';
      yield { ...common, category: 'revocation_confirmed', change: 'access_removed', note: `Revoked and absent from snapshot #${s1}: ${how}.` };
    } else if (removedAt !== null && removedAt <= snapshotStartedAt) {
      yield {
        ...common,
        category: 'changed_unexpectedly',
        change: 'access_present_again',
        note: `Removed by remediation at ${removedAt}, but present again in snapshot #${s1} (started ${snapshotStartedAt}): the access was re-granted after the review.`,
      };
    } else {
      yield {
        ...common,
        category: 'revocation_not_applied',
        change: 'access_still_present',
        note: `Still present in snapshot #${s1}: remediation ${r.remediationStatus ?? 'was never queued'}${removedAt ? ` (applied ${removedAt}, after the snapshot started)` : ''}.`,
      };
    }
  }

  for (const u of iterateUserChanges(db, campaignId, scope, s0, s1)) {
    const common = { ...base, userScimId: u.userScimId, userEmail: u.userEmail };
    if (u.present === 0) {
      // A revoked account that is gone is a confirmed revocation, reported above.
      if (u.accountRevoked === 0) yield { ...common, category: 'changed_unexpectedly', change: 'user_removed', note: `Not in snapshot #${s1}: the user was removed from the directory.` };
      continue;
    }
    if (u.activeBefore !== u.activeAfter && u.accountRevoked === 0) {
      const deactivated = u.activeAfter === 0;
      yield {
        ...common,
        category: 'changed_unexpectedly',
        change: deactivated ? 'user_deactivated' : 'user_reactivated',
        field: 'active',
        before: u.activeBefore === 1 ? 'true' : 'false',
        after: deactivated ? 'false' : 'true',
        note: deactivated ? 'Deactivated although the review did not revoke the account.' : 'Reactivated after the review.',
      };
    }
    const before = JSON.parse(u.beforeJson) as Array<string | null>;
    const after = JSON.parse(u.afterJson ?? '[]') as Array<string | null>;
    for (let i = 0; i < RECONCILED_USER_FIELDS.length; i++) {
      if ((before[i] ?? null) === (after[i] ?? null)) continue;
      yield {
        ...common,
        category: 'attribute_changed',
        change: 'attribute',
        field: RECONCILED_USER_FIELDS[i]?.[0] ?? null,
        before: before[i] ?? null,
        after: after[i] ?? null,
        note: 'Attribute changed since the review (no access granted or removed).',
      };
    }
  }

  for (const m of iterateUnexpectedMembershipRemovals(db, campaignId, scope, s0, s1)) {
    yield {
      ...base,
      ...m,
      category: 'changed_unexpectedly',
      change: 'membership_removed',
      note: `No longer a member in snapshot #${s1}, although the review did not revoke this membership.`,
    };
  }
  for (const m of iterateMembershipAdditions(db, scope, s0, s1)) {
    yield { ...base, ...m, category: 'changed_unexpectedly', change: 'membership_added', note: `Member in snapshot #${s1} but not in the reviewed snapshot #${s0}: access granted after the review.` };
  }
}

/** The changes that describe a revoked access (one per revoke). */
const REVOCATION_CHANGES: ReadonlySet<TReconciliationChange> = new Set(['access_removed', 'access_still_present', 'access_present_again']);

export function emptyCounts(): TReconciliationCounts {
  return { revocation_confirmed: 0, revocation_not_applied: 0, changed_unexpectedly: 0, attribute_changed: 0, revocations: 0, flagged: 0 };
}

export function isFlagged(category: TReconciliationCategory): boolean {
  return category === 'revocation_not_applied' || category === 'changed_unexpectedly';
}

/** Count findings (and keep the first flagged ones) without holding them all. */
export function summarizeFindings(findings: Iterable<TReconciliationFinding>): { counts: TReconciliationCounts; flaggedSample: TReconciliationFinding[] } {
  const counts = emptyCounts();
  const flaggedSample: TReconciliationFinding[] = [];
  for (const f of findings) {
    counts[f.category]++;
    if (REVOCATION_CHANGES.has(f.change)) counts.revocations++;
    if (isFlagged(f.category)) {
      counts.flagged++;
      if (flaggedSample.length < FLAGGED_SAMPLE) flaggedSample.push(f);
    }
  }
  return { counts, flaggedSample };
}

/** The comparison inputs of a reconciliation whose snapshot is complete, else null. */
export function reconciliationInput(ctx: Pick<TEvidenceContext, 'campaign'>, rec: TReconciliationRaw | null): TReconciliationInput | null {
  if (!rec || rec.snapshotStatus !== 'complete') return null;
  return {
    campaignId: ctx.campaign.id,
    scope: ctx.campaign.scope,
    campaignSnapshotId: ctx.campaign.snapshotId,
    snapshotId: rec.snapshotId,
    snapshotStartedAt: rec.snapshotStartedAt,
  };
}

function findingCells(f: TReconciliationFinding): TCsvCell[] {
  return [
    f.category,
    f.change,
    f.itemId,
    f.userScimId,
    f.userEmail,
    f.groupScimId,
    f.groupName,
    f.field,
    f.before,
    f.after,
    f.remediationStatus,
    f.remediationAppliedAt,
    f.remediationVerifiedAt,
    f.note,
  ];
}

/**
 * reconciliation.csv: every finding of the newest reconciliation whose snapshot is complete
 * (`RECONCILIATION_CSV_HEADER`); only the header when there is none (the report says why).
 */
export function reconciliationCsv(ctx: TEvidenceContext): TFileContent {
  const input = reconciliationInput(ctx, ctx.reconciliation);
  let count = 0;
  function* rows(): Generator<TCsvCell[], void, undefined> {
    if (!input) return;
    for (const f of reconciliationFindings(ctx.db, input)) yield findingCells(f);
  }
  async function* chunks(): AsyncGenerator<string, void, undefined> {
    yield* csvStream(RECONCILIATION_CSV_HEADER, rows(), { onRow: () => void count++, rowsPerChunk: CSV_ROWS_PER_CHUNK });
  }
  return { chunks: chunks(), rows: () => count };
}

/** The state of a reconciliation row as the campaign page and the report describe it. */
export function reconciliationState(rec: TReconciliationRaw | null): TReconciliationState {
  if (!rec) return { state: 'none' };
  const common = { reconciliationId: rec.id, snapshotId: rec.snapshotId, requestedAt: rec.createdAt, requestedByEmail: rec.requestedByEmail };
  if (rec.snapshotStatus === 'running') return { state: 'running', ...common };
  if (rec.snapshotStatus !== 'complete') return { state: 'failed', ...common, error: rec.snapshotError ?? `the snapshot ended ${rec.snapshotStatus}` };
  if (!rec.resultJson) return { state: 'unchecked', ...common };
  return { state: 'checked', ...common, result: JSON.parse(rec.resultJson) as TReconciliationResult };
}

/**
 * Compare a reconciliation's fresh snapshot with its campaign (see the module comment), store the
 * result and audit it (`evidence.reconciliation_checked`). Errors: not_found, conflict while the
 * snapshot is not complete. Checking again recomputes the same result from the same inputs.
 */
export function checkReconciliation(actor: TActor, reconciliationId: number): TReconciliationResult {
  const rec = readReconciliation(appConnection(), reconciliationId);
  if (!rec) throw new AppError('not_found', `Reconciliation #${reconciliationId} does not exist.`);
  if (rec.snapshotStatus !== 'complete') {
    throw new AppError('conflict', `Reconciliation #${reconciliationId} cannot be checked: its snapshot #${rec.snapshotId} is ${rec.snapshotStatus}.`);
  }
  const reader = openEvidenceReader();
  let summary: ReturnType<typeof summarizeFindings>;
  let campaignSnapshotId: number;
  try {
    const ctx = loadEvidenceContext(reader.connection, rec.campaignId);
    const input = reconciliationInput(ctx, rec);
    if (!input) throw new AppError('conflict', `Reconciliation #${reconciliationId} cannot be checked: its snapshot #${rec.snapshotId} is not complete.`);
    campaignSnapshotId = input.campaignSnapshotId;
    summary = summarizeFindings(reconciliationFindings(reader.connection, input));
  } finally {
    reader.close();
  }
  const checkedAt = new Date().toISOString();
  const result: TReconciliationResult = {
    reconciliationId,
    campaignId: rec.campaignId,
    campaignSnapshotId,
    snapshotId: rec.snapshotId,
    snapshotStartedAt: rec.snapshotStartedAt,
    status: summary.counts.flagged === 0 ? 'clean' : 'flagged',
    counts: summary.counts,
    flaggedSample: summary.flaggedSample,
    checkedAt,
  };
  getDb().transaction(
    (tx) => {
      saveReconciliationResult(tx, reconciliationId, JSON.stringify(result), checkedAt);
      appendAudit(
        {
          actor,
          action: 'evidence.reconciliation_checked',
          target: { type: 'campaign', id: String(rec.campaignId) },
          details: { reconciliationId, snapshotId: rec.snapshotId, status: result.status, counts: result.counts },
        },
        tx,
      );
    },
    { behavior: 'immediate' },
  );
  return result;
}

export type TReconciliationConnection = { client: ScimClient; source: TSnapshotSource; baseUrl: string };

export type TReconciliationOutcome = {
  reconciliationId: number;
  snapshotId: number;
  /** Null when the snapshot did not complete or the check failed (`error` says why). */
  result: TReconciliationResult | null;
  error: string | null;
};

export type TRequestedReconciliation = {
  reconciliationId: number;
  snapshotId: number;
  /** Resolves when the snapshot ended and the check ran; never rejects. */
  done: Promise<TReconciliationOutcome>;
};

/**
 * Take a fresh snapshot of the directory for a closed campaign (after its remediation) and check
 * it when it completes. Returns at once with the ids; the snapshot runs in the background of this
 * process like any other (`trigger: 'reconciliation'`). The connection is the app's
 * (`connectionClient()`) unless one is given (tests, CLI). Errors: not_found, conflict (campaign
 * not closed, or a snapshot already running). Audited as `evidence.reconciliation_requested`.
 */
export function requestReconciliation(
  actor: TActor,
  campaignId: number,
  options: { connection?: TReconciliationConnection; applyRetention?: boolean } = {},
): TRequestedReconciliation {
  const id = parseCampaignId(campaignId);
  if (id === null) throw new AppError('invalid', `Not a campaign id: ${campaignId}.`);
  const campaign = readCampaign(appConnection(), id);
  if (!campaign) throw new AppError('not_found', `Campaign #${id} does not exist.`);
  if (campaign.status !== 'closed') {
    throw new AppError('conflict', `"${campaign.name}" is ${campaign.status}: reconcile after the campaign is closed and its revocations are remediated.`);
  }
  const connection = options.connection ?? connectionClient();
  const started = startSnapshot({
    actor,
    trigger: 'reconciliation',
    client: connection.client,
    source: connection.source,
    baseUrl: connection.baseUrl,
    applyRetention: options.applyRetention,
  });
  const row = getDb().transaction(
    (tx) => {
      const inserted = insertReconciliationRow(tx, { campaignId: id, snapshotId: started.snapshotId, requestedByEmail: actor.email });
      appendAudit(
        {
          actor,
          action: 'evidence.reconciliation_requested',
          target: { type: 'campaign', id: String(id) },
          details: { reconciliationId: inserted.id, snapshotId: started.snapshotId, baseUrl: connection.baseUrl },
        },
        tx,
      );
      return inserted;
    },
    { behavior: 'immediate' },
  );
  const done = started.done.then(
    (snapshot): TReconciliationOutcome => {
      const outcome = { reconciliationId: row.id, snapshotId: snapshot.id };
      if (snapshot.status !== 'complete') return { ...outcome, result: null, error: `Snapshot #${snapshot.id} ${snapshot.status}: ${snapshot.error ?? 'no reason recorded'}` };
      try {
        return { ...outcome, result: checkReconciliation(actor, row.id), error: null };
      } catch (err) {
        log.error({ reconciliationId: row.id, err: err instanceof Error ? err.message : String(err) }, 'reconciliation check failed');
        return { ...outcome, result: null, error: err instanceof AppError ? err.message : 'The check failed; see the server log.' };
      }
    },
  );
  return { reconciliationId: row.id, snapshotId: started.snapshotId, done };
}
