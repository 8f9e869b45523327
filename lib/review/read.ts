import 'server-only';
import type { TReviewerRule } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { normalizeEmail } from './access';
import { decodeItemCursor, encodeItemCursor } from './cursor';
import { toCampaignView } from './campaigns';
import {
  countReviewerItems,
  getCampaignRow,
  getItemRaw,
  listCampaignStageRows,
  listItemEvents,
  listStageResults,
  queryDecisionCounts,
  listSignoffRows,
  queryCampaignDepartments,
  queryCampaignGroups,
  type TCampaignGroupRow,
  queryItemPage,
  sortKeyLength,
  queryMyCampaigns,
  queryReviewerCounts,
  queryRevocations,
  readTransaction,
  type TItemRaw,
} from './queries';
import { parseInput, ZCampaignId, ZItemListQuery, type TItemListQuery } from './schemas';
import { signalKeys } from './signals';
import { stageCount } from './stages';
import type {
  TCampaignStageView,
  TStageResult,
  TCampaignProgress,
  TCampaignView,
  TMyCampaign,
  TReviewerReason,
  TReviewItemDetail,
  TReviewItemEvent,
  TReviewItemContinuation,
  TReviewItemPage,
  TReviewItemRow,
  TRevocation,
  TViewer,
} from './types';

/**
 * What the review pages read. A reviewer's view is restricted IN the query (reviewer_email =
 * their email), so another reviewer's item is "not found" rather than "forbidden": nobody
 * learns whether it exists. Admins and auditors read everything.
 */

/** Reviewers are restricted to their own items; admins and auditors see all of them. */
function restrictTo(viewer: TViewer): string | null {
  return viewer.role === 'reviewer' ? normalizeEmail(viewer.email) : null;
}

export function toItemRow(raw: TItemRaw): TReviewItemRow {
  return {
    ...raw,
    userActive: raw.userActive === 1,
    decidedByRule: raw.decidedByRule === 1,
    awaitingNextStage: raw.awaitingNextStage === 1,
    reviewerReason: raw.reviewerReason as TReviewerReason,
    signalKeys: signalKeys(raw.signals),
    flagged: raw.recommendation !== 'certify',
  };
}

/**
 * One page of a campaign's items for the grid: filters, sort (id breaks ties) and paging in SQL;
 * `pageSize` ≤ 500; the total count of matches; `nextCursor` continues after its last row (see
 * `listReviewItemsAfter`). An unknown campaign is an empty page.
 */
export function listReviewItems(campaignId: number, viewer: TViewer, query: TItemListQuery): TReviewItemPage {
  const id = parseInput(ZCampaignId, campaignId);
  const { sort, dir, page, pageSize, after: _ignored, ...filter } = parseInput(ZItemListQuery, query);
  const { rows, total, lastKey } = queryItemPage(id, filter, restrictTo(viewer), { sort, dir }, pageSize, { offset: (page - 1) * pageSize });
  return { rows: withEarlierStages(id, viewer, rows.map(toItemRow)), total: total ?? 0, nextCursor: lastKey ? encodeItemCursor(sort, dir, lastKey) : null };
}

/**
 * Attach the decisions of ended stages to rows that have them, when the viewer may see them:
 * admins and auditors always; a reviewer only when their stage shows earlier decisions (hidden,
 * their review is an independent second opinion).
 */
function withEarlierStages(campaignId: number, viewer: TViewer, rows: TReviewItemRow[]): TReviewItemRow[] {
  const later = rows.filter((r) => r.stage > 1);
  if (later.length === 0) return rows;
  if (viewer.role === 'reviewer') {
    const stages = listCampaignStageRows(campaignId);
    const shown = new Set(stages.filter((st) => st.showPreviousDecisions).map((st) => st.stage));
    if (!later.some((r) => shown.has(r.stage))) return rows;
  }
  const byItem = new Map<number, TStageResult[]>();
  for (const r of listStageResults(later.map((row) => row.id))) {
    const list = byItem.get(r.itemId) ?? [];
    list.push({
      stage: r.stage,
      reviewerEmail: r.reviewerEmail,
      decision: r.decision,
      decisionComment: r.decisionComment,
      decidedAt: r.decidedAt,
      notSureComment: r.notSureComment,
      passedOn: r.passedOn === 1,
    });
    byItem.set(r.itemId, list);
  }
  return rows.map((row) => (byItem.has(row.id) ? { ...row, earlierStages: byItem.get(row.id) } : row));
}

/** The campaign's stages as configured and as they ran (empty for a draft). */
export function listCampaignStages(campaignId: number): TCampaignStageView[] {
  const id = parseInput(ZCampaignId, campaignId);
  return listCampaignStageRows(id).map(({ campaignId: _c, ...stage }) => stage);
}

/**
 * The rows after a page's `nextCursor` (same filter and sort), uncounted: the grid's infinite
 * scroll reads only the rows it shows, over the index, so a page deep in a 50k queue costs what
 * the first page costs. A malformed cursor, or one made for another sort, is `invalid`.
 */
export function listReviewItemsAfter(campaignId: number, viewer: TViewer, query: TItemListQuery & { after: string }): TReviewItemContinuation {
  const id = parseInput(ZCampaignId, campaignId);
  const { sort, dir, pageSize, after, page: _ignored, ...filter } = parseInput(ZItemListQuery, query);
  const key = decodeItemCursor(after ?? '', sort, dir, sortKeyLength(sort));
  const { rows, lastKey } = queryItemPage(id, filter, restrictTo(viewer), { sort, dir }, pageSize, { after: key });
  return { rows: withEarlierStages(id, viewer, rows.map(toItemRow)), nextCursor: lastKey ? encodeItemCursor(sort, dir, lastKey) : null };
}

/** One item with its history (oldest first), or null when it does not exist or is not the reviewer's. */
export function getReviewItem(campaignId: number, itemId: number, viewer: TViewer): TReviewItemDetail | null {
  if (!Number.isInteger(campaignId) || !Number.isInteger(itemId)) return null;
  return readTransaction(() => {
    const raw = getItemRaw(campaignId, itemId, restrictTo(viewer));
    if (!raw) return null;
    const events: TReviewItemEvent[] = listItemEvents(raw.id);
    const [item] = withEarlierStages(campaignId, viewer, [toItemRow(raw)]);
    return { item: item ?? toItemRow(raw), events };
  });
}

const isOverdue = (dueAt: string, signedOffAt: string | null, closedAt: string | null, now: number): boolean =>
  signedOffAt === null && Date.parse(dueAt) < (closedAt ? Date.parse(closedAt) : now);

/** Campaigns where the reviewer has items (launched ones), with their own progress; open ones first. */
export function listMyCampaigns(reviewerEmail: string): TMyCampaign[] {
  const now = Date.now();
  return queryMyCampaigns(normalizeEmail(reviewerEmail)).map((r) => ({
    campaignId: r.campaignId,
    name: r.name,
    status: r.status,
    dueAt: r.dueAt,
    total: r.total,
    decided: r.decided,
    revoked: r.revoked,
    stage: r.stage,
    signedOffAt: r.signedOffAt,
    overdue: isOverdue(r.dueAt, r.signedOffAt, r.closedAt, now),
  }));
}

/** Overall and per-reviewer progress of a campaign (admins and auditors). Throws not_found. */
export function campaignProgress(campaignId: number): TCampaignProgress {
  const id = parseInput(ZCampaignId, campaignId);
  return readTransaction(() => {
    const row = getCampaignRow(id);
    if (!row) throw new AppError('not_found', 'Campaign not found.');
    const signoffs = new Map(listSignoffRows(id).map((s) => [s.reviewerEmail, s.signedAt]));
    const now = Date.now();
    const perReviewer = queryReviewerCounts(id).map((r) => {
      const signedOffAt = signoffs.get(r.reviewerEmail) ?? null;
      return { ...r, signedOffAt, overdue: row.status !== 'draft' && isOverdue(row.dueAt, signedOffAt, row.closedAt, now) };
    });
    const overall = perReviewer.reduce(
      (acc, r) => ({
        total: acc.total + r.total,
        decided: acc.decided + r.decided,
        certified: acc.certified + r.certified,
        revoked: acc.revoked + r.revoked,
        undecided: acc.undecided + (r.total - r.decided),
        reviewers: acc.reviewers + 1,
        signedOff: acc.signedOff + (r.signedOffAt ? 1 : 0),
      }),
      { total: 0, decided: 0, certified: 0, revoked: 0, undecided: 0, reviewers: 0, signedOff: 0 },
    );
    const excluded = queryDecisionCounts(id).excluded;
    return { campaignId: id, status: row.status, dueAt: row.dueAt, stage: { current: row.currentStage, total: stageCount(row) }, excluded, overall, perReviewer };
  });
}

/** The groups of a campaign's membership items still under review (the "exclude a group" choice). */
export function listCampaignGroups(campaignId: number): TCampaignGroupRow[] {
  return queryCampaignGroups(parseInput(ZCampaignId, campaignId));
}

/** Departments present among the campaign's items (a reviewer: among their own), for the filter select. */
export function listCampaignDepartments(campaignId: number, viewer?: TViewer): string[] {
  const id = parseInput(ZCampaignId, campaignId);
  return queryCampaignDepartments(id, viewer ? restrictTo(viewer) : null);
}

/**
 * Every revoke decision of a campaign, in item order: what the remediation feature turns into
 * SCIM PATCH requests (account → deactivate the user; membership → remove the member).
 */
export function listRevocations(campaignId: number): TRevocation[] {
  const id = parseInput(ZCampaignId, campaignId);
  return queryRevocations(id).map((r) => ({ ...r, decidedByRule: r.decidedByRule === 1 }));
}

/** The reviewer rule of a campaign in words (pages and exports). */
export const REVIEWER_RULE_LABEL: Record<TReviewerRule, string> = {
  manager: "The user's manager (enterprise extension)",
  group_owner: 'The owner of the group',
  fixed: 'A fixed reviewer',
};

/** A campaign as a viewer may see it: for a reviewer, null unless they have items in it (the review page's header). */
export function getCampaignForViewer(campaignId: number, viewer: TViewer): TCampaignView | null {
  if (!Number.isInteger(campaignId) || campaignId < 1) return null;
  const row = getCampaignRow(campaignId);
  if (!row) return null;
  if (viewer.role === 'reviewer' && countReviewerItems(campaignId, normalizeEmail(viewer.email)) === 0) return null;
  return toCampaignView(row);
}
