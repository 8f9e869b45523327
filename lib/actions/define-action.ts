import 'server-only';
import { unstable_rethrow } from 'next/navigation';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { TRole } from '@/db/schema';
import { requireRole } from '@/lib/auth/guards';
import { getSessionUser, type TSessionUser } from '@/lib/auth/session';
import { AppError, asBusyError } from '@/lib/errors';
import type { TActionResult } from './result';
import { log } from '@/lib/log';

export type { TActionError, TActionResult } from './result';

type TActionContext<P> = { user: P extends 'public' ? TSessionUser | null : TSessionUser };

/**
 * The one server-action wrapper: parse the input with zod, check the session and role, run one
 * `lib/` call, and return a typed result. Internal errors are logged with an id and reported as
 * a generic message carrying that id — never the raw error text, never the submitted values.
 */
export function defineAction<S extends z.ZodType, T, P extends TRole[] | 'public'>(
  schema: S,
  options: { roles: P },
  fn: (input: z.output<S>, ctx: TActionContext<P>) => Promise<T> | T,
): (input: z.input<S> | FormData) => Promise<TActionResult<T>> {
  return async (raw) => {
    // Authorize before parsing: an unauthorized caller learns nothing about the input rules.
    let user: TSessionUser | null = null;
    if (options.roles === 'public') {
      user = await getSessionUser();
    } else {
      const guard = await requireRole(...(options.roles as TRole[]));
      if (!guard.ok) return { ok: false, code: guard.code, status: guard.status, error: guard.error };
      user = guard.user;
    }

    const parsed = schema.safeParse(raw instanceof FormData ? formDataToObject(raw) : raw);
    if (!parsed.success) {
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path.join('.') || '_';
        (fieldErrors[key] ??= []).push(issue.message);
      }
      return { ok: false, code: 'invalid', status: 400, error: 'Please correct the highlighted fields.', fieldErrors };
    }

    try {
      return { ok: true, data: await fn(parsed.data, { user } as TActionContext<P>) };
    } catch (error) {
      // Next's redirect() / notFound() work by throwing: let them through.
      unstable_rethrow(error);
      const known = asBusyError(error);
      if (known instanceof AppError) {
        return { ok: false, code: known.code, status: known.status, error: known.message, fieldErrors: known.fieldErrors };
      }
      const errorId = randomUUID().slice(0, 8);
      log.error({ errorId, err: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) }, 'server action failed');
      return { ok: false, code: 'internal', status: 500, error: `Something went wrong (error id ${errorId}). Nothing was saved.` };
    }
  };
}

/** FormData → plain object; repeated keys become arrays; Next's internal `$ACTION_` fields are dropped. */
function formDataToObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    if (key.startsWith('$ACTION')) continue;
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else out[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}
