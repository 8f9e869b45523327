import 'server-only';
import { and, asc, count, eq, inArray, isNull, lte, or } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { getDb, type TExecutor } from '@/db/client';
import { appUsers, signInFailures, type TAppUser, type TRole } from '@/db/schema';

export function getAppUserById(id: string, tx: TExecutor = getDb()): TAppUser | null {
  return tx.select().from(appUsers).where(eq(appUsers.id, id)).get() ?? null;
}

export function getAppUserByEmail(email: string, tx: TExecutor = getDb()): TAppUser | null {
  return tx.select().from(appUsers).where(eq(appUsers.email, email.toLowerCase())).get() ?? null;
}

export function listAppUsers(): TAppUser[] {
  return getDb().select().from(appUsers).orderBy(asc(appUsers.email)).all();
}

export function insertAppUser(tx: TExecutor, user: { email: string; name: string | null; role: TRole; signedIn?: boolean }): TAppUser {
  return tx
    .insert(appUsers)
    .values({
      id: randomUUID(),
      email: user.email.toLowerCase(),
      name: user.name,
      role: user.role,
      lastSignInAt: user.signedIn ? new Date().toISOString() : null,
    })
    .returning()
    .get();
}

export function updateAppUser(tx: TExecutor, id: string, patch: Partial<Pick<TAppUser, 'role' | 'name' | 'lastSignInAt'>>): TAppUser {
  const row = tx.update(appUsers).set(patch).where(eq(appUsers.id, id)).returning().get();
  if (!row) throw new Error(`app user ${id} vanished during update`);
  return row;
}

export function countAdmins(tx: TExecutor): number {
  return tx.select({ n: count() }).from(appUsers).where(eq(appUsers.role, 'admin')).get()?.n ?? 0;
}

// ─── Sign-in throttling (lib/auth/throttle.ts) ───────────────────────────────────────────────

export type TSignInFailureRow = typeof signInFailures.$inferSelect;

/** The failure rows of the given keys (absent keys have no row). */
export function listSignInFailures(keys: readonly string[], tx: TExecutor = getDb()): TSignInFailureRow[] {
  if (keys.length === 0) return [];
  return tx.select().from(signInFailures).where(inArray(signInFailures.key, [...keys])).all();
}

/** Write a key's counter (insert or replace the whole row). */
export function saveSignInFailure(tx: TExecutor, row: TSignInFailureRow): void {
  tx.insert(signInFailures)
    .values(row)
    .onConflictDoUpdate({ target: signInFailures.key, set: { failures: row.failures, firstFailureAt: row.firstFailureAt, lockedUntil: row.lockedUntil } })
    .run();
}

/** Forget the given keys (a successful sign-in). */
export function deleteSignInFailures(keys: readonly string[], tx: TExecutor = getDb()): void {
  if (keys.length === 0) return;
  tx.delete(signInFailures).where(inArray(signInFailures.key, [...keys])).run();
}

/**
 * Drop counters that no longer matter: window started before `windowStart` and not locked past
 * `now`. Keeps the table as small as the last window's attempts (unknown emails create rows too).
 */
export function deleteExpiredSignInFailures(tx: TExecutor, windowStart: string, now: string): number {
  return tx
    .delete(signInFailures)
    .where(and(lte(signInFailures.firstFailureAt, windowStart), or(isNull(signInFailures.lockedUntil), lte(signInFailures.lockedUntil, now))))
    .run().changes;
}
