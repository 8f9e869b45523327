import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { AppError, asBusyError } from '@/lib/errors';
import { getCompanyDomains, setCompanyDomains } from '@/lib/settings';
import { useTempDatabase } from '@/tests/helpers/temp-database';

const ACTOR = { id: null, email: 'admin@northwind.example' };

/** A second process that takes the write lock, says so, and holds it for `ms`. */
function holdWriteLock(path: string, ms: number): Promise<{ locked: Promise<void>; done: Promise<number | null> }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(path)});
       db.exec('BEGIN IMMEDIATE'); db.prepare("INSERT INTO app_settings (key, value_json, updated_by, updated_at) VALUES ('lock.holder', '1', 'test', 'now')").run();
       process.stdout.write('locked\\n');
       setTimeout(() => { db.exec('ROLLBACK'); db.close(); }, ${ms});`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const locked = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve()));
  const done = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return Promise.resolve({ locked, done });
}

describe('a busy database', () => {
  const dbPath = useTempDatabase();

  it('waits for another process to finish its write (busy timeout) instead of failing', async () => {
    const holder = await holdWriteLock(dbPath(), 1_000);
    await holder.locked;
    const started = Date.now();
    expect(setCompanyDomains(ACTOR, ['northwind.example'])).toEqual(['northwind.example']);
    expect(Date.now() - started).toBeGreaterThan(500);
    expect(getCompanyDomains()).toEqual(['northwind.example']);
    expect(await holder.done).toBe(0);
  });

  it('answers "busy, nothing saved, try again" (503) when the lock outlasts the timeout, and writes nothing', () => {
    const other = new Database(dbPath());
    other.exec('BEGIN IMMEDIATE');
    let thrown: unknown;
    try {
      setCompanyDomains(ACTOR, ['contoso.example']);
    } catch (error) {
      thrown = error;
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const answer = asBusyError(thrown);
    expect(answer).toBeInstanceOf(AppError);
    expect(answer).toMatchObject({ code: 'busy', status: 503 });
    expect((answer as AppError).message).toMatch(/Nothing was saved; try again/);
    expect(getCompanyDomains()).not.toContain('contoso.example');
    // Anything that is not a lock stays what it was.
    const other500 = new Error('boom');
    expect(asBusyError(other500)).toBe(other500);
  }, 15_000);
});
