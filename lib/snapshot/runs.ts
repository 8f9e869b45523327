import 'server-only';

/**
 * Snapshots running in this process. Recovery uses it to tell our own live run from a dead
 * process that had the same pid (pid 1 in every container restart); cancel uses it to stop a
 * local run at once instead of at its next poll. Kept on globalThis to survive Next's dev reloads.
 */
export type TActiveRun = { cancel: (reason: string) => void };

const holder = globalThis as unknown as { __attestSnapshotRuns?: Map<number, TActiveRun> };

export function activeRuns(): Map<number, TActiveRun> {
  holder.__attestSnapshotRuns ??= new Map();
  return holder.__attestSnapshotRuns;
}
