import 'server-only';
import { z } from 'zod';
import type { TCampaignTemplate } from '@/db/schema';
import { appendAudit, type TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { describeOwnerLoss } from '@/lib/jobs/run-owner';
import { parseInput } from '@/lib/review/schemas';
import { describeSchedule, nextPeriods } from './cron';
import {
  deleteTemplateRow,
  getTemplateRow,
  insertTemplateRow,
  listCampaignIdsOfTemplate,
  listLatestRuns,
  listRunsOfTemplate,
  listTemplateRows,
  listUnfinishedRunsOfTemplate,
  updateTemplateRow,
  writeTransaction,
  type TRunWithCampaign,
  type TTemplateValues,
} from './queries';
import { activeScheduleRuns } from './runs';
import {
  scheduleKindOf,
  ZSchedulePreviewInput,
  ZStoredTemplateSettings,
  ZTemplateInput,
  type TSchedulePreviewInput,
  type TTemplateInput,
  type TTemplateParsed,
  type TTemplateSettings,
} from './schemas';
import type { TSchedulePreview, TTemplateListRow, TTemplateRunView, TTemplateView } from './types';

/**
 * Recurring campaign templates: create, edit, enable / disable, delete, list. Every change is
 * audited with before and after. `activeFrom` is the instant after which periods launch: the
 * creation time, and again the moment a template is re-enabled or its schedule changes, so a
 * template never launches a period that was already past when it (or its schedule) came to be.
 *
 * Deleting a template deletes its run rows with it (the foreign key cascades; a run row cannot
 * outlive its template). The history is not lost: the `schedule.template_deleted` audit entry
 * carries the template's settings and every run (period, status, snapshot, campaign, error), and
 * the campaigns it launched are evidence and stay.
 */

export const ZTemplateId = z
  .union([z.number(), z.string().trim()])
  .transform(Number)
  .pipe(z.number({ error: 'not a valid id' }).int('not a valid id').min(1, 'not a valid id').max(Number.MAX_SAFE_INTEGER));

const notFound = (): AppError => new AppError('not_found', 'Template not found.');

function parseSettings(json: string): TTemplateSettings {
  const parsed = ZStoredTemplateSettings.safeParse(JSON.parse(json) as unknown);
  // Stored settings were validated when written; an unreadable one is a bug, not user input.
  if (!parsed.success) throw new Error(`stored template settings are invalid: ${parsed.error.message}`);
  return parsed.data;
}

/** A template row as pages see it. */
export function toTemplateView(row: TCampaignTemplate): TTemplateView {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    cron: row.cron,
    schedule: scheduleKindOf(row.cron),
    timezone: row.timezone,
    scheduleText: describeSchedule(row.cron, row.timezone),
    settings: parseSettings(row.settingsJson),
    activeFrom: row.activeFrom,
    createdByEmail: row.createdByEmail,
    createdAt: row.createdAt,
    updatedByEmail: row.updatedByEmail,
    updatedAt: row.updatedAt,
  };
}

function toRunView(run: TRunWithCampaign): TTemplateRunView {
  return {
    id: run.id,
    templateId: run.templateId,
    periodAt: run.periodAt,
    status: run.status,
    snapshotId: run.snapshotId,
    campaignId: run.campaignId,
    campaignName: run.campaignName,
    campaignStatus: run.campaignStatus as TTemplateRunView['campaignStatus'],
    error: run.error,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

/** What an audit entry records of a template. */
function auditShape(values: Pick<TTemplateValues, 'name' | 'enabled' | 'cron' | 'timezone' | 'settingsJson' | 'activeFrom'>): Record<string, unknown> {
  const { settingsJson, ...rest } = values;
  return { ...rest, settings: JSON.parse(settingsJson) as unknown };
}

function valuesOf(parsed: TTemplateParsed, activeFrom: string): TTemplateValues {
  return { name: parsed.name, enabled: parsed.enabled, cron: parsed.cron, timezone: parsed.timezone, settingsJson: JSON.stringify(parsed.settings), activeFrom };
}

function requireTemplate(id: number): TCampaignTemplate {
  const row = getTemplateRow(id);
  if (!row) throw notFound();
  return row;
}

/** Create a template (audited `schedule.template_created`); its first period is the first one after `now`. */
export function createTemplate(actor: TActor, input: TTemplateInput, options: { now?: Date } = {}): TTemplateView {
  const parsed = parseInput(ZTemplateInput, input);
  const at = (options.now ?? new Date()).toISOString();
  const values = valuesOf(parsed, at);
  const row = writeTransaction((tx) => {
    const created = insertTemplateRow(tx, { ...values, createdByEmail: actor.email, createdAt: at });
    appendAudit(
      { actor, action: 'schedule.template_created', target: { type: 'campaign_template', id: String(created.id) }, details: { before: null, after: auditShape(values) } },
      tx,
    );
    return created;
  });
  return toTemplateView(row);
}

/**
 * `activeFrom` after a change: moved to `now` when the template is (re-)enabled or its schedule
 * changes, since periods of the new schedule that are already past were never meant to launch.
 */
function nextActiveFrom(before: TCampaignTemplate, after: Pick<TTemplateValues, 'enabled' | 'cron' | 'timezone'>, now: string): string {
  const reEnabled = after.enabled && !before.enabled;
  const rescheduled = after.cron !== before.cron || after.timezone !== before.timezone;
  return reEnabled || rescheduled ? now : before.activeFrom;
}

/** Replace a template's settings and schedule (audited `schedule.template_updated` with before and after). A run in progress keeps going. */
export function updateTemplate(actor: TActor, id: number, input: TTemplateInput, options: { now?: Date } = {}): TTemplateView {
  const templateId = parseInput(ZTemplateId, id);
  const parsed = parseInput(ZTemplateInput, input);
  const at = (options.now ?? new Date()).toISOString();
  const row = writeTransaction((tx) => {
    const before = requireTemplate(templateId);
    const values = valuesOf(parsed, nextActiveFrom(before, parsed, at));
    if (!updateTemplateRow(tx, templateId, { ...values, updatedByEmail: actor.email, updatedAt: at })) throw notFound();
    appendAudit(
      {
        actor,
        action: 'schedule.template_updated',
        target: { type: 'campaign_template', id: String(templateId) },
        details: { before: auditShape(before), after: auditShape(values) },
      },
      tx,
    );
    const after = getTemplateRow(templateId, tx);
    if (!after) throw notFound();
    return after;
  });
  return toTemplateView(row);
}

/**
 * Enable or disable a template (audited `schedule.template_enabled` / `_disabled`). Enabling
 * moves `activeFrom` to now: the periods that passed while it was off are not launched. A run
 * in progress when it is disabled stops before its next step (lib/schedule/tick.ts).
 */
export function setTemplateEnabled(actor: TActor, id: number, enabled: boolean, options: { now?: Date } = {}): TTemplateView {
  const templateId = parseInput(ZTemplateId, id);
  const at = (options.now ?? new Date()).toISOString();
  const row = writeTransaction((tx) => {
    const before = requireTemplate(templateId);
    if (before.enabled === enabled) return before;
    const activeFrom = nextActiveFrom(before, { enabled, cron: before.cron, timezone: before.timezone }, at);
    const values: TTemplateValues = { name: before.name, enabled, cron: before.cron, timezone: before.timezone, settingsJson: before.settingsJson, activeFrom };
    if (!updateTemplateRow(tx, templateId, { ...values, updatedByEmail: actor.email, updatedAt: at })) throw notFound();
    appendAudit(
      {
        actor,
        action: enabled ? 'schedule.template_enabled' : 'schedule.template_disabled',
        target: { type: 'campaign_template', id: String(templateId) },
        details: { name: before.name, before: { enabled: before.enabled, activeFrom: before.activeFrom }, after: { enabled, activeFrom } },
      },
      tx,
    );
    const after = getTemplateRow(templateId, tx);
    if (!after) throw notFound();
    return after;
  });
  return toTemplateView(row);
}

/**
 * Delete a template and its run rows; audited `schedule.template_deleted` with the template and
 * every run, so the history stays in the hash-chained log. Its campaigns stay. Refused
 * (conflict) while one of its runs is being worked on by a live process: disable it and wait.
 */
export function deleteTemplate(actor: TActor, id: number): void {
  const templateId = parseInput(ZTemplateId, id);
  writeTransaction((tx) => {
    const before = requireTemplate(templateId);
    // Liveness on the wall clock, like the heartbeats it compares with. A released run (waiting for the next tick) has no owner.
    const live = listUnfinishedRunsOfTemplate(templateId, tx).find((run) => run.ownerPid !== null && describeOwnerLoss(run, activeScheduleRuns().has(run.id), new Date()) === null);
    if (live) {
      throw new AppError('conflict', `A run of “${before.name}” is in progress (period ${live.periodAt}). Disable the template, wait for the run to finish, then delete it.`);
    }
    const runs = listRunsOfTemplate(templateId, 10_000, tx).map((r) => ({
      id: r.id,
      periodAt: r.periodAt,
      status: r.status,
      snapshotId: r.snapshotId,
      campaignId: r.campaignId,
      error: r.error,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
    }));
    const campaignIds = listCampaignIdsOfTemplate(templateId, tx);
    if (!deleteTemplateRow(tx, templateId)) throw notFound();
    appendAudit(
      {
        actor,
        action: 'schedule.template_deleted',
        target: { type: 'campaign_template', id: String(templateId) },
        details: { before: { ...auditShape(before), runs }, after: null, campaignIdsKept: campaignIds },
      },
      tx,
    );
  });
}

/** One template, or null. */
export function getTemplate(id: number): TTemplateView | null {
  const parsed = ZTemplateId.safeParse(id);
  if (!parsed.success) return null;
  const row = getTemplateRow(parsed.data);
  return row ? toTemplateView(row) : null;
}

/** When an enabled template runs next: the first scheduled instant after both `now` and `activeFrom`. */
export function nextRunOf(template: Pick<TTemplateView, 'enabled' | 'cron' | 'timezone' | 'activeFrom'>, now: Date): string | null {
  if (!template.enabled) return null;
  const from = new Date(Math.max(now.getTime(), Date.parse(template.activeFrom)));
  return nextPeriods(template.cron, template.timezone, 1, from)[0]?.toISOString() ?? null;
}

/** Every template (enabled first, by name) with its next run and its latest run. */
export function listTemplates(now: Date = new Date()): TTemplateListRow[] {
  const latest = listLatestRuns();
  return listTemplateRows().map((row) => {
    const view = toTemplateView(row);
    const last = latest.get(row.id);
    return { ...view, nextRunAt: nextRunOf(view, now), lastRun: last ? toRunView(last) : null };
  });
}

/** A template's runs, newest period first (at most `limit`). */
export function listTemplateRuns(id: number, limit = 100): TTemplateRunView[] {
  const parsed = ZTemplateId.safeParse(id);
  if (!parsed.success) return [];
  return listRunsOfTemplate(parsed.data, Math.min(Math.max(1, limit), 1_000)).map(toRunView);
}

/** The next `count` runs of a schedule (the form's live preview); `AppError('invalid')` with a field error for a bad one. */
export function previewSchedule(input: TSchedulePreviewInput, now: Date = new Date(), count = 3): TSchedulePreview {
  const { cron, timezone } = parseInput(ZSchedulePreviewInput, input);
  return { cron, timezone, scheduleText: describeSchedule(cron, timezone), nextRuns: nextPeriods(cron, timezone, count, now).map((d) => d.toISOString()) };
}
