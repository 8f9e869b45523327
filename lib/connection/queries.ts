import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb, type TExecutor } from '@/db/client';
import { scimConnection, type TScimConnectionRow } from '@/db/schema';

const ROW_ID = 1;

export function getSavedConnectionRow(tx: TExecutor = getDb()): TScimConnectionRow | null {
  return tx.select().from(scimConnection).where(eq(scimConnection.id, ROW_ID)).get() ?? null;
}

export function upsertConnectionRow(tx: TExecutor, row: Omit<TScimConnectionRow, 'id'>): void {
  tx.insert(scimConnection)
    .values({ id: ROW_ID, ...row })
    .onConflictDoUpdate({ target: scimConnection.id, set: row })
    .run();
}

export function deleteConnectionRow(tx: TExecutor): boolean {
  return tx.delete(scimConnection).where(eq(scimConnection.id, ROW_ID)).run().changes > 0;
}
