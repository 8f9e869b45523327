import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { openSimStore } from '@/lib/airtable-sim';
import { listAuditPage } from '@/lib/audit';
import { resetEnvForTests } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { bulkDecide, closeCampaign, createCampaignDraft, DEFAULT_ATTESTATION_STATEMENT, getCampaign, launchCampaign, signOff } from '@/lib/review';
import { actor, addUser, ADMIN, allItems, campaignInput, inDays, snapshotFromStore } from '@/lib/review/testing';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import {
  countUnread,
  getMailOutboxSummary,
  getSmtpSummary,
  listNotifications,
  markRead,
  MAIL_MAX_ATTEMPTS,
  planDueNotifications,
  queueStageStartNotices,
  runNotificationTick,
  saveNotificationRules,
  saveSmtpSettings,
  sendPendingMail,
  sendTestMail,
} from './index';
import { startTestSmtpServer, type TReceivedMail, type TTestSmtpServer } from './testing';

/**
 * Notifications end to end: campaigns launched by lib/review over a small directory, the planner
 * run at chosen instants, and every mail sent through nodemailer to a real SMTP server started in
 * this process.
 *
 * The directory: Dana (no manager) manages Morgan and Erin; Morgan manages Alice, Bob and Carol;
 * Alice and Bob are in Finance. With the manager rule: Morgan reviews 5 items (3 accounts, 2
 * memberships), Dana 2 (Morgan, Erin), and Dana's own account goes to the fallback reviewer.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const APP_URL = 'https://attest.northwind.example';
const MORGAN = 'morgan@northwind.example';
const DANA = 'dana@northwind.example';
const FALLBACK = 'fallback@northwind.example';
const OWNER = ADMIN.email;

type TMailRow = { id: number; recipientEmail: string; kind: string; mailStatus: string; mailAttempts: number; mailNextAttemptAt: string | null; mailLastError: string | null };

function mailRows(): TMailRow[] {
  return getDb()
    .$client.prepare(
      `SELECT id, recipient_email AS recipientEmail, kind, mail_status AS mailStatus, mail_attempts AS mailAttempts,
              mail_next_attempt_at AS mailNextAttemptAt, mail_last_error AS mailLastError FROM notifications ORDER BY id`,
    )
    .all() as TMailRow[];
}

function buildDirectory(): number {
  const store = openSimStore(':memory:', () => Date.UTC(2026, 10, 1));
  const person = (first: string, manager: string | null) =>
    addUser(store, { userName: `${first.toLowerCase()}@northwind.example`, givenName: first, familyName: 'Test', managerValue: manager, managerDisplayName: manager ? 'Manager' : null });
  person('Dana', null);
  person('Morgan', 'Dana@Northwind.example');
  person('Erin', DANA);
  const alice = person('Alice', MORGAN);
  const bob = person('Bob', MORGAN);
  person('Carol', MORGAN);
  store.createGroup({ displayName: 'Finance', memberIds: [alice, bob] });
  return snapshotFromStore(store);
}

function launch(snapshotId: number, name = 'Q4 access review', dueAt = inDays(30)): { id: number; dueAt: string } {
  const id = createCampaignDraft(ADMIN, campaignInput(snapshotId, { name, dueAt, fallbackReviewerEmail: FALLBACK })).id;
  launchCampaign(ADMIN, id);
  // lib/review queues these in its launch transaction once wired; calling again must add nothing.
  getDb().transaction(() => queueStageStartNotices(id), { behavior: 'immediate' });
  return { id, dueAt: getCampaign(id)!.dueAt };
}

function configureSmtp(server: TTestSmtpServer, extra: Record<string, string | boolean> = {}) {
  return saveSmtpSettings(ADMIN, { enabled: true, host: '127.0.0.1', port: server.port, security: 'none', from: 'Attest <attest@northwind.example>', ...extra });
}

const at = (dueAt: string, offsetMs: number) => new Date(Date.parse(dueAt) + offsetMs);
const to = (messages: readonly TReceivedMail[], email: string) => messages.filter((m) => m.to.includes(email));

describe('notifications', () => {
  useTempDatabase();
  let smtp: TTestSmtpServer;
  let snapshotId: number;

  beforeEach(async () => {
    process.env.APP_URL = APP_URL;
    resetEnvForTests();
    smtp = await startTestSmtpServer();
    snapshotId = buildDirectory();
  });
  afterEach(async () => {
    await smtp.close();
    delete process.env.APP_URL;
    resetEnvForTests();
  });

  it('launch: one notice per reviewer with their item count, due date and an absolute link, mailed once', async () => {
    configureSmtp(smtp);
    const c = launch(snapshotId);
    const launchRows = mailRows().filter((r) => r.kind === 'launch');
    expect(launchRows.map((r) => r.recipientEmail).sort()).toEqual([DANA, FALLBACK, MORGAN]);
    expect(queueStageStartNotices(c.id)).toBe(0);

    const result = await sendPendingMail(new Date());
    expect(result).toMatchObject({ sent: 3, failed: 0, retrying: 0 });
    const [mail] = to(smtp.messages, MORGAN) as [TReceivedMail];
    expect(to(smtp.messages, MORGAN)).toHaveLength(1);
    expect(mail.subject).toBe('Access review: 5 items to review in "Q4 access review"');
    expect(mail.headers.from).toBe('Attest <attest@northwind.example>');
    expect(mail.mailFrom).toBe('attest@northwind.example');
    expect(mail.headers['auto-submitted']).toBe('auto-generated');
    expect(mail.text).toContain('Items to review: 5');
    expect(mail.text).toContain(`Open in Attest: ${APP_URL}/reviews/${c.id}`);
    expect(to(smtp.messages, DANA)[0]!.text).toContain('Items to review: 2');
    expect(to(smtp.messages, FALLBACK)[0]!.text).toContain('Items to review: 1');
    expect(mailRows().every((r) => r.mailStatus === 'sent' && r.mailAttempts === 1)).toBe(true);

    // In the app: the same notice, unread, with the link as a path.
    const [inApp] = listNotifications(MORGAN);
    expect(inApp).toMatchObject({ kind: 'launch', linkPath: `/reviews/${c.id}`, read: false, subject: mail.subject });
    expect(countUnread(MORGAN)).toBe(1);

    // Nothing more to send.
    expect(await sendPendingMail(new Date())).toMatchObject({ sent: 0 });
    expect(smtp.messages).toHaveLength(3);
  });

  it('reminders: none at due − 4 d, one at due − 3 d, none again at the same time, one at due − 1 d', async () => {
    configureSmtp(smtp);
    const c = launch(snapshotId);
    await sendPendingMail(new Date());
    smtp.messages.length = 0;

    expect((await runNotificationTick(at(c.dueAt, -4 * DAY))).plan.notifications).toBe(0);
    expect(smtp.messages).toHaveLength(0);

    const three = await runNotificationTick(at(c.dueAt, -3 * DAY));
    expect(three.plan).toMatchObject({ notifications: 3, notices: { reminder: 3, overdue: 0, escalation: 0 }, digests: 0 });
    expect(three.send.sent).toBe(3);
    const [reminder] = to(smtp.messages, MORGAN) as [TReceivedMail];
    expect(reminder.subject).toBe('Reminder: "Q4 access review" is due in 3 days — 5 items open');
    expect(reminder.text).toContain('Open items: 5');
    expect(reminder.text).toContain(`${APP_URL}/reviews/${c.id}`);

    expect((await runNotificationTick(at(c.dueAt, -3 * DAY))).plan.notifications).toBe(0);
    expect((await runNotificationTick(at(c.dueAt, -2 * DAY))).plan.notifications).toBe(0);
    expect(smtp.messages).toHaveLength(3);

    const one = await runNotificationTick(at(c.dueAt, -1 * DAY + HOUR));
    expect(one.plan.notices.reminder).toBe(3);
    expect(to(smtp.messages, MORGAN).map((m) => m.subject)).toEqual([reminder.subject, 'Reminder: "Q4 access review" is due in 23 hours — 5 items open']);
    expect((await runNotificationTick(at(c.dueAt, -HOUR))).plan.notifications).toBe(0);
  });

  it('after downtime only the tightest reminder reached goes out, and the earlier one is not sent later', async () => {
    configureSmtp(smtp);
    const c = launch(snapshotId);
    await sendPendingMail(new Date());
    smtp.messages.length = 0;

    // The server was down from due − 4 d to due − 12 h: both thresholds (3 d, 1 d) are reached.
    const late = await runNotificationTick(at(c.dueAt, -12 * HOUR));
    expect(late.plan.notices.reminder).toBe(3);
    expect(to(smtp.messages, MORGAN)).toHaveLength(1);
    expect(to(smtp.messages, MORGAN)[0]!.subject).toContain('due in 12 hours');
    const keys = getDb().$client.prepare("SELECT key FROM notification_keys WHERE key LIKE 'reminder:%' AND key LIKE ? ORDER BY key").pluck().all(`%${MORGAN}%`);
    expect(keys).toEqual([`reminder:${c.id}:1:${MORGAN}:1d`, `reminder:${c.id}:1:${MORGAN}:3d`]);
    expect((await runNotificationTick(at(c.dueAt, -6 * HOUR))).plan.notifications).toBe(0);
  });

  it('a reminder threshold already past at launch is skipped: the launch notice gave the due date', async () => {
    configureSmtp(smtp);
    const c = launch(snapshotId, 'Short review', new Date(Date.now() + 2 * DAY).toISOString());
    await sendPendingMail(new Date());
    smtp.messages.length = 0;
    expect((await runNotificationTick(new Date(Date.now() + HOUR))).plan.notifications).toBe(0);
    expect((await runNotificationTick(at(c.dueAt, -DAY + HOUR))).plan.notices.reminder).toBe(3);
  });

  it('overdue every 2 days; escalation after 3 days to the manager, or to the owner when there is none', async () => {
    configureSmtp(smtp);
    const c = launch(snapshotId);
    await sendPendingMail(new Date());
    smtp.messages.length = 0;
    // Reminders are covered above; here only what happens after the due date.
    saveNotificationRules(ADMIN, { reminderDaysBefore: '', overdueEveryDays: 2, escalateAfterDays: 3 });

    const due = await runNotificationTick(at(c.dueAt, HOUR));
    expect(due.plan.notices).toEqual({ reminder: 0, overdue: 3, escalation: 0 });
    const overdue = to(smtp.messages, MORGAN)[0]!;
    expect(overdue.subject).toBe('Overdue: "Q4 access review" — 5 items still open');
    expect(overdue.text).toContain('is overdue');

    expect((await runNotificationTick(at(c.dueAt, DAY + HOUR))).plan.notifications).toBe(0);
    expect((await runNotificationTick(at(c.dueAt, 2 * DAY + HOUR))).plan.notices).toEqual({ reminder: 0, overdue: 3, escalation: 0 });
    smtp.messages.length = 0;

    const escalated = await runNotificationTick(at(c.dueAt, 3 * DAY + HOUR));
    expect(escalated.plan.notices).toEqual({ reminder: 0, overdue: 0, escalation: 3 });
    // Morgan → their manager Dana; Dana (no manager) and the fallback reviewer (not in the directory) → the owner, in one digest.
    const toDana = to(smtp.messages, DANA);
    expect(toDana).toHaveLength(1);
    expect(toDana[0]!.subject).toBe(`Escalation: ${MORGAN} is 3 days overdue in "Q4 access review"`);
    expect(toDana[0]!.text).toContain(`${MORGAN} has not finished their access review in "Q4 access review"`);
    expect(toDana[0]!.text).toContain('Open items: 5');
    expect(toDana[0]!.text).toContain('as their manager');
    const toOwner = to(smtp.messages, OWNER);
    expect(toOwner).toHaveLength(1);
    expect(toOwner[0]!.subject).toBe('Access reviews: 2 escalations');
    expect(toOwner[0]!.text).toContain(`${DANA} has 2 open items, 3 days overdue`);
    expect(toOwner[0]!.text).toContain(`${FALLBACK} has 1 open item, 3 days overdue`);
    expect(toOwner[0]!.text).toContain(`${APP_URL}/campaigns/${c.id}`);
    expect(to(smtp.messages, MORGAN)).toHaveLength(0);

    // Escalation happens once; overdue notices go on every 2 days.
    smtp.messages.length = 0;
    expect((await runNotificationTick(at(c.dueAt, 4 * DAY + HOUR))).plan.notices).toEqual({ reminder: 0, overdue: 3, escalation: 0 });
    expect((await runNotificationTick(at(c.dueAt, 10 * DAY + HOUR))).plan.notices).toEqual({ reminder: 0, overdue: 3, escalation: 0 });
    expect(smtp.messages.filter((m) => m.subject.startsWith('Escalation'))).toHaveLength(0);
  });

  it('digest: a reviewer in two campaigns gets one mail listing both, never one per campaign or item', async () => {
    configureSmtp(smtp);
    const dueAt = inDays(20);
    const first = launch(snapshotId, 'Q4 access review', dueAt);
    const second = launch(snapshotId, 'Finance groups', dueAt);
    await sendPendingMail(new Date());
    smtp.messages.length = 0;

    const tick = await runNotificationTick(at(first.dueAt, -3 * DAY));
    expect(tick.plan).toMatchObject({ notifications: 3, digests: 3, notices: { reminder: 6 } });
    const mine = to(smtp.messages, MORGAN);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.subject).toBe('Access reviews: 2 reviews waiting');
    expect(mine[0]!.text).toContain('"Q4 access review": 5 items still open, due');
    expect(mine[0]!.text).toContain('"Finance groups": 5 items still open, due');
    expect(mine[0]!.text).toContain(`Open in Attest: ${APP_URL}/reviews`);
    const [digest] = listNotifications(MORGAN, { limit: 1 });
    expect(digest).toMatchObject({ kind: 'digest', campaignId: null, linkPath: '/reviews' });
    // One notification in the app too, covering both campaigns' reminders.
    expect(listNotifications(MORGAN).filter((n) => n.kind !== 'launch')).toHaveLength(1);
    expect(getDb().$client.prepare('SELECT key FROM notification_keys WHERE notification_id = ? ORDER BY key').pluck().all(digest!.id)).toEqual([
      `reminder:${first.id}:1:${MORGAN}:3d`,
      `reminder:${second.id}:1:${MORGAN}:3d`,
    ]);
  });

  it('no mail after sign-off: no reminder, overdue notice or escalation for that reviewer, and a queued one is not sent', async () => {
    configureSmtp(smtp);
    const c = launch(snapshotId);
    await sendPendingMail(new Date());
    smtp.messages.length = 0;

    // The fallback reviewer's reminder is queued, then they sign off before it goes out.
    planDueNotifications(at(c.dueAt, -3 * DAY));
    const fallbackItems = allItems(c.id).filter((i) => i.reviewerEmail === FALLBACK);
    bulkDecide(actor(FALLBACK), { campaignId: c.id, decision: 'certify', target: { itemIds: fallbackItems.map((i) => i.id) } });
    signOff(actor(FALLBACK), { campaignId: c.id, statement: DEFAULT_ATTESTATION_STATEMENT });
    const sent = await sendPendingMail(at(c.dueAt, -3 * DAY));
    expect(sent).toMatchObject({ sent: 2, skipped: 1 });
    expect(to(smtp.messages, FALLBACK)).toHaveLength(0);
    expect(mailRows().find((r) => r.recipientEmail === FALLBACK && r.kind === 'reminder')).toMatchObject({ mailStatus: 'skipped', mailLastError: expect.stringMatching(/^Skipped: .*signed off/) });
    // The in-app copy is still there.
    expect(listNotifications(FALLBACK).map((n) => n.kind)).toEqual(['reminder', 'launch']);

    // Morgan decides everything and signs off.
    const items = allItems(c.id).filter((i) => i.reviewerEmail === MORGAN);
    bulkDecide(actor(MORGAN), { campaignId: c.id, decision: 'certify', target: { itemIds: items.map((i) => i.id) } });
    signOff(actor(MORGAN), { campaignId: c.id, statement: DEFAULT_ATTESTATION_STATEMENT });
    smtp.messages.length = 0;

    for (const offset of [-DAY + HOUR, HOUR, 3 * DAY + HOUR, 10 * DAY]) await runNotificationTick(at(c.dueAt, offset));
    expect(to(smtp.messages, MORGAN)).toHaveLength(0);
    expect(to(smtp.messages, FALLBACK)).toHaveLength(0);
    expect(smtp.messages.some((m) => m.text.includes(`${MORGAN} has`) || m.text.includes(`${FALLBACK} has`))).toBe(false);
    // Not even queued in the app: what they have is from before their sign-off.
    expect(listNotifications(MORGAN).map((n) => n.kind)).toEqual(['reminder', 'launch']);
    expect(listNotifications(FALLBACK).map((n) => n.kind)).toEqual(['reminder', 'launch']);
    // Dana did not sign off: reminder, overdue notices and the escalation (to the owner) still come.
    expect(to(smtp.messages, DANA).length).toBeGreaterThanOrEqual(3);
    expect(to(smtp.messages, OWNER).map((m) => m.subject)).toEqual([`Escalation: ${DANA} is 3 days overdue in "Q4 access review"`]);

    // The rule holds on the sign-off row itself, not only on "nothing open": a sign-off recorded
    // while items are open (lib/review does not allow it today) still silences the reviewer.
    getDb()
      .$client.prepare("INSERT INTO reviewer_signoffs (campaign_id, reviewer_email, stage, statement, signed_at, item_count) VALUES (?, ?, 1, 's', ?, 2)")
      .run(c.id, DANA, new Date().toISOString());
    smtp.messages.length = 0;
    expect((await runNotificationTick(at(c.dueAt, 20 * DAY))).plan.notifications).toBe(0);
    expect(smtp.messages).toHaveLength(0);
  });

  it('queued inside the caller\'s transaction: a launch that rolls back leaves no notice', () => {
    const id = createCampaignDraft(ADMIN, campaignInput(snapshotId, { fallbackReviewerEmail: FALLBACK })).id;
    launchCampaign(ADMIN, id);
    getDb().$client.prepare('DELETE FROM notifications').run();
    expect(() =>
      getDb().transaction(
        () => {
          expect(queueStageStartNotices(id)).toBe(3);
          throw new Error('launch failed after queueing');
        },
        { behavior: 'immediate' },
      ),
    ).toThrow('launch failed');
    expect(mailRows()).toHaveLength(0);
    expect(getDb().$client.prepare('SELECT count(*) FROM notification_keys').pluck().get()).toBe(0);
    expect(queueStageStartNotices(id)).toBe(3);
  });

  it('a later stage: its reviewers get a stage-started notice, the earlier stage\'s reviewers nothing more', async () => {
    configureSmtp(smtp);
    const c = launch(snapshotId);
    await sendPendingMail(new Date());
    planDueNotifications(at(c.dueAt, -3 * DAY)); // queued for stage 1, not sent yet
    smtp.messages.length = 0;

    // What lib/review's stage advance does, reduced to its effect: Morgan's items go on to Erin in stage 2.
    const stage2Due = new Date(Date.parse(c.dueAt) + 14 * DAY).toISOString();
    const db = getDb().$client;
    db.prepare("UPDATE review_items SET stage = 2, reviewer_email = 'erin@northwind.example' WHERE campaign_id = ? AND reviewer_email = ?").run(c.id, MORGAN);
    db.prepare(`UPDATE campaigns SET current_stage = 2, due_at = ?, later_stages_json = '[{"reviewerRule":"fixed"}]' WHERE id = ?`).run(stage2Due, c.id);
    expect(queueStageStartNotices(c.id)).toBe(1);
    expect(queueStageStartNotices(c.id)).toBe(0);

    const sent = await sendPendingMail(at(c.dueAt, -3 * DAY));
    // Stage 1's queued reminders no longer apply; Erin's stage notice goes out.
    expect(sent).toMatchObject({ sent: 1, skipped: 3 });
    const [erin] = smtp.messages as [TReceivedMail];
    expect(erin.to).toEqual(['erin@northwind.example']);
    expect(erin.subject).toBe('Access review: stage 2 of "Q4 access review" — 5 items to review');
    expect(erin.text).toContain('Stage 2 of 2 of "Q4 access review" has started');
    expect(erin.text).toContain(`${APP_URL}/reviews/${c.id}`);

    // Reminders follow stage 2's due date, and only for its reviewers.
    smtp.messages.length = 0;
    expect((await runNotificationTick(at(c.dueAt, HOUR))).plan.notifications).toBe(0);
    const tick = await runNotificationTick(new Date(Date.parse(stage2Due) - 3 * DAY));
    expect(tick.plan.notices.reminder).toBe(1);
    expect(smtp.messages.map((m) => m.to[0])).toEqual(['erin@northwind.example']);
    expect(smtp.messages[0]!.text).toContain('"Q4 access review" (stage 2 of 2)');
  });

  it('escalation without a manager goes to the owner, and is held while the owner is not a person', async () => {
    configureSmtp(smtp);
    saveNotificationRules(ADMIN, { reminderDaysBefore: '', overdueEveryDays: '', escalateAfterDays: 1 });
    const id = createCampaignDraft({ id: null, email: 'system' }, campaignInput(snapshotId, { fallbackReviewerEmail: FALLBACK })).id;
    launchCampaign(ADMIN, id);
    await sendPendingMail(new Date());
    smtp.messages.length = 0;
    const dueAt = getCampaign(id)!.dueAt;
    // Morgan → Dana (manager); Dana and the fallback reviewer have no manager and the owner is 'system': nobody to tell yet.
    const tick = await runNotificationTick(at(dueAt, 2 * DAY));
    expect(tick.plan.notices.escalation).toBe(1);
    expect(smtp.messages.map((m) => m.to[0])).toEqual([DANA]);
    expect(smtp.messages.some((m) => m.to.includes('system'))).toBe(false);
  });

  it('a closed campaign gets nothing, and its queued mail is not sent', async () => {
    configureSmtp(smtp);
    const c = launch(snapshotId);
    closeCampaign(ADMIN, c.id);
    expect(await sendPendingMail(new Date())).toMatchObject({ sent: 0, skipped: 3 });
    for (const offset of [-3 * DAY, -DAY, HOUR, 5 * DAY]) {
      expect((await runNotificationTick(at(c.dueAt, offset))).plan.notifications).toBe(0);
    }
    expect(smtp.messages).toHaveLength(0);
    expect(listNotifications(MORGAN)).toHaveLength(1);
  });

  it('SMTP down: retried with backoff, then failed with the error; the in-app copy stays', async () => {
    configureSmtp(smtp);
    launch(snapshotId);
    await smtp.close();
    const t0 = new Date();

    const first = await sendPendingMail(t0);
    // The server is unreachable: one attempt, then the run stops (every other mail would fail the same way).
    expect(first).toMatchObject({ sent: 0, retrying: 1, failed: 0 });
    expect(first.stoppedBecause).toMatch(/^Could not connect to 127\.0\.0\.1:\d+/);
    const [a, b] = mailRows() as [TMailRow, TMailRow];
    expect(a).toMatchObject({ mailStatus: 'pending', mailAttempts: 1, mailLastError: expect.stringMatching(/Could not connect/) });
    expect(Date.parse(a.mailNextAttemptAt!) - t0.getTime()).toBeGreaterThanOrEqual(2 * 60_000);
    expect(b).toMatchObject({ mailStatus: 'pending', mailAttempts: 0 });

    // Backoff: one minute later the first row is not due yet (the second one is tried instead).
    await sendPendingMail(new Date(t0.getTime() + 60_000));
    expect(mailRows()[0]!.mailAttempts).toBe(1);
    expect(mailRows()[1]!.mailAttempts).toBe(1);

    // Keep ticking, two hours apart, until nothing is pending.
    let t = t0.getTime();
    for (let i = 0; i < 40 && mailRows().some((r) => r.mailStatus === 'pending'); i++) {
      t += 2 * HOUR;
      await sendPendingMail(new Date(t));
    }
    for (const row of mailRows()) {
      expect(row).toMatchObject({ mailStatus: 'failed', mailAttempts: MAIL_MAX_ATTEMPTS, mailLastError: expect.stringMatching(/^Could not connect to 127\.0\.0\.1/) });
    }
    expect(getMailOutboxSummary()).toMatchObject({ counts: { failed: 3, sent: 0, pending: 0 }, lastError: { error: expect.stringMatching(/Could not connect/) } });
    expect(listNotifications(MORGAN)).toHaveLength(1);
    expect(countUnread(MORGAN)).toBe(1);
    smtp = await startTestSmtpServer(); // for afterEach
  });

  it('a recipient the server refuses (5yz) fails at once, the others are sent', async () => {
    await smtp.close();
    smtp = await startTestSmtpServer({ rejectRecipients: [DANA] });
    configureSmtp(smtp);
    launch(snapshotId);
    expect(await sendPendingMail(new Date())).toMatchObject({ sent: 2, failed: 1, retrying: 0, stoppedBecause: null });
    expect(mailRows().find((r) => r.recipientEmail === DANA)).toMatchObject({ mailStatus: 'failed', mailAttempts: 1, mailLastError: expect.stringMatching(/refused the mail: .*550/) });
  });

  it('not configured, or mail turned off: not_configured, the in-app copy still shows', async () => {
    const c = launch(snapshotId);
    expect(getSmtpSummary()).toMatchObject({ configured: false, enabled: false });
    expect(await sendPendingMail(new Date())).toMatchObject({ notConfigured: 3, sent: 0 });
    expect(mailRows().every((r) => r.mailStatus === 'not_configured')).toBe(true);
    expect(listNotifications(MORGAN)[0]).toMatchObject({ kind: 'launch', linkPath: `/reviews/${c.id}` });

    configureSmtp(smtp, { enabled: false });
    expect(getSmtpSummary()).toMatchObject({ configured: true, enabled: false });
    const tick = await runNotificationTick(at(c.dueAt, -3 * DAY));
    expect(tick.send).toMatchObject({ notConfigured: 3, sent: 0 });
    expect(smtp.messages).toHaveLength(0);
    expect(countUnread(MORGAN)).toBe(2);
  });

  it('in-app: each user sees and marks only their own notifications', () => {
    launch(snapshotId);
    launch(snapshotId, 'Second review');
    const morgan = listNotifications(MORGAN);
    const dana = listNotifications(DANA);
    expect(morgan).toHaveLength(2);
    expect(listNotifications('Morgan@Northwind.example')).toHaveLength(2);
    // Dana cannot mark Morgan's as read.
    expect(markRead(DANA, morgan.map((n) => n.id))).toBe(0);
    expect(countUnread(MORGAN)).toBe(2);
    expect(markRead(MORGAN, [morgan[0]!.id])).toBe(1);
    expect(listNotifications(MORGAN, { unreadOnly: true }).map((n) => n.id)).toEqual([morgan[1]!.id]);
    expect(markRead(MORGAN, 'all')).toBe(1);
    expect(countUnread(MORGAN)).toBe(0);
    expect(countUnread(DANA)).toBe(dana.length);
    expect(() => markRead(MORGAN, [])).toThrow(AppError);
  });

  it('the SMTP password: encrypted at rest, used to log in, never returned, audited or logged', async () => {
    const password = 'correct-horse-battery-staple-42';
    await smtp.close();
    smtp = await startTestSmtpServer({ auth: { username: 'attest-mailer', password } });
    // pino writes its JSON lines to fd 2 with fs.writeSync (sync destination): capture them.
    const output: string[] = [];
    const original = fs.writeSync.bind(fs) as (...args: unknown[]) => number;
    const write = vi.spyOn(fs, 'writeSync').mockImplementation(((...args: unknown[]) => {
      const [fd, data] = args as [number, string | Uint8Array];
      if (fd !== 2) return original(...args);
      output.push(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
      return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    }) as typeof fs.writeSync);
    const level = log.level;
    log.level = 'trace';
    try {
      const summary = configureSmtp(smtp, { username: 'attest-mailer', password });
      expect(summary).toMatchObject({ configured: true, enabled: true, username: 'attest-mailer', password: { set: true, endsWith: 'e-42' } });
      const stored = getDb().$client.prepare("SELECT value_json FROM app_settings WHERE key = 'notifications.smtp'").pluck().get() as string;
      expect(stored).not.toContain(password);
      const ciphertext = (JSON.parse(stored) as { passwordCiphertext: string }).passwordCiphertext;
      expect(ciphertext).toMatch(/^v1\./);

      const c = launch(snapshotId);
      expect(await sendPendingMail(new Date())).toMatchObject({ sent: 3 });
      expect(smtp.logins.every((l) => l.accepted && l.username === 'attest-mailer')).toBe(true);

      // Blank password, same account: the saved one is kept.
      configureSmtp(smtp, { username: 'attest-mailer', password: '' });
      expect((await sendTestMail(ADMIN, { to: '' })).ok).toBe(true);
      expect(smtp.messages.at(-1)).toMatchObject({ to: [OWNER], subject: 'Attest test mail' });
      // A new username without a password is refused: a saved password never follows another account.
      expect(() => configureSmtp(smtp, { username: 'someone-else', password: '' })).toThrow(/Enter the password/);

      // A wrong password: the test mail says so clearly, without any password.
      const wrong = 'wrong-password-that-is-long';
      configureSmtp(smtp, { username: 'attest-mailer', password: wrong });
      const failed = await sendTestMail(ADMIN, { to: 'it@northwind.example' });
      expect(failed).toMatchObject({ ok: false, kind: 'auth_failed', message: expect.stringMatching(/^Authentication failed at 127\.0\.0\.1:\d+: 535/) });
      await runNotificationTick(at(c.dueAt, -3 * DAY));
      const lastError = getMailOutboxSummary().lastError?.error ?? '';
      expect(lastError).toMatch(/Authentication failed/);

      const everything = [
        JSON.stringify(getSmtpSummary()),
        JSON.stringify(failed),
        lastError,
        ...listAuditPage({}, 1, 100).rows.map((r) => r.details),
        ...mailRows().map((r) => r.mailLastError ?? ''),
        output.join(''),
      ].join('\n');
      expect(output.join('')).toContain('notification mail will be retried');
      for (const secret of [password, wrong, ciphertext, Buffer.from(password).toString('base64'), Buffer.from(wrong).toString('base64')]) {
        expect(everything).not.toContain(secret);
      }
      const audit = listAuditPage({ action: 'notifications.settings_updated' }, 1, 10).rows;
      expect(audit.length).toBeGreaterThanOrEqual(3);
      expect(JSON.parse(audit[0]!.details)).toMatchObject({ after: { username: 'attest-mailer', passwordSet: true }, passwordChanged: true });
      expect(listAuditPage({ action: 'notifications.test_mail_sent' }, 1, 10).rows.map((r) => JSON.parse(r.details))).toEqual([
        { to: 'it@northwind.example', ok: false, kind: 'auth_failed' },
        { to: OWNER, ok: true },
      ]);
    } finally {
      log.level = level;
      write.mockRestore();
    }
  });

  it('the test mail reports an unreachable server and a missing configuration in words', async () => {
    expect(await sendTestMail(ADMIN, {})).toMatchObject({ ok: false, kind: 'not_configured', message: expect.stringMatching(/not configured/) });
    configureSmtp(smtp);
    await smtp.close();
    expect(await sendTestMail(ADMIN, {})).toMatchObject({ ok: false, kind: 'unreachable', message: expect.stringMatching(/^Could not connect to 127\.0\.0\.1:\d+: .*ECONNREFUSED/) });
    smtp = await startTestSmtpServer();
  });

  it('bad settings: clear field errors, nothing written', () => {
    const error = (fn: () => unknown): AppError => {
      try {
        fn();
      } catch (e) {
        if (e instanceof AppError) return e;
        throw e;
      }
      throw new Error('expected an AppError');
    };
    const smtpError = error(() =>
      saveSmtpSettings(ADMIN, { enabled: true, host: 'smtp://mail.example.com', port: '99999', security: 'ssl' as 'tls', from: 'Attest <not an address>\r\nBcc: x@evil.example', username: '', password: 'pw' }),
    );
    expect(smtpError.code).toBe('invalid');
    expect(Object.keys(smtpError.fieldErrors ?? {}).sort()).toEqual(['from', 'host', 'port', 'security']);
    expect(smtpError.fieldErrors?.port).toEqual(['at most 65535 port']);
    expect(smtpError.message).not.toContain('pw');
    expect(error(() => saveSmtpSettings(ADMIN, { enabled: true, host: '', from: '' })).fieldErrors).toEqual({ host: ['enter the SMTP host, or turn mail off'] });
    expect(error(() => saveSmtpSettings(ADMIN, { host: 'mail.example.com', from: '' })).fieldErrors).toEqual({ from: ['enter the address mails are sent from'] });
    expect(error(() => saveSmtpSettings(ADMIN, { host: 'mail.example.com', from: 'a@example.com', password: 'secret' })).fieldErrors).toEqual({
      username: ['enter the username this password belongs to'],
    });

    const rulesError = error(() => saveNotificationRules(ADMIN, { reminderDaysBefore: '3, soon, 0', overdueEveryDays: '0', escalateAfterDays: '2.5' }));
    expect(Object.keys(rulesError.fieldErrors ?? {}).sort()).toEqual(['escalateAfterDays', 'overdueEveryDays', 'reminderDaysBefore.1', 'reminderDaysBefore.2']);
    expect(rulesError.fieldErrors?.overdueEveryDays).toEqual(['at least 1 days']);

    expect(getDb().$client.prepare("SELECT count(*) FROM app_settings WHERE key LIKE 'notifications.%'").pluck().get()).toBe(0);
    expect(listAuditPage({ action: 'notifications.settings_updated' }, 1, 10).total).toBe(0);
    expect(getSmtpSummary()).toMatchObject({ configured: false, host: null, password: { set: false, endsWith: null } });

    // Good input is normalised: default port per security, reminder days deduplicated and sorted.
    expect(saveSmtpSettings(ADMIN, { host: 'Mail.Example.com', security: 'tls', from: 'attest@example.com' })).toMatchObject({ host: 'mail.example.com', port: 465, enabled: false });
    expect(saveNotificationRules(ADMIN, { reminderDaysBefore: '1, 7 3 1', overdueEveryDays: '', escalateAfterDays: '5' })).toEqual({
      reminderDaysBefore: [7, 3, 1],
      overdueEveryDays: null,
      escalateAfterDays: 5,
    });
  });
});
