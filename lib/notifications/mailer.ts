import 'server-only';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { appendAudit, type TActor } from '@/lib/audit';
import { env } from '@/lib/env';
import { log, redactSecret } from '@/lib/log';
import { mailText } from './compose';
import {
  claimMail,
  getReviewerStageState,
  listDueMail,
  listKeysOf,
  markDueMailNotConfigured,
  markMailFailed,
  markMailSkipped,
  markMailSent,
  scheduleMailRetry,
  type TMailRow,
} from './queries';
import { parseNotificationInput, ZTestMailInput, type TTestMailInput } from './schemas';
import { getSmtpTransportSettings, SmtpPasswordUnreadableError, type TSmtpTransportSettings } from './settings';
import { parseNoticeKey } from './store';

/**
 * The mail outbox: notifications are written with `mail_status = 'pending'` in the transaction
 * that caused them and sent from here after commit, one SMTP conversation per mail, with no
 * transaction open around the network call. A row is claimed first (attempts + 1, the next
 * attempt pushed out by a lease) so two processes never send the same row at once; a process that
 * dies mid-send leaves it to be retried after the lease (at-least-once: a crash at the wrong
 * instant can repeat one mail, never lose one).
 */

export const MAIL_MAX_ATTEMPTS = 5;
const RETRY_BASE_MS = 2 * 60_000;
const RETRY_MAX_MS = 60 * 60_000;
// Longer than a whole SMTP conversation can take with the timeouts below.
const CLAIM_LEASE_MS = 10 * 60_000;
const BATCH = 100;

export type TSendResult = {
  sent: number;
  /** Failed this time, retried later with backoff. */
  retrying: number;
  /** Failed for good (a permanent refusal, or the last attempt). */
  failed: number;
  /** Not sent because it no longer applied (the reviewer signed off, the campaign closed or moved on). */
  skipped: number;
  /** Mail off or SMTP not configured: kept in-app only. */
  notConfigured: number;
  /** Why the run stopped before the end of the queue (the SMTP server is unreachable, refuses the login…), if it did. */
  stoppedBecause: string | null;
};

export type TMailFailureKind = 'unreachable' | 'timeout' | 'tls' | 'auth_failed' | 'rejected' | 'temporary' | 'config' | 'error';

export type TMailFailure = {
  kind: TMailFailureKind;
  /** Safe to store and show: the SMTP server's reply or the network error, secrets redacted. */
  message: string;
  /** Retrying later may succeed. */
  transient: boolean;
  /** Every other mail would fail the same way (the server, not this message): stop the run. */
  serverWide: boolean;
};

type TSmtpError = Error & { code?: string; responseCode?: number; response?: string; command?: string };

/** Sort a nodemailer failure by what to do about it (nodemailer lib/errors.js codes; RFC 5321 §4.2.1: 4yz transient, 5yz permanent). */
export function classifyMailError(error: unknown, settings: Pick<TSmtpTransportSettings, 'host' | 'port' | 'password' | 'username'> | null): TMailFailure {
  if (error instanceof SmtpPasswordUnreadableError) return { kind: 'config', message: error.message, transient: true, serverWide: true };
  const e = (error instanceof Error ? error : new Error(String(error))) as TSmtpError;
  const where = settings ? `${settings.host}:${settings.port}` : 'the SMTP server';
  const reply = e.response ? redact(e.response, settings) : null;
  const detail = redact(e.message, settings);
  const code = e.code ?? '';
  if (code === 'EAUTH' || code === 'ENOAUTH') {
    return { kind: 'auth_failed', message: `Authentication failed at ${where}${reply ? `: ${reply}` : ''}. Check the username and password.`, transient: true, serverWide: true };
  }
  if (code === 'ETLS' || code === 'EREQUIRETLS') {
    return { kind: 'tls', message: `TLS failed with ${where}: ${detail}. Check the security setting and the port.`, transient: true, serverWide: true };
  }
  if (code === 'ETIMEDOUT') return { kind: 'timeout', message: `${where} did not answer in time: ${detail}`, transient: true, serverWide: true };
  if (code === 'ECONNECTION' || code === 'ESOCKET' || code === 'EDNS' || code === 'ECONNREFUSED') {
    return { kind: 'unreachable', message: `Could not connect to ${where}: ${detail}`, transient: true, serverWide: true };
  }
  if (code === 'ECONFIG' || code === 'EPROTOCOL') return { kind: 'config', message: `${where}: ${detail}`, transient: true, serverWide: true };
  const status = e.responseCode ?? 0;
  if (status >= 400 && status < 500) return { kind: 'temporary', message: `${where} deferred the mail: ${reply ?? detail}`, transient: true, serverWide: false };
  if (status >= 500) return { kind: 'rejected', message: `${where} refused the mail: ${reply ?? detail}`, transient: false, serverWide: false };
  return { kind: 'error', message: `Sending through ${where} failed: ${detail}`, transient: true, serverWide: false };
}

function redact(text: string, settings: Pick<TSmtpTransportSettings, 'password' | 'username'> | null): string {
  const password = settings?.password ?? undefined;
  // AUTH PLAIN / LOGIN send the credentials base64-encoded: scrub those forms too.
  const encoded = password
    ? [Buffer.from(password).toString('base64'), Buffer.from(`\u0000${settings?.username ?? ''}\u0000${password}`).toString('base64')]
    : [];
  return redactSecret(text, [password, ...encoded]).slice(0, 1_000);
}

/**
 * A nodemailer transport for the settings (plain text, no file or URL access for attachments).
 * `pooled`: one connection reused for a run's mails (a launch mails every reviewer; providers
 * throttle new connections), closed at the end of the run.
 */
function createTransport(s: TSmtpTransportSettings, pooled = false): nodemailer.Transporter<SMTPTransport.SentMessageInfo> {
  const options: SMTPTransport.Options & { pool?: boolean; maxConnections?: number; maxMessages?: number } = {
    host: s.host,
    port: s.port,
    secure: s.security === 'tls',
    // 'starttls' refuses to continue in clear text when the server does not offer STARTTLS;
    // 'none' never upgrades (a relay on localhost with a self-signed certificate would break it).
    requireTLS: s.security === 'starttls',
    ignoreTLS: s.security === 'none',
    auth: s.username ? { user: s.username, pass: s.password ?? '' } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
    debug: false,
    ...(pooled ? { pool: true, maxConnections: 1, maxMessages: 100 } : {}),
  };
  return nodemailer.createTransport(options);
}

async function deliver(
  transport: nodemailer.Transporter<SMTPTransport.SentMessageInfo>,
  s: TSmtpTransportSettings,
  message: { to: string; subject: string; text: string },
): Promise<string | null> {
  const info = await transport.sendMail({
    from: s.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    // RFC 3834 §5: marks the mail as automatic, so vacation responders do not answer it.
    headers: { 'Auto-Submitted': 'auto-generated' },
  });
  return info.messageId ?? null;
}

/** Why a queued mail no longer applies, or null when it still does (read outside any transaction). */
function staleReason(row: TMailRow): string | null {
  const keys = listKeysOf(row.id)
    .map(parseNoticeKey)
    .filter((k) => k !== null);
  if (keys.length === 0) return null;
  const reasons: string[] = [];
  for (const k of keys) {
    const state = getReviewerStageState(k.campaignId, k.stage, k.reviewerEmail);
    if (!state) reasons.push(`campaign ${k.campaignId} no longer exists`);
    else if (state.status === 'closed') reasons.push(`campaign ${k.campaignId} is closed`);
    else if (state.currentStage !== k.stage) reasons.push(`campaign ${k.campaignId} moved on to stage ${state.currentStage}`);
    else if (state.signedOff) reasons.push(`${k.reviewerEmail} signed off`);
    else return null;
  }
  return `Skipped: no longer applies (${[...new Set(reasons)].join('; ')}).`;
}

function retryDelay(attempt: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempt - 1));
}

/**
 * Send the mails due at `now` (pending, next attempt ≤ now), oldest first. Each is sent once per
 * claim; a transient failure is retried with backoff (2, 4, 8, 16 minutes…) and fails for good
 * after MAIL_MAX_ATTEMPTS attempts with the error kept on the row; a permanent refusal (5yz)
 * fails at once. A failure of the server itself (unreachable, login refused, TLS) stops the run:
 * the other rows keep their attempts for the next tick. With mail off or SMTP not configured, the
 * due rows become `not_configured` (the in-app copy stays). A mail that no longer applies (the
 * reviewer signed off, the campaign closed) is not sent. Never throws for an SMTP failure.
 */
export async function sendPendingMail(now: Date, options: { limit?: number } = {}): Promise<TSendResult> {
  // A bound per run keeps one tick short; the rest goes out on the next.
  const limit = options.limit ?? 1_000;
  const result: TSendResult = { sent: 0, retrying: 0, failed: 0, skipped: 0, notConfigured: 0, stoppedBecause: null };
  // The clock moves on while mails go out: `now` plus the time this run has taken.
  const startedMs = Date.now();
  const clock = () => new Date(now.getTime() + (Date.now() - startedMs));

  let settings: TSmtpTransportSettings | null;
  let settingsError: unknown = null;
  try {
    settings = getSmtpTransportSettings();
  } catch (error) {
    if (!(error instanceof SmtpPasswordUnreadableError)) throw error;
    settings = null;
    settingsError = error;
  }
  if (!settings && !settingsError) {
    result.notConfigured = markDueMailNotConfigured(now.toISOString());
    return result;
  }

  const transport = settings ? createTransport(settings, true) : null;
  try {
    let afterId = 0;
    let handled = 0;
    for (;;) {
      const batch = listDueMail(now.toISOString(), afterId, BATCH);
      if (batch.length === 0) break;
      for (const row of batch) {
        if (handled++ >= limit) return result;
        afterId = row.id;
        const at = clock();
        const stale = staleReason(row);
        const attempt = row.mailAttempts + 1;
        if (!claimMail(row.id, row.mailAttempts, at.toISOString(), new Date(at.getTime() + CLAIM_LEASE_MS).toISOString())) continue;
        if (stale) {
          markMailSkipped(row.id, attempt, stale);
          result.skipped++;
          continue;
        }
        let failure: TMailFailure;
        try {
          if (!transport || !settings) throw settingsError;
          const messageId = await deliver(transport, settings, { to: row.recipientEmail, subject: row.subject, text: mailText(row, env().APP_URL) });
          markMailSent(row.id, attempt, clock().toISOString(), messageId);
          result.sent++;
          continue;
        } catch (error) {
          failure = classifyMailError(error, settings);
        }
        const failedAt = clock();
        if (!failure.transient || attempt >= MAIL_MAX_ATTEMPTS) {
          markMailFailed(row.id, attempt, failure.message);
          result.failed++;
          log.warn({ module: 'notifications', notificationId: row.id, attempt, kind: failure.kind, error: failure.message }, 'notification mail failed');
        } else {
          scheduleMailRetry(row.id, attempt, new Date(failedAt.getTime() + retryDelay(attempt)).toISOString(), failure.message);
          result.retrying++;
          log.info({ module: 'notifications', notificationId: row.id, attempt, kind: failure.kind, error: failure.message }, 'notification mail will be retried');
        }
        if (failure.serverWide) {
          result.stoppedBecause = failure.message;
          return result;
        }
      }
    }
    return result;
  } finally {
    transport?.close();
  }
}

export type TTestMailResult = { ok: true; to: string; messageId: string | null } | { ok: false; to: string; kind: TMailFailureKind | 'not_configured'; message: string };

/**
 * Send a test mail with the saved SMTP settings (even while mail is turned off) to `to`, or to
 * the admin. Reports the SMTP failure in words (unreachable, login refused, TLS, refused
 * recipient) with the server's reply; never the password. Audited.
 */
export async function sendTestMail(actor: TActor, input: TTestMailInput): Promise<TTestMailResult> {
  const p = parseNotificationInput(ZTestMailInput, input, 'test mail');
  const to = p.to ?? actor.email.toLowerCase();
  let outcome: TTestMailResult;
  let settings: TSmtpTransportSettings | null = null;
  try {
    settings = getSmtpTransportSettings({ evenIfDisabled: true });
  } catch (error) {
    if (!(error instanceof SmtpPasswordUnreadableError)) throw error;
    outcome = { ok: false, to, kind: 'config', message: error.message };
  }
  if (!settings) {
    outcome ??= { ok: false, to, kind: 'not_configured', message: 'SMTP is not configured: save a host and a From address first.' };
  } else {
    const transport = createTransport(settings);
    try {
      const base = env().APP_URL.replace(/\/+$/, '');
      const messageId = await deliver(transport, settings, {
        to,
        subject: 'Attest test mail',
        text: [`This is a test mail from Attest (${base}), sent by ${actor.email}.`, '', 'Notifications about access reviews will arrive like this one.'].join('\n'),
      });
      outcome = { ok: true, to, messageId };
    } catch (error) {
      const failure = classifyMailError(error, settings);
      outcome = { ok: false, to, kind: failure.kind, message: failure.message };
    } finally {
      transport.close();
    }
  }
  appendAudit({
    actor,
    action: 'notifications.test_mail_sent',
    target: { type: 'setting', id: 'notifications.smtp' },
    details: outcome.ok ? { to, ok: true } : { to, ok: false, kind: outcome.kind },
  });
  if (!outcome.ok) log.info({ module: 'notifications', kind: outcome.kind, error: outcome.message }, 'test mail failed');
  return outcome;
}

