/**
 * Test helpers for lib/snapshot integration tests: a seeded simulator over real HTTP and a fast
 * client (no client-side rate limit, short timeouts). Not used by app code.
 */
import type { TActor } from '@/lib/audit';
import { fastClient, startSeededSim, TEST_TOKEN, type TSimServer } from '@/lib/scim/testing/fixtures';
import type { ScimClient, TScimClientOptions } from '@/lib/scim';
import { takeSnapshot, type TStartSnapshotOptions } from './take-snapshot';
import type { TSnapshot } from './types';

export { fastClient, startSeededSim, TEST_TOKEN, type TSimServer };

export const ADMIN: TActor = { id: 'app-user-admin', email: 'admin@example.com' };

/** Options for startSnapshot/takeSnapshot against a test simulator. */
export function snapshotOptions(
  server: TSimServer,
  overrides: Partial<TStartSnapshotOptions> = {},
  client: ScimClient = fastClient(server),
): TStartSnapshotOptions {
  return { actor: ADMIN, trigger: 'ui', client, source: 'env', baseUrl: server.url, ...overrides };
}

/** Take a snapshot of the simulator with a fresh fast client. */
export function snapshotOf(server: TSimServer, overrides: Partial<TStartSnapshotOptions> = {}, clientOptions: Partial<TScimClientOptions> = {}): Promise<TSnapshot> {
  return takeSnapshot(snapshotOptions(server, overrides, fastClient(server, clientOptions)));
}
