import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, campaignTemplates } from '@/db/schema';
import { listAuditPage, verifyAuditLog } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { thrown } from '@/lib/review/testing';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { QUARTERLY_CRON } from './cron';
import { activeScheduleRuns } from './runs';
import { createTemplate, deleteTemplate, getTemplate, listTemplateRuns, listTemplates, previewSchedule, setTemplateEnabled, updateTemplate } from './templates';
import { ADMIN, allRuns, deadPid, leaveRun, templateInput } from './testing';

const at = (iso: string): Date => new Date(iso);
const T0 = at('2031-11-15T00:00:00Z');
const details = (action: string) => listAuditPage({ action }, 1, 10).rows.map((r) => JSON.parse(r.details) as Record<string, unknown>);
const templateRows = () => getDb().select().from(campaignTemplates).all();

describe('recurring campaign templates', () => {
  useTempDatabase();

  it('creates a template active from its creation, audited, listed with its next run', () => {
    const template = createTemplate(ADMIN, templateInput({ timezone: 'Europe/Berlin' }), { now: T0 });
    expect(template).toMatchObject({
      name: 'Quarterly access review',
      enabled: true,
      cron: QUARTERLY_CRON,
      schedule: 'quarterly',
      timezone: 'Europe/Berlin',
      scheduleText: 'Quarterly: 1 Jan, Apr, Jul and Oct at 09:00 (Europe/Berlin)',
      activeFrom: T0.toISOString(),
      createdByEmail: ADMIN.email,
      updatedByEmail: ADMIN.email,
    });
    expect(template.settings).toMatchObject({ reviewDays: 14, reviewerRule: 'fixed', scope: { kind: 'all' } });
    expect(details('schedule.template_created')).toEqual([
      expect.objectContaining({ before: null, after: expect.objectContaining({ name: 'Quarterly access review', cron: QUARTERLY_CRON, activeFrom: T0.toISOString() }) }),
    ]);
    // 09:00 in Berlin (CET, +1) on 1 January.
    expect(listTemplates(T0)).toEqual([expect.objectContaining({ id: template.id, nextRunAt: '2032-01-01T08:00:00.000Z', lastRun: null })]);
    expect(getTemplate(template.id)).toEqual(template);
    expect(getTemplate(template.id + 1)).toBeNull();
  });

  it.each([
    [{ schedule: 'cron', cron: '0 9 * * * *' }, 'cron', 'not a valid cron expression'],
    [{ schedule: 'cron', cron: '0 * * * *' }, 'cron', 'runs more than once a day'],
    [{ timezone: 'Nowhere/Special' }, 'timezone', 'unknown timezone'],
    [{ reviewAccounts: false, reviewMemberships: false }, 'reviewAccounts', 'review accounts'],
  ] as const)('refuses %j with a field error and writes nothing', (overrides, field, message) => {
    const error = thrown(() => createTemplate(ADMIN, templateInput(overrides), { now: T0 }));
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('invalid');
    expect(error.fieldErrors?.[field]?.join(' ')).toContain(message);
    expect(templateRows()).toEqual([]);
    expect(getDb().select().from(auditLog).all()).toEqual([]);
  });

  it('keeps activeFrom across a settings edit, moves it when the schedule changes', () => {
    const template = createTemplate(ADMIN, templateInput(), { now: T0 });
    const editor = { id: 'admin-2', email: 'other-admin@attest.test' };
    const edited = updateTemplate(editor, template.id, templateInput({ reviewDays: 30, name: 'Renamed' }), { now: at('2031-12-01T00:00:00Z') });
    expect(edited).toMatchObject({ name: 'Renamed', activeFrom: T0.toISOString(), updatedByEmail: editor.email, createdByEmail: ADMIN.email });
    expect(edited.settings.reviewDays).toBe(30);
    const [audit] = details('schedule.template_updated');
    expect(audit).toMatchObject({ before: expect.objectContaining({ name: 'Quarterly access review' }), after: expect.objectContaining({ name: 'Renamed' }) });

    // A new schedule: its periods before the change are not launched.
    const rescheduled = updateTemplate(ADMIN, template.id, templateInput({ schedule: 'cron', cron: '0 9 1 * *' }), { now: at('2031-12-15T00:00:00Z') });
    expect(rescheduled).toMatchObject({ schedule: 'cron', activeFrom: '2031-12-15T00:00:00.000Z', scheduleText: 'Monthly on the 1st at 09:00 (UTC)' });
    const retimed = updateTemplate(ADMIN, template.id, templateInput({ schedule: 'cron', cron: '0 9 1 * *', timezone: 'Asia/Tokyo' }), { now: at('2031-12-16T00:00:00Z') });
    expect(retimed.activeFrom).toBe('2031-12-16T00:00:00.000Z');
    expect(thrown(() => updateTemplate(ADMIN, 999, templateInput()))).toMatchObject({ code: 'not_found' });
  });

  it('re-enabling moves activeFrom; disabling and no-op toggles do not', () => {
    const template = createTemplate(ADMIN, templateInput(), { now: T0 });
    const off = setTemplateEnabled(ADMIN, template.id, false, { now: at('2031-12-01T00:00:00Z') });
    expect(off).toMatchObject({ enabled: false, activeFrom: T0.toISOString() });
    expect(listTemplates(T0)[0]!.nextRunAt).toBeNull();
    expect(setTemplateEnabled(ADMIN, template.id, false)).toMatchObject({ enabled: false });
    const on = setTemplateEnabled(ADMIN, template.id, true, { now: at('2032-02-01T00:00:00Z') });
    expect(on).toMatchObject({ enabled: true, activeFrom: '2032-02-01T00:00:00.000Z' });
    expect(listTemplates(at('2032-02-01T00:00:00Z'))[0]!.nextRunAt).toBe('2032-04-01T09:00:00.000Z');
    expect(details('schedule.template_disabled')).toHaveLength(1);
    expect(details('schedule.template_enabled')).toEqual([
      expect.objectContaining({ before: { enabled: false, activeFrom: T0.toISOString() }, after: { enabled: true, activeFrom: '2032-02-01T00:00:00.000Z' } }),
    ]);
    expect(verifyAuditLog().ok).toBe(true);
  });

  it('lists the latest run of each template and its history', () => {
    const template = createTemplate(ADMIN, templateInput(), { now: T0 });
    const owner = { pid: deadPid(), host: 'gone-host' };
    leaveRun(template.id, '2032-01-01T09:00:00.000Z', 'claimed', owner);
    leaveRun(template.id, '2032-04-01T09:00:00.000Z', 'claimed', owner);
    expect(listTemplates(at('2032-04-02T00:00:00Z'))[0]!.lastRun).toMatchObject({ periodAt: '2032-04-01T09:00:00.000Z', status: 'claimed', campaignName: null });
    expect(listTemplateRuns(template.id).map((r) => r.periodAt)).toEqual(['2032-04-01T09:00:00.000Z', '2032-01-01T09:00:00.000Z']);
  });

  it('deletes a template with its runs, keeping the history in the audit log', () => {
    const template = createTemplate(ADMIN, templateInput(), { now: T0 });
    // Left by a process of this host that died: not in progress any more.
    leaveRun(template.id, '2032-01-01T09:00:00.000Z', 'claimed', { pid: deadPid(), host: hostname() });
    deleteTemplate(ADMIN, template.id);
    expect(templateRows()).toEqual([]);
    expect(allRuns()).toEqual([]);
    const [audit] = details('schedule.template_deleted');
    expect(audit).toMatchObject({
      after: null,
      campaignIdsKept: [],
      before: expect.objectContaining({ name: 'Quarterly access review', runs: [expect.objectContaining({ periodAt: '2032-01-01T09:00:00.000Z', status: 'claimed' })] }),
    });
    expect(thrown(() => deleteTemplate(ADMIN, template.id))).toMatchObject({ code: 'not_found' });
  });

  it('refuses to delete a template while a live process works on its run', () => {
    const template = createTemplate(ADMIN, templateInput(), { now: T0 });
    const run = leaveRun(template.id, '2032-01-01T09:00:00.000Z', 'claimed', { pid: 4242, host: 'attest-replica-2' });
    expect(thrown(() => deleteTemplate(ADMIN, template.id))).toMatchObject({ code: 'conflict', message: expect.stringContaining('is in progress') });
    // Ours, in this process: also live.
    activeScheduleRuns().add(run.id);
    try {
      expect(thrown(() => deleteTemplate(ADMIN, template.id)).code).toBe('conflict');
    } finally {
      activeScheduleRuns().delete(run.id);
    }
    expect(templateRows()).toHaveLength(1);
  });

  it('previews the next runs of a schedule, or says what is wrong with it', () => {
    expect(previewSchedule({ schedule: 'cron', cron: '30 7 * * 1', timezone: 'America/New_York' }, at('2032-03-01T00:00:00Z'))).toEqual({
      cron: '30 7 * * 1',
      timezone: 'America/New_York',
      scheduleText: 'Every Monday at 07:30 (America/New_York)',
      // US summer time starts on 14 March 2032.
      nextRuns: ['2032-03-01T12:30:00.000Z', '2032-03-08T12:30:00.000Z', '2032-03-15T11:30:00.000Z'],
    });
    expect(previewSchedule({ schedule: 'quarterly' }, T0).nextRuns[0]).toBe('2032-01-01T09:00:00.000Z');
    const error = thrown(() => previewSchedule({ schedule: 'cron', cron: '*/15 * * * *' }));
    expect(error.fieldErrors?.cron?.[0]).toContain('runs more than once a day');
  });
});
