import { buttonClasses } from '@/components/ui/button';
import { Card, CardBody } from '@/components/ui/card';
import type { TSnapshot } from '@/db/schema';
import { formatCount, formatDateTime, formatDuration } from '@/lib/format';

const EXPORTS = [
  { file: 'users.csv', label: 'Users CSV' },
  { file: 'memberships.csv', label: 'Memberships CSV' },
  { file: 'snapshot.json', label: 'Full JSON' },
  { file: 'manifest.json', label: 'Manifest' },
] as const;

/** Who took a snapshot, from where, what it holds, its digest and its downloads. */
export function SnapshotSummary({ snapshot }: { snapshot: TSnapshot }) {
  const facts: Array<[string, React.ReactNode]> = [
    ['Taken', <time key="t" dateTime={snapshot.startedAt}>{formatDateTime(snapshot.startedAt)}</time>],
    ['By', `${snapshot.startedByEmail} (${snapshot.trigger})`],
    ['Source', <span key="s" className="break-all">{snapshot.source === 'demo' ? 'Built-in simulator (demo)' : snapshot.baseUrl}</span>],
    ['Users', formatCount(snapshot.usersDone)],
    ['Groups', formatCount(snapshot.groupsDone)],
    ['Memberships', `${formatCount(snapshot.membershipsCount)}${snapshot.orphanMembershipsCount ? ` (${formatCount(snapshot.orphanMembershipsCount)} orphan)` : ''}`],
    ['SCIM requests', `${formatCount(snapshot.requests)} (${formatCount(snapshot.throttled)} rate-limited)`],
    ['Duration', snapshot.durationMs === null ? '—' : formatDuration(snapshot.durationMs)],
  ];
  return (
    <Card>
      <CardBody className="space-y-4">
        <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-sm md:grid-cols-4">
          {facts.map(([label, value]) => (
            <div key={label}>
              <dt className="text-ink-muted">{label}</dt>
              <dd className="font-medium">{value}</dd>
            </div>
          ))}
        </dl>
        <div className="text-sm">
          <p className="text-ink-muted">SHA-256 digest of the canonical content (recompute it from the full JSON)</p>
          <code className="block break-all font-mono text-xs">{snapshot.digest}</code>
        </div>
        <div className="flex flex-wrap gap-2" data-print="hide">
          {EXPORTS.map((e) => (
            <a key={e.file} href={`/api/snapshots/${snapshot.id}/export/${e.file}`} className={buttonClasses('secondary', 'sm')} download>
              {e.label}
            </a>
          ))}
        </div>
      </CardBody>
    </Card>
  );
}
