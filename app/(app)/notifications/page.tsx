import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { NotificationList } from '@/components/notifications/notification-list';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { TabNav } from '@/components/ui/tabs';
import { requirePageRole } from '@/lib/auth/guards';
import { countUnread, listNotifications } from '@/lib/notifications';

export const metadata: Metadata = { title: 'Notifications' };

const PAGE_SIZE = 50;

// Bad query values fall back to the first page of everything: people edit URLs.
const ZQuery = z.object({
  unread: z.literal('1').optional().catch(undefined),
  before: z.coerce.number().int().positive().optional().catch(undefined),
});

type TProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function NotificationsPage({ searchParams }: TProps) {
  const user = await requirePageRole();
  const query = ZQuery.parse(await searchParams);
  const unreadOnly = query.unread === '1';
  // One more than shown tells whether an older page exists.
  const rows = listNotifications(user.email, { unreadOnly, limit: PAGE_SIZE + 1, beforeId: query.before ?? null });
  const items = rows.slice(0, PAGE_SIZE);
  const olderId = rows.length > PAGE_SIZE ? items.at(-1)?.id : undefined;
  const unread = countUnread(user.email);
  const base = unreadOnly ? '/notifications?unread=1' : '/notifications';

  return (
    <div className="space-y-6">
      <PageHeader
        title="Notifications"
        description="Review launches, reminders, overdue notices and escalations sent to you. When mail is set up, each one is also emailed."
      />
      <TabNav
        label="Which notifications"
        items={[
          { href: '/notifications', label: 'All', active: !unreadOnly },
          { href: '/notifications?unread=1', label: 'Unread', active: unreadOnly, count: unread },
        ]}
      />
      {items.length === 0 ? (
        <EmptyState
          title={unreadOnly ? 'Nothing unread' : 'No notifications yet'}
          description={unreadOnly ? 'You have read every notification.' : 'When a review is assigned to you, or one is due or overdue, it appears here.'}
        />
      ) : (
        <NotificationList items={items} unread={unread} />
      )}
      {query.before || olderId ? (
        <nav aria-label="Pages" className="flex gap-3">
          {query.before ? (
            <Link href={base} className={buttonClasses('secondary', 'sm')}>
              Newest
            </Link>
          ) : null}
          {olderId ? (
            <Link href={`${base}${unreadOnly ? '&' : '?'}before=${olderId}`} className={buttonClasses('secondary', 'sm')}>
              Older
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}
