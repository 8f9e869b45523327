import 'server-only';
import type { TRole } from '@/db/schema';
import { auth } from './config';
import { getAppUserById } from './queries';

export type TSessionUser = { id: string; email: string; name: string | null; role: TRole };

/**
 * The signed-in user with their CURRENT role from the database (a role change applies on the
 * next request, not at the next sign-in).
 */
export async function getSessionUser(): Promise<TSessionUser | null> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const user = getAppUserById(id);
  if (!user) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
