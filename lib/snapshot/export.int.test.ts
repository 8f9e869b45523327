import { parse } from 'csv-parse/sync';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { collectText, encodeUtf8 } from '@/lib/export';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import {
  buildSnapshotManifest,
  exportSnapshot,
  exportSnapshotJson,
  exportSnapshotMembershipsCsv,
  exportSnapshotUsersCsv,
  SNAPSHOT_EXPORT_KINDS,
  verifySnapshotJsonDigest,
} from './export';
import { snapshotOf, startSeededSim, type TSimServer } from './testing';

const DANGEROUS = ['=HYPERLINK("http://evil.example","click")', '+1+2', '-2+3', '@SUM(A1:A2)', '\tTabbed', '\rCarriage'];

async function* chunked(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  // Odd chunk sizes split lines and multi-byte characters.
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('snapshot exports', () => {
  useTempDatabase();
  let server: TSimServer;
  const injected: string[] = [];

  beforeAll(async () => {
    server = await startSeededSim({ users: 250, groups: 20, seed: 51 });
    DANGEROUS.forEach((title, i) => {
      injected.push(
        server.sim.store.createUser({ userName: `inject${i}@northwind.example`, givenName: 'Zoë', familyName: `Ünicode-${i}, "quoted"`, title, department: '=cmd|/C calc!A0' }).id,
      );
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('neutralises cells that a spreadsheet would run as a formula', async () => {
    const snap = await snapshotOf(server);
    const file = exportSnapshotUsersCsv(snap.id);
    expect(file.fileName).toBe(`attest-snapshot-${snap.id}-users.csv`);
    expect(file.contentType).toBe('text/csv; charset=utf-8');
    const text = await collectText(file.chunks);
    const records = parse(text) as string[][];
    const header = records[0]!;
    expect(header).toEqual(['id', 'userName', 'email', 'givenName', 'familyName', 'displayName', 'title', 'active', 'department', 'costCenter', 'division', 'organization', 'managerEmail', 'managerName', 'groupCount']);
    const col = (name: string) => header.indexOf(name);
    for (const [i, id] of injected.entries()) {
      const row = records.find((r) => r[0] === id)!;
      expect(row[col('title')]).toBe(`'${DANGEROUS[i]}`);
      expect(row[col('department')]).toBe(`'=cmd|/C calc!A0`);
      expect(row[col('familyName')]).toBe(`Ünicode-${i}, "quoted"`);
      expect(row[col('active')]).toBe('true');
    }
    // No cell of the whole file starts with a formula character.
    for (const record of records) for (const cell of record) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(records).toHaveLength(server.sim.store.counts().users + 1);
    expect(file.rows()).toBe(server.sim.store.counts().users);
  });

  it('streams memberships with group names and user emails, one row per membership', async () => {
    const snap = await snapshotOf(server);
    const file = exportSnapshotMembershipsCsv(snap.id);
    const records = parse(await collectText(file.chunks)) as string[][];
    expect(records[0]).toEqual(['groupId', 'groupName', 'userId', 'userEmail', 'userName', 'memberDisplay', 'orphan']);
    const groups = server.sim.store.allGroupsWithMembers();
    expect(records.slice(1).map((r) => `${r[0]}/${r[2]}`).sort()).toEqual(groups.flatMap((g) => g.memberIds.map((u) => `${g.id}/${u}`)).sort());
    const names = new Map(groups.map((g) => [g.id, g.displayName]));
    expect(records.slice(1).every((r) => names.get(r[0]!) === r[1] && r[3]!.endsWith('.example') && r[6] === 'false')).toBe(true);
  });

  it('writes a manifest whose row counts, sizes and SHA-256 match each streamed file, and whose digest the JSON reproduces', async () => {
    const snap = await snapshotOf(server);
    const manifest = await buildSnapshotManifest(snap.id);
    expect(manifest).toMatchObject({ snapshotId: snap.id, digest: snap.digest, generator: 'attest 0.1.0' });
    expect(manifest.generatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(manifest.files.map((f) => f.name)).toEqual([
      `attest-snapshot-${snap.id}-users.csv`,
      `attest-snapshot-${snap.id}-groups.csv`,
      `attest-snapshot-${snap.id}-memberships.csv`,
      `attest-snapshot-${snap.id}.json`,
    ]);
    const counts = server.sim.store.counts();
    const expectedRows = [counts.users, counts.groups, counts.memberships, counts.users + counts.groups + counts.memberships];
    for (const [i, kind] of SNAPSHOT_EXPORT_KINDS.entries()) {
      // Download the file again, as a browser would, and check it against the manifest.
      const bytes = Buffer.from(await collectText(exportSnapshot(snap.id, kind).chunks), 'utf8');
      const entry = manifest.files[i]!;
      expect(entry.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(entry.bytes).toBe(bytes.length);
      expect(entry.rows).toBe(expectedRows[i]);
      if (kind !== 'json') expect((parse(bytes.toString('utf8')) as string[][]).length - 1).toBe(entry.rows);
    }

    const json = await collectText(exportSnapshotJson(snap.id).chunks);
    const doc = JSON.parse(json) as { snapshot: { id: number; digest: string }; digest: { value: string; definition: string }; users: unknown[] };
    expect(doc.snapshot).toMatchObject({ id: snap.id, digest: snap.digest });
    expect(doc.digest.definition).toMatch(/SHA-256 of the UTF-8 bytes of canonicalJson/);
    expect(doc.users).toHaveLength(counts.users);
    // The recomputation an auditor does: from the text (any order) and from a stream (line by line).
    const fromText = await verifySnapshotJsonDigest(json);
    expect(fromText).toEqual({ ok: true, expected: manifest.digest, actual: manifest.digest, snapshotId: snap.id, counts: { groups: counts.groups, memberships: counts.memberships, users: counts.users } });
    expect(await verifySnapshotJsonDigest(chunked(json, 4093))).toEqual(fromText);
    expect(await verifySnapshotJsonDigest(encodeUtf8(exportSnapshotJson(snap.id).chunks))).toEqual(fromText);

    // Re-serialised in another order and pretty-printed: the text verifier sorts first.
    const shuffled = { ...JSON.parse(json), users: [...doc.users].reverse() } as Record<string, unknown>;
    expect((await verifySnapshotJsonDigest(JSON.stringify(shuffled, null, 2))).ok).toBe(true);

    // One changed attribute, or a dropped membership: the digest no longer matches.
    const tampered = json.replace(/"title":"[^"]*"/, '"title":"Chief Everything Officer"');
    expect(tampered).not.toBe(json);
    const verdict = await verifySnapshotJsonDigest(tampered);
    expect(verdict.ok).toBe(false);
    expect(verdict.expected).toBe(snap.digest);
    expect((await verifySnapshotJsonDigest(chunked(tampered, 1000))).ok).toBe(false);
    const dropped = json.replace(/\n\{"groupId":"[^"]+","userId":"[^"]+"\},/, '\n');
    expect((await verifySnapshotJsonDigest(dropped)).ok).toBe(false);
  });

  it('rejects what is not an export, and records out of order in a stream', async () => {
    const snap = await snapshotOf(server);
    await expect(verifySnapshotJsonDigest('not json')).rejects.toThrow(AppError);
    await expect(verifySnapshotJsonDigest('{"users":[]}')).rejects.toThrow(/missing/);
    const json = await collectText(exportSnapshotJson(snap.id).chunks);
    const lines = json.split('\n');
    const first = lines.findIndex((l) => l.startsWith('{"groupId"'));
    [lines[first], lines[first + 1]] = [lines[first + 1]!, lines[first]!];
    await expect(verifySnapshotJsonDigest(chunked(lines.join('\n'), 500))).rejects.toThrow(/out of order/);
    const half = json.slice(0, json.lastIndexOf('\n', json.length / 2) + 1);
    await expect(verifySnapshotJsonDigest(chunked(half, 500))).rejects.toThrow(/incomplete/);
    await expect(verifySnapshotJsonDigest(chunked(json.slice(0, json.length / 2), 500))).rejects.toThrow(AppError);
  });

  it('refuses a snapshot that is not complete before streaming anything', async () => {
    expect(() => exportSnapshotUsersCsv(42)).toThrow(/does not exist or is not complete/);
    await expect(buildSnapshotManifest(42)).rejects.toThrow(AppError);
  });
});
