'use client';

import { useRouter } from 'next/navigation';
import { useTransition } from 'react';
import { markNotificationsReadAction } from '@/app/(app)/notifications/actions';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { useToast } from '@/components/ui/toast';
import { formatDateTime } from '@/lib/format';
import type { TNotificationItem } from '@/lib/notifications/inbox';
import { NOTIFICATION_KIND_LABEL } from './notification-kind';

type TProps = { items: TNotificationItem[]; unread: number };

/** The signed-in user's notifications: read state, the text, a link to act on it, mark read. */
export function NotificationList({ items, unread }: TProps) {
  const router = useRouter();
  const { toast } = useToast();
  const [pending, startTransition] = useTransition();

  function mark(input: { ids: number[] } | { all: true }, then?: () => void) {
    startTransition(async () => {
      const result = await markNotificationsReadAction(input);
      if (!result.ok) {
        toast({ title: 'Not marked as read', description: result.error, tone: 'danger' });
        return;
      }
      if (then) then();
      else router.refresh();
    });
  }

  return (
    <div className="space-y-3">
      <div className="flex items-center justify-between gap-3">
        <p className="text-sm text-ink-muted" aria-live="polite">
          {unread === 0 ? 'Everything is read.' : `${unread.toLocaleString('en-US')} unread`}
        </p>
        {unread > 0 ? (
          <Button variant="secondary" size="sm" loading={pending} onClick={() => mark({ all: true })}>
            Mark all read
          </Button>
        ) : null}
      </div>
      <ul className="divide-y divide-line rounded-card border border-line bg-surface" aria-label="Notifications">
        {items.map((n) => {
          const kind = NOTIFICATION_KIND_LABEL[n.kind];
          return (
            <li key={n.id} className={cn('flex flex-col gap-2 px-5 py-4 sm:flex-row sm:items-start sm:justify-between', !n.read && 'bg-accent-soft/40')}>
              <div className="min-w-0 space-y-1">
                <div className="flex flex-wrap items-center gap-2">
                  {n.read ? null : (
                    <span className="inline-block size-2 rounded-full bg-accent" aria-hidden="true" />
                  )}
                  <Badge tone={kind.tone}>{kind.label}</Badge>
                  <time dateTime={n.createdAt} className="text-xs text-ink-muted">
                    {formatDateTime(n.createdAt)}
                  </time>
                  {n.read ? null : <span className="sr-only">Unread.</span>}
                </div>
                <p className={cn('text-sm text-ink', !n.read && 'font-semibold')}>{n.subject}</p>
                <details className="text-sm text-ink-muted">
                  <summary className="cursor-pointer select-none">Details</summary>
                  <p className="mt-2 whitespace-pre-line">{n.bodyText}</p>
                </details>
              </div>
              <div className="flex shrink-0 gap-2">
                {n.linkPath ? (
                  <Button
                    size="sm"
                    variant={n.read ? 'secondary' : 'primary'}
                    onClick={() => {
                      const href = n.linkPath as string;
                      if (n.read) router.push(href);
                      else mark({ ids: [n.id] }, () => router.push(href));
                    }}
                  >
                    Open
                  </Button>
                ) : null}
                {n.read ? null : (
                  <Button size="sm" variant="ghost" onClick={() => mark({ ids: [n.id] })}>
                    Mark read
                  </Button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
