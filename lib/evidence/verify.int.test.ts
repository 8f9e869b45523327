import { cpSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { closeCampaign } from '@/lib/review';
import { seededStore } from '@/lib/review/testing';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { EVIDENCE_FILE_NAMES, MANIFEST_FILE_NAME, verifyEvidence, writeEvidenceDirectory, writeEvidenceZip, type TEvidenceManifest } from './index';
import { ADMIN, decide, launchedCampaign, readZip, tempDir, writeZip, type TZipEntry } from './testing';

/** Flip one byte in the middle of a buffer (a change no size check can see). */
function flipByte(data: Buffer): Buffer {
  const copy = Buffer.from(data);
  const at = Math.floor(copy.length / 2);
  copy[at] = (copy[at] as number) ^ 0x01;
  return copy;
}

describe('verifyEvidence', () => {
  useTempDatabase();
  let dir: string;
  let zipPath: string;
  let zipEntries: TZipEntry[];
  let work: string;

  beforeEach(async () => {
    const store = seededStore({ users: 25, groups: 4, seed: 9 });
    const { campaignId, items } = launchedCampaign({ store });
    store.close();
    decide(campaignId, items.slice(0, 3), 'revoke', 'not needed');
    decide(campaignId, items.slice(3), 'certify');
    closeCampaign(ADMIN, campaignId);
    work = tempDir();
    dir = join(work, 'package');
    await writeEvidenceDirectory(ADMIN, campaignId, dir);
    zipPath = join(work, 'package.zip');
    await writeEvidenceZip(ADMIN, campaignId, zipPath);
    zipEntries = await readZip(zipPath);
  });

  function copyDir(): string {
    const copy = join(work, `copy-${Math.random().toString(36).slice(2)}`);
    cpSync(dir, copy, { recursive: true });
    return copy;
  }

  async function zipWith(change: (entries: TZipEntry[]) => TZipEntry[]): Promise<string> {
    const path = join(work, `tampered-${Math.random().toString(36).slice(2)}.zip`);
    await writeZip(path, change(zipEntries.map((e) => ({ ...e }))));
    return path;
  }

  it('accepts an intact directory and an intact zip', async () => {
    for (const path of [dir, zipPath]) {
      const result = await verifyEvidence(path);
      expect(result, path).toMatchObject({ ok: true, problems: [], verified: [...EVIDENCE_FILE_NAMES] });
      expect(result.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it.each(EVIDENCE_FILE_NAMES)('names %s when one byte of it changes (directory and zip)', async (name) => {
    const copy = copyDir();
    writeFileSync(join(copy, name), flipByte(readFileSync(join(copy, name))));
    const fromDir = await verifyEvidence(copy);
    expect(fromDir.ok).toBe(false);
    expect(fromDir.problems.map((p) => [p.file, p.kind])).toEqual([[name, 'sha256']]);
    expect(fromDir.verified).toEqual(EVIDENCE_FILE_NAMES.filter((n) => n !== name));

    const zipped = await zipWith((entries) => entries.map((e) => (e.name === name ? { ...e, data: flipByte(e.data) } : e)));
    const fromZip = await verifyEvidence(zipped);
    expect(fromZip.ok).toBe(false);
    expect(fromZip.problems.map((p) => [p.file, p.kind])).toEqual([[name, 'sha256']]);
  });

  it('reports a changed row count when a CSV row is added (hash, size and rows all differ)', async () => {
    const copy = copyDir();
    const path = join(copy, 'decisions.csv');
    writeFileSync(path, `${readFileSync(path, 'utf8')}999,account,usrFORGED\r\n`);
    const result = await verifyEvidence(copy);
    expect(result.problems.map((p) => p.kind).sort()).toEqual(['bytes', 'rows', 'sha256']);
    expect(result.problems.every((p) => p.file === 'decisions.csv')).toBe(true);
    expect(result.problems.find((p) => p.kind === 'rows')?.message).toMatch(/decisions\.csv: \d+ data rows, the manifest says \d+/);
  });

  it('reports a missing file and an extra file by name', async () => {
    const copy = copyDir();
    unlinkSync(join(copy, 'remediation.csv'));
    writeFileSync(join(copy, 'notes.txt'), 'added later');
    const result = await verifyEvidence(copy);
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => [p.file, p.kind]).sort()).toEqual([
      ['notes.txt', 'extra'],
      ['remediation.csv', 'missing'],
    ]);

    const zipped = await zipWith((entries) => [...entries.filter((e) => e.name !== 'population.csv'), { name: 'extra.csv', data: Buffer.from('a\r\n') }]);
    const fromZip = await verifyEvidence(zipped);
    expect(fromZip.problems.map((p) => [p.file, p.kind]).sort()).toEqual([
      ['extra.csv', 'extra'],
      ['population.csv', 'missing'],
    ]);
  });

  it('refuses a missing, unreadable or edited manifest', async () => {
    const noManifest = copyDir();
    unlinkSync(join(noManifest, MANIFEST_FILE_NAME));
    expect((await verifyEvidence(noManifest)).problems).toEqual([{ file: MANIFEST_FILE_NAME, kind: 'missing', message: expect.stringMatching(/missing/) }]);

    const broken = copyDir();
    writeFileSync(join(broken, MANIFEST_FILE_NAME), flipByte(Buffer.from(readFileSync(join(broken, MANIFEST_FILE_NAME), 'utf8').replace('{', '{{'))));
    expect((await verifyEvidence(broken)).problems.map((p) => [p.file, p.kind])).toEqual([[MANIFEST_FILE_NAME, 'manifest']]);

    // A manifest edited to drop a file's entry: the file becomes extra and the format's file list is incomplete.
    const dropped = copyDir();
    const manifest = JSON.parse(readFileSync(join(dropped, MANIFEST_FILE_NAME), 'utf8')) as TEvidenceManifest;
    writeFileSync(join(dropped, MANIFEST_FILE_NAME), JSON.stringify({ ...manifest, files: manifest.files.filter((f) => f.name !== 'reconciliation.csv') }));
    expect((await verifyEvidence(dropped)).problems.map((p) => [p.file, p.kind]).sort()).toEqual([
      ['reconciliation.csv', 'extra'],
      ['reconciliation.csv', 'manifest'],
    ]);

    // A manifest that names a path outside the package is refused, not followed.
    const escaping = copyDir();
    const evil = { ...manifest, files: manifest.files.map((f) => (f.name === 'report.html' ? { ...f, name: '../report.html' } : f)) };
    writeFileSync(join(escaping, MANIFEST_FILE_NAME), JSON.stringify(evil));
    expect((await verifyEvidence(escaping)).problems[0]).toMatchObject({ file: MANIFEST_FILE_NAME, kind: 'manifest' });
  });

  it('reads a package zipped together with its folder', async () => {
    const nested = await zipWith((entries) => entries.map((e) => ({ ...e, name: `evidence-12/${e.name}` })));
    expect(await verifyEvidence(nested)).toMatchObject({ ok: true, verified: [...EVIDENCE_FILE_NAMES] });
  });

  it('reports a corrupted zip file and a path that does not exist', async () => {
    const corrupt = join(work, 'corrupt.zip');
    const bytes = readFileSync(zipPath);
    writeFileSync(corrupt, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const result = await verifyEvidence(corrupt);
    expect(result).toMatchObject({ ok: false, problems: [{ file: 'corrupt.zip', kind: 'unreadable' }] });
    rmSync(dir, { recursive: true });
    expect(await verifyEvidence(dir)).toMatchObject({ ok: false, problems: [{ kind: 'missing' }] });
  });
});
