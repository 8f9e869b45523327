import { z } from 'zod';
import { DECISIONS, ITEM_KINDS, RECOMMENDATIONS, REVIEWER_RULES, STAGE_ADVANCE_RULES, UNDECIDED_ACTIONS } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { SIGNAL_KEYS } from './signals';

/**
 * Input schemas of lib/review: the server actions parse with these, and every lib/review function
 * parses again (a direct caller gets the same rules). Pure module, safe to import on the client
 * for form hints. Forms send strings: '' means "not given", checkboxes arrive as 'on'.
 */

export const MAX_COMMENT_LENGTH = 2_000;
export const MAX_PAGE_SIZE = 500;
/** Most ids one bulk request may name (the "all matching" form has no such limit). */
export const MAX_BULK_IDS = 10_000;

export const DEFAULT_ATTESTATION_STATEMENT =
  'I attest that I reviewed every access assigned to me in this campaign: each access I certified is needed ' +
  "for the person's current role, and each access I revoked should be removed.";

// No z.preprocess below: its input type is `unknown`, and callers (pages, actions) deserve
// precise input types. Unions with the string forms do the coercion instead.

/** A boolean from JSON or a form ('on' / 'true' / 'false' / '1' / '0' / ''). */
const ZFlag = z
  .union([z.boolean(), z.enum(['on', 'true', 'false', '1', '0', ''])])
  .transform((v) => (typeof v === 'boolean' ? v : v === 'on' || v === 'true' || v === '1'));

/** Emails are compared lowercased everywhere (reviewers are matched to directory users by email). */
export const ZEmail = z.string().trim().toLowerCase().pipe(z.email('enter a valid email address'));
/** An optional email; an empty form field means "not given". */
const ZOptionalEmail = z
  .string()
  .trim()
  .toLowerCase()
  .optional()
  .transform((v) => v || undefined)
  .pipe(z.email('enter a valid email address').optional());

/** An optional text filter; blank means "not given". */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => v || undefined);

/**
 * Optional search text for a SQL LIKE. SQLite's LIKE reads its pattern as a C string, so a NUL
 * ends it early ("a\0b" would match like "%a"): refused rather than silently widened.
 */
const optionalSearch = (max: number) =>
  optionalText(max).refine((v) => v === undefined || !v.includes('\u0000'), 'the search text cannot contain a NUL character');

/** An optional choice; '' (an empty select) means "not given". */
const optionalChoice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.literal(''), z.enum(values)])
    .optional()
    .transform((v) => v || undefined);

/** A choice with a default when absent or ''. */
const choiceOr = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z
    .union([z.literal(''), z.enum(values)])
    .optional()
    .transform((v): T[number] => v || fallback);

/** A whole number from JSON or a form / URL string. */
const wholeNumber = (min: number, max: number, message?: string) =>
  z
    .union([z.number(), z.string().trim()])
    .transform(Number)
    .pipe(z.number({ error: message ?? 'a whole number' }).int(message ?? 'a whole number').min(min, message).max(max));

/** Same, where absent or '' means `fallback`. */
const wholeNumberOr = (fallback: number, min: number, max: number) =>
  z
    .union([z.number(), z.string().trim()])
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : Number(v)))
    .pipe(z.number({ error: 'a whole number' }).int('a whole number').min(min).max(max));

/** A list from JSON, or from a form where one value arrives as a plain string. */
const listOf = <T extends z.ZodType<string, string>>(item: T, max: number) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (typeof v === 'string' ? [v] : v))
    .pipe(z.array(item).max(max));

const ZId = wholeNumber(1, Number.MAX_SAFE_INTEGER, 'not a valid id');
const ZText200 = z.string().trim().min(1).max(200);

/**
 * A due date: `YYYY-MM-DD` (meaning the end of that day, UTC) or a full ISO-8601 timestamp,
 * normalised to an ISO string, and strictly in the future.
 */
export const ZDueAt = z
  .string({ error: 'enter a due date' })
  .trim()
  .transform((value, ctx) => {
    const iso = normalizeDueAt(value);
    if (!iso) {
      ctx.issues.push({ code: 'custom', message: 'enter a date as YYYY-MM-DD', input: value });
      return z.NEVER;
    }
    if (Date.parse(iso) <= Date.now()) {
      ctx.issues.push({ code: 'custom', message: 'the due date must be in the future', input: value });
      return z.NEVER;
    }
    return iso;
  });

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** `YYYY-MM-DD` → end of that day UTC; an ISO timestamp → its UTC ISO form; anything else → null. */
export function normalizeDueAt(value: string): string | null {
  if (DATE_ONLY.test(value)) {
    const ms = Date.parse(`${value}T23:59:59.999Z`);
    // Date.parse accepts 2026-02-31 by rolling over: compare the round trip.
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) return null;
    return new Date(ms).toISOString();
  }
  if (DATE_TIME.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : new Date(ms).toISOString();
  }
  return null;
}

export const SCOPE_KINDS = ['all', 'groups', 'attributes', 'users'] as const;
export type TScopeKind = (typeof SCOPE_KINDS)[number];

const ZNameList = listOf(z.string().trim().min(1).max(200), 1_000).optional();
const ZGroupIdList = listOf(z.string().trim().min(1).max(200), 5_000).optional();
/** At most this many named users in a `users` scope (e.g. the flagged accounts of the stale-accounts dashboard). */
export const MAX_SCOPE_USERS = 10_000;
const ZUserIdList = listOf(z.string().trim().min(1).max(200), MAX_SCOPE_USERS).optional();

const uniq = (list: readonly string[] | undefined): string[] => [...new Set(list ?? [])];

/**
 * Who is in a campaign. `all`: every user; `groups`: members of the chosen groups (and only those
 * memberships); `attributes`: users whose department AND cost center AND division match the
 * lists given (an empty list does not filter); `users`: the named users (by SCIM id), e.g. the
 * accounts flagged on the stale-accounts dashboard. Deactivated users only with `includeInactive`.
 */
export const ZCampaignScope = z
  .object({
    kind: z.enum(SCOPE_KINDS, { error: 'choose who is in scope' }),
    groupIds: ZGroupIdList,
    departments: ZNameList,
    costCenters: ZNameList,
    divisions: ZNameList,
    userIds: ZUserIdList,
    includeInactive: ZFlag.default(false),
  })
  .superRefine((s, ctx) => {
    if (s.kind === 'groups' && uniq(s.groupIds).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['groupIds'], message: 'choose at least one group' });
    }
    if (s.kind === 'attributes' && uniq(s.departments).length + uniq(s.costCenters).length + uniq(s.divisions).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['departments'], message: 'choose at least one department, cost center or division' });
    }
    if (s.kind === 'users' && uniq(s.userIds).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['userIds'], message: 'name at least one user' });
    }
  })
  // Keep only what the kind uses, so a stored scope never carries a filter that does nothing.
  .transform((s) => ({
    kind: s.kind,
    groupIds: s.kind === 'groups' ? uniq(s.groupIds) : [],
    departments: s.kind === 'attributes' ? uniq(s.departments) : [],
    costCenters: s.kind === 'attributes' ? uniq(s.costCenters) : [],
    divisions: s.kind === 'attributes' ? uniq(s.divisions) : [],
    userIds: s.kind === 'users' ? uniq(s.userIds) : [],
    includeInactive: s.includeInactive,
  }));
export type TCampaignScope = z.output<typeof ZCampaignScope>;

/** Most stages a campaign may have (e.g. manager, then group owner, then security). */
export const MAX_STAGES = 3;

export const STAGE_ADVANCE_LABEL: Record<(typeof STAGE_ADVANCE_RULES)[number], string> = {
  all: 'every item',
  revoked: 'only items revoked in the previous stage',
  certified: 'only items certified in the previous stage',
};

/**
 * A stage after the first: its own reviewer rule and due date, which decided items of the
 * previous stage come to it (undecided and "not sure" items always do), and whether its
 * reviewers see the earlier decisions (hidden: an independent second opinion).
 */
export const ZLaterStage = z
  .object({
    reviewerRule: z.enum(REVIEWER_RULES, { error: 'choose how reviewers of this stage are assigned' }),
    fixedReviewerEmail: ZOptionalEmail,
    dueAt: ZDueAt,
    advance: choiceOr(STAGE_ADVANCE_RULES, 'all'),
    showPreviousDecisions: ZFlag.default(true),
  })
  .superRefine((s, ctx) => {
    if (s.reviewerRule === 'fixed' && !s.fixedReviewerEmail) {
      ctx.addIssue({ code: 'custom', path: ['fixedReviewerEmail'], message: 'the fixed reviewer rule needs a reviewer' });
    }
  })
  .transform((s) => ({ ...s, fixedReviewerEmail: s.reviewerRule === 'fixed' ? (s.fixedReviewerEmail ?? null) : null }));
export type TLaterStageInput = z.input<typeof ZLaterStage>;
export type TLaterStage = z.output<typeof ZLaterStage>;

/** The campaign wizard. Checks that need the database (snapshot complete, scope not empty) run in `createCampaignDraft`. */
export const ZCampaignInput = z
  .object({
    name: z.string({ error: 'give the campaign a name' }).trim().min(1, 'give the campaign a name').max(200, 'at most 200 characters'),
    snapshotId: wholeNumber(1, Number.MAX_SAFE_INTEGER, 'choose a snapshot'),
    scope: ZCampaignScope,
    reviewAccounts: ZFlag.default(false),
    reviewMemberships: ZFlag.default(false),
    reviewerRule: z.enum(REVIEWER_RULES, { error: 'choose how reviewers are assigned' }),
    fixedReviewerEmail: ZOptionalEmail,
    // Not ZOptionalEmail + refine: zod 4 drops the issues of an optional schema when its key is absent,
    // which let a missing fallback through to a NOT NULL column.
    fallbackReviewerEmail: z
      .string({ error: 'a fallback reviewer is required' })
      .trim()
      .toLowerCase()
      .min(1, 'a fallback reviewer is required')
      .pipe(z.email('enter a valid email address')),
    dueAt: ZDueAt,
    revokeNeedsJustification: ZFlag.default(true),
    certifyFlaggedNeedsComment: ZFlag.default(false),
    undecidedAction: choiceOr(UNDECIDED_ACTIONS, 'report'),
    revokeImmediately: ZFlag.default(false),
    attestationStatement: z
      .string()
      .trim()
      .max(4_000, 'at most 4,000 characters')
      .optional()
      .transform((v) => v || DEFAULT_ATTESTATION_STATEMENT),
    /** Stages 2 and 3 (stage 1 is the rule and due date above). */
    laterStages: z
      .array(ZLaterStage)
      .max(MAX_STAGES - 1, `at most ${MAX_STAGES} stages`)
      .optional()
      .transform((v) => v ?? []),
    allowCarryOverAccept: ZFlag.default(false),
  })
  .superRefine((c, ctx) => {
    let previousDue = c.dueAt;
    c.laterStages.forEach((stage, i) => {
      if (Date.parse(stage.dueAt) <= Date.parse(previousDue)) {
        ctx.addIssue({ code: 'custom', path: ['laterStages', i, 'dueAt'], message: `stage ${i + 2} must be due after stage ${i + 1}` });
      }
      previousDue = stage.dueAt;
    });
    if (!c.reviewAccounts && !c.reviewMemberships) {
      ctx.addIssue({ code: 'custom', path: ['reviewAccounts'], message: 'review accounts, group memberships, or both' });
    }
    if (c.reviewerRule === 'fixed' && !c.fixedReviewerEmail) {
      ctx.addIssue({ code: 'custom', path: ['fixedReviewerEmail'], message: 'the fixed reviewer rule needs a reviewer' });
    }
  })
  .transform((c) => ({
    ...c,
    // A fixed reviewer is only meaningful for the fixed rule.
    fixedReviewerEmail: c.reviewerRule === 'fixed' ? (c.fixedReviewerEmail ?? null) : null,
  }));
export type TCampaignInput = z.input<typeof ZCampaignInput>;
export type TCampaignSettings = z.output<typeof ZCampaignInput>;

/** Parsed settings back in the input shape (an action hands what it parsed to lib/review, which parses again). */
export function settingsAsInput(settings: TCampaignSettings): TCampaignInput {
  return {
    ...settings,
    fixedReviewerEmail: settings.fixedReviewerEmail ?? undefined,
    laterStages: settings.laterStages.map((s) => ({ ...s, fixedReviewerEmail: s.fixedReviewerEmail ?? undefined })),
  };
}

export const ZListCampaignsQuery = z.object({
  status: optionalChoice(['draft', 'active', 'closed']),
  page: wholeNumberOr(1, 1, 1_000_000),
  pageSize: wholeNumberOr(50, 1, MAX_PAGE_SIZE),
});
export type TListCampaignsQuery = z.input<typeof ZListCampaignsQuery>;

// ─── Grid filters ───────────────────────────────────────────────────────────────────────────

/** `not_sure`: passed on as not sure (by anyone); `excluded`: taken out by an admin (hidden from every other filter). */
export const DECISION_FILTERS = ['undecided', ...DECISIONS, 'not_sure', 'excluded'] as const;
export type TDecisionFilter = (typeof DECISION_FILTERS)[number];

/**
 * Which items: the grid's filters, and the "all matching this filter" target of a bulk decision.
 * Parses URL search params directly ('' = no filter). `reviewer` only narrows an admin's or
 * auditor's view; a reviewer always sees their own items whatever it says.
 */
export const ZItemFilter = z.object({
  decision: optionalChoice(DECISION_FILTERS),
  kind: optionalChoice(ITEM_KINDS),
  signal: optionalChoice(SIGNAL_KEYS),
  recommendation: optionalChoice(RECOMMENDATIONS),
  q: optionalSearch(200),
  department: optionalText(200),
  groupScimId: optionalText(200),
  reviewer: ZOptionalEmail,
});
export type TItemFilter = z.output<typeof ZItemFilter>;
export type TItemFilterInput = z.input<typeof ZItemFilter>;

export const ITEM_SORTS = ['user', 'email', 'department', 'title', 'access', 'recommendation', 'decision', 'signals'] as const;
export type TItemSort = (typeof ITEM_SORTS)[number];

/** One grid page: the filter plus sort and paging (URL params: `?decision=undecided&sort=user&page=3`). */
export const ZItemListQuery = ZItemFilter.extend({
  sort: choiceOr(ITEM_SORTS, 'user'),
  dir: choiceOr(['asc', 'desc'], 'asc'),
  page: wholeNumberOr(1, 1, 1_000_000),
  pageSize: wholeNumberOr(100, 1, MAX_PAGE_SIZE),
  /** The previous page's `nextCursor` (lib/review/cursor.ts); `page` is ignored with it. */
  after: optionalText(2_000),
});
export type TItemListQuery = z.input<typeof ZItemListQuery>;
export type TItemListQueryParsed = z.output<typeof ZItemListQuery>;

// ─── Decisions ──────────────────────────────────────────────────────────────────────────────

const ZComment = z
  .string()
  .trim()
  .max(MAX_COMMENT_LENGTH, `a comment is at most ${MAX_COMMENT_LENGTH.toLocaleString('en-US')} characters`)
  .optional()
  .transform((v) => v || undefined);

export const ZDecideInput = z.object({
  campaignId: ZId,
  itemId: ZId,
  decision: z.enum(DECISIONS, { error: 'certify or revoke' }),
  comment: ZComment,
  /** The item's `version` as the reviewer saw it (optimistic concurrency). */
  expectedVersion: ZId,
});
export type TDecideInput = z.input<typeof ZDecideInput>;

export const ZUndoInput = z.object({ campaignId: ZId, itemId: ZId, expectedVersion: ZId });
export type TUndoInput = z.input<typeof ZUndoInput>;

export const ZBulkTarget = z.union([
  z.object({ itemIds: z.array(ZId).min(1, 'select at least one item').max(MAX_BULK_IDS, `at most ${MAX_BULK_IDS} items at once`) }),
  z.object({
    filter: ZItemFilter,
    /** How many items the reviewer confirmed ("Certify all 1,204 matching"): a different count now is a conflict. */
    expectedCount: wholeNumber(1, Number.MAX_SAFE_INTEGER, 'the number of items you confirmed'),
  }),
]);
export type TBulkTarget = z.output<typeof ZBulkTarget>;

export const ZBulkDecideInput = z.object({
  campaignId: ZId,
  decision: z.enum(DECISIONS, { error: 'certify or revoke' }),
  comment: ZComment,
  target: ZBulkTarget,
});
export type TBulkDecideInput = z.input<typeof ZBulkDecideInput>;

export const ZNotSureInput = z.object({
  campaignId: ZId,
  itemId: ZId,
  expectedVersion: ZId,
  /** What the next reviewer should know: required, "not sure" without a why helps nobody. */
  comment: z
    .string({ error: 'say what you are unsure about' })
    .trim()
    .min(1, 'say what you are unsure about')
    .max(MAX_COMMENT_LENGTH, `a comment is at most ${MAX_COMMENT_LENGTH.toLocaleString('en-US')} characters`),
});
export type TNotSureInput = z.input<typeof ZNotSureInput>;

/** "Accept recommendations" on the undecided items of a filter; `expectedCount` is the number the reviewer was shown. */
export const ZAcceptRecommendationsInput = z.object({
  campaignId: ZId,
  filter: ZItemFilter,
  expectedCount: wholeNumber(1, Number.MAX_SAFE_INTEGER, 'the number of items you confirmed'),
});
export type TAcceptRecommendationsInput = z.input<typeof ZAcceptRecommendationsInput>;

export const ZAcceptCarriedOverInput = z.object({
  campaignId: ZId,
  expectedCount: wholeNumber(1, Number.MAX_SAFE_INTEGER, 'the number of items you confirmed'),
});
export type TAcceptCarriedOverInput = z.input<typeof ZAcceptCarriedOverInput>;

export const ZSignOffInput = z.object({
  campaignId: ZId,
  /** The attestation statement as shown to the reviewer; must be the campaign's. */
  statement: z.string({ error: 'the attestation statement is required' }).trim().min(1, 'the attestation statement is required').max(4_000),
});
export type TSignOffInput = z.input<typeof ZSignOffInput>;

// ─── Admin ──────────────────────────────────────────────────────────────────────────────────

export const ZReassignInput = z
  .object({
    campaignId: ZId,
    // One checked box in a form arrives as a single value, several as a list.
    itemIds: z
      .union([ZId, z.array(ZId)])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .pipe(z.array(z.number()).min(1, 'select at least one item').max(MAX_BULK_IDS, `at most ${MAX_BULK_IDS} items at once`))
      .optional(),
    fromReviewerEmail: ZOptionalEmail,
    toReviewerEmail: ZEmail,
    reason: z.string({ error: 'give a reason' }).trim().min(1, 'give a reason').max(500, 'at most 500 characters'),
    /** Move items of reviewers who already signed off (otherwise refused). Recorded in the audit log. */
    moveSignedOff: ZFlag.default(false),
  })
  .superRefine((r, ctx) => {
    if ((r.itemIds === undefined) === (r.fromReviewerEmail === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['itemIds'], message: 'select the items to move, or a reviewer whose items all move' });
    }
  });
export type TReassignInput = z.input<typeof ZReassignInput>;

export const ZExcludeInput = z
  .object({
    campaignId: ZId,
    itemIds: z
      .union([ZId, z.array(ZId)])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .pipe(z.array(z.number()).min(1, 'select at least one item').max(MAX_BULK_IDS, `at most ${MAX_BULK_IDS} items at once`))
      .optional(),
    groupScimId: optionalText(200),
    reason: z.string({ error: 'give a reason' }).trim().min(1, 'give a reason: it goes into the evidence').max(500, 'at most 500 characters'),
  })
  .superRefine((r, ctx) => {
    if ((r.itemIds === undefined) === (r.groupScimId === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['itemIds'], message: 'select the items to exclude, or a group whose memberships are all excluded' });
    }
  });
export type TExcludeInput = z.input<typeof ZExcludeInput>;

export const ZExtendDueInput = z.object({ campaignId: ZId, dueAt: ZDueAt });
export type TExtendDueInput = z.input<typeof ZExtendDueInput>;

export const ZGroupOwnersInput = z.object({
  groupScimId: z.string().trim().min(1).max(200),
  groupName: ZText200,
  emails: listOf(ZEmail, 20),
});
export type TGroupOwnersInput = z.input<typeof ZGroupOwnersInput>;

export const ZCampaignId = ZId;

// ─── Parsing ────────────────────────────────────────────────────────────────────────────────

/** Field errors keyed by dotted path ('scope.groupIds'), as `defineAction` reports them. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_';
    (fieldErrors[key] ??= []).push(issue.message);
  }
  return fieldErrors;
}

/** Parse or throw `AppError('invalid')` with field errors. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new AppError('invalid', 'Please correct the highlighted fields.', fieldErrorsOf(result.error));
}
