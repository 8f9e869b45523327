import type { TCampaignStatus, TDecision, TItemKind, TRecommendation, TReviewerRule, TRole, TUndecidedAction } from '@/db/schema';
import type { TCampaignScope, TLaterStage } from './schemas';
import type { TSignalKey } from './signals';

/** Result types of lib/review (what pages render). Pure types, importable anywhere. */

export type { TCampaignStatus, TDecision, TItemKind, TRecommendation, TReviewerRule, TUndecidedAction };

/** Why an item went to its reviewer. */
export type TReviewerReason = 'manager' | 'group_owner' | 'fixed' | 'fallback_no_reviewer' | 'fallback_self_review' | 'reassigned' | 'not_sure';

export type TCampaignView = {
  id: number;
  name: string;
  status: TCampaignStatus;
  snapshotId: number;
  scope: TCampaignScope;
  reviewAccounts: boolean;
  reviewMemberships: boolean;
  reviewerRule: TReviewerRule;
  fixedReviewerEmail: string | null;
  fallbackReviewerEmail: string;
  dueAt: string;
  revokeNeedsJustification: boolean;
  certifyFlaggedNeedsComment: boolean;
  undecidedAction: TUndecidedAction;
  revokeImmediately: boolean;
  attestationStatement: string;
  createdByEmail: string;
  createdAt: string;
  launchedAt: string | null;
  launchedByEmail: string | null;
  closedAt: string | null;
  closedByEmail: string | null;
  itemCount: number;
  /** Stages 2 and 3 as configured (stage 1 is `reviewerRule` and the first due date). */
  laterStages: TLaterStage[];
  /** The stage under review; `dueAt` is this stage's due date. */
  currentStage: number;
  allowCarryOverAccept: boolean;
  templateId: number | null;
};

/** A row of the campaigns list: the campaign and how far its review is. */
export type TCampaignListRow = TCampaignView & { decided: number; revoked: number };

export type TPage<T> = { rows: T[]; total: number; page: number; pageSize: number };

/** Who is looking: reviewers see only their own items; admins and auditors see every item. */
export type TViewer = { email: string; role: TRole };

/** One review item as the grid shows it. */
export type TReviewItemRow = {
  id: number;
  campaignId: number;
  kind: TItemKind;
  userScimId: string;
  groupScimId: string | null;
  userEmail: string;
  userName: string;
  userDisplayName: string | null;
  department: string | null;
  title: string | null;
  userActive: boolean;
  groupName: string | null;
  reviewerEmail: string;
  originalReviewerEmail: string;
  reviewerReason: TReviewerReason;
  signals: number;
  signalKeys: TSignalKey[];
  recommendation: TRecommendation;
  recommendationReason: string;
  /** The recommendation is not "certify" (what `certifyFlaggedNeedsComment` refers to). */
  flagged: boolean;
  decision: TDecision | null;
  decisionComment: string | null;
  decidedAt: string | null;
  decidedByEmail: string | null;
  decidedByRule: boolean;
  version: number;
  /** The stage the item is at, or ended at. */
  stage: number;
  /** Passed on as "not sure": by whom, why, when (kept for the next reviewer to read). */
  notSureByEmail: string | null;
  notSureComment: string | null;
  notSureAt: string | null;
  /** Passed on to the next stage, which has not started: done for this stage's reviewer. */
  awaitingNextStage: boolean;
  /** Certified in this earlier campaign and unchanged since. */
  carriedOverFromCampaignId: number | null;
  excludedReason: string | null;
  excludedByEmail: string | null;
  excludedAt: string | null;
  /** Decisions of ended stages, oldest first (only when the campaign shows them to this viewer). */
  earlierStages?: TStageResult[];
};

/** An item's result in a stage that ended. */
export type TStageResult = {
  stage: number;
  reviewerEmail: string;
  decision: TDecision | null;
  decisionComment: string | null;
  decidedAt: string | null;
  notSureComment: string | null;
  passedOn: boolean;
};

export type TItemEventType = 'decision' | 'undo' | 'reassign' | 'close_rule' | 'not_sure' | 'stage_advanced' | 'excluded';

export type TReviewItemEvent = {
  id: number;
  type: TItemEventType;
  decisionBefore: TDecision | null;
  decisionAfter: TDecision | null;
  reviewerBefore: string | null;
  reviewerAfter: string | null;
  comment: string | null;
  actorEmail: string;
  at: string;
};

/** A counted grid page; `nextCursor` continues after its last row (null: nothing follows). */
export type TReviewItemPage = { rows: TReviewItemRow[]; total: number; nextCursor: string | null };
/** The rows after a cursor, uncounted (the list's total came with its first page). */
export type TReviewItemContinuation = { rows: TReviewItemRow[]; nextCursor: string | null };

export type TReviewItemDetail = { item: TReviewItemRow; events: TReviewItemEvent[] };

export type TPreviewReviewer = { reviewerEmail: string; items: number; viaFallback: number };

export type TCampaignPreview = {
  totalItems: number;
  accountItems: number;
  membershipItems: number;
  /** Reviewers by number of items, largest first. */
  perReviewer: TPreviewReviewer[];
  /** Items sent to the fallback because the rule picked the item's own user. */
  selfReviewAvoided: number;
  /** Items sent to the fallback because the rule found no reviewer (no manager, no group owner…). */
  unresolved: number;
  /** Items whose fallback reviewer is their own user: launch refuses until the fallback changes. */
  selfReviewBlocked: number;
  recommendations: Record<TRecommendation, number>;
};

export type TLaunchResult = {
  campaign: TCampaignView;
  itemCount: number;
  accountItems: number;
  membershipItems: number;
  /** Items certified in the previous campaign and unchanged since (marked, never decided for the reviewer). */
  carriedOver: number;
};

export type TBulkDecideResult = {
  decision: TDecision;
  count: number;
  /** How many of the items had which decision before (undecided = null). */
  before: { undecided: number; certify: number; revoke: number };
};

export type TSignOffResult = {
  campaignId: number;
  reviewerEmail: string;
  /** The stage signed off. */
  stage: number;
  statement: string;
  signedAt: string;
  itemCount: number;
  /** This was the stage's last sign-off and the next stage started (its number), else null. */
  nextStageStarted: number | null;
};

export type TReassignResult = {
  moved: number;
  /** Items of the target person themself: never moved (nobody reviews their own access). */
  refusedSelfReview: number;
  /** Items already assigned to the target. */
  unchanged: number;
  /** Items moved, by previous reviewer. */
  fromReviewers: Array<{ reviewerEmail: string; items: number }>;
  /** The target had signed off; their sign-off was withdrawn because their queue grew (audited). */
  targetSignOffCleared: boolean;
};

export type TCloseResult = {
  certified: number;
  /** Every revoke decision, the close rule's included. */
  revoked: number;
  /** Of `revoked`, those the close applied because nobody decided (undecided rule "revoke"). */
  revokedByRule: number;
  /** Left undecided (undecided rule "report"). */
  undecided: number;
  /** Outbox rows written for the revokes (lib/remediation); sent to Airtable when an admin applies them. */
  remediationQueued: number;
};

/** A revoke decision, as the remediation feature consumes it. */
export type TRevocation = {
  itemId: number;
  campaignId: number;
  kind: TItemKind;
  userScimId: string;
  userEmail: string;
  groupScimId: string | null;
  groupName: string | null;
  decidedAt: string;
  decidedByEmail: string;
  decidedByRule: boolean;
  comment: string | null;
};

export type TMyCampaign = {
  campaignId: number;
  name: string;
  status: TCampaignStatus;
  /** The campaign's current stage (the counts are the reviewer's queue in it). */
  stage: number;
  dueAt: string;
  total: number;
  decided: number;
  revoked: number;
  signedOffAt: string | null;
  overdue: boolean;
};

export type TReviewerProgress = {
  reviewerEmail: string;
  total: number;
  decided: number;
  certified: number;
  revoked: number;
  signedOffAt: string | null;
  /** Not signed off and past the due date (at close, for a closed campaign). */
  overdue: boolean;
};

export type TCampaignProgress = {
  campaignId: number;
  status: TCampaignStatus;
  /** The current stage's due date. */
  dueAt: string;
  /** Counts below are the current stage's queues. */
  stage: { current: number; total: number };
  /** Items an admin took out of the review. */
  excluded: number;
  overall: { total: number; decided: number; certified: number; revoked: number; undecided: number; reviewers: number; signedOff: number };
  perReviewer: TReviewerProgress[];
};

export type TGroupOwners = { groupScimId: string; groupName: string; owners: string[]; updatedBy: string; updatedAt: string };

export type TStageAdvanceResult = {
  fromStage: number;
  toStage: number;
  /** Items the ending stage reviewed. */
  itemsReviewed: number;
  /** Of those, the items the new stage took. */
  itemsPassedOn: number;
  /** Reviewers told that the stage started (notifications). */
  reviewersNotified: number;
};

/** A campaign's stage as configured and as it ran. */
export type TCampaignStageView = {
  stage: number;
  reviewerRule: TReviewerRule;
  fixedReviewerEmail: string | null;
  dueAt: string;
  advance: 'all' | 'revoked' | 'certified';
  showPreviousDecisions: boolean;
  startedAt: string | null;
  endedAt: string | null;
  itemsReviewed: number;
  itemsPassedOn: number;
};

/** What "accept recommendations" would do (nothing written yet). */
export type TAcceptPreview = {
  /** Items that would be decided: undecided, recommendation certify or revoke. */
  actionable: number;
  certify: number;
  revoke: number;
  /** Undecided items of the filter recommended for a person's review: left as they are. */
  needsReview: number;
  groups: Array<{ recommendation: TRecommendation; reason: string; items: number }>;
};

export type TExcludeResult = {
  excluded: number;
  /** Already excluded before: unchanged. */
  alreadyExcluded: number;
};
