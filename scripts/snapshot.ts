/**
 * `npm run snapshot` (for cron): take one snapshot of the configured directory.
 *
 * Connection: SCIM_BASE_URL / SCIM_TOKEN from the environment, else the connection saved in
 * Settings, else the demo directory (lib/connection). Interrupted snapshots are recovered first.
 * Progress goes to stderr; on success the LAST line on stdout is exactly one JSON object
 * `{"snapshotId","users","groups","memberships","requests","seconds","digest"}`.
 * Exit codes: 0 complete, 1 failed (reason on stderr), 2 bad arguments, 3 another snapshot is
 * already running, 130 / 143 cancelled by SIGINT / SIGTERM (marked cancelled, its rows deleted).
 *
 * Options: `--write-batch-size N` rows per write transaction (default 50,000).
 */
import { closeDb } from '@/db/client';
import type { TActor } from '@/lib/audit';
import { connectionClient } from '@/lib/connection';
import { AppError } from '@/lib/errors';
import { redactSecret } from '@/lib/log';
import { recoverInterruptedSnapshots, startSnapshot, type TSnapshot, type TSnapshotProgress } from '@/lib/snapshot';

const CLI_ACTOR: TActor = { id: null, email: 'cli' };
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_ALREADY_RUNNING = 3;
const EXIT_BY_SIGNAL: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

const err = (line: string): void => void process.stderr.write(`${line}\n`);

function progressLine(p: TSnapshotProgress): string {
  const of = (done: number, total: number | null) => (total === null ? String(done) : `${done}/${total}`);
  return (
    `snapshot #${p.snapshotId} ${p.phase}: users ${of(p.usersDone, p.usersTotal)}, groups ${of(p.groupsDone, p.groupsTotal)}, ` +
    `memberships ${p.memberships}, requests ${p.requests}` +
    (p.throttled > 0 ? `, throttled ${p.throttled}` : '') +
    (p.retries > 0 ? `, retries ${p.retries}` : '')
  );
}

function resultLine(row: TSnapshot): string {
  return JSON.stringify({
    snapshotId: row.id,
    users: row.usersTotal ?? 0,
    groups: row.groupsTotal ?? 0,
    memberships: row.membershipsCount,
    requests: row.requests,
    seconds: Math.round((row.durationMs ?? 0) / 100) / 10,
    digest: row.digest ?? '',
  });
}

const USAGE = 'usage: npm run snapshot [-- --write-batch-size N]';

/** `--write-batch-size N` / `--write-batch-size=N`; null = bad arguments. */
function parseArgs(argv: readonly string[]): { writeBatchSize?: number } | null {
  const out: { writeBatchSize?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name, inline] = arg.split('=', 2) as [string, string | undefined];
    if (name !== '--write-batch-size') return null;
    const value = Number(inline ?? argv[++i]);
    if (!Number.isInteger(value) || value < 1) return null;
    out.writeBatchSize = value;
  }
  return out;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    err(USAGE);
    return EXIT_USAGE;
  }
  const controller = new AbortController();
  let signalName: string | null = null;
  const onSignal = (name: NodeJS.Signals): void => {
    if (signalName) {
      err(`snapshot: ${name} again, exiting now (the snapshot will be recovered as interrupted)`);
      process.exit(EXIT_BY_SIGNAL[name] ?? EXIT_FAILED);
    }
    signalName = name;
    err(`snapshot: ${name} received, cancelling…`);
    controller.abort(`received ${name}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const recovered = recoverInterruptedSnapshots();
  if (recovered > 0) err(`snapshot: marked ${recovered} interrupted snapshot(s) as failed`);

  const { client, source, baseUrl } = connectionClient();
  let started;
  try {
    started = startSnapshot({
      actor: CLI_ACTOR,
      trigger: 'cli',
      client,
      source,
      baseUrl,
      signal: controller.signal,
      writeBatchSize: args.writeBatchSize,
      onProgress: (p) => err(progressLine(p)),
    });
  } catch (e) {
    if (e instanceof AppError && e.code === 'conflict') {
      err(`snapshot: ${e.message}`);
      return EXIT_ALREADY_RUNNING;
    }
    throw e;
  }
  err(`snapshot #${started.snapshotId} started (${source}: ${baseUrl})`);
  const row = await started.done;
  if (row.status === 'complete') {
    err(`snapshot #${row.id} complete: ${row.usersTotal} users, ${row.groupsTotal} groups, ${row.membershipsCount} memberships, digest ${row.digest}`);
    process.stdout.write(`${resultLine(row)}\n`);
    return 0;
  }
  err(`snapshot #${row.id} ${row.status}: ${row.error ?? 'no reason recorded'}`);
  if (row.status === 'cancelled' && signalName) return EXIT_BY_SIGNAL[signalName] ?? EXIT_FAILED;
  return EXIT_FAILED;
}

let code = EXIT_FAILED;
try {
  code = await main();
} catch (e) {
  err(`snapshot: ${redactSecret(e instanceof Error ? e.message : String(e))}`);
  code = EXIT_FAILED;
} finally {
  closeDb();
}
// Exit explicitly: keep-alive sockets of the SCIM client would otherwise hold the process a few seconds.
process.exit(code);
