/**
 * `npm run bench -- scim`: crawl a 10,000-user / 500-group simulated enterprise over real HTTP at
 * Airtable's 50 requests/s and compare the elapsed time with the rate-limit lower bound
 * (requests ÷ 50). Goal: within 10% of the bound, with no 429.
 */
import { seedEnterprise, startSimServer } from '@/lib/airtable-sim';
import { createScimClient, type TScimGroup } from '@/lib/scim';
import { printFigure } from './report';

const RATE = 50;
const USERS = 10_000;
const GROUPS = 500;

export async function run(): Promise<void> {
  const token = 'bench-scim-token-0001';
  const server = await startSimServer({ tokens: [token], rateLimitPerSecond: RATE, seedRandom: 1 });
  try {
    seedEnterprise(server.sim.store, { seed: 1, users: USERS, groups: GROUPS });
    // A fresh client, as a snapshot run would create: its limiter starts empty.
    const client = createScimClient({ baseUrl: server.url, token, rateLimitPerSecond: RATE });

    const started = performance.now();
    // Users and groups are independent lists: crawl them side by side so the limiter, not the
    // round trips of one sequential list, sets the pace.
    const crawlUsers = async (): Promise<number> => {
      let n = 0;
      for await (const page of client.listUsers()) n += page.resources.length;
      return n;
    };
    const crawlGroups = async (): Promise<{ groups: number; memberships: number }> => {
      const pending: Array<Promise<TScimGroup | null>> = [];
      for await (const page of client.listGroups()) {
        // getGroup calls queue in the shared limiter while the next page is fetched.
        for (const group of page.resources) pending.push(client.getGroup(group.id));
      }
      const full = await Promise.all(pending);
      return { groups: full.length, memberships: full.reduce((sum, g) => sum + (g?.members.length ?? 0), 0) };
    };
    const [users, groups] = await Promise.all([crawlUsers(), crawlGroups()]);
    const elapsedS = (performance.now() - started) / 1000;

    const stats = client.stats();
    if (users !== USERS || groups.groups !== GROUPS) {
      throw new Error(`crawl incomplete: ${users}/${USERS} users, ${groups.groups}/${GROUPS} groups`);
    }
    const baseline = stats.requests / RATE;
    printFigure({
      bench: 'scim/crawl-rate',
      value: elapsedS,
      unit: 's',
      baseline,
      ratio: elapsedS / baseline,
      goal: '<= 1.10',
      requests: stats.requests,
      throttled: stats.throttled,
      retries: stats.retries,
      memberships: groups.memberships,
    });
  } finally {
    await server.close();
  }
}
