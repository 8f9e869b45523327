import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditPage } from '@/lib/audit';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { getCurrentImports } from './index';
import { countAllImportContent } from './queries';

/** `npm run import` as cron runs it: scripts/import.ts in a child process sharing the test's SQLite file. */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runCli(dbPath: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/import.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: `file:${dbPath}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run import (scripts/import.ts)', () => {
  const dbPath = useTempDatabase();
  let dir = '';
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'attest-import-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a roster and prints one JSON line with the import id, rows, bytes and SHA-256', async () => {
    const text = 'Email,Status,Department\nann@northwind.example,Active,Sales\nbob@northwind.example,Terminated,Sales\n';
    const path = file('roster.csv', text);
    const run = await runCli(dbPath(), ['hr', path]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!) as Record<string, unknown>;
    const current = getCurrentImports().hr;
    expect(result).toEqual({
      importId: current?.id,
      kind: 'hr',
      fileName: 'roster.csv',
      rows: 2,
      bytes: Buffer.byteLength(text),
      sha256: createHash('sha256').update(text).digest('hex'),
    });
    expect(current?.uploadedByEmail).toBe('cli');
    expect(listAuditPage({ action: 'import.committed' }, 1, 1).rows[0]?.actorEmail).toBe('cli');
  });

  it('refuses a bad file with the line and column on stderr, exit 1, and changes nothing', async () => {
    const good = await runCli(dbPath(), ['activity', file('good.csv', 'email,last active\nann@northwind.example,2026-11-01\n')]);
    expect(good.code, good.stderr).toBe(0);
    const before = { counts: countAllImportContent(), current: getCurrentImports() };
    const run = await runCli(dbPath(), ['activity', file('bad.csv', 'email,last active\nann@northwind.example,2026-11-01\nbob@northwind.example,31/02/2026\n')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('import: Nothing was imported. Line 3, column B ("last active"): "31/02/2026" is not a valid date');
    expect({ counts: countAllImportContent(), current: getCurrentImports() }).toEqual(before);
  });

  it('previews without writing, and explains bad arguments and unreadable files', async () => {
    const preview = await runCli(dbPath(), ['hr', file('p.csv', 'email,status\nann@northwind.example,active\n'), '--preview']);
    expect(preview.code, preview.stderr).toBe(0);
    expect(JSON.parse(preview.stdout.trim())).toMatchObject({ preview: true, kind: 'hr', rows: 1, problems: 0 });
    expect(countAllImportContent().imports).toBe(0);

    const usage = await runCli(dbPath(), ['payroll', 'x.csv']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: npm run import -- hr|activity <file.csv> [--preview]');
    const missing = await runCli(dbPath(), ['hr', join(dir, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');
    expect(missing.stderr).toContain('ENOENT');
  });
});
