import 'server-only';
import { createSimulator, seedEnterprise, type Simulator } from '@/lib/airtable-sim';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { DEMO_ACCOUNTS } from './accounts';

/** Bearer token of the built-in simulator. Not a secret: it only opens the demo directory. */
export const DEMO_SIM_TOKEN = 'attest-demo-directory-token';
/** Where demo mode mounts the simulator inside the app (app/api/sim/scim/v2/[...path]/route.ts). */
export const DEMO_SIM_BASE_PATH = '/api/sim/scim/v2';
export const DEMO_ENTERPRISE = { seed: 20261123, users: 1000, groups: 60 } as const;

const holder = globalThis as unknown as { __attestDemoSim?: Simulator };

/**
 * The demo directory: Airtable's SCIM API simulated in-process, its state in its own SQLite
 * file (SIM_DATABASE_URL) so revocations persist across restarts. Seeded on first use.
 */
export function getDemoSimulator(): Simulator {
  if (holder.__attestDemoSim) return holder.__attestDemoSim;
  const sim = createSimulator({
    tokens: [DEMO_SIM_TOKEN],
    dbPath: env().simDatabasePath,
    basePath: DEMO_SIM_BASE_PATH,
    rateLimitPerSecond: 50,
  });
  if (sim.store.counts().users === 0) {
    const summary = seedEnterprise(sim.store, {
      ...DEMO_ENTERPRISE,
      namedUsers: DEMO_ACCOUNTS.filter((a) => a.inDirectory).map((a) => {
        const [givenName = a.name, familyName = ''] = a.name.split(' ');
        return { userName: a.email, givenName, familyName, title: a.title, department: a.department, directReports: a.directReports };
      }),
    });
    log.info({ users: summary.users, groups: summary.groups }, 'seeded the demo directory');
  }
  holder.__attestDemoSim = sim;
  return sim;
}
