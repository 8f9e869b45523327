import { getDb } from '@/db/client';
import { seedDemoAccounts } from '@/db/seed';
import { env, EnvError } from '@/lib/env';
import { runNotificationTick } from '@/lib/notifications';
import { startScheduler } from '@/lib/schedule';
import { recoverInterruptedSnapshots } from '@/lib/snapshot';

/**
 * Refuse to serve with an unsafe configuration (production without a real AUTH_SECRET, demo
 * sign-in without ATTEST_DEMO=1), migrate the database before the first request, fail any
 * snapshot a previous (dead) server process left running, make sure the demo accounts exist
 * when demo sign-in is on (idempotent), and start the in-process scheduler.
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
  startInProcessScheduler();
}

/**
 * With ATTEST_SCHEDULER=on (the default), recurring campaigns and notification reminders tick
 * every minute inside the web server (lib/schedule/scheduler.ts: first tick shortly after start,
 * never overlapping, unref'd). Hosts that prefer system cron set it to off and run
 * `npm run campaigns:tick`; running both is safe, a period still launches once.
 */
export function startInProcessScheduler(): void {
  if (env().ATTEST_SCHEDULER !== 'on') return;
  startScheduler({ tasks: [{ name: 'notifications', run: runNotificationTick }] });
}
