import 'server-only';
import { z } from 'zod';
import type { TActor } from '@/lib/audit';
import { appendAudit } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { CSV_CONTENT_TYPE, csvStream, type TExportFile } from '@/lib/export';
import { basisKey, currentBasis, historicalBasis, ruleParams, type TStaleBasis } from './basis';
import {
  iterateFlagged,
  listCompleteSnapshotBriefs,
  materialiseStaleFlags,
  openSnapshotReader,
  queryMaterialisedCounts,
  queryMaterialisedDepartments,
  queryMaterialisedIds,
  queryMaterialisedPage,
  queryRuleCounts,
  RULE_BITS,
  type TRuleCountsRaw,
  type TSnapshotBrief,
  type TStaleFilter,
  type TStaleRowRaw,
} from './queries';
import { describeFindings, RECLAIM_MASK, ruleKeysOf, STALE_RULE_KEYS, STALE_RULES, type TManagerState, type TStaleRuleKey } from './rules';

/**
 * The stale-accounts dashboard: the rules over the latest complete snapshot with the current
 * imports (basis.ts), counts per rule, the flagged accounts with their findings in words, the
 * trend over past snapshots, and the CSV export. Every list reads the evaluation materialised for
 * its basis (queries.ts), so a page of 50 out of 100k users costs one indexed read once the
 * day's evaluation exists.
 */

/** The `rule` filter also accepts 'reclaim': findings that mean a license is paid for nobody (terminated, inactive, never active). */
export const STALE_RULE_FILTERS = [...STALE_RULE_KEYS, 'reclaim'] as const;
export type TStaleRuleFilter = (typeof STALE_RULE_FILTERS)[number];

export const MAX_STALE_PAGE_SIZE = 200;

export const ZStaleQuery = z.object({
  rule: z.enum(STALE_RULE_FILTERS).optional(),
  /** Resolved department (directory, else HR roster); null = accounts with none ("Unassigned"). */
  department: z.string().trim().min(1).max(200).nullable().optional(),
  q: z
    .string()
    .trim()
    .max(200)
    // SQLite's LIKE reads its pattern as a C string: a NUL would end it early ("a\0b" matching like "%a").
    .refine((s) => !s.includes('\u0000'), 'the search text cannot contain a NUL character')
    .optional()
    .transform((s) => s || undefined),
  page: z.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.number().int().min(1).max(MAX_STALE_PAGE_SIZE).default(50),
});
export type TStaleQuery = z.input<typeof ZStaleQuery>;
type TStaleQueryParsed = z.output<typeof ZStaleQuery>;

export type TStaleBasisView = {
  snapshotId: number;
  snapshotStartedAt: string;
  hrImport: { id: number; fileName: string; uploadedAt: string; rowCount: number } | null;
  activityImport: { id: number; fileName: string; uploadedAt: string; rowCount: number } | null;
  asOfDate: string;
  inactiveDays: number;
  neverActiveGraceDays: number;
  companyDomains: string[];
  companyDomainsSource: 'setting' | 'inferred' | 'none';
};

export type TRuleCount = {
  key: TStaleRuleKey;
  label: string;
  description: string;
  count: number;
  /** False when the rule cannot run (no HR roster, no activity import, no company domain known). */
  available: boolean;
  unavailableReason: string | null;
};

export type TStaleOverview = {
  basis: TStaleBasisView;
  users: number;
  activeSeats: number;
  /** Accounts with at least one finding. */
  flagged: number;
  /** Active seats flagged terminated, inactive or never active: licenses to reclaim. */
  reclaimable: number;
  rules: TRuleCount[];
  /** Departments of the flagged accounts (null = none known), for the filter. */
  departments: Array<{ department: string | null; count: number }>;
};

export type TStaleAccount = {
  scimId: string;
  email: string;
  userName: string;
  name: string;
  title: string | null;
  active: boolean;
  department: string | null;
  departmentSource: 'directory' | 'hr' | null;
  rules: TStaleRuleKey[];
  /** One sentence per finding, in rule order. */
  reasons: string[];
  hrStatus: string | null;
  terminationDate: string | null;
  lastActiveAt: string | null;
  groupCount: number | null;
  managerEmail: string | null;
};

export type TStaleTrendPoint = {
  snapshotId: number;
  startedAt: string;
  asOfDate: string;
  activeSeats: number;
  flagged: number;
  reclaimable: number;
  counts: Record<TStaleRuleKey, number>;
};

function parseQuery(query: TStaleQuery): TStaleQueryParsed {
  const q = ZStaleQuery.safeParse(query);
  if (q.success) return q.data;
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of q.error.issues) (fieldErrors[issue.path.join('.') || '_'] ??= []).push(issue.message);
  throw new AppError('invalid', `Invalid stale-accounts query (${Object.keys(fieldErrors).join(', ')}).`, fieldErrors);
}

function filterOf(q: TStaleQueryParsed): TStaleFilter {
  const mask = q.rule === undefined ? 0 : q.rule === 'reclaim' ? RECLAIM_MASK : RULE_BITS[q.rule];
  return { mask, department: q.department, q: q.q };
}

function latestSnapshot(): TSnapshotBrief | null {
  return listCompleteSnapshotBriefs(1)[0] ?? null;
}

/** Evaluate the current snapshot (materialised once per basis); null when there is no complete snapshot. */
function evaluateCurrent(): TStaleBasis | null {
  const snapshot = latestSnapshot();
  if (!snapshot) return null;
  const basis = currentBasis(snapshot);
  materialiseStaleFlags(ruleParams(basis), basisKey(basis));
  return basis;
}

function basisView(b: TStaleBasis): TStaleBasisView {
  const brief = (i: TStaleBasis['hrImport']) => (i ? { id: i.id, fileName: i.fileName, uploadedAt: i.uploadedAt, rowCount: i.rowCount } : null);
  return {
    snapshotId: b.snapshot.id,
    snapshotStartedAt: b.snapshot.startedAt,
    hrImport: brief(b.hrImport),
    activityImport: brief(b.activityImport),
    asOfDate: b.asOfDate,
    inactiveDays: b.thresholds.inactiveDays,
    neverActiveGraceDays: b.thresholds.neverActiveGraceDays,
    companyDomains: b.domains.domains,
    companyDomainsSource: b.domains.source,
  };
}

function unavailableReason(need: (typeof STALE_RULES)[number]['needs'], b: TStaleBasis): string | null {
  if (need === 'hr' && !b.hrImport) return 'Import an HR roster to evaluate this rule.';
  if (need === 'activity' && !b.activityImport) return 'Import last-activity data to evaluate this rule.';
  if (need === 'domains' && b.domains.domains.length === 0) return 'Set the company domains (Settings → Directory).';
  return null;
}

function ruleCounts(counts: TRuleCountsRaw, b: TStaleBasis): TRuleCount[] {
  return STALE_RULES.map((r) => {
    const reason = unavailableReason(r.needs, b);
    return { key: r.key, label: r.label, description: r.description, count: counts.byBit[r.bit] ?? 0, available: reason === null, unavailableReason: reason };
  });
}

/** Counts per rule over the current snapshot, what they are based on, and the departments to filter by; null without a complete snapshot. */
export function getStaleOverview(): TStaleOverview | null {
  const basis = evaluateCurrent();
  if (!basis) return null;
  const counts = queryMaterialisedCounts();
  return {
    basis: basisView(basis),
    users: counts.users,
    activeSeats: counts.activeSeats,
    flagged: counts.flagged,
    reclaimable: counts.reclaimable,
    rules: ruleCounts(counts, basis),
    departments: queryMaterialisedDepartments().map((d) => ({ department: d.department, count: d.n })),
  };
}

function managerState(v: number | null): TManagerState | null {
  if (v === null) return null;
  return v === 1 ? 'active' : v === 0 ? 'inactive' : 'missing';
}

export function toStaleAccount(r: TStaleRowRaw, asOfDate: string): TStaleAccount {
  const duplicateEmails = r.duplicate_emails ? r.duplicate_emails.split(',').sort() : [];
  return {
    scimId: r.scim_id,
    email: r.email,
    userName: r.user_name,
    name: r.name,
    title: r.title,
    active: r.active === 1,
    department: r.department,
    departmentSource: r.department_source,
    rules: ruleKeysOf(r.rules),
    reasons: describeFindings({
      rules: r.rules,
      email: r.email,
      asOfDate,
      hrStatus: r.hr_status,
      terminationDate: r.termination_date,
      lastActiveAt: r.last_active_at,
      createdDate: r.created_date,
      createdSource: r.created_source,
      groupCount: r.group_count,
      managerEmail: r.manager_email,
      managerState: managerState(r.manager_active),
      managerTerminated: r.manager_terminated === 1,
      duplicateEmails,
      name: r.name,
    }),
    hrStatus: r.hr_status,
    terminationDate: r.termination_date,
    lastActiveAt: r.last_active_at,
    groupCount: r.group_count,
    managerEmail: r.manager_email,
  };
}

export type TStalePage = { rows: TStaleAccount[]; total: number; page: number; pageSize: number; basis: TStaleBasisView | null };

/** Flagged accounts of the current snapshot matching the filter, by name, with their findings in words. */
export function listStaleAccounts(query: TStaleQuery): TStalePage {
  const q = parseQuery(query);
  const basis = evaluateCurrent();
  if (!basis) return { rows: [], total: 0, page: q.page, pageSize: q.pageSize, basis: null };
  const { rows, total } = queryMaterialisedPage(filterOf(q), q.pageSize, (q.page - 1) * q.pageSize);
  return { rows: rows.map((r) => toStaleAccount(r, basis.asOfDate)), total, page: q.page, pageSize: q.pageSize, basis: basisView(basis) };
}

/** SCIM ids of the flagged accounts matching the filter (at most `limit`, by name): what "start a campaign for these" selects. */
export function listStaleAccountIds(query: Omit<TStaleQuery, 'page' | 'pageSize'>, limit = 10_000): { snapshotId: number | null; ids: string[] } {
  const q = parseQuery({ ...query, page: 1, pageSize: 1 });
  const basis = evaluateCurrent();
  if (!basis) return { snapshotId: null, ids: [] };
  return { snapshotId: basis.snapshot.id, ids: queryMaterialisedIds(filterOf(q), Math.max(1, Math.min(limit, 100_000))) };
}

// Trend points of past snapshots never change for a given basis key: keep them (small) per process.
const trendHolder = globalThis as unknown as { __attestStaleTrend?: Map<string, TRuleCountsRaw> };
const TREND_CACHE_LIMIT = 256;

function countsByKey(counts: TRuleCountsRaw): Record<TStaleRuleKey, number> {
  return Object.fromEntries(STALE_RULES.map((r) => [r.key, counts.byBit[r.bit] ?? 0])) as Record<TStaleRuleKey, number>;
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Active seats and findings across the last `points` complete snapshots, oldest first. Each past
 * snapshot is evaluated as it stood while current (basis.ts); the newest point is the dashboard's.
 * A past point costs one evaluation (about a second at 100k users) the first time and nothing
 * after (cached per process: it can never change); between evaluations the event loop is let go,
 * so a first load of a long trend does not hold up other requests.
 */
export async function getStaleTrend(points = 12): Promise<TStaleTrendPoint[]> {
  const n = Math.max(1, Math.min(Math.trunc(points) || 12, 60));
  const snapshots = listCompleteSnapshotBriefs(n).reverse();
  const cache = (trendHolder.__attestStaleTrend ??= new Map());
  const latest = snapshots[snapshots.length - 1];
  const out: TStaleTrendPoint[] = [];
  for (const snapshot of snapshots) {
    let counts: TRuleCountsRaw;
    let asOfDate: string;
    if (snapshot === latest) {
      const basis = evaluateCurrent() as TStaleBasis;
      counts = queryMaterialisedCounts();
      asOfDate = basis.asOfDate;
    } else {
      const basis = historicalBasis(snapshot);
      const key = basisKey(basis);
      const cached = cache.get(key);
      if (cached) counts = cached;
      else {
        await yieldToLoop();
        counts = queryRuleCounts(ruleParams(basis));
        if (cache.size >= TREND_CACHE_LIMIT) cache.clear();
        cache.set(key, counts);
      }
      asOfDate = basis.asOfDate;
    }
    out.push({
      snapshotId: snapshot.id,
      startedAt: snapshot.startedAt,
      asOfDate,
      activeSeats: counts.activeSeats,
      flagged: counts.flagged,
      reclaimable: counts.reclaimable,
      counts: countsByKey(counts),
    });
  }
  return out;
}

export const STALE_CSV_HEADER = [
  'id',
  'email',
  'name',
  'active',
  'department',
  'departmentSource',
  'rules',
  'findings',
  'hrStatus',
  'terminationDate',
  'lastActiveAt',
  'groupCount',
  'managerEmail',
  'snapshotId',
  'asOfDate',
] as const;

/**
 * The flagged accounts matching the filter as CSV (every match, not a page), streamed through a
 * read-only connection: one evaluation of the rules, rows worded as they stream. The export
 * states its basis in the last two columns.
 */
export function exportStaleAccountsCsv(query: Omit<TStaleQuery, 'page' | 'pageSize'>): TExportFile {
  const q = parseQuery({ ...query, page: 1, pageSize: 1 });
  const snapshot = latestSnapshot();
  if (!snapshot) throw new AppError('not_found', 'There is no complete snapshot to evaluate yet.');
  const basis = currentBasis(snapshot);
  const params = ruleParams(basis);
  const filter = filterOf(q);
  let count = 0;
  async function* chunks(): AsyncGenerator<string, void, undefined> {
    const reader = openSnapshotReader();
    try {
      reader.begin();
      const rows = (function* () {
        for (const raw of iterateFlagged(reader, params, filter)) {
          const a = toStaleAccount(raw, basis.asOfDate);
          yield [
            a.scimId,
            a.email,
            a.name,
            a.active ? 'true' : 'false',
            a.department,
            a.departmentSource,
            a.rules.join(' '),
            a.reasons.join('; '),
            a.hrStatus,
            a.terminationDate,
            a.lastActiveAt,
            a.groupCount,
            a.managerEmail,
            basis.snapshot.id,
            basis.asOfDate,
          ];
        }
      })();
      yield* csvStream(STALE_CSV_HEADER, rows, { onRow: () => void count++ });
    } finally {
      reader.close();
    }
  }
  const suffix = q.rule ? `-${q.rule.replace(/_/g, '-')}` : '';
  return { fileName: `attest-stale-accounts-${snapshot.id}-${basis.asOfDate}${suffix}.csv`, contentType: CSV_CONTENT_TYPE, chunks: chunks(), rows: () => count };
}

/** Audit a stale-accounts download (who, which filter, which basis). */
export function recordStaleExport(actor: TActor, query: Omit<TStaleQuery, 'page' | 'pageSize'>): void {
  const q = parseQuery({ ...query, page: 1, pageSize: 1 });
  const snapshot = latestSnapshot();
  appendAudit({
    actor,
    action: 'stale.exported',
    target: { type: 'snapshot', id: String(snapshot?.id ?? '') },
    details: { rule: q.rule ?? null, department: q.department === undefined ? null : q.department ?? '(unassigned)', q: q.q ?? null },
  });
}
