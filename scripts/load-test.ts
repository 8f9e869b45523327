/**
 * `npm run load [-- --reviewers 50 --seconds 60]`: a bounded, local-only load test of the review
 * grid and decisions. Starts the production build (`npm run build` first) on 127.0.0.1 with a
 * throwaway demo database, takes a snapshot, launches a campaign whose items all go to the demo
 * reviewer, then N signed-in reviewer sessions each work through their own share of the queue
 * for S seconds: load a grid page, decide one item, repeat. Prints p50 / p95 / p99 latency per
 * request kind, the errors, and whether every accepted decision is in the database afterwards
 * (lost decisions must be 0). Exit 1 on any error or lost decision.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number`);
  return value;
};
const REVIEWERS = option('reviewers', 50);
const SECONDS = option('seconds', 60);
const PORT = option('port', 3300);
const BASE = `http://localhost:${PORT}`;
const DATA = '.tmp/load';
const REVIEWER = 'morgan.manager@northwind.example';

type TJar = Map<string, string>;
type TActionResult = { ok: boolean; data?: Record<string, unknown>; error?: string; code?: string };

function cookieHeader(jar: TJar): string {
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}
function keepCookies(jar: TJar, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const at = pair?.indexOf('=') ?? -1;
    if (pair && at > 0) jar.set(pair.slice(0, at), pair.slice(at + 1));
  }
}

async function signIn(email: string): Promise<TJar> {
  const jar: TJar = new Map();
  const csrf = await fetch(`${BASE}/api/auth/csrf`);
  keepCookies(jar, csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${BASE}/api/auth/callback/demo`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookieHeader(jar) },
    body: new URLSearchParams({ email, csrfToken, callbackUrl: '/' }),
  });
  keepCookies(jar, response);
  if (response.status !== 302 || (response.headers.get('location') ?? '').includes('error')) throw new Error(`sign-in as ${email} failed`);
  return jar;
}

/** Server actions by export name, from the build's manifest (id and a page that carries it). */
function serverActions(): Map<string, { id: string; path: string }> {
  const manifest = JSON.parse(readFileSync('.next/server/server-reference-manifest.json', 'utf8')) as { node: Record<string, { workers: Record<string, unknown>; exportedName: string }> };
  const out = new Map<string, { id: string; path: string }>();
  for (const [id, entry] of Object.entries(manifest.node)) {
    const worker = Object.keys(entry.workers)[0] ?? 'app/page';
    const path = worker.replace(/^app/, '').replace(/\/page$/, '').replace(/\/\([^)]+\)/g, '').replace(/\[[^\]]+\]/g, '1') || '/';
    out.set(entry.exportedName, { id, path });
  }
  return out;
}

async function callAction(jar: TJar, action: { id: string; path: string }, input: unknown): Promise<TActionResult> {
  const response = await fetch(`${BASE}${action.path}`, {
    method: 'POST',
    headers: { 'Next-Action': action.id, 'Content-Type': 'text/plain;charset=UTF-8', Accept: 'text/x-component', Origin: BASE, Cookie: cookieHeader(jar) },
    body: JSON.stringify([input]),
  });
  const line = (await response.text()).split('\n').find((l) => /^[0-9a-f]+:\{.*"ok":/.test(l));
  if (!line) throw new Error(`action answered HTTP ${response.status} without a result`);
  return JSON.parse(line.slice(line.indexOf(':') + 1)) as TActionResult;
}

async function getJson<T>(jar: TJar, path: string): Promise<T> {
  const response = await fetch(`${BASE}${path}`, { headers: { Cookie: cookieHeader(jar) } });
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function main(): Promise<void> {
  rmSync(DATA, { recursive: true, force: true });
  const server = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-p', String(PORT), '-H', '127.0.0.1'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      ATTEST_DEMO: '1',
      AUTH_SECRET: 'load-test-secret-load-test-secret-0000',
      DATABASE_URL: `file:./${DATA}/attest.db`,
      SIM_DATABASE_URL: `file:./${DATA}/airtable-sim.db`,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (let i = 0; ; i++) {
      if (i > 120) throw new Error('the server did not start');
      const ready = await fetch(`${BASE}/sign-in`).then((r) => r.ok).catch(() => false);
      if (ready) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const actions = serverActions();
    const action = (name: string) => {
      const found = actions.get(name);
      if (!found) throw new Error(`${name} is not in the build`);
      return found;
    };

    // Setup as the admin: a snapshot and a campaign whose items all go to the demo reviewer.
    const admin = await signIn('alex.admin@northwind.example');
    const started = await callAction(admin, action('startSnapshotAction'), {});
    if (!started.ok) throw new Error(`snapshot: ${started.error}`);
    let snapshotId = 0;
    for (;;) {
      const view = await getJson<{ running: unknown; latest: { id: number; status: string } | null }>(admin, '/api/snapshots/running');
      if (!view.running && view.latest?.status === 'complete') {
        snapshotId = view.latest.id;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const dueAt = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const draft = await callAction(admin, action('createCampaignDraftAction'), {
      name: 'Load test',
      snapshotId,
      scope: { kind: 'all', includeInactive: true },
      reviewAccounts: true,
      reviewMemberships: true,
      reviewerRule: 'fixed',
      fixedReviewerEmail: REVIEWER,
      fallbackReviewerEmail: 'avery.auditor@audit-partners.example',
      dueAt,
    });
    const campaignId = Number(draft.data?.id);
    if (!draft.ok || !campaignId) throw new Error(`campaign: ${draft.error}`);
    const launched = await callAction(admin, action('launchCampaignAction'), { campaignId });
    if (!launched.ok) throw new Error(`launch: ${launched.error}`);

    // The reviewer's queue, split into one share per session.
    const sessions = await Promise.all(Array.from({ length: REVIEWERS }, () => signIn(REVIEWER)));
    type TRow = { id: number; version: number };
    const queue: TRow[] = [];
    let page = await getJson<{ rows: TRow[]; nextCursor: string | null }>(sessions[0] as TJar, `/api/reviews/${campaignId}/items?pageSize=500`);
    queue.push(...page.rows);
    while (page.nextCursor) {
      page = await getJson(sessions[0] as TJar, `/api/reviews/${campaignId}/items?pageSize=500&after=${page.nextCursor}`);
      queue.push(...page.rows);
    }

    const latency = { grid: [] as number[], decide: [] as number[] };
    const errors: string[] = [];
    let accepted = 0;
    const deadline = Date.now() + SECONDS * 1000;
    const decideAction = action('decideItemAction');
    await Promise.all(
      sessions.map(async (jar, k) => {
        const mine = queue.filter((_, i) => i % REVIEWERS === k);
        for (const item of mine) {
          if (Date.now() >= deadline) return;
          let t = performance.now();
          try {
            await getJson(jar, `/api/reviews/${campaignId}/items?pageSize=100&decision=undecided`);
            latency.grid.push(performance.now() - t);
            t = performance.now();
            const result = await callAction(jar, decideAction, { campaignId, itemId: item.id, decision: 'certify', expectedVersion: item.version });
            latency.decide.push(performance.now() - t);
            if (result.ok) accepted++;
            else errors.push(`decide ${item.id}: ${result.code} ${result.error}`);
          } catch (error) {
            errors.push(error instanceof Error ? error.message : String(error));
          }
        }
      }),
    );
    const stored = await getJson<{ total: number }>(sessions[0] as TJar, `/api/reviews/${campaignId}/items?pageSize=1&decision=certify`);
    const lost = accepted - stored.total;
    for (const [kind, values] of Object.entries(latency)) {
      const sorted = [...values].sort((a, b) => a - b);
      process.stdout.write(
        `${JSON.stringify({ bench: `load/${kind}`, value: Math.round(percentile(sorted, 95)), unit: 'ms (p95)', baseline: null, ratio: null, goal: 'no errors, no lost decisions', requests: values.length, p50: Math.round(percentile(sorted, 50)), p99: Math.round(percentile(sorted, 99)), reviewers: REVIEWERS, seconds: SECONDS })}\n`,
      );
    }
    process.stdout.write(`${JSON.stringify({ bench: 'load/decisions', value: accepted, unit: 'decisions', baseline: stored.total, ratio: stored.total ? accepted / stored.total : null, goal: 'lost = 0', lost, errors: errors.length, firstErrors: errors.slice(0, 5) })}\n`);
    if (errors.length > 0 || lost !== 0) process.exitCode = 1;
  } finally {
    server.kill('SIGTERM');
  }
}

await main();
