import 'server-only';

/**
 * Template runs this process is working on right now. The liveness check (lib/jobs/run-owner.ts)
 * uses it to tell our own live run from one a crashed earlier incarnation left with the same pid
 * (pid 1 after every container restart), and two ticks of one process use it to leave each
 * other's runs alone. Kept on globalThis to survive Next's dev reloads.
 */
const holder = globalThis as unknown as { __attestScheduleRuns?: Set<number> };

export function activeScheduleRuns(): Set<number> {
  holder.__attestScheduleRuns ??= new Set();
  return holder.__attestScheduleRuns;
}
