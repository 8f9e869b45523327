import 'server-only';
import { z } from 'zod';
import { getDb, type TExecutor } from '@/db/client';
import { appendAudit, type TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { getLatestCompleteSnapshotRow, queryMostCommonEmailDomain } from '@/lib/snapshot/queries';
import { ZCompanyDomains } from './domains';
import { deleteSettingRow, getSettingRow, upsertSettingRow, type TSettingRow } from './queries';

export { emailDomain, isExternalEmail, ZCompanyDomains, ZDomain } from './domains';
export type { TSettingRow } from './queries';

/**
 * Settings that are not secrets (the SCIM token lives in lib/connection), one JSON value per key
 * in `app_settings`, each key with its zod schema: a value is validated when written and again
 * when read (a row edited by hand falls back to the default instead of breaking pages).
 */

export const DEFAULT_SNAPSHOT_RETENTION = 12;

export const ZSnapshotRetention = z.coerce.number().int('a whole number').min(1, 'keep at least 1 snapshot').max(1000, 'at most 1000');

/** Stale-account thresholds (docs/decisions/009-stale-accounts.md). */
export const DEFAULT_STALE_INACTIVE_DAYS = 90;
export const DEFAULT_STALE_NEVER_ACTIVE_GRACE_DAYS = 30;

export const ZStaleInactiveDays = z.coerce.number().int('a whole number of days').min(7, 'at least 7 days').max(3650, 'at most 3650 days');
export const ZStaleNeverActiveGraceDays = z.coerce.number().int('a whole number of days').min(0, 'at least 0 days').max(3650, 'at most 3650 days');

export const SETTING_SCHEMAS = {
  'company.domains': ZCompanyDomains,
  'snapshot.retention': ZSnapshotRetention,
  'stale.inactiveDays': ZStaleInactiveDays,
  'stale.neverActiveGraceDays': ZStaleNeverActiveGraceDays,
} as const;

export type TSettingKey = keyof typeof SETTING_SCHEMAS;
export type TSettingValue<K extends TSettingKey> = z.output<(typeof SETTING_SCHEMAS)[K]>;
export type TSettingInput<K extends TSettingKey> = z.input<(typeof SETTING_SCHEMAS)[K]>;

function invalid(key: string, error: z.ZodError): AppError {
  const messages = error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
  return new AppError('invalid', `Invalid value for ${key}: ${messages.join('; ')}.`, { [key]: messages });
}

/**
 * A stored setting read through its schema, with its row (who changed it, when); null when unset
 * or stored invalid (logged: a row edited by hand falls back to the default instead of breaking
 * pages). For settings other modules own (e.g. lib/notifications) under their own keys.
 */
export function readStoredSetting<S extends z.ZodType>(key: string, schema: S): { value: z.output<S>; row: TSettingRow } | null {
  const row = getSettingRow(key);
  if (!row) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.valueJson);
  } catch {
    log.warn({ key }, 'setting is not JSON; using the default');
    return null;
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    log.warn({ key }, 'setting fails its schema; using the default');
    return null;
  }
  return { value: result.data, row };
}

/** Write a setting's value inside the caller's transaction (the caller validated and audits it). */
export function storeSettingValue(tx: TExecutor, key: string, value: unknown, actor: TActor): void {
  upsertSettingRow(tx, { key, valueJson: JSON.stringify(value), updatedBy: actor.email, updatedAt: new Date().toISOString() });
}

/** The stored value of a setting, or null when unset (or stored invalid, which is logged). */
export function getSetting<K extends TSettingKey>(key: K): TSettingValue<K> | null {
  return (readStoredSetting(key, SETTING_SCHEMAS[key])?.value as TSettingValue<K> | undefined) ?? null;
}

/** Validate and store a setting; audited as `settings.updated` with the value before and after. */
export function setSetting<K extends TSettingKey>(actor: TActor, key: K, value: TSettingInput<K>): TSettingValue<K> {
  const result = SETTING_SCHEMAS[key].safeParse(value);
  if (!result.success) throw invalid(key, result.error);
  const next = result.data as TSettingValue<K>;
  getDb().transaction(
    (tx) => {
      const before = getSettingRow(key, tx);
      storeSettingValue(tx, key, next, actor);
      appendAudit(
        {
          actor,
          action: 'settings.updated',
          target: { type: 'setting', id: key },
          details: { before: before ? (JSON.parse(before.valueJson) as unknown) : null, after: next },
        },
        tx,
      );
    },
    { behavior: 'immediate' },
  );
  return next;
}

/** Remove a setting (back to its default); audited. False when it was not set. */
export function clearSetting(actor: TActor, key: TSettingKey): boolean {
  return getDb().transaction(
    (tx) => {
      const before = getSettingRow(key, tx);
      if (!before || !deleteSettingRow(tx, key)) return false;
      appendAudit({ actor, action: 'settings.cleared', target: { type: 'setting', id: key }, details: { before: JSON.parse(before.valueJson) as unknown } }, tx);
      return true;
    },
    { behavior: 'immediate' },
  );
}

export type TCompanyDomainsInfo = {
  domains: string[];
  /** 'setting': configured; 'inferred': most common email domain of the current snapshot; 'none': neither. */
  source: 'setting' | 'inferred' | 'none';
};

// A complete snapshot never changes, so its inferred domain is computed once per process.
const inferredBySnapshot = new Map<number, string | null>();

/** Company domains and where they come from (for the settings page). */
export function getCompanyDomainsInfo(): TCompanyDomainsInfo {
  const configured = getSetting('company.domains');
  if (configured && configured.length > 0) return { domains: configured, source: 'setting' };
  const current = getLatestCompleteSnapshotRow();
  if (!current) return { domains: [], source: 'none' };
  let inferred = inferredBySnapshot.get(current.id);
  if (inferred === undefined) {
    inferred = queryMostCommonEmailDomain(current.id);
    inferredBySnapshot.set(current.id, inferred);
  }
  return inferred ? { domains: [inferred], source: 'inferred' } : { domains: [], source: 'none' };
}

/**
 * The company's email domains: the `company.domains` setting, or when unset the most common
 * email domain of the current snapshot. A user whose email domain is not one of these (or a
 * subdomain of one) is external.
 */
export function getCompanyDomains(): string[] {
  return getCompanyDomainsInfo().domains;
}

/** Set the company domains (validated: domain names, deduplicated, 1..50); audited. */
export function setCompanyDomains(actor: TActor, domains: readonly string[]): string[] {
  return setSetting(actor, 'company.domains', [...domains]);
}

/** How many complete snapshots retention keeps (default 12). */
export function getSnapshotRetention(): number {
  return getSetting('snapshot.retention') ?? DEFAULT_SNAPSHOT_RETENTION;
}

/** Set how many complete snapshots to keep (1..1000); audited. */
export function setSnapshotRetention(actor: TActor, keepLast: number): number {
  return setSetting(actor, 'snapshot.retention', keepLast);
}

export type TStaleThresholds = {
  /** An active account with no activity for this many days is stale (default 90). */
  inactiveDays: number;
  /** An account never active is flagged once it is this many days old (default 30). */
  neverActiveGraceDays: number;
};

/** The stale-account thresholds, defaults filled in. */
export function getStaleThresholds(): TStaleThresholds {
  return {
    inactiveDays: getSetting('stale.inactiveDays') ?? DEFAULT_STALE_INACTIVE_DAYS,
    neverActiveGraceDays: getSetting('stale.neverActiveGraceDays') ?? DEFAULT_STALE_NEVER_ACTIVE_GRACE_DAYS,
  };
}

/**
 * Set both stale-account thresholds; both are validated before either is written, and each
 * change is audited (`settings.updated`). A value equal to the stored one is not rewritten.
 */
export function setStaleThresholds(actor: TActor, input: { inactiveDays: unknown; neverActiveGraceDays: unknown }): TStaleThresholds {
  const inactive = ZStaleInactiveDays.safeParse(input.inactiveDays);
  const grace = ZStaleNeverActiveGraceDays.safeParse(input.neverActiveGraceDays);
  const fieldErrors: Record<string, string[]> = {};
  if (!inactive.success) fieldErrors.inactiveDays = inactive.error.issues.map((i) => i.message);
  if (!grace.success) fieldErrors.neverActiveGraceDays = grace.error.issues.map((i) => i.message);
  if (!inactive.success || !grace.success) {
    const summary = Object.entries(fieldErrors).map(([k, v]) => `${k}: ${v.join(', ')}`).join('; ');
    throw new AppError('invalid', `Invalid stale-account thresholds (${summary}).`, fieldErrors);
  }
  if (getSetting('stale.inactiveDays') !== inactive.data) setSetting(actor, 'stale.inactiveDays', inactive.data);
  if (getSetting('stale.neverActiveGraceDays') !== grace.data) setSetting(actor, 'stale.neverActiveGraceDays', grace.data);
  return getStaleThresholds();
}
