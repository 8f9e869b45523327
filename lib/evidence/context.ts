import 'server-only';
import type Database from 'better-sqlite3';
import type { TCampaignStatus } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { generatorName } from '@/lib/export';
import { ZCampaignScope } from '@/lib/review/schemas';
import type { TCampaignView } from '@/lib/review/types';
import {
  appConnection,
  readCampaign,
  readLatestReconciliation,
  readSnapshot,
  readStages,
  type TEvidenceSnapshotRaw,
  type TReconciliationRaw,
  type TStageRaw,
} from './queries';

/**
 * What every file of a package is generated from: the campaign, its frozen snapshot and the
 * newest reconciliation, all read through the package's one read transaction, plus the
 * generation time and generator. Built once per package so the files agree with each other.
 */

/** The campaign as the review pages see it (read here through the package's own connection). */
export type TEvidenceCampaign = TCampaignView;

export type TEvidenceContext = {
  /** The package's connection (a read-only reader inside one read transaction, or the app connection for summaries). */
  db: Database.Database;
  campaign: TEvidenceCampaign;
  snapshot: TEvidenceSnapshotRaw;
  reconciliation: TReconciliationRaw | null;
  /** The stages as they ran (`campaign_stages`); empty for a campaign launched before stages were recorded. */
  stages: TStageRaw[];
  generatedAt: string;
  generator: string;
};

function notFound(campaignId: number): AppError {
  return new AppError('not_found', `Campaign #${campaignId} does not exist.`);
}

/** Parse a campaign id from a URL or CLI argument; null when it is not one. */
export function parseCampaignId(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  return Number.isSafeInteger(n) && n >= 1 ? n : null;
}

/** Load and check the campaign (not_found; conflict for a draft, which has no items yet). */
export function loadEvidenceContext(db: Database.Database, campaignId: number): TEvidenceContext {
  const raw = readCampaign(db, campaignId);
  if (!raw) throw notFound(campaignId);
  if (raw.status === 'draft') throw new AppError('conflict', `"${raw.name}" is a draft: evidence exists once the campaign is launched.`);
  const scope = ZCampaignScope.safeParse(JSON.parse(raw.scopeJson) as unknown);
  // A stored scope was validated when written: an unreadable one is a bug, not input.
  if (!scope.success) throw new Error(`campaign #${campaignId}: stored scope is invalid (${scope.error.message})`);
  const snapshot = readSnapshot(db, raw.snapshotId);
  if (!snapshot) throw new Error(`campaign #${campaignId}: snapshot #${raw.snapshotId} is missing`);
  const { scopeJson: _scopeJson, laterStagesJson, ...rest } = raw;
  return {
    db,
    campaign: {
      ...rest,
      scope: scope.data,
      reviewAccounts: raw.reviewAccounts === 1,
      reviewMemberships: raw.reviewMemberships === 1,
      revokeNeedsJustification: raw.revokeNeedsJustification === 1,
      certifyFlaggedNeedsComment: raw.certifyFlaggedNeedsComment === 1,
      revokeImmediately: raw.revokeImmediately === 1,
      allowCarryOverAccept: raw.allowCarryOverAccept === 1,
      laterStages: JSON.parse(laterStagesJson) as TCampaignView['laterStages'],
    },
    snapshot,
    reconciliation: readLatestReconciliation(db, campaignId),
    stages: readStages(db, campaignId),
    generatedAt: new Date().toISOString(),
    generator: generatorName(),
  };
}

/**
 * How many stages the campaign has: its stage rows, or its configuration (stage 1 plus the later
 * stages) when that says more — a later stage has a row from launch, but a campaign launched
 * before stages were recorded has none.
 */
export function stageCount(ctx: Pick<TEvidenceContext, 'stages' | 'campaign'>): number {
  return Math.max(1, ctx.stages.length, 1 + ctx.campaign.laterStages.length);
}

/** The same checks on the app connection, synchronously: a route answers 404 / 409 before it starts streaming. */
export function assertEvidenceAvailable(campaignId: number): { id: number; name: string; status: TCampaignStatus } {
  const raw = readCampaign(appConnection(), campaignId);
  if (!raw) throw notFound(campaignId);
  if (raw.status === 'draft') throw new AppError('conflict', `"${raw.name}" is a draft: evidence exists once the campaign is launched.`);
  return { id: raw.id, name: raw.name, status: raw.status };
}

/** `attest-evidence-campaign-12.zip`. */
export function evidenceZipFileName(campaignId: number): string {
  return `attest-evidence-campaign-${campaignId}.zip`;
}
