import 'server-only';
import { getDb } from '@/db/client';
import type { TAppUser, TRole } from '@/db/schema';
import { appendAudit, type TActor } from '@/lib/audit';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { countAdmins, getAppUserByEmail, getAppUserById, insertAppUser, updateAppUser } from './queries';

/**
 * Record a successful sign-in: create the user on first sign-in (reviewer by default — anyone
 * the identity provider lets in may be asked to review), promote addresses listed in
 * ADMIN_EMAILS to admin, and append `auth.sign_in` to the audit log, all in one transaction.
 */
export function recordSignIn(input: { email: string; name: string | null; method: string }): TAppUser {
  const email = input.email.trim().toLowerCase();
  const bootstrapAdmin = env().ADMIN_EMAILS.includes(email);
  return getDb().transaction(
    (tx) => {
      const existing = getAppUserByEmail(email, tx);
      const now = new Date().toISOString();
      let user: TAppUser;
      if (!existing) {
        user = insertAppUser(tx, { email, name: input.name, role: bootstrapAdmin ? 'admin' : 'reviewer', signedIn: true });
      } else {
        user = updateAppUser(tx, existing.id, {
          lastSignInAt: now,
          name: existing.name ?? input.name,
          ...(bootstrapAdmin && existing.role !== 'admin' ? { role: 'admin' as const } : {}),
        });
      }
      appendAudit(
        {
          actor: { id: user.id, email },
          action: 'auth.sign_in',
          target: { type: 'app_user', id: user.id },
          details: { method: input.method, role: user.role, ...(bootstrapAdmin && existing?.role !== 'admin' ? { promotedBy: 'ADMIN_EMAILS' } : {}) },
        },
        tx,
      );
      return user;
    },
    { behavior: 'immediate' },
  );
}

/** Change someone's role. Refuses to demote the last admin (the app would become unmanageable). */
export function setUserRole(actor: TActor, userId: string, role: TRole): TAppUser {
  return getDb().transaction(
    (tx) => {
      const user = getAppUserById(userId, tx);
      if (!user) throw new AppError('not_found', 'That user does not exist.');
      if (user.role === role) return user;
      if (user.role === 'admin' && countAdmins(tx) <= 1) {
        throw new AppError('conflict', 'This is the last admin. Make someone else an admin first.');
      }
      const updated = updateAppUser(tx, userId, { role });
      appendAudit(
        { actor, action: 'user.role_changed', target: { type: 'app_user', id: userId }, details: { email: user.email, before: user.role, after: role } },
        tx,
      );
      return updated;
    },
    { behavior: 'immediate' },
  );
}

/** Pre-register someone (e.g. an auditor) with a role before their first sign-in. */
export function addUser(actor: TActor, input: { email: string; name: string | null; role: TRole }): TAppUser {
  return getDb().transaction(
    (tx) => {
      if (getAppUserByEmail(input.email, tx)) {
        throw new AppError('conflict', 'A user with that email already exists.', { email: ['Already registered'] });
      }
      const user = insertAppUser(tx, input);
      appendAudit({ actor, action: 'user.added', target: { type: 'app_user', id: user.id }, details: { email: user.email, role: user.role } }, tx);
      return user;
    },
    { behavior: 'immediate' },
  );
}

/** Everyone who can sign in, by email. */
export { listAppUsers } from './queries';
