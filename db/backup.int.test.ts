import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appendAudit } from '@/lib/audit';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { backupDatabase } from './backup';
import { getDb } from './client';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

describe('database backup', () => {
  const dbPath = useTempDatabase();

  it('copies the live database, including writes not yet checkpointed from the WAL, and checks the copy', async () => {
    for (let i = 0; i < 25; i++) appendAudit({ actor: { id: null, email: 'cli' }, action: 'settings.updated', target: { type: 'setting', id: `k${i}` }, details: { i } });
    const destination = join(dirname(dbPath()), 'backups', 'copy.db');
    const result = await backupDatabase(destination);
    expect(result).toMatchObject({ path: destination, auditRows: 25, integrity: 'ok' });
    expect(result.bytes).toBeGreaterThan(0);
    const copy = new Database(destination, { readonly: true });
    expect(copy.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(25);
    expect(copy.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'review_items'").pluck().get()).toBe(1);
    copy.close();
    // The app keeps working on the original.
    expect(getDb().$client.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(25);
  });

  it('refuses to overwrite an existing file and leaves no partial copy behind', async () => {
    const destination = join(dirname(dbPath()), 'taken.db');
    writeFileSync(destination, 'keep me');
    await expect(backupDatabase(destination)).rejects.toThrow(/already exists/);
    expect(readdirSync(dirname(dbPath())).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('npm run backup prints one JSON line, and exits 2 on bad arguments', () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/backup.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: `file:${dbPath()}` },
        encoding: 'utf8',
      });
    const destination = join(dirname(dbPath()), 'cli-copy.db');
    const ok = run([destination]);
    expect(ok.status, ok.stderr).toBe(0);
    const summary = JSON.parse(ok.stdout.trim().split('\n').at(-1) ?? '{}') as { path: string; integrity: string };
    expect(summary).toMatchObject({ path: destination, integrity: 'ok' });
    expect(existsSync(destination)).toBe(true);
    const again = run([destination]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect(run(['--to', 'x']).status).toBe(2);
  });
});
