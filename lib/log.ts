import pino from 'pino';

/**
 * The one logger. JSON lines on stderr (stdout stays free for the CLIs' machine-readable output).
 * Secrets are redacted by key wherever they appear, and `redactSecret` scrubs known secret values
 * out of free text (error messages, URLs) before anything is logged or thrown.
 */
export const log = pino(
  {
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
    base: { app: 'attest' },
    redact: {
      paths: [
        'token',
        '*.token',
        'authorization',
        '*.authorization',
        'headers.authorization',
        '*.headers.authorization',
        'secret',
        '*.secret',
        'password',
        '*.password',
      ],
      censor: '[redacted]',
    },
  },
  pino.destination({ fd: 2, sync: true }),
);

export type Logger = typeof log;

const knownSecrets = new Set<string>();

/** Remember a secret value (the SCIM token, AUTH_SECRET) so `redactSecret` can scrub it from text. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 4) knownSecrets.add(value);
}

/** Replace every registered secret, and any bearer credential, in a piece of text. */
export function redactSecret(text: string, extra: Array<string | undefined> = []): string {
  let out = text.replace(/(bearer\s+)[^\s"',;]{8,}/gi, '$1[redacted]');
  for (const secret of [...knownSecrets, ...extra]) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}
