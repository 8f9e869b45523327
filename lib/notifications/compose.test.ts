import { describe, expect, it } from 'vitest';
import { composeForRecipient, composeNotice, daysOverdue, mailText, relativeTo, type TNotice } from './compose';
import { parseFromAddress, ZNotificationRulesInput, ZSmtpSettingsInput } from './schemas';
import { noticeKeys, parseNoticeKey } from './store';
import { classifyMailError } from './mailer';

const NOW = new Date('2026-12-10T12:00:00.000Z');
const DUE = '2026-12-13T23:59:59.999Z';

const base = { campaignId: 4, campaignName: 'Q4 access review', stage: 1, stageCount: 1, dueAt: DUE };

describe('notification texts', () => {
  it('launch and stage start: item count, due date, stage only when there are several', () => {
    const launch = composeNotice({ ...base, kind: 'launch', recipientEmail: 'm@x.example', items: 1_204, open: 1_204 }, NOW);
    expect(launch).toMatchObject({ kind: 'launch', subject: 'Access review: 1,204 items to review in "Q4 access review"', linkPath: '/reviews/4', campaignId: 4 });
    expect(launch.bodyText).toContain('Items to review: 1,204\nDue: 13 Dec 2026, 23:59 UTC (in 3 days)');
    expect(launch.bodyText).not.toContain('stage');

    const stage = composeNotice({ ...base, stage: 2, stageCount: 3, kind: 'stage_started', recipientEmail: 'm@x.example', items: 1, open: 1 }, NOW);
    expect(stage.subject).toBe('Access review: stage 2 of "Q4 access review" — 1 item to review');
    expect(stage.bodyText).toMatch(/^Stage 2 of 3 of "Q4 access review" has started/);
  });

  it('escalation links the owner to the campaign, and a manager to nothing they cannot open', () => {
    const n = { ...base, kind: 'escalation' as const, recipientEmail: 'boss@x.example', reviewerEmail: 'r@x.example', open: 7 };
    const late = new Date(Date.parse(DUE) + 4.5 * 86_400_000);
    expect(composeNotice({ ...n, escalatedTo: 'manager' }, late)).toMatchObject({ linkPath: null, subject: 'Escalation: r@x.example is 4 days overdue in "Q4 access review"' });
    expect(composeNotice({ ...n, escalatedTo: 'owner' }, late).linkPath).toBe('/campaigns/4');
  });

  it('a digest lists every notice once and points where they all can be acted on', () => {
    const notices: TNotice[] = [
      { ...base, kind: 'reminder', recipientEmail: 'm@x.example', open: 5, daysBefore: 3 },
      { ...base, campaignId: 9, campaignName: 'Finance', dueAt: '2026-12-01T00:00:00.000Z', kind: 'overdue', recipientEmail: 'm@x.example', open: 2 },
      { ...base, kind: 'escalation', recipientEmail: 'm@x.example', reviewerEmail: 'r@x.example', open: 1, escalatedTo: 'manager' },
    ];
    const digest = composeForRecipient(notices, NOW);
    expect(digest).toMatchObject({ kind: 'digest', campaignId: null, linkPath: '/reviews', subject: 'Access reviews: 2 reviews waiting (1 overdue), 1 escalation' });
    expect(digest.bodyText.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(3);
    expect(digest.bodyText).toContain('"Finance": 2 items still open, overdue since 1 Dec 2026, 00:00 UTC (9 days).');
    expect(composeForRecipient([notices[0]!], NOW).kind).toBe('reminder');
    expect(() => composeForRecipient([], NOW)).toThrow();
  });

  it('mail text: the link made absolute with APP_URL (a path prefix kept), and a footer', () => {
    const text = mailText({ bodyText: 'Hello', linkPath: '/reviews/4' }, 'https://example.com/attest/');
    expect(text).toBe('Hello\n\nOpen in Attest: https://example.com/attest/reviews/4\n\n--\nSent by Attest (https://example.com/attest). Your notifications: https://example.com/attest/notifications');
    expect(mailText({ bodyText: 'Hi', linkPath: null }, 'http://localhost:3000')).not.toContain('Open in Attest');
  });

  it('relative times and days overdue', () => {
    expect(relativeTo('2026-12-10T12:30:00Z', NOW)).toBe('in less than an hour');
    expect(relativeTo('2026-12-11T11:00:00Z', NOW)).toBe('in 23 hours');
    expect(relativeTo('2026-12-08T12:00:00Z', NOW)).toBe('2 days ago');
    expect(daysOverdue(DUE, NOW)).toBe(0);
    expect(daysOverdue('2026-12-07T12:00:00Z', NOW)).toBe(3);
  });
});

describe('notice keys', () => {
  it('round-trip the campaign, stage and reviewer', () => {
    expect(parseNoticeKey(noticeKeys.reminder(4, 2, 'a@b.example', 3))).toEqual({ kind: 'reminder', campaignId: 4, stage: 2, reviewerEmail: 'a@b.example' });
    expect(parseNoticeKey(noticeKeys.start(4, 1, 'a@b.example'))).toMatchObject({ kind: 'start', campaignId: 4 });
    expect(parseNoticeKey(noticeKeys.overdue(4, 1, 'a@b.example', 0))).toMatchObject({ kind: 'overdue', stage: 1 });
    expect(parseNoticeKey(noticeKeys.escalation(4, 1, 'a@b.example'))).toMatchObject({ reviewerEmail: 'a@b.example' });
    expect(parseNoticeKey('something:else')).toBeNull();
  });
});

describe('settings input', () => {
  it('SMTP: defaults per security mode, From with or without a name, no header injection', () => {
    expect(ZSmtpSettingsInput.parse({ host: 'smtp.example.com', security: 'starttls', from: 'a@example.com' })).toMatchObject({ port: 587, enabled: false, username: null, password: null });
    expect(ZSmtpSettingsInput.parse({ host: 'smtp.example.com', security: 'none', port: '2525', from: 'Attest <a@example.com>', enabled: 'on' })).toMatchObject({ port: 2525, enabled: true });
    expect(ZSmtpSettingsInput.safeParse({ host: 'smtp.example.com', from: 'a@example.com\nBcc: b@evil.example' }).success).toBe(false);
    expect(ZSmtpSettingsInput.safeParse({ host: 'smtp.example.com:25', from: 'a@example.com' }).success).toBe(false);
    // Its output is valid input again (the action parses, then lib parses again).
    const once = ZSmtpSettingsInput.parse({ host: 'SMTP.example.com', from: ' a@example.com ', username: ' u ', password: ' p ', enabled: true });
    expect(ZSmtpSettingsInput.parse(once)).toEqual(once);
    expect(once.password).toBe(' p ');
    expect(parseFromAddress('"Attest Bot" <bot@example.com>')).toEqual({ name: 'Attest Bot', address: 'bot@example.com' });
  });

  it('rules: reminder days as text or numbers, blank means off', () => {
    expect(ZNotificationRulesInput.parse({})).toEqual({ reminderDaysBefore: [3, 1], overdueEveryDays: null, escalateAfterDays: null });
    expect(ZNotificationRulesInput.parse({ reminderDaysBefore: [1, 3, 3], overdueEveryDays: 2, escalateAfterDays: '3' })).toEqual({ reminderDaysBefore: [3, 1], overdueEveryDays: 2, escalateAfterDays: 3 });
    expect(ZNotificationRulesInput.parse({ reminderDaysBefore: '' }).reminderDaysBefore).toEqual([]);
    expect(ZNotificationRulesInput.safeParse({ reminderDaysBefore: '1 2 3 4 5 6' }).success).toBe(false);
  });
});

describe('SMTP failures', () => {
  const settings = { host: 'smtp.example.com', port: 587, username: 'u', password: 'hunter2-password' };
  const err = (props: Record<string, unknown>, message = 'failed') => Object.assign(new Error(message), props);

  it('are sorted by what to do: retry, stop the run, or fail the one mail', () => {
    expect(classifyMailError(err({ code: 'ESOCKET' }, 'connect ECONNREFUSED 10.0.0.1:587'), settings)).toMatchObject({ kind: 'unreachable', transient: true, serverWide: true });
    expect(classifyMailError(err({ code: 'EAUTH', responseCode: 535, response: '535 5.7.8 bad credentials' }), settings)).toMatchObject({
      kind: 'auth_failed',
      transient: true,
      serverWide: true,
      message: 'Authentication failed at smtp.example.com:587: 535 5.7.8 bad credentials. Check the username and password.',
    });
    expect(classifyMailError(err({ code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 no such user' }), settings)).toMatchObject({ kind: 'rejected', transient: false, serverWide: false });
    expect(classifyMailError(err({ code: 'EENVELOPE', responseCode: 452, response: '452 4.2.2 mailbox full' }), settings)).toMatchObject({ kind: 'temporary', transient: true, serverWide: false });
    expect(classifyMailError(err({ code: 'ETIMEDOUT' }), settings).kind).toBe('timeout');
  });

  it('never carry the password, plain or base64', () => {
    const b64 = Buffer.from('\u0000u\u0000hunter2-password').toString('base64');
    const failure = classifyMailError(err({ code: 'EAUTH', response: `535 rejected AUTH PLAIN ${b64}` }, 'Invalid login hunter2-password'), settings);
    expect(failure.message).not.toContain('hunter2-password');
    expect(failure.message).not.toContain(b64);
  });
});
