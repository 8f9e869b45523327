import 'server-only';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { getDb } from './client';

export type TBackupResult = {
  path: string;
  bytes: number;
  pages: number;
  /** Rows of the audit log in the copy: a quick "is this the database I think it is". */
  auditRows: number;
  integrity: 'ok';
};

/**
 * Copy the live database to `destination` with SQLite's online backup API: consistent while the
 * app keeps reading and writing (WAL), unlike copying the file. Written to a temporary name and
 * renamed once its integrity check passes, so a failed backup never leaves a file that looks
 * good. Refuses to overwrite an existing file.
 */
export async function backupDatabase(destination: string): Promise<TBackupResult> {
  if (existsSync(destination)) throw new Error(`${destination} already exists; choose a new file name.`);
  mkdirSync(dirname(destination), { recursive: true });
  const partial = `${destination}.partial`;
  rmSync(partial, { force: true });
  try {
    const { totalPages } = await getDb().$client.backup(partial);
    const copy = new Database(partial, { readonly: true });
    try {
      const integrity = copy.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') throw new Error(`the copy failed its integrity check: ${String(integrity)}`);
      const auditRows = copy.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
      copy.close();
      renameSync(partial, destination);
      return { path: destination, bytes: statSync(destination).size, pages: totalPages, auditRows, integrity: 'ok' };
    } finally {
      if (copy.open) copy.close();
    }
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}
