import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listAuditPage } from '@/lib/audit';
import { closeCampaign } from '@/lib/review';
import { seededStore } from '@/lib/review/testing';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { ADMIN, decide, launchedCampaign, readZip, tempDir } from './testing';

/** `npm run evidence` and `npm run evidence:verify` as an operator or auditor runs them: child processes. */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function run(script: string, args: string[], dbPath: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', script, ...args], {
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

function closedCampaign(): number {
  const store = seededStore({ users: 20, groups: 3, seed: 4 });
  const { campaignId, items } = launchedCampaign({ store });
  store.close();
  decide(campaignId, items.slice(0, 2), 'revoke', 'left');
  decide(campaignId, items.slice(2), 'certify');
  closeCampaign(ADMIN, campaignId);
  return campaignId;
}

describe('evidence CLIs', () => {
  const dbPath = useTempDatabase();

  it('npm run evidence writes a zip and a directory that npm run evidence:verify accepts', { timeout: 60_000 }, async () => {
    const campaignId = closedCampaign();
    const work = tempDir();
    const zipPath = join(work, 'out.zip');
    const written = await run('scripts/evidence.ts', [String(campaignId), zipPath], dbPath());
    expect(written.code, written.stderr).toBe(0);
    expect(JSON.parse(written.stdout.trim().split('\n').at(-1)!)).toMatchObject({ campaignId, path: zipPath, format: 'zip', files: 6 });
    expect((await readZip(zipPath)).map((e) => e.name).at(-1)).toBe('manifest.json');
    expect(listAuditPage({ action: 'evidence.downloaded', actor: 'cli' }, 1, 5).total).toBe(1);

    const dir = join(work, 'package');
    expect((await run('scripts/evidence.ts', [String(campaignId), dir], dbPath())).code).toBe(0);

    for (const path of [zipPath, dir]) {
      const verified = await run('scripts/evidence-verify.ts', [path], dbPath());
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.stdout).toMatch(/^OK: 5 files verified in /);
      expect(verified.stdout).toContain(`campaign #${campaignId}`);
      expect(verified.stdout).toMatch(/manifest\.json sha256 [0-9a-f]{64}/);
    }

    // One edited file and one extra file: exit 1, each named.
    const decisions = join(dir, 'decisions.csv');
    writeFileSync(decisions, readFileSync(decisions, 'utf8').replace('certify', 'revoke!'));
    writeFileSync(join(dir, 'README.txt'), 'not part of the package');
    const failed = await run('scripts/evidence-verify.ts', [dir], dbPath());
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(/^FAILED: \d+ problems in /);
    expect(failed.stderr).toMatch(/decisions\.csv: sha256 — /);
    expect(failed.stderr).toMatch(/README\.txt: extra — /);
  });

  it('exits 2 with the usage on bad arguments, and 1 for a campaign that does not exist', { timeout: 60_000 }, async () => {
    const usage = await run('scripts/evidence-verify.ts', [], dbPath());
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: npm run evidence:verify');
    expect((await run('scripts/evidence.ts', ['not-a-number', 'x.zip'], dbPath())).code).toBe(2);
    const missing = await run('scripts/evidence.ts', ['4242', join(tempDir(), 'x.zip')], dbPath());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Campaign #4242 does not exist.');
    const notThere = await run('scripts/evidence-verify.ts', [join(tempDir(), 'nothing.zip')], dbPath());
    expect(notThere.code).toBe(1);
    expect(notThere.stderr).toMatch(/does not exist/);
  });
});
