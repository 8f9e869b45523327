/**
 * `npm run remediate` (for cron or an operator): push queued revocations to Airtable.
 *
 * Connection: SCIM_BASE_URL / SCIM_TOKEN (and SCIM_RATE_LIMIT) from the environment, else the
 * connection saved in Settings, else the demo directory (lib/connection), as `npm run snapshot`.
 * Interrupted runs are recovered first; rows a killed run left in flight are checked with a GET
 * before anything is sent again.
 *
 * Options:
 *   --campaign N   only campaign N's rows (it must be closed); without it, the whole outbox
 *                  (every closed campaign and the stale-account deactivations)
 *   --dry-run      print the requests campaign N sends (or would send once closed) and send
 *                  nothing; needs --campaign
 *
 * Progress goes to stderr; the LAST line on stdout is exactly one JSON object:
 *   run:     {"runId","campaignId","status","verified","failed","pending","inFlight","applied",
 *             "patchesSent","checks","requests","throttled","retries","seconds","stoppedReason"}
 *            (counts are rows of the run's scope when it ended)
 *   dry run: {"dryRun":true,"campaignId","source","requests","deactivations","membershipRemovals"}
 * Exit codes: 0 every row in scope verified (or a dry run printed); 1 error (reason on stderr);
 * 2 bad arguments; 3 another remediation run is going; 4 the run ended with rows failed or not
 * yet verified (the JSON says how many; see the campaign's remediation page); 5 the campaign
 * cannot be remediated (unknown, or not closed); 130 / 143 stopped by SIGINT / SIGTERM (rows in
 * progress finished, the rest stay queued for the next run).
 */
import { closeDb } from '@/db/client';
import type { TActor } from '@/lib/audit';
import { connectionClient } from '@/lib/connection';
import { AppError } from '@/lib/errors';
import { redactSecret } from '@/lib/log';
import {
  dryRunCampaign,
  recoverInterruptedRemediationRuns,
  RemediationRunningError,
  startRemediation,
  type TDrainProgress,
  type TDrainResult,
} from '@/lib/remediation';

const CLI_ACTOR: TActor = { id: null, email: 'cli' };
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_ALREADY_RUNNING = 3;
const EXIT_NEEDS_ATTENTION = 4;
const EXIT_REFUSED = 5;
const EXIT_BY_SIGNAL: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

const USAGE = 'usage: npm run remediate [-- --campaign N] [--dry-run]';

const err = (line: string): void => void process.stderr.write(`${line}\n`);

type TArgs = { campaignId: number | null; dryRun: boolean };

/** `--campaign N` / `--campaign=N`, `--dry-run`; null = bad arguments. */
function parseArgs(argv: readonly string[]): TArgs | null {
  const out: TArgs = { campaignId: null, dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = (argv[i] as string).split('=', 2) as [string, string | undefined];
    if (name === '--dry-run' && inline === undefined) {
      out.dryRun = true;
      continue;
    }
    if (name !== '--campaign') return null;
    const value = Number(inline ?? argv[++i]);
    if (!Number.isInteger(value) || value < 1) return null;
    out.campaignId = value;
  }
  if (out.dryRun && out.campaignId === null) return null;
  return out;
}

function progressLine(p: TDrainProgress): string {
  const s = p.summary;
  return (
    `remediation run #${p.runId}: verified ${s.verified}, failed ${s.failed}, open ${p.open}, PATCH ${s.patchesSent}, GET ${s.checks}` +
    (s.recovered > 0 ? `, recovered ${s.recovered}` : '') +
    (s.retriesScheduled > 0 ? `, retries scheduled ${s.retriesScheduled}` : '') +
    (s.throttled > 0 ? `, throttled ${s.throttled}` : '')
  );
}

function resultLine(r: TDrainResult): string {
  return JSON.stringify({
    runId: r.runId,
    campaignId: r.campaignId,
    status: r.status,
    verified: r.counts.verified,
    failed: r.counts.failed,
    pending: r.counts.pending,
    inFlight: r.counts.in_flight,
    applied: r.counts.applied,
    patchesSent: r.summary.patchesSent,
    checks: r.summary.checks,
    requests: r.summary.requests,
    throttled: r.summary.throttled,
    retries: r.summary.retries,
    seconds: Math.round(r.summary.durationMs / 100) / 10,
    stoppedReason: r.summary.stoppedReason,
  });
}

function dryRun(campaignId: number): number {
  const pageSize = 1_000;
  const first = dryRunCampaign(campaignId, { page: 1, pageSize });
  err(`campaign #${campaignId} "${first.campaignName}": ${first.total} request(s) (${first.source === 'outbox' ? 'queued' : 'what closing it would queue now'}); nothing is sent`);
  let current = first;
  for (let page = 1; current.requests.length > 0; page++) {
    for (const r of current.requests) err(`${r.method} ${r.path} ${JSON.stringify(r.body)}${r.status ? `  [${r.status}]` : ''}`);
    if (page * pageSize >= first.total) break;
    current = dryRunCampaign(campaignId, { page: page + 1, pageSize });
  }
  process.stdout.write(
    `${JSON.stringify({ dryRun: true, campaignId, source: first.source, requests: first.total, deactivations: first.byKind.deactivate_user, membershipRemovals: first.byKind.remove_membership })}\n`,
  );
  return 0;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    err(USAGE);
    return EXIT_USAGE;
  }
  if (args.dryRun && args.campaignId !== null) {
    try {
      return dryRun(args.campaignId);
    } catch (e) {
      if (e instanceof AppError && e.code === 'not_found') {
        err(`remediate: campaign #${args.campaignId} not found`);
        return EXIT_REFUSED;
      }
      throw e;
    }
  }

  const controller = new AbortController();
  let signalName: string | null = null;
  const onSignal = (name: NodeJS.Signals): void => {
    if (signalName) {
      err(`remediate: ${name} again, exiting now (rows in flight are checked by the next run before anything is resent)`);
      process.exit(EXIT_BY_SIGNAL[name] ?? EXIT_FAILED);
    }
    signalName = name;
    err(`remediate: ${name} received, finishing the rows in progress…`);
    controller.abort(`received ${name}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const recovered = recoverInterruptedRemediationRuns();
  if (recovered > 0) err(`remediate: marked ${recovered} interrupted run(s); their rows in flight are checked before anything is resent`);

  const { client, source, baseUrl } = connectionClient();
  let started;
  try {
    started = startRemediation(CLI_ACTOR, { campaignId: args.campaignId }, { client, trigger: 'cli', signal: controller.signal, onProgress: (p) => err(progressLine(p)) });
  } catch (e) {
    if (e instanceof RemediationRunningError) {
      err(`remediate: ${e.message}`);
      return EXIT_ALREADY_RUNNING;
    }
    if (e instanceof AppError && (e.code === 'not_found' || e.code === 'conflict' || e.code === 'invalid')) {
      err(`remediate: ${e.message}`);
      return EXIT_REFUSED;
    }
    throw e;
  }
  err(`remediation run #${started.runId} started (${args.campaignId === null ? 'whole outbox' : `campaign #${args.campaignId}`}; ${source}: ${baseUrl})`);
  const result = await started.done;
  const { verified, failed, pending, in_flight: inFlight, applied } = result.counts;
  err(`remediation run #${result.runId} ${result.status}: verified ${verified}, failed ${failed}, pending ${pending}, in flight ${inFlight}, applied but not verified ${applied}`);
  if (result.summary.stoppedReason) err(`remediate: stopped: ${result.summary.stoppedReason}`);
  process.stdout.write(`${resultLine(result)}\n`);
  if (result.status === 'interrupted' && signalName) return EXIT_BY_SIGNAL[signalName] ?? EXIT_FAILED;
  return failed + pending + inFlight + applied === 0 ? 0 : EXIT_NEEDS_ATTENTION;
}

let code = EXIT_FAILED;
try {
  code = await main();
} catch (e) {
  err(`remediate: ${redactSecret(e instanceof Error ? e.message : String(e))}`);
  code = EXIT_FAILED;
} finally {
  closeDb();
}
// Exit explicitly: keep-alive sockets of the SCIM client would otherwise hold the process a few seconds.
process.exit(code);
