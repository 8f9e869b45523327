import 'server-only';
import { hostname } from 'node:os';

/**
 * Whether a background run (a snapshot, a remediation drain) still has a live owner. Runs record
 * their owner's pid and host and beat every few seconds; a run whose owner is gone must be marked
 * interrupted by whoever looks next, or it would block the next start forever.
 */

/** A running run without a heartbeat for this long belongs to a stuck or vanished process. */
export const RUN_HEARTBEAT_STALE_MS = 2 * 60_000;

export type TRunOwner = { ownerPid: number | null; ownerHost: string | null; heartbeatAt: string | null };

/** Whether a process with this pid exists on this host (EPERM: it exists but is someone else's). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Why a `running` run is in fact interrupted, or null while its owner is alive. `runsHere`: this
 * process is running it right now. Same host: the owner pid must exist (our own pid counts only
 * if this process really runs it). Any host: the heartbeat must be younger than two minutes.
 */
export function describeOwnerLoss(run: TRunOwner, runsHere: boolean, now: Date = new Date()): string | null {
  if (runsHere) return null;
  const who = `pid ${run.ownerPid ?? '?'} on ${run.ownerHost ?? 'an unknown host'}`;
  if (run.ownerHost === hostname() && run.ownerPid !== null && (run.ownerPid === process.pid || !processExists(run.ownerPid))) {
    return `Interrupted: the process that ran it (${who}) stopped before it finished.`;
  }
  const beat = Date.parse(run.heartbeatAt ?? '');
  if (!Number.isFinite(beat) || now.getTime() - beat > RUN_HEARTBEAT_STALE_MS) {
    return `Interrupted: no heartbeat from ${who} since ${run.heartbeatAt ?? 'its start'} (more than 2 minutes).`;
  }
  return null;
}
