import 'server-only';
import { z } from 'zod';
import { appendAudit, type TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { CSV_CONTENT_TYPE, csvStream, type TExportFile } from '@/lib/export';
import { historicalBasis } from './basis';
import {
  getCompleteSnapshotBrief,
  getCompleteSnapshotStartedBy,
  getOldestCompleteSnapshotBefore,
  iterateChargebackSeats,
  listCompleteSnapshotBriefs,
  openSnapshotReader,
  queryChargebackAccounts,
  queryChargebackBuckets,
  type TBucketRaw,
  type TChargebackParams,
  type TDimension,
  type TSnapshotBrief,
} from './queries';
import { daysBetween } from './rules';

/**
 * License chargeback: active seats per department, cost center, division or organization of one
 * snapshot, with the change against a snapshot about a month older, the accounts behind every
 * number, and CSV exports.
 *
 * Each seat's value comes from the directory's enterprise extension; when that is blank, from the
 * HR roster that was current for the snapshot (basis.ts; the roster has no organization); when
 * both are blank the seat is counted as "Unassigned", never dropped.
 *
 * Month over month = against the newest complete snapshot started at least 28 days before the
 * chosen one (28 so monthly snapshots always qualify, even across February). When history is
 * shorter, the oldest older snapshot is used and the result says how many days apart they are;
 * the caller may also pick the comparison explicitly.
 */

export const DIMENSIONS = ['department', 'costCenter', 'division', 'organization'] as const satisfies readonly TDimension[];
export type { TDimension };
export const DIMENSION_LABEL: Record<TDimension, string> = { department: 'Department', costCenter: 'Cost center', division: 'Division', organization: 'Organization' };
export const UNASSIGNED_LABEL = 'Unassigned';
export const MONTH_DAYS = 28;

export type TComparison = {
  snapshotId: number;
  startedAt: string;
  days: number;
  /** 'month': ≥ 28 days older; 'shorter': the oldest older snapshot, less than 28 days older; 'chosen': picked by the caller. */
  kind: 'month' | 'shorter' | 'chosen';
};

export type TChargebackBucket = {
  /** null = Unassigned. */
  value: string | null;
  label: string;
  seats: number;
  /** Seats whose value came from the HR roster because the directory was blank. */
  fromHr: number;
  /** Seats in the comparison snapshot (null when there is none). */
  previous: number | null;
  change: number | null;
};

export type TChargeback = {
  snapshot: TSnapshotBrief;
  dimension: TDimension;
  hrImportId: number | null;
  comparison: TComparison | null;
  buckets: TChargebackBucket[];
  totals: { seats: number; previous: number | null; change: number | null; fromHr: number; unassigned: number };
};

const ZId = z.number().int().min(1);
const ZChargebackInput = z.object({
  snapshotId: ZId.optional(),
  dimension: z.enum(DIMENSIONS),
  compareTo: ZId.optional(),
});
export type TChargebackInput = z.input<typeof ZChargebackInput>;

const ZAccountsInput = ZChargebackInput.extend({
  value: z.string().trim().min(1).max(200).nullable(),
  change: z.enum(['added', 'removed']).optional(),
  page: z.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.number().int().min(1).max(500).default(50),
});
export type TChargebackAccountsInput = z.input<typeof ZAccountsInput>;

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of r.error.issues) (fieldErrors[issue.path.join('.') || '_'] ??= []).push(issue.message);
  throw new AppError('invalid', `Invalid chargeback query (${Object.keys(fieldErrors).join(', ')}).`, fieldErrors);
}

/** Complete snapshots to pick from, newest first. */
export function listChargebackSnapshots(limit = 100): TSnapshotBrief[] {
  return listCompleteSnapshotBriefs(Math.max(1, Math.min(limit, 500)));
}

function resolveSnapshot(id: number | undefined): TSnapshotBrief {
  const snapshot = id === undefined ? (listCompleteSnapshotBriefs(1)[0] ?? null) : getCompleteSnapshotBrief(id);
  if (!snapshot) throw new AppError('not_found', id === undefined ? 'There is no complete snapshot yet.' : `Snapshot #${id} does not exist or is not complete.`);
  return snapshot;
}

/** The comparison snapshot for `snapshot` (see the module comment), or null when it is the oldest. */
export function findComparison(snapshot: TSnapshotBrief, compareTo?: number): { brief: TSnapshotBrief; comparison: TComparison } | null {
  const days = (other: TSnapshotBrief) => daysBetween(other.startedAt, snapshot.startedAt);
  if (compareTo !== undefined) {
    const chosen = getCompleteSnapshotBrief(compareTo);
    if (!chosen || chosen.id >= snapshot.id) throw new AppError('invalid', `Compare with a complete snapshot older than #${snapshot.id}.`, { compareTo: ['an older complete snapshot'] });
    return { brief: chosen, comparison: { snapshotId: chosen.id, startedAt: chosen.startedAt, days: days(chosen), kind: 'chosen' } };
  }
  const monthBefore = new Date(Date.parse(snapshot.startedAt) - MONTH_DAYS * 86_400_000).toISOString();
  const month = getCompleteSnapshotStartedBy(snapshot.id, monthBefore);
  if (month) return { brief: month, comparison: { snapshotId: month.id, startedAt: month.startedAt, days: days(month), kind: 'month' } };
  const oldest = getOldestCompleteSnapshotBefore(snapshot.id);
  if (oldest) return { brief: oldest, comparison: { snapshotId: oldest.id, startedAt: oldest.startedAt, days: days(oldest), kind: 'shorter' } };
  return null;
}

function paramsOf(snapshot: TSnapshotBrief): TChargebackParams & { key: string } {
  const hr = historicalBasis(snapshot).hrImport;
  return { snapshotId: snapshot.id, hrImportId: hr?.id ?? null, key: `${snapshot.id}:${snapshot.digest ?? ''}:${hr?.sha256 ?? ''}` };
}

// Buckets depend only on two snapshots and two rosters, none of which ever change: computed once
// per process (two passes over the seats, about a second each at 100k users).
const bucketHolder = globalThis as unknown as { __attestChargebackBuckets?: Map<string, TBucketRaw[]> };

function bucketsOf(dimension: TDimension, cur: TChargebackParams & { key: string }, prev: (TChargebackParams & { key: string }) | null): TBucketRaw[] {
  const cache = (bucketHolder.__attestChargebackBuckets ??= new Map());
  const key = JSON.stringify([dimension, cur.key, prev?.key ?? null]);
  const cached = cache.get(key);
  if (cached) return cached;
  const rows = queryChargebackBuckets(dimension, cur, prev);
  if (cache.size >= 256) cache.clear();
  cache.set(key, rows);
  return rows;
}

/** Active seats per value of `dimension` in a snapshot (default: the latest complete), with the month-over-month change. */
export function getChargeback(input: TChargebackInput): TChargeback {
  const q = parse(ZChargebackInput, input);
  const snapshot = resolveSnapshot(q.snapshotId);
  const compared = findComparison(snapshot, q.compareTo);
  const cur = paramsOf(snapshot);
  const prev = compared ? paramsOf(compared.brief) : null;
  const rows = bucketsOf(q.dimension, cur, prev);
  const buckets: TChargebackBucket[] = rows
    .filter((r) => r.seats > 0 || (prev && r.previous > 0))
    .map((r) => ({
      value: r.value,
      label: r.value ?? UNASSIGNED_LABEL,
      seats: r.seats,
      fromHr: r.from_hr,
      previous: prev ? r.previous : null,
      change: prev ? r.seats - r.previous : null,
    }));
  const seats = buckets.reduce((n, b) => n + b.seats, 0);
  const previous = prev ? buckets.reduce((n, b) => n + (b.previous ?? 0), 0) : null;
  return {
    snapshot,
    dimension: q.dimension,
    hrImportId: cur.hrImportId,
    comparison: compared?.comparison ?? null,
    buckets,
    totals: {
      seats,
      previous,
      change: previous === null ? null : seats - previous,
      fromHr: buckets.reduce((n, b) => n + b.fromHr, 0),
      unassigned: buckets.find((b) => b.value === null)?.seats ?? 0,
    },
  };
}

export type TChargebackAccount = {
  scimId: string;
  email: string;
  name: string;
  title: string | null;
  value: string | null;
  source: 'directory' | 'hr' | 'none';
  /** For change lists: what happened ("New account", "Moved from Sales", "Deactivated or deleted"…). */
  note: string | null;
};

/**
 * The accounts behind one number of `getChargeback`: the seats of `value` (null = Unassigned), or
 * with `change`, the seats that arrived in it ('added') or left it ('removed') since the comparison.
 */
export function listChargebackAccounts(input: TChargebackAccountsInput): { rows: TChargebackAccount[]; total: number; page: number; pageSize: number; comparison: TComparison | null } {
  const q = parse(ZAccountsInput, input);
  const snapshot = resolveSnapshot(q.snapshotId);
  const compared = findComparison(snapshot, q.compareTo);
  if (q.change && !compared) throw new AppError('invalid', `Snapshot #${snapshot.id} has no older snapshot to compare with.`);
  const cur = paramsOf(snapshot);
  const prev = compared ? paramsOf(compared.brief) : null;
  const { rows, total } = queryChargebackAccounts(q.dimension, q.value, cur, prev, q.change ?? null, q.pageSize, (q.page - 1) * q.pageSize);
  const label = (v: string | null) => v ?? UNASSIGNED_LABEL;
  return {
    rows: rows.map((r) => ({
      scimId: r.scim_id,
      email: r.email,
      name: r.name,
      title: r.title,
      value: r.value,
      source: r.source,
      note: !q.change
        ? null
        : r.other_present
          ? q.change === 'added'
            ? `Moved from ${label(r.other_value)}`
            : `Moved to ${label(r.other_value)}`
          : q.change === 'added'
            ? 'New or reactivated account'
            : 'Deactivated or removed',
    })),
    total,
    page: q.page,
    pageSize: q.pageSize,
    comparison: compared?.comparison ?? null,
  };
}

export const CHARGEBACK_CSV_HEADER = ['dimension', 'value', 'activeSeats', 'fromHrRoster', 'previousSeats', 'change', 'snapshotId', 'snapshotStartedAt', 'comparedSnapshotId', 'comparedStartedAt'] as const;

/** The chargeback of one dimension as CSV (one row per value, Unassigned included). */
export function exportChargebackCsv(input: TChargebackInput): TExportFile {
  const c = getChargeback(input);
  let count = 0;
  const rows = c.buckets.map((b) => [
    DIMENSION_LABEL[c.dimension],
    b.label,
    b.seats,
    b.fromHr,
    b.previous,
    b.change,
    c.snapshot.id,
    c.snapshot.startedAt,
    c.comparison?.snapshotId ?? null,
    c.comparison?.startedAt ?? null,
  ]);
  return {
    fileName: `attest-chargeback-${c.snapshot.id}-${c.dimension}.csv`,
    contentType: CSV_CONTENT_TYPE,
    chunks: csvStream(CHARGEBACK_CSV_HEADER, rows, { onRow: () => void count++ }),
    rows: () => count,
  };
}

export const CHARGEBACK_SEATS_CSV_HEADER = [
  'id',
  'email',
  'name',
  'department',
  'departmentSource',
  'costCenter',
  'costCenterSource',
  'division',
  'divisionSource',
  'organization',
  'snapshotId',
] as const;

/** Every active seat of a snapshot with its resolved department, cost center, division, organization (blank = Unassigned) and sources, streamed. */
export function exportChargebackSeatsCsv(snapshotId: number): TExportFile {
  const snapshot = resolveSnapshot(parse(ZId, snapshotId));
  const params = paramsOf(snapshot);
  let count = 0;
  async function* chunks(): AsyncGenerator<string, void, undefined> {
    const reader = openSnapshotReader();
    try {
      reader.begin();
      const rows = (function* () {
        for (const r of iterateChargebackSeats(reader, params)) yield [...r, snapshot.id];
      })();
      yield* csvStream(CHARGEBACK_SEATS_CSV_HEADER, rows, { onRow: () => void count++ });
    } finally {
      reader.close();
    }
  }
  return { fileName: `attest-chargeback-${snapshot.id}-seats.csv`, contentType: CSV_CONTENT_TYPE, chunks: chunks(), rows: () => count };
}

/** Audit a chargeback download. */
export function recordChargebackExport(actor: TActor, snapshotId: number, file: string): void {
  appendAudit({ actor, action: 'chargeback.exported', target: { type: 'snapshot', id: String(snapshotId) }, details: { file } });
}
