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
