import Link from 'next/link';
import { buttonClasses } from '@/components/ui/button-classes';
import { EmptyState } from '@/components/ui/empty-state';

/** The empty state of a page that needs a complete snapshot, with the way to take one. */
export function NoSnapshotYet({ why }: { why: string }) {
  return (
    <EmptyState
      title="No complete snapshot yet"
      description={why}
      action={
        <Link href="/snapshots" className={buttonClasses('primary', 'md')}>
          Go to snapshots
        </Link>
      }
    />
  );
}
