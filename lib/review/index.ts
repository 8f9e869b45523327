import 'server-only';
import { registerSnapshotReferenceCheck } from '@/lib/snapshot/retention';
import { listCampaignSnapshotIds } from './queries';

/**
 * lib/review — access review campaigns: drafts, launch, decisions, sign-off, close
 * (docs/decisions/006-review-campaigns.md). Pages and server actions import from here.
 */

export * from './schemas';
export * from './types';
export { SIGNALS, SIGNAL_KEYS, SIGNAL_BIT, signalKeys, hasSignal, registerSignalSource, type TSignal, type TSignalKey, type TSignalSource } from './signals';
export { RECOMMENDATION_RULES, recommend } from './recommendations';
export { earlierStagesLine, itemNote, stageOutcome } from './item-labels';
export { ItemConflictError } from './errors';
export { createCampaignDraft, updateCampaignDraft, deleteCampaignDraft, getCampaign, listCampaigns } from './campaigns';
export { resolveReviewer, setGroupOwners, listGroupOwners } from './reviewers';
export { previewCampaign, launchCampaign } from './launch';
export { decideItem, undoDecision, bulkDecide, passOnAsNotSure } from './decisions';
export { previewAcceptRecommendations, acceptRecommendations, acceptCarriedOver, ACCEPTED_RECOMMENDATION_PREFIX } from './accept';
export { excludeItems } from './exclusions';
export { advanceStage, stageCount } from './stages';
export { signOff } from './signoff';
export { reassignItems, extendDueDate, closeCampaign } from './admin';
export {
  listReviewItems,
  listReviewItemsAfter,
  getReviewItem,
  listMyCampaigns,
  campaignProgress,
  listCampaignDepartments,
  listRevocations,
  getCampaignForViewer,
  listCampaignStages,
  listCampaignGroups,
  REVIEWER_RULE_LABEL,
} from './read';

// A campaign is evidence about its snapshot (and the next campaign compares with it): snapshot
// retention must never delete one that a campaign points at. Re-registered on dev reloads.
const holder = globalThis as unknown as { __attestReviewSnapshotRefs?: () => void };
holder.__attestReviewSnapshotRefs?.();
holder.__attestReviewSnapshotRefs = registerSnapshotReferenceCheck(() => new Set(listCampaignSnapshotIds()));
