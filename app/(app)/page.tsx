import type { Metadata } from 'next';
import Link from 'next/link';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageRole } from '@/lib/auth/guards';
import { navFor, ROLE_DESCRIPTION, ROLE_LABEL } from '@/lib/auth/roles';
import { getConnectionSummary } from '@/lib/connection';
import { formatCount, formatDateTime } from '@/lib/format';
import { getCurrentSnapshot } from '@/lib/snapshot';

export const metadata: Metadata = { title: 'Dashboard' };

const SECTION_HELP: Record<string, string> = {
  '/snapshots': 'Point-in-time copies of every Airtable user and group membership.',
  '/campaigns': 'Quarterly certifications: scope, reviewers, progress and close.',
  '/reviews': 'The access assigned to you to certify or revoke.',
  '/stale': 'Accounts of leavers and unused licenses.',
  '/audit': 'Every change, hash-chained.',
  '/settings': 'The Airtable connection and who may use Attest.',
};

export default async function DashboardPage() {
  const user = await requirePageRole();
  const connection = getConnectionSummary();
  const sections = navFor(user.role).filter((item) => item.href !== '/');
  const snapshot = user.role === 'reviewer' ? null : getCurrentSnapshot();
  return (
    <div className="space-y-6">
      <PageHeader title={`Welcome, ${user.name ?? user.email}`} description={`${ROLE_LABEL[user.role]}: ${ROLE_DESCRIPTION[user.role].toLowerCase()}.`} />
      <Card>
        <CardHeader title="Airtable directory" />
        <CardBody>
          <p className="text-sm">
            {connection.source === 'demo'
              ? 'Demo mode: Attest reads the built-in Airtable simulator (about 1,000 users in 60 groups).'
              : `Connected to ${connection.baseUrl} with a token ending in …${connection.tokenLast4}.`}
          </p>
          {user.role !== 'reviewer' ? (
            <p className="mt-2 text-sm">
              {snapshot ? (
                <>
                  Last complete snapshot:{' '}
                  <Link href={`/snapshots/${snapshot.id}`} className="text-accent-ink underline">
                    #{snapshot.id}
                  </Link>{' '}
                  of {formatDateTime(snapshot.startedAt)}, {formatCount(snapshot.usersDone)} users, {formatCount(snapshot.groupsDone)} groups, {formatCount(snapshot.membershipsCount)} memberships.
                </>
              ) : (
                <>
                  No snapshot yet.{' '}
                  <Link href="/snapshots" className="text-accent-ink underline">
                    Take the first one
                  </Link>
                  .
                </>
              )}
            </p>
          ) : null}
        </CardBody>
      </Card>
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {sections.map((item) => (
          <li key={item.href}>
            <Link href={item.href} className="block h-full rounded-lg border border-line bg-surface p-4 hover:border-accent focus-visible:border-accent">
              <span className="block font-semibold">{item.label}</span>
              <span className="mt-1 block text-sm text-ink-muted">{SECTION_HELP[item.href]}</span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
