import 'server-only';
import { appendAudit, type TActor } from '@/lib/audit';
import { decryptSecret, DecryptionError, encryptSecret } from '@/lib/crypto/secret-box';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { registerSecret } from '@/lib/log';
import { readStoredSetting, storeSettingValue, type TSettingRow } from '@/lib/settings';
import { writeTransaction } from './queries';
import {
  DEFAULT_NOTIFICATION_RULES,
  parseNotificationInput,
  ZNotificationRulesInput,
  ZSmtpSettingsInput,
  ZStoredRules,
  ZStoredSmtp,
  type TNotificationRules,
  type TNotificationRulesInput,
  type TSmtpSecurity,
  type TSmtpSettingsInput,
  type TStoredSmtp,
} from './schemas';

/**
 * Notification settings, two JSON rows of `app_settings`: the SMTP server (`notifications.smtp`,
 * the password only as AES-256-GCM ciphertext under AUTH_SECRET, like the SCIM token) and the
 * timing rules (`notifications.rules`). Validated when written and again when read: a row edited
 * by hand falls back to "not configured" / the default rules instead of breaking pages.
 */

const SMTP_KEY = 'notifications.smtp';
const RULES_KEY = 'notifications.rules';
const PASSWORD_PURPOSE = 'smtp-password';
// Only long secrets (API keys, app passwords) show their tail: the last 4 characters of a short
// human password give too much of it away.
const HINT_MIN_LENGTH = 16;

/** What pages may know about the SMTP settings: never the password, at most its last 4 characters. */
export type TSmtpSummary = {
  /** Host and From address are set: mail can be sent. */
  configured: boolean;
  /** Mail is turned on (and configured): notifications are mailed, not only shown in Attest. */
  enabled: boolean;
  host: string | null;
  port: number | null;
  security: TSmtpSecurity;
  username: string | null;
  from: string | null;
  password: { set: boolean; endsWith: string | null };
  updatedAt: string | null;
  updatedBy: string | null;
};

/** The SMTP settings with the password decrypted: for the mailer only, never returned to a page. */
export type TSmtpTransportSettings = {
  host: string;
  port: number;
  security: TSmtpSecurity;
  username: string | null;
  password: string | null;
  from: string;
};

function getStoredSmtp(): { value: TStoredSmtp; row: TSettingRow } | null {
  return readStoredSetting(SMTP_KEY, ZStoredSmtp);
}

function isConfigured(s: TStoredSmtp | undefined): s is TStoredSmtp & { host: string; from: string; port: number } {
  return Boolean(s?.host && s.from && s.port);
}

/** The SMTP settings as a page may show them. */
export function getSmtpSummary(): TSmtpSummary {
  const stored = getStoredSmtp();
  const s = stored?.value;
  return {
    configured: isConfigured(s),
    enabled: Boolean(s?.enabled) && isConfigured(s),
    host: s?.host ?? null,
    port: s?.port ?? null,
    security: s?.security ?? 'starttls',
    username: s?.username ?? null,
    from: s?.from ?? null,
    password: { set: Boolean(s?.passwordCiphertext), endsWith: s?.passwordHint ?? null },
    updatedAt: stored?.row.updatedAt ?? null,
    updatedBy: stored?.row.updatedBy ?? null,
  };
}

export class SmtpPasswordUnreadableError extends AppError {
  override name = 'SmtpPasswordUnreadableError';
  constructor() {
    super('invalid', 'The saved SMTP password cannot be decrypted (AUTH_SECRET changed?): enter it again in Settings → Notifications.');
  }
}

/**
 * The settings the mailer sends with, or null when mail is off (unless `evenIfDisabled`, for the
 * test mail) or not configured. Throws
 * `SmtpPasswordUnreadableError` when the saved password cannot be decrypted.
 */
export function getSmtpTransportSettings(options: { evenIfDisabled?: boolean } = {}): TSmtpTransportSettings | null {
  const s = getStoredSmtp()?.value;
  if (!isConfigured(s) || (!s.enabled && !options.evenIfDisabled)) return null;
  let password: string | null = null;
  if (s.passwordCiphertext) {
    try {
      password = decryptSecret(s.passwordCiphertext, env().authSecret, PASSWORD_PURPOSE);
    } catch (error) {
      if (error instanceof DecryptionError) throw new SmtpPasswordUnreadableError();
      throw error;
    }
    registerSecret(password);
  }
  return { host: s.host, port: s.port, security: s.security, username: s.username, password, from: s.from };
}

/** What the audit log records of SMTP settings: everything but the password (whether one is set, and if it changed). */
function auditView(s: TStoredSmtp | null): Record<string, unknown> | null {
  if (!s) return null;
  return { enabled: s.enabled, host: s.host, port: s.port, security: s.security, username: s.username, from: s.from, passwordSet: s.passwordCiphertext !== null };
}

/**
 * Validate and save the SMTP settings; audited as `notifications.settings_updated` without the
 * password. A blank password keeps the saved one; a blank username removes both; a blank host
 * means "no SMTP" (notifications stay in-app only). Throws AppError('invalid') with field errors,
 * writing nothing, when the input is not valid.
 */
export function saveSmtpSettings(actor: TActor, input: TSmtpSettingsInput): TSmtpSummary {
  const p = parseNotificationInput(ZSmtpSettingsInput, input, 'SMTP settings');
  if (p.password) registerSecret(p.password);
  const e = env();
  writeTransaction((tx) => {
    const before = getStoredSmtp()?.value ?? null;
    let passwordCiphertext: string | null = null;
    let passwordHint: string | null = null;
    if (p.host && p.username) {
      if (p.password) {
        passwordCiphertext = encryptSecret(p.password, e.authSecret, PASSWORD_PURPOSE);
        passwordHint = p.password.length >= HINT_MIN_LENGTH ? p.password.slice(-4) : null;
      } else if (before?.passwordCiphertext && before.username === p.username && before.host === p.host) {
        // Kept only for the same account on the same server: a password never follows a new username or host.
        passwordCiphertext = before.passwordCiphertext;
        passwordHint = before.passwordHint;
      } else {
        throw new AppError('invalid', 'Enter the password for this SMTP username.', { password: ['enter the password for this username and host'] });
      }
    }
    const next: TStoredSmtp = {
      enabled: p.enabled,
      host: p.host,
      port: p.host ? p.port : null,
      security: p.security,
      username: p.host ? p.username : null,
      passwordCiphertext,
      passwordHint,
      from: p.host ? p.from : null,
    };
    storeSettingValue(tx, SMTP_KEY, next, actor);
    appendAudit(
      {
        actor,
        action: 'notifications.settings_updated',
        target: { type: 'setting', id: SMTP_KEY },
        details: { before: auditView(before), after: auditView(next), passwordChanged: Boolean(p.password) || (before?.passwordCiphertext ?? null) !== passwordCiphertext },
      },
      tx,
    );
  });
  return getSmtpSummary();
}

/** The timing rules, defaults filled in. */
export function getNotificationRules(): TNotificationRules {
  return readStoredSetting(RULES_KEY, ZStoredRules)?.value ?? { ...DEFAULT_NOTIFICATION_RULES, reminderDaysBefore: [...DEFAULT_NOTIFICATION_RULES.reminderDaysBefore] };
}

/** Validate and save the timing rules; audited as `notifications.settings_updated` with before and after. */
export function saveNotificationRules(actor: TActor, input: TNotificationRulesInput): TNotificationRules {
  const next = parseNotificationInput(ZNotificationRulesInput, input, 'notification rules');
  writeTransaction((tx) => {
    const before = readStoredSetting(RULES_KEY, ZStoredRules)?.value ?? null;
    storeSettingValue(tx, RULES_KEY, next, actor);
    appendAudit({ actor, action: 'notifications.settings_updated', target: { type: 'setting', id: RULES_KEY }, details: { before, after: next } }, tx);
  });
  return getNotificationRules();
}
