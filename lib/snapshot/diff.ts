import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { CSV_CONTENT_TYPE, csvStream, type TExportFile } from '@/lib/export';
import {
  countDiffEntries,
  DIFF_KINDS,
  getCompleteSnapshotRow,
  iterateDiffEntries,
  openSnapshotReader,
  queryDiffEntries,
  type TDiffCsvRaw,
  type TDiffEntryRaw,
  type TDiffKind,
} from './queries';
import type { TPage, TSnapshot } from './types';

export { DIFF_FIELDS, DIFF_KINDS, type TDiffField, type TDiffKind } from './queries';

/**
 * The difference between two complete snapshots, computed in SQL on the indexed keys (anti-joins
 * on (snapshot_id, scim_id), EXCEPT over the membership primary key) — never a JS map of a
 * million rows. Entries come in kind order (joiners, leavers, activated, deactivated, attribute
 * changes, memberships added, memberships removed), each kind in a stable order (users by email,
 * memberships by group name then user email).
 */

/** One difference. User fields come from the `to` snapshot, or `from` for leavers and removed memberships. */
export type TDiffEntry = TDiffEntryRaw;

export type TDiffSummary = {
  fromId: number;
  toId: number;
  from: Pick<TSnapshot, 'id' | 'startedAt' | 'finishedAt' | 'digest'>;
  to: Pick<TSnapshot, 'id' | 'startedAt' | 'finishedAt' | 'digest'>;
  counts: Record<TDiffKind, number>;
  total: number;
};

const ZDiffQuery = z.object({
  kind: z.enum(DIFF_KINDS).optional(),
  page: z.number().int().min(1).max(1_000_000),
  pageSize: z.number().int().min(1).max(500),
});
export type TDiffQuery = { kind?: TDiffKind; page: number; pageSize: number };

function requirePair(fromId: number, toId: number): { from: TSnapshot; to: TSnapshot } {
  for (const id of [fromId, toId]) {
    if (!Number.isInteger(id) || id < 1) throw new AppError('invalid', `Not a snapshot id: ${id}.`);
  }
  const from = getCompleteSnapshotRow(fromId);
  const to = getCompleteSnapshotRow(toId);
  if (!from) throw new AppError('not_found', `Snapshot #${fromId} does not exist or is not complete.`);
  if (!to) throw new AppError('not_found', `Snapshot #${toId} does not exist or is not complete.`);
  return { from, to };
}

// Complete snapshots never change: a diff's counts are computed once. The digests are part of
// the key so a reused id (after deletions) can never serve stale counts.
const countCache = new Map<string, Record<TDiffKind, number>>();
const COUNT_CACHE_SIZE = 32;

function countsFor(from: TSnapshot, to: TSnapshot): Record<TDiffKind, number> {
  const key = `${from.id}:${from.digest}:${to.id}:${to.digest}`;
  const cached = countCache.get(key);
  if (cached) return cached;
  const counts = countDiffEntries(from.id, to.id);
  if (countCache.size >= COUNT_CACHE_SIZE) countCache.delete(countCache.keys().next().value as string);
  countCache.set(key, counts);
  return counts;
}

const pick = (s: TSnapshot) => ({ id: s.id, startedAt: s.startedAt, finishedAt: s.finishedAt, digest: s.digest });

/** Counts of every kind of difference from `fromId` to `toId` (both complete). */
export function diffSnapshots(fromId: number, toId: number): TDiffSummary {
  const { from, to } = requirePair(fromId, toId);
  const counts = countsFor(from, to);
  const total = DIFF_KINDS.reduce<number>((n, k) => n + counts[k], 0);
  return { fromId, toId, from: pick(from), to: pick(to), counts, total };
}

/**
 * One page of differences, of one kind or of all kinds in kind order. Without a kind the page
 * may span kinds: each kind is queried for its own slice (LIMIT/OFFSET inside that kind).
 */
export function listDiffEntries(fromId: number, toId: number, query: TDiffQuery): TPage<TDiffEntry> {
  const { from, to } = requirePair(fromId, toId);
  const parsed = ZDiffQuery.safeParse(query);
  if (!parsed.success) throw new AppError('invalid', `Invalid diff query: ${parsed.error.issues.map((i) => i.message).join('; ')}.`);
  const q = parsed.data;
  const counts = countsFor(from, to);
  const kinds: readonly TDiffKind[] = q.kind ? [q.kind] : DIFF_KINDS;
  const total = kinds.reduce<number>((n, k) => n + counts[k], 0);
  const rows: TDiffEntry[] = [];
  let skip = (q.page - 1) * q.pageSize;
  for (const kind of kinds) {
    const available = counts[kind];
    if (skip >= available) {
      skip -= available;
      continue;
    }
    const want = q.pageSize - rows.length;
    rows.push(...queryDiffEntries(fromId, toId, kind, want, skip));
    skip = 0;
    if (rows.length >= q.pageSize) break;
  }
  return { rows, total, page: q.page, pageSize: q.pageSize };
}

export const DIFF_CSV_HEADER = ['kind', 'userId', 'userEmail', 'groupId', 'groupName', 'field', 'before', 'after'] as const;

/**
 * The whole diff as CSV (every kind, in kind order), streamed from a read-only connection.
 * Throws `AppError` at once when a snapshot is not complete; rows are read on demand.
 */
export function streamDiffCsv(fromId: number, toId: number): TExportFile {
  requirePair(fromId, toId);
  let rows = 0;
  async function* chunks(): AsyncGenerator<string, void, undefined> {
    const reader = openSnapshotReader();
    try {
      reader.begin();
      function* all(): Generator<TDiffCsvRaw, void, undefined> {
        for (const kind of DIFF_KINDS) yield* iterateDiffEntries(reader, fromId, toId, kind);
      }
      yield* csvStream(DIFF_CSV_HEADER, all(), { onRow: () => void rows++ });
    } finally {
      reader.close();
    }
  }
  return { fileName: `attest-diff-${fromId}-to-${toId}.csv`, contentType: CSV_CONTENT_TYPE, chunks: chunks(), rows: () => rows };
}
