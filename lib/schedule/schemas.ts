import { z } from 'zod';
import { MAX_STAGES, ZCampaignInput, ZLaterStage, type TCampaignInput } from '@/lib/review/schemas';
import { canonicalTimezone, cronProblem, DEFAULT_TIMEZONE, periodLabel, QUARTERLY_CRON } from './cron';

/**
 * Input schemas of recurring campaign templates. Pure module (safe in client components for
 * form hints). A template holds the campaign wizard's settings minus name, snapshot and due
 * date, with durations instead of dates; the field schemas are lib/review's own, and the
 * cross-field rules are checked by running lib/review's `ZCampaignInput` on the campaign the
 * template would create, so what a template accepts is exactly what a campaign accepts.
 */

export const SCHEDULE_KINDS = ['quarterly', 'cron'] as const;
export type TScheduleKind = (typeof SCHEDULE_KINDS)[number];

export const MAX_DURATION_DAYS = 365;
/** Leaves room for " — 2027-01-01" within the campaign name's 200 characters. */
export const MAX_TEMPLATE_NAME = 180;

const DAY_MS = 86_400_000;

const wizard = ZCampaignInput.in.shape;
const stage = ZLaterStage.in.shape;

/** A boolean from JSON or a form ('on' / 'true' / 'false' / '1' / '0' / ''). */
const ZFlag = z
  .union([z.boolean(), z.enum(['on', 'true', 'false', '1', '0', ''])])
  .transform((v) => (typeof v === 'boolean' ? v : v === 'on' || v === 'true' || v === '1'));

/** A duration in whole days, from JSON or a form field. */
const ZDays = z
  .union([z.number(), z.string().trim()])
  .transform((v) => (v === '' ? Number.NaN : Number(v)))
  .pipe(
    z
      .number({ error: 'enter a number of days' })
      .int('a whole number of days')
      .min(1, 'at least 1 day')
      .max(MAX_DURATION_DAYS, `at most ${MAX_DURATION_DAYS} days`),
  );

/** A later stage of a template: lib/review's stage fields, with `durationDays` after the previous stage's due date instead of a date. */
export const ZTemplateStage = z.object({
  reviewerRule: stage.reviewerRule,
  fixedReviewerEmail: stage.fixedReviewerEmail,
  durationDays: ZDays,
  advance: stage.advance,
  showPreviousDecisions: stage.showPreviousDecisions,
});

const settingsShape = {
  scope: wizard.scope,
  reviewAccounts: wizard.reviewAccounts,
  reviewMemberships: wizard.reviewMemberships,
  reviewerRule: wizard.reviewerRule,
  fixedReviewerEmail: wizard.fixedReviewerEmail,
  fallbackReviewerEmail: wizard.fallbackReviewerEmail,
  /** Stage 1 is due this many days after the launch. */
  reviewDays: ZDays,
  revokeNeedsJustification: wizard.revokeNeedsJustification,
  certifyFlaggedNeedsComment: wizard.certifyFlaggedNeedsComment,
  undecidedAction: wizard.undecidedAction,
  revokeImmediately: wizard.revokeImmediately,
  attestationStatement: wizard.attestationStatement,
  laterStages: z
    .array(ZTemplateStage)
    .max(MAX_STAGES - 1, `at most ${MAX_STAGES} stages`)
    .optional()
    .transform((v) => v ?? []),
  allowCarryOverAccept: wizard.allowCarryOverAccept,
};

type TSettingsFields = z.output<z.ZodObject<typeof settingsShape>>;

/** Due dates from durations: stage 1 `reviewDays` after `from`, each later stage `durationDays` after the previous one. */
function dueDates(settings: Pick<TSettingsFields, 'reviewDays' | 'laterStages'>, from: Date): { dueAt: string; stages: string[] } {
  // A broken duration already has its own issue; the probe still checks the other rules with 1 day.
  const days = (n: number): number => (Number.isFinite(n) && n > 0 && n <= MAX_DURATION_DAYS ? n : 1) * DAY_MS;
  let due = from.getTime() + days(settings.reviewDays);
  const dueAt = new Date(due).toISOString();
  const stages = settings.laterStages.map((s) => {
    due += days(s?.durationDays);
    return new Date(due).toISOString();
  });
  return { dueAt, stages };
}

function campaignFields(settings: TSettingsFields, from: Date): Omit<TCampaignInput, 'name' | 'snapshotId'> {
  const { reviewDays: _reviewDays, laterStages, ...rest } = settings;
  const due = dueDates(settings, from);
  return {
    ...rest,
    dueAt: due.dueAt,
    laterStages: laterStages.map(({ durationDays: _durationDays, ...s }, i) => ({ ...s, dueAt: due.stages[i] as string })),
  };
}

/** A campaign error path as the template form names it (dates are durations there). */
function templatePath(path: readonly PropertyKey[]): PropertyKey[] | null {
  const [head, index, field] = path;
  if (head === 'name' || head === 'snapshotId') return null;
  if (head === 'dueAt') return ['reviewDays'];
  if (head === 'laterStages' && field === 'dueAt') return ['laterStages', index as PropertyKey, 'durationDays'];
  return [...path];
}

type TCheckCtx = { value: unknown; issues: z.core.$ZodRawIssue[] };

/**
 * The cross-field rules (review something, a fixed rule needs its reviewer, stages in order) are
 * lib/review's: run `ZCampaignInput` on the campaign this template would create now and report
 * its complaints on the template's fields. A field that already has an issue is not reported twice.
 */
function checkCampaignRules(ctx: TCheckCtx): void {
  const value = ctx.value as TSettingsFields & Record<string, unknown>;
  const reported = new Set(ctx.issues.map((i) => (i.path ?? []).join('.')));
  let probe: TCampaignInput;
  try {
    probe = { ...campaignFields({ ...value, laterStages: Array.isArray(value.laterStages) ? value.laterStages : [] }, new Date()), name: 'probe', snapshotId: 1 };
  } catch {
    return; // Fields too broken to assemble a campaign: their own issues are already there.
  }
  const result = ZCampaignInput.safeParse(probe);
  if (result.success) return;
  for (const issue of result.error.issues) {
    const path = templatePath(issue.path);
    if (!path || reported.has(path.join('.'))) continue;
    reported.add(path.join('.'));
    ctx.issues.push({ code: 'custom', path, message: issue.message, input: ctx.value });
  }
}

/** A fixed reviewer is only kept for the fixed rule (as lib/review does), so a stored template never carries one that does nothing. */
function normalizeSettings(s: TSettingsFields): TSettingsFields {
  return {
    ...s,
    fixedReviewerEmail: s.reviewerRule === 'fixed' ? s.fixedReviewerEmail : undefined,
    laterStages: s.laterStages.map((st) => ({ ...st, fixedReviewerEmail: st.reviewerRule === 'fixed' ? st.fixedReviewerEmail : undefined })),
  };
}

/** What a template's campaigns look like: scope, reviewers, durations, stages and rules (`settings_json`). */
export const ZTemplateSettings = z.object(settingsShape).check(checkCampaignRules).transform(normalizeSettings);
export type TTemplateSettingsInput = z.input<typeof ZTemplateSettings>;
export type TTemplateSettings = z.output<typeof ZTemplateSettings>;

/** Stored settings read back: the shape only (they were fully checked when saved; every campaign is checked again when created). */
export const ZStoredTemplateSettings = z.object(settingsShape);

const ZTimezone = z
  .string()
  .trim()
  .max(100, 'at most 100 characters')
  .optional()
  .transform((value, ctx) => {
    const zone = canonicalTimezone(value || DEFAULT_TIMEZONE);
    if (!zone) {
      ctx.issues.push({ code: 'custom', message: 'unknown timezone: use an IANA name such as Europe/Berlin or America/New_York', input: value });
      return z.NEVER;
    }
    return zone;
  });

/**
 * The template form: name, whether it runs, the schedule (the quarterly preset — 09:00 on the
 * first day of January, April, July and October — or a cron expression, at most daily) in an
 * IANA timezone, and the campaign settings at the top level (their error paths match the form's
 * field names). Output: `{ name, enabled, cron, timezone, settings }`.
 */
export const ZTemplateInput = z
  .object({
    name: z
      .string({ error: 'give the template a name' })
      .trim()
      .min(1, 'give the template a name')
      .max(MAX_TEMPLATE_NAME, `at most ${MAX_TEMPLATE_NAME} characters`),
    enabled: ZFlag.default(true),
    schedule: z
      .union([z.literal(''), z.enum(SCHEDULE_KINDS, { error: 'choose a schedule' })])
      .optional()
      .transform((v): TScheduleKind => v || 'quarterly'),
    cron: z.string().max(1_000).optional(),
    timezone: ZTimezone,
    ...settingsShape,
  })
  .check((ctx) => {
    if (ctx.value.schedule === 'cron') {
      const problem = cronProblem(ctx.value.cron ?? '');
      if (problem) ctx.issues.push({ code: 'custom', path: ['cron'], message: problem, input: ctx.value.cron });
    }
    checkCampaignRules(ctx);
  })
  .transform(({ name, enabled, schedule, cron, timezone, ...settings }) => ({
    name,
    enabled,
    cron: schedule === 'quarterly' ? QUARTERLY_CRON : (cron ?? '').trim().replace(/\s+/g, ' '),
    timezone,
    settings: normalizeSettings(settings),
  }));
export type TTemplateInput = z.input<typeof ZTemplateInput>;
export type TTemplateParsed = z.output<typeof ZTemplateInput>;

/** The schedule fields alone (the form's live "next runs" preview). */
export const ZSchedulePreviewInput = z
  .object({
    schedule: z
      .union([z.literal(''), z.enum(SCHEDULE_KINDS)])
      .optional()
      .transform((v): TScheduleKind => v || 'quarterly'),
    cron: z.string().max(1_000).optional(),
    timezone: ZTimezone,
  })
  .check((ctx) => {
    if (ctx.value.schedule !== 'cron') return;
    const problem = cronProblem(ctx.value.cron ?? '');
    if (problem) ctx.issues.push({ code: 'custom', path: ['cron'], message: problem, input: ctx.value.cron });
  })
  .transform(({ schedule, cron, timezone }) => ({ cron: schedule === 'quarterly' ? QUARTERLY_CRON : (cron ?? '').trim().replace(/\s+/g, ' '), timezone }));
export type TSchedulePreviewInput = z.input<typeof ZSchedulePreviewInput>;

/** Parsed template values back in the input shape (an action hands what it parsed to lib/schedule, which parses again). */
export function templateAsInput(parsed: Pick<TTemplateParsed, 'name' | 'enabled' | 'cron' | 'timezone' | 'settings'>): TTemplateInput {
  return { name: parsed.name, enabled: parsed.enabled, schedule: scheduleKindOf(parsed.cron), cron: parsed.cron, timezone: parsed.timezone, ...parsed.settings };
}

/** Which schedule kind a stored expression is (the preset is stored as its expression). */
export function scheduleKindOf(cron: string): TScheduleKind {
  return cron === QUARTERLY_CRON ? 'quarterly' : 'cron';
}

export type TTemplateForCampaign = { name: string; cron: string; timezone: string; settings: TTemplateSettings };

/**
 * The campaign a template launches for one period: named "<template> — 2027 Q1" (quarterly) or
 * "<template> — 2027-01-01" (the period's local date), over `snapshotId`, stage 1 due
 * `reviewDays` after `now` (the launch, not the period: a run resumed late still gives reviewers
 * the whole duration) and each later stage `durationDays` after the previous one.
 */
export function campaignInputFor(template: TTemplateForCampaign, periodAt: Date | string, snapshotId: number, now: Date): TCampaignInput {
  const period = typeof periodAt === 'string' ? new Date(periodAt) : periodAt;
  return {
    ...campaignFields(template.settings, now),
    name: `${template.name} — ${periodLabel(template.cron, template.timezone, period)}`,
    snapshotId,
  };
}

/** Keys a form may not create (prototype pollution through dotted names). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);
/** Array indexes a form may use: a few stages, not `laterStages.4294967294` (a sparse array walked element by element). */
const MAX_FORM_INDEX = 20;

/**
 * Flat form fields with dotted names (`scope.kind`, `laterStages.0.durationDays`) → nested
 * objects and arrays, as the schemas want them; other values pass through. Array holes (a
 * removed stage) are dropped.
 */
export function nestFormFields(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const parts = key.split('.');
    if (parts.some((p) => FORBIDDEN_KEYS.has(p) || p === '')) continue;
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      const last = i === parts.length - 1;
      const slot = Array.isArray(node) ? Number(part) : part;
      if (Array.isArray(node) && !(/^\d+$/.test(part) && Number(part) <= MAX_FORM_INDEX)) break;
      const container = node as Record<string | number, unknown>;
      if (last) {
        container[slot] = value;
        break;
      }
      const nextIsIndex = /^\d+$/.test(parts[i + 1] as string);
      const existing = container[slot];
      if (existing === undefined || existing === null || typeof existing !== 'object') container[slot] = nextIsIndex ? [] : {};
      node = container[slot] as Record<string, unknown> | unknown[];
    }
  }
  return compactArrays(root);
}

function compactArrays(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compactArrays);
  if (value !== null && typeof value === 'object' && !(value instanceof Blob)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compactArrays(v)]));
  }
  return value;
}
