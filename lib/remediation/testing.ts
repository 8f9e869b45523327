import type { SimStore } from '@/lib/airtable-sim';
import type { TActor } from '@/lib/audit';
import { bulkDecide, closeCampaign, createCampaignDraft, launchCampaign, type TCampaignInput, type TReviewItemRow } from '@/lib/review';
import { actor, ADMIN, allItems, campaignInput, snapshotFromStore } from '@/lib/review/testing';

/**
 * Test and benchmark helpers for lib/remediation: a campaign over a simulator's directory with
 * chosen revokes, and the simulator's state as sets to compare before and after. Not used by app code.
 */

/** The one reviewer of the fixture campaigns; not a directory user, so no item is their own. */
export const REVIEWER = 'reviewer@attest.test';
export const REVIEWER_ACTOR: TActor = actor(REVIEWER);

export type TCampaignFixture = { snapshotId: number; campaignId: number; items: TReviewItemRow[]; revoked: TReviewItemRow[] };

/**
 * Snapshot the store, launch a campaign reviewed by `REVIEWER`, revoke the items `pick` chooses
 * (with a justification), certify nothing else, and optionally close it.
 */
export function campaignWithRevokes(
  store: SimStore,
  pick: (items: TReviewItemRow[]) => TReviewItemRow[],
  options: { close?: boolean; overrides?: Partial<TCampaignInput> } = {},
): TCampaignFixture {
  const snapshotId = snapshotFromStore(store);
  const draft = createCampaignDraft(
    ADMIN,
    campaignInput(snapshotId, { reviewerRule: 'fixed', fixedReviewerEmail: REVIEWER, fallbackReviewerEmail: 'fallback@attest.test', ...options.overrides }),
  );
  launchCampaign(ADMIN, draft.id);
  const items = allItems(draft.id);
  const revoked = pick(items);
  for (let i = 0; i < revoked.length; i += 5_000) {
    const chunk = revoked.slice(i, i + 5_000);
    bulkDecide(REVIEWER_ACTOR, { campaignId: draft.id, decision: 'revoke', comment: 'No longer needed', target: { itemIds: chunk.map((r) => r.id) } });
  }
  if (options.close ?? true) closeCampaign(ADMIN, draft.id);
  return { snapshotId, campaignId: draft.id, items, revoked };
}

/** Account items and membership items of users who hold both kinds, to build "account AND memberships" plans. */
export function usersWithMemberships(items: readonly TReviewItemRow[]): Array<{ account: TReviewItemRow; memberships: TReviewItemRow[] }> {
  const byUser = new Map<string, { account?: TReviewItemRow; memberships: TReviewItemRow[] }>();
  for (const item of items) {
    const entry = byUser.get(item.userScimId) ?? { memberships: [] };
    if (item.kind === 'account') entry.account = item;
    else entry.memberships.push(item);
    byUser.set(item.userScimId, entry);
  }
  return [...byUser.values()].flatMap((e) => (e.account && e.memberships.length > 0 ? [{ account: e.account, memberships: e.memberships }] : []));
}

export type TDirectoryState = { inactive: Set<string>; memberships: Set<string> };

export const membershipKey = (groupScimId: string, userScimId: string): string => `${groupScimId}|${userScimId}`;

/** Which users are inactive and which memberships exist, straight from the simulator's store. */
export function directoryState(store: SimStore): TDirectoryState {
  const inactive = new Set(store.allUsers().filter((u) => !u.active).map((u) => u.id));
  const memberships = new Set(store.allGroupsWithMembers().flatMap((g) => g.memberIds.map((u) => membershipKey(g.id, u))));
  return { inactive, memberships };
}

/** The state a set of revokes must produce: the users deactivated, the memberships removed, nothing else. */
export function expectedState(before: TDirectoryState, revoked: readonly TReviewItemRow[]): TDirectoryState {
  const inactive = new Set(before.inactive);
  const memberships = new Set(before.memberships);
  for (const item of revoked) {
    if (item.kind === 'account') inactive.add(item.userScimId);
    else memberships.delete(membershipKey(item.groupScimId ?? '', item.userScimId));
  }
  return { inactive, memberships };
}

/** PATCH requests the simulator received per target (path + body), with the statuses they got. */
export function patchesByTarget(log: ReadonlyArray<{ method: string; path: string; bodyText?: string; status: number | 'dropped' }>): Map<string, Array<number | 'dropped'>> {
  const out = new Map<string, Array<number | 'dropped'>>();
  for (const r of log) {
    if (r.method !== 'PATCH') continue;
    const key = `${r.path} ${r.bodyText ?? ''}`;
    const list = out.get(key) ?? [];
    list.push(r.status);
    out.set(key, list);
  }
  return out;
}

/** How many PATCHes of a target may have changed it: answered 2xx, or processed and then dropped. */
export const effectivePatches = (statuses: ReadonlyArray<number | 'dropped'>): number => statuses.filter((s) => s === 'dropped' || (s >= 200 && s < 300)).length;
