import Link from 'next/link';
import type { ComponentProps } from 'react';
import { countUnread } from '@/lib/notifications';

function BellIcon(props: ComponentProps<'svg'>) {
  return (
    <svg width={18} height={18} viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth={1.75} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false" {...props}>
      <path d="M5 8a5 5 0 0 1 10 0c0 4.5 2 6 2 6H3s2-1.5 2-6" />
      <path d="M8.5 17a1.7 1.7 0 0 0 3 0" />
    </svg>
  );
}

/** The header's link to /notifications with the unread count (a server component: one indexed count per page). */
export function NotificationsLink({ email }: { email: string }) {
  const unread = countUnread(email);
  const label = unread === 0 ? 'Notifications' : `Notifications, ${unread.toLocaleString('en-US')} unread`;
  return (
    <Link
      href="/notifications"
      aria-label={label}
      title={label}
      className="relative inline-flex size-9 items-center justify-center rounded-md text-ink-muted hover:bg-canvas hover:text-ink"
    >
      <BellIcon />
      {unread > 0 ? (
        <span
          aria-hidden="true"
          data-testid="unread-count"
          className="absolute -top-0.5 -right-0.5 min-w-5 rounded-full bg-danger px-1 text-center text-xs leading-5 font-semibold text-white tabular-nums"
        >
          {unread > 99 ? '99+' : unread}
        </span>
      ) : null}
    </Link>
  );
}
