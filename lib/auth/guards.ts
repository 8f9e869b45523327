import 'server-only';
import { forbidden, redirect } from 'next/navigation';
import type { TRole } from '@/db/schema';
import { getSessionUser, type TSessionUser } from './session';

export type TGuardResult =
  | { ok: true; user: TSessionUser }
  | { ok: false; code: 'unauthorized' | 'forbidden'; status: 401 | 403; error: string };

/**
 * The authorization check every server action and route handler runs itself (middleware and
 * hidden buttons are not enough). An empty role list means "any signed-in user".
 */
export async function requireRole(...roles: TRole[]): Promise<TGuardResult> {
  const user = await getSessionUser();
  if (!user) return { ok: false, code: 'unauthorized', status: 401, error: 'Sign in to continue.' };
  if (roles.length > 0 && !roles.includes(user.role)) {
    return { ok: false, code: 'forbidden', status: 403, error: 'You do not have permission to do that.' };
  }
  return { ok: true, user };
}

/** For pages: redirect to sign-in when signed out, render the 403 page when the role is wrong. */
export async function requirePageRole(...roles: TRole[]): Promise<TSessionUser> {
  const guard = await requireRole(...roles);
  if (guard.ok) return guard.user;
  if (guard.code === 'unauthorized') redirect('/sign-in');
  forbidden();
}

type TRouteHandler<C> = (req: Request, ctx: C, user: TSessionUser) => Promise<Response> | Response;

/** Wrap a route handler: 401 / 403 JSON answers before the handler runs. */
export function withRole<C>(roles: TRole[], handler: TRouteHandler<C>): (req: Request, ctx: C) => Promise<Response> {
  return async (req, ctx) => {
    const guard = await requireRole(...roles);
    if (!guard.ok) return Response.json({ ok: false, code: guard.code, error: guard.error }, { status: guard.status });
    return handler(req, ctx, guard.user);
  };
}
