import 'server-only';
import type { TItemKind, TReviewerRule } from '@/db/schema';
import { appendAudit, type TActor } from '@/lib/audit';
import { listGroupOwnerRows, listOwnersOfGroup, nowIso, replaceGroupOwnerRows, writeTransaction } from './queries';
import { parseInput, ZGroupOwnersInput } from './schemas';
import type { TGroupOwners, TReviewerReason } from './types';

/**
 * Who reviews an item. The rules (pure, unit-tested; the launch's SQL for group-owner membership
 * items mirrors `resolveReviewer` and the launch tests check both agree):
 *
 * - manager: the user's manager email from the enterprise extension (Airtable puts an email
 *   there), matched case-insensitively to an ACTIVE user of the snapshot. A manager who is
 *   deactivated or not in the directory cannot review: fallback.
 * - group_owner: for a membership item, the first owner of the group (by email) who is not the
 *   member; an account item has no group, so it goes to the fallback.
 * - fixed: the fixed reviewer.
 * - nobody reviews their own access: when the rule picks the item's own user, the item goes to
 *   the fallback ('fallback_self_review'). When the fallback is that user too, the item cannot be
 *   assigned (`selfReview: true`) and the launch refuses.
 */

export type TResolveReviewerInput = {
  rule: TReviewerRule;
  kind: TItemKind;
  userEmail: string;
  managerEmail: string | null;
  /** true / false for an active / deactivated manager; null when no user of the snapshot has that email. */
  managerActive: boolean | null;
  /** Owners of the item's group (membership items, group-owner rule). */
  groupOwners?: readonly string[];
  fixedReviewerEmail: string | null;
  fallbackReviewerEmail: string;
};

export type TResolvedReviewer = {
  reviewerEmail: string;
  reason: TReviewerReason;
  /** The only possible reviewer is the item's own user (the fallback): the launch must refuse. */
  selfReview: boolean;
};

const lower = (email: string | null | undefined): string | null => {
  const t = email?.trim().toLowerCase();
  return t ? t : null;
};

/** The owners of a group in the order the rule tries them: lowercased, deduplicated, sorted. */
export function orderOwners(owners: readonly string[]): string[] {
  return [...new Set(owners.map((o) => o.trim().toLowerCase()).filter(Boolean))].sort();
}

/** Resolve the reviewer of one item (see the module comment for the rules). */
export function resolveReviewer(input: TResolveReviewerInput): TResolvedReviewer {
  const user = lower(input.userEmail) ?? '';
  const fallback = lower(input.fallbackReviewerEmail) ?? '';
  let candidate: string | null = null;
  let reason: TReviewerReason = 'fallback_no_reviewer';
  let self = false;

  if (input.rule === 'manager') {
    const manager = lower(input.managerEmail);
    if (manager && input.managerActive === true) {
      candidate = manager;
      reason = 'manager';
    }
  } else if (input.rule === 'group_owner') {
    if (input.kind === 'membership') {
      const owners = orderOwners(input.groupOwners ?? []);
      const other = owners.find((o) => o !== user) ?? null;
      if (other) {
        candidate = other;
        reason = 'group_owner';
      } else if (owners.length > 0) {
        self = true;
      }
    }
  } else {
    candidate = lower(input.fixedReviewerEmail);
    if (candidate) reason = 'fixed';
  }

  if (candidate === user) self = true;
  if (candidate !== null && !self) return { reviewerEmail: candidate, reason, selfReview: false };
  return { reviewerEmail: fallback, reason: self ? 'fallback_self_review' : 'fallback_no_reviewer', selfReview: fallback === user };
}

/** True when the reason says the rule could not assign the item itself. */
export function isFallbackReason(reason: string): boolean {
  return reason === 'fallback_no_reviewer' || reason === 'fallback_self_review';
}

// ─── Group owners (for the group-owner rule) ────────────────────────────────────────────────

/**
 * Replace the owners of a group (keyed by SCIM id, stable across snapshots). An empty list
 * removes them. Audited as `group_owners.updated` with the owners before and after.
 */
export function setGroupOwners(actor: TActor, groupScimId: string, groupName: string, emails: readonly string[]): TGroupOwners {
  const input = parseInput(ZGroupOwnersInput, { groupScimId, groupName, emails: [...emails] });
  const owners = orderOwners(input.emails);
  const at = nowIso();
  writeTransaction((tx) => {
    const before = listOwnersOfGroup(tx, input.groupScimId).map((r) => r.ownerEmail);
    replaceGroupOwnerRows(tx, { groupScimId: input.groupScimId, groupName: input.groupName, emails: owners, by: actor.email, at });
    appendAudit(
      {
        actor,
        action: 'group_owners.updated',
        target: { type: 'group', id: input.groupScimId },
        details: { groupName: input.groupName, before, after: owners },
      },
      tx,
    );
  });
  return { groupScimId: input.groupScimId, groupName: input.groupName, owners, updatedBy: actor.email, updatedAt: at };
}

/** Every group that has owners, by group name. */
export function listGroupOwners(): TGroupOwners[] {
  const byGroup = new Map<string, TGroupOwners>();
  for (const row of listGroupOwnerRows()) {
    const entry = byGroup.get(row.groupScimId);
    if (entry) {
      entry.owners.push(row.ownerEmail);
      if (row.updatedAt > entry.updatedAt) Object.assign(entry, { updatedAt: row.updatedAt, updatedBy: row.updatedBy });
    } else {
      byGroup.set(row.groupScimId, {
        groupScimId: row.groupScimId,
        groupName: row.groupName,
        owners: [row.ownerEmail],
        updatedBy: row.updatedBy,
        updatedAt: row.updatedAt,
      });
    }
  }
  return [...byGroup.values()];
}

/** The owners of every group that has some, by SCIM group id (as `resolveReviewer` takes them). */
export function ownersByGroup(): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  for (const row of listGroupOwnerRows()) {
    const list = owners.get(row.groupScimId);
    if (list) list.push(row.ownerEmail);
    else owners.set(row.groupScimId, [row.ownerEmail]);
  }
  return owners;
}

/** For the launch: each group with owners → [first owner, second owner] in rule order. */
export function ownerChoices(): Array<[groupId: string, owner1: string, owner2: string | null]> {
  const out: Array<[string, string, string | null]> = [];
  for (const [groupId, list] of ownersByGroup()) {
    const [first, second] = orderOwners(list);
    if (first) out.push([groupId, first, second ?? null]);
  }
  return out;
}
