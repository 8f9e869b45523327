'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction } from '@/lib/actions/define-action';
import { addUser, setUserRole } from '@/lib/auth/users';
import { ROLES } from '@/lib/auth/roles';
import { clearConnection, saveConnection, testConnection } from '@/lib/connection';
import { ZConnectionInput, ZScimBaseUrl, ZScimToken } from '@/lib/connection/validation';
import { setGroupOwners } from '@/lib/review';
import { setCompanyDomains, setSnapshotRetention } from '@/lib/settings';

const admin = { roles: ['admin' as const] };
const actorOf = (user: { id: string; email: string }) => ({ id: user.id, email: user.email });

export const saveConnectionAction = defineAction(ZConnectionInput, admin, (input, { user }) => {
  const summary = saveConnection(actorOf(user), input);
  revalidatePath('/', 'layout');
  return summary;
});

export const clearConnectionAction = defineAction(z.object({}), admin, (_input, { user }) => {
  const summary = clearConnection(actorOf(user));
  revalidatePath('/', 'layout');
  return summary;
});

/** Test the values typed in the form (both given) or the active connection (neither given). */
export const testConnectionAction = defineAction(
  z.union([z.object({ baseUrl: ZScimBaseUrl, token: ZScimToken }), z.object({ baseUrl: z.literal('').optional(), token: z.literal('').optional() })]),
  admin,
  (input, { user }) => testConnection(actorOf(user), input.baseUrl && input.token ? { baseUrl: input.baseUrl, token: input.token } : undefined),
);

export const setUserRoleAction = defineAction(z.object({ userId: z.uuid(), role: z.enum(ROLES) }), admin, (input, { user }) => {
  const updated = setUserRole(actorOf(user), input.userId, input.role);
  revalidatePath('/settings/users');
  return { id: updated.id, role: updated.role };
});

export const addUserAction = defineAction(
  z.object({
    email: z.email({ error: 'Enter a valid email address.' }).max(320).transform((e) => e.toLowerCase()),
    name: z
      .string()
      .trim()
      .max(200, 'The name is too long (200 characters at most).')
      .transform((n) => n || null),
    role: z.enum(ROLES),
  }),
  admin,
  (input, { user }) => {
    const created = addUser(actorOf(user), input);
    revalidatePath('/settings/users');
    return { id: created.id, email: created.email };
  },
);

export const saveCompanyDomainsAction = defineAction(
  z.object({
    domains: z
      .string()
      .max(5_000, 'Too long (5,000 characters at most).')
      .transform((text) => text.split(/[\s,;]+/).map((d) => d.trim().toLowerCase()).filter(Boolean)),
  }),
  admin,
  (input, { user }) => {
    const domains = setCompanyDomains(actorOf(user), input.domains);
    revalidatePath('/settings/directory');
    return { domains };
  },
);

export const saveSnapshotRetentionAction = defineAction(z.object({ keepLast: z.string() }), admin, (input, { user }) => {
  const keepLast = setSnapshotRetention(actorOf(user), Number(input.keepLast));
  revalidatePath('/settings/directory');
  return { keepLast };
});

export const saveGroupOwnersAction = defineAction(
  z.object({
    groupScimId: z.string().trim().min(1).max(200),
    groupName: z.string().trim().min(1).max(200),
    emails: z
      .string()
      .max(5_000, 'Too long (5,000 characters at most).')
      .transform((text) => text.split(/[\s,;]+/).filter(Boolean)),
  }),
  admin,
  (input, { user }) => {
    const saved = setGroupOwners(actorOf(user), input.groupScimId, input.groupName, input.emails);
    revalidatePath('/settings/group-owners');
    return { owners: saved.owners };
  },
);
