import 'server-only';
import { log } from '@/lib/log';
import { sendPendingMail, type TSendResult } from './mailer';
import { planDueNotifications, type TPlanResult } from './planner';
import { countMailByStatus, getLastMailError, type TLastMailError, type TMailStatusCounts } from './queries';

export type TTickResult = { plan: TPlanResult; send: TSendResult };

/**
 * One notification tick (called by the scheduler in lib/schedule, and usable from cron): plan the
 * reminders, overdue notices and escalations due at `now`, then send the pending mail. The plan
 * commits before any mail goes out; a mail failure never throws.
 */
export async function runNotificationTick(now: Date = new Date()): Promise<TTickResult> {
  const plan = planDueNotifications(now);
  const send = await sendPendingMail(now);
  if (plan.notifications > 0 || send.sent + send.failed + send.retrying > 0) {
    log.info({ module: 'notifications', plan, send }, 'notification tick');
  }
  return { plan, send };
}

export type TOutboxSummary = { counts: TMailStatusCounts; lastError: TLastMailError | null };

/** Mail outbox state for the settings page: rows per status and the latest error. */
export function getMailOutboxSummary(): TOutboxSummary {
  return { counts: countMailByStatus(), lastError: getLastMailError() };
}
