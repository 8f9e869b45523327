import 'server-only';
import { getDb } from '@/db/client';
import { prepared, sqlite, writeTransaction } from '@/db/statements';
import type { TMailStatus, TNotification, TNotificationKind } from '@/db/schema';

/**
 * Every SQL statement of lib/notifications. Review state (campaigns, items, sign-offs, stages,
 * snapshot users) is only read here; lib/review owns those writes. Raw statements run on the
 * process connection, so when lib/review calls `queueStageStartNotices` inside its write
 * transaction they join it.
 *
 * Authorization of the in-app list lives in the SQL: every read or write of someone's
 * notifications has `recipient_email = :email` in its WHERE clause.
 */

export { writeTransaction };

/** Run `fn` in the caller's open transaction, or in a new IMMEDIATE one when there is none. */
export function inWriteTransaction<T>(fn: () => T): T {
  if (sqlite().inTransaction) return fn();
  return getDb().transaction(() => fn(), { behavior: 'immediate' });
}

// ─── Review state (read only) ───────────────────────────────────────────────────────────────

// Stages: the rows lib/review writes at launch, else 1 + the configured later stages (campaigns
// launched before stage rows existed have none).
const STAGE_COUNT = `max((SELECT count(*) FROM campaign_stages cs WHERE cs.campaign_id = c.id), 1 + json_array_length(c.later_stages_json))`;
// The owner: who created the campaign, or for one a recurring template launched as 'system', who
// created the template; null when neither is an email address.
const OWNER_EMAIL = `CASE WHEN c.created_by_email LIKE '%_@_%' THEN lower(c.created_by_email)
                          ELSE (SELECT lower(t.created_by_email) FROM campaign_templates t WHERE t.id = c.template_id AND t.created_by_email LIKE '%_@_%') END`;
const STAGE_STARTED_AT = `coalesce((SELECT cs.started_at FROM campaign_stages cs WHERE cs.campaign_id = c.id AND cs.stage = c.current_stage),
                                   CASE WHEN c.current_stage = 1 THEN c.launched_at END)`;

export type TCampaignNoticeRow = {
  campaignId: number;
  name: string;
  status: 'draft' | 'active' | 'closed';
  stage: number;
  stageCount: number;
  dueAt: string;
  stageStartedAt: string | null;
  ownerEmail: string | null;
  snapshotId: number;
};

const CAMPAIGN_COLUMNS = `c.id AS campaignId, c.name, c.status, c.current_stage AS stage, ${STAGE_COUNT} AS stageCount, c.due_at AS dueAt,
                          ${STAGE_STARTED_AT} AS stageStartedAt, ${OWNER_EMAIL} AS ownerEmail, c.snapshot_id AS snapshotId`;

export function getCampaignNoticeRow(campaignId: number): TCampaignNoticeRow | null {
  return prepared<TCampaignNoticeRow>(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns c WHERE c.id = ?`).get(campaignId) ?? null;
}

export type TQueueCount = { reviewerEmail: string; items: number; open: number };

/** Each reviewer's queue in `stage` (items not excluded) and how many of them are still open. */
export function listStageQueueCounts(campaignId: number, stage: number): TQueueCount[] {
  return prepared<TQueueCount>(
    `SELECT reviewer_email AS reviewerEmail, count(*) AS items,
            coalesce(sum(decision IS NULL AND awaiting_next_stage = 0), 0) AS open
       FROM review_items
      WHERE campaign_id = ? AND stage = ? AND excluded_reason IS NULL
      GROUP BY reviewer_email ORDER BY reviewer_email`,
  ).all(campaignId, stage);
}

export type TOpenLoadRow = TCampaignNoticeRow & { reviewerEmail: string; open: number };

/**
 * Every reviewer with open items in the current stage of an active campaign who has not signed
 * off that stage, with their open count. Open = in the current stage, not excluded, undecided,
 * not passed on as "not sure".
 */
export function listOpenReviewerLoads(): TOpenLoadRow[] {
  return prepared<TOpenLoadRow>(
    `SELECT ${CAMPAIGN_COLUMNS}, r.reviewer_email AS reviewerEmail, count(*) AS open
       FROM campaigns c
       -- Only the undecided rows of each campaign are visited (campaign_id, decision): a campaign
       -- near its end reads its few open items, not all 100k.
       JOIN review_items r INDEXED BY review_items_decision_idx ON r.campaign_id = c.id
      WHERE c.status = 'active'
        AND r.decision IS NULL AND r.stage = c.current_stage AND r.excluded_reason IS NULL AND r.awaiting_next_stage = 0
        AND NOT EXISTS (SELECT 1 FROM reviewer_signoffs s
                         WHERE s.campaign_id = c.id AND s.stage = c.current_stage AND s.reviewer_email = r.reviewer_email)
      GROUP BY c.id, r.reviewer_email
      ORDER BY c.id, r.reviewer_email`,
  ).all();
}

/** The manager email (lowercased) the campaign's snapshot records for `email`, or null. */
export function findManagerEmail(snapshotId: number, email: string): string | null {
  const manager = prepared<string | null>('SELECT manager_email FROM snapshot_users WHERE snapshot_id = ? AND email = ? LIMIT 1')
    .pluck()
    .get(snapshotId, email.toLowerCase());
  const trimmed = manager?.trim().toLowerCase();
  return trimmed ? trimmed : null;
}

export type TReviewerStageState = { status: 'draft' | 'active' | 'closed'; currentStage: number; signedOff: 0 | 1; open: number };

/** Whether a (campaign, stage, reviewer) still needs nudging: campaign state, sign-off, open items. */
export function getReviewerStageState(campaignId: number, stage: number, email: string): TReviewerStageState | null {
  return (
    prepared<TReviewerStageState>(
      `SELECT c.status, c.current_stage AS currentStage,
              EXISTS (SELECT 1 FROM reviewer_signoffs s WHERE s.campaign_id = c.id AND s.stage = @stage AND s.reviewer_email = @email) AS signedOff,
              (SELECT count(*) FROM review_items r
                WHERE r.campaign_id = c.id AND r.reviewer_email = @email AND r.stage = @stage
                  AND r.excluded_reason IS NULL AND r.decision IS NULL AND r.awaiting_next_stage = 0) AS open
         FROM campaigns c WHERE c.id = @campaignId`,
    ).get({ campaignId, stage, email }) ?? null
  );
}

// ─── Notifications and keys ─────────────────────────────────────────────────────────────────

export type TNotificationInsert = {
  recipientEmail: string;
  kind: TNotificationKind;
  campaignId: number | null;
  subject: string;
  bodyText: string;
  linkPath: string | null;
  createdAt: string;
};

/** Insert a notification (mail pending, due at once); returns its id. Joins the open transaction. */
export function insertNotification(row: TNotificationInsert): number {
  const result = prepared(
    `INSERT INTO notifications (recipient_email, kind, campaign_id, subject, body_text, link_path, created_at, mail_status, mail_attempts, mail_next_attempt_at)
     VALUES (@recipientEmail, @kind, @campaignId, @subject, @bodyText, @linkPath, @createdAt, 'pending', 0, @createdAt)`,
  ).run(row);
  return Number(result.lastInsertRowid);
}

export function keyExists(key: string): boolean {
  return prepared('SELECT 1 FROM notification_keys WHERE key = ?').get(key) !== undefined;
}

/** Record that `notificationId` covered `key`; false when the key was already recorded. */
export function insertKey(key: string, notificationId: number): boolean {
  return prepared('INSERT INTO notification_keys (key, notification_id) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, notificationId).changes > 0;
}

export function listKeysOf(notificationId: number): string[] {
  return prepared<string>('SELECT key FROM notification_keys WHERE notification_id = ? ORDER BY key').pluck().all(notificationId);
}

// ─── Mail outbox ────────────────────────────────────────────────────────────────────────────

export type TMailRow = Pick<TNotification, 'id' | 'recipientEmail' | 'kind' | 'campaignId' | 'subject' | 'bodyText' | 'linkPath' | 'createdAt' | 'mailAttempts'>;

/** Pending rows due by `nowIso`, oldest first (index notifications_mail_idx). */
export function listDueMail(nowIso: string, afterId: number, limit: number): TMailRow[] {
  return prepared<TMailRow>(
    `SELECT id, recipient_email AS recipientEmail, kind, campaign_id AS campaignId, subject, body_text AS bodyText, link_path AS linkPath,
            created_at AS createdAt, mail_attempts AS mailAttempts
       FROM notifications
      WHERE mail_status = 'pending' AND mail_next_attempt_at <= @nowIso AND id > @afterId
      ORDER BY id LIMIT @limit`,
  ).all({ nowIso, afterId, limit });
}

/**
 * Claim a pending row for one send attempt: attempts + 1 and the next attempt pushed to
 * `leaseUntil`, only if nobody else claimed it since we read it (same attempts, still due). A
 * process that dies mid-send leaves the row due again once the lease ends.
 */
export function claimMail(id: number, seenAttempts: number, nowIso: string, leaseUntil: string): boolean {
  return (
    prepared(
      `UPDATE notifications SET mail_attempts = mail_attempts + 1, mail_next_attempt_at = @leaseUntil
        WHERE id = @id AND mail_status = 'pending' AND mail_attempts = @seenAttempts AND mail_next_attempt_at <= @nowIso`,
    ).run({ id, seenAttempts, nowIso, leaseUntil }).changes > 0
  );
}

// Each outcome is written only by the claim that made it (status pending, attempts = that claim's number).
const OWN_CLAIM = `WHERE id = @id AND mail_status = 'pending' AND mail_attempts = @attempt`;

export function markMailSent(id: number, attempt: number, at: string, messageId: string | null): boolean {
  return (
    prepared(`UPDATE notifications SET mail_status = 'sent', mail_sent_at = @at, mail_message_id = @messageId, mail_last_error = NULL, mail_next_attempt_at = NULL ${OWN_CLAIM}`).run({
      id,
      attempt,
      at,
      messageId,
    }).changes > 0
  );
}

export function scheduleMailRetry(id: number, attempt: number, nextAt: string, error: string): boolean {
  return prepared(`UPDATE notifications SET mail_next_attempt_at = @nextAt, mail_last_error = @error ${OWN_CLAIM}`).run({ id, attempt, nextAt, error }).changes > 0;
}

/** The mail no longer applies (signed off, stage or campaign over): not sent, and not an error. */
export function markMailSkipped(id: number, attempt: number, reason: string): boolean {
  return prepared(`UPDATE notifications SET mail_status = 'skipped', mail_last_error = @reason, mail_next_attempt_at = NULL ${OWN_CLAIM}`).run({ id, attempt, reason }).changes > 0;
}

export function markMailFailed(id: number, attempt: number, error: string): boolean {
  return prepared(`UPDATE notifications SET mail_status = 'failed', mail_last_error = @error, mail_next_attempt_at = NULL ${OWN_CLAIM}`).run({ id, attempt, error }).changes > 0;
}

/** Mail is off or not configured: every due pending row keeps only its in-app copy. Returns how many. */
export function markDueMailNotConfigured(nowIso: string): number {
  return prepared(
    `UPDATE notifications SET mail_status = 'not_configured', mail_next_attempt_at = NULL
      WHERE mail_status = 'pending' AND mail_next_attempt_at <= ?`,
  ).run(nowIso).changes;
}

export type TMailStatusCounts = Record<TMailStatus, number>;

export function countMailByStatus(): TMailStatusCounts {
  const out: TMailStatusCounts = { pending: 0, sent: 0, failed: 0, skipped: 0, not_configured: 0 };
  for (const r of prepared<{ status: TMailStatus; n: number }>('SELECT mail_status AS status, count(*) AS n FROM notifications GROUP BY mail_status').all()) {
    out[r.status] = r.n;
  }
  return out;
}

export type TLastMailError = { id: number; recipientEmail: string; subject: string; error: string; createdAt: string; status: TMailStatus };

/** The most recent row with a mail error (failed, or pending and retrying); mails skipped as no longer needed are not errors. */
export function getLastMailError(): TLastMailError | null {
  return (
    prepared<TLastMailError>(
      `SELECT id, recipient_email AS recipientEmail, subject, mail_last_error AS error, created_at AS createdAt, mail_status AS status
         FROM notifications WHERE mail_last_error IS NOT NULL AND mail_status IN ('failed', 'pending')
        ORDER BY id DESC LIMIT 1`,
    ).get() ?? null
  );
}

// ─── In-app list (authorization in every WHERE) ─────────────────────────────────────────────

export type TInboxRow = Pick<TNotification, 'id' | 'kind' | 'campaignId' | 'subject' | 'bodyText' | 'linkPath' | 'createdAt' | 'readAt'>;

export function listInbox(email: string, options: { unreadOnly: boolean; limit: number; beforeId: number | null }): TInboxRow[] {
  const unread = options.unreadOnly ? 'AND read_at IS NULL' : '';
  return prepared<TInboxRow>(
    `SELECT id, kind, campaign_id AS campaignId, subject, body_text AS bodyText, link_path AS linkPath, created_at AS createdAt, read_at AS readAt
       FROM notifications
      WHERE recipient_email = @email AND id < @beforeId ${unread}
      ORDER BY id DESC LIMIT @limit`,
  ).all({ email, beforeId: options.beforeId ?? Number.MAX_SAFE_INTEGER, limit: options.limit });
}

export function countInboxUnread(email: string): number {
  return prepared<number>('SELECT count(*) FROM notifications WHERE recipient_email = ? AND read_at IS NULL').pluck().get(email) ?? 0;
}

/** Mark some (or all) of `email`'s unread notifications read; ids of others are simply not matched. */
export function markInboxRead(email: string, ids: readonly number[] | 'all', at: string): number {
  if (ids === 'all') {
    return prepared('UPDATE notifications SET read_at = ? WHERE recipient_email = ? AND read_at IS NULL').run(at, email).changes;
  }
  return prepared(
    `UPDATE notifications SET read_at = @at
      WHERE recipient_email = @email AND read_at IS NULL AND id IN (SELECT value FROM json_each(@ids))`,
  ).run({ at, email, ids: JSON.stringify(ids) }).changes;
}
