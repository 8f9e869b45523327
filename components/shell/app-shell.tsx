import Link from 'next/link';
import type { ReactNode } from 'react';
import { NotificationsLink } from '@/components/notifications/notifications-link';
import { Badge } from '@/components/ui/badge';
import { ROLE_LABEL, type TRole } from '@/lib/auth/roles';
import { NavLinks } from './nav-links';
import { SignOutButton } from './sign-out-button';

type TProps = {
  user: { email: string; name: string | null; role: TRole };
  nav: Array<{ href: string; label: string }>;
  demoDirectory: boolean;
  children: ReactNode;
};

/** The frame around every signed-in page: skip link, header, role-filtered navigation, demo banner. */
export function AppShell({ user, nav, demoDirectory, children }: TProps) {
  return (
    <div className="flex min-h-screen flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded focus:bg-surface focus:px-3 focus:py-2">
        Skip to content
      </a>
      {demoDirectory ? (
        <div role="note" aria-label="Demo mode" className="bg-warning-soft px-4 py-2 text-center text-sm text-warning-ink" data-print="hide">
          <strong>Demo mode.</strong> Attest is connected to its built-in Airtable simulator, not a real enterprise.{' '}
          {user.role === 'admin' ? (
            <Link href="/settings" className="underline">
              Connect Airtable
            </Link>
          ) : null}
        </div>
      ) : null}
      <header className="border-b border-line bg-surface" data-print="hide">
        <div className="mx-auto flex max-w-7xl items-center gap-6 px-4 py-3">
          <Link href="/" className="text-lg font-semibold tracking-tight">
            Attest
          </Link>
          <nav aria-label="Main" className="flex-1 overflow-x-auto">
            <NavLinks items={nav} />
          </nav>
          <div className="flex items-center gap-3 text-sm">
            <NotificationsLink email={user.email} />
            <span className="hidden text-right sm:block">
              <span className="block font-medium">{user.name ?? user.email}</span>
              <span className="block text-ink-muted">{user.email}</span>
            </span>
            <Badge tone="info">{ROLE_LABEL[user.role]}</Badge>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-4 py-6">
        {children}
      </main>
    </div>
  );
}
