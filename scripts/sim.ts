/**
 * `npm run sim` — the Airtable SCIM simulator as a standalone server, for local development,
 * the e2e suite and benchmarks.
 *
 *   npm run sim -- --port 4100 --host 127.0.0.1 --users 1000 --groups 60 --seed 42 \
 *     --token sim-token --rate 50 --db :memory:
 *
 * Seeds a demo enterprise when the database is empty; prints the base URL on stderr; stops on
 * SIGINT/SIGTERM. Fault injection: POST /__sim/faults with header `x-sim-admin: <token>`.
 */
import { parseArgs } from 'node:util';
import { log } from '@/lib/log';
import { seedEnterprise, startSimServer } from '@/lib/airtable-sim';

function intFlag(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4100' },
      host: { type: 'string', default: '127.0.0.1' },
      users: { type: 'string', default: '1000' },
      groups: { type: 'string', default: '60' },
      'memberships-per-user': { type: 'string' },
      seed: { type: 'string', default: '42' },
      token: { type: 'string', multiple: true },
      rate: { type: 'string', default: '50' },
      db: { type: 'string', default: ':memory:' },
    },
    strict: true,
  });
  const tokens = values.token && values.token.length > 0 ? values.token : ['sim-token'];
  const server = await startSimServer({
    port: intFlag(values.port, 'port', 4100),
    host: values.host,
    tokens,
    rateLimitPerSecond: intFlag(values.rate, 'rate', 50),
    dbPath: values.db,
  });

  if (server.sim.store.isEmpty()) {
    const started = performance.now();
    const mpu = values['memberships-per-user'];
    const summary = seedEnterprise(server.sim.store, {
      seed: intFlag(values.seed, 'seed', 42),
      users: intFlag(values.users, 'users', 1000),
      groups: intFlag(values.groups, 'groups', 60),
      membershipsPerUser: mpu === undefined ? undefined : Number(mpu),
    });
    log.info({ ...summary, ms: Math.round(performance.now() - started) }, 'airtable-sim: seeded');
  } else {
    log.info({ counts: server.sim.store.counts(), db: values.db }, 'airtable-sim: reusing existing database');
  }

  const hint = tokens[0] === 'sim-token' ? 'sim-token' : `${(tokens[0] ?? '').slice(0, 3)}…`;
  process.stderr.write(`Airtable SCIM simulator listening on ${server.url}\n  token: ${hint}  (admin: ${new URL(server.url).origin}/__sim/stats with header x-sim-admin)\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'airtable-sim: stopping');
    server.close().then(
      () => process.exit(0),
      (e: unknown) => {
        log.error({ err: e }, 'airtable-sim: error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  log.error({ err: e }, 'airtable-sim: failed to start');
  process.exit(1);
});
