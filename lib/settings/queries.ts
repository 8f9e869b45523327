import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb, type TExecutor } from '@/db/client';
import { appSettings } from '@/db/schema';

export type TSettingRow = typeof appSettings.$inferSelect;

export function getSettingRow(key: string, tx: TExecutor = getDb()): TSettingRow | null {
  return tx.select().from(appSettings).where(eq(appSettings.key, key)).get() ?? null;
}

export function upsertSettingRow(tx: TExecutor, row: TSettingRow): void {
  tx.insert(appSettings)
    .values(row)
    .onConflictDoUpdate({ target: appSettings.key, set: { valueJson: row.valueJson, updatedBy: row.updatedBy, updatedAt: row.updatedAt } })
    .run();
}

export function deleteSettingRow(tx: TExecutor, key: string): boolean {
  return tx.delete(appSettings).where(eq(appSettings.key, key)).run().changes > 0;
}
