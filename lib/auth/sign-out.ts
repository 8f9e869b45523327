import 'server-only';
import { appendAudit } from '@/lib/audit';
import { signOut } from './config';
import type { TSessionUser } from './session';

/** End the session (audited) and go to the sign-in page. */
export async function signOutUser(user: TSessionUser): Promise<never> {
  appendAudit({ actor: { id: user.id, email: user.email }, action: 'auth.sign_out', target: { type: 'app_user', id: user.id } });
  await signOut({ redirectTo: '/sign-in' });
  throw new Error('sign-out did not redirect');
}
