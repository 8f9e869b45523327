import 'server-only';
import { appendAudit, type TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { CSV_CONTENT_TYPE, csvStream, digestExport, generatorName, type TExportFile } from '@/lib/export';
import {
  createSnapshotDigester,
  DigestOrderError,
  DIGEST_ALGORITHM,
  DIGEST_DEFINITION,
  DIGEST_VERSION,
  digestUserRecord,
  groupRecordJson,
  sortForDigest,
  userRecordJson,
  type TDigestGroup,
  type TDigestMembership,
  type TDigestUser,
  computeSnapshotDigest,
} from './digest';
import {
  getCompleteSnapshotRow,
  GROUPS_CSV_HEADER,
  iterateDigestGroups,
  iterateDigestMembershipJson,
  iterateDigestUsers,
  iterateGroupsCsvRows,
  iterateMembershipsCsvRows,
  iterateUsersCsvRows,
  MEMBERSHIPS_CSV_HEADER,
  openSnapshotReader,
  readerSnapshotRow,
  USERS_CSV_HEADER,
  type TSnapshotReader,
} from './queries';
import type { TSnapshot } from './types';

/**
 * Snapshot exports, streamed from the database through a read-only connection (`stmt.iterate()`,
 * one chunk of rows in memory at a time). Each export function checks the snapshot synchronously
 * (so a route can answer 404 before streaming) and returns a `TExportFile` whose `chunks` is an
 * `AsyncIterable<string>` read on demand (see lib/export/stream.ts).
 *
 * The JSON export is one JSON document laid out one record per line:
 *
 *   {"format":"attest-snapshot-export/v1",…,"snapshot":{…},"digest":{…},
 *   "groups":[
 *   {"displayName":"…","id":"…"},
 *   …
 *   ],
 *   "memberships":[
 *   …
 *   ],
 *   "users":[
 *   …
 *   ]}
 *
 * Its three arrays are exactly the digest records in digest order, so
 * sha256(canonicalJson({groups, memberships, users})) of the file is the snapshot digest
 * (`DIGEST_DEFINITION`). The line layout lets `verifySnapshotJsonDigest` check a 1M-membership
 * file as a stream; any JSON parser reads it as an ordinary document.
 */

export const SNAPSHOT_JSON_FORMAT = 'attest-snapshot-export/v1';
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const CHUNK_CHARS = 1 << 16;
const SECTIONS = ['groups', 'memberships', 'users'] as const;

export type TSnapshotExportKind = 'users' | 'groups' | 'memberships' | 'json';
export const SNAPSHOT_EXPORT_KINDS: readonly TSnapshotExportKind[] = ['users', 'groups', 'memberships', 'json'];

function requireComplete(snapshotId: number): TSnapshot {
  if (!Number.isInteger(snapshotId) || snapshotId < 1) throw new AppError('invalid', `Not a snapshot id: ${snapshotId}.`);
  const row = getCompleteSnapshotRow(snapshotId);
  if (!row) throw new AppError('not_found', `Snapshot #${snapshotId} does not exist or is not complete.`);
  return row;
}

/** File name of an export, e.g. `attest-snapshot-12-users.csv`. */
export function snapshotExportFileName(snapshotId: number, kind: TSnapshotExportKind): string {
  return kind === 'json' ? `attest-snapshot-${snapshotId}.json` : `attest-snapshot-${snapshotId}-${kind}.csv`;
}

/** A CSV export reading `rows(reader)` inside one read transaction; the reader closes when the stream ends or is cancelled. */
function csvExport(
  snapshotId: number,
  kind: Exclude<TSnapshotExportKind, 'json'>,
  header: readonly string[],
  rows: (reader: TSnapshotReader) => Iterable<ReadonlyArray<string | number | null>>,
): TExportFile {
  requireComplete(snapshotId);
  let count = 0;
  async function* chunks(): AsyncGenerator<string, void, undefined> {
    const reader = openSnapshotReader();
    try {
      reader.begin();
      yield* csvStream(header, rows(reader), { onRow: () => void count++ });
    } finally {
      reader.close();
    }
  }
  return { fileName: snapshotExportFileName(snapshotId, kind), contentType: CSV_CONTENT_TYPE, chunks: chunks(), rows: () => count };
}

/** Users CSV: every stored field plus the group count, in id order. */
export function exportSnapshotUsersCsv(snapshotId: number): TExportFile {
  return csvExport(snapshotId, 'users', USERS_CSV_HEADER, (reader) =>
    mapRows(iterateUsersCsvRows(reader, snapshotId), (r) => {
      const out: Array<string | number | null> = r.slice();
      out[7] = r[7] === 1 ? 'true' : 'false';
      return out;
    }),
  );
}

/** Groups CSV: id, name, member count, in id order. */
export function exportSnapshotGroupsCsv(snapshotId: number): TExportFile {
  return csvExport(snapshotId, 'groups', GROUPS_CSV_HEADER, (reader) => iterateGroupsCsvRows(reader, snapshotId));
}

/** Memberships CSV: group id and name, user id, email and userName, the member display, orphan flag; in (group, user) order. */
export function exportSnapshotMembershipsCsv(snapshotId: number): TExportFile {
  return csvExport(snapshotId, 'memberships', MEMBERSHIPS_CSV_HEADER, (reader) =>
    mapRows(iterateMembershipsCsvRows(reader, snapshotId), (r) => {
      const out: Array<string | number | null> = r.slice();
      out[6] = r[6] === 1 ? 'true' : 'false';
      return out;
    }),
  );
}

function* mapRows<T, U>(rows: Iterable<T>, fn: (row: T) => U): Generator<U, void, undefined> {
  for (const row of rows) yield fn(row);
}

/** The full JSON export (metadata, digest definition, groups, memberships, users); layout in the module comment. */
export function exportSnapshotJson(snapshotId: number): TExportFile {
  requireComplete(snapshotId);
  let count = 0;
  async function* chunks(): AsyncGenerator<string, void, undefined> {
    const reader = openSnapshotReader();
    try {
      reader.begin();
      const snapshot = readerSnapshotRow(reader, snapshotId);
      if (!snapshot) throw new AppError('not_found', `Snapshot #${snapshotId} does not exist or is not complete.`);
      const head = {
        format: SNAPSHOT_JSON_FORMAT,
        generator: generatorName(),
        snapshot,
        digest: { algorithm: DIGEST_ALGORITHM, version: DIGEST_VERSION, definition: DIGEST_DEFINITION, value: snapshot.digest ?? null },
      };
      const headJson = JSON.stringify(head);
      let buf = `${headJson.slice(0, -1)},\n`;
      let first = true;
      const add = (json: string): string | null => {
        buf += first ? json : `,\n${json}`;
        first = false;
        count++;
        if (buf.length < CHUNK_CHARS) return null;
        const out = buf;
        buf = '';
        return out;
      };
      const open = (section: (typeof SECTIONS)[number]): void => {
        buf += `${section === 'groups' ? '' : '\n],\n'}"${section}":[\n`;
        first = true;
      };
      open('groups');
      for (const [id, displayName] of iterateDigestGroups(reader, snapshotId)) {
        const out = add(groupRecordJson({ id, displayName }));
        if (out) yield out;
      }
      open('memberships');
      for (const json of iterateDigestMembershipJson(reader, snapshotId)) {
        const out = add(json);
        if (out) yield out;
      }
      open('users');
      for (const r of iterateDigestUsers(reader, snapshotId)) {
        const out = add(
          userRecordJson({
            id: r[0],
            userName: r[1],
            email: r[2],
            givenName: r[3],
            familyName: r[4],
            displayName: r[5],
            title: r[6],
            active: r[7] === 1,
            department: r[8],
            costCenter: r[9],
            division: r[10],
            organization: r[11],
            managerEmail: r[12],
            managerName: r[13],
            emails: JSON.parse(r[14]) as TDigestUser['emails'],
          }),
        );
        if (out) yield out;
      }
      buf += '\n]}\n';
      yield buf;
    } finally {
      reader.close();
    }
  }
  return { fileName: snapshotExportFileName(snapshotId, 'json'), contentType: JSON_CONTENT_TYPE, chunks: chunks(), rows: () => count };
}

/** Any export by kind. */
export function exportSnapshot(snapshotId: number, kind: TSnapshotExportKind): TExportFile {
  switch (kind) {
    case 'users':
      return exportSnapshotUsersCsv(snapshotId);
    case 'groups':
      return exportSnapshotGroupsCsv(snapshotId);
    case 'memberships':
      return exportSnapshotMembershipsCsv(snapshotId);
    case 'json':
      return exportSnapshotJson(snapshotId);
  }
}

export type TManifestFile = { name: string; rows: number; sha256: string; bytes: number };
export type TSnapshotManifest = {
  snapshotId: number;
  digest: string;
  generatedAt: string;
  generator: string;
  /** How `digest` is defined (recompute it from the JSON file). */
  digestDefinition: string;
  files: TManifestFile[];
};

/**
 * The evidence manifest of a snapshot: for each export file its row count (data rows; records for
 * the JSON), SHA-256 and size in bytes, computed by streaming the file through a hash (nothing is
 * stored). Every file is byte-for-byte reproducible (no timestamps inside), so a copy downloaded
 * at any time can be checked against the manifest.
 */
export async function buildSnapshotManifest(snapshotId: number): Promise<TSnapshotManifest> {
  const row = requireComplete(snapshotId);
  const files: TManifestFile[] = [];
  for (const kind of SNAPSHOT_EXPORT_KINDS) {
    const file = exportSnapshot(snapshotId, kind);
    const d = await digestExport(file);
    files.push({ name: file.fileName, rows: d.rows, sha256: d.sha256, bytes: d.bytes });
  }
  return {
    snapshotId,
    digest: row.digest ?? '',
    generatedAt: new Date().toISOString(),
    generator: generatorName(),
    digestDefinition: DIGEST_DEFINITION,
    files,
  };
}

export type TDigestVerification = {
  ok: boolean;
  /** The digest the file claims (`digest.value`), or null when it has none. */
  expected: string | null;
  /** The digest recomputed from the file's records. */
  actual: string;
  snapshotId: number | null;
  counts: { groups: number; memberships: number; users: number };
};

function invalidJson(detail: string): AppError {
  return new AppError('invalid', `Not an Attest snapshot JSON export: ${detail}.`);
}

type THead = { snapshotId: number | null; expected: string | null };

function readHead(value: unknown): THead {
  if (value === null || typeof value !== 'object') throw invalidJson('the document is not an object');
  const doc = value as Record<string, unknown>;
  const digest = doc.digest as Record<string, unknown> | undefined;
  const snapshot = doc.snapshot as Record<string, unknown> | undefined;
  return {
    expected: typeof digest?.value === 'string' ? digest.value : null,
    snapshotId: typeof snapshot?.id === 'number' ? snapshot.id : null,
  };
}

function asGroup(v: unknown): TDigestGroup {
  const r = v as Partial<TDigestGroup> | null;
  if (!r || typeof r.id !== 'string' || typeof r.displayName !== 'string') throw invalidJson('a group record lacks id or displayName');
  return { id: r.id, displayName: r.displayName };
}

function asMembership(v: unknown): TDigestMembership {
  const r = v as Partial<TDigestMembership> | null;
  if (!r || typeof r.groupId !== 'string' || typeof r.userId !== 'string') throw invalidJson('a membership record lacks groupId or userId');
  return { groupId: r.groupId, userId: r.userId };
}

function asUser(v: unknown): TDigestUser {
  const r = v as Partial<TDigestUser> | null;
  if (!r || typeof r.id !== 'string' || typeof r.userName !== 'string' || typeof r.email !== 'string' || typeof r.active !== 'boolean' || !Array.isArray(r.emails)) {
    throw invalidJson('a user record lacks id, userName, email, active or emails');
  }
  return digestUserRecord(r as TDigestUser);
}

/**
 * Recompute the digest of a JSON export and compare it with the one it declares.
 * - a string: parsed as any JSON document (records may be in any order: they are sorted first);
 * - a stream of text or bytes: read line by line in the layout `exportSnapshotJson` writes
 *   (records must then be in digest order), so a million memberships are never in memory at once.
 */
export async function verifySnapshotJsonDigest(input: string | AsyncIterable<string | Uint8Array>): Promise<TDigestVerification> {
  if (typeof input === 'string') {
    let doc: unknown;
    try {
      doc = JSON.parse(input);
    } catch {
      throw invalidJson('the text is not JSON');
    }
    const head = readHead(doc);
    const d = doc as Record<string, unknown>;
    if (!Array.isArray(d.groups) || !Array.isArray(d.memberships) || !Array.isArray(d.users)) throw invalidJson('groups, memberships or users is missing');
    const sorted = sortForDigest({ groups: d.groups.map(asGroup), memberships: d.memberships.map(asMembership), users: d.users.map(asUser) });
    let actual: string;
    try {
      actual = computeSnapshotDigest(sorted);
    } catch (err) {
      if (err instanceof DigestOrderError) throw invalidJson(err.message);
      throw err;
    }
    return {
      ok: head.expected === actual,
      expected: head.expected,
      actual,
      snapshotId: head.snapshotId,
      counts: { groups: sorted.groups.length, memberships: sorted.memberships.length, users: sorted.users.length },
    };
  }
  try {
    return await verifyJsonStream(input);
  } catch (err) {
    // Out-of-order or repeated records: the file is not in the layout this function streams.
    if (err instanceof DigestOrderError) throw invalidJson(err.message);
    throw err;
  }
}

async function verifyJsonStream(input: AsyncIterable<string | Uint8Array>): Promise<TDigestVerification> {
  const d = createSnapshotDigester();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let head: THead | null = null;
  let section: (typeof SECTIONS)[number] | null = null;
  let ended = false;
  let rest = '';
  let lineNo = 0;

  const onLine = (raw: string): void => {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') return;
    if (ended) throw invalidJson(`unexpected content after the end (line ${lineNo})`);
    if (head === null) {
      if (!line.endsWith(',')) throw invalidJson('the first line must be the header object');
      try {
        head = readHead(JSON.parse(`${line.slice(0, -1)}}`));
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw invalidJson('the header line is not JSON');
      }
      return;
    }
    const opener = /^"(groups|memberships|users)":\[$/.exec(line);
    if (opener) {
      const next = opener[1] as (typeof SECTIONS)[number];
      if (section !== null && SECTIONS.indexOf(next) <= SECTIONS.indexOf(section)) throw invalidJson(`section ${next} out of order`);
      section = next;
      return;
    }
    if (line === '],') return;
    if (line === ']}') {
      ended = true;
      return;
    }
    if (section === null) throw invalidJson(`a record outside any section (line ${lineNo})`);
    const json = line.endsWith(',') ? line.slice(0, -1) : line;
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      throw invalidJson(`line ${lineNo} is not a JSON record`);
    }
    if (section === 'groups') d.group(asGroup(value));
    else if (section === 'memberships') {
      const m = asMembership(value);
      d.membership(m.groupId, m.userId);
    } else d.user(asUser(value));
  };

  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    rest += text;
    let nl = rest.indexOf('\n');
    let start = 0;
    while (nl >= 0) {
      onLine(rest.slice(start, nl));
      start = nl + 1;
      nl = rest.indexOf('\n', start);
    }
    rest = rest.slice(start);
  }
  rest += decoder.decode();
  if (rest) onLine(rest);
  const finalHead = head as THead | null;
  if (finalHead === null || !ended) throw invalidJson('the document is incomplete');
  const actual = d.digest();
  return { ok: finalHead.expected === actual, expected: finalHead.expected, actual, snapshotId: finalHead.snapshotId, counts: { ...d.counts } };
}


/** Audit a download (`snapshot.exported`); route handlers call it when they start streaming. */
export function recordSnapshotExport(actor: TActor, snapshotId: number, kind: TSnapshotExportKind | 'manifest' | 'diff', details: Record<string, unknown> = {}): void {
  appendAudit({ actor, action: 'snapshot.exported', target: { type: 'snapshot', id: String(snapshotId) }, details: { kind, ...details } });
}
