/**
 * Test helpers for the lib/scim integration tests: a seeded simulator over real HTTP, a client
 * with short timeouts, and a pino logger that captures every line. Not used by app code.
 */
import pino from 'pino';
import { seedEnterprise, startSimServer } from '@/lib/airtable-sim';
import { createScimClient, type ScimClient, type TScimClientOptions } from '@/lib/scim';

/** A token distinctive enough that any leak is found by substring search. */
export const TEST_TOKEN = 'pat-SCIM-TEST-TOKEN.9f8e7d6c5b4a3210zyxw';

export type TSimServer = Awaited<ReturnType<typeof startSimServer>>;
export type TSimOptions = Parameters<typeof startSimServer>[0];

/** Start the simulator on a random port and seed it. */
export async function startSeededSim(
  seed: { users: number; groups: number; seed?: number },
  options: Partial<TSimOptions> = {},
): Promise<TSimServer> {
  const server = await startSimServer({ tokens: [TEST_TOKEN], rateLimitPerSecond: 0, seedRandom: 7, ...options });
  seedEnterprise(server.sim.store, { seed: seed.seed ?? 1, users: seed.users, groups: seed.groups });
  return server;
}

/** A pino logger at trace level whose every line lands in `lines`. */
export function captureLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

/** Client options for tests: no client-side rate limit, short timeouts and backoff. */
export function fastClient(server: TSimServer, overrides: Partial<TScimClientOptions> = {}): ScimClient {
  return createScimClient({
    baseUrl: server.url,
    token: TEST_TOKEN,
    rateLimitPerSecond: 0,
    maxConcurrency: 8,
    timeoutMs: 2_000,
    backoffBaseMs: 5,
    backoffMaxMs: 40,
    defaultRetryAfterMs: 100,
    ...overrides,
  });
}

/** Drain an async iterator of pages into one array. */
export async function drain<T>(pages: AsyncIterable<{ resources: T[] }>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...page.resources);
  return all;
}

/** Await a promise that must reject; return the rejection. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}
