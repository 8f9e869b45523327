import 'server-only';

/**
 * Remediation runs alive in this process. Recovery uses it to tell our own live run from a dead
 * process that had the same pid (pid 1 after every container restart); the web server's job uses
 * it to cancel. Kept on globalThis to survive Next's dev reloads.
 */
export type TActiveRun = { cancel: (reason: string) => void };

const holder = globalThis as unknown as { __attestRemediationRuns?: Map<number, TActiveRun> };

export function activeRemediationRuns(): Map<number, TActiveRun> {
  holder.__attestRemediationRuns ??= new Map();
  return holder.__attestRemediationRuns;
}
