import 'server-only';
import type { TImportKind } from '@/db/schema';
import { getCurrentImports, getImportCurrentAt, type TImportView } from '@/lib/imports';
import { getCompanyDomainsInfo, getStaleThresholds, type TCompanyDomainsInfo, type TStaleThresholds } from '@/lib/settings';
import { getNextCompleteSnapshotBrief, type TRuleParams, type TSnapshotBrief } from './queries';
import { minusDays } from './rules';

/**
 * What an evaluation of the rules is based on, stated so a page can show it and an auditor can
 * reproduce it: the snapshot, the HR roster and activity import, the day, the thresholds and the
 * company domains.
 *
 * - The current snapshot is evaluated with the current imports, as of today.
 * - A past snapshot (a trend point) is evaluated as the dashboard would have shown it at the end
 *   of its time as the current snapshot: with the imports that were current just before the next
 *   snapshot started, as of that day. Imports are kept forever, so this is reproducible.
 * - A campaign launch evaluates its own snapshot with the current imports, as of today: the
 *   signals describe the people now.
 * Thresholds and company domains are today's settings in every case (their history is in the audit log).
 */

export type TStaleBasis = {
  snapshot: TSnapshotBrief;
  hrImport: TImportView | null;
  activityImport: TImportView | null;
  asOfDate: string;
  thresholds: TStaleThresholds;
  domains: TCompanyDomainsInfo;
};

export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Basis with the current imports as of today (the dashboard's current snapshot, a campaign launch). */
export function currentBasis(snapshot: TSnapshotBrief, now: Date = new Date()): TStaleBasis {
  const imports = getCurrentImports();
  return { snapshot, hrImport: imports.hr, activityImport: imports.activity, asOfDate: todayUtc(now), thresholds: getStaleThresholds(), domains: getCompanyDomainsInfo() };
}

/** Basis of a snapshot as it was while current (see the module comment); the current basis for the newest one. */
export function historicalBasis(snapshot: TSnapshotBrief, now: Date = new Date()): TStaleBasis {
  const next = getNextCompleteSnapshotBrief(snapshot.id);
  if (!next) return currentBasis(snapshot, now);
  const at = (kind: TImportKind) => getImportCurrentAt(kind, next.startedAt);
  return { snapshot, hrImport: at('hr'), activityImport: at('activity'), asOfDate: next.startedAt.slice(0, 10), thresholds: getStaleThresholds(), domains: getCompanyDomainsInfo() };
}

export function ruleParams(b: TStaleBasis): TRuleParams {
  return {
    snapshotId: b.snapshot.id,
    hrImportId: b.hrImport?.id ?? null,
    activityImportId: b.activityImport?.id ?? null,
    asOfDate: b.asOfDate,
    inactiveCutoff: minusDays(b.asOfDate, b.thresholds.inactiveDays),
    graceCutoff: minusDays(b.asOfDate, b.thresholds.neverActiveGraceDays),
    companyDomains: b.domains.domains,
  };
}

/**
 * Everything the result depends on; equal keys give identical results (snapshots and imports
 * never change). Contents are named by digest too, so a restored or another database can never
 * be mistaken for this one by a per-process cache.
 */
export function basisKey(b: TStaleBasis): string {
  const ref = (i: TImportView | null) => (i ? `${i.id}:${i.sha256}` : null);
  return JSON.stringify([b.snapshot.id, b.snapshot.digest, ref(b.hrImport), ref(b.activityImport), b.asOfDate, b.thresholds, b.domains.domains]);
}
