import type { TErrorCode } from '@/lib/errors';

/** What every server action returns (see define-action.ts); importable from client components. */
export type TActionError = {
  ok: false;
  code: TErrorCode;
  /** HTTP-equivalent status, so callers (and tests over HTTP) can tell 403 from 400. */
  status: number;
  error: string;
  fieldErrors?: Record<string, string[]>;
};
export type TActionResult<T> = { ok: true; data: T } | TActionError;
