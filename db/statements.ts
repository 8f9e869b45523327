import 'server-only';
import type Database from 'better-sqlite3';
import { getDb, type TTx } from './client';

/**
 * Raw prepared statements and transactions on the process connection, for the hot paths of the
 * `lib/*\/queries.ts` modules. Statements are cached per connection (tests and CLIs switch
 * databases); raw statements run on the same connection as drizzle, so inside a transaction they
 * join it.
 */

export type TStatement<R> = Database.Statement<unknown[], R>;

const statementCache = new WeakMap<Database.Database, Map<string, TStatement<unknown>>>();
// Generated SQL varies with filter combinations only (values are bound), so the set is small;
// the cap only guards against a bug generating unbounded texts.
const MAX_CACHED_STATEMENTS = 1_000;

/** The process connection's better-sqlite3 handle. */
export function sqlite(): Database.Database {
  return getDb().$client;
}

/** A cached prepared statement for `text` on the process connection. */
export function prepared<R = unknown>(text: string): TStatement<R> {
  const db = sqlite();
  let cache = statementCache.get(db);
  if (!cache) {
    cache = new Map();
    statementCache.set(db, cache);
  }
  let statement = cache.get(text);
  if (!statement) {
    if (cache.size >= MAX_CACHED_STATEMENTS) cache.clear();
    statement = db.prepare<unknown[], unknown>(text);
    cache.set(text, statement);
  }
  return statement as TStatement<R>;
}

/**
 * Run `fn` in one IMMEDIATE transaction (the write lock is taken up front, so two processes never
 * both read a version and then both write). Synchronous by design: `fn` must not await. Nested in
 * another transaction it becomes a savepoint.
 */
export function writeTransaction<T>(fn: (tx: TTx) => T): T {
  return getDb().transaction(fn, { behavior: 'immediate' });
}

/** Run `fn` in one read transaction: every statement sees the same database state (WAL snapshot). */
export function readTransaction<T>(fn: () => T): T {
  return sqlite().transaction(fn).deferred();
}
