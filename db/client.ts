import 'server-only';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { env } from '@/lib/env';
import * as schema from './schema';

export type TDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

type TOpened = { db: TDb; sqlite: Database.Database; path: string };

// Survive Next's dev-mode module reloads: one connection per process.
const holder = globalThis as unknown as { __attestDb?: TOpened };

export const MIGRATIONS_FOLDER = join(process.cwd(), 'db', 'migrations');

/**
 * Open a SQLite file with Attest's settings and apply pending migrations.
 * WAL lets readers (pages, exports) run while one writer (snapshot, decisions) commits;
 * busy_timeout makes a second process (the CLI) wait for the lock instead of failing.
 */
export function openDatabase(path: string): TOpened {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  // A large snapshot grows the WAL to hundreds of MB; truncate it back after checkpoints.
  sqlite.pragma('journal_size_limit = 67108864');
  const db = drizzle(sqlite, { schema }) as TDb;
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  // Planner statistics for tables that changed a lot (sampled, bounded: SQLite's recommended call at open).
  sqlite.pragma('analysis_limit = 1000');
  sqlite.pragma('optimize = 0x10002');
  return { db, sqlite, path };
}

/** The process's database, opened on first use (never at import: `next build` imports modules). */
export function getDb(): TDb {
  const wanted = env().databasePath;
  if (holder.__attestDb && holder.__attestDb.path !== wanted) closeDb();
  holder.__attestDb ??= openDatabase(wanted);
  return holder.__attestDb.db;
}

/** Close the process's database (tests switch files; CLIs exit cleanly). */
export function closeDb(): void {
  holder.__attestDb?.sqlite.close();
  holder.__attestDb = undefined;
}

/** A transaction handle as passed to `db.transaction((tx) => …)`. */
export type TTx = Parameters<Parameters<TDb['transaction']>[0]>[0];
/** Either the database or an open transaction: lets a write join its caller's transaction. */
export type TExecutor = TDb | TTx;
