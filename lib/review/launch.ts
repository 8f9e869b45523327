import 'server-only';
import type { TRecommendation } from '@/db/schema';
import { appendAudit, type TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { getCompanyDomains } from '@/lib/settings';
import { queueStageStartNotices } from '@/lib/notifications';
import { staleSignalSource } from '@/lib/stale/signals';
import { assertSnapshotUsable, emptyScopeError, toCampaignView } from './campaigns';
import { notFound } from './errors';
import {
  aggregateStagedItems,
  clearStage,
  countSelfReviewItems,
  findPreviousCampaigns,
  getCampaignRow,
  insertCampaignStageRows,
  insertStagedItems,
  insertStageOwners,
  markCarriedOver,
  insertStageRows,
  listScopeUsersBatch,
  stageManagers,
  stagePreviousRevocations,
  markCampaignLaunched,
  nowIso,
  readTransaction,
  writeTransaction,
  type TPreviousCampaign,
  type TScopeUserRaw,
  type TStagedAggregate,
  type TStagedContext,
  type TStageRow,
} from './queries';
import { recommend, type TRecommendationInput } from './recommendations';
import { isFallbackReason, ownerChoices, resolveReviewer } from './reviewers';
import { parseInput, ZCampaignId } from './schemas';
import {
  computeUserSignals,
  diffAttributes,
  prepareSignalSources,
  SIGNAL_BIT,
  SIGNALS,
  type TManagerState,
  type TSignalSubject,
  type TUserFacts,
} from './signals';
import type { TCampaignPreview, TCampaignView, TLaunchResult, TPreviewReviewer } from './types';

/**
 * Preview and launch. Both stage the campaign the same way (`stage` below): the users of the
 * scope are read in keyset batches and each gets its reviewer, signals and recommendations from
 * the pure functions, into a TEMP table; the items are then one INSERT … SELECT per kind joining
 * that table to the frozen snapshot's memberships. The preview aggregates the same SELECT
 * instead of inserting it, so what it shows is what the launch creates.
 */

const USER_BATCH = 2_000;

/** Any of these now, and a certification of the previous campaign is not carried over: something changed or is flagged. */
const CARRY_OVER_BLOCKING_SIGNALS = SIGNALS.reduce((mask, s) => (s.key === 'carried_over' ? mask : mask | s.bit), 0);

type TStaged = {
  ctx: TStagedContext;
  users: number;
  previous: TPreviousCampaign | null;
  previousClosed: TPreviousCampaign | null;
  companyDomains: string[];
};

const UNUSED = { recommendation: 'certify', reason: '' } as const;

function signalSubject(u: TScopeUserRaw, managerEmail: string | null): TSignalSubject {
  return {
    scimId: u.scimId,
    email: u.email,
    userName: u.userName,
    active: u.active === 1,
    department: u.department,
    costCenter: u.costCenter,
    division: u.division,
    title: u.title,
    managerEmail,
  };
}

function personName(u: TScopeUserRaw): string {
  const full = [u.givenName, u.familyName].filter((p): p is string => Boolean(p?.trim())).join(' ');
  return u.displayName?.trim() || full || u.userName;
}

/** Fill the staging tables for a campaign (inside the caller's transaction). */
function stage(c: TCampaignView): TStaged {
  clearStage();
  const { launched, closed } = findPreviousCampaigns(c.id);
  if (closed) stagePreviousRevocations(closed.id);
  stageManagers(c.snapshotId);
  const companyDomains = getCompanyDomains();
  const sourceBits = prepareSignalSources({ campaignId: c.id, snapshotId: c.snapshotId }, [staleSignalSource]);
  const cursor = { snapshotId: c.snapshotId, scope: c.scope, prevSnapshotId: launched?.snapshotId ?? null, prevClosedCampaignId: closed?.id ?? null };
  const base = {
    previousCampaignName: launched?.name ?? null,
    revokedInCampaignName: closed?.name ?? null,
  };

  const toStageRow = (u: TScopeUserRaw): TStageRow => {
    const managerEmail = u.managerEmail?.trim().toLowerCase() || null;
    const manager: TManagerState = managerEmail === null ? 'none' : u.managerActive === null ? 'missing' : u.managerActive === 1 ? 'active' : 'inactive';
    const changes =
      launched && u.prevScimId !== null
        ? diffAttributes(
            { department: u.prevDepartment, title: u.prevTitle, manager: u.prevManagerEmail, costCenter: u.prevCostCenter, division: u.prevDivision },
            { department: u.department, title: u.title, manager: u.managerEmail, costCenter: u.costCenter, division: u.division },
          )
        : [];
    const previous: TUserFacts['previous'] = launched ? (u.prevScimId === null ? { present: false } : { present: true, changes }) : null;
    let userSignals = computeUserSignals({ email: u.email, active: u.active === 1, groupCount: u.groupCount, manager, previous }, companyDomains);
    if (sourceBits) userSignals |= sourceBits(signalSubject(u, managerEmail));
    // A revoked seat is "still present" only while the account is active.
    const accountSignals = userSignals | (u.prevRevokedAccount === 1 && u.active === 1 ? SIGNAL_BIT.previously_revoked : 0);
    const memberSignals = userSignals & ~SIGNAL_BIT.no_groups;
    const facts: Omit<TRecommendationInput, 'kind' | 'signals'> = { ...base, email: u.email, groupCount: u.groupCount, managerEmail, manager, changes };
    // Only what the campaign will insert: a launch runs this for up to 100k users.
    const account = c.reviewAccounts ? recommend({ ...facts, kind: 'account', signals: accountSignals }) : UNUSED;
    const member = c.reviewMemberships ? recommend({ ...facts, kind: 'membership', signals: memberSignals }) : UNUSED;
    const memberPrev = c.reviewMemberships && closed ? recommend({ ...facts, kind: 'membership', signals: memberSignals | SIGNAL_BIT.previously_revoked }) : member;
    // For the group-owner rule this is the account item's reviewer; membership reviewers are resolved in SQL per group.
    const reviewer = resolveReviewer({
      rule: c.reviewerRule,
      kind: 'account',
      userEmail: u.email,
      managerEmail,
      managerActive: u.managerActive === null ? null : u.managerActive === 1,
      fixedReviewerEmail: c.fixedReviewerEmail,
      fallbackReviewerEmail: c.fallbackReviewerEmail,
    });
    return [
      u.scimId,
      u.email,
      u.userName,
      personName(u),
      u.department,
      u.title,
      u.active,
      reviewer.reviewerEmail,
      reviewer.reason,
      userSignals,
      accountSignals,
      account.recommendation,
      account.reason,
      member.recommendation,
      member.reason,
      memberPrev.recommendation,
      memberPrev.reason,
    ];
  };

  let after = '';
  let users = 0;
  for (;;) {
    const batch = listScopeUsersBatch(cursor, after, USER_BATCH);
    const last = batch[batch.length - 1];
    if (!last) break;
    insertStageRows(batch.map(toStageRow));
    users += batch.length;
    after = last.scimId;
    if (batch.length < USER_BATCH) break;
  }
  if (c.reviewerRule === 'group_owner' && c.reviewMemberships) insertStageOwners(ownerChoices());

  return {
    ctx: {
      campaignId: c.id,
      snapshotId: c.snapshotId,
      rule: c.reviewerRule,
      fallbackReviewerEmail: c.fallbackReviewerEmail,
      groupIds: c.scope.kind === 'groups' ? c.scope.groupIds : null,
      prevClosedCampaignId: closed?.id ?? null,
    },
    users,
    previous: launched,
    previousClosed: closed,
    companyDomains,
  };
}

function requireCampaign(id: number): TCampaignView {
  const row = getCampaignRow(id);
  if (!row) throw notFound('Campaign');
  return toCampaignView(row);
}

function selfReviewError(items: number, fallback: string): AppError {
  const n = items === 1 ? '1 item' : `${items} items`;
  return new AppError(
    'invalid',
    `${n} would be reviewed by ${fallback}, the person whose access ${items === 1 ? 'it is' : 'they are'}: the rule found no other reviewer and nobody may review their own access. Choose another fallback reviewer.`,
    { fallbackReviewerEmail: [`${fallback} would review ${n} of their own access: choose another fallback reviewer`] },
  );
}

/** What launching a draft would create, computed without writing anything (staging lives in TEMP tables). */
export function previewCampaign(id: number): TCampaignPreview {
  const campaignId = parseInput(ZCampaignId, id);
  return readTransaction(() => {
    const c = requireCampaign(campaignId);
    if (c.status !== 'draft') throw new AppError('conflict', `"${c.name}" is already ${c.status}: see its progress instead.`);
    assertSnapshotUsable(c);
    const staged = stage(c);
    const accounts = c.reviewAccounts ? aggregateStagedItems('account', staged.ctx) : [];
    const memberships = c.reviewMemberships ? aggregateStagedItems('membership', staged.ctx) : [];
    clearStage();
    const preview = summarize(accounts, memberships);
    if (preview.totalItems === 0) throw emptyScopeError(c, staged.users);
    return preview;
  });
}

function summarize(accounts: TStagedAggregate[], memberships: TStagedAggregate[]): TCampaignPreview {
  const perReviewer = new Map<string, TPreviewReviewer>();
  const recommendations: Record<TRecommendation, number> = { certify: 0, review: 0, revoke: 0 };
  let selfReviewAvoided = 0;
  let unresolved = 0;
  let selfReviewBlocked = 0;
  const sum = (rows: TStagedAggregate[]): number => rows.reduce((n, r) => n + r.n, 0);
  for (const r of [...accounts, ...memberships]) {
    const entry = perReviewer.get(r.reviewer) ?? { reviewerEmail: r.reviewer, items: 0, viaFallback: 0 };
    entry.items += r.n;
    if (isFallbackReason(r.reason)) entry.viaFallback += r.n;
    perReviewer.set(r.reviewer, entry);
    recommendations[r.rec] += r.n;
    if (r.reason === 'fallback_self_review') selfReviewAvoided += r.n;
    if (r.reason === 'fallback_no_reviewer') unresolved += r.n;
    selfReviewBlocked += r.self;
  }
  const accountItems = sum(accounts);
  const membershipItems = sum(memberships);
  return {
    totalItems: accountItems + membershipItems,
    accountItems,
    membershipItems,
    perReviewer: [...perReviewer.values()].sort((a, b) => b.items - a.items || a.reviewerEmail.localeCompare(b.reviewerEmail)),
    selfReviewAvoided,
    unresolved,
    selfReviewBlocked,
    recommendations,
  };
}

/**
 * Launch a draft: generate its items from the frozen snapshot in ONE synchronous transaction
 * (an account item per user in scope, a membership item per user–group pair in scope), with
 * reviewer, signals and recommendation; then status active, `launchedAt/By`, `itemCount`, and
 * the audit entry `campaign.launched`. Refuses (nothing written) when the campaign is not a
 * draft, its due date has passed, its snapshot is no longer complete, its scope selects
 * nothing, or an item's only possible reviewer would be its own user.
 */
export function launchCampaign(actor: TActor, id: number): TLaunchResult {
  const campaignId = parseInput(ZCampaignId, id);
  return writeTransaction((tx) => {
    const c = requireCampaign(campaignId);
    if (c.status !== 'draft') throw new AppError('conflict', `"${c.name}" is already ${c.status}.`);
    if (Date.parse(c.dueAt) <= Date.now()) {
      throw new AppError('invalid', 'The due date has passed: choose a later one before launching.', { dueAt: ['the due date must be in the future'] });
    }
    // The scope's item count comes from the staging itself (checked below), not a separate count.
    assertSnapshotUsable(c);
    const staged = stage(c);
    const accountItems = c.reviewAccounts ? insertStagedItems('account', staged.ctx) : 0;
    const membershipItems = c.reviewMemberships ? insertStagedItems('membership', staged.ctx) : 0;
    clearStage();
    const blocked = countSelfReviewItems(c.id, c.fallbackReviewerEmail);
    if (blocked > 0) throw selfReviewError(blocked, c.fallbackReviewerEmail);
    const itemCount = accountItems + membershipItems;
    if (itemCount === 0) throw emptyScopeError(c, staged.users);
    // "Unchanged since certified" compares with the previous campaign's snapshot: only when the
    // campaign that certified is also the one the change signals were computed against.
    const carriedFrom = staged.previousClosed && staged.previous?.id === staged.previousClosed.id ? staged.previousClosed : null;
    const carriedOver = carriedFrom ? markCarriedOver(c.id, carriedFrom.id, CARRY_OVER_BLOCKING_SIGNALS) : 0;
    const at = nowIso();
    if (!markCampaignLaunched(tx, c.id, { at, by: actor.email, itemCount })) throw new AppError('conflict', 'The campaign is no longer a draft.');
    insertCampaignStageRows(tx, [
      { campaignId: c.id, stage: 1, reviewerRule: c.reviewerRule, fixedReviewerEmail: c.fixedReviewerEmail, dueAt: c.dueAt, advance: 'all', showPreviousDecisions: false, startedAt: at },
      ...c.laterStages.map((s, i) => ({ campaignId: c.id, stage: i + 2, ...s })),
    ]);
    const notified = queueStageStartNotices(c.id);
    appendAudit(
      {
        actor,
        action: 'campaign.launched',
        target: { type: 'campaign', id: String(c.id) },
        details: {
          name: c.name,
          snapshotId: c.snapshotId,
          before: { status: 'draft' },
          after: { status: 'active', itemCount, accountItems, membershipItems, launchedAt: at },
          usersInScope: staged.users,
          stages: 1 + c.laterStages.length,
          carriedOver,
          carriedOverFromCampaignId: carriedFrom?.id ?? null,
          reviewersNotified: notified,
          previousCampaignId: staged.previous?.id ?? null,
          previousClosedCampaignId: staged.previousClosed?.id ?? null,
          companyDomains: staged.companyDomains,
        },
      },
      tx,
    );
    return { campaign: { ...c, status: 'active', launchedAt: at, launchedByEmail: actor.email, itemCount }, itemCount, accountItems, membershipItems, carriedOver };
  });
}
