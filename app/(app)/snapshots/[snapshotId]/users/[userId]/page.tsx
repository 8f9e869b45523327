import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { loadCompleteSnapshot } from '@/components/snapshots/load-snapshot';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TableEmpty, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requirePageRole } from '@/lib/auth/guards';
import { formatCount } from '@/lib/format';
import { getSnapshotUser, listGroupsOfUser } from '@/lib/snapshot';

export const metadata: Metadata = { title: 'User · Snapshot' };

type TProps = { params: Promise<{ snapshotId: string; userId: string }> };

export default async function SnapshotUserPage({ params }: TProps) {
  await requirePageRole('admin', 'auditor');
  const { snapshotId: rawId, userId } = await params;
  const snapshotId = loadCompleteSnapshot(rawId).id;
  const user = getSnapshotUser(snapshotId, decodeURIComponent(userId));
  if (!user) notFound();
  const groups = listGroupsOfUser(snapshotId, user.scimId);
  const base = `/snapshots/${snapshotId}`;

  const fields: Array<[string, string | null]> = [
    ['User name', user.userName],
    ['Email', user.email],
    ['Title', user.title],
    ['Department', user.department],
    ['Cost center', user.costCenter],
    ['Division', user.division],
    ['Organization', user.organization],
    ['Manager', user.managerEmail ? `${user.managerName ?? ''} <${user.managerEmail}>`.trim() : null],
    ['SCIM id', user.scimId],
  ];

  return (
    <div className="space-y-6">
      <PageHeader
        title={user.name}
        breadcrumbs={[{ label: 'Snapshots', href: '/snapshots' }, { label: `#${snapshotId}`, href: base }, { label: user.name }]}
        description={`As of snapshot #${snapshotId}`}
        actions={
          <span className="flex gap-2">
            {user.active ? <Badge tone="success">Active</Badge> : <Badge tone="neutral">Deactivated</Badge>}
            {user.isExternal ? <Badge tone="warning">External domain</Badge> : null}
          </span>
        }
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Directory attributes" />
          <CardBody>
            <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm">
              {fields.map(([label, value]) => (
                <div key={label} className="contents">
                  <dt className="text-ink-muted">{label}</dt>
                  <dd className="break-all">{value ?? '—'}</dd>
                </div>
              ))}
            </dl>
          </CardBody>
        </Card>
        <Card>
          <CardHeader title={`Groups (${formatCount(groups.length)})`} />
          <CardBody>
            <Table label={`Groups of ${user.name}`} maxHeight="none">
              <THead>
                <TR>
                  <TH>Group</TH>
                  <TH numeric>Members</TH>
                </TR>
              </THead>
              <TBody>
                {groups.length === 0 ? <TableEmpty colSpan={2}>Not a member of any group.</TableEmpty> : null}
                {groups.map((g) => (
                  <TR key={g.scimId}>
                    <TD>
                      <Link href={`${base}/groups/${g.scimId}`} className="text-accent-ink underline">
                        {g.displayName}
                      </Link>
                    </TD>
                    <TD numeric>{formatCount(g.memberCount)}</TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          </CardBody>
        </Card>
      </div>
      <Card>
        <CardHeader title="SCIM resource as received" description="Kept verbatim as evidence of what the server said." />
        <CardBody>
          <pre className="max-h-96 overflow-auto rounded-control bg-surface-muted p-3 font-mono text-xs" tabIndex={0} aria-label="Raw SCIM JSON">
            {JSON.stringify(user.raw, null, 2)}
          </pre>
        </CardBody>
      </Card>
    </div>
  );
}
