import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { resetEnvForTests } from '@/lib/env';

/**
 * Give each test a fresh, migrated SQLite file (real database, real migrations).
 * Returns a getter for the current file path.
 */
export function useTempDatabase(): () => string {
  let dir = '';
  let path = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'attest-test-'));
    path = join(dir, 'attest.db');
    process.env.DATABASE_URL = `file:${path}`;
    resetEnvForTests();
    getDb();
  });
  afterEach(() => {
    closeDb();
    rmSync(dir, { recursive: true, force: true });
  });
  return () => path;
}
