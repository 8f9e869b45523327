import 'server-only';
import type { TNotificationKind } from '@/db/schema';
import { composeForRecipient, daysOverdue, type TNotice } from './compose';
import { findManagerEmail, keyExists, listOpenReviewerLoads, writeTransaction, type TOpenLoadRow } from './queries';
import type { TNotificationRules } from './schemas';
import { getNotificationRules } from './settings';
import { noticeKeys, storeNotification } from './store';

/**
 * The planner: decides, at `now`, which reminders, overdue notices and escalations are due, and
 * queues them (docs: lib/notifications/index.ts). Every notice has a key; a key already recorded
 * means "already told", so a run at the same `now` — or a second process running the same tick —
 * queues nothing. All notices for one person from one run become one notification (a digest).
 */

const DAY_MS = 86_400_000;

export type TPlanResult = {
  /** Notifications written (one per recipient at most). */
  notifications: number;
  /** Notices they carry, by kind (a digest carries several). */
  notices: Record<Exclude<TNotificationKind, 'launch' | 'stage_started' | 'digest'>, number>;
  /** Of the notifications, how many are digests. */
  digests: number;
};

type TPlanned = { notice: TNotice; keys: string[] };

/**
 * The reminder due for one reviewer, if any. Every threshold N with `due − N days ≤ now < due` is
 * reached; only the tightest reached one speaks (after downtime, "due in 1 day" not also "in 3
 * days"), and all reached keys are recorded with it. A threshold that was already past when the
 * stage started is skipped: the start notice gave the due date.
 */
function planReminder(row: TOpenLoadRow, rules: TNotificationRules, now: Date): TPlanned | null {
  const due = Date.parse(row.dueAt);
  const t = now.getTime();
  if (t >= due) return null;
  const startedAt = row.stageStartedAt ? Date.parse(row.stageStartedAt) : Number.NEGATIVE_INFINITY;
  const reached = rules.reminderDaysBefore.filter((n) => t >= due - n * DAY_MS && due - n * DAY_MS > startedAt);
  if (reached.length === 0) return null;
  const tightest = Math.min(...reached);
  if (keyExists(noticeKeys.reminder(row.campaignId, row.stage, row.reviewerEmail, tightest))) return null;
  return {
    notice: { kind: 'reminder', ...campaignPart(row), recipientEmail: row.reviewerEmail, open: row.open, daysBefore: tightest },
    keys: reached.map((n) => noticeKeys.reminder(row.campaignId, row.stage, row.reviewerEmail, n)),
  };
}

/** Overdue: once when the due date passes, then every `overdueEveryDays` (period k = ⌊days overdue / every⌋). */
function planOverdue(row: TOpenLoadRow, rules: TNotificationRules, now: Date): TPlanned | null {
  if (rules.overdueEveryDays === null || now.getTime() < Date.parse(row.dueAt)) return null;
  const period = Math.floor(daysOverdue(row.dueAt, now) / rules.overdueEveryDays);
  const key = noticeKeys.overdue(row.campaignId, row.stage, row.reviewerEmail, period);
  if (keyExists(key)) return null;
  return { notice: { kind: 'overdue', ...campaignPart(row), recipientEmail: row.reviewerEmail, open: row.open }, keys: [key] };
}

/**
 * Escalation, once per reviewer and stage, after `escalateAfterDays` overdue: to the reviewer's
 * manager in the campaign's snapshot, or the campaign owner when there is none (or the manager is
 * the reviewer).
 */
function planEscalation(row: TOpenLoadRow, rules: TNotificationRules, now: Date): TPlanned | null {
  if (rules.escalateAfterDays === null) return null;
  if (now.getTime() < Date.parse(row.dueAt) + rules.escalateAfterDays * DAY_MS) return null;
  const key = noticeKeys.escalation(row.campaignId, row.stage, row.reviewerEmail);
  if (keyExists(key)) return null;
  const manager = findManagerEmail(row.snapshotId, row.reviewerEmail);
  const toManager = manager !== null && manager !== row.reviewerEmail;
  // Nobody to tell (no manager, and a campaign whose owner is not a person): looked at again next run.
  if (!toManager && !row.ownerEmail) return null;
  return {
    notice: {
      kind: 'escalation',
      ...campaignPart(row),
      recipientEmail: toManager ? manager : (row.ownerEmail as string),
      reviewerEmail: row.reviewerEmail,
      open: row.open,
      escalatedTo: toManager ? 'manager' : 'owner',
    },
    keys: [key],
  };
}

function campaignPart(row: TOpenLoadRow) {
  return { campaignId: row.campaignId, campaignName: row.name, stage: row.stage, stageCount: row.stageCount, dueAt: row.dueAt };
}

/**
 * Plan and queue the notices due at `now`, in one write transaction: for every active campaign,
 * every reviewer with open items in the current stage who has not signed off that stage gets a
 * reminder before the due date, an overdue notice after it, and is escalated once long overdue
 * (see the rules in Settings → Notifications). Closed campaigns and signed-off reviewers get
 * nothing. Returns what was queued.
 */
export function planDueNotifications(now: Date): TPlanResult {
  const rules = getNotificationRules();
  return writeTransaction(() => {
    const byRecipient = new Map<string, TPlanned[]>();
    const add = (p: TPlanned | null) => {
      if (!p) return;
      const list = byRecipient.get(p.notice.recipientEmail) ?? [];
      list.push(p);
      byRecipient.set(p.notice.recipientEmail, list);
    };
    for (const row of listOpenReviewerLoads()) {
      add(planReminder(row, rules, now));
      add(planOverdue(row, rules, now));
      add(planEscalation(row, rules, now));
    }

    const result: TPlanResult = { notifications: 0, notices: { reminder: 0, overdue: 0, escalation: 0 }, digests: 0 };
    const createdAt = now.toISOString();
    for (const [recipient, planned] of byRecipient) {
      const composed = composeForRecipient(
        planned.map((p) => p.notice),
        now,
      );
      storeNotification(
        recipient,
        composed,
        planned.flatMap((p) => p.keys),
        createdAt,
      );
      result.notifications++;
      if (composed.kind === 'digest') result.digests++;
      for (const p of planned) {
        if (p.notice.kind === 'reminder' || p.notice.kind === 'overdue' || p.notice.kind === 'escalation') result.notices[p.notice.kind]++;
      }
    }
    return result;
  });
}
