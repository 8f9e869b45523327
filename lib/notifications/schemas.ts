import { z } from 'zod';
import { AppError } from '@/lib/errors';

/**
 * Input and stored-value schemas of lib/notifications. Pure (no server imports), so forms may use
 * the defaults and limits for hints. Every input schema accepts its own output (a server action
 * parses, then the lib function parses again, as lib/review does), and form strings: '' means
 * "not given", a checkbox arrives as 'on' or not at all.
 */

export const SMTP_SECURITY = ['tls', 'starttls', 'none'] as const;
export type TSmtpSecurity = (typeof SMTP_SECURITY)[number];

export const SMTP_SECURITY_LABEL: Record<TSmtpSecurity, string> = {
  tls: 'TLS from the start (usually port 465)',
  starttls: 'STARTTLS, required (usually port 587)',
  none: 'None: plain text (only on a trusted network, e.g. a local relay on port 25)',
};

/** The port each security mode conventionally uses (RFC 8314 §3.3 for 465; RFC 6409 for 587). */
export const DEFAULT_SMTP_PORT: Record<TSmtpSecurity, number> = { tls: 465, starttls: 587, none: 25 };

export const DEFAULT_REMINDER_DAYS_BEFORE: readonly number[] = [3, 1];
export const DEFAULT_OVERDUE_EVERY_DAYS = 2;
export const DEFAULT_ESCALATE_AFTER_DAYS = 3;

export const MAX_REMINDERS = 5;
export const MAX_PASSWORD_LENGTH = 1_000;

const ZFlag = z
  .union([z.boolean(), z.enum(['on', 'true', 'false', '1', '0', ''])])
  .optional()
  .transform((v) => v === true || v === 'on' || v === 'true' || v === '1');

// A host name (RFC 1123 labels) or an IPv4 / bracket-less IPv6 address: no scheme, no port, no spaces.
const HOST_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$|^[0-9a-f:]{2,39}$/i;

const ZHost = z
  .union([z.string(), z.null()])
  .optional()
  .transform((v) => (v ?? '').trim().toLowerCase() || null)
  .pipe(z.string().regex(HOST_RE, 'enter a host name such as smtp.example.com (no smtp://, no port)').nullable());

/** A whole number from JSON or a form field; '' or absent becomes `empty`. */
const wholeNumberOr = (empty: number | null, min: number, max: number, unit: string) =>
  z
    .union([z.number(), z.string().trim(), z.null()])
    .optional()
    .transform((v): number | null => (v === undefined || v === null || v === '' ? empty : Number(v)))
    .pipe(
      z
        .number({ error: `a whole number of ${unit}` })
        .int(`a whole number of ${unit}`)
        .min(min, `at least ${min} ${unit}`)
        .max(max, `at most ${max} ${unit}`)
        .nullable(),
    );

// Header injection: a CR or LF in From would start a new header line.
const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]*$/;
const ZPlainEmail = z.email('enter an email address such as attest@example.com');

/**
 * The From address: `attest@example.com` or `Attest <attest@example.com>`; stored as typed
 * (trimmed). nodemailer quotes the display name itself.
 */
export const ZFromAddress = z
  .string()
  .trim()
  .max(320, 'at most 320 characters')
  .refine((v) => NO_CONTROL_CHARS.test(v), 'cannot contain line breaks or control characters')
  .refine((v) => {
    const named = /^([^<>]*)<([^<>]+)>$/.exec(v);
    return ZPlainEmail.safeParse(named ? named[2]!.trim() : v).success;
  }, 'enter an email address, optionally with a name: Attest <attest@example.com>');

/** Split a From address into name and address (for display and the SMTP envelope). */
export function parseFromAddress(from: string): { name: string | null; address: string } {
  const named = /^([^<>]*)<([^<>]+)>$/.exec(from.trim());
  if (!named) return { name: null, address: from.trim() };
  const name = named[1]!.trim().replace(/^"(.*)"$/, '$1');
  return { name: name || null, address: named[2]!.trim() };
}

/**
 * The SMTP form. Host blank = mail not configured (the other SMTP fields are then ignored).
 * Password blank = keep the saved one (the field is write-only); a blank username removes it.
 */
export const ZSmtpSettingsInput = z
  .object({
    enabled: ZFlag,
    host: ZHost,
    security: z
      .union([z.literal(''), z.enum(SMTP_SECURITY, { error: 'choose tls, starttls or none' })])
      .optional()
      .transform((v): TSmtpSecurity => v || 'starttls'),
    port: wholeNumberOr(null, 1, 65_535, 'port'),
    username: z
      .union([z.string(), z.null()])
      .optional()
      .transform((v) => (v ?? '').trim() || null)
      .pipe(z.string().max(320, 'at most 320 characters').refine((v) => NO_CONTROL_CHARS.test(v), 'cannot contain control characters').nullable()),
    // Not trimmed: a password may begin or end with a space.
    password: z
      .union([z.string(), z.null()])
      .optional()
      .transform((v) => v || null)
      .pipe(z.string().max(MAX_PASSWORD_LENGTH, `at most ${MAX_PASSWORD_LENGTH} characters`).nullable()),
    from: z
      .union([z.string(), z.null()])
      .optional()
      .transform((v) => (v ?? '').trim() || null)
      .pipe(ZFromAddress.nullable()),
  })
  .superRefine((s, ctx) => {
    if (s.host && !s.from) ctx.addIssue({ code: 'custom', path: ['from'], message: 'enter the address mails are sent from' });
    if (s.enabled && !s.host) ctx.addIssue({ code: 'custom', path: ['host'], message: 'enter the SMTP host, or turn mail off' });
    if (s.password && !s.username) ctx.addIssue({ code: 'custom', path: ['username'], message: 'enter the username this password belongs to' });
  })
  .transform((s) => ({ ...s, port: s.host ? (s.port ?? DEFAULT_SMTP_PORT[s.security]) : s.port }));
export type TSmtpSettingsInput = z.input<typeof ZSmtpSettingsInput>;
export type TSmtpSettingsParsed = z.output<typeof ZSmtpSettingsInput>;

/** Reminder thresholds: "3, 1" or [3, 1] → unique, largest first; empty = no reminders before the due date. */
const ZReminderDays = z
  .union([z.string(), z.array(z.union([z.number(), z.string()]))])
  .optional()
  .transform((v) => {
    if (v === undefined) return [...DEFAULT_REMINDER_DAYS_BEFORE];
    const parts = typeof v === 'string' ? v.split(/[\s,;]+/).filter(Boolean) : v;
    return parts.map((p) => (typeof p === 'number' ? p : Number(p.trim())));
  })
  .pipe(
    z
      .array(z.number({ error: 'whole numbers of days, e.g. 3, 1' }).int('whole numbers of days, e.g. 3, 1').min(1, 'at least 1 day before').max(90, 'at most 90 days before'))
      .max(MAX_REMINDERS, `at most ${MAX_REMINDERS} reminders`),
  )
  .transform((days) => [...new Set(days)].sort((a, b) => b - a));

/** When reminders, overdue notices and escalations go out (all relative to the current stage's due date). */
export const ZNotificationRulesInput = z.object({
  reminderDaysBefore: ZReminderDays,
  /** An overdue notice when the due date passes and every N days after; blank = none. */
  overdueEveryDays: wholeNumberOr(null, 1, 30, 'days'),
  /** Escalate to the reviewer's manager (else the campaign owner) once this many days overdue; blank = never. */
  escalateAfterDays: wholeNumberOr(null, 1, 365, 'days'),
});
export type TNotificationRulesInput = z.input<typeof ZNotificationRulesInput>;
export type TNotificationRules = z.output<typeof ZNotificationRulesInput>;

export const DEFAULT_NOTIFICATION_RULES: TNotificationRules = {
  reminderDaysBefore: [...DEFAULT_REMINDER_DAYS_BEFORE],
  overdueEveryDays: DEFAULT_OVERDUE_EVERY_DAYS,
  escalateAfterDays: DEFAULT_ESCALATE_AFTER_DAYS,
};

/** The SMTP settings as stored in `app_settings` (the password only as AES-256-GCM ciphertext). */
export const ZStoredSmtp = z.object({
  enabled: z.boolean(),
  host: z.string().regex(HOST_RE).nullable(),
  port: z.number().int().min(1).max(65_535).nullable(),
  security: z.enum(SMTP_SECURITY),
  username: z.string().max(320).nullable(),
  passwordCiphertext: z.string().nullable(),
  passwordHint: z.string().max(4).nullable(),
  from: ZFromAddress.nullable(),
});
export type TStoredSmtp = z.output<typeof ZStoredSmtp>;

/** The stored timing rules (same rules as the form, already normalised). */
export const ZStoredRules = z.object({
  reminderDaysBefore: z.array(z.number().int().min(1).max(90)).max(MAX_REMINDERS),
  overdueEveryDays: z.number().int().min(1).max(30).nullable(),
  escalateAfterDays: z.number().int().min(1).max(365).nullable(),
});

/** Recipient of a test mail: blank = the admin who sends it. */
export const ZTestMailInput = z.object({
  to: z
    .union([z.string(), z.null()])
    .optional()
    .transform((v) => (v ?? '').trim().toLowerCase() || null)
    .pipe(ZPlainEmail.nullable()),
});
export type TTestMailInput = z.input<typeof ZTestMailInput>;

/** Which notifications to mark read: some ids (one form checkbox arrives as one value) or all. */
export const ZMarkReadInput = z.union([
  z.object({ all: z.union([z.literal(true), z.literal('1'), z.literal('on'), z.literal('true')]).transform(() => 'all' as const) }),
  z.object({
    ids: z
      .union([z.union([z.number(), z.string()]), z.array(z.union([z.number(), z.string()]))])
      .transform((v) => (Array.isArray(v) ? v : [v]).map(Number))
      .pipe(z.array(z.number().int().positive('not a valid id')).min(1, 'choose at least one notification').max(500, 'at most 500 at once')),
  }),
]);
export type TMarkReadInput = z.input<typeof ZMarkReadInput>;

/** Parse with `schema`; a failure becomes AppError('invalid') with messages per field. */
export function parseNotificationInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of result.error.issues) (fieldErrors[issue.path.join('.') || '_'] ??= []).push(issue.message);
  const summary = Object.entries(fieldErrors)
    .map(([k, v]) => `${k}: ${v.join(', ')}`)
    .join('; ');
  return invalidInput(what, summary, fieldErrors);
}

function invalidInput(what: string, summary: string, fieldErrors: Record<string, string[]>): never {
  throw new AppError('invalid', `Invalid ${what} (${summary}).`, fieldErrors);
}
