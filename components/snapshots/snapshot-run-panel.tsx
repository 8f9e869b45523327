'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import { cancelSnapshotAction, startSnapshotAction } from '@/app/(app)/snapshots/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Progress } from '@/components/ui/progress';
import { useToast } from '@/components/ui/toast';
import type { TSnapshotRunView, TSnapshotStatusView } from '@/lib/jobs/snapshot-view';

const PHASE_LABEL: Record<TSnapshotRunView['phase'], string> = {
  starting: 'Starting',
  users: 'Listing users',
  groups: 'Listing groups',
  members: 'Reading group members',
  finalizing: 'Computing the digest',
  done: 'Done',
};

const numbers = new Intl.NumberFormat('en-US');

async function fetchStatus(): Promise<TSnapshotStatusView> {
  const response = await fetch('/api/snapshots/running', { cache: 'no-store' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return (await response.json()) as TSnapshotStatusView;
}

/**
 * Start / watch / cancel a snapshot. Progress lives in the database, so this panel shows the
 * same run after a reload, in another tab, or to another admin.
 */
export function SnapshotRunPanel({ initial, canRun }: { initial: TSnapshotStatusView; canRun: boolean }) {
  const router = useRouter();
  const { toast } = useToast();
  const [pending, startTransition] = useTransition();
  const [startError, setStartError] = useState<string | null>(null);
  const { data = initial } = useQuery({
    queryKey: ['snapshot-status'],
    queryFn: fetchStatus,
    initialData: initial,
    refetchInterval: (query) => (query.state.data?.running ? 1_000 : false),
  });
  const queryClient = useQueryClient();
  const refetch = () => queryClient.invalidateQueries({ queryKey: ['snapshot-status'] });
  const running = data.running;

  // When a run we watched finishes: say how it ended and refresh the history.
  const watched = useRef<number | null>(initial.running?.id ?? null);
  useEffect(() => {
    if (running) {
      watched.current = running.id;
      return;
    }
    if (watched.current !== null && data.latest && data.latest.id === watched.current) {
      const { latest } = data;
      watched.current = null;
      if (latest.status === 'complete') toast({ title: `Snapshot #${latest.id} complete`, description: `${numbers.format(latest.usersDone)} users, ${numbers.format(latest.membershipsCount)} memberships`, tone: 'success' });
      else toast({ title: `Snapshot #${latest.id} ${latest.status}`, description: latest.error ?? undefined, tone: latest.status === 'cancelled' ? 'warning' : 'danger' });
      router.refresh();
    }
  }, [running, data, router, toast]);

  function start() {
    setStartError(null);
    startTransition(async () => {
      const result = await startSnapshotAction({});
      if (!result.ok) setStartError(result.error);
      await refetch();
    });
  }

  function cancel(snapshotId: number) {
    startTransition(async () => {
      const result = await cancelSnapshotAction({ snapshotId });
      if (!result.ok) toast({ title: 'Not cancelled', description: result.error, tone: 'danger' });
      await refetch();
    });
  }

  if (!running) {
    return (
      <Card>
        <CardHeader
          title="Take a snapshot"
          description="Copies every Airtable user, group and membership through SCIM. Takes about a minute per 3,000 users at Airtable's rate limit."
          actions={
            canRun ? (
              <Button onClick={start} loading={pending}>
                Take snapshot
              </Button>
            ) : null
          }
        />
        {startError ? (
          <CardBody>
            <Alert tone="danger" title="Snapshot not started">
              {startError}
            </Alert>
          </CardBody>
        ) : null}
      </Card>
    );
  }

  const waitSeconds = Math.round(running.rateLimitWaitMs / 1000);
  return (
    <Card>
      <CardHeader
        title={`Snapshot #${running.id} running`}
        description={`${PHASE_LABEL[running.phase]} · started by ${running.startedByEmail}`}
        actions={
          canRun ? (
            <Button variant="secondary" onClick={() => cancel(running.id)} loading={pending} disabled={running.cancelRequested}>
              {running.cancelRequested ? 'Cancelling…' : 'Cancel'}
            </Button>
          ) : null
        }
      />
      <CardBody className="space-y-4">
        <Progress
          label="Users"
          value={running.usersDone}
          max={running.usersTotal ?? 0}
          indeterminate={running.usersTotal === null}
          valueText={`${numbers.format(running.usersDone)} of ${running.usersTotal === null ? '…' : numbers.format(running.usersTotal)} users`}
        />
        <Progress
          label="Groups"
          value={running.groupsDone}
          max={running.groupsTotal ?? 0}
          indeterminate={running.groupsTotal === null}
          valueText={`${numbers.format(running.groupsDone)} of ${running.groupsTotal === null ? '…' : numbers.format(running.groupsTotal)} groups`}
        />
        <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-ink-muted">Memberships</dt>
            <dd className="font-medium tabular-nums">{numbers.format(running.membershipsCount)}</dd>
          </div>
          <div>
            <dt className="text-ink-muted">SCIM requests</dt>
            <dd className="font-medium tabular-nums">{numbers.format(running.requests)}</dd>
          </div>
          <div>
            <dt className="text-ink-muted">Rate-limited (429)</dt>
            <dd className="font-medium tabular-nums">{numbers.format(running.throttled)}</dd>
          </div>
          <div>
            <dt className="text-ink-muted">Waiting for rate limit</dt>
            <dd className="font-medium tabular-nums">{waitSeconds} s</dd>
          </div>
        </dl>
      </CardBody>
    </Card>
  );
}
