import 'server-only';
import type { TCampaign } from '@/db/schema';
import { appendAudit, type TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { notFound } from './errors';
import {
  countScope,
  deleteDraftRow,
  findUnknownGroupIds,
  getCampaignRow,
  getSnapshotStatus,
  insertCampaignRow,
  listCampaignRows,
  queryDecisionTotals,
  updateDraftRow,
  writeTransaction,
  type TCampaignDraftValues,
} from './queries';
import {
  parseInput,
  ZCampaignId,
  ZCampaignInput,
  ZCampaignScope,
  ZListCampaignsQuery,
  type TCampaignInput,
  type TCampaignScope,
  type TCampaignSettings,
  type TLaterStage,
  type TListCampaignsQuery,
} from './schemas';
import type { TCampaignListRow, TCampaignView, TPage } from './types';

export { ZCampaignInput, DEFAULT_ATTESTATION_STATEMENT, type TCampaignInput } from './schemas';

/**
 * Campaign drafts: the wizard's rules. A draft can be edited and deleted; `launchCampaign`
 * (launch.ts) freezes it. Every rule failure is `AppError('invalid')` with field errors keyed
 * like the form's fields, and nothing is written.
 */

function parseScope(json: string): TCampaignScope {
  const parsed = ZCampaignScope.safeParse(JSON.parse(json) as unknown);
  // A stored scope was validated when written; an unreadable one is a bug, not user input.
  if (!parsed.success) throw new Error(`stored campaign scope is invalid: ${parsed.error.message}`);
  return parsed.data;
}

/** A campaign's stored later stages. */
export function parseLaterStages(json: string): TLaterStage[] {
  // Stored stages were validated when written; their due dates may be past by now, so they are
  // read back with the shape check only (ZDueAt would refuse a past date).
  return JSON.parse(json) as TLaterStage[];
}

/** A campaign row as pages see it (scope and later stages parsed). */
export function toCampaignView(row: TCampaign): TCampaignView {
  const { scopeJson, laterStagesJson, ...rest } = row;
  return { ...rest, scope: parseScope(scopeJson), laterStages: parseLaterStages(laterStagesJson) };
}

function draftValues(input: TCampaignSettings): TCampaignDraftValues {
  return {
    name: input.name,
    snapshotId: input.snapshotId,
    scopeJson: JSON.stringify(input.scope),
    reviewAccounts: input.reviewAccounts,
    reviewMemberships: input.reviewMemberships,
    reviewerRule: input.reviewerRule,
    fixedReviewerEmail: input.fixedReviewerEmail,
    fallbackReviewerEmail: input.fallbackReviewerEmail,
    dueAt: input.dueAt,
    revokeNeedsJustification: input.revokeNeedsJustification,
    certifyFlaggedNeedsComment: input.certifyFlaggedNeedsComment,
    undecidedAction: input.undecidedAction,
    revokeImmediately: input.revokeImmediately,
    attestationStatement: input.attestationStatement,
    laterStagesJson: JSON.stringify(input.laterStages),
    allowCarryOverAccept: input.allowCarryOverAccept,
  };
}

function draftValuesOfRow(row: TCampaign): TCampaignDraftValues {
  return {
    name: row.name,
    snapshotId: row.snapshotId,
    scopeJson: row.scopeJson,
    reviewAccounts: row.reviewAccounts,
    reviewMemberships: row.reviewMemberships,
    reviewerRule: row.reviewerRule,
    fixedReviewerEmail: row.fixedReviewerEmail,
    fallbackReviewerEmail: row.fallbackReviewerEmail,
    dueAt: row.dueAt,
    revokeNeedsJustification: row.revokeNeedsJustification,
    certifyFlaggedNeedsComment: row.certifyFlaggedNeedsComment,
    undecidedAction: row.undecidedAction,
    revokeImmediately: row.revokeImmediately,
    attestationStatement: row.attestationStatement,
    laterStagesJson: row.laterStagesJson,
    allowCarryOverAccept: row.allowCarryOverAccept,
  };
}

/** What an audit entry records of a campaign's settings. */
function settingsForAudit(values: TCampaignDraftValues): Record<string, unknown> {
  const { scopeJson, laterStagesJson, ...rest } = values;
  return { ...rest, scope: JSON.parse(scopeJson) as unknown, laterStages: JSON.parse(laterStagesJson ?? '[]') as unknown };
}

type TSnapshotChoice = Pick<TCampaignSettings, 'snapshotId' | 'scope' | 'reviewAccounts' | 'reviewMemberships'>;

/** The snapshot is complete and holds the chosen groups; else `AppError('invalid')` with field errors. */
export function assertSnapshotUsable(input: TSnapshotChoice): void {
  const status = getSnapshotStatus(input.snapshotId);
  if (status !== 'complete') {
    const why = status === null ? 'does not exist' : status === 'running' ? 'is still running' : `is ${status}`;
    throw new AppError('invalid', `Snapshot #${input.snapshotId} ${why}; a campaign reviews a complete snapshot.`, {
      snapshotId: [`snapshot #${input.snapshotId} ${why}: choose a complete snapshot`],
    });
  }
  const unknown = findUnknownGroupIds(input.snapshotId, input.scope.groupIds);
  if (unknown.length > 0) {
    throw new AppError('invalid', `${unknown.length} chosen group(s) are not in snapshot #${input.snapshotId}.`, {
      'scope.groupIds': [`not in this snapshot: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? '…' : ''}`],
    });
  }
}

/** The "selects nothing" error; `usersInScope` tells which explanation applies. */
export function emptyScopeError(input: TSnapshotChoice, usersInScope: number): AppError {
  const what =
    usersInScope === 0
      ? `no ${input.scope.includeInactive ? '' : 'active '}user matches this scope`
      : 'the users in scope have no group memberships to review';
  return new AppError('invalid', `This scope selects nothing to review: ${what}.`, { scope: [`selects nothing to review: ${what}`] });
}

/**
 * The checks that need the database: the snapshot is complete, the chosen groups exist in it,
 * and the scope generates at least one item. Throws `AppError('invalid')` with field errors.
 */
export function validateAgainstSnapshot(input: TSnapshotChoice): void {
  assertSnapshotUsable(input);
  const counts = countScope(input.snapshotId, input.scope);
  const items = (input.reviewAccounts ? counts.users : 0) + (input.reviewMemberships ? counts.memberships : 0);
  if (items === 0) throw emptyScopeError(input, counts.users);
}

/**
 * Create a draft campaign from the wizard's input; audited as `campaign.draft_created`.
 * `origin.templateId`: the recurring template it is created from (the scheduler).
 */
export function createCampaignDraft(actor: TActor, input: TCampaignInput, origin: { templateId?: number } = {}): TCampaignView {
  const settings = parseInput(ZCampaignInput, input);
  const values = draftValues(settings);
  const templateId = origin.templateId ?? null;
  const row = writeTransaction((tx) => {
    validateAgainstSnapshot(settings);
    const created = insertCampaignRow(tx, { ...values, status: 'draft', createdByEmail: actor.email, templateId });
    appendAudit(
      {
        actor,
        action: 'campaign.draft_created',
        target: { type: 'campaign', id: String(created.id) },
        details: { before: null, after: { ...settingsForAudit(values), templateId } },
      },
      tx,
    );
    return created;
  });
  return toCampaignView(row);
}

function requireDraft(id: number): TCampaign {
  const row = getCampaignRow(id);
  if (!row) throw notFound('Campaign');
  if (row.status !== 'draft') throw new AppError('conflict', `"${row.name}" was already launched; its settings are frozen.`);
  return row;
}

/** Replace a draft's settings (the whole wizard input); audited with before and after. Only drafts. */
export function updateCampaignDraft(actor: TActor, id: number, input: TCampaignInput): TCampaignView {
  const campaignId = parseInput(ZCampaignId, id);
  const settings = parseInput(ZCampaignInput, input);
  const values = draftValues(settings);
  const row = writeTransaction((tx) => {
    const before = requireDraft(campaignId);
    validateAgainstSnapshot(settings);
    if (!updateDraftRow(tx, campaignId, values)) throw new AppError('conflict', 'The campaign is no longer a draft.');
    appendAudit(
      {
        actor,
        action: 'campaign.draft_updated',
        target: { type: 'campaign', id: String(campaignId) },
        details: { before: settingsForAudit(draftValuesOfRow(before)), after: settingsForAudit(values) },
      },
      tx,
    );
    const after = getCampaignRow(campaignId, tx);
    if (!after) throw notFound('Campaign');
    return after;
  });
  return toCampaignView(row);
}

/** Delete a draft (launched campaigns are evidence and are never deleted); audited with what it was. */
export function deleteCampaignDraft(actor: TActor, id: number): void {
  const campaignId = parseInput(ZCampaignId, id);
  writeTransaction((tx) => {
    const before = requireDraft(campaignId);
    if (!deleteDraftRow(tx, campaignId)) throw new AppError('conflict', 'The campaign is no longer a draft.');
    appendAudit(
      {
        actor,
        action: 'campaign.draft_deleted',
        target: { type: 'campaign', id: String(campaignId) },
        details: { before: { name: before.name, snapshotId: before.snapshotId, scope: JSON.parse(before.scopeJson) as unknown }, after: null },
      },
      tx,
    );
  });
}

/** One campaign, or null. */
export function getCampaign(id: number): TCampaignView | null {
  if (!Number.isInteger(id) || id < 1) return null;
  const row = getCampaignRow(id);
  return row ? toCampaignView(row) : null;
}

/** A page of campaigns, newest first, with decided / revoked counts. */
export function listCampaigns(query: TListCampaignsQuery): TPage<TCampaignListRow> {
  const q = parseInput(ZListCampaignsQuery, query);
  const { rows, total } = listCampaignRows(q.status, q.pageSize, (q.page - 1) * q.pageSize);
  const totals = queryDecisionTotals(rows.filter((r) => r.status !== 'draft').map((r) => r.id));
  return {
    rows: rows.map((r) => ({ ...toCampaignView(r), ...(totals.get(r.id) ?? { decided: 0, revoked: 0 }) })),
    total,
    page: q.page,
    pageSize: q.pageSize,
  };
}
