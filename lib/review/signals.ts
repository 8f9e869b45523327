import { isExternalEmail } from '@/lib/settings/domains';

/**
 * Risk signals of a review item, stored as a bit set in `review_items.signals` so the grid can
 * filter with integer arithmetic (`signals & bit`) and one column holds them all. Pure module
 * (no database): the grid's badges import `SIGNALS` on the client too.
 *
 * Bits are part of the stored data: never renumber one, only append. Bits marked `reserved` are
 * not computed here; other features (stale accounts, HR roster) contribute them at launch through
 * `registerSignalSource`.
 */

export type TSignal = {
  bit: number;
  key: string;
  label: string;
  description: string;
  /** Computed by another feature through `registerSignalSource`, not by lib/review itself. */
  reserved: boolean;
};

export const SIGNALS = [
  {
    bit: 1 << 0,
    key: 'external_domain',
    label: 'External domain',
    description: 'The email domain is not one of the company domains (Settings → company domains).',
    reserved: false,
  },
  { bit: 1 << 1, key: 'no_groups', label: 'No groups', description: 'The user is in no group of the snapshot.', reserved: false },
  { bit: 1 << 2, key: 'inactive', label: 'Deactivated', description: 'The Airtable account is deactivated in the snapshot.', reserved: false },
  {
    bit: 1 << 3,
    key: 'joined_since_last',
    label: 'New since last review',
    description: "The user was not in the previous campaign's snapshot.",
    reserved: false,
  },
  {
    bit: 1 << 4,
    key: 'changed_since_last',
    label: 'Changed since last review',
    description: "Department, title, manager, cost center or division differ from the previous campaign's snapshot.",
    reserved: false,
  },
  {
    bit: 1 << 5,
    key: 'previously_revoked',
    label: 'Previously revoked',
    description: 'A reviewer revoked this same access in the previous closed campaign, yet it is still present.',
    reserved: false,
  },
  {
    bit: 1 << 6,
    key: 'manager_inactive',
    label: 'Manager inactive or missing',
    description: 'The manager named in the enterprise extension is deactivated or not in the directory.',
    reserved: false,
  },
  { bit: 1 << 7, key: 'stale', label: 'Stale', description: 'No recent activity (stale-accounts feature).', reserved: true },
  { bit: 1 << 8, key: 'never_active', label: 'Never active', description: 'The user never used Airtable (stale-accounts feature).', reserved: true },
  {
    bit: 1 << 9,
    key: 'terminated_hr',
    label: 'Terminated in HR',
    description: 'The HR roster lists the person as terminated (stale-accounts feature).',
    reserved: true,
  },
  {
    bit: 1 << 10,
    key: 'carried_over',
    label: 'Carried over',
    description: 'Certified in the previous closed campaign and unchanged since: same access, same attributes, nothing flagged.',
    reserved: false,
  },
] as const satisfies readonly TSignal[];

export type TSignalKey = (typeof SIGNALS)[number]['key'];
export const SIGNAL_KEYS = SIGNALS.map((s) => s.key) as [TSignalKey, ...TSignalKey[]];

export const SIGNAL_BIT = Object.fromEntries(SIGNALS.map((s) => [s.key, s.bit])) as Record<TSignalKey, number>;

/** The bits other features may set through `registerSignalSource`. */
export const RESERVED_SIGNAL_MASK = SIGNALS.reduce((mask, s) => (s.reserved ? mask | s.bit : mask), 0);

/** True when `bits` carries the signal. */
export function hasSignal(bits: number, key: TSignalKey): boolean {
  return (bits & SIGNAL_BIT[key]) !== 0;
}

/** The keys set in a bit set, in `SIGNALS` order (unknown bits are ignored). */
export function signalKeys(bits: number): TSignalKey[] {
  return SIGNALS.filter((s) => (bits & s.bit) !== 0).map((s) => s.key);
}

/** A change of a reviewed attribute between the previous campaign's snapshot and this one. */
export type TAttributeChange = {
  field: 'department' | 'title' | 'manager' | 'costCenter' | 'division';
  before: string | null;
  after: string | null;
};

/**
 * 'none': no manager in the enterprise extension (the CEO); 'missing': a manager email that no
 * user of the snapshot has; 'inactive': that user is deactivated.
 */
export type TManagerState = 'none' | 'active' | 'inactive' | 'missing';

/** What the signals of one user are computed from (one row of the snapshot, plus context). */
export type TUserFacts = {
  email: string;
  active: boolean;
  /** Memberships of the user in the whole snapshot (not only the campaign's scope). */
  groupCount: number;
  manager: TManagerState;
  /** null: there is no previous launched campaign to compare with. */
  previous: null | { present: false } | { present: true; changes: readonly TAttributeChange[] };
};

/**
 * The user-level signals (every item of the user carries them). Not included: the per-access
 * `previously_revoked` (set per item at launch) and the reserved bits of other features.
 */
export function computeUserSignals(facts: TUserFacts, companyDomains: readonly string[]): number {
  let bits = 0;
  if (isExternalEmail(facts.email, companyDomains)) bits |= SIGNAL_BIT.external_domain;
  if (facts.groupCount === 0) bits |= SIGNAL_BIT.no_groups;
  if (!facts.active) bits |= SIGNAL_BIT.inactive;
  if (facts.previous && !facts.previous.present) bits |= SIGNAL_BIT.joined_since_last;
  if (facts.previous?.present && facts.previous.changes.length > 0) bits |= SIGNAL_BIT.changed_since_last;
  // No manager at all (top of the hierarchy) is not a risk; a dangling or departed one is.
  if (facts.manager === 'inactive' || facts.manager === 'missing') bits |= SIGNAL_BIT.manager_inactive;
  return bits;
}

type TNullable = string | null | undefined;

const norm = (v: TNullable): string | null => {
  const t = v?.trim();
  return t ? t : null;
};

/** The reviewed attributes that differ between two versions of a user (manager compared case-insensitively). */
export function diffAttributes(
  before: Record<'department' | 'title' | 'manager' | 'costCenter' | 'division', TNullable>,
  after: Record<'department' | 'title' | 'manager' | 'costCenter' | 'division', TNullable>,
): TAttributeChange[] {
  const changes: TAttributeChange[] = [];
  for (const field of ['department', 'title', 'manager', 'costCenter', 'division'] as const) {
    const b = norm(before[field]);
    const a = norm(after[field]);
    const same = field === 'manager' ? b?.toLowerCase() === a?.toLowerCase() : b === a;
    if (!same) changes.push({ field, before: b, after: a });
  }
  return changes;
}

// ─── Contributions from other features ──────────────────────────────────────────────────────

/** The user as a signal source sees it (one row of the campaign's snapshot). */
export type TSignalSubject = {
  scimId: string;
  email: string;
  userName: string;
  active: boolean;
  department: string | null;
  costCenter: string | null;
  division: string | null;
  title: string | null;
  managerEmail: string | null;
};

export type TSignalSourceContext = { campaignId: number; snapshotId: number };

/**
 * A contributor of reserved bits. Called once per launch (and preview) with the context; it may
 * load what it needs then, and returns the per-user function. Both run inside the launch's
 * synchronous transaction: no I/O other than synchronous SQLite reads, no promises.
 */
export type TSignalSource = (ctx: TSignalSourceContext) => (user: TSignalSubject) => number;

// Survive Next's dev-mode module reloads, like the database handle.
const holder = globalThis as unknown as { __attestReviewSignalSources?: Set<TSignalSource> };

function sources(): Set<TSignalSource> {
  holder.__attestReviewSignalSources ??= new Set();
  return holder.__attestReviewSignalSources;
}

/**
 * Let another feature (stale accounts, HR roster) add reserved signal bits to items at launch.
 * Only bits marked `reserved` in `SIGNALS` are kept. Returns a function that unregisters it.
 */
export function registerSignalSource(source: TSignalSource): () => void {
  sources().add(source);
  return () => {
    sources().delete(source);
  };
}

/**
 * Prepare the built-in sources (passed by the launch itself, so they never depend on a module
 * having been imported for its side effect) and every registered one for one launch; the result
 * ORs their reserved bits for a user (null: no source at all).
 */
export function prepareSignalSources(ctx: TSignalSourceContext, builtIn: readonly TSignalSource[] = []): ((user: TSignalSubject) => number) | null {
  const prepared = [...new Set([...builtIn, ...sources()])].map((source) => source(ctx));
  if (prepared.length === 0) return null;
  return (user) => {
    let bits = 0;
    for (const fn of prepared) bits |= fn(user);
    return bits & RESERVED_SIGNAL_MASK;
  };
}
