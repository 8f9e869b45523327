import type { ReactNode } from 'react';
import { AppShell } from '@/components/shell/app-shell';
import { requirePageRole } from '@/lib/auth/guards';
import { navFor } from '@/lib/auth/roles';
import { getConnectionSummary } from '@/lib/connection';

export const dynamic = 'force-dynamic';

export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requirePageRole();
  const connection = getConnectionSummary();
  return (
    <AppShell user={user} nav={navFor(user.role).map(({ href, label }) => ({ href, label }))} demoDirectory={connection.source === 'demo'}>
      {children}
    </AppShell>
  );
}
