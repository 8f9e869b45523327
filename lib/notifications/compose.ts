import type { TNotificationKind } from '@/db/schema';
import { formatCount, formatCountOf, formatDateTime } from '@/lib/format';

/**
 * The words of every notification: pure functions from a notice to a subject and a plain-text
 * body. The body carries no link (the in-app list shows `linkPath` as a link; the mail appends
 * it made absolute with APP_URL), so the text stays right if Attest moves to another address.
 */

const DAY_MS = 86_400_000;

type TCampaignRef = {
  campaignId: number;
  campaignName: string;
  stage: number;
  stageCount: number;
  dueAt: string;
};

/** One thing to tell one person; several of them for the same person in one run become a digest. */
export type TNotice =
  | (TCampaignRef & { kind: 'launch' | 'stage_started'; recipientEmail: string; items: number; open: number })
  | (TCampaignRef & { kind: 'reminder'; recipientEmail: string; open: number; daysBefore: number })
  | (TCampaignRef & { kind: 'overdue'; recipientEmail: string; open: number })
  | (TCampaignRef & { kind: 'escalation'; recipientEmail: string; reviewerEmail: string; open: number; escalatedTo: 'manager' | 'owner' });

export type TComposed = { kind: TNotificationKind; subject: string; bodyText: string; linkPath: string | null; campaignId: number | null };


/** "Q4 access review" or "Q4 access review (stage 2 of 3)". */
function campaignLabel(n: TCampaignRef): string {
  return n.stageCount > 1 ? `"${n.campaignName}" (stage ${n.stage} of ${n.stageCount})` : `"${n.campaignName}"`;
}

/** "in 3 days", "in 5 hours", "2 days ago": whole units, rounded down, from `now`. */
export function relativeTo(iso: string, now: Date): string {
  const ms = Date.parse(iso) - now.getTime();
  const abs = Math.abs(ms);
  const text = abs >= DAY_MS ? formatCountOf(Math.floor(abs / DAY_MS), 'day') : abs >= 3_600_000 ? formatCountOf(Math.floor(abs / 3_600_000), 'hour') : 'less than an hour';
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

/** Whole days since the due date (0 on the day it passed). */
export function daysOverdue(dueAt: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(dueAt)) / DAY_MS));
}

/** Where a notice points: the reviewer's queue, or for an escalation to the owner the admin's campaign page. */
export function noticeLink(n: TNotice): string | null {
  if (n.kind !== 'escalation') return `/reviews/${n.campaignId}`;
  // A manager may not be an Attest user at all, and cannot open the admin pages: the text says what to do.
  return n.escalatedTo === 'owner' ? `/campaigns/${n.campaignId}` : null;
}

function subjectOf(n: TNotice, now: Date): string {
  switch (n.kind) {
    case 'launch':
      return `Access review: ${formatCountOf(n.items, 'item')} to review in "${n.campaignName}"`;
    case 'stage_started':
      return `Access review: stage ${n.stage} of "${n.campaignName}" — ${formatCountOf(n.items, 'item')} to review`;
    case 'reminder':
      return `Reminder: "${n.campaignName}" is due ${relativeTo(n.dueAt, now)} — ${formatCountOf(n.open, 'item')} open`;
    case 'overdue':
      return `Overdue: "${n.campaignName}" — ${formatCountOf(n.open, 'item')} still open`;
    case 'escalation':
      return `Escalation: ${n.reviewerEmail} is ${formatCountOf(daysOverdue(n.dueAt, now), 'day')} overdue in "${n.campaignName}"`;
  }
}

/** The sentence a notice contributes to a digest (and the heart of its own mail). */
export function noticeLine(n: TNotice, now: Date): string {
  const due = `${formatDateTime(n.dueAt)} (${relativeTo(n.dueAt, now)})`;
  switch (n.kind) {
    case 'launch':
    case 'stage_started':
      return `${campaignLabel(n)}: ${formatCountOf(n.items, 'item')} assigned to you${n.open !== n.items ? ` (${formatCount(n.open)} open)` : ''}, due ${due}.`;
    case 'reminder':
      return `${campaignLabel(n)}: ${formatCountOf(n.open, 'item')} still open, due ${due}.`;
    case 'overdue':
      return `${campaignLabel(n)}: ${formatCountOf(n.open, 'item')} still open, overdue since ${formatDateTime(n.dueAt)} (${formatCountOf(daysOverdue(n.dueAt, now), 'day')}).`;
    case 'escalation':
      return `${campaignLabel(n)}: ${n.reviewerEmail} has ${formatCountOf(n.open, 'open item')}, ${formatCountOf(daysOverdue(n.dueAt, now), 'day')} overdue (due ${formatDateTime(n.dueAt)}).`;
  }
}

function bodyOf(n: TNotice, now: Date): string {
  switch (n.kind) {
    case 'launch':
    case 'stage_started': {
      const intro =
        n.kind === 'launch'
          ? `You have been asked to review access in ${campaignLabel(n)}.`
          : `Stage ${n.stage} of ${n.stageCount} of "${n.campaignName}" has started, and access has been assigned to you for review.`;
      return [
        intro,
        '',
        `Items to review: ${formatCount(n.items)}${n.open !== n.items ? ` (${formatCount(n.open)} still open)` : ''}`,
        `Due: ${formatDateTime(n.dueAt)} (${relativeTo(n.dueAt, now)})`,
        '',
        'Certify what each person still needs and revoke the rest, then sign off.',
      ].join('\n');
    }
    case 'reminder':
      return [`A reminder: your access review in ${campaignLabel(n)} is due ${relativeTo(n.dueAt, now)}.`, '', `Open items: ${formatCount(n.open)}`, `Due: ${formatDateTime(n.dueAt)}`, '', 'Decide every item, then sign off.'].join('\n');
    case 'overdue':
      return [
        `Your access review in ${campaignLabel(n)} is overdue.`,
        '',
        `Open items: ${formatCount(n.open)}`,
        `Was due: ${formatDateTime(n.dueAt)} (${formatCountOf(daysOverdue(n.dueAt, now), 'day')} ago)`,
        '',
        'Decide every item, then sign off.',
      ].join('\n');
    case 'escalation':
      return [
        `${n.reviewerEmail} has not finished their access review in ${campaignLabel(n)}.`,
        '',
        `Open items: ${formatCount(n.open)}`,
        `Was due: ${formatDateTime(n.dueAt)} (${formatCountOf(daysOverdue(n.dueAt, now), 'day')} overdue)`,
        '',
        n.escalatedTo === 'manager'
          ? `You receive this as their manager. Please ask them to finish the review, or ask the campaign's owner to reassign it.`
          : `You receive this as the campaign's owner (no manager is recorded for them). You can remind them, reassign their items, or extend the due date.`,
      ].join('\n');
  }
}

/** One notice as its own notification. */
export function composeNotice(n: TNotice, now: Date): TComposed {
  return { kind: n.kind, subject: subjectOf(n, now), bodyText: bodyOf(n, now), linkPath: noticeLink(n), campaignId: n.campaignId };
}

/**
 * Everything one person is told in one run, as one notification: the notice itself when there is
 * one, else a digest listing each campaign with its open count and due date (never one mail per
 * item or per campaign).
 */
export function composeForRecipient(notices: readonly TNotice[], now: Date): TComposed {
  if (notices.length === 0) throw new Error('composeForRecipient needs at least one notice');
  if (notices.length === 1) return composeNotice(notices[0]!, now);

  const own = notices.filter((n) => n.kind !== 'escalation');
  const escalations = notices.filter((n) => n.kind === 'escalation');
  const overdue = own.filter((n) => n.kind === 'overdue').length;
  const lines: string[] = [];
  if (own.length > 0) {
    lines.push('Your access reviews:', '', ...own.map((n) => `- ${noticeLine(n, now)}`));
  }
  if (escalations.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push('Overdue reviews you are asked to follow up:', '', ...escalations.map((n) => `- ${noticeLine(n, now)}`));
  }
  lines.push('', own.length > 0 ? 'Decide every item, then sign off each review.' : 'Please follow up with each reviewer.');

  const parts: string[] = [];
  if (own.length > 0) parts.push(`${formatCountOf(own.length, 'review')} waiting${overdue > 0 ? ` (${formatCount(overdue)} overdue)` : ''}`);
  if (escalations.length > 0) parts.push(formatCountOf(escalations.length, 'escalation'));

  const campaignIds = new Set(notices.map((n) => n.campaignId));
  const links = new Set(notices.map(noticeLink));
  let linkPath: string | null;
  if (links.size === 1) linkPath = [...links][0] ?? null;
  else if (own.length > 0) linkPath = '/reviews';
  else linkPath = escalations.every((n) => n.kind === 'escalation' && n.escalatedTo === 'owner') ? '/campaigns' : null;

  return {
    kind: 'digest',
    subject: `Access reviews: ${parts.join(', ')}`,
    bodyText: lines.join('\n'),
    linkPath,
    campaignId: campaignIds.size === 1 ? notices[0]!.campaignId : null,
  };
}

/** The mail text: the stored body, the link made absolute, and why the person gets it. */
export function mailText(row: { bodyText: string; linkPath: string | null }, appUrl: string): string {
  const base = appUrl.replace(/\/+$/, '');
  const lines = [row.bodyText, ''];
  if (row.linkPath) lines.push(`Open in Attest: ${base}${row.linkPath}`, '');
  lines.push('--', `Sent by Attest (${base}). Your notifications: ${base}/notifications`);
  return lines.join('\n');
}
