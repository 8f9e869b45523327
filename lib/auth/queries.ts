import 'server-only';
import { asc, count, eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { getDb, type TExecutor } from '@/db/client';
import { appUsers, type TAppUser, type TRole } from '@/db/schema';

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
