import { spawnSync } from 'node:child_process';
import { getDb } from '@/db/client';
import { campaigns, campaignTemplateRuns, type TCampaign, type TCampaignTemplateRun, type TTemplateRunStatus } from '@/db/schema';
import type { TActor } from '@/lib/audit';
import type { TScimClientOptions } from '@/lib/scim';
import { startSnapshot } from '@/lib/snapshot';
import { fastClient, snapshotOptions, type TSimServer } from '@/lib/snapshot/testing';
import { insertClaimedRun, updateOwnedRun, writeTransaction, type TRunOwnerId } from './queries';
import type { TTemplateInput } from './schemas';
import type { TSnapshotStarter } from './tick';

/**
 * Test helpers for lib/schedule: template input, a snapshot starter over real HTTP to a test
 * simulator, and run rows as a crashed process leaves them. Not used by app code.
 */

export const ADMIN: TActor = { id: 'admin-1', email: 'admin@attest.test' };
/** Not a directory user: no item is ever their own. */
export const REVIEWER = 'reviewer@attest.test';
export const FALLBACK = 'fallback@attest.test';

/** A quarterly template reviewed by `REVIEWER`, 14 days, accounts and memberships of everyone. */
export function templateInput(overrides: Partial<TTemplateInput> = {}): TTemplateInput {
  return {
    name: 'Quarterly access review',
    scope: { kind: 'all' },
    reviewAccounts: true,
    reviewMemberships: true,
    reviewerRule: 'fixed',
    fixedReviewerEmail: REVIEWER,
    fallbackReviewerEmail: FALLBACK,
    reviewDays: 14,
    ...overrides,
  };
}

/** Snapshots of the test simulator with a fast client (no client-side rate limit). */
export function simSnapshots(server: TSimServer, clientOptions: Partial<TScimClientOptions> = {}): TSnapshotStarter {
  return ({ actor, signal }) => startSnapshot(snapshotOptions(server, { actor, trigger: 'schedule', signal }, fastClient(server, clientOptions)));
}

/** The pid of a process that has exited. */
export function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid ?? 999_999;
}

/** A run row as a process that died at `status` leaves it. */
export function leaveRun(
  templateId: number,
  periodAt: string,
  status: TTemplateRunStatus,
  owner: TRunOwnerId,
  produced: { snapshotId?: number; campaignId?: number; heartbeatAt?: string } = {},
): TCampaignTemplateRun {
  const at = produced.heartbeatAt ?? new Date().toISOString();
  const run = writeTransaction((tx) => insertClaimedRun(tx, { templateId, periodAt, owner, at }));
  if (status !== 'claimed' || produced.snapshotId !== undefined) {
    updateOwnedRun(getDb(), run.id, owner, 'claimed', { status, snapshotId: produced.snapshotId ?? null, campaignId: produced.campaignId ?? null });
  }
  return getDb().select().from(campaignTemplateRuns).all().find((r) => r.id === run.id) as TCampaignTemplateRun;
}

export function allRuns(): TCampaignTemplateRun[] {
  return getDb().select().from(campaignTemplateRuns).orderBy(campaignTemplateRuns.id).all();
}

export function allCampaigns(): TCampaign[] {
  return getDb().select().from(campaigns).orderBy(campaigns.id).all();
}
