import 'server-only';
import { getDb } from './client';
import { appUsers } from './schema';
import { DEMO_ACCOUNTS } from '@/lib/demo/accounts';
import { getDemoSimulator } from '@/lib/demo/simulator';
import { env } from '@/lib/env';
import { getConnectionSummary } from '@/lib/connection';
import { randomUUID } from 'node:crypto';

export type TSeedSummary = { demoAccounts: number; demoDirectoryUsers: number | null };

/**
 * Idempotent: the demo sign-in accounts with their roles (demo mode only) and, when no real
 * connection is configured, the demo Airtable directory in the simulator's own database.
 */
export function seedDatabase(): TSeedSummary {
  const demoAccounts = seedDemoAccounts();
  const demoDirectoryUsers = getConnectionSummary().source === 'demo' ? getDemoSimulator().store.counts().users : null;
  return { demoAccounts, demoDirectoryUsers };
}

/** The demo sign-in accounts with their roles, when demo sign-in is on; returns how many were new. */
export function seedDemoAccounts(): number {
  if (!env().demoSignIn) return 0;
  const db = getDb();
  let created = 0;
  for (const account of DEMO_ACCOUNTS) {
    created += db
      .insert(appUsers)
      .values({ id: randomUUID(), email: account.email, name: account.name, role: account.role })
      .onConflictDoNothing({ target: appUsers.email })
      .run().changes;
  }
  return created;
}
