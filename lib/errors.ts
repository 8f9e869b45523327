/** Error codes a caller may see, each with its HTTP status. */
export const ERROR_STATUS = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
  busy: 503,
} as const;
export type TErrorCode = keyof typeof ERROR_STATUS;

/**
 * An error whose message is safe to show to the user. Anything else that escapes a
 * `lib/` function is treated as internal: logged with an id, shown as a generic message.
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: TErrorCode,
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/**
 * SQLite's "database is locked" after the connection's busy timeout (another process held the
 * write lock for seconds: a large snapshot write, a backup) as a clear, retryable answer instead
 * of an internal error. Anything else comes back unchanged.
 */
export function asBusyError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && error.name === 'SqliteError' && typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code)) {
    return new AppError('busy', 'The database is busy with another change. Nothing was saved; try again in a moment.');
  }
  return error;
}
