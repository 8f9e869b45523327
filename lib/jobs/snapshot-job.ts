import 'server-only';
import type { TSnapshot } from '@/db/schema';
import type { TActor } from '@/lib/audit';
import { connectionClient } from '@/lib/connection';
import { log } from '@/lib/log';
import { getRunningSnapshot, listSnapshots, recoverInterruptedSnapshots, startSnapshot } from '@/lib/snapshot';
import { toRunView, type TSnapshotStatusView } from './snapshot-view';

// The web server's running snapshot, kept outside the request that started it.
const holder = globalThis as unknown as { __attestSnapshotJob?: { snapshotId: number; done: Promise<TSnapshot> } };

/**
 * Start a snapshot in the background of the web server and return its id at once. Progress is
 * persisted in its row (the page polls it), so a reload or another admin sees the same run.
 */
export function startBackgroundSnapshot(actor: TActor): { snapshotId: number } {
  recoverInterruptedSnapshots();
  const { client, source, baseUrl } = connectionClient();
  const job = startSnapshot({ actor, trigger: 'ui', client, source, baseUrl });
  holder.__attestSnapshotJob = job;
  void job.done.then((row) => {
    log.info({ snapshotId: row.id, status: row.status }, 'background snapshot finished');
    if (holder.__attestSnapshotJob?.snapshotId === row.id) holder.__attestSnapshotJob = undefined;
  });
  return { snapshotId: job.snapshotId };
}

/** The running snapshot (if any) and the most recent one, for the live progress panel. */
export function getSnapshotStatusView(): TSnapshotStatusView {
  const running = getRunningSnapshot();
  const latest = listSnapshots({ page: 1, pageSize: 1 }).rows[0] ?? null;
  return { running: running ? toRunView(running) : null, latest: latest ? toRunView(latest) : null };
}
