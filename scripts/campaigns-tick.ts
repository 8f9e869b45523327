/**
 * `npm run campaigns:tick` (for system cron, e.g. every 5 minutes, on hosts that set
 * ATTEST_SCHEDULER=off): one scheduler tick. Launches every recurring campaign whose period is
 * due (a fresh snapshot, the draft, the launch), continues runs a dead process left half-way,
 * then runs the periodic tasks (notification reminders and mail).
 *
 * Safe to run as often as you like, on several hosts, and next to the web server's in-process
 * scheduler: a period is claimed by a unique row, so it launches once (lib/schedule/tick.ts).
 * Snapshot connection as `npm run snapshot`: SCIM_BASE_URL / SCIM_TOKEN from the environment,
 * else the connection saved in Settings, else the demo directory.
 *
 * Logs go to stderr; the LAST line on stdout is exactly one JSON object
 *   {"now","ok","templates":[{"templateId","name","periodAt","outcome","runId","snapshotId",
 *    "campaignId","error","resumed","nextRunAt"}],"abandoned":[…],"tasks":[{"name","ok","error"}]}
 * Exit codes: 0 nothing failed (including "nothing was due"); 1 a run failed or was abandoned
 * in this tick, a template or periodic task errored, or the tick itself failed (reason on
 * stderr); 2 bad arguments.
 *
 * Options: `--now <ISO-8601>` act as if it were that instant (testing: which period is due and
 * the campaigns' due dates follow it; heartbeats stay on the real clock).
 */
import { closeDb } from '@/db/client';
import { redactSecret } from '@/lib/log';
import { runNotificationTick } from '@/lib/notifications';
import { runScheduleTick } from '@/lib/schedule';

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const USAGE = 'usage: npm run campaigns:tick [-- --now 2027-01-01T09:00:00Z]';

const err = (line: string): void => void process.stderr.write(`${line}\n`);

/** `--now <ISO>` / `--now=<ISO>`; null = bad arguments. */
function parseArgs(argv: readonly string[]): { now: Date } | null {
  let now = new Date();
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = (argv[i] as string).split('=', 2) as [string, string | undefined];
    if (name !== '--now') return null;
    const value = inline ?? argv[++i];
    // A full timestamp with its zone: a bare date or a local time would silently shift by the host's offset.
    if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
    now = new Date(value);
    if (Number.isNaN(now.getTime())) return null;
  }
  return { now };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    err(USAGE);
    return EXIT_USAGE;
  }
  const result = await runScheduleTick(args.now, { tasks: [{ name: 'notifications', run: runNotificationTick }] });
  for (const t of result.templates) {
    if (t.outcome === 'not_due' || t.outcome === 'already_launched' || t.outcome === 'already_failed') continue;
    err(`campaigns:tick: template #${t.templateId} “${t.name}” ${t.periodAt ?? ''}: ${t.outcome}${t.campaignId ? ` (campaign #${t.campaignId})` : ''}${t.error ? ` — ${t.error}` : ''}`);
  }
  for (const a of result.abandoned) err(`campaigns:tick: run #${a.runId} (template #${a.templateId}, ${a.periodAt}) abandoned — ${a.reason}`);
  for (const t of result.tasks) if (!t.ok) err(`campaigns:tick: task ${t.name} failed — ${t.error}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return result.ok ? 0 : EXIT_FAILED;
}

let code = EXIT_FAILED;
try {
  code = await main();
} catch (e) {
  err(`campaigns:tick: ${redactSecret(e instanceof Error ? e.message : String(e))}`);
  code = EXIT_FAILED;
} finally {
  closeDb();
}
// Exit explicitly: keep-alive sockets of the SCIM client would otherwise hold the process a few seconds.
process.exit(code);
