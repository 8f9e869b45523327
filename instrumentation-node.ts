import { getDb } from '@/db/client';
import { seedDemoAccounts } from '@/db/seed';
import { env, EnvError } from '@/lib/env';
import { recoverInterruptedSnapshots } from '@/lib/snapshot';

/**
 * Refuse to serve with an unsafe configuration (production without a real AUTH_SECRET, demo
 * sign-in without ATTEST_DEMO=1), migrate the database before the first request, fail any
 * snapshot a previous (dead) server process left running, and make sure the demo accounts exist
 * when demo sign-in is on (idempotent).
 */
export function checkConfigurationAndMigrate(): void {
  try {
    env();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  getDb();
  recoverInterruptedSnapshots();
  seedDemoAccounts();
}
