import 'server-only';
import type { TNotificationKind } from '@/db/schema';
import { countInboxUnread, listInbox, markInboxRead, type TInboxRow } from './queries';
import { parseNotificationInput, ZMarkReadInput } from './schemas';

/**
 * The in-app copy of every notification. Each function takes the signed-in user's email and the
 * SQL matches on it, so a user only ever sees or marks their own notifications (an id of someone
 * else's is simply not found).
 */

export type TNotificationItem = TInboxRow & { kind: TNotificationKind; read: boolean };

export const MAX_LIST_LIMIT = 200;

/** A user's notifications, newest first; `beforeId` continues after the last one shown. */
export function listNotifications(recipientEmail: string, options: { unreadOnly?: boolean; limit?: number; beforeId?: number | null } = {}): TNotificationItem[] {
  const limit = Math.max(1, Math.min(MAX_LIST_LIMIT, Math.floor(options.limit ?? 50)));
  return listInbox(recipientEmail.toLowerCase(), { unreadOnly: options.unreadOnly ?? false, limit, beforeId: options.beforeId ?? null }).map((r) => ({
    ...r,
    read: r.readAt !== null,
  }));
}

/** How many of a user's notifications are unread (the badge in the navigation). */
export function countUnread(recipientEmail: string): number {
  return countInboxUnread(recipientEmail.toLowerCase());
}

/** Mark some of a user's notifications read, or all of them; returns how many changed. */
export function markRead(recipientEmail: string, ids: readonly number[] | 'all'): number {
  const target = parseNotificationInput(ZMarkReadInput, ids === 'all' ? { all: true } : { ids: [...ids] }, 'selection');
  return markInboxRead(recipientEmail.toLowerCase(), 'all' in target ? 'all' : target.ids, new Date().toISOString());
}
