import 'server-only';

/**
 * lib/notifications — what Attest tells people about review campaigns, in the app and by mail.
 *
 * - queue.ts: `queueStageStartNotices`, called by lib/review inside its launch / stage-advance
 *   transaction (one notice per reviewer: their item count, due date and link).
 * - planner.ts: `planDueNotifications(now)`: reminders before the due date, overdue notices,
 *   escalations to the manager (else the campaign owner); one digest per person per run; a key
 *   per notice in `notification_keys` so nothing is said twice; nothing to a reviewer who signed
 *   off the stage, nothing about a closed campaign.
 * - mailer.ts: `sendPendingMail(now)`: the outbox over SMTP (nodemailer), claim → send → record,
 *   retries with backoff, no transaction around the network.
 * - tick.ts: `runNotificationTick(now)` = plan, then send (the scheduler's entry point).
 * - inbox.ts: the in-app list; settings.ts: SMTP settings (password encrypted) and timing rules.
 */

export * from './schemas';
export { composeForRecipient, composeNotice, mailText, noticeLine, type TComposed, type TNotice } from './compose';
export { queueStageStartNotices } from './queue';
export { planDueNotifications, type TPlanResult } from './planner';
export { sendPendingMail, sendTestMail, classifyMailError, MAIL_MAX_ATTEMPTS, type TSendResult, type TTestMailResult, type TMailFailure, type TMailFailureKind } from './mailer';
export { runNotificationTick, getMailOutboxSummary, type TTickResult, type TOutboxSummary } from './tick';
export { listNotifications, countUnread, markRead, MAX_LIST_LIMIT, type TNotificationItem } from './inbox';
export { getSmtpSummary, saveSmtpSettings, getNotificationRules, saveNotificationRules, SmtpPasswordUnreadableError, type TSmtpSummary } from './settings';
